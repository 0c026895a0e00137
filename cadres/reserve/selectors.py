"""Read side of 后备干部: the rules' questions (who may enter, who should leave) and the
figures (age structure, 70后/80后/90后, average age, 使用率), each one query whatever the
number of rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Avg,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from cadres.models import Assessment, AssessmentGrade, Cadre
from cadres.supervision.models import DisciplineFinding, HandlingRecord
from cadres.supervision.selectors import InfluenceSource, influence_in_force, running_finding_q, running_influence_q
from orgwork.units.scope import scope_queryset

from .models import ExitReason, MemberStatus, ReserveMember, ReservePool

GENERATIONS = {"70": 1970, "80": 1980, "90": 1990}
# 年度考核 grades that take a cadre out of the pool at the yearly adjustment.
BAD_GRADES = (AssessmentGrade.BASICALLY_COMPETENT, AssessmentGrade.INCOMPETENT)


def born_in_q(generation: str, prefix: str = "cadre__") -> Q:
    first = GENERATIONS[generation]
    return Q(**{f"{prefix}birth_month__gte": datetime.date(first, 1, 1),
                f"{prefix}birth_month__lt": datetime.date(first + 10, 1, 1)})


def age_on(birth_month: datetime.date, day: datetime.date) -> int:
    return day.year - birth_month.year - ((day.month, day.day) < (birth_month.month, birth_month.day))



# ---------------------------------------------------------------------------
# The rules' questions
# ---------------------------------------------------------------------------

def influence_running(cadre_id: int, on: datetime.date) -> InfluenceSource | None:
    """The 组织处理 or 党纪政务处分 whose 影响期 runs on ``on`` and ends last, if any."""
    return influence_in_force(cadre_id, first=on)


def other_active_membership(cadre_id: int, level: str, exclude_pk: int | None = None) -> ReserveMember | None:
    qs = ReserveMember.objects.filter(cadre_id=cadre_id, level=level, status__in=[
        MemberStatus.RECOMMENDED, MemberStatus.IN_POOL]).select_related("pool", "pool__unit")
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def in_pool_count(pool_id: int, exclude_pk: int | None = None) -> int:
    qs = ReserveMember.objects.filter(pool_id=pool_id, status=MemberStatus.IN_POOL)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.count()


def latest_assessment(cadre_id: int) -> Assessment | None:
    return Assessment.objects.filter(cadre_id=cadre_id).order_by("-year").first()


@dataclass(frozen=True)
class ExitProposal:
    """One member the yearly 动态调整 proposes to take out, with the reason and why."""

    member: ReserveMember
    reason: str
    explanation: str

    @property
    def reason_label(self) -> str:
        return ExitReason(self.reason).label


def adjustment_proposals(pool: ReservePool, *, on: datetime.date | None = None) -> list[ExitProposal]:
    """年度动态调整: the pool's members in the pool who are over its age limit, whose latest
    年度考核 is 基本称职 or 不称职, or who are in an influence period (of a 组织处理 or a
    党纪政务处分) — one reason each,
    in that order. One query whatever the pool's size."""
    on = on or timezone.localdate()
    latest_grade = (Assessment.objects.filter(cadre=OuterRef("cadre_id")).order_by("-year").values("grade")[:1])
    latest_year = (Assessment.objects.filter(cadre=OuterRef("cadre_id")).order_by("-year").values("year")[:1])
    members = list(
        ReserveMember.objects.filter(pool=pool, status=MemberStatus.IN_POOL)
        .select_related("cadre", "cadre__unit", "pool", "pool__unit")
        .annotate(latest_grade=latest_grade, latest_year=latest_year,
                  under_influence=Exists(HandlingRecord.objects.filter(running_influence_q(on=on),
                                                                       cadre=OuterRef("cadre_id"))),
                  under_discipline=Exists(DisciplineFinding.objects.filter(running_finding_q(on=on),
                                                                           cadre=OuterRef("cadre_id"))))
        .order_by("cadre__name_pinyin", "pk")
    )
    proposals = []
    for member in members:
        age = age_on(member.cadre.birth_month, on)
        if age > pool.age_limit:
            proposals.append(ExitProposal(member, ExitReason.OVER_AGE,
                                          f"截至{on:%Y-%m-%d}已满{age}岁，超过本库年龄上限{pool.age_limit}岁。"))
        elif member.latest_grade in BAD_GRADES:
            proposals.append(ExitProposal(member, ExitReason.INCOMPETENT,
                                          f"{member.latest_year}年度考核为{AssessmentGrade(member.latest_grade).label}。"))
        elif member.under_influence:
            proposals.append(ExitProposal(member, ExitReason.DISCIPLINED, "受到组织处理，正处于影响期内。"))
        elif member.under_discipline:
            proposals.append(ExitProposal(member, ExitReason.DISCIPLINED, "受到党纪政务处分，正处于影响期内。"))
    return proposals


# ---------------------------------------------------------------------------
# Lists and figures
# ---------------------------------------------------------------------------

