"""FilterSets behind the branches audit lists (基层党建台账)."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from orgwork.worklists.filters import RowList, UnitSubtreeFilter, WorkListFilterSet, visible_units

from .cadence import Period
from .models import Domain, Meeting, OrgKind, PartyOrganisation, TermElection, WeakBranchCase, WeakCaseState
from .selectors import branches_missing_meetings

MONTHS = [(str(m), f"{m}月") for m in range(1, 13)]
QUARTERS = [(str(q), f"第{q}季度") for q in range(1, 5)]


def last_full_month() -> datetime.date:
    return timezone.localdate().replace(day=1) - datetime.timedelta(days=1)


class MissingMeetingsFilter(WorkListFilterSet):
    """缺会名单: the period is a year, a quarter of it or a month of it (by default last
    month). The rows come from the branches selector's one report query, not the base
    queryset, because which branches are missing depends on the period."""

    defaults = {"year": lambda: last_full_month().year, "month": lambda: last_full_month().month}

    year = django_filters.NumberFilter(label="年度", method="by_period", min_value=2000, max_value=2100)
    quarter = django_filters.ChoiceFilter(label="季度", choices=QUARTERS, method="by_period", empty_label="全年/按月")
    month = django_filters.ChoiceFilter(label="月份", choices=MONTHS, method="by_period", empty_label="全年/按季度")
    unit = UnitSubtreeFilter("unit", label="单位（含下级）", to_field_name="code", method="by_period")

    class Meta:
        model = PartyOrganisation
        fields: list[str] = []

    def by_period(self, queryset: Any, name: str, value: Any) -> Any:
        return queryset  # applied together in ``qs``

    def period(self) -> Period | None:
        data = self.form.cleaned_data
        if data.get("year") is None:
            self.form.add_error("year", "请填写年度。")
            return None
        try:
            return Period(year=int(data["year"]), quarter=int(data["quarter"]) if data.get("quarter") else None,
                          month=int(data["month"]) if data.get("month") else None)
        except ValidationError as exc:
            self.form.add_error("month", exc.messages[0])
            return None

    @property
    def qs(self) -> RowList:
        if not hasattr(self, "_rows"):
            self._rows = RowList()
            if self.is_bound and self.form.is_valid():
                period = self.period()
                if period is not None:
                    units = visible_units(self.request)
                    if self.form.cleaned_data.get("unit") is not None:
                        units = units.filter(path__startswith=self.form.cleaned_data["unit"].path)
                    self._rows = RowList(branches_missing_meetings(period=period, units=units))
        return self._rows


OVERDUE_CHOICES = [("1", "已逾期"), ("0", "未逾期")]


class WeakCasesFilter(WorkListFilterSet):
    """软弱涣散整顿: by default the cases past their 整顿时限 and still 整顿中."""

    defaults = {"overdue": lambda: "1"}

    overdue = django_filters.ChoiceFilter(label="是否逾期", choices=OVERDUE_CHOICES, method="filter_overdue",
                                          empty_label="全部")
    state = django_filters.ChoiceFilter(label="状态", choices=WeakCaseState.choices, empty_label="全部")
    year = django_filters.NumberFilter(label="排查年度")
    domain = django_filters.ChoiceFilter(field_name="organisation__domain", label="领域", choices=Domain.choices,
                                         empty_label="全部")
    unit = UnitSubtreeFilter("organisation__unit", label="单位（含下级）", to_field_name="code")

    class Meta:
        model = WeakBranchCase
        fields: list[str] = []

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(is_overdue=value == "1")


class MeetingUnitFilter(WorkListFilterSet):
    """三会一课 records narrowed to a unit and the units below it."""

    unit = UnitSubtreeFilter("unit", label="单位（含下级）", to_field_name="code")

    class Meta:
        model = Meeting
        fields: list[str] = []


class TermsFilter(WorkListFilterSet):
    """换届台账: the current terms narrowed to a kind of organisation and a unit sub-tree."""

    kind = django_filters.ChoiceFilter(field_name="organisation__kind", label="组织类别", choices=OrgKind.choices,
                                       empty_label="全部")
    unit = UnitSubtreeFilter("organisation__unit", label="单位（含下级）", to_field_name="code")

    class Meta:
        model = TermElection
        fields: list[str] = []


class OrganisationsFilter(WorkListFilterSet):
    """党组织 narrowed to a kind and a unit sub-tree."""

    kind = django_filters.ChoiceFilter(field_name="kind", label="组织类别", choices=OrgKind.choices, empty_label="全部")
    unit = UnitSubtreeFilter("unit", label="单位（含下级）", to_field_name="code")

    class Meta:
        model = PartyOrganisation
        fields: list[str] = []
