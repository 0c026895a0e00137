"""The branches audit lists: 缺会名单 for a month, a quarter or a year, and overdue weak-branch cases."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from orgwork.common.contract import SystemActor
from branches.cadence import Period
from branches.models import Domain, Meeting, MeetingKind, OrgKind, PartyOrganisation
from branches.selectors import meeting_held_by_unit
from branches.services import meeting_delete, weak_case_open
from orgwork.units.models import Unit
from tests.branches.conftest import add_meeting, make_org

from .conftest import column, exported, open_list
from django.utils import timezone

K = MeetingKind
MONTHLY = (K.COMMITTEE_MEETING, K.GROUP_MEETING, K.THEME_DAY)


def hold_month(org: PartyOrganisation, year: int, month: int, kinds: tuple[int, ...] = MONTHLY) -> None:
    for kind in kinds:
        add_meeting(org, kind, datetime.date(year, month, 10))


def test_a_branch_that_skipped_a_monthly_meeting_is_on_that_months_missing_list(
    tree: dict[str, Unit], county_a_clerk: Any, client_for: Any
) -> None:
    complete = make_org("A-1", "城关第一党支部", tree["county_a"])
    skipped = make_org("A-2", "城关第二党支部", tree["township_a"], domain=Domain.RURAL)
    other = make_org("B-1", "七里河第一党支部", tree["county_b"])
    make_org("A-DW", "城关区委", tree["county_a"], OrgKind.COMMITTEE)  # a committee is not asked for 三会一课
    hold_month(complete, 2026, 9)
    hold_month(skipped, 2026, 9, (K.COMMITTEE_MEETING, K.THEME_DAY))

    response = open_list(client_for(county_a_clerk), "branches_missing_meetings", {"year": "2026", "month": "9"})

    assert column(response) == ["城关第二党支部"]
    assert column(response, -1) == ["党小组会缺1次"]
    assert response.context["table"][0]["link"].endswith(f"/branches/partyorganisation/{skipped.pk}/change/")
    assert other.name not in response.content.decode()
    # The list is built in Python (a list, not a queryset): its xlsx comes all the same.
    rows = exported(client_for(county_a_clerk), "branches_missing_meetings", {"year": "2026", "month": "9"})
    assert [row for row in rows if "城关第二党支部" in row] and not [row for row in rows if other.name in row]


def test_a_quarter_asks_for_a_members_meeting_and_a_party_lecture(
    tree: dict[str, Unit], county_a_clerk: Any, client_for: Any
) -> None:
    org = make_org("A-1", "城关第一党支部", tree["county_a"])
    for month in (7, 8, 9):
        hold_month(org, 2026, month)
    add_meeting(org, K.MEMBERS_MEETING, datetime.date(2026, 8, 20))
    client = client_for(county_a_clerk)

    quarter = open_list(client, "branches_missing_meetings", {"year": "2026", "quarter": "3", "month": ""})

    assert column(quarter, -1) == ["党课缺1次"]
    assert open_list(client, "branches_missing_meetings", {"year": "2026", "month": "8"}).context["count"] == 0


def test_month_and_quarter_together_are_a_form_error_not_a_list(
    tree: dict[str, Unit], county_a_clerk: Any, client_for: Any
) -> None:
    make_org("A-1", "城关第一党支部", tree["county_a"])
    response = open_list(client_for(county_a_clerk), "branches_missing_meetings",
                         {"year": "2026", "quarter": "3", "month": "8"})
    assert response.context["count"] == 0
    assert "统计期间只能选月份或季度之一" in response.content.decode()


def test_the_unit_filter_narrows_to_a_sub_tree_and_refuses_a_unit_outside_the_scope(
    tree: dict[str, Unit], county_a_clerk: Any, city_officer: Any, client_for: Any
) -> None:
    make_org("A-1", "城关第一党支部", tree["county_a"])
    make_org("A-2", "城关镇红星村党支部", tree["township_a"], domain=Domain.RURAL)
    make_org("B-1", "七里河第一党支部", tree["county_b"])
    period = {"year": "2026", "month": "9"}

    city = open_list(client_for(city_officer), "branches_missing_meetings", {**period, "unit": "620102001"})
    forged = open_list(client_for(county_a_clerk), "branches_missing_meetings", {**period, "unit": "620103"})

    assert column(city) == ["城关镇红星村党支部"]
    assert forged.context["count"] == 0 and forged.context["filterset"].form.errors


def test_a_weak_branch_past_its_deadline_is_on_the_overdue_list(
    tree: dict[str, Unit], county_a_clerk: Any, county_b_clerk: Any, client_for: Any
) -> None:
    def weak(code: str, name: str, unit: Unit, deadline: datetime.date) -> None:
        org = make_org(code, name, unit, domain=Domain.RURAL)
        weak_case_open(organisation=org, year=2025, categories=["leadership"], problems="班子不团结", plan="调整班子",
                       contact_leader="王书记", deadline=deadline, actor=SystemActor("tests"), link_rectification=False)

    today = timezone.localdate()
    weak("A-1", "红星村党支部", tree["township_a"], today - datetime.timedelta(days=10))
    weak("A-2", "东岗村党支部", tree["county_a"], today + datetime.timedelta(days=30))
    weak("B-1", "七里河村党支部", tree["county_b"], today - datetime.timedelta(days=10))
    client = client_for(county_a_clerk)

    overdue = open_list(client, "branches_weak_overdue")
    everything = open_list(client, "branches_weak_overdue", {"overdue": ""})

    assert column(overdue) == ["红星村党支部"]
    assert column(overdue, 4) == ["班子不健全、软弱无力"]
    assert column(overdue, -1) == [10]
    assert sorted(column(everything)) == sorted(["红星村党支部", "东岗村党支部"])
    assert column(open_list(client_for(county_b_clerk), "branches_weak_overdue")) == ["七里河村党支部"]


@pytest.fixture
def before_the_rule(db: None) -> None:
    """Rows from before the rule that 应到人数 is at least one: the constraint that now
    refuses them is lifted for the test's transaction (before any meeting is written,
    while no trigger event is pending)."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE branches_meeting DROP CONSTRAINT meeting_expected_someone")


