"""取消预备党员资格 closes a file that has reached its steps: its 支部大会 is not dated
before the 上级党委审批, the 入党宣誓 or the 延长预备期支部大会 on record or in the same
sheet row, and the message names the step and its date. The meeting's day is also the
member's 党籍状态变更日期 (出党), held as 变更党籍状态 holds it: not before his last
组织关系转接 was received. On the step page, the batch action, the service and the
applicants' sheet alike, under the cancel meeting's field or column."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from branches.members import services
from branches.members.models import Applicant, Member, MemberStatus, Stage, Transfer
from branches.members.resources import ApplicantResource

from .conftest import SYSTEM, days_ago, file_sheet_row, probationary, run_sheet
from .test_applicant_sheet import HEAD, file_row
from .test_applicant_sheet import day as sheet_day
from .test_batch_parity import batch, step_page

pytestmark = pytest.mark.django_db

REASON = "不履行党员义务"
CANCEL_COLUMN = "取消预备党员资格支部大会日期"


def too_early(decided_on: datetime.date, label: str, step_on: datetime.date) -> str:
    return f"取消预备党员资格的支部大会日期（{decided_on:%Y-%m-%d}）不能早于已登记的{label}（{step_on:%Y-%m-%d}）。"


def before_receipt(received_on: datetime.date) -> str:
    return f"党籍状态变更日期不能早于该党员上一次组织关系转接的接收日期（{received_on:%Y-%m-%d}）。"


def unchanged(file: Applicant) -> None:
    stored = Applicant.objects.select_related("member").get(pk=file.pk)
    assert (stored.stage, stored.cancel_meeting_on, stored.closed_reason) == (Stage.PROBATIONARY, None, "")
    assert stored.member.status == MemberStatus.ACTIVE


def sworn_in(orgs: Any, contact: Member) -> Applicant:
    """A 预备党员 voted in 400 days ago, approved 370 and sworn in 360 days ago."""
    return probationary(orgs["community"], contact, vote_days_ago=400, oath=True)


def extended(orgs: Any, contact: Member) -> Applicant:
    """A sworn-in 预备党员 whose 预备期 a 支部大会 extended 20 days ago."""
    file = sworn_in(orgs, contact)
    return services.applicant_extend_probation(applicant=file, months=6, decided_on=days_ago(20), actor=SYSTEM)


def moved(orgs: Any, contact: Member) -> tuple[Applicant, datetime.date]:
    """A sworn-in 预备党员 whose relationship came to 红星村党支部 (his file with him),
    received 5 days ago."""
    file = sworn_in(orgs, contact)
    transfer = services.transfer_start(member=Member.objects.get(pk=file.member_id), to_branch=orgs["village"],
                                       letter_number="城组转〔2026〕41号", started_on=days_ago(9), actor=SYSTEM)
    transfer = services.transfer_send(transfer=transfer, sent_on=days_ago(8), valid_days=30, actor=SYSTEM)
    services.transfer_receive(transfer=Transfer.objects.get(pk=transfer.pk), received_on=days_ago(5), actor=SYSTEM)
    return Applicant.objects.select_related("branch").get(pk=file.pk), days_ago(5)


# ---- not before the steps on the file

@pytest.mark.parametrize("make, label, step_on, decided_on", [
    (lambda o, c: probationary(o["community"], c, vote_days_ago=400), "上级党委审批日期", 370, 380),
    (sworn_in, "入党宣誓日期", 360, 365),
    (extended, "延长预备期支部大会日期", 20, 30),
])
def test_the_service_refuses_a_cancellation_dated_before_a_step_on_the_file_and_names_it(
        orgs, contact, make, label, step_on, decided_on):
    file = make(orgs, contact)
    with pytest.raises(ValidationError) as error:
        services.applicant_cancel(applicant=file, reason=REASON, decided_on=days_ago(decided_on), actor=SYSTEM)
    assert error.value.message_dict == {"cancel_meeting_on": [too_early(days_ago(decided_on), label,
                                                                        days_ago(step_on))]}
    unchanged(file)


def test_the_service_takes_a_cancellation_on_the_day_of_the_latest_step(orgs, contact):
    file = extended(orgs, contact)
    services.applicant_cancel(applicant=file, reason=REASON, decided_on=days_ago(20), actor=SYSTEM)
    assert Applicant.objects.get(pk=file.pk).stage == Stage.CANCELLED


def test_the_disqualify_page_refuses_a_meeting_before_the_oath_on_record(orgs, contact, client_for, county_a_clerk):
    file = sworn_in(orgs, contact)
    page = client_for(county_a_clerk).post(step_page(file, "disqualify"),
                                           {"reason": REASON, "day": days_ago(365).isoformat()})
    assert page.status_code == 200
    assert too_early(days_ago(365), "入党宣誓日期", days_ago(360)) in page.content.decode()
    unchanged(file)


def test_a_batch_disqualification_before_the_extensions_meeting_is_refused(orgs, contact, client_for,
                                                                          county_a_clerk):
    file = extended(orgs, contact)
    text = batch(client_for(county_a_clerk), "applicant", "disqualify", [file.pk], reason=REASON,
                 day=days_ago(30).isoformat())
    assert too_early(days_ago(30), "延长预备期支部大会日期", days_ago(20)) in text, text
    unchanged(file)


def test_a_new_sheet_row_cannot_cancel_before_the_oath_it_carries(tmp_path, orgs, contact, county_a_clerk):
    # The row's 审批 is on day 490 and its 宣誓 on day 500; the 取消 between them.
    row = file_row(**{"取消资格或终止培养原因": REASON, CANCEL_COLUMN: sheet_day(495),
                      "培养联系人一身份证号": contact.id_number})
    result = run_sheet(tmp_path, [HEAD, row], ApplicantResource, county_a_clerk)
    assert not result.committed
    assert [(e.column, e.message) for e in result.errors] == [
        (CANCEL_COLUMN, too_early(datetime.date.fromisoformat(sheet_day(495)), "入党宣誓日期",
                                  datetime.date.fromisoformat(sheet_day(500))))]
    assert not Applicant.objects.filter(name="赵明").exists()


@pytest.mark.parametrize("oath_in_the_row", [True, False])
def test_a_sheet_row_cannot_cancel_a_stored_file_before_its_oath_on_record_or_in_the_row(
        tmp_path, orgs, contact, county_a_clerk, oath_in_the_row):
    file = probationary(orgs["community"], contact, vote_days_ago=400, oath=not oath_in_the_row)
    cells = {"取消资格或终止培养原因": REASON, CANCEL_COLUMN: days_ago(365).isoformat()}
    if oath_in_the_row:
        cells["入党宣誓日期"] = days_ago(360).isoformat()
    result = run_sheet(tmp_path, [HEAD, file_sheet_row(file, HEAD, **cells)], ApplicantResource, county_a_clerk)
    assert not result.committed
    assert [(e.column, e.message) for e in result.errors] == [
        (CANCEL_COLUMN, too_early(days_ago(365), "入党宣誓日期", days_ago(360)))]
    stored = Applicant.objects.get(pk=file.pk)
    assert (stored.stage, stored.oath_on) == (Stage.PROBATIONARY, None if oath_in_the_row else days_ago(360))
    unchanged(file)


# ---- not before the member's last transfer was received (党籍状态变更日期)

def test_the_service_refuses_a_cancellation_before_the_members_transfer_was_received_as_a_status_change(
        orgs, contact):
    file, received_on = moved(orgs, contact)
    member = Member.objects.get(pk=file.member_id)
    with pytest.raises(ValidationError) as cancelled:
        services.applicant_cancel(applicant=file, reason=REASON, decided_on=days_ago(7), actor=SYSTEM)
    with pytest.raises(ValidationError) as status:
        services.member_set_status(member=member, status=MemberStatus.DECEASED, changed_on=days_ago(7), actor=SYSTEM)
    assert cancelled.value.message_dict == {"cancel_meeting_on": [before_receipt(received_on)]}
    assert status.value.message_dict["status_changed_on"] == [before_receipt(received_on)]
    unchanged(file)
    services.applicant_cancel(applicant=file, reason=REASON, decided_on=received_on, actor=SYSTEM)
    assert Member.objects.get(pk=file.member_id).status_changed_on == received_on


def test_the_disqualify_page_and_batch_action_refuse_a_meeting_before_the_members_transfer_was_received(
        orgs, contact, client_for, county_a_clerk):
    file, received_on = moved(orgs, contact)
    client = client_for(county_a_clerk)
    page = client.post(step_page(file, "disqualify"), {"reason": REASON, "day": days_ago(7).isoformat()})
    assert page.status_code == 200 and before_receipt(received_on) in page.content.decode()
    text = batch(client, "applicant", "disqualify", [file.pk], reason=REASON, day=days_ago(7).isoformat())
    assert before_receipt(received_on) in text, text
    unchanged(file)


def test_a_sheet_row_cannot_cancel_a_stored_file_before_the_members_transfer_was_received(
        tmp_path, orgs, contact, county_a_clerk):
    file, received_on = moved(orgs, contact)
    row = file_sheet_row(file, HEAD, **{"取消资格或终止培养原因": REASON, CANCEL_COLUMN: days_ago(7).isoformat()})
    result = run_sheet(tmp_path, [HEAD, row], ApplicantResource, county_a_clerk)
    assert not result.committed
    assert [(e.column, e.message) for e in result.errors] == [(CANCEL_COLUMN, before_receipt(received_on))]
    unchanged(file)


def test_the_roster_does_not_follow_a_cancellation_dated_before_the_members_transfer_was_received(orgs, contact):
    """The sheet refuses such a row first; the roster's own check holds if one got by."""
    file, received_on = moved(orgs, contact)
    Applicant.objects.filter(pk=file.pk).update(stage=Stage.CANCELLED, closed_reason=REASON,
                                                cancel_meeting_on=days_ago(7))
    with pytest.raises(ValidationError) as error:
        services.applicants_to_roster(applicant_ids=[file.pk], actor=SYSTEM)
    assert error.value.message_dict == {"cancel_meeting_on": [before_receipt(received_on)]}
    assert Member.objects.get(pk=file.member_id).status == MemberStatus.ACTIVE
