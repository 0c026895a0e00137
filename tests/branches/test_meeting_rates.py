"""三会一课: cadence per meeting type, period boundaries, rates and the missing list."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from branches.cadence import Period, local_date, required_kinds, required_slots, slots_held
from branches.models import Meeting, MeetingKind as K, month_number
from branches.selectors import (
    branches_missing_meetings,
    count_branches_missing_meetings,
    meeting_rates,
    monthly_meeting_rates,
)
from branches.services import meeting_record
from orgwork.units.models import Unit
from orgwork.units.scope import units_visible_to

from .conftest import TEST_ACTOR, add_meeting

D = datetime.date


class TestCadence:
    def test_monthly_kinds_are_due_every_month_and_quarterly_kinds_every_whole_quarter(self) -> None:
        month, quarter, year = Period.of_month(2025, 2), Period.of_quarter(2025, 1), Period.of_year(2025)
        assert [required_slots(k, month) for k in K.values] == [0, 1, 1, 0, 1]
        assert [required_slots(k, quarter) for k in K.values] == [1, 3, 3, 1, 3]
        assert [required_slots(k, year) for k in K.values] == [4, 12, 12, 4, 12]
        assert required_kinds(month) == [K.COMMITTEE_MEETING, K.GROUP_MEETING, K.THEME_DAY]

    def test_periods_end_on_the_last_day_of_their_month_and_quarter(self) -> None:
        assert Period.of_month(2024, 2).end == D(2024, 2, 29)
        assert Period.of_quarter(2025, 1).end == D(2025, 3, 31)
        assert Period.of_quarter(2025, 4).start == D(2025, 10, 1)
        assert Period.of_year(2025).end == D(2025, 12, 31)
        assert Period.of_quarter(2025, 1).contains(D(2025, 3, 31))
        assert not Period.of_quarter(2025, 1).contains(D(2025, 4, 1))

    def test_a_late_evening_in_utc_is_already_the_next_day_in_shanghai(self) -> None:
        moment = datetime.datetime(2025, 3, 31, 16, 30, tzinfo=datetime.timezone.utc)
        assert local_date(moment) == D(2025, 4, 1)
        assert not Period.of_quarter(2025, 1).contains(moment)
        assert Period.of_month(2025, 4).contains(moment)

    def test_two_meetings_in_one_month_fill_one_monthly_slot(self) -> None:
        q1 = Period.of_quarter(2025, 1)
        assert slots_held(K.THEME_DAY, q1, [D(2025, 1, 3), D(2025, 1, 20), D(2025, 3, 1)]) == 2
        assert slots_held(K.PARTY_LECTURE, q1, [D(2025, 1, 3), D(2025, 2, 20), D(2025, 4, 1)]) == 1

    def test_a_meeting_entered_with_a_utc_datetime_is_filed_under_its_shanghai_month(self, orgs: Any, supervisor: Any) -> None:
        moment = datetime.datetime(2025, 3, 31, 16, 30, tzinfo=datetime.timezone.utc)
        meeting = meeting_record(organisation=orgs["community"], kind=K.MEMBERS_MEETING, held_on=moment, topic="党员大会",
                                 expected=20, present=19, actor=supervisor, today=D(2025, 4, 2))
        assert meeting.held_on == D(2025, 4, 1)
        assert meeting.month_no == month_number(D(2025, 4, 1))
        assert meeting.unit_id == orgs["community"].unit_id


@pytest.fixture
def q1_meetings(orgs: Any) -> None:
    """The hand-worked example of the tests below (2025 Q1)."""
    community, village, county_b = orgs["community"], orgs["village"], orgs["county_b"]
    for month in (1, 2, 3):
        add_meeting(community, K.COMMITTEE_MEETING, D(2025, month, 10))
        add_meeting(community, K.GROUP_MEETING, D(2025, month, 12))
        for kind in (K.COMMITTEE_MEETING, K.GROUP_MEETING, K.THEME_DAY):
            add_meeting(county_b, kind, D(2025, month, 5))
    add_meeting(community, K.THEME_DAY, D(2025, 1, 1))
    add_meeting(community, K.THEME_DAY, D(2025, 1, 31))  # a second one in January counts once
    add_meeting(community, K.THEME_DAY, D(2025, 3, 1))
    add_meeting(community, K.MEMBERS_MEETING, D(2025, 3, 31))  # last day of Q1
    add_meeting(community, K.PARTY_LECTURE, D(2025, 4, 1))  # first day of Q2: not Q1's lecture
    add_meeting(village, K.COMMITTEE_MEETING, D(2025, 1, 15))
    add_meeting(county_b, K.MEMBERS_MEETING, D(2025, 2, 20))
    add_meeting(county_b, K.PARTY_LECTURE, D(2025, 2, 21))
    # A committee (not a branch) holding meetings does not enter branch rates.
    add_meeting(orgs["committee"], K.COMMITTEE_MEETING, D(2025, 1, 9))


def rates_of(row: Any) -> dict[int, Decimal | None]:
    return {k: row.rate(k) for k in K.values}


class TestRates:
    def test_county_a_quarter_rates_match_the_hand_computed_figures(self, tree: Any, q1_meetings: None) -> None:
        units = Unit.objects.filter(path__startswith=tree["county_a"].path)
        report = meeting_rates(units=units, period=Period.of_quarter(2025, 1))
        assert report.total.branches == 2
        assert rates_of(report.total) == {
            K.MEMBERS_MEETING: Decimal("50.0"),    # 1 of 2 branch-quarters
            K.COMMITTEE_MEETING: Decimal("66.7"),  # 3 + 1 of 6 branch-months
            K.GROUP_MEETING: Decimal("50.0"),      # 3 + 0 of 6
            K.PARTY_LECTURE: Decimal("0.0"),       # the lecture on 1 April belongs to Q2
            K.THEME_DAY: Decimal("33.3"),          # January (twice) and March, of 6
        }

    def test_a_single_month_asks_nothing_of_quarterly_meetings(self, tree: Any, q1_meetings: None) -> None:
        units = Unit.objects.filter(path__startswith=tree["county_a"].path)
        report = meeting_rates(units=units, period=Period.of_month(2025, 1))
        assert rates_of(report.total) == {
            K.MEMBERS_MEETING: None, K.COMMITTEE_MEETING: Decimal("100.0"), K.GROUP_MEETING: Decimal("50.0"),
            K.PARTY_LECTURE: None, K.THEME_DAY: Decimal("50.0"),
        }

    def test_the_year_counts_four_quarters_and_twelve_months(self, tree: Any, q1_meetings: None) -> None:
        units = Unit.objects.filter(path__startswith=tree["county_a"].path)
        total = meeting_rates(units=units, period=Period.of_year(2025)).total
        assert total.held[K.MEMBERS_MEETING] == 1 and total.rate(K.MEMBERS_MEETING) == Decimal("12.5")  # 1 / (2 × 4)
        assert total.held[K.PARTY_LECTURE] == 1  # the Q2 lecture counts for the year
        assert total.rate(K.COMMITTEE_MEETING) == Decimal("16.7")  # 4 / 24

    def test_the_city_sees_one_row_per_county_subtree_and_a_province_total(self, city_officer: Any, q1_meetings: None) -> None:
        report = meeting_rates(units=units_visible_to(city_officer), period=Period.of_quarter(2025, 1))
        rows = {row.label: row for row in report.rows}
        assert set(rows) == {"城关区", "七里河区"}
        assert rows["城关区"].branches == 2 and rows["七里河区"].branches == 1
        assert rows["七里河区"].rate(K.THEME_DAY) == Decimal("100.0")
        assert report.total.branches == 3
        assert report.total.rate(K.COMMITTEE_MEETING) == Decimal("77.8")  # (4 + 3) / 9

    def test_rates_per_branch_list_each_branch(self, tree: Any, q1_meetings: None, orgs: Any) -> None:
        units = Unit.objects.filter(path__startswith=tree["county_a"].path)
        report = meeting_rates(units=units, period=Period.of_quarter(2025, 1), by="branch")
        rows = {row.key: row for row in report.rows}
        assert set(rows) == {orgs["community"].pk, orgs["village"].pk}
        assert rows[orgs["village"].pk].held[K.COMMITTEE_MEETING] == 1
        assert rows[orgs["community"].pk].rate(K.THEME_DAY) == Decimal("66.7")

    def test_county_b_never_sees_county_a_in_rates(self, county_b_clerk: Any, q1_meetings: None) -> None:
        report = meeting_rates(units=units_visible_to(county_b_clerk), period=Period.of_quarter(2025, 1))
        assert report.total.branches == 1
        assert report.total.rate(K.COMMITTEE_MEETING) == Decimal("100.0")
        by_branch = meeting_rates(units=units_visible_to(county_b_clerk), period=Period.of_quarter(2025, 1), by="branch")
        assert [row.label for row in by_branch.rows] == ["七里河区第一党支部"]


class TestMonthlyRates:
    """The dashboard's six months of rates are read in one query per year; each month must
    be the report ``meeting_rates`` gives for it alone."""

    @pytest.mark.parametrize("source", ["summary", "meetings"])
    def test_each_month_equals_its_own_report_across_a_new_year(
            self, source: str, county_a_clerk: Any, province_officer: Any, q1_meetings: None) -> None:
        months = [Period.of_month(2024, 11), Period.of_month(2024, 12), Period.of_month(2025, 1),
                  Period.of_month(2025, 2), Period.of_month(2025, 3), Period.of_month(2025, 4)]
        for user in (county_a_clerk, province_officer):
            units = units_visible_to(user)
            together = monthly_meeting_rates(units=units, months=months, source=source)
            alone = [meeting_rates(units=units, period=month, source=source) for month in months]
            assert together == alone
        held = [report.total.held.get(K.THEME_DAY, 0) for report in together]
        assert held[:2] == [0, 0] and sum(held) > 0  # the months differ, so a shifted bit would show

    def test_a_quarter_is_refused(self, province_officer: Any) -> None:
        with pytest.raises(ValueError):
            monthly_meeting_rates(units=units_visible_to(province_officer), months=[Period.of_quarter(2025, 1)])


class TestMissingList:
    def test_the_quarter_list_names_each_branch_with_what_it_lacks(self, county_a_clerk: Any, q1_meetings: None) -> None:
        missing = {m.name: m for m in branches_missing_meetings(user=county_a_clerk, period=Period.of_quarter(2025, 1))}
        assert set(missing) == {"东岗社区党支部", "城关镇红星村党支部"}
        assert missing["东岗社区党支部"].shortfalls == {K.PARTY_LECTURE: 1, K.THEME_DAY: 1}
        assert missing["东岗社区党支部"].shortfall_text == "党课缺1次、主题党日缺1次"
        assert missing["城关镇红星村党支部"].shortfalls == {
            K.MEMBERS_MEETING: 1, K.COMMITTEE_MEETING: 2, K.GROUP_MEETING: 3, K.PARTY_LECTURE: 1, K.THEME_DAY: 3}

    def test_a_month_list_only_checks_the_monthly_meetings(self, county_a_clerk: Any, q1_meetings: None) -> None:
        missing = branches_missing_meetings(user=county_a_clerk, period=Period.of_month(2025, 1))
        assert [m.name for m in missing] == ["城关镇红星村党支部"]
        assert missing[0].shortfalls == {K.GROUP_MEETING: 1, K.THEME_DAY: 1}

    def test_a_branch_that_did_everything_is_not_listed(self, county_b_clerk: Any, q1_meetings: None) -> None:
        assert branches_missing_meetings(user=county_b_clerk, period=Period.of_quarter(2025, 1)) == []

    def test_county_b_never_sees_county_a_branches_in_the_missing_list(self, county_b_clerk: Any, orgs: Any) -> None:
        names = [m.name for m in branches_missing_meetings(user=county_b_clerk, period=Period.of_month(2025, 5))]
        assert names == ["七里河区第一党支部"]

    def test_the_province_list_covers_every_county(self, province_officer: Any, q1_meetings: None) -> None:
        names = {m.name for m in branches_missing_meetings(user=province_officer, period=Period.of_month(2025, 4))}
        assert names == {"东岗社区党支部", "城关镇红星村党支部", "七里河区第一党支部"}

    @pytest.mark.parametrize("source", ["summary", "meetings"])
    def test_the_dashboard_count_is_the_length_of_the_list_for_every_clerk_and_period(
            self, source: str, county_a_clerk: Any, county_b_clerk: Any, province_officer: Any, q1_meetings: None) -> None:
        seen = []
        for user in (county_a_clerk, county_b_clerk, province_officer):
            for period in (Period.of_month(2025, 1), Period.of_month(2025, 4), Period.of_quarter(2025, 1)):
                listed = branches_missing_meetings(user=user, period=period, source=source)
                assert count_branches_missing_meetings(user=user, period=period, source=source) == len(listed)
                seen.append(len(listed))
        assert 0 in seen and max(seen) == 3  # the cases differ: an empty list, a whole province

    def test_moving_a_branch_to_another_county_moves_its_meetings_in_the_figures(self, tree: Any, orgs: Any, q1_meetings: None) -> None:
        from branches.services import party_org_save

        community = orgs["community"]
        community.parent = None
        community.unit = tree["county_b"]
        party_org_save(organisation=community, actor=TEST_ACTOR)
        assert set(Meeting.objects.filter(organisation=community).values_list("unit_id", flat=True)) == {tree["county_b"].pk}
        units_b = Unit.objects.filter(path__startswith=tree["county_b"].path)
        assert meeting_rates(units=units_b, period=Period.of_quarter(2025, 1)).total.branches == 2


class TestMonthlyRollup:
    """On PostgreSQL the figures come from the trigger-kept yearly roll-up; they must equal
    what the meeting table itself says after every kind of write."""

    def figures(self, tree: Any, source: str) -> Any:
        units = Unit.objects.filter(path__startswith=tree["city"].path)
        out = []
        for period in (Period.of_month(2025, 1), Period.of_quarter(2025, 1), Period.of_year(2025)):
            report = meeting_rates(units=units, period=period, by="branch", source=source)
            out.append({row.key: dict(row.held) for row in report.rows})
            out.append([m.organisation_id for m in branches_missing_meetings(units=units, period=period, source=source)])
        return out

    def test_the_rollup_agrees_with_the_meeting_table_through_inserts_updates_and_deletes(
            self, tree: Any, orgs: Any, q1_meetings: None) -> None:
        from branches.models import MeetingYear

        assert self.figures(tree, "summary") == self.figures(tree, "meetings")
        # bulk insert, an update that moves a meeting to another month, a delete, a queryset delete
        Meeting.objects.bulk_create([
            Meeting(organisation=orgs["village"], unit_id=orgs["village"].unit_id, kind=K.GROUP_MEETING,
                    held_on=D(2025, 2, 2), month_no=month_number(D(2025, 2, 2)), topic="t", expected=5, present=5),
        ])
        moved = Meeting.objects.filter(organisation=orgs["community"], kind=K.COMMITTEE_MEETING).order_by("held_on").first()
        moved.held_on, moved.month_no = D(2025, 5, 5), month_number(D(2025, 5, 5))
        moved.save()
        Meeting.objects.filter(organisation=orgs["county_b"], kind=K.THEME_DAY, month_no=month_number(D(2025, 2, 1))).delete()
        assert self.figures(tree, "summary") == self.figures(tree, "meetings")
        year = MeetingYear.objects.get(organisation=orgs["community"], year=2025)
        assert not year.held(K.COMMITTEE_MEETING, 1) and year.held(K.COMMITTEE_MEETING, 5)  # the moved meeting
        assert year.held(K.GROUP_MEETING, 1) and year.held(K.THEME_DAY, 1) and year.held(K.PARTY_LECTURE, 4)
        assert year.meetings == Meeting.objects.filter(organisation=orgs["community"]).count() == 11
        Meeting.objects.filter(organisation=orgs["community"]).delete()
        assert not MeetingYear.objects.filter(organisation=orgs["community"]).exists()