def meeting_nobody_expected(org: PartyOrganisation, kind: int, day: datetime.date) -> Meeting:
    """A meeting stored with 应到 0, as one written before the rule (``before_the_rule``)."""
    meeting = add_meeting(org, kind, day, present=0)
    Meeting.objects.filter(pk=meeting.pk).update(expected=0)
    return Meeting.objects.get(pk=meeting.pk)


def test_a_meeting_written_before_the_rule_with_nobody_expected_is_on_the_completeness_check(
    before_the_rule: None, tree: dict[str, Unit], county_a_clerk: Any, client_for: Any
) -> None:
    ours = make_org("A-1", "城关第一党支部", tree["county_a"])
    theirs = make_org("B-1", "七里河第一党支部", tree["county_b"])
    empty = meeting_nobody_expected(ours, K.THEME_DAY, datetime.date(2026, 9, 10))
    add_meeting(ours, K.GROUP_MEETING, datetime.date(2026, 9, 11))
    meeting_nobody_expected(theirs, K.THEME_DAY, datetime.date(2026, 9, 10))

    response = open_list(client_for(county_a_clerk), "branches_meetings_nobody_expected")

    assert response.context["count"] == 1
    assert column(response, 4) == [0] and column(response, 1) == ["主题党日"]
    assert response.context["table"][0]["link"].endswith(f"/branches/meeting/{empty.pk}/change/")


@pytest.mark.parametrize("source", ["summary", "meetings"])
def test_a_meeting_with_nobody_expected_counts_toward_no_rate_until_it_is_corrected(
    before_the_rule: None, tree: dict[str, Unit], source: str
) -> None:
    ours = make_org("A-1", "城关第一党支部", tree["county_a"])
    empty = meeting_nobody_expected(ours, K.THEME_DAY, datetime.date(2026, 9, 10))
    units = Unit.objects.filter(pk=tree["county_a"].pk)
    september = Period.of_month(2026, 9)

    def theme_days_held() -> int:
        return meeting_held_by_unit(units, september, source)[tree["county_a"].pk][1].get(K.THEME_DAY, 0)

    assert theme_days_held() == 0
    Meeting.objects.filter(pk=empty.pk).update(expected=12, present=9)
    assert theme_days_held() == 1


def test_a_meeting_nobody_was_expected_at_is_deleted_by_its_clerk_past_the_back_entry_window(
    before_the_rule: None, tree: dict[str, Unit], county_a_clerk: Any
) -> None:
    ours = make_org("A-1", "城关第一党支部", tree["county_a"])
    empty = meeting_nobody_expected(ours, K.THEME_DAY, datetime.date(2025, 3, 10))
    counted = add_meeting(ours, K.GROUP_MEETING, datetime.date(2025, 3, 11))
    meeting_delete(meeting=empty, actor=county_a_clerk)
    assert not Meeting.objects.filter(pk=empty.pk).exists()

    with pytest.raises(ValidationError):  # a meeting that counts stays the back-entry right's to remove
        meeting_delete(meeting=counted, actor=county_a_clerk)
