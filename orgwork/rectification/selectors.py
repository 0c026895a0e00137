"""Read side of 整改清单: overdue flags and progress (发现问题 / 已整改 / 按期 / 延期 / 逾期 / 整改率),
all computed in SQL so that a changelist of any length costs a fixed number of queries.

按期整改 is measured against the original deadline; an extended item (延期事项) is
counted apart and is overdue only after its extended deadline.

Deadlines are calendar days in Asia/Shanghai: an item with 整改时限 of 6 月 30 日 is on
time until 23:59:59 that day in Beijing time and overdue from 7 月 1 日 00:00 there,
whatever time zone the server or the database session runs in.
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, Count, F, FloatField, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf, Round, TruncDate

from orgwork.units.models import Unit
from orgwork.units.scope import scope_queryset, sees_everything, units_visible_to

from .models import Checklist, ItemState, RectificationItem

DEADLINE_ZONE = ZoneInfo("Asia/Shanghai")


def deadline_today(now: datetime.datetime | None = None) -> datetime.date:
    """Today's date in Beijing time: the day whose end a deadline is measured against."""
    from django.utils import timezone

    return timezone.localtime(now or timezone.now(), DEADLINE_ZONE).date()


def overdue_q(*, today: datetime.date, prefix: str = "") -> Q:
    """Not struck off and the deadline day has ended (deadline before today in Beijing)."""
    return ~Q(**{f"{prefix}state": ItemState.CLOSED}) & Q(**{f"{prefix}deadline__lt": today})


def rectified_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}state": ItemState.CLOSED})


def on_time_q(prefix: str = "") -> Q:
    """按期整改: struck off no later than the ORIGINAL deadline day (Beijing calendar), or
    without a deadline. An item struck off after its original deadline is not on time,
    however far it was extended (延期事项 are counted apart: :func:`extended_q`)."""
    closed_day = TruncDate(f"{prefix}closed_at", tzinfo=DEADLINE_ZONE)
    return rectified_q(prefix) & (
        Q(**{f"{prefix}original_deadline__isnull": True}) | Q(**{f"{prefix}original_deadline__gte": closed_day})
    )


def extended_q(prefix: str = "") -> Q:
    """延期事项: the deadline was moved past the original one (by the 延期 step)."""
    return Q(**{f"{prefix}deadline__gt": F(f"{prefix}original_deadline")})


def items_with_overdue(queryset: models.QuerySet[RectificationItem] | None = None, *,
                       now: datetime.datetime | None = None) -> models.QuerySet[RectificationItem]:
    """Items annotated with ``is_overdue`` (a boolean computed by the database)."""
    qs = RectificationItem.objects.all() if queryset is None else queryset
    today = deadline_today(now)
    return qs.annotate(
        is_overdue=Case(When(overdue_q(today=today), then=Value(True)), default=Value(False),
                        output_field=models.BooleanField())
    )


def items_visible_to(user: Any, *, now: datetime.datetime | None = None) -> models.QuerySet[RectificationItem]:
    return items_with_overdue(scope_queryset(RectificationItem.objects.all(), user), now=now)


def rectification_items_for(obj: models.Model) -> models.QuerySet[RectificationItem]:
    """The items opened for ``obj`` (a cadre's assessment, a branch, a spot check…), oldest first.

    Unscoped: the caller has already reached ``obj`` through its own scoped queryset,
    and an item always lies within the unit of the record that raised it.
    """
    ct = ContentType.objects.get_for_model(type(obj))
    return items_with_overdue(
        RectificationItem.objects.filter(source_content_type=ct, source_object_id=str(obj.pk))
        .select_related("checklist", "responsible_unit")
        .order_by("created_at", "id")
    )


def _rate(found: str, rectified: str) -> Round:
    # NULLIF: a unit without problems has no rate rather than a division by zero.
    return Round(
        models.ExpressionWrapper(F(rectified) * Value(100.0) / NullIf(F(found), 0), output_field=FloatField()), 1
    )


def checklists_with_progress(queryset: models.QuerySet[Checklist] | None = None, *, user: Any = None,
                             now: datetime.datetime | None = None) -> models.QuerySet[Checklist]:
    """Checklists annotated with found, rectified, on_time, extended, overdue and rate (整改率, %),
    counting the items ``user`` may see (``RectificationItem.narrow_to``; all without a user).

    All counts come from one join with conditional aggregates.
    """
    qs = Checklist.objects.all() if queryset is None else queryset
    today = deadline_today(now)
    seen = Q() if user is None else RectificationItem.visible_q(user, "items__")
    if user is not None and not sees_everything(user):
        # A checklist issued above the user (read for the items it holds in the user's
        # jurisdiction) counts those items only; on the user's own, all items lie within.
        seen &= Q(items__responsible_unit__in=units_visible_to(user))
    return qs.annotate(
        found=Count("items", filter=seen),
        rectified=Count("items", filter=rectified_q("items__") & seen),
        on_time=Count("items", filter=on_time_q("items__") & seen),
        extended=Count("items", filter=extended_q("items__") & seen),
        overdue=Count("items", filter=overdue_q(today=today, prefix="items__") & seen),
    ).annotate(rate=_rate("found", "rectified"))


