"""FilterSets behind the 后备干部 台账."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.db.models import QuerySet

from cadres.models import Rank
from orgwork.units.scope import scope_queryset
from orgwork.worklists.filters import UnitSubtreeFilter, WorkListFilterSet

from .models import ExitReason, MemberStatus, ReserveMember, ReservePool
from .selectors import GENERATIONS, born_in_q

YOUNG = "young"  # 80后及以后: the young-cadre headline figure


def visible_pools(request: Any) -> QuerySet[ReservePool]:
    if request is None:
        return ReservePool.objects.none()
    return scope_queryset(ReservePool.objects.select_related("unit"), request.user).order_by("unit__path", "level")


class MembersFilter(WorkListFilterSet):
    pool = django_filters.ModelChoiceFilter(label="后备干部库", queryset=visible_pools, empty_label="全部")
    level = django_filters.ChoiceFilter(label="后备层次", choices=Rank.choices, empty_label="全部")
    generation = django_filters.ChoiceFilter(label="出生年代", empty_label="全部", method="filter_generation",
                                             choices=[*((k, f"{k}后") for k in GENERATIONS),
                                                      (YOUNG, "80后及以后")])
    status = django_filters.ChoiceFilter(label="状态", choices=MemberStatus.choices, empty_label="全部")
    exit_reason = django_filters.ChoiceFilter(label="出库原因", choices=ExitReason.choices, empty_label="全部")
    unit = UnitSubtreeFilter("pool__unit", to_field_name="code", label="管理单位（含下级）")

    class Meta:
        model = ReserveMember
        fields: list[str] = []

    def filter_generation(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == YOUNG:
            return queryset.filter(cadre__birth_month__gte=datetime.date(1980, 1, 1))
        return queryset.filter(born_in_q(value)) if value in GENERATIONS else queryset


class OffQuotaFilter(WorkListFilterSet):
    level = django_filters.ChoiceFilter(label="后备层次", choices=Rank.choices, empty_label="全部")
    state = django_filters.ChoiceFilter(label="名额情况", empty_label="全部", method="filter_state",
                                        choices=[("below", "未满"), ("over", "超出")])
    unit = UnitSubtreeFilter("unit", to_field_name="code", label="管理单位（含下级）")

    class Meta:
        model = ReservePool
        fields: list[str] = []

    def filter_state(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "below":
            return queryset.filter(gap__gt=0)
        if value == "over":
            return queryset.filter(gap__lt=0)
        return queryset
