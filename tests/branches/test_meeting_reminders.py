"""三会一课 reminders (到期事项来源 ``branches_meetings_behind``): a 党支部 that has not held a
month's 支委会, 党小组会 or 主题党日, or a quarter's 党员大会 or 党课, is ONE item listing all
it has not held, due on the last day of its oldest gap; its county's 基层党建 clerks hear of
it before and on the day and overdue, the unit above once it is 15 days overdue — one query
per year of the window, however many branches."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from branches.cadence import Period
from branches.models import MeetingKind, PartyOrganisation
from branches.selectors import periods_text
from branches.worklists import MEETINGS_LOOK_BACK, meetings_behind_key
from orgwork.accounts.models import User
from orgwork.common.contract import SystemActor
from orgwork.notifications import registry, services
from orgwork.notifications.models import Notification, ReminderRule, Stage

from .conftest import add_meeting, make_org

pytestmark = pytest.mark.django_db
D = datetime.date
SOURCE = "branches_meetings_behind"
MONTHLY = (MeetingKind.COMMITTEE_MEETING, MeetingKind.GROUP_MEETING, MeetingKind.THEME_DAY)
QUARTERLY = (MeetingKind.MEMBERS_MEETING, MeetingKind.PARTY_LECTURE)


def due(until: datetime.date) -> dict[int, registry.DueItem]:
    items = list(registry.get(SOURCE).due(until))
    found = {item.pk: item for item in items}
    assert len(found) == len(items)
    return found


def of(items: dict[int, registry.DueItem], org: PartyOrganisation) -> list[registry.DueItem]:
    return [item for pk, item in items.items() if pk // 1_000_000 == org.pk]


def key(org: PartyOrganisation, deadline: datetime.date | None) -> int:
    return meetings_behind_key(org.pk, deadline)


def hold(org: PartyOrganisation, kinds: tuple[int, ...], day: datetime.date) -> None:
    for kind in kinds:
        add_meeting(org, kind, day)


def records_from(org: PartyOrganisation, day: datetime.date) -> None:
    """The system's 三会一课 records begin on ``day`` (no slot that began before it is asked for)."""
    add_meeting(org, MeetingKind.GROUP_MEETING, day)


