"""Shared admin pieces for talent work: filters whose choices follow the talent scope
rules, and the ID-number column that honours the unmasking permission. Batch actions
run through ``orgwork.admin_actions``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from orgwork.admin_base import StateFilter
from orgwork.common import secrets

from ..models import EnrollmentStatus
from ..selectors import programmes_open_to

UNMASK_PERMISSION = "talent.view_unmasked_id_number"


def can_unmask(request: HttpRequest) -> bool:
    return secrets.may_unmask(request.user, "talent.person")


class EnrollmentStatusFilter(StateFilter):
    """状态 of an enrollee, 在册 until another state or 全部 is picked: the list of 入选人员 is
    of those on the programmes' rolls; who completed a term (期满) or left (退出) is one pick
    away, and a search finds them without one."""

    default = EnrollmentStatus.ACTIVE.value


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
