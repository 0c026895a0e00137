"""FilterSets behind the cadre audit lists (干部监督台账)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from orgwork.worklists.filters import UnitSubtreeFilter, WorkListFilterSet, last_year

from .models import Assessment, AssessmentGrade, Cadre, PositionQuota, Rank
from .selectors import merit_candidates


class AssessmentListFilter(WorkListFilterSet):
    """年度考核 rows: by year, grade and unit."""

    year = django_filters.NumberFilter(label="考核年度")
    grade = django_filters.ChoiceFilter(label="考核等次", choices=AssessmentGrade.choices, empty_label="全部")
    unit = UnitSubtreeFilter("cadre__unit", to_field_name="code")

    class Meta:
        model = Assessment
        fields: list[str] = []


class MeritCandidateFilter(WorkListFilterSet):
    """记三等功候选: 优秀 in each of the three years ending with ``year`` (by default last year)."""

    defaults = {"year": last_year}

    year = django_filters.NumberFilter(label="截至考核年度", method="filter_streak", required=True,
                                       min_value=1982, max_value=2100)
    unit = UnitSubtreeFilter("unit", to_field_name="code")

    class Meta:
        model = Cadre
        fields: list[str] = []

    def filter_streak(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset.filter(pk__in=merit_candidates(self.request.user, last_year=int(value)).values("pk"))


class OverQuotaFilter(WorkListFilterSet):
    """超职数: by rank and unit."""

    rank = django_filters.ChoiceFilter(label="职务层次", choices=Rank.choices, empty_label="全部")
    unit = UnitSubtreeFilter("unit", to_field_name="code")

    class Meta:
        model = PositionQuota
        fields: list[str] = []


class CadreUnitFilter(WorkListFilterSet):
    """Cadre rows narrowed to a unit and the units below it."""

    unit = UnitSubtreeFilter("unit", to_field_name="code")

    class Meta:
        model = Cadre
        fields: list[str] = []
