"""FilterSets behind the talent audit lists (人才工作台账)."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.db.models import QuerySet

from orgwork.worklists.filters import UnitSubtreeFilter, WorkListFilterSet

from .models import BenefitArea, CardLevel, GreenChannelRequest, Programme, RequestStatus, ServiceCard, TermReview
from .selectors import programmes_open_to
from .services import today

DEFAULT_EXPIRY_DAYS = 60
LONGEST_EXPIRY_DAYS = 3660


def open_programmes(request: Any) -> QuerySet[Programme]:
    return programmes_open_to(request.user) if request is not None else Programme.objects.none()


class UnqualifiedNotExitedFilter(WorkListFilterSet):
    """聘期考核不合格未退出."""

    review_year = django_filters.NumberFilter(label="考核年度")
    programme = django_filters.ModelChoiceFilter(label="人才计划", queryset=open_programmes, empty_label="全部")
    unit = UnitSubtreeFilter("person__unit", label="工作单位（含下级）", to_field_name="code")

    class Meta:
        model = TermReview
        fields: list[str] = []


class CardsExpiringFilter(WorkListFilterSet):
    """人才服务卡即将到期: ``days`` ahead of today (default 60)."""

    defaults = {"days": lambda: DEFAULT_EXPIRY_DAYS}

    days = django_filters.NumberFilter(label="到期天数以内", method="filter_days", min_value=0, max_value=LONGEST_EXPIRY_DAYS)
    level = django_filters.ChoiceFilter(label="卡级别", choices=CardLevel.choices, empty_label="全部")
    unit = UnitSubtreeFilter("holder__unit", label="单位（含下级）", to_field_name="code")

    class Meta:
        model = ServiceCard
        fields: list[str] = []

    def filter_days(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        # The base list already ends at the longest window; this narrows it.
        return queryset.filter(expires_on__lte=today() + datetime.timedelta(days=int(value)))


class GreenRequestsOverdueFilter(WorkListFilterSet):
    """绿色通道超期事项."""

    area = django_filters.ChoiceFilter(label="服务事项", choices=BenefitArea.choices, empty_label="全部")
    status = django_filters.ChoiceFilter(
        label="办理状态", choices=[(RequestStatus.PENDING, RequestStatus.PENDING.label),
                               (RequestStatus.PROCESSING, RequestStatus.PROCESSING.label)], empty_label="全部")
    unit = UnitSubtreeFilter("card__holder__unit", label="单位（含下级）", to_field_name="code")

    class Meta:
        model = GreenChannelRequest
        fields: list[str] = []
