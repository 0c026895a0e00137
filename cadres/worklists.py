"""Cadre audit lists and dashboard panels, registered from ``CadresConfig.ready``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from orgwork import dashboard
from orgwork.worklists.registry import Column, WorkList, register

from .admin.filters import AGE_BANDS, GENERATIONS
from .figures import register_figures
from .filters import AssessmentListFilter, CadreUnitFilter, MeritCandidateFilter, OverQuotaFilter
from .models import Assessment, AssessmentGrade, Cadre, CadreStatus
from .selectors import (
    MERIT_STREAK_YEARS,
    age_structure,
    assessments_needing_review,
    cadres_for_list,
    excellent_below_line,
    grade_distribution,
    over_quota,
    party_status_unchecked,
)

SECTION = "干部监督"
UNMASK = "cadres.view_unmasked_id_number"


def low_scores(user: Any) -> QuerySet[Assessment]:
    return assessments_needing_review(user).order_by("-year", "cadre__name_pinyin", "pk")


def merit_pool(user: Any) -> QuerySet[Cadre]:
    """The cadres the 记三等功 FilterSet narrows to the three-year 优秀 streak of its year."""
    return cadres_for_list(user).order_by("unit__path", "name_pinyin", "pk")


def cadre_link(cadre_id: int) -> str:
    return reverse("admin:cadres_cadre_change", args=[cadre_id])


def changelist(model: str, params: dict[str, Any]) -> str:
    return reverse(f"admin:cadres_{model}_changelist") + "?" + urlencode(params)


CADRE_COLUMNS = (
    Column("姓名", "name"),
    Column("身份证号", "id_number", sensitive=True),
    Column("单位", "unit.full_name"),
    Column("现任职务", "current_post"),
)
ASSESSMENT_COLUMNS = (
    Column("姓名", "cadre.name"),
    Column("身份证号", "cadre.id_number", sensitive=True),
    Column("单位", "cadre.unit.full_name"),
    Column("现任职务", "cadre.current_post"),
    Column("考核年度", "year"),
    Column("考核等次", "get_grade_display"),
    Column("政治素质测评得分", "political_score"),
)


def age_panel(user: Any) -> dashboard.PanelData:
    """在职干部 by age band (年龄段, counted from today)."""
    counts = age_structure(user, bands={k: (young, old) for k, (_, young, old) in AGE_BANDS.items()}, generations={})
    active = {"status__exact": CadreStatus.ACTIVE}
    labels = [label for label, _, _ in AGE_BANDS.values()]
    values = [counts[f"age:{k}"] for k in AGE_BANDS]
    links = [changelist("cadre", {**active, "age": k}) for k in AGE_BANDS]
    return dashboard.PanelData(labels=labels, series=[dashboard.Series("在职干部", values, links)], unit="人",
                               link=changelist("cadre", active), note="年龄按今天计算。")


def generation_panel(user: Any) -> dashboard.PanelData:
    """在职干部 by birth decade (出生年代: 60后, 70后, 80后, 90后): the headline count of young cadres."""
    counts = age_structure(user, bands={}, generations=GENERATIONS)
    active = {"status__exact": CadreStatus.ACTIVE}
    keys = list(GENERATIONS)
    links = [changelist("cadre", {**active, "born": k}) for k in keys]
    return dashboard.PanelData(labels=[f"{k}后" for k in keys],
                               series=[dashboard.Series("在职干部", [counts[f"born:{k}"] for k in keys], links)],
                               unit="人", link=changelist("cadre", active), note="按出生年代统计，与年龄段分开。")


def grade_panel(user: Any) -> dashboard.PanelData:
    year, counts = grade_distribution(user)
    grades = list(AssessmentGrade)
    links = [changelist("assessment", {"year__exact": year, "grade__exact": g.value}) for g in grades]
    return dashboard.PanelData(
        labels=[g.label for g in grades],
        series=[dashboard.Series(f"{year}年" if year else "人数", [counts.get(g.value, 0) for g in grades], links)],
        unit="人", link=changelist("assessment", {"year__exact": year}) if year else None,
        note=f"{year}年度考核结果。" if year else "尚无年度考核结果。",
    )


def register_all() -> None:
    register(WorkList(
        slug="cadres_low_political_score", title="政治素质测评低于80分的干部", section=SECTION,
        permission="cadres.view_assessment", queryset=low_scores, filterset_class=AssessmentListFilter,
        unmask_permission=UNMASK, row_link=lambda a: cadre_link(a.cadre_id),
        description="政治素质测评得分低于80分的，应逐一复核、谈话提醒。",
        columns=ASSESSMENT_COLUMNS,
    ))
    register(WorkList(
        slug="cadres_excellent_below_90", title="测评低于90分却定为优秀（完整性检查）", section=SECTION,
        permission="cadres.view_assessment", queryset=excellent_below_line, filterset_class=AssessmentListFilter,
        unmask_permission=UNMASK, row_link=lambda a: cadre_link(a.cadre_id), expected_empty=True,
        description="政治素质测评低于90分的，当年度不得确定为“优秀”等次。系统录入时已拒绝这种组合；此名单应为空，"
                    "出现记录说明数据绕过了校验，须核实更正。",
        columns=ASSESSMENT_COLUMNS,
    ))
    register(WorkList(
        slug="cadres_merit_candidates", title=f"连续{MERIT_STREAK_YEARS}年考核优秀的干部（记三等功）", section=SECTION,
        permission="cadres.view_cadre", queryset=merit_pool, filterset_class=MeritCandidateFilter,
        unmask_permission=UNMASK, row_link=lambda c: cadre_link(c.pk),
        description=f"截至所选年度连续{MERIT_STREAK_YEARS}年年度考核为“优秀”的干部，按规定记三等功。",
        columns=(*CADRE_COLUMNS, Column("职务层次", "get_rank_display")),
    ))
    register(WorkList(
        slug="cadres_party_status_unchecked", title="政治面貌待核实：中共党员未填入党时间的在职干部", section=SECTION,
        permission="cadres.view_cadre", queryset=party_status_unchecked, filterset_class=CadreUnitFilter,
        unmask_permission=UNMASK, row_link=lambda c: cadre_link(c.pk),
        description="政治面貌为中共党员或中共预备党员而未填写入党时间的在职干部。较早导入的干部表缺少“政治面貌”一列时，"
                    "曾一律记为中共党员；请对照党员名册核实，补填入党时间或更正政治面貌。",
        columns=(*CADRE_COLUMNS, Column("政治面貌", "political_status")),
    ))
    register(WorkList(
        slug="cadres_over_quota", title="超职数配备的单位", section=SECTION,
        permission="cadres.view_positionquota", queryset=over_quota, filterset_class=OverQuotaFilter,
        row_link=lambda q: reverse("admin:cadres_positionquota_change", args=[q.pk]),
        description="在职干部人数超过核定职数的单位和职务层次。",
        columns=(
            Column("单位", "unit.full_name"),
            Column("职务层次", "get_rank_display"),
            Column("核定职数", "approved"),
            Column("实配人数", "actual"),
            Column("超出职数", "over"),
        ),
    ))
    dashboard.register(dashboard.Panel(
        slug="cadres_age_structure", title="干部年龄结构", permission="cadres.view_cadre", compute=age_panel, order=30,
    ))
    dashboard.register(dashboard.Panel(
        slug="cadres_generations", title="干部出生年代（70后、80后、90后）", permission="cadres.view_cadre",
        compute=generation_panel, order=35,
    ))
    register_figures()
    dashboard.register(dashboard.Panel(
        slug="cadres_grade_distribution", title="年度考核等次分布", permission="cadres.view_assessment",
        compute=grade_panel, order=40,
    ))
