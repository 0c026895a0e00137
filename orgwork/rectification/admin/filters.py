"""List filters of the item changelist: overdue (逾期), extended (延期), responsible person (责任人)
and the items of the user's own unit (本级)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from orgwork.units.scope import home_unit

from ..filters import OWN_UNIT_PARAMETER
from ..selectors import deadline_today, extended_q, overdue_q


class OwnUnitFilter(admin.SimpleListFilter):
    """本级事项: the items whose responsible unit is the user's own unit itself, not one below
    it (the dashboard's 本级 bar opens this list)."""

    title = "本级事项"
    parameter_name = OWN_UNIT_PARAMETER
    checks_own_values = True  # any unit code: the list is already in the user's jurisdiction

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        home = home_unit(request.user)
        return [(home.code, f"{home.name}（本级）")] if home is not None else []

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        # The list is already in the user's jurisdiction: a code outside it finds nothing.
        return queryset.filter(responsible_unit__code=self.value()) if self.value() else queryset


class OverdueFilter(admin.SimpleListFilter):
    """是否逾期: past the end of the deadline day in Beijing and not struck off."""

    title = "是否逾期"
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "已逾期"), ("no", "未逾期")]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        condition = overdue_q(today=deadline_today())
        if self.value() == "yes":
            return queryset.filter(condition)
        if self.value() == "no":
            return queryset.exclude(condition)
        return queryset


class WithoutDeadlineFilter(admin.SimpleListFilter):
    """整改时限: the items with none set (put on the books by hand before every item needed one)."""

    title = "整改时限"
    parameter_name = "deadline_set"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("no", "未定时限"), ("yes", "已定时限")]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if self.value() in ("no", "yes"):
            return queryset.filter(deadline__isnull=self.value() == "no")
        return queryset


class ExtendedFilter(admin.SimpleListFilter):
    """是否延期: the deadline was moved past the original one by the 延期 step."""

    title = "是否延期"
    parameter_name = "extended"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "已延期"), ("no", "未延期")]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(extended_q())
        if self.value() == "no":
            return queryset.exclude(extended_q())
        return queryset


class ResponsiblePersonFilter(admin.SimpleListFilter):
    """责任人: the names that occur in the user's own items (the stock filter lists them all)."""

    title = "责任人"
    parameter_name = "person"
    limit = 200
    checks_own_values = True  # any name: the first 200 are listed, a name nobody has finds nothing

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        names = (
            model_admin.get_queryset(request)
            .exclude(responsible_person="")
            .order_by("responsible_person")
            .values_list("responsible_person", flat=True)
            .distinct()[: self.limit]
        )
        return [(name, name) for name in names]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if self.value():
            return queryset.filter(responsible_person=self.value())
        return queryset
