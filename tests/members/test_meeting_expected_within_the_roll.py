"""三会一课 应到人数 within the roll: a meeting expects no more members than the 党支部's
roll can have held on the day (those on it now and those who left it since), on the
service, the meeting form, the sheet, the import command and the bulk load. A branch
nobody of which is on the roster yet is not held to it, and a meeting whose 应到人数 is
not written now keeps its count."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from branches.members import services
from branches.members.models import Member, MemberStatus
from branches.members.selectors import roll_histories, voters_at_most
from branches.models import Meeting, MeetingKind
from branches.resources import MeetingResource
from branches.services import meeting_record, meeting_save, meetings_bulk_load

from .conftest import SYSTEM, add_member, days_ago, make_id, run_sheet, sheet_messages

pytestmark = pytest.mark.django_db

OVER = "多于「{}」{} 时可能在册的党员人数（按党员名册至多 {} 人"
HEADER = ["组织代码", "会议类型", "召开日期", "主题", "应到人数", "实到人数", "补录原因"]


@pytest.fixture
def roll(orgs: dict[str, Any], member: Member) -> list[Member]:
    """The community branch's roll: ``member`` and two more 正式党员."""
    return [member] + [add_member(orgs["community"], name, id_number=make_id(datetime.date(1981, 3, n + 1)))
                       for n, name in enumerate(("赵一", "钱二"))]


def record(org: Any, expected: int, held_on: datetime.date | None = None, actor: Any = SYSTEM) -> Meeting:
    return meeting_record(organisation=org, kind=MeetingKind.MEMBERS_MEETING, held_on=held_on or days_ago(5),
                          topic="党员大会", expected=expected, present=min(expected, 2), actor=actor)


def test_the_service_refuses_a_meeting_expecting_more_members_than_the_branch_has(orgs, roll, county_a_clerk):
    with pytest.raises(ValidationError) as refused:
        record(orgs["community"], 4, actor=county_a_clerk)
    message = refused.value.message_dict["expected"][0]
    assert "应到人数 4 人" in message and OVER.format(orgs["community"], days_ago(5).isoformat(), 3) in message
    assert not Meeting.objects.exists()
    assert record(orgs["community"], 3, actor=county_a_clerk).expected == 3


def test_a_member_who_left_after_the_meeting_still_counts_for_it(orgs, roll, county_a_clerk):
    services.member_set_status(member=roll[2], status=MemberStatus.DECEASED, changed_on=days_ago(20), actor=SYSTEM,
                               reason="家属告知")
    assert record(orgs["community"], 3, held_on=days_ago(30), actor=county_a_clerk).expected == 3
    with pytest.raises(ValidationError) as refused:
        record(orgs["community"], 3, held_on=days_ago(10), actor=county_a_clerk)
    assert OVER.format(orgs["community"], days_ago(10).isoformat(), 2) in refused.value.message_dict["expected"][0]


def test_a_member_sent_to_another_branch_after_the_meeting_still_counts_for_the_one_he_left(orgs, roll,
                                                                                           county_a_clerk):
    t = services.transfer_start(member=roll[2], to_branch=orgs["village"], letter_number="城组转〔2026〕30号",
                                started_on=days_ago(9), actor=SYSTEM)
    services.transfer_send(transfer=t, sent_on=days_ago(8), valid_days=30, actor=SYSTEM)
    services.transfer_receive(transfer=t, received_on=days_ago(2), actor=SYSTEM)
    assert Member.objects.get(pk=roll[2].pk).branch_id == orgs["village"].pk
    assert record(orgs["community"], 3, held_on=days_ago(9), actor=county_a_clerk).expected == 3
    with pytest.raises(ValidationError):
        record(orgs["community"], 3, held_on=days_ago(1), actor=county_a_clerk)
    # The branch that took him in counts him too: he may have been there by then.
    assert record(orgs["village"], 1, held_on=days_ago(20), actor=county_a_clerk).expected == 1
    # The 支部大会 vote is bounded by the same roll, of its 正式党员.
    assert voters_at_most(orgs["community"].pk, days_ago(9)) == 3
    assert voters_at_most(orgs["community"].pk, days_ago(1)) == 2