def checklists_visible_to(user: Any, queryset: models.QuerySet[Checklist] | None = None
                          ) -> models.QuerySet[Checklist]:
    """The checklists ``user`` may read: those of their jurisdiction, and those issued above
    it that hold an item whose responsible unit lies in it (the province's list with the
    county's items, read only; see ``admin.checklists.ChecklistAdmin``)."""
    qs = Checklist.objects.all() if queryset is None else queryset
    if sees_everything(user):
        return qs
    holding = scope_queryset(RectificationItem.objects.all(), user).values("checklist_id")
    return scope_queryset(qs, user) | qs.filter(pk__in=holding)


def checklists_exported_by(user: Any, queryset: models.QuerySet[Checklist] | None = None
                           ) -> models.QuerySet[Checklist]:
    """The checklists a 问题清单 export of ``user``'s holds: those of their own jurisdiction,
    which the sheet imports back. One issued above the user (read only, beside their own in
    ``checklists_visible_to``) stays out of the file, whether the file is written in the
    request or by the worker (``ChecklistAdmin.get_export_queryset``)."""
    return scope_queryset(Checklist.objects.all() if queryset is None else queryset, user)


def checklists_open_to_new_items(user: Any, queryset: models.QuerySet[Checklist] | None = None
                                 ) -> models.QuerySet[Checklist]:
    """The checklists ``user`` may put a new item on (挂账): those of their own jurisdiction,
    the set :func:`.rules.check_new_item_checklist` allows. The new item's checklist picker
    offers these only; one issued above the user, read beside them, is the issuing unit's
    to add to."""
    return scope_queryset(Checklist.objects.all() if queryset is None else queryset, user)


def _count_in_subtree(condition: Q) -> Coalesce:
    # Func(COUNT) rather than Count(): Count() would add a GROUP BY to the subquery.
    items = (
        RectificationItem.objects.filter(responsible_unit__path__startswith=OuterRef("path"))
        .filter(condition)
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(items, output_field=models.IntegerField()), 0)


def rectification_progress(*, units: models.QuerySet[Unit], user: Any = None,
                           now: datetime.datetime | None = None) -> models.QuerySet[Unit]:
    """``units`` annotated with the progress of every item (that ``user`` may see) whose
    responsible unit lies in each unit's subtree: found, rectified, on_time, extended,
    overdue and rate (%)."""
    today = deadline_today(now)
    seen = Q() if user is None else RectificationItem.visible_q(user)
    return units.annotate(
        found=_count_in_subtree(seen),
        rectified=_count_in_subtree(rectified_q() & seen),
        on_time=_count_in_subtree(on_time_q() & seen),
        extended=_count_in_subtree(extended_q() & seen),
        overdue=_count_in_subtree(overdue_q(today=today) & seen),
    ).annotate(rate=_rate("found", "rectified"))


def rectification_progress_own(*, unit: Unit, user: Any = None,
                                now: datetime.datetime | None = None) -> dict[str, Any]:
    """The progress of the items (that ``user`` may see) whose responsible unit is ``unit``
    itself (本级), not one below it: beside :func:`rectification_progress` of the units
    directly below, it makes up the whole subtree."""
    items = RectificationItem.objects.filter(responsible_unit=unit)
    if user is not None:
        items = items.filter(RectificationItem.visible_q(user))
    return rectification_totals(items, now=now)


def rectification_totals(queryset: models.QuerySet[RectificationItem], *,
                         now: datetime.datetime | None = None) -> dict[str, Any]:
    """One row of totals for any item queryset (a filtered changelist, a dashboard tile)."""
    today = deadline_today(now)
    totals = queryset.order_by().aggregate(
        found=Count("pk"),
        rectified=Count("pk", filter=rectified_q()),
        on_time=Count("pk", filter=on_time_q()),
        extended=Count("pk", filter=extended_q()),
        overdue=Count("pk", filter=overdue_q(today=today)),
    )
    totals["rate"] = round(totals["rectified"] * 100.0 / totals["found"], 1) if totals["found"] else None
    return totals
