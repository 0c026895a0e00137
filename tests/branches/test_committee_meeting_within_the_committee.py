"""支委会 应到人数 within the committee: a 支委会 expects no more than the 委员人数 of the
branch committee in office on the day, the one its last 换届选举 on or before that day
elected, on the service, the meeting form, the sheet and the bulk load; a branch with no
election recorded before the meeting is held to its roll alone. From the election's side,
a correction of the 委员人数 (the form, the sheet) that the 支委会 of its term already
exceed is refused, naming the first of them; so is a later date, another organisation or
a deletion that would hand a 支委会 back to a smaller committee before it."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from branches.models import Meeting, MeetingKind, PartyOrganisation, TermElection
from branches.resources import MeetingResource, TermElectionResource
from branches.services import (meeting_record, meeting_save, meetings_bulk_load, term_election_delete, term_election_record,
                               term_election_save)
from orgwork.common import dates
from orgwork.common.contract import SystemActor
from orgwork.imports.engine import run_import

from .test_imports import errors_of, sheet_of
from .test_term_elections import form_data

pytestmark = pytest.mark.django_db

SEEDER = SystemActor("tests")
OVER = "支委会应到人数 {} 人多于「{}」{} 时在任的支部委员会委员人数（{} 换届选举产生 {} 人）"
MEETING_HEADER = ["组织代码", "会议类型", "召开日期", "主题", "应到人数", "实到人数", "补录原因"]


def days_ago(days: int) -> datetime.date:
    return dates.today() - datetime.timedelta(days=days)


def elect(org: PartyOrganisation, day: datetime.date, size: int) -> TermElection:
    return term_election_record(organisation=org, elected_on=day, secretary_name="李明", committee_size=size,
                                actor=SEEDER)


@pytest.fixture
def terms(orgs: dict[str, PartyOrganisation]) -> dict[str, TermElection]:
    """The community branch's last two elections: five 委员 three years and a fortnight
    ago (that term ended a fortnight ago), seven ten days ago."""
    first = elect(orgs["community"], dates.years_before(dates.today(), 3) - datetime.timedelta(days=15), 5)
    return {"first": first, "second": elect(orgs["community"], days_ago(10), 7)}


def committee_meeting(org: PartyOrganisation, expected: int, held_on: datetime.date, actor: Any) -> Meeting:
    return meeting_record(organisation=org, kind=MeetingKind.COMMITTEE_MEETING, held_on=held_on, topic="研究发展党员工作",
                          expected=expected, present=expected, actor=actor)


def test_the_service_holds_a_committee_meeting_to_the_committee_in_office_that_day(orgs, terms, county_a_clerk):
    community = orgs["community"]
    with pytest.raises(ValidationError) as refused:
        committee_meeting(community, 6, days_ago(20), county_a_clerk)
    assert refused.value.message_dict["expected"] == [
        OVER.format(6, community, days_ago(20).isoformat(), terms["first"].elected_on.isoformat(), 5)
        + "：支委会应到的是支部委员会委员，列席人员不计入。请核对应到人数；委员人数登记有误的，请先更正该次换届选举。"]
    assert not Meeting.objects.exists()
    assert committee_meeting(community, 5, days_ago(20), county_a_clerk).expected == 5
    # After the next election the committee of seven is in office.
    assert committee_meeting(community, 7, days_ago(5), county_a_clerk).expected == 7
    with pytest.raises(ValidationError) as refused:
        committee_meeting(community, 8, days_ago(5), county_a_clerk)
    assert OVER.format(8, community, days_ago(5).isoformat(), days_ago(10).isoformat(), 7) in \
        refused.value.message_dict["expected"][0]


def test_other_meetings_and_branches_without_an_election_are_not_held_to_a_committee(orgs, terms, county_a_clerk):
    members_meeting = meeting_record(organisation=orgs["community"], kind=MeetingKind.MEMBERS_MEETING,
                                     held_on=days_ago(5), topic="党员大会", expected=30, present=28, actor=county_a_clerk)
    assert members_meeting.expected == 30
    assert committee_meeting(orgs["village"], 9, days_ago(5), county_a_clerk).expected == 9


def test_a_meeting_changed_into_a_committee_meeting_is_held_to_the_committee(orgs, terms, county_a_clerk):
    meeting = meeting_record(organisation=orgs["community"], kind=MeetingKind.MEMBERS_MEETING, held_on=days_ago(5),
                             topic="学习", expected=12, present=10, actor=county_a_clerk)
    meeting.kind = MeetingKind.COMMITTEE_MEETING
    with pytest.raises(ValidationError) as refused:
        meeting_save(meeting=meeting, actor=county_a_clerk)
    assert "支委会应到人数 12 人" in refused.value.message_dict["expected"][0]
    assert Meeting.objects.get(pk=meeting.pk).kind == MeetingKind.MEMBERS_MEETING


def test_the_meeting_form_refuses_it_under_the_expected_field(orgs, terms, county_a_clerk, client_for):
    response = client_for(county_a_clerk).post(reverse("admin:branches_meeting_add"), {
        "organisation": orgs["community"].pk, "kind": MeetingKind.COMMITTEE_MEETING,
        "held_on": days_ago(5).isoformat(), "topic": "支委会", "expected": 9, "present": 7, "backentry_reason": ""})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["expected"]
    assert "支委会应到人数 9 人" in errors["expected"][0] and "换届选举产生 7 人" in errors["expected"][0]
    assert not Meeting.objects.exists()


def test_a_meetings_sheet_refuses_the_row_and_writes_nothing(tmp_path: Path, orgs, terms, county_a_clerk):
    rows = [MEETING_HEADER,
            ["A-SQ", "支委会", days_ago(5).isoformat(), "研究发展党员工作", 7, 7, ""],
            ["A-SQ", "党员大会", days_ago(5).isoformat(), "学习党章", 25, 20, ""],
            ["A-SQ", "支部委员会", days_ago(20).isoformat(), "研究本月工作", 7, 6, ""]]
    result = run_import(MeetingResource, county_a_clerk, sheet_of(tmp_path, MeetingResource, rows), commit=True)
    assert [(row, column) for row, column, _ in errors_of(result)] == [(4, "应到人数")]
    assert OVER.format(7, orgs["community"], days_ago(20).isoformat(), terms["first"].elected_on.isoformat(), 5) in \
        errors_of(result)[0][2]
    assert not Meeting.objects.exists()


def test_the_meetings_template_says_how_a_committee_meetings_count_is_held() -> None:
    assert "支委会的不多于召开时在任的支部委员会委员人数（按换届选举）" in MeetingResource.column_notes["应到人数"]


def test_the_bulk_load_refuses_the_first_committee_meeting_over_the_committee(orgs, terms):
    rows = [(orgs["community"], MeetingKind.COMMITTEE_MEETING, days_ago(5), "支委会", 7, 7),
            (orgs["community"], MeetingKind.COMMITTEE_MEETING, days_ago(20), "支委会", 6, 6)]
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        meetings_bulk_load(rows=rows, actor=SEEDER)
    assert "支委会应到人数 6 人" in refused.value.message_dict["expected"][0]
    assert not Meeting.objects.exists()
    assert meetings_bulk_load(rows=rows[:1], actor=SEEDER) == 1


# --- from the election's side ------------------------------------------------------------


def test_a_correction_of_the_committee_size_below_its_terms_meetings_is_refused(orgs, terms, county_a_clerk):
    meeting = committee_meeting(orgs["community"], 7, days_ago(5), county_a_clerk)
    second = TermElection.objects.get(pk=terms["second"].pk)
    second.committee_size = 5
    with pytest.raises(ValidationError) as refused:
        term_election_save(election=second, actor=county_a_clerk)
    assert refused.value.message_dict["committee_size"] == [
        f"「{orgs['community']}」{meeting.held_on.isoformat()} 的支委会应到 7 人，多于本次换届选举产生的委员人数 5 人："
        "支委会应到的是支部委员会委员。请核对委员人数；该次支委会应到人数登记有误的，请先在三会一课中更正。"]
    assert TermElection.objects.get(pk=second.pk).committee_size == 7
    # The earlier term's meetings are the earlier committee's: its size can be corrected to theirs.
    committee_meeting(orgs["community"], 5, days_ago(20), county_a_clerk)
    first = TermElection.objects.get(pk=terms["first"].pk)
    first.committee_size = 5
    first.note = "核对"
    assert term_election_save(election=first, actor=county_a_clerk).note == "核对"
    first.committee_size = 4
    with pytest.raises(ValidationError):
        term_election_save(election=first, actor=county_a_clerk)


def test_the_election_form_refuses_the_correction_under_the_committee_size(orgs, terms, county_a_clerk, client_for):
    committee_meeting(orgs["community"], 7, days_ago(5), county_a_clerk)
    second = terms["second"]
    response = client_for(county_a_clerk).post(
        reverse("admin:branches_termelection_change", args=[second.pk]),
        form_data(orgs["community"], elected_on=second.elected_on.isoformat(), committee_size="3",
                  secretary_name="李明"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["committee_size"] and "多于本次换届选举产生的委员人数 3 人" in errors["committee_size"][0]
    assert TermElection.objects.get(pk=second.pk).committee_size == 7


def test_an_election_sheet_correcting_the_size_below_its_meetings_writes_nothing(tmp_path: Path, orgs, terms,
                                                                              county_a_clerk):
    committee_meeting(orgs["community"], 7, days_ago(5), county_a_clerk)
    dataset = TermElectionResource(user=county_a_clerk).export()
    head = list(dataset.headers)
    rows = [list(r) for r in dataset]
    for r in rows:
        r[head.index("委员人数")] = 3
        r[head.index("备注")] = "按批复核对"
    result = run_import(TermElectionResource, county_a_clerk, sheet_of(tmp_path, TermElectionResource, [head, *rows]),
                        commit=True)
    found = errors_of(result)
    # The later election (listed first) has the meeting of its term; the earlier has none.
    assert [(row, column) for row, column, _ in found] == [(2, "委员人数")], found
    assert "多于本次换届选举产生的委员人数 3 人" in found[0][2]
    assert set(TermElection.objects.values_list("committee_size", "note")) == {(5, ""), (7, "")}


def test_a_new_election_is_not_held_to_the_meetings_already_on_record(orgs, county_a_clerk):
    """History is entered in the order it was held: 支委会 recorded before their term's
    election was entered may belong to a later term, still to be entered."""
    committee_meeting(orgs["village"], 7, days_ago(5), county_a_clerk)
    assert elect(orgs["village"], dates.years_before(dates.today(), 1), 5).committee_size == 5



# --- corrections that hand a term's days back to the committee before it --------------------

HANDED_BACK = ("「{}」{} 的支委会在上一届支部委员会任内（{} 换届选举产生 {} 人），其应到人数 {} 人多于该届委员人数："
               "支委会应到的是支部委员会委员。")


def test_an_election_moved_later_is_refused_while_a_meeting_it_leaves_is_over_the_committee_before(
        orgs, terms, county_a_clerk):
    """The days between the old and the new date go back to the committee of five: the
    支委会 of seven held in them would be over it."""
    community, first = orgs["community"], terms["first"]
    meeting = committee_meeting(community, 7, days_ago(8), county_a_clerk)
    second = TermElection.objects.get(pk=terms["second"].pk)
    second.elected_on = days_ago(3)
    with pytest.raises(ValidationError) as refused:
        term_election_save(election=second, actor=county_a_clerk)
    assert refused.value.message_dict["elected_on"] == [
        f"选举日期改为 {days_ago(3).isoformat()} 后，"
        + HANDED_BACK.format(community, meeting.held_on.isoformat(), first.elected_on.isoformat(), 5, 7)
        + "请核对选举日期；该次支委会应到人数登记有误的，请先在三会一课中更正。"]
    assert TermElection.objects.get(pk=second.pk).elected_on == days_ago(10)
    # A later date that leaves the meeting in this term, or a meeting within the earlier
    # committee, is a correction like any other.
    second.elected_on = days_ago(9)
    assert term_election_save(election=second, actor=county_a_clerk).elected_on == days_ago(9)
    meeting.expected = meeting.present = 5
    meeting_save(meeting=meeting, actor=county_a_clerk)
    second.elected_on = days_ago(3)
    assert term_election_save(election=second, actor=county_a_clerk).elected_on == days_ago(3)


def test_the_election_form_refuses_the_later_date_under_the_election_date(orgs, terms, county_a_clerk, client_for):
    committee_meeting(orgs["community"], 7, days_ago(8), county_a_clerk)
    second = terms["second"]
    response = client_for(county_a_clerk).post(
        reverse("admin:branches_termelection_change", args=[second.pk]),
        form_data(orgs["community"], elected_on=days_ago(3).isoformat(), committee_size="7", secretary_name="李明"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["elected_on"] and "其应到人数 7 人多于该届委员人数" in errors["elected_on"][0]
    assert TermElection.objects.get(pk=second.pk).elected_on == days_ago(10)
    # The stored election may not be deleted either: the page drawn again offers no 删除,
    # though the date typed on it would leave the meeting in its term.
    assert reverse("admin:branches_termelection_delete", args=[second.pk]) not in response.content.decode()


def test_an_election_moved_to_another_organisation_is_refused_while_its_meetings_are_over_the_committee_before(
        orgs, terms, county_a_clerk):
    community, first = orgs["community"], terms["first"]
    meeting = committee_meeting(community, 7, days_ago(5), county_a_clerk)
    second = TermElection.objects.get(pk=terms["second"].pk)
    second.organisation = orgs["village"]
    with pytest.raises(ValidationError) as refused:
        term_election_save(election=second, actor=county_a_clerk)
    assert refused.value.message_dict["organisation"] == [
        "本次换届选举改登记到其他党组织后，"
        + HANDED_BACK.format(community, meeting.held_on.isoformat(), first.elected_on.isoformat(), 5, 7)
        + "请核对所属党组织；该次支委会应到人数登记有误的，请先在三会一课中更正。"]
    assert TermElection.objects.get(pk=second.pk).organisation == community
    meeting.expected = meeting.present = 5
    meeting_save(meeting=meeting, actor=county_a_clerk)
    assert term_election_save(election=second, actor=county_a_clerk).organisation == orgs["village"]


def test_the_latest_election_is_not_deleted_while_its_meetings_are_over_the_committee_before(
        orgs, terms, county_a_clerk, client_for):
    community, first, second = orgs["community"], terms["first"], terms["second"]
    meeting = committee_meeting(community, 7, days_ago(5), county_a_clerk)
    refusal = ("删除本次换届选举后，"
               + HANDED_BACK.format(community, meeting.held_on.isoformat(), first.elected_on.isoformat(), 5, 7)
               + "请先在三会一课中核对该次支委会的应到人数，再删除。")
    with pytest.raises(ValidationError) as refused:
        term_election_delete(election=second, actor=county_a_clerk)
    assert refused.value.messages == [refusal]
    client = client_for(county_a_clerk)
    delete = reverse("admin:branches_termelection_delete", args=[second.pk])
    assert delete not in client.get(reverse("admin:branches_termelection_change", args=[second.pk])).content.decode()
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert TermElection.objects.filter(pk=second.pk).exists()
    meeting.expected = meeting.present = 5
    meeting_save(meeting=meeting, actor=county_a_clerk)
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert list(TermElection.objects.filter(organisation=community)) == [first]


# --- the completeness check -----------------------------------------------------------------

OVER_LIST = "branches_committee_meetings_over_the_committee"


def test_a_committee_meeting_over_the_committee_entered_later_is_on_the_completeness_check(orgs, county_a_clerk,
                                                                                          county_b_clerk, client_for):
    """Recorded before the branch's election was entered (nothing to hold it to then), then
    the election of three: the meeting of seven is listed, with the committee it exceeds,
    for the clerk of its county only, until it is corrected."""
    from tests.worklists.conftest import column, open_list

    over = committee_meeting(orgs["community"], 7, days_ago(5), county_a_clerk)
    committee_meeting(orgs["community"], 3, days_ago(4), county_a_clerk)
    committee_meeting(orgs["village"], 9, days_ago(5), county_a_clerk)  # no election recorded: not held
    elected = elect(orgs["community"], dates.years_before(dates.today(), 1), 3)
    client = client_for(county_a_clerk)
    page = open_list(client, OVER_LIST)
    assert page.context["count"] == 1
    assert [column(page, i)[0] for i in (3, 5, 6)] == [7, 3, elected.elected_on]
    assert page.context["table"][0]["link"].endswith(f"/branches/meeting/{over.pk}/change/")
    assert open_list(client_for(county_b_clerk), OVER_LIST).context["count"] == 0
    over.expected, over.present = 3, 3
    meeting_save(meeting=over, actor=county_a_clerk)
    assert open_list(client, OVER_LIST).context["count"] == 0


def test_a_meeting_held_before_the_first_election_on_record_is_not_on_the_completeness_check(orgs, terms,
                                                                                            county_a_clerk, client_for):
    """A 支委会 of twenty on file from before the branch's first election recorded is held
    to no committee (the roll alone), so the list leaves it out."""
    from tests.worklists.conftest import open_list

    from .conftest import add_meeting

    add_meeting(orgs["community"], MeetingKind.COMMITTEE_MEETING, terms["first"].elected_on - datetime.timedelta(days=5))
    assert open_list(client_for(county_a_clerk), OVER_LIST).context["count"] == 0
    add_meeting(orgs["community"], MeetingKind.COMMITTEE_MEETING, terms["first"].elected_on)
    assert open_list(client_for(county_a_clerk), OVER_LIST).context["count"] == 1
