"""取消预备党员资格 and 转正 change the member on the roster: while a transfer of his is
open (待转出确认 or 在途) they are refused on the step page, the batch action, the
applicants' sheet and the service, in the words 变更党籍状态 uses, so that no member
leaves the Party with his letter still on its way."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from branches.members import rules, services
from branches.members.models import Applicant, Member, MemberCategory, MemberStatus, Stage, Transfer, TransferState
from branches.members.resources import ApplicantResource
from orgwork.audit.models import AuditAction, AuditLog

from .conftest import SYSTEM, days_ago, file_sheet_row, probationary, run_sheet
from .test_applicant_sheet import HEAD
from .test_batch_parity import batch, step_page

pytestmark = pytest.mark.django_db


def with_open_transfer(orgs: Any, contact: Any, *, sent: bool) -> tuple[Applicant, Transfer]:
    """A sworn-in 预备党员 whose 预备期 has ended, with a letter to 七里河区 applied for
    (待转出确认) or, ``sent``, on its way (在途)."""
    file = probationary(orgs["community"], contact, vote_days_ago=400, oath=True)
    transfer = services.transfer_start(member=Member.objects.get(pk=file.member_id), to_branch=orgs["county_b"],
                                       letter_number="城组转〔2026〕31号", started_on=days_ago(6), actor=SYSTEM)
    if sent:
        transfer = services.transfer_send(transfer=transfer, sent_on=days_ago(5), valid_days=30, actor=SYSTEM)
    return file, transfer


def written() -> int:
    """The audit rows of changes (a page's login is audited too)."""
    return AuditLog.objects.filter(action__in=[AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE,
                                               AuditAction.TRANSITION]).count()


def refusal(file: Applicant) -> str:
    return f"「{file.name}」有未办结的组织关系转接，请先办结或退回介绍信。"


def unchanged(file: Applicant, transfer: Transfer, audits: int) -> None:
    stored = Applicant.objects.select_related("member").get(pk=file.pk)
    assert (stored.stage, stored.closed_reason, stored.full_on) == (Stage.PROBATIONARY, "", None)
    assert (stored.member.status, stored.member.category) == (MemberStatus.ACTIVE, MemberCategory.PROBATIONARY)
    assert Transfer.objects.get(pk=transfer.pk).state == transfer.state
    assert written() == audits


@pytest.mark.parametrize("sent", [False, True])
def test_the_disqualify_page_refuses_a_member_whose_transfer_is_open(orgs, contact, client_for, county_a_clerk, sent):
    file, transfer = with_open_transfer(orgs, contact, sent=sent)
    audits = written()
    page = client_for(county_a_clerk).post(step_page(file, "disqualify"),
                                           {"reason": "不履行党员义务", "day": days_ago(1).isoformat()})
    assert page.status_code == 200 and refusal(file) in page.content.decode()
    unchanged(file, transfer, audits)


def test_a_batch_disqualification_or_full_of_a_member_whose_letter_is_on_its_way_is_refused(
        orgs, contact, client_for, county_a_clerk):
    file, transfer = with_open_transfer(orgs, contact, sent=True)
    audits = written()
    client = client_for(county_a_clerk)
    text = batch(client, "applicant", "disqualify", [file.pk], reason="不履行党员义务", day=days_ago(1).isoformat())
    assert refusal(file) in text, text
    text = batch(client, "applicant", "make_full", [file.pk], day=rules.probation_end(file.vote_on).isoformat(),
                 expected="1", present="1", in_favour="1")
    assert refusal(file) in text, text
    unchanged(file, transfer, audits)


def test_the_applicants_sheet_cannot_disqualify_or_make_full_a_member_whose_transfer_is_open(
        tmp_path, orgs, contact, county_a_clerk):
    file, transfer = with_open_transfer(orgs, contact, sent=False)
    audits = written()
    ends = rules.probation_end(file.vote_on).isoformat()
    for cells, column in (({"取消资格或终止培养原因": "不履行党员义务", "取消预备党员资格支部大会日期": days_ago(1).isoformat()},
                           "取消资格或终止培养原因"),
                          ({"转正日期": ends, "讨论转正支部大会日期": ends, "转正表决应到会人数": "1",
                            "转正表决实到会人数": "1", "赞成转正人数": "1"}, "转正日期")):
        result = run_sheet(tmp_path, [HEAD, file_sheet_row(file, HEAD, **cells)], ApplicantResource, county_a_clerk)
        assert not result.committed
        assert [(e.column, e.message) for e in result.errors] == [(column, refusal(file))]
    unchanged(file, transfer, audits)


def test_the_services_refuse_in_the_words_of_the_status_change_and_take_the_step_once_the_letter_is_back(
        orgs, contact, county_a_clerk):
    file, transfer = with_open_transfer(orgs, contact, sent=True)
    with pytest.raises(ValidationError) as cancelled:
        services.applicant_cancel(applicant=file, reason="不履行党员义务", decided_on=days_ago(1), actor=county_a_clerk)
    with pytest.raises(ValidationError) as status:
        services.member_set_status(member=Member.objects.get(pk=file.member_id), status=MemberStatus.DECEASED,
                                   changed_on=days_ago(1), actor=county_a_clerk)
    assert cancelled.value.message_dict["stage"] == status.value.message_dict["status"] == [refusal(file)]
    services.transfer_return(transfer=transfer, reason="介绍信抬头有误", actor=SYSTEM)
    done = services.applicant_cancel(applicant=file, reason="不履行党员义务", decided_on=days_ago(1),
                                     actor=county_a_clerk)
    assert done.stage == Stage.CANCELLED
    assert Member.objects.get(pk=file.member_id).status == MemberStatus.EXPELLED
