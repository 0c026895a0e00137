"""三会一课 reminders (到期事项来源 ``branches_meetings_behind``): a 党支部 that has not held a
month's 支委会, 党小组会 or 主题党日, or a quarter's 党员大会 or 党课, is one item due on
the period's last day; its county's 基层党建 clerks hear of it before and on the day and
overdue, the unit above once it is 15 days overdue — one query per year of the window,
however many branches."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from branches.cadence import Period
from branches.models import MeetingKind, PartyOrganisation
from branches.worklists import MEETINGS_LOOK_BACK, meeting_gap_key
from orgwork.accounts.models import User
from orgwork.common.contract import SystemActor
from orgwork.notifications import registry, services
from orgwork.notifications.models import Notification, ReminderRule, Stage

from .conftest import add_meeting, make_org

pytestmark = pytest.mark.django_db
D = datetime.date
SOURCE = "branches_meetings_behind"
NOVEMBER = Period.of_month(2026, 11)
Q4 = Period.of_quarter(2026, 4)
MONTHLY = (MeetingKind.COMMITTEE_MEETING, MeetingKind.GROUP_MEETING, MeetingKind.THEME_DAY)
QUARTERLY = (MeetingKind.MEMBERS_MEETING, MeetingKind.PARTY_LECTURE)


def due(until: datetime.date) -> dict[int, registry.DueItem]:
    items = list(registry.get(SOURCE).due(until))
    found = {item.pk: item for item in items}
    assert len(found) == len(items)  # one key per branch, kind and slot
    return found


def key(org: PartyOrganisation, kind: int, period: Period) -> int:
    return meeting_gap_key(org.pk, kind, period)


def hold(org: PartyOrganisation, kinds: tuple[int, ...], day: datetime.date) -> None:
    for kind in kinds:
        add_meeting(org, kind, day)


def records_from(org: PartyOrganisation, day: datetime.date) -> None:
    """The system's 三会一课 records begin on ``day`` (no slot that began before it is asked for)."""
    add_meeting(org, MeetingKind.GROUP_MEETING, day)


def stages(user: User, org: PartyOrganisation, kind: int, period: Period) -> set[str]:
    keys = [f"{SOURCE}:{key(org, kind, period)}:{stage}" for stage in Stage.values]
    return set(Notification.objects.filter(recipient=user, source_key__in=keys).values_list("stage", flat=True))


def run(day: datetime.date) -> dict[str, int]:
    return services.reminders_send(actor=SystemActor("send_reminders"), today=day)


def test_the_source_has_a_default_rule_for_the_party_building_clerks() -> None:
    assert registry.get(SOURCE) is not None and registry.get(SOURCE).title == "三会一课未按期开展"
    rule = ReminderRule.objects.get(source=SOURCE)
    assert (rule.roles, rule.days_before, rule.remind_on_day, rule.escalate_after_days, rule.is_active) == (
        ["基层党建"], 7, True, 15, True)


