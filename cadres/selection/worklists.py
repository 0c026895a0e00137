"""选人用人监督 台账 and the dashboard panel, registered from ``SelectionConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from orgwork import dashboard
from orgwork.worklists.registry import Column, WorkList, register

from .filters import DeparturesUncheckedFilter, EvaluationsOverLineFilter, LookBacksOpenFilter
from .selectors import departures_unchecked, evaluations_over_line, look_backs_open

SECTION = "选人用人监督"


def percent(value: Any) -> str:
    return "" if value is None else f"{float(value):.1%}"


def worklist_url(slug: str) -> str:
    return reverse("admin:worklist", args=[slug])


def selection_panel(user: Any) -> dashboard.PanelData:
    """选人用人监督待办: 离任未检查, 评议不满意率达到警戒线 (this year and last), 倒查未办结."""
    year = timezone.localdate().year
    slugs = ["selection_departures_unchecked", "selection_evaluations_over_line", "selection_look_backs_open"]
    values = [
        departures_unchecked(user).count(),
        evaluations_over_line(user).filter(year__gte=year - 1).count(),
        look_backs_open(user).count(),
    ]
    links = [worklist_url(slug) for slug in slugs]
    return dashboard.PanelData(labels=["主要负责人离任未检查", "评议不满意率达到警戒线", "带病提拔倒查未办结"],
                               series=[dashboard.Series("件数", values, links)], unit="件",
                               link=reverse("admin:selection_selectionevaluation_changelist"),
                               note="评议按本年度和上年度统计。")


def register_all() -> None:
    register(WorkList(
        slug="selection_departures_unchecked", title="主要负责人离任未开展离任检查", section=SECTION,
        permission="selection.view_departurecheck", queryset=departures_unchecked,
        filterset_class=DeparturesUncheckedFilter,
        row_link=lambda post: reverse("admin:selection_departurecheck_add") + f"?post={post.pk}",
        description="单位党委（党组）书记离任后，应对其履行选人用人职责情况开展离任检查。",
        columns=(
            Column("姓名", "cadre.name"),
            Column("单位", "unit.full_name"),
            Column("离任职务", "title"),
            Column("任职时间", "appointed_on"),
            Column("免职时间", "removed_on"),
            Column("免职文号", "removal_document"),
        ),
    ))
    register(WorkList(
        slug="selection_evaluations_over_line", title="民主评议不满意率达到警戒线", section=SECTION,
        permission="selection.view_selectionevaluation", queryset=evaluations_over_line,
        filterset_class=EvaluationsOverLineFilter,
        row_link=lambda e: reverse("admin:selection_selectionevaluation_change", args=[e.pk]),
        description="一报告两评议中不满意率达到警戒线的选人用人工作评议和新提拔干部评议，均已列入整改清单。",
        columns=(
            Column("单位", "unit.full_name"),
            Column("年度", "year"),
            Column("评议类型", "get_kind_display"),
            Column("新提拔干部", "cadre.name"),
            Column("好", "good"),
            Column("较好", "fairly_good"),
            Column("一般", "average"),
            Column("差", "poor"),
            Column("满意率", lambda e: percent(e.satisfaction)),
            Column("不满意率", lambda e: percent(e.dissatisfaction)),
            Column("整改状态", lambda e: e.rectification_item.get_state_display() if e.rectification_item else ""),
        ),
    ))
    register(WorkList(
        slug="selection_look_backs_open", title="带病提拔倒查未办结", section=SECTION,
        permission="selection.view_lookback", queryset=look_backs_open, filterset_class=LookBacksOpenFilter,
        row_link=lambda lb: reverse("admin:selection_lookback_change", args=[lb.pk]),
        description="干部受到组织处理或党纪政务处分后自动启动的带病提拔倒查，尚未作出结论的。",
        columns=(
            Column("姓名", "cadre.name"),
            Column("单位", "cadre.unit.full_name"),
            Column("启动事由", "source_label"),
            Column("决定日期", "source.decided_on"),
            Column("启动日期", "opened_on"),
            Column("倒查起始日", "window_start"),
        ),
    ))
    dashboard.register(dashboard.Panel(
        slug="selection_supervision", title="选人用人监督待办", permission="selection.view_selectionevaluation",
        compute=selection_panel, order=45,
    ))