def members_for_list(user: Any) -> QuerySet[ReserveMember]:
    """后备干部名册 in ``user``'s jurisdiction, with what a row shows joined in."""
    return (scope_queryset(ReserveMember.objects.all(), user)
            .select_related("cadre", "cadre__unit", "pool", "pool__unit")
            .order_by("pool__unit__path", "level", "cadre__name_pinyin", "pk"))


def _year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def in_pool_during_q(year: int, prefix: str = "") -> Q:
    """在库 at some time in ``year``: entered by its end, not exited before its start."""
    first, last = _year_bounds(year)
    return (Q(**{f"{prefix}entered_on__lte": last})
            & (Q(**{f"{prefix}exited_on__isnull": True}) | Q(**{f"{prefix}exited_on__gte": first})))


def promoted_during_q(year: int, prefix: str = "") -> Q:
    first, last = _year_bounds(year)
    return Q(**{f"{prefix}exit_reason": ExitReason.PROMOTED, f"{prefix}exited_on__range": (first, last)})


def _figures(prefix: str, year: int) -> dict[str, Any]:
    """Conditional aggregates over members (``prefix`` leads from the counted rows to them)."""
    in_pool = Q(**{f"{prefix}status": MemberStatus.IN_POOL})
    birth = f"{prefix}cadre__birth_month"
    figures: dict[str, Any] = {
        "in_pool": Count(f"{prefix}pk", filter=in_pool),
        "members_year": Count(f"{prefix}pk", filter=in_pool_during_q(year, prefix)),
        "promoted_year": Count(f"{prefix}pk", filter=promoted_during_q(year, prefix)),
        # The mean of birth months as fractional years; the age is taken from it (portable SQL).
        "mean_birth": Avg(
            ExpressionWrapper(ExtractYear(birth) + (ExtractMonth(birth) - 1) / Value(12.0),
                              output_field=FloatField()),
            filter=in_pool),
    }
    for key in GENERATIONS:
        figures[f"born_{key}"] = Count(f"{prefix}pk", filter=in_pool & born_in_q(key, f"{prefix}cadre__"))
    # 80后及以后 (a 2000s birth counts too, which the decades above leave out).
    figures["young"] = Count(f"{prefix}pk", filter=in_pool & Q(**{f"{birth}__gte": datetime.date(1980, 1, 1)}))
    return figures


def mean_age(mean_birth: float | None, on: datetime.date) -> float | None:
    if mean_birth is None:
        return None
    return round(on.year + (on.month - 1) / 12 - mean_birth, 1)


def use_rate(promoted: int, members: int) -> float | None:
    """使用率: members promoted while in the pool over members in the pool that year, in %."""
    return round(100 * promoted / members, 1) if members else None


def pools_with_figures(user: Any, *, year: int | None = None, on: datetime.date | None = None) -> QuerySet[ReservePool]:
    """The pools in scope, each with 在库, 70后/80后/90后, mean birth, the year's members and
    promotions: one grouped query."""
    return annotate_pool_figures(scope_queryset(ReservePool.objects.all(), user), year=year, on=on)


def annotate_pool_figures(qs: QuerySet[ReservePool], *, year: int | None = None,
                          on: datetime.date | None = None) -> QuerySet[ReservePool]:
    """``qs`` with the figures of :func:`pools_with_figures` (the pool admin's list too)."""
    on = on or timezone.localdate()
    year = year or on.year
    return (qs.select_related("unit")
            .annotate(**_figures("members__", year))
            .annotate(gap=ExpressionWrapper(F("quota") - F("in_pool"), output_field=IntegerField()))
            .order_by("unit__path", "level"))


def pools_off_quota(user: Any) -> QuerySet[ReservePool]:
    """后备干部库 whose members in the pool are fewer or more than its 名额."""
    return pools_with_figures(user).exclude(gap=0).order_by("-gap", "unit__path", "level")


def figures_by_level(user: Any, *, year: int | None = None,
                     on: datetime.date | None = None) -> dict[str, dict[str, Any]]:
    """Per level: the same figures over every pool in scope (one query)."""
    on = on or timezone.localdate()
    year = year or on.year
    rows = (scope_queryset(ReserveMember.objects.all(), user).values("level")
            .annotate(**_figures("", year)).order_by("level"))
    return {row["level"]: row for row in rows}


def totals(user: Any, *, year: int | None = None, on: datetime.date | None = None) -> dict[str, Any]:
    on = on or timezone.localdate()
    year = year or on.year
    return scope_queryset(ReserveMember.objects.all(), user).order_by().aggregate(**_figures("", year))


def memberships_of(cadre: Cadre) -> QuerySet[ReserveMember]:
    return cadre.reserve_memberships.select_related("pool", "pool__unit").order_by("-recommended_on", "-pk")


__all__ = [
    "ExitProposal",
    "adjustment_proposals",
    "figures_by_level",
    "members_for_list",
    "pools_off_quota",
    "pools_with_figures",
    "totals",
    "use_rate",
]
