"""Admin actions that run a service per selected record (批量办理), shared by the apps.

``run_per_object`` calls the service for each record, collects the refusals and ends
with one summary message (:func:`batch_summary`: a line of counts, then the refusals one
a line); ``action_with_form`` first asks for a date, a reason or a
choice on a small page, then does the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NoReturn

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

MAX_LISTED_FAILURES = 10
# 选中全部 runs a batch on the whole filtered list, up to this many records
# (ScopedModelAdmin.response_action refuses more); its form page names the first
# LISTED_ON_FORM of them and counts the rest.
BATCH_MAX = 2000
LISTED_ON_FORM = 200


def confirm_label(words: str) -> str:
    """The button that carries a step out: 确认 and the step, said once. A step whose name
    already starts with 确认 (确认转出) reads just that, not 确认办理确认转出."""
    bare = words.removeprefix("办理")
    return bare if bare.startswith("确认") else f"确认{words}"


def refusal(obj: Any, error: ValidationError) -> str:
    """One record's refusal: 「发展对象甲」：未完成政治审查；未经公示 (its reasons without their
    own full stops, which the summary puts back once). A record with a ``batch_label``
    (a person: name, ID number's tail and branch) is named by it, so that two 胡文静 of a
    county are told apart."""
    return f"「{shown(obj)}」：" + "；".join(message.rstrip("。；") for message in error.messages)


def shown(obj: Any) -> str:
    """A record as a batch's form and result name it: its ``batch_label`` if it has one."""
    return getattr(obj, "batch_label", None) or str(obj)


def batch_summary(verb: str, done: int, failures: list[str], unit: str = "条",
                  notes: list[str] | None = None) -> SafeString:
    """The message after a batch (批量办理结果): one summary line — 发展党员：已办理 1 人，未办理
    1 人。 — the refusals as a list (:func:`refusal_list`), then what else the step did
    to the records done (``notes``, one a line: 「吴卫东」：删除未交党费2个月（…）)."""
    head = f"{verb}：已办理 {done} {unit}"
    summary = (format_html("{}。", head) if not failures
               else refusal_list(f"{head}，未办理 {len(failures)} {unit}。", failures, unit))
    if not notes:
        return summary
    return format_html('{}<ul class="orgwork-batch-notes">{}</ul>', summary,
                       format_html_join("", "<li>{}。</li>", ((line,) for line in notes)))


def refusal_list(summary: str, failures: list[str], unit: str = "条") -> SafeString:
    """The summary line, then the refusals one record a line with its reasons; past
    ``MAX_LISTED_FAILURES`` they are counted. Names and reasons come from data: escaped
    here, once (the message is safe HTML, which the messages framework keeps as such)."""
    shown = failures[:MAX_LISTED_FAILURES]
    more = len(failures) - len(shown)
    return format_html(
        '<p class="orgwork-batch-summary">{}</p><ul class="orgwork-batch-refusals">{}</ul>{}',
        summary, format_html_join("", "<li>{}。</li>", ((line,) for line in shown)),
        format_html('<p class="orgwork-batch-more">另有 {} {}未列出。</p>', more, unit) if more else "",
    )


def already(state: str) -> NoReturn:
    """A record a batch finds already where the step leads (已办结, 已注销, 已销号): told
    among the records not done, with its state, rather than counted as done. The services
    keep a second click on a record page harmless by returning quietly."""
    raise ValidationError(f"{state}，无需再办理")


def run_per_object(model_admin: admin.ModelAdmin, request: HttpRequest, objects: Iterable[Any], verb: str,
                   service: Callable[[Any], Any], note: Callable[[Any], str] | None = None) -> None:
    """Call ``service`` for each object; collect refusals; one summary message, counted in
    the admin's ``batch_unit`` (人 on the lists of people, 条 otherwise). ``note``: what
    else a call did, read from what it returned, listed under the summary."""
    done, failures, notes = 0, [], []
    for obj in objects:
        try:
            result = service(obj)
            done += 1
        except ValidationError as error:
            failures.append(refusal(obj, error))
        else:
            if note is not None and (line := note(result)):
                notes.append(f"「{shown(obj)}」：{line}")
    unit = getattr(model_admin, "batch_unit", "条")
    model_admin.message_user(request, batch_summary(verb, done, failures, unit, notes),
                             messages.WARNING if failures else messages.SUCCESS)


def action_with_form(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: models.QuerySet[Any], *,
                     form_class: type[forms.Form], title: str, action: str,
                     service: Callable[[Any, dict[str, Any]], Any], form_kwargs: dict[str, Any] | None = None,
                     note: Callable[[Any], str] | None = None) -> HttpResponse | None:
    """An action that first asks for a date, a reason or a choice, then runs per object."""
    kwargs = form_kwargs or {}
    if "apply" in request.POST:
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            run_per_object(model_admin, request, queryset, title, lambda obj: service(obj, form.cleaned_data), note)
            return None
    else:
        form = form_class(**kwargs)
    context = {
        **model_admin.admin_site.each_context(request), **selection_context(request, queryset),
        "title": title, "opts": model_admin.model._meta, "form": form, "action": action,
        "submit_label": confirm_label(title),
    }
    return TemplateResponse(request, "admin/orgwork/action_form.html", context)


def selection_context(request: HttpRequest, queryset: models.QuerySet[Any]) -> dict[str, Any]:
    """What a batch's form page carries to its second post (批量办理的所选记录): the records
    as chosen — the ticked keys, or 选中全部 (``select_across``), which the changelist turns
    back into the whole filtered list from the page's own query string — and the count and
    first ``LISTED_ON_FORM`` of them to name."""
    across = request.POST.get("select_across") == "1"
    listed = list(queryset[:LISTED_ON_FORM])
    total = queryset.count() if across or len(listed) == LISTED_ON_FORM else len(listed)
    return {
        "objects": listed, "total": total, "unlisted": total - len(listed), "select_across": "1" if across else "0",
        # Under 选中全部 the ticked keys go along unused: the changelist runs no action
        # posted without one.
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME) if across else [str(obj.pk) for obj in listed],
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
