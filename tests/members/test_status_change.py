"""变更党籍状态: the day and the grounds of a change are required and kept, on every path
that changes a member's status (the service, the member's page, the roster's batch
action, the sheets, 落实组织处置, 取消预备党员资格, 转出本省 and 省外转入)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from branches.members import services
from branches.members.models import Appraisal, AppraisalGrade, Disposal, LeavingOutcome, Member, MemberStatus
from branches.members.resources import MemberResource
from orgwork.audit.models import AuditLog

from .conftest import SYSTEM, add_member, days_ago, probationary, today
from .conftest import run_sheet as run
from .conftest import sheet_messages as messages

pytestmark = pytest.mark.django_db
DECISION = "城关区委组织部甘城组发〔2026〕12号除名决定"


def status_of(member: Member) -> tuple[str, datetime.date | None, str]:
    fresh = Member.objects.get(pk=member.pk)
    return fresh.status, fresh.status_changed_on, fresh.status_reason


def refused(member: Member, **kwargs) -> dict[str, list[str]]:
    kwargs.setdefault("status", MemberStatus.EXPELLED)
    kwargs.setdefault("reason", DECISION)
    with pytest.raises(ValidationError) as error:
        services.member_set_status(member=member, actor=SYSTEM, **kwargs)
    assert status_of(member) == (MemberStatus.ACTIVE, None, "")
    return error.value.message_dict


# --- the service's rules -----------------------------------------------------------------

def test_a_status_change_without_a_date_is_refused(member):
    assert refused(member, changed_on=None)["status_changed_on"] == ["请填写党籍状态变更日期。"]


def test_a_status_change_dated_in_the_future_is_refused(member):
    assert "不能晚于今天" in refused(member, changed_on=today() + datetime.timedelta(days=1))["status_changed_on"][0]


def test_a_status_change_dated_before_joining_is_refused(member):
    message = refused(member, changed_on=datetime.date(2000, 6, 30))["status_changed_on"][0]
    assert "不能早于入党日期（2000-07-01）" in message


@pytest.mark.parametrize("status, words", [(MemberStatus.EXPELLED, "出党须写明"),
                                           (MemberStatus.SUSPENDED, "停止党籍须写明")])
def test_leaving_by_expulsion_or_suspension_without_a_reason_is_refused(member, status, words):
    assert words in refused(member, status=status, changed_on=days_ago(3), reason="  ")["status_reason"][0]


def test_a_death_needs_only_its_date(member):
    services.member_set_status(member=member, status=MemberStatus.DECEASED, changed_on=days_ago(5), actor=SYSTEM)
    assert status_of(member) == (MemberStatus.DECEASED, days_ago(5), "")


def test_the_date_and_reason_are_kept_on_the_member_and_in_its_one_audit_row(member):
    before = AuditLog.objects.count()
    services.member_set_status(member=member, status=MemberStatus.EXPELLED, changed_on=days_ago(3),
                               reason=f" {DECISION} ", actor=SYSTEM)
    assert status_of(member) == (MemberStatus.EXPELLED, days_ago(3), DECISION)
    rows = AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(Member), object_id=str(member.pk))
    assert AuditLog.objects.count() == before + 1
    assert rows.latest("pk").changes == {"status": ["active", "expelled"],
                                         "status_changed_on": [None, days_ago(3).isoformat()],
                                         "status_reason": ["", DECISION]}


def test_coming_back_on_the_roll_needs_its_grounds_and_records_its_own_date(member):
    services.member_set_status(member=member, status=MemberStatus.SUSPENDED, changed_on=days_ago(60),
                               reason="甘城组发〔2026〕3号停止党籍决定", actor=SYSTEM)
    with pytest.raises(ValidationError) as error:
        services.member_set_status(member=member, status=MemberStatus.ACTIVE, changed_on=days_ago(2), actor=SYSTEM)
    assert "恢复在册须写明依据" in error.value.message_dict["status_reason"][0]
    services.member_set_status(member=member, status=MemberStatus.ACTIVE, changed_on=days_ago(2),
                               reason="甘城组发〔2026〕9号恢复党籍决定", actor=SYSTEM)
    assert status_of(member) == (MemberStatus.ACTIVE, days_ago(2), "甘城组发〔2026〕9号恢复党籍决定")
    # The change it undid stays in the trail.
    trail = AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(Member), object_id=str(member.pk),
                                    changes__has_key="status_reason").order_by("pk")
    assert [row.changes["status_reason"][1] for row in trail] == ["甘城组发〔2026〕3号停止党籍决定",
                                                                  "甘城组发〔2026〕9号恢复党籍决定"]


def test_a_change_dated_before_the_change_it_follows_is_refused(member):
    services.member_set_status(member=member, status=MemberStatus.SUSPENDED, changed_on=days_ago(10),
                               reason="停止党籍决定", actor=SYSTEM)
    with pytest.raises(ValidationError) as error:
        services.member_set_status(member=member, status=MemberStatus.ACTIVE, changed_on=days_ago(11),
                                   reason="恢复党籍决定", actor=SYSTEM)
    assert f"不能早于上一次变更的日期（{days_ago(10):%Y-%m-%d}）" in error.value.message_dict["status_changed_on"][0]


def test_the_database_refuses_a_status_date_before_joining_and_a_reason_without_a_date(member):
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(status_changed_on=datetime.date(1999, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(status_reason="无日期的原因")


# --- the member's page and the roster's batch action ------------------------------------

def test_the_status_step_refuses_a_missing_date_and_reason_under_their_fields(member, client_for, county_a_clerk):
    page = client_for(county_a_clerk).post(f"/admin/members/member/{member.pk}/status/", {"status": "expelled"})
    assert page.status_code == 200
    form = page.context["form"]
    assert form.errors["changed_on"] == ["请填写党籍状态变更日期。"]
    assert "出党须写明" in form.errors["reason"][0]
    assert status_of(member)[0] == MemberStatus.ACTIVE


def test_the_status_step_records_the_date_and_reason_shown_read_only_on_the_members_page(
        member, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    done = client.post(f"/admin/members/member/{member.pk}/status/",
                       {"status": "suspended", "changed_on": f"{days_ago(4):%Y-%m-%d}", "reason": "停止党籍决定"})
    assert done.status_code == 302
    assert status_of(member) == (MemberStatus.SUSPENDED, days_ago(4), "停止党籍决定")
    page = client.get(reverse("admin:members_member_change", args=[member.pk]))
    text = page.content.decode()
    assert "党籍状态变更日期" in text and "停止党籍决定" in text
    assert 'name="status_reason"' not in text and 'name="status_changed_on"' not in text


def test_the_roster_batch_action_refuses_an_expulsion_without_a_reason(orgs, member, client_for, county_a_clerk):
    other = add_member(orgs["community"], "李四")
    page = client_for(county_a_clerk).post(reverse("admin:members_member_changelist"), {
        "action": "set_status", "_selected_action": [member.pk, other.pk], "apply": "1", "status": "expelled",
        "changed_on": f"{days_ago(1):%Y-%m-%d}", "reason": ""}, follow=True)
    assert "出党须写明原因或依据" in page.content.decode()
    assert status_of(member)[0] == status_of(other)[0] == MemberStatus.ACTIVE


def test_the_roster_batch_action_records_the_date_and_reason_on_each_member(orgs, member, client_for, county_a_clerk):
    other = add_member(orgs["community"], "李四")
    client_for(county_a_clerk).post(reverse("admin:members_member_changelist"), {
        "action": "set_status", "_selected_action": [member.pk, other.pk], "apply": "1", "status": "deceased",
        "changed_on": f"{days_ago(1):%Y-%m-%d}", "reason": "家属告知"}, follow=True)
    assert status_of(member) == status_of(other) == (MemberStatus.DECEASED, days_ago(1), "家属告知")


# --- the sheets ---------------------------------------------------------------------------

ROSTER_HEAD = ["姓名", "身份证号", "党支部代码", "党员类别", "入党日期", "转正日期", "党费类别", "党费计算基数（元/月）",
               "党籍状态"]


def test_a_roster_sheet_cannot_change_a_members_status(tmp_path, orgs, member, county_a_clerk):
    """The sheet's 党籍状态 column is read-only: a status changes only through 变更党籍状态."""
    result = run(tmp_path, [ROSTER_HEAD, [member.name, member.id_number, "A-SQ", "正式党员", "2000-07-01",
                                          "2001-07-01", "在职", "4000", "出党"]], MemberResource, county_a_clerk)
    assert not result.errors, messages(result)
    assert status_of(member) == (MemberStatus.ACTIVE, None, "")