def test_a_branch_nobody_of_which_is_on_the_roster_yet_is_not_held_to_it(orgs, roll, county_a_clerk):
    assert not roll_histories([orgs["village"].pk])[orgs["village"].pk].entered
    assert record(orgs["village"], 30, actor=county_a_clerk).expected == 30


def test_a_meeting_whose_expected_count_is_not_changed_keeps_it(orgs, county_a_clerk, member):
    """Recorded before the roster was entered: its topic can still be corrected."""
    meeting = record(orgs["village"], 30, actor=county_a_clerk)
    add_member(orgs["village"], "孙三", id_number=make_id(datetime.date(1982, 4, 4)))
    meeting.topic = "党员大会：学习党章"
    assert meeting_save(meeting=meeting, actor=county_a_clerk).topic == "党员大会：学习党章"
    meeting.expected = 31
    with pytest.raises(ValidationError) as refused:
        meeting_save(meeting=meeting, actor=county_a_clerk)
    assert OVER.format(orgs["village"], days_ago(5).isoformat(), 1) in refused.value.message_dict["expected"][0]
    assert Meeting.objects.get(pk=meeting.pk).expected == 30


def test_the_meeting_form_refuses_it_under_the_expected_field(orgs, roll, county_a_clerk, client_for):
    response = client_for(county_a_clerk).post(reverse("admin:branches_meeting_add"), {
        "organisation": orgs["community"].pk, "kind": MeetingKind.MEMBERS_MEETING, "held_on": days_ago(5).isoformat(),
        "topic": "党员大会", "expected": 9, "present": 3, "backentry_reason": ""})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["expected"]
    assert "应到人数 9 人" in errors["expected"][0] and "至多 3 人" in errors["expected"][0]
    assert not Meeting.objects.exists()


def test_a_meetings_sheet_refuses_the_row_and_writes_nothing(tmp_path, orgs, roll, county_a_clerk):
    day = days_ago(5).isoformat()
    result = run_sheet(tmp_path, [
        HEADER,
        ["A-SQ", "支委会", day, "研究发展党员工作", 3, 3, ""],
        ["A-CUN", "党员大会", day, "学习党章", 25, 20, ""],  # nobody of the branch on the roster yet
        ["A-SQ", "党员大会", day, "学习党章", 12, 10, ""],
    ], MeetingResource, county_a_clerk)
    messages = sheet_messages(result)
    assert [(e.row, e.column) for e in result.errors] == [(4, "应到人数")], messages
    assert "应到人数 12 人" in messages and "至多 3 人" in messages
    assert not Meeting.objects.exists()


def test_the_bulk_load_refuses_the_first_meeting_over_the_roll(orgs, roll):
    rows = [(orgs["community"], MeetingKind.THEME_DAY, days_ago(40), "主题党日", 3, 3),
            (orgs["community"], MeetingKind.MEMBERS_MEETING, days_ago(40), "党员大会", 4, 3)]
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        meetings_bulk_load(rows=rows, actor=SYSTEM)
    assert "应到人数 4 人" in refused.value.message_dict["expected"][0]
    assert not Meeting.objects.exists()
    assert meetings_bulk_load(rows=rows[:1], actor=SYSTEM) == 1


def test_the_import_command_refuses_the_row_and_writes_nothing(tmp_path, orgs, roll, county_a_clerk):
    import json

    from django.core.management import call_command

    path = tmp_path / "meetings.csv"
    path.write_text("\r\n".join(",".join(str(v) for v in row) for row in [
        HEADER, ["A-SQ", "党员大会", days_ago(5).isoformat(), "学习党章", 4, 3, ""]]) + "\r\n", encoding="utf-8")
    report = tmp_path / "report.json"
    with pytest.raises(SystemExit) as exited:
        call_command("import_sheet", "meetings", str(path), "--user", county_a_clerk.username, "--commit",
                     "--report", str(report))
    assert exited.value.code == 1
    (error,) = json.loads(report.read_text("utf-8"))["errors"]
    assert (error["row"], error["column"]) == (2, "应到人数") and "至多 3 人" in error["message"]
    assert not Meeting.objects.exists()
