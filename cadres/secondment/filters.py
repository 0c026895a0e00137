"""FilterSets behind the 挂职与驻村 台账."""

from __future__ import annotations

import django_filters

from orgwork.worklists.filters import UnitSubtreeFilter, WorkListFilterSet

from .models import Assignment, AssignmentKind, DutyCheck


class AssignmentListFilter(WorkListFilterSet):
    kind = django_filters.ChoiceFilter(label="选派类型", choices=AssignmentKind.choices, empty_label="全部")
    unit = UnitSubtreeFilter("cadre__unit", to_field_name="code")

    class Meta:
        model = Assignment
        fields: list[str] = []


class AbsenceListFilter(WorkListFilterSet):
    kind = django_filters.ChoiceFilter(field_name="assignment__kind", label="选派类型",
                                       choices=AssignmentKind.choices, empty_label="全部")
    year = django_filters.NumberFilter(field_name="checked_on__year", label="抽查年度")
    unit = UnitSubtreeFilter("assignment__cadre__unit", to_field_name="code")

    class Meta:
        model = DutyCheck
        fields: list[str] = []
