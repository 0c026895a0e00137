"""The roster's filters of its own: 党籍状态, 在册 unless another is picked; and 年龄段 and
党龄段, the bands of 党员队伍结构 (``structure``), so a figure of the dashboard's panel and
the roster it links to are the same members.

Each band is a range on a date column. No index of its own: the roster's page reads its fifty
rows in the list's order from the 党籍状态 index (the links filter 在册) and stops, which
beats collecting a band of a tenth of the roll and sorting it."""

from __future__ import annotations

import datetime
from typing import Any, Callable

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from orgwork.common import dates

from .. import structure
from ..models import MemberStatus


class StatusFilter(admin.SimpleListFilter):
    """党籍状态, 在册 until another is picked: the roster (党员名册) is the roll, and those
    who left it (转出、出党、停止党籍、去世) are one pick away, under their state or 全部.
    A search looks among everyone unless a state is picked, so a member who left is found
    by his name or number. The parameter is the field filter's own (``status__exact``),
    which the dashboard's links and bookmarks already carry."""

    title = "党籍状态"
    parameter_name = "status__exact"
    EVERYONE = "all"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [*MemberStatus.choices, (self.EVERYONE, "全部")]

    def value(self) -> str:
        picked = super().value()
        if picked is not None:
            return picked
        return self.EVERYONE if self.request.GET.get(SEARCH_VAR, "").strip() else MemberStatus.ACTIVE.value

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset if value == self.EVERYONE else queryset.filter(status=value)

    def choices(self, changelist: Any) -> Any:
        facets = self.get_facet_queryset(changelist) if changelist.add_facets else None
        for i, (lookup, title) in enumerate(self.lookup_choices):  # 全部 is one of them, not on top
            if facets is not None:
                title = f"{title} ({facets[f'{i}__c']})"
            yield {"selected": self.value() == lookup, "display": title,
                   "query_string": changelist.get_query_string({self.parameter_name: lookup})}


class BandFilter(admin.SimpleListFilter):
    """A filter by one of ``structure``'s bands, and the line counted apart after them."""

    bands: dict[str, structure.Band]
    apart: tuple[str, str]  # (key, label)
    condition: Callable[[str, datetime.date], Q | None]

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [*((key, band.label) for key, band in self.bands.items()), self.apart]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.value():
            return queryset
        condition = type(self).condition(self.value(), dates.today())
        if condition is None:
            # A key that is no band (an edited or stale link): the list is shown unfiltered
            # with a message saying so (HonouredChangeList), as for any filter value that
            # cannot be applied, not as if it were the band.
            raise IncorrectLookupParameters(f"{self.title}「{self.value()}」不是可选的分段")
        return queryset.filter(condition)


class AgeBandFilter(BandFilter):
    title = "年龄段"
    parameter_name = "age"
    bands = structure.AGE_BANDS
    apart = (structure.AGE_UNKNOWN, structure.AGE_UNKNOWN_LABEL)
    condition = staticmethod(structure.age_condition)


class StandingBandFilter(BandFilter):
    title = "党龄段"
    parameter_name = "standing"
    bands = structure.STANDING_BANDS
    apart = (structure.PROBATION, structure.PROBATION_LABEL)
    condition = staticmethod(structure.standing_condition)