# --- the other services that move a member off the roll or back ---------------------------

def test_carrying_out_a_disposal_records_the_approval_as_the_status_change(orgs, member):
    year = today().year - 1
    appraisal = services.appraisal_save(appraisal=Appraisal(
        member=member, year=year, grade=AppraisalGrade.UNQUALIFIED, decided_on=datetime.date(year, 12, 20),
        disposal=Disposal.REMOVE), actor=SYSTEM)
    services.appraisal_carry_out(appraisal=appraisal, outcome=LeavingOutcome.REMOVED, approved_on=days_ago(1),
                                 approved_by="中共城关区委", actor=SYSTEM)
    assert status_of(member) == (MemberStatus.EXPELLED, days_ago(1), "民主评议不合格，予以除名（中共城关区委批准）")


def test_cancelling_a_probationer_records_the_meeting_as_the_status_change(orgs):
    contact = add_member(orgs["community"], "联系人")
    file = probationary(orgs["community"], contact, vote_days_ago=100)
    services.applicant_cancel(applicant=file, reason="不履行党员义务", decided_on=days_ago(5), actor=SYSTEM)
    assert status_of(Member.objects.get(pk=file.member_id)) == (MemberStatus.EXPELLED, days_ago(5),
                                                                "取消预备党员资格：不履行党员义务")


