"""Read-side queries of the cadre registry: lists for the admin, dashboards and exports.
Everything is computed in SQL; each function takes the user and applies the one scope."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.db.models import Case, CharField, Count, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from orgwork.common import dates
from orgwork.units.scope import scope_queryset

from .models import (
    EXCELLENT_MIN_SCORE,
    PARTY_MEMBER_STATUSES,
    Assessment,
    AssessmentGrade,
    Cadre,
    CadreStatus,
    PositionQuota,
)

# 年度考核 follow-ups (DOMAIN §2).
FOLLOW_UPS = {
    AssessmentGrade.BASICALLY_COMPETENT: "基本称职：进行诫勉谈话或组织调整",
    AssessmentGrade.INCOMPETENT: "不称职：启动降职程序",
}
MERIT_STREAK_YEARS = 3

def cadres_visible_to(user: Any) -> QuerySet[Cadre]:
    return scope_queryset(Cadre.objects.all(), user)

def cadres_for_list(user: Any) -> QuerySet[Cadre]:
    """What the changelist reads: one query with the unit joined, the heavy columns left out."""
    return cadres_visible_to(user).select_related("unit").defer(
        "photo", "resume", "rewards_summary", "assessment_summary", "appointment_reason"
    )

def party_status_unchecked(user: Any) -> QuerySet[Cadre]:
    """干部 in post recorded as 中共党员 or 中共预备党员 with no 入党时间: the 政治面貌 to check
    against the roster. Sheets before ``cadres.0013`` filled a blank 政治面貌 with 中共党员,
    and nothing else tells those cadres from real members."""
    return (
        cadres_for_list(user)
        .filter(status=CadreStatus.ACTIVE, political_status__in=PARTY_MEMBER_STATUSES, party_joined_on__isnull=True)
        .order_by("unit__path", "name_pinyin", "pk")
    )


def born_between(qs: QuerySet[Cadre], first_year: int, last_year: int) -> QuerySet[Cadre]:
    """70后 is 1970–1979: a range on the indexed birth month, not a function on it."""
    return qs.filter(birth_month__gte=datetime.date(first_year, 1, 1), birth_month__lt=datetime.date(last_year + 1, 1, 1))

def aged_between(qs: QuerySet[Cadre], youngest: int, oldest: int | None, on: datetime.date | None = None) -> QuerySet[Cadre]:
    """Cadres whose age (in whole years on ``on``) is within [youngest, oldest]."""
    on = on or timezone.localdate()
    latest_birth = _years_before(on, youngest)  # born on or before this date → at least `youngest`
    qs = qs.filter(birth_month__lte=latest_birth)
    if oldest is not None:
        qs = qs.filter(birth_month__gt=_years_before(on, oldest + 1))
    return qs

def _years_before(day: datetime.date, years: int) -> datetime.date:
    return dates.years_before(day, years)

def merit_candidates(user: Any, *, last_year: int) -> QuerySet[Cadre]:
    """记三等功 candidates: rated 优秀 in each of the ``MERIT_STREAK_YEARS`` years up to ``last_year``."""
    years = list(range(last_year - MERIT_STREAK_YEARS + 1, last_year + 1))
    excellent = Assessment.objects.filter(cadre=OuterRef("pk"), year__in=years, grade=AssessmentGrade.EXCELLENT)
    streak = Subquery(
        excellent.order_by().values("cadre").annotate(n=Count("year", distinct=True)).values("n")[:1],
        output_field=IntegerField(),
    )
    return (
        cadres_visible_to(user)
        .annotate(excellent_years=Coalesce(streak, Value(0)))
        .filter(excellent_years=MERIT_STREAK_YEARS)
        .select_related("unit")
    )

def assessment_follow_ups(user: Any, *, year: int | None = None) -> QuerySet[Assessment]:
    """基本称职 and 不称职 results, each with the follow-up it requires (``follow_up``)."""

    qs = scope_queryset(Assessment.objects.all(), user).filter(grade__in=list(FOLLOW_UPS))
    if year is not None:
        qs = qs.filter(year=year)
    return qs.select_related("cadre", "cadre__unit").annotate(
        follow_up=Case(*(When(grade=g, then=Value(text)) for g, text in FOLLOW_UPS.items()), output_field=CharField())
    ).order_by("-year", "cadre__name_pinyin")

def assessments_needing_review(user: Any, *, year: int | None = None) -> QuerySet[Assessment]:
    """政治素质测评 below 80: each case reviewed one by one."""
    qs = scope_queryset(Assessment.objects.filter(needs_review=True), user).select_related("cadre", "cadre__unit")
    return qs.filter(year=year) if year is not None else qs

def with_occupancy(qs: QuerySet[PositionQuota]) -> QuerySet[PositionQuota]:
    """Annotate ``actual`` (cadres in post, 在职, in that unit at that rank) and
    ``over`` (actual − approved): one correlated count per quota row, in SQL."""
    actual = (
        Cadre.objects.filter(unit=OuterRef("unit"), rank=OuterRef("rank"), status=CadreStatus.ACTIVE)
        .order_by()
        .values("unit")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return qs.annotate(actual=Coalesce(Subquery(actual, output_field=IntegerField()), Value(0))).annotate(
        over=F("actual") - F("approved")
    )


def quotas_with_occupancy(user: Any) -> QuerySet[PositionQuota]:
    """职数 in ``user``'s scope with ``actual`` and ``over``."""
    return with_occupancy(scope_queryset(PositionQuota.objects.all(), user).select_related("unit"))


