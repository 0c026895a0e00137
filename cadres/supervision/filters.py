"""FilterSets behind the supervision audit lists (干部监督台账)."""

from __future__ import annotations

import django_filters

from orgwork.worklists.filters import UnitSubtreeFilter, WorkListFilterSet

from .models import (
    DisciplineFinding,
    DisciplineKind,
    FileAudit,
    HandlingRecord,
    HandlingType,
    SpotCheck,
    SpotCheckOutcome,
    SpotCheckSelection,
    TravelDocumentLoan,
    TravelDocumentType,
    VettingCase,
    VettingStatus,
)


class VettingDuringInfluenceFilter(WorkListFilterSet):
    status = django_filters.ChoiceFilter(label="审查状态", choices=VettingStatus.choices, empty_label="全部")
    year = django_filters.NumberFilter(field_name="nominated_on__year", label="提名年度")
    unit = UnitSubtreeFilter("cadre__unit", to_field_name="code")

    class Meta:
        model = VettingCase
        fields: list[str] = []


class DiscrepanciesFilter(WorkListFilterSet):
    year = django_filters.NumberFilter(field_name="draw__year", label="报告年度")
    outcome = django_filters.ChoiceFilter(
        label="核查结果", empty_label="全部",
        choices=[(o.value, o.label) for o in (SpotCheckOutcome.OMITTED, SpotCheckOutcome.CONCEALED)])
    selection = django_filters.ChoiceFilter(label="抽查类型", choices=SpotCheckSelection.choices, empty_label="全部")
    unit = UnitSubtreeFilter("cadre__unit", to_field_name="code")

    class Meta:
        model = SpotCheck
        fields: list[str] = []


class SuspectedFilesFilter(WorkListFilterSet):
    year = django_filters.NumberFilter(field_name="audited_on__year", label="审核年度")
    unit = UnitSubtreeFilter("cadre__unit", to_field_name="code")

    class Meta:
        model = FileAudit
        fields: list[str] = []


class OverdueLoansFilter(WorkListFilterSet):
    document_type = django_filters.ChoiceFilter(field_name="document__document_type", label="证件类型",
                                                choices=TravelDocumentType.choices, empty_label="全部")
    unit = UnitSubtreeFilter("document__holder__unit", to_field_name="code")

    class Meta:
        model = TravelDocumentLoan
        fields: list[str] = []


class HandlingNotCarriedOutFilter(WorkListFilterSet):
    handling_type = django_filters.ChoiceFilter(
        label="处理方式", empty_label="全部",
        choices=[(t.value, t.label) for t in (HandlingType.POST_ADJUSTMENT, HandlingType.ORDERED_RESIGNATION,
                                              HandlingType.DISMISSAL, HandlingType.DEMOTION)])
    year = django_filters.NumberFilter(field_name="decided_on__year", label="决定年度")
    unit = UnitSubtreeFilter("cadre__unit", to_field_name="code")

    class Meta:
        model = HandlingRecord
        fields: list[str] = []


class FindingsNotCarriedOutFilter(WorkListFilterSet):
    kind = django_filters.ChoiceFilter(
        label="处分种类", empty_label="全部",
        choices=[(k.value, k.label) for k in (DisciplineKind.PARTY_EXPULSION, DisciplineKind.PUBLIC_DISMISSAL,
                                              DisciplineKind.PUBLIC_EXPULSION)])
    year = django_filters.NumberFilter(field_name="decided_on__year", label="决定年度")
    unit = UnitSubtreeFilter("cadre__unit", to_field_name="code")

    class Meta:
        model = DisciplineFinding
        fields: list[str] = []
