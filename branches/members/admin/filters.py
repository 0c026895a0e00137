"""The roster's 年龄段 and 党龄段 filters: the bands of 党员队伍结构 (``structure``), so a
figure of the dashboard's panel and the roster it links to are the same members.

Each is a range on a date column. No index of its own: the roster's page reads its fifty
rows in the list's order from the 党籍状态 index (the links filter 在册) and stops, which
beats collecting a band of a tenth of the roll and sorting it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from orgwork.common import dates

from .. import structure


class AgeBandFilter(admin.SimpleListFilter):
    title = "年龄段"
    parameter_name = "age"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [*((key, band.label) for key, band in structure.AGE_BANDS.items()),
                (structure.AGE_UNKNOWN, structure.AGE_UNKNOWN_LABEL)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        condition = structure.age_condition(self.value() or "", dates.today())
        return queryset if condition is None else queryset.filter(condition)


class StandingBandFilter(admin.SimpleListFilter):
    title = "党龄段"
    parameter_name = "standing"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [*((key, band.label) for key, band in structure.STANDING_BANDS.items()),
                (structure.PROBATION, structure.PROBATION_LABEL)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        condition = structure.standing_condition(self.value() or "", dates.today())
        return queryset if condition is None else queryset.filter(condition)
