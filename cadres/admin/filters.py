"""List filters of the cadre registry. Each turns into a range or an equality on an
indexed column, never a function of a column, so they stay cheap at a million rows."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import F, QuerySet
from django.http import HttpRequest

from orgwork.admin_base import StateFilter

from ..models import CadreStatus
from ..selectors import aged_between, born_between, merit_candidates

AGE_BANDS = {
    "-35": ("35岁及以下", 0, 35),
    "36-40": ("36至40岁", 36, 40),
    "41-45": ("41至45岁", 41, 45),
    "46-50": ("46至50岁", 46, 50),
    "51-55": ("51至55岁", 51, 55),
    "56-": ("56岁及以上", 56, None),
}
GENERATIONS = {"60": 1960, "70": 1970, "80": 1980, "90": 1990}


class StatusFilter(StateFilter):
    """状态, 在职 until another state or 全部 is picked: the list is of the cadres serving;
    who retired, moved away, was removed or died is one pick away, and a search finds
    them without one."""

    default = CadreStatus.ACTIVE.value


class AgeBandFilter(admin.SimpleListFilter):
    title = "年龄段"
    parameter_name = "age"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(key, label) for key, (label, _, _) in AGE_BANDS.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        band = AGE_BANDS.get(self.value() or "")
        if band is None:
            return queryset
        _, youngest, oldest = band
        return aged_between(queryset, youngest, oldest)


class GenerationFilter(admin.SimpleListFilter):
    """70后/80后: the young-cadre headline statistics."""

    title = "出生年代"
    parameter_name = "born"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(key, f"{key}后") for key in GENERATIONS]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        start = GENERATIONS.get(self.value() or "")
        return queryset if start is None else born_between(queryset, start, start + 9)


def flag_filter(field: str, title: str, parameter: str) -> type[admin.SimpleListFilter]:
    """A 是/否 filter on a generated boolean column (the stock one only knows BooleanField)."""

    class FlagFilter(admin.SimpleListFilter):
        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
            return [("1", "是"), ("0", "否")]

        def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
            if self.value() in ("0", "1"):
                return queryset.filter(**{field: self.value() == "1"})
            return queryset

    FlagFilter.title = title
    FlagFilter.parameter_name = parameter
    FlagFilter.__name__ = f"{parameter.title()}Filter"
    return FlagFilter


WomenFilter = flag_filter("is_woman", "女干部", "women")
MinorityFilter = flag_filter("is_minority", "少数民族干部", "minority")
NonPartyFilter = flag_filter("is_non_party", "党外干部", "nonparty")
NeedsReviewFilter = flag_filter("needs_review", "政治素质测评低于80分", "review")


class MeritCandidateFilter(admin.SimpleListFilter):
    """记三等功候选: 优秀 in each of the last three assessment years."""

    title = "记三等功候选"
    parameter_name = "merit"
    checks_own_values = True  # any last year of three: the two latest are listed

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        last = timezone.localdate().year - 1
        return [(str(y), f"{y - 2}—{y}年连续优秀") for y in (last, last - 1)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() is None:
            return queryset
        if not (self.value().isascii() and self.value().isdigit() and len(self.value()) == 4):
            raise IncorrectLookupParameters(f"{self.title}「{self.value()}」不是年份")
        return queryset.filter(pk__in=merit_candidates(request.user, last_year=int(self.value())).values("pk"))


class OverQuotaFilter(admin.SimpleListFilter):
    title = "超职数"
    parameter_name = "over"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("1", "超职数"), ("0", "未超职数")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "1":
            return queryset.filter(actual__gt=F("approved"))
        if self.value() == "0":
            return queryset.filter(actual__lte=F("approved"))
        return queryset


class InfluenceFilter(admin.SimpleListFilter):
    """影响期: cadres inside the 影响期 of a 组织处理 or a 党纪政务处分 today, the dashboard's
    影响期内干部 (:func:`cadres.supervision.selectors.cadres_under_influence`)."""

    title = "影响期"
    parameter_name = "influence"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("running", "影响期内（组织处理或党纪政务处分）")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        from django.db.models import OuterRef
        from django.utils import timezone

        from cadres.supervision.selectors import under_influence

        if self.value() != "running":
            return queryset
        return queryset.filter(under_influence(OuterRef("pk"), on=timezone.localdate()))
