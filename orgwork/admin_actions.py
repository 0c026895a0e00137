"""Admin actions that run a service per selected record (批量办理), shared by the apps.

``run_per_object`` calls the service for each record, collects the refusals and ends
with one summary message; ``action_with_form`` first asks for a date, a reason or a
choice on a small page, then does the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

MAX_LISTED_FAILURES = 10


def refusal(obj: Any, error: ValidationError) -> str:
    """One record's refusal: 「发展对象甲」：未完成政治审查；未经公示 (its reasons without their
    own full stops, which the summary puts back once)."""
    return f"「{obj}」：" + "；".join(message.rstrip("。；") for message in error.messages)


def batch_summary(verb: str, done: int, failures: list[str], unit: str = "条") -> str:
    """The message after a batch: 发展党员：成功 1 条，未办理 1 条。「发展对象甲」：…。 Each
    refusal is a sentence of its own; past ``MAX_LISTED_FAILURES`` they are counted."""
    text = f"{verb}：成功 {done} {unit}"
    if not failures:
        return text + "。"
    shown = failures[:MAX_LISTED_FAILURES]
    text += f"，未办理 {len(failures)} {unit}。" + "".join(f"{line}。" for line in shown)
    if len(failures) > len(shown):
        text += f"另有 {len(failures) - len(shown)} {unit}未列出。"
    return text


def run_per_object(model_admin: admin.ModelAdmin, request: HttpRequest, objects: Iterable[Any], verb: str,
                   service: Callable[[Any], Any]) -> None:
    """Call ``service`` for each object; collect refusals; one summary message."""
    done, failures = 0, []
    for obj in objects:
        try:
            service(obj)
            done += 1
        except ValidationError as error:
            failures.append(refusal(obj, error))
    model_admin.message_user(request, batch_summary(verb, done, failures),
                             messages.WARNING if failures else messages.SUCCESS)


def action_with_form(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: models.QuerySet[Any], *,
                     form_class: type[forms.Form], title: str, action: str,
                     service: Callable[[Any, dict[str, Any]], Any], form_kwargs: dict[str, Any] | None = None,
                     ) -> HttpResponse | None:
    """An action that first asks for a date, a reason or a choice, then runs per object."""
    kwargs = form_kwargs or {}
    if "apply" in request.POST:
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            run_per_object(model_admin, request, queryset, title, lambda obj: service(obj, form.cleaned_data))
            return None
    else:
        form = form_class(**kwargs)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title, "opts": model_admin.model._meta, "objects": list(queryset[:200]), "form": form,
        "action": action,
    }
    return TemplateResponse(request, "admin/orgwork/action_form.html", context)
