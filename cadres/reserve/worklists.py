"""后备干部 台账, dashboard cards and charts, registered from ``ReserveConfig.ready``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from cadres.models import Rank
from orgwork import dashboard
from orgwork.common.display import dated
from orgwork.worklists.registry import Column, WorkList, register

from .filters import YOUNG, MembersFilter, OffQuotaFilter
from .models import MemberStatus, ReservePool
from . import selectors
from .selectors import GENERATIONS, age_on, mean_age, members_for_list, pools_off_quota, use_rate

# The cards and the two charts read the same figures: once per drawing of the dashboard.
totals = dashboard.shared(selectors.totals)
figures_by_level = dashboard.shared(selectors.figures_by_level)

SECTION = "后备干部"
UNMASK = "cadres.view_unmasked_id_number"
MEMBERS = "reserve_members"
OFF_QUOTA = "reserve_pools_off_quota"


def worklist_link(slug: str, **params: Any) -> str:
    return reverse("admin:worklist", args=[slug]) + ("?" + urlencode(params) if params else "")


def pool_age(pool: ReservePool) -> str:
    age = mean_age(pool.mean_birth, timezone.localdate())
    return "" if age is None else f"{age:.1f}"


def pool_rate(pool: ReservePool) -> str:
    rate = use_rate(pool.promoted_year, pool.members_year)
    return "" if rate is None else f"{rate:.1f}%"


def pool_label(member: Any) -> str:
    return f"{member.pool.unit.full_name}·{member.pool.get_level_display()}"


def birth_month(member: Any) -> str:
    return f"{member.cadre.birth_month:%Y.%m}"


def age(member: Any) -> int:
    return age_on(member.cadre.birth_month, timezone.localdate())


# The 后备干部名册's columns; the page and the sheet share all but the dated ones.
NAME, UNIT = Column("姓名", "cadre.name"), Column("单位", "cadre.unit.full_name")
POST, STATUS = Column("现任职务", "cadre.current_post"), Column("状态", "get_status_display")
POOL = Column("后备干部库", pool_label)
RECOMMENDED = (Column("推荐人（单位）", "recommended_by"), Column("推荐日期", "recommended_on"))
ENTERED = Column("入库日期", "entered_on")


def register_all() -> None:
    register(WorkList(
        slug=MEMBERS, title="后备干部名册", section=SECTION, permission="reserve.view_reservemember",
        queryset=members_for_list, filterset_class=MembersFilter, unmask_permission=UNMASK,
        row_link=lambda m: reverse("admin:reserve_reservemember_change", args=[m.pk]),
        description="各级后备干部库的推荐、考察、在库和调整出库情况，可按库、层次、出生年代、状态筛选并导出。",
        columns=(
            NAME, Column("身份证号", "cadre.id_number", sensitive=True), UNIT, POST, POOL,
            Column("出生年月", birth_month), Column("年龄", age), STATUS, *RECOMMENDED,
            Column("考察日期", "inspected_on"), Column("考察结论", "get_inspection_conclusion_display"), ENTERED,
            Column("出库日期", "exited_on"), Column("出库原因", "get_exit_reason_display"),
        ),
        # Fifteen columns do not fit a 1440-px window: the page puts each date beside what
        # it dates and leaves the ID number to the record page and the sheet.
        screen_columns=(
            NAME, UNIT, POST, POOL, Column("出生年月（年龄）", lambda m: f"{birth_month(m)}（{age(m)}岁）"), STATUS,
            *RECOMMENDED, Column("考察", lambda m: dated(m.inspected_on, m.get_inspection_conclusion_display())),
            ENTERED, Column("出库", lambda m: dated(m.exited_on, m.get_exit_reason_display())),
        ),
    ))
    register(WorkList(
        slug=OFF_QUOTA, title="后备干部库名额未满或超出", section=SECTION, permission="reserve.view_reservepool",
        queryset=pools_off_quota, filterset_class=OffQuotaFilter,
        row_link=lambda p: reverse("admin:reserve_reservepool_change", args=[p.pk]),
        description="在库人数少于或多于名额的后备干部库：未满的抓紧推荐考察，超出的在年度动态调整中处理。",
        columns=(
            Column("管理单位", "unit.full_name"),
            Column("后备层次", "get_level_display"),
            Column("名额", "quota"),
            Column("在库", "in_pool"),
            Column("名额情况", lambda p: f"缺{p.gap}名" if p.gap > 0 else f"超{-p.gap}名"),
            Column("70后", "born_70"),
            Column("80后", "born_80"),
            Column("90后", "born_90"),
            Column("平均年龄", pool_age),
            Column("本年使用率", pool_rate),
        ),
    ))
    dashboard.register(dashboard.Panel(
        slug="reserve_generations", title="后备干部出生年代（70后、80后、90后）", permission="reserve.view_reservemember",
        compute=generation_panel, order=36,
    ))
    dashboard.register(dashboard.Panel(
        slug="reserve_use_rate", title="后备干部使用率", permission="reserve.view_reservemember",
        compute=use_rate_panel, order=37,
    ))
    dashboard.register_figure(dashboard.Figure(
        slug="reserve_in_pool", label="在库后备干部", permission="reserve.view_reservemember",
        compute=in_pool_figure, order=25))
    dashboard.register_figure(dashboard.Figure(
        slug="reserve_young", label="在库80后及以后后备干部", permission="reserve.view_reservemember",
        compute=young_figure, order=26))
    dashboard.register_figure(dashboard.Figure(
        slug="reserve_off_quota", label="名额未满或超出的后备干部库", permission="reserve.view_reservepool",
        compute=off_quota_figure, order=27, alert=True))


# ---------------------------------------------------------------------------
# Cards (关键指标) and charts
# ---------------------------------------------------------------------------

IN_POOL = {"status": MemberStatus.IN_POOL}


def in_pool_figure(user: Any) -> tuple[int, str | None]:
    return totals(user, on=timezone.localdate())["in_pool"], worklist_link(MEMBERS, **IN_POOL)


def young_figure(user: Any) -> tuple[int, str | None]:
    figures = totals(user, on=timezone.localdate())
    return figures["young"], worklist_link(MEMBERS, generation=YOUNG, **IN_POOL)


def off_quota_figure(user: Any) -> tuple[int, str | None]:
    return pools_off_quota(user).count(), worklist_link(OFF_QUOTA)


def _levels(by_level: dict[str, dict[str, Any]]) -> list[str]:
    return [value for value, _ in Rank.choices if value in by_level]


def generation_panel(user: Any) -> dashboard.PanelData:
    """在库 members per level and birth decade; the average age of each level in the note."""
    today = timezone.localdate()
    by_level = figures_by_level(user, on=today)
    levels = _levels(by_level)
    series = [
        dashboard.Series(f"{key}后", [by_level[level][f"born_{key}"] for level in levels],
                         [worklist_link(MEMBERS, level=level, generation=key, **IN_POOL) for level in levels])
        for key in GENERATIONS
    ]
    ages = []
    for level in levels:
        age = mean_age(by_level[level]["mean_birth"], today)
        if age is not None:
            ages.append(f"{Rank(level).label}{age:.1f}岁")
    all_figures = totals(user, on=today)
    overall = mean_age(all_figures["mean_birth"], today)
    note = "在库后备干部按出生年代统计。" + (f"平均年龄{overall:.1f}岁（{'，'.join(ages)}）。" if overall else "")
    return dashboard.PanelData(labels=[Rank(level).label for level in levels], series=series, unit="人",
                               link=worklist_link(MEMBERS, **IN_POOL), note=note)


def use_rate_panel(user: Any) -> dashboard.PanelData:
    """本年使用率 per level: promoted while in the pool over the year's members, in %."""
    today = timezone.localdate()
    by_level = figures_by_level(user, on=today)
    levels = _levels(by_level)
    rates = [use_rate(by_level[level]["promoted_year"], by_level[level]["members_year"]) or 0 for level in levels]
    links = [worklist_link(MEMBERS, level=level, exit_reason="promoted") for level in levels]
    all_figures = totals(user, on=today)
    overall = use_rate(all_figures["promoted_year"], all_figures["members_year"])
    note = (f"{today.year}年在库期间提拔使用{all_figures['promoted_year']}名，当年在库{all_figures['members_year']}名，"
            f"使用率{overall:.1f}%。" if overall is not None else f"{today.year}年尚无在库后备干部。")
    return dashboard.PanelData(labels=[Rank(level).label for level in levels],
                               series=[dashboard.Series(f"{today.year}年使用率", rates, links)], unit="%",
                               link=worklist_link(MEMBERS, exit_reason="promoted"), note=note)

