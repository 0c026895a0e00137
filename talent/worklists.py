"""Talent audit lists and the dashboard panel, registered from ``TalentConfig.ready``."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, QuerySet
from django.urls import reverse

from orgwork import dashboard
from orgwork.admin_base import StateFilter
from orgwork.notifications import registry as notifications
from orgwork.notifications.registry import DeadlineSource, DueItem
from orgwork.units.scope import scope_queryset
from orgwork.worklists.registry import Column, WorkList, register

from .figures import register_figures
from .filters import LONGEST_EXPIRY_DAYS, CardsExpiringFilter, GreenRequestsOverdueFilter, UnqualifiedNotExitedFilter
from .models import OPEN_REQUEST_STATUSES, BenefitArea, Enrollment, EnrollmentStatus, GreenChannelRequest, ServiceCard, TermReview
from .selectors import cards_expiring, requests_overdue, reviews_unqualified_not_exited
from .services import today

SECTION = "人才工作"
UNMASK = "talent.view_unmasked_id_number"


def expiring_cards(user: Any) -> QuerySet[ServiceCard]:
    return cards_expiring(user, on=today(), within_days=LONGEST_EXPIRY_DAYS)


def overdue_requests(user: Any) -> QuerySet[GreenChannelRequest]:
    return requests_overdue(user, on=today())


def days_until(day: Any) -> int | None:
    return (day - today()).days if day else None


def change_link(name: str) -> Any:
    return lambda obj_id: reverse(f"admin:talent_{name}_change", args=[obj_id])


def enrollment_changelist(params: dict[str, Any]) -> str:
    return reverse("admin:talent_enrollment_changelist") + "?" + urlencode(params)


def programme_status_panel(user: Any) -> dashboard.PanelData:
    """入选人员 per programme, one series per status, each bar linked to the enrollment list."""
    rows = (
        scope_queryset(Enrollment.objects.all(), user)
        .values("programme_id", "programme__name", "status")
        .annotate(n=Count("pk"))
        .order_by("programme__name", "status")
    )
    programmes: dict[int, str] = {}
    counts: dict[tuple[int, str], int] = {}
    for row in rows:
        programmes[row["programme_id"]] = row["programme__name"]
        counts[(row["programme_id"], row["status"])] = row["n"]
    ids = list(programmes)
    return dashboard.PanelData(
        labels=[programmes[i] for i in ids],
        series=[
            dashboard.Series(status.label, [counts.get((i, status.value), 0) for i in ids],
                             [enrollment_changelist({"programme": i, "status__exact": status.value}) for i in ids])
            for status in EnrollmentStatus
        ],
        unit="人",
        link=enrollment_changelist({"status__exact": StateFilter.EVERYONE}),  # the chart counts every state
    )


def green_requests_due(until: datetime.date) -> Iterator[DueItem]:
    """到期事项来源: open green-channel requests whose deadline is on or before ``until``
    (the holder's name and the area, never an ID number). An extended request (延期) is
    a new item, keyed ``-pk``: its stages are told again against the later 办结时限."""
    rows = (GreenChannelRequest.objects.filter(status__in=OPEN_REQUEST_STATUSES, deadline__lte=until)
            .values_list("pk", "card__holder__name", "area", "deadline", "card__holder__unit_id", "extended_on")
            .order_by("deadline", "pk"))
    areas = dict(BenefitArea.choices)
    for pk, name, area, deadline, unit_id, extended_on in rows.iterator(chunk_size=2000):
        yield DueItem(pk=pk if extended_on is None else -pk,
                      title=f"{name}的{areas.get(area, area)}事项" + ("（已延期）" if extended_on else ""),
                      deadline=deadline, unit_id=unit_id, link=change_link("greenchannelrequest")(pk))


def register_all() -> None:
    notifications.register(DeadlineSource(
        key="talent_green_request", title="人才绿色通道事项", due=green_requests_due,
        permission="talent.view_greenchannelrequest",
        list_url=lambda: reverse("admin:worklist", args=["talent_green_requests_overdue"]),
    ))
    register(WorkList(
        slug="talent_unqualified_not_exited", title="聘期考核不合格未退出人员", section=SECTION,
        permission="talent.view_termreview", queryset=reviews_unqualified_not_exited,
        filterset_class=UnqualifiedNotExitedFilter, unmask_permission=UNMASK,
        row_link=lambda review: change_link("enrollment")(review.enrollment_id),
        description="聘期考核不合格的，应按退出机制办理退出；此名单列出考核不合格但仍在册或已期满未办理退出的人员。",
        columns=(
            Column("姓名", "person.name"),
            Column("身份证号", "person.id_number", sensitive=True),
            Column("工作单位", "person.unit.full_name"),
            Column("人才计划", "programme.name"),
            Column("入选批次", "enrollment.batch_year"),
            Column("考核年度", "review_year"),
            Column("考核日期", "reviewed_on"),
            Column("入选状态", "enrollment.get_status_display"),
        ),
    ))
    register(WorkList(
        slug="talent_cards_expiring", title="即将到期的人才服务卡", section=SECTION,
        permission="talent.view_servicecard", queryset=expiring_cards, filterset_class=CardsExpiringFilter,
        unmask_permission=UNMASK, row_link=lambda card: change_link("servicecard")(card.pk),
        description="有效期在指定天数以内（默认60天）届满、尚未注销的人才服务卡，便于提前办理续期。",
        columns=(
            Column("卡号", "card_number"),
            Column("持卡人", "holder.name"),
            Column("身份证号", "holder.id_number", sensitive=True),
            Column("单位", "holder.unit.full_name"),
            Column("卡级别", "get_level_display"),
            Column("发卡日期", "issued_on"),
            Column("有效期至", "expires_on"),
            Column("剩余天数", lambda card: days_until(card.expires_on)),
        ),
    ))
    register(WorkList(
        slug="talent_green_requests_overdue", title="绿色通道超期未办结事项", section=SECTION,
        permission="talent.view_greenchannelrequest", queryset=overdue_requests,
        filterset_class=GreenRequestsOverdueFilter, row_link=lambda req: change_link("greenchannelrequest")(req.pk),
        description="已过办结时限、仍待受理或办理中的绿色通道事项。",
        columns=(
            Column("持卡人", "card.holder.name"),
            Column("卡号", "card.card_number"),
            Column("服务事项", "get_area_display"),
            Column("提交日期", "submitted_on"),
            Column("办结时限", "deadline"),
            Column("原办结时限（已延期的）", "original_deadline"),
            Column("办理状态", "get_status_display"),
            Column("经办人", "handler"),
            Column("超期天数", lambda req: -days_until(req.deadline)),
        ),
    ))
    dashboard.register(dashboard.Panel(
        slug="talent_by_programme", title="人才计划入选人员（按计划和状态）", permission="talent.view_enrollment",
        compute=programme_status_panel, order=60,
    ))
    register_figures()
