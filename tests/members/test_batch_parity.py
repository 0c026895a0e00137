"""The list's batch actions take a step only where the record's page would offer it, and
the services hold the same line for any caller: a step already taken is not taken again,
a member who died, left or moved is not changed from the old branch, and a relationship
moves only for a member on the roll."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members import rules, services
from branches.members.models import Applicant, DuesRecord, Member, MemberStatus, Stage, Transfer, TransferState
from orgwork.audit.models import AuditAction, AuditLog

from .conftest import SYSTEM, VOTE_COUNT, activist, add_member, candidate, days_ago, new_applicant, probationary, today

pytestmark = pytest.mark.django_db


def batch(client: Any, model: str, action: str, pks: list[Any], **data: Any) -> str:
    page = client.post(reverse(f"admin:members_{model}_changelist"),
                       {"action": action, "_selected_action": pks, "apply": "1", **data}, follow=True)
    assert page.status_code == 200
    return page.content.decode()


def step_page(record: Any, path: str) -> str:
    return f"/admin/members/{record._meta.model_name}/{record.pk}/{path}/"


def test_a_batch_talk_on_a_file_already_talked_to_changes_nothing(orgs, client_for, county_a_clerk):
    applied = new_applicant(orgs["community"], applied_on=days_ago(60))
    services.applicant_talk(applicant=applied, talked_on=days_ago(40), late_reason="外出务工", actor=SYSTEM)
    text = batch(client_for(county_a_clerk), "applicant", "talk", [applied.pk], day=days_ago(50).isoformat(),
                 late_reason="")
    assert "当前不能办理" in text
    stored = Applicant.objects.get(pk=applied.pk)
    assert (stored.talked_on, stored.talk_late_reason) == (days_ago(40), "外出务工")
    with pytest.raises(ValidationError, match="不能再次登记"):
        services.applicant_talk(applicant=applied, talked_on=days_ago(50), late_reason="x", actor=county_a_clerk)


def test_an_oath_is_recorded_once_and_an_extension_waits_for_the_approval(orgs, member, client_for, county_a_clerk):
    sworn = probationary(orgs["community"], member, vote_days_ago=100)
    services.applicant_oath(applicant=sworn, oath_on=days_ago(60), actor=SYSTEM)
    assert "当前不能办理" in batch(client_for(county_a_clerk), "applicant", "oath", [sworn.pk],
                                 day=days_ago(10).isoformat())
    assert Applicant.objects.get(pk=sworn.pk).oath_on == days_ago(60)
    with pytest.raises(ValidationError, match="不能再次登记"):
        services.applicant_oath(applicant=sworn, oath_on=days_ago(10), actor=county_a_clerk)
    voted = services.applicant_admit(**VOTE_COUNT, applicant=candidate(orgs["community"], member, applied_days_ago=600),
                                     vote_on=days_ago(20), actor=SYSTEM)
    assert "当前不能办理" in batch(client_for(county_a_clerk), "applicant", "extend", [voted.pk], months="6",
                 day=days_ago(0).isoformat())
    with pytest.raises(ValidationError, match="尚未审批"):
        services.applicant_extend_probation(applicant=voted, months=6, decided_on=days_ago(0),
                                            actor=county_a_clerk)
    assert Applicant.objects.get(pk=voted.pk).probation_extended_months == 0


def test_a_batch_refusal_names_the_step_once_and_gives_the_reason_its_service_gives(orgs, client_for,
                                                                                   county_a_clerk):
    applied = new_applicant(orgs["community"], applied_on=days_ago(60))
    services.applicant_talk(applicant=applied, talked_on=days_ago(40), late_reason="外出务工", actor=SYSTEM)
    written = AuditLog.objects.filter(object_id=str(applied.pk))
    before = written.count()
    text = batch(client_for(county_a_clerk), "applicant", "talk", [applied.pk], day=days_ago(30).isoformat(),
                 late_reason="补谈")
    assert (f"「{applied.batch_label}」：当前不能办理谈话（已于 {days_ago(40):%Y-%m-%d} 登记谈话，不能再次登记）。"
            in text), text
    assert "办理「办理" not in text
    assert written.count() == before  # the call that found the reason was rolled back
    assert Applicant.objects.get(pk=applied.pk).talk_late_reason == "外出务工"


@pytest.mark.parametrize("trip", [Applicant.DoesNotExist, AttributeError])
def test_a_batch_refusal_whose_service_trips_over_the_record_is_refused_without_a_reason_not_a_500(
        orgs, rf, county_a_clerk, trip):
    from orgwork.admin_steps import RecordStep, RecordStepsMixin

    def service(record: Any, actor: Any, data: dict[str, Any]) -> Any:
        raise trip("not a record this step is for")

    step = RecordStep(name="talk", label="办理谈话", permission="members.change_applicant", applies=lambda r: True,
                      run=service, verb="谈话")
    request = rf.post("/")
    request.user = county_a_clerk
    refused = RecordStepsMixin.batch_refusal(request, new_applicant(orgs["community"], applied_on=days_ago(5)), step, {})
    assert refused == f"当前不能{step.words}。"

def test_a_batch_extension_before_the_approval_says_the_approval_is_missing(orgs, member, client_for,
                                                                            county_a_clerk):
    voted = services.applicant_admit(**VOTE_COUNT, applicant=candidate(orgs["community"], member, applied_days_ago=600),
                                     vote_on=days_ago(20), actor=SYSTEM)
    text = batch(client_for(county_a_clerk), "applicant", "extend", [voted.pk], months="6",
                 day=days_ago(0).isoformat())
    assert "当前不能办理延长预备期（上级党委尚未审批，不能延长预备期）。" in text, text


def test_a_step_that_sets_what_the_record_holds_writes_no_audit_row(orgs, member):
    from orgwork.common.contract import perform

    def same_name(locked: Member) -> list[str]:
        locked.name = member.name
        return ["name"]

    before = AuditLog.objects.count()
    perform(Member.objects.all(), member.pk, actor=SYSTEM, permission=None, label="维护党员名册", what="党员",
            apply=same_name, action=AuditAction.TRANSITION, message="无变化的一步")
    assert AuditLog.objects.count() == before


def test_a_preparation_step_with_nothing_filled_in_is_refused(orgs, member):
    file = candidate(orgs["community"], member, applied_days_ago=600)
    with pytest.raises(ValidationError, match="没有填写新的"):
        services.applicant_record_preparation(applicant=file, actor=SYSTEM)


def test_training_beyond_a_year_is_refused_on_the_page_not_a_server_error(orgs, member, client_for, county_a_clerk):
    file = candidate(orgs["community"], member, applied_days_ago=600, prepared=False)
    page = client_for(county_a_clerk).post(step_page(file, "record-preparation"), {"training_days": "40000"})
    assert page.status_code == 200 and "40000" in page.content.decode()
    assert Applicant.objects.get(pk=file.pk).training_days == 0


@pytest.mark.parametrize("forged", ["abc", "99999999999999999999"])  # no key; beyond the key column
def test_a_forged_selection_is_refused_with_a_message_not_a_server_error(orgs, member, client_for, county_a_clerk,
                                                                         forged):
    page = client_for(county_a_clerk).post(reverse("admin:members_member_changelist"),
                                           {"action": "set_status", "_selected_action": [forged], "apply": "1",
                                            "status": MemberStatus.SUSPENDED, "changed_on": f"{today():%Y-%m-%d}", "reason": "支部决定"}, follow=True)
    assert page.status_code == 200 and "所选记录无效" in page.content.decode()


def test_a_member_whose_letter_is_on_its_way_keeps_the_status_until_it_is_settled(orgs, member, county_a_clerk):
    transfer = services.transfer_start(member=member, letter_number="甘转2号", started_on=days_ago(5),
                                       destination="北京市某党支部", actor=SYSTEM)
    services.transfer_send(transfer=transfer, sent_on=days_ago(4), valid_days=30, actor=SYSTEM)
    with pytest.raises(ValidationError, match="未办结的组织关系转接"):
        services.member_set_status(member=member, status=MemberStatus.DECEASED, changed_on=today(), reason="支部决定", actor=county_a_clerk)
    Member.objects.filter(pk=member.pk).update(status=MemberStatus.DECEASED)  # as an older release could leave it
    with pytest.raises(ValidationError, match="组织关系不能转接"):
        services.transfer_receive(transfer=transfer, received_on=days_ago(1), actor=county_a_clerk)
    assert Member.objects.get(pk=member.pk).status == MemberStatus.DECEASED
    assert Transfer.objects.get(pk=transfer.pk).state == TransferState.IN_TRANSIT


def test_the_sending_side_records_the_receipt_of_a_letter_out_of_the_province_on_its_page(
        orgs, member, client_for, county_a_clerk):
    transfer = services.transfer_start(member=member, letter_number="甘转3号", started_on=days_ago(5),
                                       destination="北京市某党支部", actor=SYSTEM)
    services.transfer_send(transfer=transfer, sent_on=days_ago(4), valid_days=30, actor=SYSTEM)
    client = client_for(county_a_clerk)
    assert client.get(step_page(transfer, "receipt")).status_code == 200  # 登记回执, not 接收组织关系
    assert client.post(step_page(transfer, "receipt"), {"day": days_ago(1).isoformat()}).status_code == 302
    assert Transfer.objects.get(pk=transfer.pk).received_on == days_ago(1)
    assert Member.objects.get(pk=member.pk).status == MemberStatus.TRANSFERRED_OUT


def test_a_file_whose_member_moved_to_another_county_is_not_closed_from_the_old_branch(
        orgs, member, client_for, county_a_clerk):
    file = probationary(orgs["community"], member, vote_days_ago=100)
    moved = Member.objects.get(pk=file.member_id)
    transfer = services.transfer_start(member=moved, to_branch=orgs["county_b"], letter_number="甘转4号",
                                       started_on=days_ago(5), actor=SYSTEM)
    services.transfer_send(transfer=transfer, sent_on=days_ago(4), valid_days=30, actor=SYSTEM)
    services.transfer_receive(transfer=transfer, received_on=days_ago(3), actor=SYSTEM)
    # Left behind, as a receipt did before the open file followed its member.
    Applicant.objects.filter(pk=file.pk).update(branch=orgs["community"])
    text = batch(client_for(county_a_clerk), "applicant", "disqualify", [file.pk], reason="违纪",
                 day=days_ago(2).isoformat())
    assert "现所在党组织办理" in text
    assert Member.objects.get(pk=moved.pk).status == MemberStatus.ACTIVE
    assert Applicant.objects.get(pk=file.pk).stage == Stage.PROBATIONARY


def test_a_member_whose_file_was_cancelled_or_who_died_is_not_put_back_on_the_roll(orgs, member, county_a_clerk):
    file = probationary(orgs["community"], member, vote_days_ago=100)
    services.applicant_cancel(applicant=file, reason="违纪", decided_on=days_ago(2), actor=SYSTEM)
    with pytest.raises(ValidationError, match="不能恢复为在册"):
        services.member_set_status(member=Member.objects.get(pk=file.member_id), status=MemberStatus.ACTIVE,
                                   changed_on=today(), reason="支部决定", actor=county_a_clerk)
    services.member_set_status(member=member, status=MemberStatus.DECEASED, changed_on=today(), reason="支部决定", actor=county_a_clerk)
    with pytest.raises(ValidationError, match="已登记去世"):
        services.member_set_status(member=member, status=MemberStatus.ACTIVE, changed_on=today(), reason="支部决定", actor=county_a_clerk)


def test_dues_are_generated_for_the_last_twelve_months_only(orgs, member, county_a_clerk):
    earliest = rules.add_months(today().replace(day=1), -12)
    with pytest.raises(ValidationError, match="只能生成最近12个月"):
        services.dues_generate_month(month=rules.add_months(earliest, -1), actor=county_a_clerk)
    assert not DuesRecord.objects.exists()
    assert services.dues_generate_month(month=earliest, actor=county_a_clerk) == 1


def test_a_transfer_cannot_be_dated_before_the_member_joined(orgs, member, county_a_clerk):
    with pytest.raises(ValidationError, match="不能早于入党日期"):
        services.transfer_start(member=member, letter_number="甘转5号", started_on=datetime.date(1901, 1, 1),
                                destination="北京市某党支部", actor=county_a_clerk)
    assert not Transfer.objects.exists()


def test_the_batch_withdrawal_and_disqualification_close_each_its_own_stage_as_the_pages_would(
        orgs, member, client_for, county_a_clerk):
    vetted = probationary(orgs["community"], member, vote_days_ago=100)
    applied = new_applicant(orgs["community"], applied_on=days_ago(20), name="申请人")
    sworn = activist(orgs["community"], member)
    client = client_for(county_a_clerk)
    text = batch(client, "applicant", "withdraw", [vetted.pk, applied.pk, sworn.pk], reason="本人申请")
    assert "当前不能办理终止培养" in text
    assert [Applicant.objects.get(pk=a.pk).stage for a in (vetted, applied, sworn)] == [
        Stage.PROBATIONARY, Stage.WITHDRAWN, Stage.WITHDRAWN]
    batch(client, "applicant", "disqualify", [vetted.pk], reason="不履行党员义务", day=days_ago(5).isoformat())
    stored = Applicant.objects.get(pk=vetted.pk)
    assert (stored.stage, stored.cancel_meeting_on) == (Stage.CANCELLED, days_ago(5))
