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


def run_per_object(model_admin: admin.ModelAdmin, request: HttpRequest, objects: Iterable[Any], verb: str,
                   service: Callable[[Any], Any]) -> None:
    """Call ``service`` for each object; collect refusals; one summary message."""
    done, failures = 0, []
    for obj in objects:
        try:
            service(obj)
            done += 1
        except ValidationError as error:
            failures.append(f"{obj}：{'；'.join(error.messages)}")
    text = f"{verb}：成功 {done} 条"
    if failures:
        shown = failures[:MAX_LISTED_FAILURES]
        more = f"等 {len(failures)} 条" if len(failures) > len(shown) else f"{len(failures)} 条"
        text += f"，未办理 {more}：" + "；".join(shown)
    model_admin.message_user(request, text, messages.WARNING if failures else messages.SUCCESS)


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
