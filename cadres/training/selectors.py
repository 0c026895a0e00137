"""Read side of 教育培训: a cadre's 学时 of a year, the below-minimum list and the
completion rate per rank, each one SQL query in the user's scope.

学时 of a year = Σ credited hours of the class days attended in that year (培训班学时)
+ Σ hours of the online courses completed in that year (网络学习学时). The two stay apart;
neither the seeds nor the issue set a cap on online hours, so none is applied and both are
shown beside the total.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from cadres.models import RANK_LEVEL, Cadre, CadreStatus, Rank
from orgwork.units.scope import scope_queryset

from .models import AttendanceStatus, ClassAttendance, OnlineCompletion, TrainingClass, TrainingMinimum

HOURS = DecimalField(max_digits=7, decimal_places=1)
ZERO = Value(Decimal("0"), output_field=HOURS)


def _year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _sum_for_cadre(model: type, day_field: str, year: int, **extra: Any) -> Coalesce:
    first, last = _year_bounds(year)
    rows = (
        model.objects.filter(cadre=OuterRef("pk"), **{f"{day_field}__range": (first, last)}, **extra)
        .order_by().values("cadre").annotate(total=Sum("credited_hours")).values("total")
    )
    return Coalesce(Subquery(rows, output_field=HOURS), ZERO, output_field=HOURS)


def with_hours(queryset: QuerySet[Cadre], year: int) -> QuerySet[Cadre]:
    """Cadres annotated with ``class_hours``, ``online_hours``, ``total_hours`` of ``year``
    and ``required_hours`` (their rank's minimum, None without one)."""
    minimum = TrainingMinimum.objects.filter(rank=OuterRef("rank")).values("hours")[:1]
    return queryset.annotate(
        class_hours=_sum_for_cadre(ClassAttendance, "day", year, status=AttendanceStatus.ATTENDED),
        online_hours=_sum_for_cadre(OnlineCompletion, "completed_on", year),
    ).annotate(
        total_hours=F("class_hours") + F("online_hours"),
        required_hours=Subquery(minimum, output_field=HOURS),
    )


def cadres_with_a_minimum(user: Any) -> QuerySet[Cadre]:
    """在职 cadres in scope whose rank has a yearly minimum."""
    ranks = TrainingMinimum.objects.values("rank")
    return scope_queryset(Cadre.objects.filter(status=CadreStatus.ACTIVE, rank__in=ranks), user)


def below_minimum_rows(user: Any) -> QuerySet[Cadre]:
    """The rows the below-minimum list reads, before its year narrows them
    (``filters.BelowMinimumFilter``): unit joined, heavy columns left out."""
    return (
        cadres_with_a_minimum(user)
        .select_related("unit")
        .defer("photo", "resume", "rewards_summary", "assessment_summary", "appointment_reason")
        .order_by("unit__path", "name_pinyin", "pk")
    )


def trained_in(year: int) -> Q:
    """Cadres with any hours in ``year``: a few among many — most have none."""
    first, last = _year_bounds(year)
    attended = ClassAttendance.objects.filter(day__range=(first, last), status=AttendanceStatus.ATTENDED)
    online = OnlineCompletion.objects.filter(completed_on__range=(first, last))
    # One id list (UNION), probed by primary key: not a scan of every cadre testing two lists.
    # Unordered: the models' default orderings have no place inside a UNION (SQLite refuses
    # them, PostgreSQL would sort for nothing).
    return Q(pk__in=attended.order_by().values("cadre_id").union(online.order_by().values("cadre_id")))


def reached_minimum(year: int) -> QuerySet[Cadre]:
    """Cadres whose hours of ``year`` reach their rank's minimum. The sums are worked out
    for the cadres who trained that year only; everyone else has 0 学时."""
    return with_hours(Cadre.objects.filter(trained_in(year)), year).filter(total_hours__gte=F("required_hours"))


def narrow_to_below_minimum(queryset: QuerySet[Cadre], year: int) -> QuerySet[Cadre]:
    """``queryset`` (cadres with a minimum) less those who reached it in ``year``, with
    the hours of ``year`` annotated for display. Excluding the few who reached it, rather
    than filtering every cadre on its sums, keeps the count and the page's sort free of
    per-row sums: they are worked out for the fifty rows shown."""
    # NOT EXISTS (an anti-join the planner sizes well), not NOT IN (a filter it guesses at).
    return with_hours(queryset.filter(~Exists(reached_minimum(year).filter(pk=OuterRef("pk")))), year)


def below_minimum(user: Any, year: int) -> QuerySet[Cadre]:
    """The below-minimum list (学时未达标台账) of ``year``."""
    return narrow_to_below_minimum(below_minimum_rows(user), year)


def completion_by_rank(user: Any, year: int) -> list[dict[str, Any]]:
    """Per rank with a minimum: cadres in scope, how many reached it, the rate (%)."""
    candidates = cadres_with_a_minimum(user)
    everyone = dict(candidates.order_by().values("rank").annotate(n=Count("pk")).values_list("rank", "n"))
    reached = dict(candidates.filter(pk__in=reached_minimum(year).values("pk")).order_by().values("rank")
                   .annotate(n=Count("pk")).values_list("rank", "n"))
    result = []
    for minimum in sorted(TrainingMinimum.objects.all(), key=lambda m: -RANK_LEVEL.get(m.rank, 0)):
        cadres, done = everyone.get(minimum.rank, 0), reached.get(minimum.rank, 0)
        result.append({"rank": minimum.rank, "label": Rank(minimum.rank).label, "required": minimum.hours,
                       "cadres": cadres, "reached": done, "rate": round(100 * done / cadres, 1) if cadres else 0.0})
    return result


def hours_of(cadre: Cadre, year: int) -> dict[str, Decimal]:
    """One cadre's 学时 of ``year``: class, online and total (the cadre page)."""
    row = with_hours(Cadre.objects.filter(pk=cadre.pk), year).values(
        "class_hours", "online_hours", "total_hours", "required_hours").first()
    return row or {"class_hours": Decimal("0"), "online_hours": Decimal("0"), "total_hours": Decimal("0"),
                   "required_hours": None}


def classes_for_list(user: Any) -> QuerySet[TrainingClass]:
    """The class changelist: unit joined, roster size annotated (no per-row query)."""
    # A correlated count (index attendance_class_cadre_idx), not a join with GROUP BY over the list.
    trainees = (ClassAttendance.objects.filter(training_class=OuterRef("pk")).order_by().values("training_class")
                .annotate(n=Count("cadre", distinct=True)).values("n"))
    return scope_queryset(TrainingClass.objects.select_related("unit"), user).annotate(
        trainees=Coalesce(Subquery(trainees, output_field=IntegerField()), 0)).order_by("-starts_on", "-id")
