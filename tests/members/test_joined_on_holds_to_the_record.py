"""入党日期 corrected on the member's page or the roster sheet may not come after what is on
record for the member — a 组织关系转接, a 民主评议 (its year and 支部大会评定日期), a 党费
month — each of which would be refused against it if recorded afresh. A record on file
edited in other fields still saves. 登记回执 of a letter out of the province refuses in
Chinese, not with a server error, a member whose record (as written before the rule) would
date his 转出 before his 入党日期 or his last change of 党籍状态."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members import services
from branches.members.models import Appraisal, DuesRecord, Member, MemberStatus, Transfer, TransferState
from branches.members.resources import MemberResource

from .conftest import SYSTEM, add_member, days_ago, today
from .conftest import run_sheet as run
from .conftest import sheet_messages as messages

pytestmark = pytest.mark.django_db

JOINED, FULL = datetime.date(2010, 7, 1), datetime.date(2011, 7, 1)
LATER, LATER_FULL = datetime.date(2022, 7, 1), datetime.date(2023, 7, 1)
ON_RECORD = "入党日期（2022-07-01）不能晚于该党员已有的记录：组织关系转接（2018-03-01）、2015年度民主评议。请核对入党日期。"
ROSTER_HEAD = ["姓名", "身份证号", "党支部代码", "党员类别", "入党日期", "转正日期", "党费类别", "党费计算基数（元/月）",
               "欠缴原因"]


def with_a_record(orgs: Any) -> Member:
    """Joined 2010, appraised for 2015, moved to the village branch in 2018."""
    member = add_member(orgs["community"], joined_on=JOINED)
    services.appraisal_save(appraisal=Appraisal(member=member, year=2015, grade="qualified",
                                                decided_on=datetime.date(2016, 1, 10)), actor=SYSTEM)
    t = services.transfer_start(member=member, to_branch=orgs["village"], letter_number="城组转〔2018〕3号",
                                started_on=datetime.date(2018, 3, 1), actor=SYSTEM)
    t = services.transfer_send(transfer=t, sent_on=datetime.date(2018, 3, 2), valid_days=30, actor=SYSTEM)
    services.transfer_receive(transfer=t, received_on=datetime.date(2018, 3, 5), actor=SYSTEM)
    return Member.objects.get(pk=member.pk)


def joined_on_of(member: Member) -> datetime.date:
    return Member.objects.get(pk=member.pk).joined_on


def sheet_row(member: Member, joined_on: datetime.date, full_on: datetime.date, reason: str = "") -> list[str]:
    return [member.name, member.id_number, member.branch.code, "正式党员", joined_on.isoformat(), full_on.isoformat(),
            "在职", "4000", reason]


# --- the service ---------------------------------------------------------------------------

def test_a_joined_on_after_the_members_transfer_and_appraisal_is_refused_naming_them_when_written_now(orgs):
    member = with_a_record(orgs)
    member.joined_on, member.full_on = LATER, LATER_FULL
    with pytest.raises(ValidationError) as refused:
        services.member_save(member=member, actor=SYSTEM)
    assert refused.value.message_dict == {"joined_on": [ON_RECORD]}
    assert joined_on_of(member) == JOINED
    # A record on file that already says so (written before the rule) is still saved in other fields.
    Member.objects.filter(pk=member.pk).update(joined_on=LATER, full_on=LATER_FULL)
    member = Member.objects.get(pk=member.pk)
    member.arrears_reason = "外出务工"
    services.member_save(member=member, actor=SYSTEM)
    assert Member.objects.get(pk=member.pk).arrears_reason == "外出务工"


def test_a_joined_on_after_an_appraisals_year_or_its_decision_is_refused(orgs):
    member = add_member(orgs["community"], joined_on=JOINED)
    services.appraisal_save(appraisal=Appraisal(member=member, year=2016, grade="qualified",
                                                decided_on=datetime.date(2016, 12, 20)), actor=SYSTEM)
    member = Member.objects.get(pk=member.pk)
    member.joined_on, member.full_on = datetime.date(2017, 3, 1), datetime.date(2018, 3, 1)
    with pytest.raises(ValidationError, match="2016年度民主评议"):
        services.member_save(member=member, actor=SYSTEM)
    member.joined_on = datetime.date(2016, 12, 25)  # in the year appraised, after the 支部大会 decided it
    with pytest.raises(ValidationError, match="民主评议（支部大会评定日期2016-12-20）"):
        services.member_save(member=member, actor=SYSTEM)
    assert joined_on_of(member) == JOINED


def test_a_joined_on_after_a_dues_month_on_record_is_refused(orgs):
    member = add_member(orgs["community"], joined_on=JOINED)
    services.dues_generate_month(month=today().replace(day=1), actor=SYSTEM)
    DuesRecord.objects.filter(member=member).update(month=datetime.date(2012, 1, 1))  # a ledger kept since 2012
    member = Member.objects.get(pk=member.pk)
    member.joined_on, member.full_on = datetime.date(2012, 2, 1), datetime.date(2013, 2, 1)
    with pytest.raises(ValidationError, match="2012.01的党费记录"):
        services.member_save(member=member, actor=SYSTEM)
    member.joined_on = datetime.date(2012, 1, 31)  # joined in the month: he owes it
    services.member_save(member=member, actor=SYSTEM)
    assert joined_on_of(member) == datetime.date(2012, 1, 31)


def test_a_joined_on_after_a_letter_on_its_way_is_refused(orgs):
    member = add_member(orgs["community"], joined_on=JOINED)
    t = services.transfer_start(member=member, destination="陕西省西安市某党支部", letter_number="甘转〔2026〕41号",
                                started_on=days_ago(20), actor=SYSTEM)
    services.transfer_send(transfer=t, sent_on=days_ago(18), valid_days=30, actor=SYSTEM)
    member = Member.objects.get(pk=member.pk)
    member.category, member.full_on, member.joined_on = "probationary", None, days_ago(10)
    with pytest.raises(ValidationError, match=f"组织关系转接（{days_ago(20):%Y-%m-%d}）"):
        services.member_save(member=member, actor=SYSTEM)


# --- the member's page ---------------------------------------------------------------------

def test_the_members_page_refuses_a_joined_on_after_the_record_under_its_field(orgs, client_for, county_a_clerk):
    member = with_a_record(orgs)
    page = client_for(county_a_clerk).post(reverse("admin:members_member_change", args=[member.pk]), {
        "name": member.name, "id_number": member.id_number, "branch": member.branch_id, "category": "full",
        "joined_on": LATER.isoformat(), "full_on": LATER_FULL.isoformat(), "dues_category": "employed",
        "income_base": "4000"})
    assert page.status_code == 200
    assert page.context["adminform"].form.errors["joined_on"] == [ON_RECORD]
    assert joined_on_of(member) == JOINED


# --- the roster sheet ----------------------------------------------------------------------

def test_the_roster_sheet_refuses_a_joined_on_after_the_record_when_written_now(tmp_path, orgs, county_a_clerk):
    member = with_a_record(orgs)
    result = run(tmp_path, [ROSTER_HEAD, sheet_row(member, LATER, LATER_FULL)], MemberResource, county_a_clerk)
    assert not result.committed and ON_RECORD in messages(result), messages(result)
    assert joined_on_of(member) == JOINED
    # A record on file that already says so (written before the rule) still takes its other columns.
    Member.objects.filter(pk=member.pk).update(joined_on=LATER, full_on=LATER_FULL)
    result = run(tmp_path, [ROSTER_HEAD, sheet_row(member, LATER, LATER_FULL, "外出务工")], MemberResource,
                 county_a_clerk)
    assert result.committed, messages(result)
    assert Member.objects.get(pk=member.pk).arrears_reason == "外出务工"


# --- 登记回执 on a record written before the rule ------------------------------------------

def letter_out_of_the_province(member: Member) -> Transfer:
    t = services.transfer_start(member=member, destination="陕西省西安市某党支部", letter_number="甘转〔2026〕42号",
                                started_on=days_ago(20), actor=SYSTEM)
    return services.transfer_send(transfer=t, sent_on=days_ago(18), valid_days=30, actor=SYSTEM)


def test_a_receipt_is_refused_in_chinese_when_the_members_joined_on_is_after_the_letter(orgs):
    member = add_member(orgs["community"], joined_on=JOINED)
    t = letter_out_of_the_province(member)
    Member.objects.filter(pk=member.pk).update(joined_on=days_ago(10))  # as written before the rule
    with pytest.raises(ValidationError) as refused:
        services.transfer_receive(transfer=t, received_on=days_ago(2), actor=SYSTEM)
    assert refused.value.message_dict["received_on"] == [
        f"介绍信的开出日期（{days_ago(18):%Y-%m-%d}）早于「王建国」的入党日期（{days_ago(10):%Y-%m-%d}），"
        "不能据此登记转出本省：请核对该党员的入党日期，或登记「介绍信被退回」后重新开具介绍信。"]
    assert Transfer.objects.get(pk=t.pk).state == TransferState.IN_TRANSIT
    assert Member.objects.get(pk=member.pk).status == MemberStatus.ACTIVE


def test_a_receipt_is_refused_when_the_letter_is_older_than_the_members_last_change_of_standing(orgs):
    member = add_member(orgs["community"], joined_on=JOINED)
    t = letter_out_of_the_province(member)
    Member.objects.filter(pk=member.pk).update(status_changed_on=days_ago(10), status_reason="恢复党籍决定")
    with pytest.raises(ValidationError, match=f"早于「王建国」上一次党籍状态变更的日期（{days_ago(10):%Y-%m-%d}）"):
        services.transfer_receive(transfer=t, received_on=days_ago(2), actor=SYSTEM)
    assert Member.objects.get(pk=member.pk).status_changed_on == days_ago(10)


def test_the_receipt_page_answers_a_joined_on_after_the_letter_with_a_chinese_message_not_a_server_error(
        orgs, client_for, county_a_clerk):
    member = add_member(orgs["community"], joined_on=JOINED)
    t = letter_out_of_the_province(member)
    Member.objects.filter(pk=member.pk).update(joined_on=days_ago(10))  # as written before the rule
    page = client_for(county_a_clerk).post(f"/admin/members/transfer/{t.pk}/receipt/",
                                           {"day": days_ago(2).isoformat()})
    assert page.status_code == 200
    assert f"早于「王建国」的入党日期（{days_ago(10):%Y-%m-%d}），不能据此登记转出本省" in page.content.decode()
    assert Transfer.objects.get(pk=t.pk).state == TransferState.IN_TRANSIT