def test_a_transfer_out_of_the_province_is_dated_by_its_letter_and_keeps_the_receipt_on_the_transfer(
        member, county_a_clerk):
    """One leaving date: the relationship left with the letter, the month the dues stop too."""
    t = services.transfer_start(member=member, destination="陕西省西安市某党支部", letter_number="甘转〔2026〕7号",
                                started_on=days_ago(20), actor=SYSTEM)
    services.transfer_send(transfer=t, sent_on=days_ago(18), valid_days=30, actor=SYSTEM)
    t = services.transfer_receive(transfer=t, received_on=days_ago(3), actor=county_a_clerk)
    assert status_of(member) == (MemberStatus.TRANSFERRED_OUT, days_ago(18),
                                 "组织关系转往陕西省西安市某党支部（介绍信 甘转〔2026〕7号）")
    assert t.received_on == days_ago(3)


def test_a_return_from_outside_the_province_records_its_date(orgs, member, county_a_clerk):
    t = services.transfer_start(member=member, destination="陕西省某党支部", letter_number="甘转〔2026〕8号",
                                started_on=days_ago(40), actor=SYSTEM)
    services.transfer_send(transfer=t, sent_on=days_ago(38), valid_days=30, actor=SYSTEM)
    services.transfer_receive(transfer=t, received_on=days_ago(30), actor=county_a_clerk)
    services.transfer_in_from_outside(member=Member.objects.get(pk=member.pk), to_branch=orgs["community"],
                                      origin="陕西省某党支部", letter_number="陕转〔2026〕2号", sent_on=days_ago(6),
                                      valid_days=30, received_on=days_ago(2), actor=county_a_clerk)
    status, day, reason = status_of(member)
    assert (status, day) == (MemberStatus.ACTIVE, days_ago(2)) and "陕转〔2026〕2号" in reason


