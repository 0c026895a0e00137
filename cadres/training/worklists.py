"""The below-minimum list (学时未达标台账) and the completion panel of 教育培训,
registered from ``TrainingConfig.ready``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from orgwork import dashboard
from orgwork.worklists.registry import Column, WorkList, register

from .filters import BelowMinimumFilter
from .selectors import below_minimum_rows, completion_by_rank

SECTION = "干部管理"
SLUG = "training_below_minimum"


def worklist_url(**params: Any) -> str:
    return reverse("admin:worklist", args=[SLUG]) + "?" + urlencode(params)


def completion_panel(user: Any, year: int | None = None) -> dashboard.PanelData:
    """达标率 per rank this year; each bar opens that rank's below-minimum list."""
    year = year or timezone.localdate().year
    # Ranks with nobody in the user's scope are left out: no cadres is not a 0% rate.
    rows = [row for row in completion_by_rank(user, year) if row["cadres"]]
    return dashboard.PanelData(
        labels=[row["label"] for row in rows],
        series=[dashboard.Series(f"{year}年学时达标率", [row["rate"] for row in rows],
                                 [worklist_url(year=year, rank=row["rank"]) for row in rows])],
        unit="%", link=worklist_url(year=year),
        note="在职干部当年培训班学时与网络学习学时之和达到本职务层次年度最低学时的比例；"
             + "；".join(f"{row['label']}{row['reached']}/{row['cadres']}人" for row in rows),
    )


def register_all() -> None:
    register(WorkList(
        slug=SLUG, title="年度学时未达标的干部", section=SECTION,
        permission="training.view_classattendance", queryset=below_minimum_rows,
        filterset_class=BelowMinimumFilter, row_link=lambda c: reverse("admin:cadres_cadre_change", args=[c.pk]),
        description="在职干部当年培训班学时（只计出勤）与网络学习学时之和低于本职务层次年度最低学时要求的名单。"
                    "网络学习学时单列，不设上限。",
        columns=(
            Column("姓名", "name"),
            Column("单位", "unit.full_name"),
            Column("现任职务", "current_post"),
            Column("职务层次", "get_rank_display"),
            Column("年度要求学时", "required_hours"),
            Column("培训班学时", "class_hours"),
            Column("网络学习学时", "online_hours"),
            Column("合计学时", "total_hours"),
            Column("差额", lambda c: c.required_hours - c.total_hours),
        ),
    ))
    dashboard.register(dashboard.Panel(
        slug="training_completion", title="干部教育培训学时达标率", permission="training.view_classattendance",
        compute=completion_panel, order=45,
    ))
