"""A 预备党员's 转正 and 取消预备党员资格 move his record on the roster: they are taken only
where his relationship now is, and only while he is on the roll. The applicants' sheet
holds the same line as the step page and the batch action, in the same words
(:func:`services.file_member_error`), and refuses the row whole."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from branches.members import rules, services
from branches.members.models import Applicant, Member, MemberStatus, Stage
from branches.members.resources import ApplicantResource
from orgwork.audit.models import AuditLog

from .conftest import VOTE_COUNT, days_ago, file_sheet_row, probationary, run_sheet
from .test_applicant_sheet import HEAD
from .test_batch_parity import batch, step_page

pytestmark = pytest.mark.django_db


def cancellation() -> dict[str, str]:
    return {"取消资格或终止培养原因": "不履行党员义务", "取消预备党员资格支部大会日期": days_ago(2).isoformat()}


def sworn_file(orgs: Any, contact: Any) -> Applicant:
    """A 预备党员 of the community branch, sworn in, whose 预备期 ended a month ago."""
    return probationary(orgs["community"], contact, vote_days_ago=400, oath=True)


def moved(orgs: Any, contact: Any) -> Applicant:
    """The file of a 预备党员 whose relationship went to 七里河区 and whose file stayed behind
    (as transfers received before the file followed its member left it)."""
    file = sworn_file(orgs, contact)
    Member.objects.filter(pk=file.member_id).update(branch=orgs["county_b"])
    return Applicant.objects.get(pk=file.pk)


def full_cells(file: Applicant) -> dict[str, str]:
    ends = rules.probation_end(file.vote_on).isoformat()
    return {"转正日期": ends, "讨论转正支部大会日期": ends, "转正表决应到会人数": "1", "转正表决实到会人数": "1",
            "赞成转正人数": "1"}


def sheet(tmp_path: Any, file: Applicant, user: Any, **cells: str) -> Any:
    return run_sheet(tmp_path, [HEAD, file_sheet_row(file, HEAD, **cells)], ApplicantResource, user)


def nothing_written(file: Applicant, audits: int) -> None:
    stored = Applicant.objects.select_related("member").get(pk=file.pk)
    assert stored.stage == Stage.PROBATIONARY and not stored.closed_reason and stored.full_on is None
    assert (stored.member.status, stored.member.category) == (MemberStatus.ACTIVE, "probationary")
    assert AuditLog.objects.count() == audits


def test_the_applicants_sheet_cannot_disqualify_a_member_now_in_another_county_and_says_what_the_page_says(
        tmp_path, orgs, contact, client_for, county_a_clerk):
    file = moved(orgs, contact)
    said = f"「{file.name}」的组织关系已转至其他党组织，请由其现所在党组织办理。"
    page = client_for(county_a_clerk).post(step_page(file, "disqualify"),
                                           {"reason": "不履行党员义务", "day": days_ago(2).isoformat()})
    assert page.status_code == 200 and said in page.content.decode()
    audits = AuditLog.objects.count()
    result = sheet(tmp_path, file, county_a_clerk, **cancellation())
    assert not result.committed
    assert [(e.column, e.message) for e in result.errors] == [("取消资格或终止培养原因", said)]
    nothing_written(file, audits)


def test_the_applicants_sheet_cannot_make_full_a_member_now_in_another_county(tmp_path, orgs, contact,
                                                                              county_a_clerk):
    file = moved(orgs, contact)
    audits = AuditLog.objects.count()
    result = sheet(tmp_path, file, county_a_clerk, **full_cells(file))
    assert not result.committed
    assert [(e.column, e.message) for e in result.errors] == [
        ("转正日期", f"「{file.name}」的组织关系已转至其他党组织，请由其现所在党组织办理。")]
    nothing_written(file, audits)


@pytest.mark.parametrize("status", [MemberStatus.SUSPENDED, MemberStatus.EXPELLED])
def test_the_applicants_sheet_cannot_move_on_a_member_who_is_off_the_roll(tmp_path, orgs, contact, county_a_clerk,
                                                                         status):
    file = sworn_file(orgs, contact)
    Member.objects.filter(pk=file.member_id).update(status=status, status_changed_on=days_ago(20),
                                                    status_reason="支部决定")  # as an older release could leave it
    said = f"「{file.name}」在党员名册中的党籍状态为{MemberStatus(status).label}，不能办理。"
    with pytest.raises(ValidationError) as refused:
        services.applicant_make_full(**VOTE_COUNT, applicant=file, decided_on=days_ago(1), actor=county_a_clerk)
    assert refused.value.message_dict == {"stage": [said]}
    audits = AuditLog.objects.count()
    for cells, column in ((full_cells(file), "转正日期"), (cancellation(), "取消资格或终止培养原因")):
        result = sheet(tmp_path, file, county_a_clerk, **cells)
        assert not result.committed and [(e.column, e.message) for e in result.errors] == [(column, said)]
    assert Member.objects.get(pk=file.member_id).status == status
    assert Applicant.objects.get(pk=file.pk).stage == Stage.PROBATIONARY and AuditLog.objects.count() == audits


def test_a_batch_disqualification_of_a_member_off_the_roll_gives_the_sheets_reason(orgs, contact, client_for,
                                                                                  county_a_clerk):
    file = sworn_file(orgs, contact)
    Member.objects.filter(pk=file.member_id).update(status=MemberStatus.SUSPENDED, status_changed_on=days_ago(20),
                                                    status_reason="失去联系")
    text = batch(client_for(county_a_clerk), "applicant", "disqualify", [file.pk], reason="不履行党员义务",
                 day=days_ago(2).isoformat())
    assert f"「{file.name}」在党员名册中的党籍状态为停止党籍，不能办理。" in text, text
    assert Applicant.objects.get(pk=file.pk).stage == Stage.PROBATIONARY


def test_the_roster_follow_of_the_sheet_refuses_a_member_out_of_reach_by_itself(orgs, contact, county_a_clerk):
    file = moved(orgs, contact)
    Applicant.objects.filter(pk=file.pk).update(stage=Stage.CANCELLED, closed_reason="违纪",
                                                cancel_meeting_on=days_ago(2))
    with pytest.raises(ValidationError, match="请由其现所在党组织办理"):
        services.applicants_to_roster(applicant_ids=[file.pk], actor=county_a_clerk)
    assert Member.objects.get(pk=file.member_id).status == MemberStatus.ACTIVE


def test_the_county_the_member_is_in_now_is_not_refused_by_the_sheet(tmp_path, orgs, contact, province_officer):
    file = moved(orgs, contact)
    result = sheet(tmp_path, file, province_officer, **cancellation())
    assert result.committed, result.errors
    assert Member.objects.get(pk=file.member_id).status == MemberStatus.EXPELLED
