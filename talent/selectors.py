"""Read-side queries for talent work: lists, totals and the supervision lists (台账).

Every function takes the user whose request it answers and applies the one scope
function; totals are computed in SQL.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Exists, F, Func, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from orgwork.units.models import PATH_SEPARATOR, Unit
from orgwork.units.scope import home_unit, scope_queryset, sees_everything

from .models import (
    OPEN_REQUEST_STATUSES,
    Enrollment,
    EnrollmentStatus,
    ExpertLiaison,
    Funding,
    GreenChannelRequest,
    LiaisonContact,
    Programme,
    ReviewGrade,
    ServiceCard,
    TermReview,
)

MONEY_SUM = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(Decimal(0), output_field=MONEY_SUM)


def ancestor_paths(unit: Unit) -> list[str]:
    """``62/6201/620102/`` → ``["62/", "62/6201/", "62/6201/620102/"]``."""
    parts = [p for p in unit.path.split(PATH_SEPARATOR) if p]
    return [PATH_SEPARATOR.join(parts[: i + 1]) + PATH_SEPARATOR for i in range(len(parts))]


def programmes_open_to(user: Any) -> QuerySet[Programme]:
    """Programmes a user may enroll people into or grant funding under: those run by
    their own unit, by a unit above it (a provincial programme is open to every county)
    or by a unit below it."""
    qs = Programme.objects.all()
    if sees_everything(user):
        return qs
    unit = home_unit(user)
    if unit is None:
        return qs.none()
    return qs.filter(Q(unit__path__in=ancestor_paths(unit)) | Q(unit__path__startswith=unit.path))


def enrollments_visible_to(user: Any) -> QuerySet[Enrollment]:
    return scope_queryset(Enrollment.objects.select_related("person", "person__unit", "programme"), user)


def funding_totals_by_programme(user: Any, *, year: int | None = None) -> QuerySet[Any]:
    """Rows ``{programme_id, programme__name, total, people}`` over the user's scope."""
    qs = scope_queryset(Funding.objects.all(), user)
    if year is not None:
        qs = qs.filter(year=year)
    return (
        qs.values("programme_id", "programme__name")
        .annotate(total=Sum("amount"), people=Count("person", distinct=True))
        .order_by("programme__name")
    )


def funding_totals_by_unit(user: Any, *, units: QuerySet[Unit] | None = None, year: int | None = None
                           ) -> QuerySet[Unit]:
    """Each unit (by default the units directly below the user's home unit) annotated
    with ``funding_total``: the grants to enrollees anywhere in that unit's subtree.
    One query: a correlated sum over the path prefix."""
    if units is None:
        home = home_unit(user)
        if home is None and not sees_everything(user):
            return Unit.objects.none()
        units = Unit.objects.filter(parent=home) if home is not None else Unit.objects.filter(parent__isnull=True)
    grants = scope_queryset(Funding.objects.all(), user).filter(
        person__unit__path__startswith=OuterRef("path")
    )
    if year is not None:
        grants = grants.filter(year=year)
    # Func() instead of Sum(): Sum() would add a GROUP BY to the subquery.
    total = grants.order_by().annotate(s=Func(F("amount"), function="SUM", output_field=MONEY_SUM)).values("s")
    return scope_queryset(units, user).annotate(funding_total=Coalesce(Subquery(total), ZERO)).order_by("path")


def requests_overdue(user: Any, *, on: datetime.date) -> QuerySet[GreenChannelRequest]:
    """绿色通道超期事项: open requests whose deadline has passed, oldest deadline first."""
    return (
        scope_queryset(GreenChannelRequest.objects.all(), user)
        .filter(status__in=OPEN_REQUEST_STATUSES, deadline__lt=on)
        .select_related("card", "card__holder", "handler")
        .order_by("deadline", "pk")
    )


def experts_without_contact(user: Any, *, year: int) -> QuerySet[ExpertLiaison]:
    """Active liaison pairs with no contact logged in ``year`` (本年度未联系的专家)."""
    contacted = LiaisonContact.objects.filter(liaison=OuterRef("pk"), contacted_on__year=year)
    return (
        scope_queryset(ExpertLiaison.objects.filter(is_active=True), user)
        .filter(~Exists(contacted))
        .select_related("expert", "expert__unit")
        .order_by("leader_name", "pk")
    )


def reviews_unqualified_not_exited(user: Any) -> QuerySet[TermReview]:
    """聘期考核不合格却仍未退出: a 不合格 review whose enrollee is still on the roster
    (reviews written in bulk by an import, before their consequences were applied)."""
    return (
        scope_queryset(TermReview.objects.filter(grade=ReviewGrade.UNQUALIFIED), user)
        .exclude(enrollment__status=EnrollmentStatus.EXITED)
        .select_related("enrollment", "person", "person__unit", "programme")
        .order_by("-review_year", "person__name", "pk")
    )


def cards_expiring(user: Any, *, on: datetime.date, within_days: int) -> QuerySet[ServiceCard]:
    """人才服务卡即将到期: cards in force whose 有效期 ends within ``within_days`` of ``on``."""
    return (
        scope_queryset(ServiceCard.objects.filter(is_revoked=False), user)
        .filter(expires_on__gte=on, expires_on__lte=on + datetime.timedelta(days=within_days))
        .select_related("holder", "holder__unit")
        .order_by("expires_on", "card_number")
    )
