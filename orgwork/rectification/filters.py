"""FilterSets behind the rectification audit lists (整改台账)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from orgwork.worklists.filters import UnitSubtreeFilter, WorkListFilterSet

from .models import ChecklistSource, ItemState, RectificationItem

# The item changelist's 本级事项 filter (``admin.filters.OwnUnitFilter``), which the dashboard links to.
OWN_UNIT_PARAMETER = "own_unit"
OVERDUE = "overdue"
RETURNED = "returned"


class OverdueOrReturnedFilter(WorkListFilterSet):
    """逾期或被退回的整改事项."""

    problem_kind = django_filters.ChoiceFilter(
        label="情形", choices=[(OVERDUE, "逾期未销号"), (RETURNED, "销号申请被退回")], method="filter_kind",
        empty_label="全部")
    year = django_filters.NumberFilter(field_name="checklist__year", label="清单年度")
    source = django_filters.ChoiceFilter(label="问题来源", choices=ChecklistSource.choices, empty_label="全部")
    unit = UnitSubtreeFilter("responsible_unit", label="责任单位（含下级）", to_field_name="code")

    class Meta:
        model = RectificationItem
        fields: list[str] = []

    def filter_kind(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == OVERDUE:
            return queryset.filter(is_overdue=True)
        if value == RETURNED:
            return queryset.filter(is_returned=True)
        return queryset


class WithoutDeadlineFilter(WorkListFilterSet):
    """未定整改时限的整改事项."""

    year = django_filters.NumberFilter(field_name="checklist__year", label="清单年度")
    source = django_filters.ChoiceFilter(label="问题来源", choices=ChecklistSource.choices, empty_label="全部")
    unit = UnitSubtreeFilter("responsible_unit", label="责任单位（含下级）", to_field_name="code")

    class Meta:
        model = RectificationItem
        fields: list[str] = []


def returned_q() -> Q:
    """Sent back (退回) and not yet asked again: back to 整改中 with the reviewer's reason."""
    return Q(state=ItemState.IN_PROGRESS) & ~Q(return_reason="")