def test_a_branch_without_its_monthly_committee_meeting_is_due_on_the_months_last_day_and_one_that_held_it_is_not(
        orgs: dict[str, PartyOrganisation]) -> None:
    village, community = orgs["village"], orgs["community"]
    hold(community, MONTHLY, D(2026, 11, 12))
    hold(village, (MeetingKind.GROUP_MEETING, MeetingKind.THEME_DAY), D(2026, 11, 12))
    items = due(D(2026, 11, 30))
    item = items[key(village, MeetingKind.COMMITTEE_MEETING, NOVEMBER)]
    assert item.deadline == D(2026, 11, 30)
    assert item.unit_id == village.unit_id
    placed = PartyOrganisation.objects.select_related("unit").get(pk=village.pk).placed_name
    assert "城关区" in placed and item.title == f"{placed}2026年11月未开展支委会"
    assert f"q={village.code}" in item.link and f"kind__exact={MeetingKind.COMMITTEE_MEETING}" in item.link
    november = {pk for pk, i in items.items() if i.deadline == D(2026, 11, 30)}
    assert november == {key(village, MeetingKind.COMMITTEE_MEETING, NOVEMBER),
                        *(key(orgs["county_b"], kind, NOVEMBER) for kind in MONTHLY)}
    # 党委 and 党总支 hold no 三会一课 of their own: never an item.
    for org in (orgs["committee"], orgs["general"]):
        assert not any(pk // 10_000_000 == org.pk for pk in items)


def test_a_quarterly_kind_falls_due_only_at_the_quarters_end(orgs: dict[str, PartyOrganisation]) -> None:
    village, community = orgs["village"], orgs["community"]
    hold(community, QUARTERLY, D(2026, 10, 20))
    november = due(D(2026, 11, 30))
    assert not any(kind_of(pk) in QUARTERLY and item.deadline > D(2026, 9, 30) for pk, item in november.items())
    december = due(D(2026, 12, 31))
    for kind in QUARTERLY:
        assert december[key(village, kind, Q4)].deadline == D(2026, 12, 31)
        assert "2026年第4季度未开展" in december[key(village, kind, Q4)].title
        assert key(community, kind, Q4) not in december
    # A quarterly kind is never asked of a single month.
    assert key(village, MeetingKind.MEMBERS_MEETING, NOVEMBER) not in december


def kind_of(pk: int) -> int:
    return pk % 10


def test_the_same_miss_is_the_same_item_every_day_and_leaves_once_the_meeting_is_entered(
        orgs: dict[str, PartyOrganisation]) -> None:
    village = orgs["village"]
    records_from(orgs["county_b"], D(2026, 1, 5))
    wanted = key(village, MeetingKind.THEME_DAY, NOVEMBER)
    assert wanted in due(D(2026, 11, 30)) and wanted in due(D(2027, 1, 15))
    hold(village, (MeetingKind.THEME_DAY,), D(2026, 11, 28))
    assert wanted not in due(D(2027, 1, 15))


def test_the_source_looks_back_a_bounded_window_never_the_whole_history(orgs: dict[str, PartyOrganisation]) -> None:
    until = D(2026, 11, 30)
    records_from(orgs["county_b"], D(2024, 1, 5))
    items = due(until)
    deadlines = {item.deadline for item in items.values()}
    # 90 days of lead time and 365 of escalation at most: every slot that can still reach a stage.
    assert min(deadlines) == D(2025, 9, 30) and until - MEETINGS_LOOK_BACK > D(2025, 8, 31)
    assert max(deadlines) == until
    assert key(orgs["village"], MeetingKind.COMMITTEE_MEETING, Period.of_month(2025, 8)) not in items
    assert key(orgs["village"], MeetingKind.COMMITTEE_MEETING, Period.of_month(2025, 9)) in items


def test_the_query_count_does_not_grow_with_the_number_of_branches(
        tree: dict[str, Any], django_assert_num_queries: Any) -> None:
    for n in range(2):
        make_org(f"X-{n}", f"第{n}党支部", tree["county_a"])
    records_from(make_org("X-OLD", "第0党支部", tree["other_city"]), D(2024, 1, 5))
    with CaptureQueriesContext(connection) as few:
        # Sep 2025 … Nov 2026, Q3 2025 … Q3 2026; the old branch too: its one meeting is long past.
        assert len(due(D(2026, 11, 30))) == 3 * (15 * 3 + 5 * 2)
    for n in range(2, 20):
        make_org(f"X-{n}", f"第{n}党支部", tree["county_b"])
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(due(D(2026, 11, 30))) == 21 * (15 * 3 + 5 * 2)


def test_a_month_still_running_is_reminded_ahead_and_on_its_last_day_only_if_still_not_held(
        orgs: dict[str, PartyOrganisation], county_a_clerk: User) -> None:
    village, community = orgs["village"], orgs["community"]
    records_from(orgs["county_b"], D(2026, 1, 5))
    run(D(2026, 11, 24))  # 7 days ahead: the month's last day is within the rule's lead time
    for org in (village, community):
        assert stages(county_a_clerk, org, MeetingKind.COMMITTEE_MEETING, NOVEMBER) == {Stage.SOON}
    soon = Notification.objects.get(recipient=county_a_clerk,
                                    source_key=f"{SOURCE}:{key(village, MeetingKind.COMMITTEE_MEETING, NOVEMBER)}:soon")
    assert soon.title == "三会一课未按期开展：6天后到期" and "2026年11月未开展支委会" in soon.body
    hold(community, (MeetingKind.COMMITTEE_MEETING,), D(2026, 11, 26))
    run(D(2026, 11, 30))
    assert stages(county_a_clerk, village, MeetingKind.COMMITTEE_MEETING, NOVEMBER) == {Stage.SOON, Stage.DUE}
    assert stages(county_a_clerk, community, MeetingKind.COMMITTEE_MEETING, NOVEMBER) == {Stage.SOON}
    # Before the lead time nothing of the running month.
    assert stages(county_a_clerk, village, MeetingKind.COMMITTEE_MEETING, Period.of_month(2026, 12)) == set()


def test_a_branch_of_another_county_is_told_only_to_its_own_clerks(
        orgs: dict[str, PartyOrganisation], county_a_clerk: User, county_b_clerk: User) -> None:
    records_from(orgs["community"], D(2026, 1, 5))
    run(D(2026, 12, 1))
    kind = MeetingKind.COMMITTEE_MEETING
    assert stages(county_b_clerk, orgs["county_b"], kind, NOVEMBER) == {Stage.OVERDUE}
    assert stages(county_a_clerk, orgs["county_b"], kind, NOVEMBER) == set()
    assert stages(county_b_clerk, orgs["village"], kind, NOVEMBER) == set()
    assert stages(county_a_clerk, orgs["village"], kind, NOVEMBER) == {Stage.OVERDUE}
    for body in Notification.objects.filter(recipient=county_b_clerk, source=SOURCE).values_list("body", flat=True):
        assert "城关" not in body


def test_a_miss_15_days_overdue_reaches_the_unit_above_once(
        orgs: dict[str, PartyOrganisation], county_a_clerk: User, city_officer: User, province_officer: User) -> None:
    village, kind = orgs["village"], MeetingKind.COMMITTEE_MEETING
    records_from(orgs["community"], D(2026, 1, 5))
    run(D(2026, 12, 14))
    assert stages(county_a_clerk, village, kind, NOVEMBER) == {Stage.OVERDUE}
    assert stages(city_officer, village, kind, NOVEMBER) == set()
    run(D(2026, 12, 15))
    assert stages(city_officer, village, kind, NOVEMBER) == {Stage.ESCALATED}
    escalated = Notification.objects.get(
        recipient=city_officer, source_key=f"{SOURCE}:{key(village, kind, NOVEMBER)}:escalated")
    assert "逾期15天" in escalated.body and "城关镇红星村党支部2026年11月未开展支委会" in escalated.body
    assert stages(province_officer, village, kind, NOVEMBER) == set()
    # The next day's pass adds nothing for the slots already told.
    before = Notification.objects.filter(source=SOURCE).count()
    assert run(D(2026, 12, 16))["notifications"] == 0
    assert Notification.objects.filter(source=SOURCE).count() == before


def test_the_yearly_roll_up_and_the_meeting_table_find_the_same_gaps(orgs: dict[str, PartyOrganisation]) -> None:
    """PostgreSQL reads the yearly roll-up; the demo's SQLite reads the meetings themselves."""
    from branches.cadence import periods_ending_between
    from branches.selectors import meeting_gaps

    hold(orgs["village"], MONTHLY + QUARTERLY, D(2026, 2, 3))
    hold(orgs["community"], (MeetingKind.GROUP_MEETING,), D(2025, 12, 31))
    add_meeting(orgs["county_b"], MeetingKind.COMMITTEE_MEETING, D(2026, 3, 9))
    periods = periods_ending_between(D(2025, 10, 1), D(2026, 6, 30))
    assert [p.label for p in periods][:4] == ["2025年10月", "2025年11月", "2025年12月", "2025年第4季度"]
    summary = meeting_gaps(periods=periods, source="summary")
    meetings = meeting_gaps(periods=periods, source="meetings")
    assert summary == meetings
    found = {(g.organisation_id, g.kind, g.period) for g in summary}
    assert (orgs["village"].pk, MeetingKind.COMMITTEE_MEETING, Period.of_month(2026, 2)) not in found
    assert (orgs["village"].pk, MeetingKind.PARTY_LECTURE, Period.of_quarter(2026, 1)) not in found
    assert (orgs["village"].pk, MeetingKind.PARTY_LECTURE, Period.of_quarter(2026, 2)) in found
    assert (orgs["community"].pk, MeetingKind.GROUP_MEETING, Period.of_month(2025, 12)) not in found
    assert (orgs["county_b"].pk, MeetingKind.COMMITTEE_MEETING, Period.of_month(2026, 3)) not in found
    assert (orgs["county_b"].pk, MeetingKind.GROUP_MEETING, Period.of_month(2026, 3)) in found


def test_no_slot_that_began_before_the_first_record_in_the_system_is_asked_for(
        orgs: dict[str, PartyOrganisation]) -> None:
    """A province going live (or the demo's twelve months) is not told of every month nobody entered."""
    assert due(D(2026, 12, 31)) == {}
    records_from(orgs["community"], D(2026, 11, 3))
    items = due(D(2026, 12, 31))
    assert {item.deadline for item in items.values()} == {D(2026, 11, 30), D(2026, 12, 31)}
    assert key(orgs["village"], MeetingKind.COMMITTEE_MEETING, NOVEMBER) in items
    assert key(orgs["village"], MeetingKind.COMMITTEE_MEETING, Period.of_month(2026, 10)) not in items
    # The fourth quarter began in October, before the records: not asked for either.
    assert not any(kind_of(pk) in QUARTERLY for pk in items)
