"""The rectification audit list and dashboard panel, registered from ``RectificationConfig.ready``."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from orgwork import dashboard
from orgwork.notifications import registry as notifications
from orgwork.notifications.registry import DeadlineSource, DueItem
from orgwork.units.models import Unit
from orgwork.units.scope import home_unit, scope_queryset, sees_everything
from orgwork.worklists.registry import Column, WorkList, register

from .figures import register_figures
from .filters import OWN_UNIT_PARAMETER, OverdueOrReturnedFilter, WithoutDeadlineFilter, returned_q
from .models import ItemState, RectificationItem
from .selectors import items_visible_to, rectification_progress, rectification_progress_own

SLUG_OVERDUE_OR_RETURNED = "rectification_overdue_or_returned"
SLUG_WITHOUT_DEADLINE = "rectification_without_deadline"


def overdue_or_returned(user: Any) -> QuerySet[RectificationItem]:
    """Items past their deadline and not struck off, or sent back by the reviewer."""
    return (
        items_visible_to(user)
        .annotate(is_returned=Case(When(returned_q(), then=Value(True)), default=Value(False),
                                   output_field=models.BooleanField()))
        .filter(Q(is_overdue=True) | Q(is_returned=True))
        .select_related("checklist", "responsible_unit")
        .order_by("deadline", "pk")
    )


def without_deadline(user: Any) -> QuerySet[RectificationItem]:
    """Items on the books (not struck off) with no 整改时限: they are never overdue nor reminded.
    The rules now refuse such an item; those put on the books by hand before remain."""
    return (
        items_visible_to(user)
        .filter(deadline__isnull=True)
        .exclude(state=ItemState.CLOSED)
        .select_related("checklist", "responsible_unit")
        .order_by("checklist__year", "created_at", "pk")
    )


def item_link(item: RectificationItem) -> str:
    return reverse("admin:rectification_rectificationitem_change", args=[item.pk])


def yes_no(value: Any) -> str:
    return "是" if value else "否"


def panel_units(user: Any) -> QuerySet[Unit]:
    """The units a leader reads by: those directly below the home unit (the top of the
    tree for someone who sees everything)."""
    home = home_unit(user)
    if home is None:
        return Unit.objects.filter(parent__isnull=True) if sees_everything(user) else Unit.objects.none()
    return scope_queryset(Unit.objects.filter(parent=home), user)


def changelist(params: dict[str, Any]) -> str:
    return reverse("admin:rectification_rectificationitem_changelist") + "?" + urlencode(params)


class _Row:
    """One bar of the progress panel: a unit's subtree, or the home unit's own items (本级)."""

    def __init__(self, label: str, counts: Any, own: Unit | None = None, code: str = "") -> None:
        self.label, self.own, self.code = label, own, code
        for name in ("found", "rectified", "extended", "overdue"):
            setattr(self, name, counts[name] if isinstance(counts, dict) else getattr(counts, name))

    def items(self, **params: Any) -> str:
        where = {OWN_UNIT_PARAMETER: self.own.code} if self.own is not None else {"unit_tree": self.code}
        return changelist({**where, **params})

    def overdue_link(self) -> str:
        # The worklist's unit filter takes the subtree: 本级's overdue items are the item list's.
        if self.own is not None:
            return self.items(overdue="yes")
        return (reverse("admin:worklist", args=[SLUG_OVERDUE_OR_RETURNED]) + "?"
                + urlencode({"problem_kind": "overdue", "unit": self.code}))


def progress_rows(user: Any) -> list[_Row]:
    """The units directly below the user's own, and first the items of the user's own unit
    (本级) when it has any: together they count every item of the item list."""
    rows = [_Row(u.name, u, code=u.code)
            for u in rectification_progress(units=panel_units(user).order_by("sort_order", "path"), user=user)]
    home = home_unit(user)
    if home is not None:
        own = rectification_progress_own(unit=home, user=user)
        if own["found"]:
            rows.insert(0, _Row(f"{home.name}（本级）", own, own=home))
    return rows


def progress_panel(user: Any) -> dashboard.PanelData:
    """发现问题 vs 已整改 (and 延期, 逾期) per unit below the user's own and for the user's own
    unit (本级), each bar linked to the item list."""
    rows = progress_rows(user)
    return dashboard.PanelData(
        labels=[r.label for r in rows],
        series=[
            dashboard.Series("发现问题", [r.found for r in rows], [r.items() for r in rows]),
            dashboard.Series("已整改", [r.rectified for r in rows],
                             [r.items(state__exact=ItemState.CLOSED) for r in rows]),
            dashboard.Series("延期", [r.extended for r in rows], [r.items(extended="yes") for r in rows]),
            dashboard.Series("逾期", [r.overdue for r in rows], [r.overdue_link() for r in rows]),
        ],
        unit="项",
        link=reverse("admin:worklist", args=[SLUG_OVERDUE_OR_RETURNED]),
        empty="管辖范围内尚无挂账的问题。",
    )


def items_due(until: datetime.date) -> Iterator[DueItem]:
    """到期事项来源: items on the books (not struck off) whose deadline is on or before ``until``.
    An item raised from a record (a cadre's spot check, a member's 自行脱党 review) is told
    to those who may view that kind of record, as it is shown (``RectificationItem.narrow_to``)."""
    rows = (RectificationItem.objects.exclude(state=ItemState.CLOSED)
            .filter(deadline__isnull=False, deadline__lte=until)
            .values_list("pk", "problem", "deadline", "responsible_unit_id", "source_content_type_id")
            .order_by("deadline", "pk"))
    for pk, problem, deadline, unit_id, source_type in rows.iterator(chunk_size=2000):
        yield DueItem(pk=pk, title=f"整改事项「{Truncator(problem).chars(40)}」", deadline=deadline,
                      unit_id=unit_id, link=reverse("admin:rectification_rectificationitem_change", args=[pk]),
                      permission=_source_view_right(source_type))


def _source_view_right(content_type_id: int | None) -> str:
    """The right to view the records of ``content_type_id`` ("" for an item put on the books by hand)."""
    if content_type_id is None:
        return ""
    content_type = ContentType.objects.get_for_id(content_type_id)  # cached after the first
    return f"{content_type.app_label}.view_{content_type.model}"


def register_all() -> None:
    notifications.register(DeadlineSource(
        key="rectification_item", title="整改清单事项", permission="rectification.view_rectificationitem",
        list_url=lambda: reverse("admin:worklist", args=[SLUG_OVERDUE_OR_RETURNED]), due=items_due,
    ))
    register(WorkList(
        slug=SLUG_OVERDUE_OR_RETURNED, title="逾期或被退回的整改事项", section="整改清单",
        permission="rectification.view_rectificationitem", queryset=overdue_or_returned,
        filterset_class=OverdueOrReturnedFilter, row_link=item_link,
        description="整改时限已过仍未销号的事项，以及销号申请被退回、尚未重新申请的事项。",
        columns=(
            Column("问题描述", "problem"),
            Column("问题清单", "checklist.title"),
            Column("责任单位", "responsible_unit.full_name"),
            Column("责任人", "responsible_person"),
            Column("整改时限", "deadline"),
            Column("整改状态", "get_state_display"),
            Column("逾期", lambda item: yes_no(item.is_overdue)),
            Column("退回原因", "return_reason"),
        ),
    ))
    register(WorkList(
        slug=SLUG_WITHOUT_DEADLINE, title="未定整改时限的整改事项（完整性检查）", section="整改清单",
        permission="rectification.view_rectificationitem", queryset=without_deadline,
        filterset_class=WithoutDeadlineFilter, row_link=item_link, expected_empty=True,
        description="没有整改时限的事项不会逾期，也不会提醒。系统现已要求每个挂账事项都有整改时限；"
                    "此前手工登记、未填时限的事项列在这里，请打开事项，按整改措施商定的完成时间填写整改时限。",
        columns=(
            Column("问题描述", "problem"),
            Column("问题清单", "checklist.title"),
            Column("责任单位", "responsible_unit.full_name"),
            Column("责任人", "responsible_person"),
            Column("整改状态", "get_state_display"),
            Column("挂账日期", lambda item: timezone.localdate(item.created_at)),
        ),
    ))
    dashboard.register(dashboard.Panel(
        slug="rectification_progress", title="整改进度（按单位）", permission="rectification.view_rectificationitem",
        compute=progress_panel, order=10,
    ))
    register_figures()
