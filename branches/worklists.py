"""Branches audit lists and dashboard panels, registered from ``BranchesConfig.ready``."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote_plus, urlencode

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone

from orgwork import dashboard
from orgwork.notifications import registry as notifications
from orgwork.notifications.registry import DeadlineSource, DueItem
from orgwork.units.models import Unit
from orgwork.units.scope import scope_queryset, units_visible_to
from orgwork.worklists.registry import Column, WorkList, register

from .cadence import Period, periods_ending_between
from .figures import register_figures
from .filters import (
    MeetingUnitFilter,
    MissingMeetingsFilter,
    OrganisationsFilter,
    TermsFilter,
    WeakCasesFilter,
    last_full_month,
)
from .models import (
    DUE_SOON_MONTHS,
    Domain,
    Meeting,
    MeetingKind,
    OrgKind,
    PartyOrganisation,
    TermElection,
    TermStatus,
    WeakBranchCase,
    WeakCaseState,
    month_number,
)
from .selectors import (
    current_terms,
    first_meeting_month,
    meeting_gaps_by_branch,
    monthly_meeting_rates,
    organisations_in,
    organisations_without_elections,
    percent,
    terms_due_soon,
    terms_overdue,
    weak_cases_by_domain,
    weak_cases_visible_to,
)

SECTION = "基层党建"
SLUG_MISSING = "branches_missing_meetings"
SLUG_WEAK = "branches_weak_overdue"
RATE_MONTHS = 6
# How far back the 三会一课 source looks: a 提醒规则 reminds at most 90 days ahead (so
# ``until`` is at most 90 days after the day of the pass) and tells the unit above at
# most 365 days overdue; a slot that fell due earlier than that has reached every stage
# it ever will. Never the whole history: a province has 76,000 branches.
MEETINGS_LOOK_BACK = datetime.timedelta(days=90 + 365)


def branches_of(user: Any) -> QuerySet[PartyOrganisation]:
    """The 党支部 in scope: what the missing-meetings FilterSet reports on."""
    return organisations_in(units_visible_to(user)).filter(kind=OrgKind.BRANCH).select_related("unit")


def weak_cases(user: Any) -> QuerySet[WeakBranchCase]:
    return weak_cases_visible_to(user).select_related("organisation", "organisation__unit").order_by("deadline", "pk")


def meetings_nobody_expected(user: Any) -> QuerySet[Meeting]:
    """三会一课 records with 应到人数 0: refused on every path since the rule came in (and by a
    constraint on new rows), so a row here was written before it and still counts as held."""
    return (scope_queryset(Meeting.objects.filter(expected=0), user)
            .select_related("organisation", "organisation__unit").order_by("-held_on", "pk"))


def committee_meetings_over_the_committee(user: Any) -> QuerySet[Meeting]:
    """支委会 whose 应到人数 is more than the 委员人数 of the committee in office that day (the
    branch's last 换届选举 on or before it), each with that number (``committee``) and the
    election's date (``elected``). Refused on every path since the rule came in, so a row
    here was written before it, or before the election it is held to was entered (a new
    election is not held to the meetings on record: :func:`services.meetings_committee_check`).

    The meetings are found by joining each 支委会 to the term it falls in (an election up to
    the next one), one pass over them: a province's year holds some 700,000, and looking up
    each one's election row by row takes twice as long."""
    meeting, election = Meeting._meta, TermElection._meta
    over = RawSQL(
        f"SELECT m.id FROM {meeting.db_table} m JOIN ("
        f"SELECT organisation_id, elected_on, committee_size, LEAD(elected_on) OVER "
        f"(PARTITION BY organisation_id ORDER BY elected_on) AS next_on FROM {election.db_table}) e "
        "ON e.organisation_id = m.organisation_id AND m.held_on >= e.elected_on "
        "AND (e.next_on IS NULL OR m.held_on < e.next_on) "
        "WHERE m.kind = %s AND m.expected > e.committee_size", [int(MeetingKind.COMMITTEE_MEETING)])
    in_office = (TermElection.objects.filter(organisation_id=OuterRef("organisation_id"),
                                             elected_on__lte=OuterRef("held_on")).order_by("-elected_on"))
    return (scope_queryset(Meeting.objects.filter(pk__in=over), user)
            .annotate(committee=Subquery(in_office.values("committee_size")[:1]),
                      elected=Subquery(in_office.values("elected_on")[:1]))
            .select_related("organisation", "organisation__unit").order_by("-held_on", "pk"))


def list_url(slug: str, params: dict[str, Any]) -> str:
    return reverse("admin:worklist", args=[slug]) + "?" + urlencode(params)


def overdue_days(case: WeakBranchCase) -> int | None:
    return (timezone.localdate() - case.deadline).days if case.is_overdue else None


def held_of(kind: int) -> Any:
    return lambda row: f"{row.held.get(kind, 0)}/{row.required[kind]}" if kind in row.required else "—"


def recent_months(count: int) -> list[datetime.date]:
    """The last ``count`` whole months, oldest first."""
    months = [last_full_month().replace(day=1)]
    while len(months) < count:
        months.insert(0, (months[0] - datetime.timedelta(days=1)).replace(day=1))
    return months


def meeting_rates_panel(user: Any) -> dashboard.PanelData:
    """三会一课开展率 of the monthly kinds, per unit below the user's own, over the last
    months; each point links to that unit's 缺会名单 for the month."""
    units = units_visible_to(user)
    months = recent_months(RATE_MONTHS)
    reports = monthly_meeting_rates(units=units, months=[Period.of_month(m.year, m.month) for m in months])
    codes = dict(Unit.objects.filter(pk__in=[r.key for r in reports[0].rows if r.key]).values_list("pk", "code"))
    by_key = [{row.key: row for row in report.rows} for report in reports]
    series: list[dashboard.Series] = []
    for row in reports[0].rows:
        values: list[float | int] = []
        links: list[str | None] = []
        due: list[float] = []
        for month, rows in zip(months, by_key):
            same = rows.get(row.key)
            held = sum(same.held.get(k, 0) for k in MeetingKind.values) if same else 0
            required = sum(k.required for k in same.kinds()) if same else 0
            values.append(float(percent(held, required) or 0))
            due.append(required)
            # 本级 rows cover the unit's own branches only; the list filters by sub-tree.
            own_only = row.label.endswith("（本级）")
            links.append(None if own_only or row.key not in codes else
                         list_url(SLUG_MISSING, {"year": month.year, "month": month.month, "unit": codes[row.key]}))
        series.append(dashboard.Series(row.label, values, links, weights=due))
    return dashboard.PanelData(
        labels=[f"{m.year}年{m.month}月" for m in months], series=series, kind="line", unit="%",
        link=reverse("admin:worklist", args=[SLUG_MISSING]), lowest_first=True,
        note="开展率 = 已开展次数 ÷ 应开展次数；点击各点查看当月缺会党支部。单位较多时图中画出开展率最低的几个单位，"
             "其余合为一条（按应开展次数加权平均），各单位的数字见下方数据表。",
    )


def weak_by_domain_panel(user: Any) -> dashboard.PanelData:
    """软弱涣散党组织 per domain: 整顿中 and, of those, past the deadline."""
    counts = weak_cases_by_domain(user)
    domains = [d for d in Domain if d.value in counts]
    return dashboard.PanelData(
        labels=[d.label for d in domains],
        series=[
            dashboard.Series("整顿中", [counts[d.value]["rectifying"] for d in domains],
                             [list_url(SLUG_WEAK, {"overdue": "", "state": "rectifying", "domain": d.value}) for d in domains]),
            dashboard.Series("逾期未销号", [counts[d.value]["overdue"] for d in domains],
                             [list_url(SLUG_WEAK, {"overdue": "1", "domain": d.value}) for d in domains]),
        ],
        unit="个",
        link=reverse("admin:worklist", args=[SLUG_WEAK]),
        empty="管辖范围内没有正在整顿的软弱涣散党组织。",
    )


def weak_cases_due(until: datetime.date) -> Iterator[DueItem]:
    """到期事项来源: weak-branch cases still being rectified whose deadline is on or before ``until``."""
    rows = (WeakBranchCase.objects.filter(state=WeakCaseState.RECTIFYING, deadline__lte=until)
            .values_list("pk", "organisation__name", "deadline", "organisation__unit_id").order_by("deadline", "pk"))
    for pk, name, deadline, unit_id in rows.iterator(chunk_size=2000):
        yield DueItem(pk=pk, title=f"{name}整顿", deadline=deadline, unit_id=unit_id,
                      link=reverse("admin:branches_weakbranchcase_change", args=[pk]))


def meetings_behind_key(organisation_id: int, due: datetime.date | None) -> int:
    """One number per 党支部 and the last day of its oldest slot not held (a month's last
    day: its month number, below a million, tells it); ``None`` (0) when that slot is the
    oldest the source looks at, so that a backlog older than the window stays one item as
    the window slides on, month by month. The notification engine tells each stage of an
    item once per key, so: a branch that fills a later gap, or falls behind on one more,
    keeps its key and hears nothing new; one that fills its oldest gaps while others
    remain is a new item, due on its next oldest; one that fills them all is left out,
    and when it falls behind again, a new item. Never one of the per-slot keys used before
    (their last six digits are above 240,000): a branch already told slot by slot is told
    once more, in this form."""
    return organisation_id * 1_000_000 + (0 if due is None else month_number(due))


def meetings_behind_due(until: datetime.date) -> Iterator[DueItem]:
    """到期事项来源: each 党支部 that has not held a 三会一课 cadence slot (a month of 支委会,
    党小组会, 主题党日; a quarter of 党员大会, 党课) whose last day is on or before ``until``,
    within :data:`MEETINGS_LOOK_BACK` — the 缺会名单's rule, slot by slot — as ONE item,
    listing every kind and slot it has not held, due on the last day of the oldest (the
    rule's lead time and escalation run off the oldest gap). With the lead time a month
    still running is reminded of too: what it has not held so far. The branch's unit
    follows it up, the unit above hears of it overdue.

    A slot that began before the first 三会一课 record in the system is not asked for: the
    system holds no records of it (a province going live, or the demo's twelve months),
    and every branch would be told of months nobody entered. Nor is one that began before
    the branch's 成立日期 (:func:`branches.selectors.meeting_gaps`)."""
    records_start = first_meeting_month()
    if records_start is None:
        return
    periods = [p for p in periods_ending_between(until - MEETINGS_LOOK_BACK, until) if p.start >= records_start]
    if not periods:
        return
    oldest = min(period.end for period in periods)
    meetings = reverse("admin:branches_meeting_changelist")
    for branch in meeting_gaps_by_branch(periods=periods):
        due = branch.due
        yield DueItem(
            pk=meetings_behind_key(branch.organisation_id, None if due == oldest else due),
            title=f"{branch.placed_name}未按期开展三会一课：{branch.missing_text}",
            deadline=due, unit_id=branch.unit_id,
            link=f"{meetings}?q={quote_plus(branch.code)}")


def register_all() -> None:
    notifications.register(DeadlineSource(
        key="branches_weak_case", title="软弱涣散党组织整顿", due=weak_cases_due,
        permission="branches.view_weakbranchcase",
        list_url=lambda: reverse("admin:worklist", args=[SLUG_WEAK]),
    ))
    notifications.register(DeadlineSource(
        key="branches_meetings_behind", title="三会一课未按期开展", due=meetings_behind_due,
        permission="branches.view_meeting",
        list_url=lambda: reverse("admin:worklist", args=[SLUG_MISSING]),
    ))
    register(WorkList(
        slug=SLUG_MISSING, title="未按规定开展三会一课的党支部", section=SECTION,
        permission="branches.view_meeting", queryset=branches_of, filterset_class=MissingMeetingsFilter,
        row_link=lambda row: reverse("admin:branches_partyorganisation_change", args=[row.organisation_id]),
        description="按月、季度或年度统计：每月应开展支部党员大会以外的按月组织生活，每季度应开展党员大会和党课；默认显示上个月。",
        columns=(
            Column("党支部", "name"),
            Column("组织代码", "code"),
            Column("所在单位", "unit_name"),
            *(Column(f"{kind.label}（已开/应开）", held_of(kind.value)) for kind in MeetingKind),
            Column("缺少", lambda row: row.shortfall_text),
        ),
    ))
    register(WorkList(
        slug="branches_meetings_nobody_expected", title="应到人数为0的会议记录（完整性检查）", section=SECTION,
        permission="branches.view_meeting", queryset=meetings_nobody_expected, filterset_class=MeetingUnitFilter,
        row_link=lambda meeting: reverse("admin:branches_meeting_change", args=[meeting.pk]), expected_empty=True,
        description="应到人数至少为1：系统录入时已拒绝应到0人的会议；此名单中的记录是此前录入的，不计入开展率和缺会名单。"
                    "并未召开的，经办人可以直接删除；确已召开的，更正应到、实到人数后即计入开展率，"
                    "早于补录期限的须由有补录权限的负责同志更正。",
        columns=(
            Column("党组织", "organisation.placed_name"),
            Column("会议类型", "get_kind_display"),
            Column("召开日期", "held_on"),
            Column("主题", "topic"),
            Column("应到人数", "expected"),
            Column("实到人数", "present"),
        ),
    ))
    register(WorkList(
        slug="branches_committee_meetings_over_the_committee",
        title="支委会应到人数多于在任委员人数的会议记录（完整性检查）", section=SECTION,
        permission="branches.view_meeting", queryset=committee_meetings_over_the_committee,
        filterset_class=MeetingUnitFilter,
        row_link=lambda meeting: reverse("admin:branches_meeting_change", args=[meeting.pk]), expected_empty=True,
        description="支委会应到的是召开时在任的支部委员会委员（按该党支部召开日或之前最近一次换届选举产生的委员人数）："
                    "系统录入时已拒绝多于委员人数的支委会；此名单中的记录是此前录入的，或是在该次换届选举补录之前录入的。"
                    "经办人核对后更正应到、实到人数（早于补录期限的须由有补录权限的负责同志更正），"
                    "或更正换届选举登记的委员人数。",
        columns=(
            Column("党组织", "organisation.placed_name"),
            Column("召开日期", "held_on"),
            Column("主题", "topic"),
            Column("应到人数", "expected"),
            Column("实到人数", "present"),
            Column("在任委员人数", "committee"),
            Column("换届选举日期", "elected"),
        ),
    ))
    register(WorkList(
        slug=SLUG_WEAK, title="逾期未销号的软弱涣散党组织", section=SECTION,
        permission="branches.view_weakbranchcase", queryset=weak_cases, filterset_class=WeakCasesFilter,
        row_link=lambda case: reverse("admin:branches_weakbranchcase_change", args=[case.pk]),
        description="整顿时限已过仍在整顿中的软弱涣散基层党组织；可改选“是否逾期”查看全部整顿台账。",
        columns=(
            Column("党组织", "organisation.name"),
            Column("所在单位", "organisation.unit.full_name"),
            Column("领域", "organisation.get_domain_display"),
            Column("排查年度", "year"),
            Column("软弱涣散类型", lambda case: case.category_labels()),
            Column("联系领导", "contact_leader"),
            Column("整顿时限", "deadline"),
            Column("状态", "get_state_display"),
            Column("逾期天数", overdue_days),
        ),
    ))
    dashboard.register(dashboard.Panel(
        slug="branches_meeting_rates", title="三会一课开展率（近6个月）", permission="branches.view_meeting",
        compute=meeting_rates_panel, order=20,
    ))
    dashboard.register(dashboard.Panel(
        slug="branches_weak_by_domain", title="软弱涣散党组织（按领域）", permission="branches.view_weakbranchcase",
        compute=weak_by_domain_panel, order=50,
    ))
    register_figures()


# ---------------------------------------------------------------------------
# 换届选举 (按期换届): registered from BranchesConfig.ready beside register_all.
# ---------------------------------------------------------------------------


SLUG_TERMS_OVERDUE = "branches_terms_overdue"
SLUG_TERMS_DUE = "branches_terms_due_soon"
SLUG_NO_ELECTIONS = "branches_no_elections"


def _terms(rows: QuerySet[TermElection]) -> QuerySet[TermElection]:
    return rows.select_related("organisation", "organisation__unit").order_by("due_on", "organisation__path", "pk")


def terms_overdue_of(user: Any) -> QuerySet[TermElection]:
    return _terms(terms_overdue(user))


def terms_due_soon_of(user: Any) -> QuerySet[TermElection]:
    return _terms(terms_due_soon(user))


def organisations_without_elections_of(user: Any) -> QuerySet[PartyOrganisation]:
    return organisations_without_elections(user).select_related("unit").order_by("path", "pk")


def days_past(term: TermElection) -> int | None:
    days = (timezone.localdate() - term.due_on).days
    return days if days > 0 else None


def days_left(term: TermElection) -> int | None:
    days = (term.due_on - timezone.localdate()).days
    return days if days >= 0 else None


def terms_due(until: datetime.date) -> Iterator[DueItem]:
    """到期事项来源: each organisation's current term whose election falls due (the 延期至 if
    an extension was approved, else the 届满日期) on or before ``until``, overdue ones included."""
    rows = (current_terms().filter(due_on__lte=until)
            .values_list("pk", "organisation__name", "due_on", "organisation__unit_id").order_by("due_on", "pk"))
    for pk, name, due_on, unit_id in rows.iterator(chunk_size=2000):
        yield DueItem(pk=pk, title=f"{name}换届选举", deadline=due_on, unit_id=unit_id,
                      link=reverse("admin:branches_termelection_change", args=[pk]))


TERM_COLUMNS = (
    Column("党组织", "organisation.placed_name"),
    Column("组织类别", "organisation.get_kind_display"),
    Column("组织代码", "organisation.code"),
    Column("上次选举日期", "elected_on"),
    Column("任期年限", "term_years"),
    Column("届满日期", "term_ends_on"),
    Column("延期至", "extended_until"),
    Column("书记", "secretary_name"),
    Column("任期状态", lambda term: TermStatus(term.term_status).label),
)


def register_term_elections() -> None:
    """按期换届: the reminders of terms falling due and three 台账."""
    notifications.register(DeadlineSource(
        key="branches_term_election", title="党组织换届选举", due=terms_due,
        permission="branches.view_termelection",
        list_url=lambda: reverse("admin:worklist", args=[SLUG_TERMS_OVERDUE]),
    ))

    def term_link(term: TermElection) -> str:
        return reverse("admin:branches_termelection_change", args=[term.pk])

    register(WorkList(
        slug=SLUG_TERMS_OVERDUE, title="届满未换届的党组织", section=SECTION,
        permission="branches.view_termelection", queryset=terms_overdue_of, filterset_class=TermsFilter,
        row_link=term_link,
        description="任期已届满、尚未登记下一次换届选举，也没有经批准延期到今天以后的党组织。"
                    "任期届满应当按期换届；需要延期的，报上级党组织批准，延期一般不超过1年。",
        columns=(*TERM_COLUMNS, Column("逾期天数", days_past)),
    ))
    register(WorkList(
        slug=SLUG_TERMS_DUE, title="半年内届满的党组织", section=SECTION,
        permission="branches.view_termelection", queryset=terms_due_soon_of, filterset_class=TermsFilter,
        row_link=term_link,
        description=f"本届任期（经批准延期的，按延期至）在今后{DUE_SOON_MONTHS}个月内届满的党组织，请提前做好换届准备。",
        columns=(*TERM_COLUMNS, Column("剩余天数", days_left)),
    ))
    register(WorkList(
        slug=SLUG_NO_ELECTIONS, title="无换届记录的党组织（完整性检查）", section=SECTION,
        permission="branches.view_termelection", queryset=organisations_without_elections_of,
        filterset_class=OrganisationsFilter, expected_empty=True,
        row_link=lambda org: reverse("admin:branches_termelection_add") + "?" + urlencode({"organisation": org.pk}),
        description="党委、党总支、党支部都应有换届选举登记，否则无法判断是否按期换届。请补登最近一次换届选举（点击行即可登记）。",
        columns=(
            Column("党组织", "placed_name"),
            Column("组织类别", "get_kind_display"),
            Column("组织代码", "code"),
            Column("所在单位", "unit.full_name"),
        ),
    ))