def told(user: User, org: PartyOrganisation) -> list[Notification]:
    """What ``user`` has been told of ``org``, oldest first."""
    return [n for n in Notification.objects.filter(recipient=user, source=SOURCE).order_by("pk")
            if int(n.source_key.split(":")[1]) // 1_000_000 == org.pk]


def stages(user: User, org: PartyOrganisation, deadline: datetime.date) -> set[str]:
    """The stages ``user`` has been told of ``org``'s item due on ``deadline``."""
    return {n.stage for n in told(user, org) if n.due_on == deadline}


def message(user: User, org: PartyOrganisation, stage: str) -> Notification:
    [found] = [n for n in told(user, org) if n.stage == stage]
    return found


def placed(org: PartyOrganisation) -> str:
    return PartyOrganisation.objects.select_related("unit").get(pk=org.pk).placed_name


def run(day: datetime.date) -> dict[str, int]:
    return services.reminders_send(actor=SystemActor("send_reminders"), today=day)


def test_the_source_has_a_default_rule_for_the_party_building_clerks() -> None:
    assert registry.get(SOURCE) is not None and registry.get(SOURCE).title == "三会一课未按期开展"
    rule = ReminderRule.objects.get(source=SOURCE)
    assert (rule.roles, rule.days_before, rule.remind_on_day, rule.escalate_after_days, rule.is_active) == (
        ["基层党建"], 7, True, 15, True)


def test_a_branch_behind_on_several_kinds_and_slots_is_one_item_naming_them_all_due_on_its_oldest_gap(
        orgs: dict[str, PartyOrganisation]) -> None:
    village = orgs["village"]
    records_from(orgs["county_b"], D(2026, 7, 2))
    for month in (7, 8, 9, 10, 11):
        hold(village, (MeetingKind.GROUP_MEETING, MeetingKind.THEME_DAY), D(2026, month, 10))
    for month in (7, 8, 11):
        hold(village, (MeetingKind.COMMITTEE_MEETING,), D(2026, month, 10))
    hold(village, (MeetingKind.MEMBERS_MEETING,), D(2026, 7, 20))
    hold(village, QUARTERLY, D(2026, 10, 20))
    items = due(D(2026, 11, 30))
    [item] = of(items, village)
    assert item.pk == key(village, D(2026, 9, 30)) and item.deadline == D(2026, 9, 30)
    assert "城关区" in placed(village)
    assert item.title == f"{placed(village)}未按期开展三会一课：支委会2026年9月、10月；党课2026年第3季度"
    assert item.unit_id == village.unit_id
    assert item.link.endswith(f"?q={village.code}")  # all the branch's records, whatever the kind
    # A branch that missed everything is one item too, its months written as a span.
    [other] = of(items, orgs["county_b"])
    assert other.deadline == D(2026, 7, 31)
    assert other.title.endswith("：支委会2026年7月至11月；党小组会2026年8月至11月；主题党日2026年7月至11月；"
                                "党员大会2026年第3季度；党课2026年第3季度")
    # 党委 and 党总支 hold no 三会一课 of their own: never an item.
    assert not of(items, orgs["committee"]) and not of(items, orgs["general"])


def test_a_branch_that_held_everything_is_no_item(orgs: dict[str, PartyOrganisation]) -> None:
    village, community = orgs["village"], orgs["community"]
    hold(community, MONTHLY, D(2026, 11, 12))
    hold(village, (MeetingKind.GROUP_MEETING, MeetingKind.THEME_DAY), D(2026, 11, 12))
    items = due(D(2026, 11, 30))
    assert not of(items, community)
    assert [i.title for i in of(items, village)] == [f"{placed(village)}未按期开展三会一课：支委会2026年11月"]
    # The records begin in November: the oldest slot asked, so the items are keyed as such.
    assert set(items) == {key(village, None), key(orgs["county_b"], None)}


def test_a_quarterly_kind_is_listed_only_once_its_quarter_has_ended(orgs: dict[str, PartyOrganisation]) -> None:
    village, community = orgs["village"], orgs["community"]
    hold(community, QUARTERLY, D(2026, 10, 20))
    assert not any("季度" in item.title for item in due(D(2026, 11, 30)).values())
    december = due(D(2026, 12, 31))
    [item] = of(december, village)
    assert item.deadline == D(2026, 10, 31)
    assert "党员大会2026年第4季度；党课2026年第4季度" in item.title
    [held] = of(december, community)
    assert "季度" not in held.title and "支委会2026年10月至12月" in held.title


def test_what_a_clerk_is_told_over_passes_as_a_branch_fills_its_gaps(
        orgs: dict[str, PartyOrganisation], county_a_clerk: User, city_officer: User) -> None:
    """One message a stage for the branch's backlog; filling a later gap tells nothing new,
    filling the oldest makes the next oldest the item, filling all ends it, falling behind
    again starts a new one."""
    village = orgs["village"]
    records_from(orgs["county_b"], D(2026, 8, 5))
    hold(village, MONTHLY, D(2026, 8, 10))
    run(D(2026, 12, 1))
    [overdue] = told(county_a_clerk, village)
    assert overdue.stage == Stage.OVERDUE and overdue.due_on == D(2026, 9, 30)
    assert overdue.body.startswith(f"{placed(village)}未按期开展三会一课：支委会2026年9月至11月；"
                                   "党小组会2026年9月至11月；主题党日2026年9月至11月")
    assert "）（" not in overdue.body  # the list is not a bracket before the unit's own
    assert "2026-09-30到期" in overdue.body
    assert [n.stage for n in told(city_officer, village)] == [Stage.ESCALATED]

    # A later gap filled: the same item, nothing new told; what is listed shrinks.
    hold(village, (MeetingKind.COMMITTEE_MEETING,), D(2026, 10, 9))
    assert run(D(2026, 12, 2))["notifications"] == 0
    [item] = of(due(D(2026, 12, 2)), village)
    assert item.pk == key(village, D(2026, 9, 30)) and "支委会2026年9月、11月" in item.title

    # The oldest gaps filled, others left: the next oldest is the item, told once.
    hold(village, MONTHLY, D(2026, 9, 18))
    run(D(2026, 12, 3))
    assert [n.due_on for n in told(county_a_clerk, village)] == [D(2026, 9, 30), D(2026, 10, 31)]
    newest = told(county_a_clerk, village)[-1]
    assert newest.stage == Stage.OVERDUE
    assert "：支委会2026年11月；党小组会2026年10月、11月；主题党日2026年10月、11月（" in newest.body
    assert len(told(city_officer, village)) == 2
    assert run(D(2026, 12, 4))["notifications"] == 0

    # Everything held: no more reminders.
    hold(village, MONTHLY, D(2026, 10, 20))
    hold(village, MONTHLY, D(2026, 11, 20))
    assert not of(due(D(2026, 12, 11)), village)
    run(D(2026, 12, 5))
    assert len(told(county_a_clerk, village)) == 2

    # Behind again on December: a new item, reminded ahead and on the day.
    run(D(2026, 12, 24))
    run(D(2026, 12, 31))
    assert stages(county_a_clerk, village, D(2026, 12, 31)) == {Stage.SOON, Stage.DUE}


def test_the_source_looks_back_a_bounded_window_never_the_whole_history(orgs: dict[str, PartyOrganisation]) -> None:
    until = D(2026, 11, 30)
    records_from(orgs["county_b"], D(2024, 1, 5))
    items = due(until)
    # 90 days of lead time and 365 of escalation at most: every slot that can still reach a stage.
    assert until - MEETINGS_LOOK_BACK > D(2025, 8, 31)
    assert {item.deadline for item in items.values()} == {D(2025, 9, 30)}
    [village] = of(items, orgs["village"])
    assert "支委会2025年9月至2026年11月；" in village.title and "2025年8月" not in village.title
    assert "党课2025年第3季度至2026年第3季度" in village.title


def test_a_backlog_older_than_the_window_stays_one_item_as_the_window_slides_on(
        orgs: dict[str, PartyOrganisation], county_a_clerk: User, city_officer: User) -> None:
    village = orgs["village"]
    records_from(orgs["county_b"], D(2024, 1, 5))
    run(D(2026, 12, 1))
    assert [(n.stage, n.due_on) for n in told(county_a_clerk, village)] == [(Stage.OVERDUE, D(2025, 9, 30))]
    # A month on, September 2025 has left the window: the oldest slot asked is now October's,
    # and December's is behind too — still the same item, nothing new told.
    [item] = of(due(D(2027, 1, 8)), village)
    assert item.pk == key(village, None) and item.deadline == D(2025, 10, 31)
    assert "支委会2025年10月至2026年12月；" in item.title
    run(D(2027, 1, 1))
    assert len(told(county_a_clerk, village)) == 1 and len(told(city_officer, village)) == 1


def test_the_query_count_does_not_grow_with_the_number_of_branches(
        tree: dict[str, Any], django_assert_num_queries: Any) -> None:
    for n in range(2):
        make_org(f"X-{n}", f"第{n}党支部", tree["county_a"])
    records_from(make_org("X-OLD", "第0党支部", tree["other_city"]), D(2024, 1, 5))
    with CaptureQueriesContext(connection) as few:
        # Sep 2025 … Nov 2026, Q3 2025 … Q3 2026; the old branch too: its one meeting is long past.
        assert len(due(D(2026, 11, 30))) == 3
    for n in range(2, 20):
        make_org(f"X-{n}", f"第{n}党支部", tree["county_b"])
    with django_assert_num_queries(len(few.captured_queries)):
        items = due(D(2026, 11, 30))
    # One item a branch, each of its five kinds written as one span.
    assert len(items) == 21
    assert all(item.title.count("、") == 0 and item.title.count("至") == 5 for item in items.values())


def test_a_month_still_running_is_reminded_ahead_and_on_its_last_day_only_if_still_not_held(
        orgs: dict[str, PartyOrganisation], county_a_clerk: User) -> None:
    village, community = orgs["village"], orgs["community"]
    records_from(orgs["county_b"], D(2026, 11, 3))
    november = D(2026, 11, 30)
    run(D(2026, 11, 24))  # 7 days ahead: the month's last day is within the rule's lead time
    for org in (village, community):
        assert stages(county_a_clerk, org, november) == {Stage.SOON}
    soon = message(county_a_clerk, village, Stage.SOON)
    assert soon.title == "三会一课未按期开展：6天后到期" and "未按期开展三会一课：支委会2026年11月；" in soon.body
    hold(community, MONTHLY, D(2026, 11, 26))
    hold(village, (MeetingKind.COMMITTEE_MEETING,), D(2026, 11, 26))
    run(D(2026, 11, 30))
    # Still short of some: the same item reaches its day, listing what is left.
    assert stages(county_a_clerk, village, november) == {Stage.SOON, Stage.DUE}
    due_today = message(county_a_clerk, village, Stage.DUE)
    assert "三会一课：党小组会2026年11月；主题党日2026年11月（" in due_today.body
    assert stages(county_a_clerk, community, november) == {Stage.SOON}
    # Before the lead time nothing of the running month.
    assert stages(county_a_clerk, village, D(2026, 12, 31)) == set()


def test_a_branch_of_another_county_is_told_only_to_its_own_clerks(
        orgs: dict[str, PartyOrganisation], county_a_clerk: User, county_b_clerk: User) -> None:
    records_from(orgs["community"], D(2026, 11, 5))
    run(D(2026, 12, 1))
    november = D(2026, 11, 30)
    assert stages(county_b_clerk, orgs["county_b"], november) == {Stage.OVERDUE}
    assert stages(county_a_clerk, orgs["county_b"], november) == set()
    assert stages(county_b_clerk, orgs["village"], november) == set()
    assert stages(county_a_clerk, orgs["village"], november) == {Stage.OVERDUE}
    assert Notification.objects.filter(recipient=county_b_clerk, source=SOURCE).count() == 1
    for body in Notification.objects.filter(recipient=county_b_clerk, source=SOURCE).values_list("body", flat=True):
        assert "城关" not in body


def test_a_branch_15_days_overdue_reaches_the_unit_above_once(
        orgs: dict[str, PartyOrganisation], county_a_clerk: User, city_officer: User, province_officer: User) -> None:
    village, november = orgs["village"], D(2026, 11, 30)
    records_from(orgs["community"], D(2026, 11, 5))
    run(D(2026, 12, 14))
    assert stages(county_a_clerk, village, november) == {Stage.OVERDUE}
    assert stages(city_officer, village, november) == set()
    run(D(2026, 12, 15))
    assert stages(city_officer, village, november) == {Stage.ESCALATED}
    escalated = message(city_officer, village, Stage.ESCALATED)
    assert "逾期15天" in escalated.body and "城关镇红星村党支部未按期开展三会一课：支委会2026年11月；" in escalated.body
    assert stages(province_officer, village, november) == set()
    # The next day's pass adds nothing for the branches already told.
    before = Notification.objects.filter(source=SOURCE).count()
    assert run(D(2026, 12, 16))["notifications"] == 0
    assert Notification.objects.filter(source=SOURCE).count() == before


def test_the_yearly_roll_up_and_the_meeting_table_find_the_same_gaps(orgs: dict[str, PartyOrganisation]) -> None:
    """PostgreSQL reads the yearly roll-up; the demo's SQLite reads the meetings themselves."""
    from branches.cadence import periods_ending_between
    from branches.selectors import meeting_gaps, meeting_gaps_by_branch

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
    # Gathered per branch, nothing lost and nothing doubled.
    grouped = meeting_gaps_by_branch(periods=periods, source="summary")
    assert len({b.organisation_id for b in grouped}) == len(grouped) == 3
    assert {(b.organisation_id, kind, period) for b in grouped for kind, period in b.gaps} == found
    assert sum(len(b.gaps) for b in grouped) == len(summary)


def test_no_slot_that_began_before_the_first_record_in_the_system_is_asked_for(
        orgs: dict[str, PartyOrganisation]) -> None:
    """A province going live (or the demo's twelve months) is not told of every month nobody entered."""
    assert due(D(2026, 12, 31)) == {}
    records_from(orgs["community"], D(2026, 11, 3))
    items = due(D(2026, 12, 31))
    assert {item.deadline for item in items.values()} == {D(2026, 11, 30)}
    [village] = of(items, orgs["village"])
    assert "支委会2026年11月、12月；" in village.title and "10月" not in village.title
    # The fourth quarter began in October, before the records: not asked for either.
    assert not any("季度" in item.title for item in items.values())


def test_slots_are_written_with_their_year_once_and_three_in_a_row_as_a_span() -> None:
    month, quarter = Period.of_month, Period.of_quarter
    assert periods_text([month(2026, 10), month(2026, 9)]) == "2026年9月、10月"
    assert periods_text([month(2025, 12), month(2026, 1)]) == "2025年12月、2026年1月"
    assert periods_text([month(2025, m) for m in (11, 12)] + [month(2026, m) for m in (1, 3)]) == "2025年11月至2026年1月、3月"
    assert periods_text([quarter(2025, 4), quarter(2026, 1), quarter(2026, 3)]) == "2025年第4季度、2026年第1季度、第3季度"
