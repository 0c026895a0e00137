"""FilterSet behind the below-minimum list (学时未达标台账): year, unit, rank."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from cadres.models import Cadre, Rank
from orgwork.worklists.filters import UnitSubtreeFilter, WorkListFilterSet, this_year

from .selectors import narrow_to_below_minimum


class BelowMinimumFilter(WorkListFilterSet):
    """学时未达标: the year (this year by default) decides whose hours are summed."""

    defaults = {"year": this_year}

    year = django_filters.NumberFilter(label="年度", method="filter_year", required=True,
                                       min_value=2000, max_value=2100)
    rank = django_filters.ChoiceFilter(label="职务层次", choices=Rank.choices, empty_label="全部")
    unit = UnitSubtreeFilter("unit", to_field_name="code")

    class Meta:
        model = Cadre
        fields: list[str] = []

    def filter_year(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return narrow_to_below_minimum(queryset, int(value))
