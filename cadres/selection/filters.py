"""FilterSets behind the 选人用人监督 台账."""

from __future__ import annotations

import django_filters

from cadres.models import Post
from orgwork.worklists.filters import UnitSubtreeFilter, WorkListFilterSet

from .models import EvaluationKind, LookBack, SelectionEvaluation


class DeparturesUncheckedFilter(WorkListFilterSet):
    year = django_filters.NumberFilter(field_name="removed_on__year", label="离任年度")
    unit = UnitSubtreeFilter("unit", to_field_name="code")

    class Meta:
        model = Post
        fields: list[str] = []


class EvaluationsOverLineFilter(WorkListFilterSet):
    year = django_filters.NumberFilter(field_name="year", label="评议年度")
    kind = django_filters.ChoiceFilter(label="评议类型", choices=EvaluationKind.choices, empty_label="全部")
    unit = UnitSubtreeFilter("unit", to_field_name="code")

    class Meta:
        model = SelectionEvaluation
        fields: list[str] = []


class LookBacksOpenFilter(WorkListFilterSet):
    year = django_filters.NumberFilter(field_name="opened_on__year", label="启动年度")
    unit = UnitSubtreeFilter("cadre__unit", to_field_name="code")

    class Meta:
        model = LookBack
        fields: list[str] = []