def over_quota(user: Any) -> QuerySet[PositionQuota]:
    """超职数: the unit/rank pairs staffed beyond their approved positions."""
    return quotas_with_occupancy(user).filter(actual__gt=F("approved")).order_by("-over", "unit__path")


def excellent_below_line(user: Any) -> QuerySet[Assessment]:
    """优秀 with a 政治素质测评 score under 90: forbidden by ``Assessment.clean``, so any row
    here came in around the rules (a raw bulk write, an old migration) — an integrity check."""
    return (
        scope_queryset(Assessment.objects.filter(grade=AssessmentGrade.EXCELLENT, political_score__lt=EXCELLENT_MIN_SCORE), user)
        .select_related("cadre", "cadre__unit")
        .order_by("-year", "cadre__name_pinyin", "pk")
    )


def age_structure(user: Any, *, bands: dict[str, tuple[int, int | None]], generations: dict[str, int],
                  on: datetime.date | None = None) -> dict[str, int]:
    """Cadres in post (在职) per age band (``{key: (youngest, oldest)}``, ages as in
    ``aged_between``) and per generation (``{key: first birth year}``, a decade as in
    ``born_between``): one aggregate query of conditional counts."""
    on = on or timezone.localdate()
    counts: dict[str, Any] = {}
    for key, (youngest, oldest) in bands.items():
        condition = Q(birth_month__lte=_years_before(on, youngest))
        if oldest is not None:
            condition &= Q(birth_month__gt=_years_before(on, oldest + 1))
        counts[f"age:{key}"] = Count("pk", filter=condition)
    for key, first_year in generations.items():
        counts[f"born:{key}"] = Count("pk", filter=Q(
            birth_month__gte=datetime.date(first_year, 1, 1), birth_month__lt=datetime.date(first_year + 10, 1, 1)))
    return cadres_visible_to(user).filter(status=CadreStatus.ACTIVE).order_by().aggregate(**counts)


def grade_distribution(user: Any, *, year: int | None = None) -> tuple[int | None, dict[str, int]]:
    """年度考核等次分布 for ``year`` (by default the latest year with results in scope)."""
    assessments = scope_queryset(Assessment.objects.all(), user)
    if year is None:
        year = assessments.order_by().aggregate(latest=Max("year"))["latest"]
        if year is None:
            return None, {}
    rows = assessments.filter(year=year).values("grade").annotate(n=Count("pk")).order_by()
    return year, {r["grade"]: r["n"] for r in rows}

__all__ = [
    "FOLLOW_UPS",
    "age_structure",
    "aged_between",
    "assessment_follow_ups",
    "assessments_needing_review",
    "born_between",
    "cadres_for_list",
    "cadres_visible_to",
    "excellent_below_line",
    "grade_distribution",
    "merit_candidates",
    "over_quota",
    "quotas_with_occupancy",
    "with_occupancy",
]