def test_a_probationer_admitted_and_cancelled_by_the_applicants_sheet_is_dated_by_its_meeting(orgs):
    """The applicants' sheet moves the roster through :func:`services.applicants_to_roster`:
    a 取消 it carries is dated by the 支部大会 and says its reason (the sheet itself is tested
    in test_cancel_meeting)."""
    contact = add_member(orgs["community"], "联系人")
    file = probationary(orgs["community"], contact, vote_days_ago=100)
    file.stage, file.cancel_meeting_on, file.closed_reason = "cancelled", days_ago(7), "预备期内不履行义务"
    file.save(update_fields=["stage", "cancel_meeting_on", "closed_reason"])
    assert services.applicants_to_roster(applicant_ids=[file.pk], actor=SYSTEM).count == 1
    assert status_of(Member.objects.get(pk=file.member_id)) == (MemberStatus.EXPELLED, days_ago(7),
                                                                "取消预备党员资格：预备期内不履行义务")


# --- a member who has left the Party (出党) -----------------------------------------------

def expelled(member: Member, on: datetime.date) -> Member:
    return services.member_set_status(member=member, status=MemberStatus.EXPELLED, changed_on=on, reason=DECISION,
                                      actor=SYSTEM)


@pytest.mark.parametrize("status", [MemberStatus.DECEASED, MemberStatus.SUSPENDED])
def test_a_member_who_has_left_the_party_cannot_be_recorded_as_dead_or_suspended(member, status):
    expelled(member, days_ago(10))
    with pytest.raises(ValidationError) as error:
        services.member_set_status(member=member, status=status, changed_on=days_ago(2), reason="家属告知",
                                   actor=SYSTEM)
    assert error.value.message_dict["status"] == [
        f"「{member.name}」已于{days_ago(10):%Y-%m-%d}出党，不再登记为党员去世或停止党籍；恢复党籍的，请变更为“在册”。"]
    assert status_of(member) == (MemberStatus.EXPELLED, days_ago(10), DECISION)


def test_a_member_who_has_left_the_party_can_be_brought_back_on_the_roll(member):
    expelled(member, days_ago(10))
    services.member_set_status(member=member, status=MemberStatus.ACTIVE, changed_on=days_ago(2),
                               reason="甘城组发〔2026〕20号恢复党籍决定", actor=SYSTEM)
    assert status_of(member) == (MemberStatus.ACTIVE, days_ago(2), "甘城组发〔2026〕20号恢复党籍决定")


def test_the_death_of_a_suspended_member_may_be_recorded(member):
    """停止党籍 is for a member out of contact: he is still the Party's, and his death is recorded."""
    services.member_set_status(member=member, status=MemberStatus.SUSPENDED, changed_on=days_ago(10),
                               reason="失去联系", actor=SYSTEM)
    services.member_set_status(member=member, status=MemberStatus.DECEASED, changed_on=days_ago(2), actor=SYSTEM)
    assert status_of(member)[:2] == (MemberStatus.DECEASED, days_ago(2))


def test_the_roster_batch_action_refuses_the_death_of_a_member_who_has_left_the_party(
        orgs, member, client_for, county_a_clerk):
    expelled(member, days_ago(10))
    other = add_member(orgs["community"], "李四")
    # The expelled member is on the list under 全部 (the roster shows 在册 until another is picked).
    page = client_for(county_a_clerk).post(reverse("admin:members_member_changelist") + "?status__exact=all", {
        "action": "set_status", "_selected_action": [member.pk, other.pk], "apply": "1", "status": "deceased",
        "changed_on": f"{days_ago(1):%Y-%m-%d}", "reason": ""}, follow=True)
    assert f"已于{days_ago(10):%Y-%m-%d}出党，不再登记为党员去世或停止党籍" in page.content.decode()
    assert status_of(member) == (MemberStatus.EXPELLED, days_ago(10), DECISION)
    assert status_of(other)[0] == MemberStatus.DECEASED


def test_the_status_step_shows_the_refusal_under_the_status_of_a_member_who_has_left_the_party(
        member, client_for, county_a_clerk):
    expelled(member, days_ago(10))
    page = client_for(county_a_clerk).post(f"/admin/members/member/{member.pk}/status/", {
        "status": "deceased", "changed_on": f"{days_ago(1):%Y-%m-%d}", "reason": ""})
    assert page.status_code == 200
    assert "不再登记为党员去世或停止党籍" in str(page.context["form"].errors["status"])
    assert status_of(member)[0] == MemberStatus.EXPELLED
