"""Read side of 挂职与驻村: the lists, the 台账 and the dashboard figures, each one query
within the user's jurisdiction (annotated, never a query per row)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from orgwork.units.scope import scope_queryset

from . import rules
from .models import REPLACED, Assignment, AssignmentKind, AssignmentStatus, DutyCheck

RELATED = ("cadre", "cadre__unit", "sending_unit", "host_unit", "township")


def assignments_visible_to(user: Any) -> QuerySet[Assignment]:
    return scope_queryset(Assignment.objects.all(), user)


def with_check_figures(queryset: QuerySet[Assignment], *, year: int | None = None) -> QuerySet[Assignment]:
    """Each assignment with its last 在岗抽查 day and its 不在岗 count in ``year`` (this year).
    Correlated subqueries on the (assignment, checked_on) index rather than a join and
    GROUP BY: a page of 50 rows reads 50 rows' checks, not every assignment's."""
    year = year or timezone.localdate().year
    checks = DutyCheck.objects.filter(assignment=OuterRef("pk"))
    absent = (checks.filter(present=False, checked_on__year=year).order_by().values("assignment")
              .annotate(n=Func(F("pk"), function="COUNT")).values("n"))
    return queryset.annotate(
        last_checked_on=Subquery(checks.order_by("-checked_on").values("checked_on")[:1]),
        absences=Coalesce(Subquery(absent, output_field=IntegerField()), Value(0)),
    )


def active_assignments(user: Any) -> QuerySet[Assignment]:
    """在岗的选派干部, with their check figures."""
    qs = assignments_visible_to(user).filter(status=AssignmentStatus.ACTIVE).select_related(*RELATED)
    return with_check_figures(qs).order_by("kind", "cadre__unit__path", "cadre__name_pinyin", "pk")


def checks_overdue(user: Any, *, on: datetime.date | None = None) -> QuerySet[Assignment]:
    """在岗抽查逾期: in post longer than the check interval and not checked within it."""
    on = on or timezone.localdate()
    since = on - datetime.timedelta(days=rules.check_interval_days())
    return active_assignments(user).filter(starts_on__lt=since).filter(
        Q(last_checked_on__isnull=True) | Q(last_checked_on__lt=since))


def absences(user: Any) -> QuerySet[DutyCheck]:
    """抽查不在岗的记录."""
    return (scope_queryset(DutyCheck.objects.filter(present=False), user)
            .select_related("assignment", *[f"assignment__{r}" for r in RELATED])
            .order_by("-checked_on", "-pk"))


def replaced_in_year(user: Any, year: int, *, village_only: bool = True) -> QuerySet[Assignment]:
    """调整撤换: assignments ended by 召回 or 轮换 in ``year`` (驻村 only by default: the
    figure the reports give is for 驻村帮扶干部)."""
    qs = assignments_visible_to(user).filter(status__in=REPLACED, left_on__year=year)
    if village_only:
        qs = qs.filter(kind__in=[AssignmentKind.FIRST_SECRETARY, AssignmentKind.VILLAGE_TEAM])
    return qs


def headline(user: Any, year: int | None = None) -> dict[str, int]:
    """The two figures of the year in one query: 调整撤换 and, among them, 问责处理."""
    year = year or timezone.localdate().year
    return replaced_in_year(user, year).aggregate(
        replaced=Count("pk"), accountable=Count("pk", filter=Q(held_accountable=True)))


def kind_counts(user: Any) -> dict[str, dict[str, int]]:
    """在岗 and 本年离岗 per kind, one query."""
    year = timezone.localdate().year
    rows = assignments_visible_to(user).values("kind").annotate(
        active=Count("pk", filter=Q(status=AssignmentStatus.ACTIVE)),
        replaced=Count("pk", filter=Q(status__in=REPLACED, left_on__year=year)),
    )
    return {row["kind"]: row for row in rows}
