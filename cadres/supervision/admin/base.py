"""Helpers shared by the supervision admins: run a service per selected object and end
with one summary message; ask for the one value an action needs (a reason, a date)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from orgwork.admin_actions import batch_summary, refusal, selection_context
from orgwork.common import dates


def run_per_object(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: models.QuerySet[Any],
                   service: Callable[[Any], Any], *, done: str) -> None:
    """Call ``service(obj)`` for each selected object; one summary message at the end, in
    the kernel's shape (``done`` is the step's name): 审查通过：已办理 1 条，未办理 1 条。"""
    succeeded = 0
    failures: list[str] = []
    for obj in queryset:
        try:
            service(obj)
        except ValidationError as exc:
            failures.append(refusal(obj, exc))
        else:
            succeeded += 1
    model_admin.message_user(request, batch_summary(done, succeeded, failures),
                             messages.WARNING if failures else messages.SUCCESS)


def ask_then_run(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: models.QuerySet[Any], *,
                 form_class: type[forms.Form], title: str, service: Callable[[Any, dict[str, Any]], Any],
                 done: str) -> HttpResponse | None:
    """First show ``form_class`` for the selected objects; on submit run the service per object."""
    if "apply" in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            run_per_object(model_admin, request, queryset, lambda obj: service(obj, form.cleaned_data), done=done)
            return None
    else:
        form = form_class()
    context = {
        **model_admin.admin_site.each_context(request),
        **selection_context(request, queryset),
        "title": title,
        "form": form,
        "action": request.POST.get("action", ""),
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "admin/supervision/action_form.html", context)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 3}))


class DatedTextForm(forms.Form):
    day = dates.DateFormField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}))
