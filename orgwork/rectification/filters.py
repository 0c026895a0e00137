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


class ItemListFilter(WorkListFilterSet):
    """The filters every 整改事项 台账 offers: the checklist's year, the source, the unit."""

    year = django_filters.NumberFilter(field_name="checklist__year", label="清单年度")
    source = django_filters.ChoiceFilter(label="问题来源", choices=ChecklistSource.choices, empty_label="全部")
    unit = UnitSubtreeFilter("responsible_unit", label="责任单位（含下级）", to_field_name="code")

    class Meta:
        model = RectificationItem
        fields: list[str] = []


class OverdueOrReturnedFilter(ItemListFilter):
    """逾期或被退回的整改事项: 情形 first, then the common filters."""

    problem_kind = django_filters.ChoiceFilter(
        label="情形", choices=[(OVERDUE, "逾期未销号"), (RETURNED, "销号申请被退回")], method="filter_kind",
        empty_label="全部")

    class Meta(ItemListFilter.Meta):
        pass

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters.move_to_end("problem_kind", last=False)

    def filter_kind(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == OVERDUE:
            return queryset.filter(is_overdue=True)
        if value == RETURNED:
            return queryset.filter(is_returned=True)
        return queryset


class WithoutDeadlineFilter(ItemListFilter):
    """未定整改时限的整改事项."""


def returned_q() -> Q:
    """Sent back (退回) and not yet asked again: back to 整改中 with the reviewer's reason."""
    return Q(state=ItemState.IN_PROGRESS) & ~Q(return_reason="")
