"""挂职与驻村 台账, key figures and dashboard panel, registered from ``SecondmentConfig.ready``.

The panel's headline is the year's 调整撤换 of 驻村 cadres and, among them, the 问责处理
— the two figures the department's reports give for a year (e.g. 2,605 and 231) —
counted here from the 召回/轮换 records of the current year.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from orgwork import dashboard
from orgwork.worklists.registry import Column, WorkList, register

from . import rules, selectors
from .filters import AbsenceListFilter, AssignmentListFilter
from .models import AssignmentKind, AssignmentStatus

# The year's two headline figures are read by two cards and the panel: once per drawing.
headline = dashboard.shared(selectors.headline)

SECTION = "挂职与驻村"
UNMASK = "cadres.view_unmasked_id_number"
SLUG_ACTIVE = "secondment_active"
SLUG_OVERDUE = "secondment_checks_overdue"
SLUG_ABSENCES = "secondment_absences"


def changelist(params: dict[str, Any]) -> str:
    return reverse("admin:secondment_assignment_changelist") + "?" + urlencode(params)


def assignment_link(obj: Any) -> str:
    return reverse("admin:secondment_assignment_change", args=[obj.pk])


ASSIGNMENT_COLUMNS = (
    Column("姓名", "cadre.name"),
    Column("身份证号", "cadre.id_number", sensitive=True),
    Column("单位", "cadre.unit.full_name"),
    Column("选派类型", "get_kind_display"),
    Column("派出单位", "sending_unit.full_name"),
    Column("挂职单位/驻村", "place"),
    Column("挂任职务", "post"),
    Column("选派开始日期", "starts_on"),
    Column("选派期满日期", "ends_on"),
    Column("最近抽查", "last_checked_on"),
    Column("本年不在岗次数", "absences"),
)


def overdue_days(obj: Any) -> int:
    since = obj.last_checked_on or obj.starts_on
    return (timezone.localdate() - since).days


def replaced(user: Any) -> tuple[int, str | None]:
    year = timezone.localdate().year
    return headline(user, year)["replaced"], changelist({"left_year": year, "end": "replaced"})


def accountable(user: Any) -> tuple[int, str | None]:
    year = timezone.localdate().year
    return headline(user, year)["accountable"], changelist({"left_year": year, "end": "accountable"})


def panel(user: Any) -> dashboard.PanelData:
    """在岗 and 本年调整撤换 per kind, with the year's two headline figures in the note."""
    year = timezone.localdate().year
    counts = selectors.kind_counts(user)
    head = headline(user, year)
    kinds = list(AssignmentKind)
    active = [counts.get(k.value, {}).get("active", 0) for k in kinds]
    gone = [counts.get(k.value, {}).get("replaced", 0) for k in kinds]
    return dashboard.PanelData(
        labels=[k.label for k in kinds],
        series=[
            dashboard.Series("在岗", active,
                             [changelist({"kind__exact": k.value, "status__exact": AssignmentStatus.ACTIVE})
                              for k in kinds]),
            dashboard.Series(f"{year}年调整撤换", gone,
                             [changelist({"kind__exact": k.value, "left_year": year, "end": "any"}) for k in kinds]),
        ],
        unit="人", link=changelist({"status__exact": AssignmentStatus.ACTIVE}),
        note=(f"{year}年调整撤换驻村帮扶干部{head['replaced']}名，问责处理{head['accountable']}名"
              f"（召回、轮换均计入调整撤换）。"),
    )


def register_all() -> None:
    register(WorkList(
        slug=SLUG_ACTIVE, title="在岗选派干部", section=SECTION, permission="secondment.view_assignment",
        queryset=selectors.active_assignments, filterset_class=AssignmentListFilter, unmask_permission=UNMASK,
        row_link=assignment_link,
        description="在岗的挂职干部、驻村第一书记和驻村工作队员，附最近一次在岗抽查和本年不在岗次数。",
        columns=ASSIGNMENT_COLUMNS,
    ))
    register(WorkList(
        slug=SLUG_OVERDUE, title="在岗抽查逾期", section=SECTION, permission="secondment.view_assignment",
        queryset=selectors.checks_overdue, filterset_class=AssignmentListFilter, unmask_permission=UNMASK,
        row_link=assignment_link,
        description=f"在岗超过{rules.check_interval_days()}天、且{rules.check_interval_days()}天内没有在岗抽查记录的选派干部。",
        columns=(*ASSIGNMENT_COLUMNS, Column("未抽查天数", overdue_days)),
    ))
    register(WorkList(
        slug=SLUG_ABSENCES, title="在岗抽查不在岗", section=SECTION, permission="secondment.view_dutycheck",
        queryset=selectors.absences, filterset_class=AbsenceListFilter, unmask_permission=UNMASK,
        row_link=lambda c: assignment_link(c.assignment),
        description=f"在岗抽查发现不在岗的记录；一年内累计{rules.absence_limit()}次的列入整改清单，当年不得评为优秀。",
        columns=(
            Column("姓名", "assignment.cadre.name"),
            Column("身份证号", "assignment.cadre.id_number", sensitive=True),
            Column("单位", "assignment.cadre.unit.full_name"),
            Column("选派类型", "assignment.get_kind_display"),
            Column("挂职单位/驻村", "assignment.place"),
            Column("抽查日期", "checked_on"),
            Column("抽查人", "checker"),
            Column("情况说明", "note"),
        ),
    ))
    dashboard.register_figure(dashboard.Figure(
        slug="secondment_replaced", label="本年调整撤换驻村干部", permission="secondment.view_assignment",
        compute=replaced, order=28))
    dashboard.register_figure(dashboard.Figure(
        slug="secondment_accountable", label="本年问责处理驻村干部", permission="secondment.view_assignment",
        compute=accountable, order=29, alert=True))
    dashboard.register(dashboard.Panel(
        slug="secondment_assignments", title="挂职与驻村", permission="secondment.view_assignment",
        compute=panel, order=45,
    ))

