"""Shared admin pieces for talent work: running a service per selected row, action
forms (reasons, grades), filters whose choices follow the talent scope rules, and the
ID-number column that honours the unmasking permission."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from orgwork.common import secrets

from ..selectors import programmes_open_to

UNMASK_PERMISSION = "talent.view_unmasked_id_number"
MAX_LISTED_FAILURES = 10


def can_unmask(request: HttpRequest) -> bool:
    return secrets.may_unmask(request.user, "talent.person")


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
                     service: Callable[[Any, dict[str, Any]], Any]) -> HttpResponse | None:
    """An action that first asks for a reason, a grade or a date, then runs per object."""
    if "apply" in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            run_per_object(model_admin, request, queryset, title, lambda obj: service(obj, form.cleaned_data))
            return None
    else:
        form = form_class()
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "objects": list(queryset[:200]),
        "form": form,
        "action": action,
    }
    return TemplateResponse(request, "admin/talent/action_form.html", context)


class ProgrammeFilter(admin.SimpleListFilter):
    """人才计划: the programmes open to the user (a provincial programme shows in a county)."""

    title = "人才计划"
    parameter_name = "programme"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(str(pk), name) for pk, name in programmes_open_to(request.user).values_list("pk", "name")]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if not self.value():
            return queryset
        if not self.value().isdigit():
            return queryset.none()
        return queryset.filter(programme_id=int(self.value()))
