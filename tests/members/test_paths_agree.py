"""The rules a member's page keeps, kept alike by the sheets, the batch actions and the
services: a sheet never writes a read-only column, never rounds a number, never takes an
application file back or moves it, and the roster never contradicts the file it came from."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members import services
from branches.members.models import Applicant, Member, MemberCategory, MemberStatus, Stage, Transfer, TransferState
from branches.members.resources import ApplicantResource, MemberResource
from orgwork.audit.models import AuditLog
from orgwork.common import secrets
from orgwork.imports.probing import NEAR_MISS_FORM_MESSAGE

from .conftest import SYSTEM, activist, add_member, days_ago, make_id, probationary, today, with_the_right
from .conftest import run_sheet as run
from .conftest import sheet_messages as messages

pytestmark = pytest.mark.django_db
ROSTER_HEAD = ["姓名", "身份证号", "党支部代码", "党员类别", "入党日期", "转正日期", "党费类别", "党费计算基数（元/月）"]
APPLICANT_HEAD = ["姓名", "身份证号", "党支部代码", "递交入党申请书日期", "谈话日期", "确定为入党积极分子日期",
                  "培养联系人一身份证号", "集中培训天数"]


def roster_row(name: str, number: str, **cells: str) -> list[str]:
    row = {"姓名": name, "身份证号": number, "党支部代码": "A-SQ", "党员类别": "正式党员", "入党日期": "2005-07-01",
           "转正日期": "2006-07-01", "党费类别": "在职", "党费计算基数（元/月）": "5000", **cells}
    return [row[h] for h in ROSTER_HEAD] + [row[h] for h in row if h not in ROSTER_HEAD]


# --- columns and cells -----------------------------------------------------------------

def test_the_roster_sheet_never_writes_the_status_column(tmp_path, orgs, member, county_a_clerk):
    head = ROSTER_HEAD + ["党籍状态"]
    new = make_id(datetime.date(1981, 4, 4))
    result = run(tmp_path, [head, roster_row("新党员", new, 党籍状态="出党"),
                            roster_row(member.name, member.id_number, 入党日期="2000-07-01", 转正日期="2001-07-01",
                                       党籍状态="转出", **{"党费计算基数（元/月）": "4000"})], MemberResource,
                            county_a_clerk)
    assert result.committed, messages(result)
    assert Member.objects.get(id_number=new).status == MemberStatus.ACTIVE
    assert Member.objects.get(pk=member.pk).status == MemberStatus.ACTIVE


@pytest.mark.parametrize(("cell", "words"), [
    ("四千", "「四千」不是数字"),
    ("4500.555", "最多保留 2 位小数"),
    ("-100", "不能小于 0"),
])
def test_the_roster_sheet_refuses_a_number_it_would_have_to_guess_and_writes_nothing(
        tmp_path, orgs, county_a_clerk, cell, words):
    number = make_id(datetime.date(1982, 5, 5))
    result = run(tmp_path, [ROSTER_HEAD, roster_row("张三", number, **{"党费计算基数（元/月）": cell})], MemberResource,
                 county_a_clerk)
    assert not result.committed and words in messages(result), messages(result)
    assert not Member.objects.filter(id_number=number).exists()


def test_the_roster_sheet_reads_a_number_typed_with_separators_or_full_width_digits(tmp_path, orgs, county_a_clerk):
    first, second = make_id(datetime.date(1983, 6, 6)), make_id(datetime.date(1984, 7, 7))
    result = run(tmp_path, [ROSTER_HEAD, roster_row("甲", first, **{"党费计算基数（元/月）": "\"4,500.50\""}),
                            roster_row("乙", second, **{"党费计算基数（元/月）": "４５００"})], MemberResource, county_a_clerk)
    assert result.committed, messages(result)
    assert Member.objects.get(id_number=first).income_base == Decimal("4500.50")
    assert Member.objects.get(id_number=second).income_base == Decimal("4500")


def test_a_month_without_its_day_is_refused_on_the_roster_sheet_as_on_its_form(tmp_path, orgs, county_a_clerk):
    number = make_id(datetime.date(1982, 5, 5))
    result = run(tmp_path, [ROSTER_HEAD, roster_row("张三", number, 入党日期="2015.07", 转正日期="2016-07-01")],
                 MemberResource, county_a_clerk)
    assert not result.committed
    assert "2:入党日期:日期「2015.07」只写到月，请写到日" in messages(result)
    assert not Member.objects.filter(id_number=number).exists()


def test_the_applicant_sheet_refuses_a_fraction_of_a_training_day(tmp_path, orgs, county_a_clerk):
    number = make_id(datetime.date(1996, 1, 1))
    result = run(tmp_path, [APPLICANT_HEAD, ["李四", number, "A-SQ", days_ago(30).isoformat(), "", "", "", "3.7"]],
                 ApplicantResource, county_a_clerk)
    assert not result.committed and "应填写整数" in messages(result)


def test_a_roster_sheet_row_naming_a_known_number_by_another_name_is_refused_not_a_rename(
        tmp_path, orgs, member, county_a_clerk):
    result = run(tmp_path, [ROSTER_HEAD, roster_row("李鬼", member.id_number, 入党日期="2000-07-01",
                                                    转正日期="2001-07-01")], MemberResource, county_a_clerk)
    assert not result.committed
    assert Member.objects.get(pk=member.pk).name == member.name


# --- the application file moves only forward -------------------------------------------

def test_the_applicant_sheet_cannot_clear_a_step_on_record(tmp_path, orgs, member, county_a_clerk):
    file = activist(orgs["community"], member)
    result = run(tmp_path, [APPLICANT_HEAD, [file.name, file.id_number, "A-SQ", file.applied_on.isoformat(),
                                             file.talked_on.isoformat(), "", "", ""]], ApplicantResource, county_a_clerk)
    assert not result.committed and "不能在表中清空或修改" in messages(result), messages(result)
    assert Applicant.objects.get(pk=file.pk).stage == Stage.ACTIVIST


def test_the_applicant_sheet_cannot_change_a_step_on_record(tmp_path, orgs, member, county_a_clerk):
    file = activist(orgs["community"], member)
    earlier = file.activist_on - datetime.timedelta(days=3)
    result = run(tmp_path, [APPLICANT_HEAD, [file.name, file.id_number, "A-SQ", file.applied_on.isoformat(),
                                             file.talked_on.isoformat(), earlier.isoformat(), member.id_number, ""]],
                 ApplicantResource, county_a_clerk)
    assert not result.committed and "确定为入党积极分子日期" in messages(result)
    assert Applicant.objects.get(pk=file.pk).activist_on == file.activist_on


def test_the_applicant_sheet_cannot_rename_an_applicant_or_move_the_file_to_another_branch(
        tmp_path, orgs, member, county_a_clerk):
    file = activist(orgs["community"], member)
    cells = [file.applied_on.isoformat(), file.talked_on.isoformat(), file.activist_on.isoformat(), member.id_number, ""]
    result = run(tmp_path, [APPLICANT_HEAD, ["改名者", file.id_number, "A-CUN", *cells]], ApplicantResource,
                 county_a_clerk)
    assert not result.committed
    assert "姓名不能在表中修改" in messages(result) and "组织关系转接" in messages(result)
    stored = Applicant.objects.get(pk=file.pk)
    assert (stored.name, stored.branch_id) == (file.name, orgs["community"].pk)


def test_a_contact_without_an_activist_date_is_refused_on_the_applicant_sheet(tmp_path, orgs, member, county_a_clerk):
    number = make_id(datetime.date(1995, 2, 2))
    result = run(tmp_path, [APPLICANT_HEAD, ["王五", number, "A-SQ", days_ago(20).isoformat(), days_ago(10).isoformat(),
                                             "", member.id_number, ""]], ApplicantResource, county_a_clerk)
    assert not result.committed and "培养联系人在确定为入党积极分子时指定" in messages(result)


def test_a_member_on_the_roll_cannot_apply_again_on_the_form_or_the_sheet(tmp_path, orgs, member, client_for,
                                                                          county_a_clerk):
    page = client_for(county_a_clerk).post(reverse("admin:members_applicant_add"), {
        "name": member.name, "id_number": member.id_number, "branch": orgs["community"].pk,
        "applied_on": days_ago(3).isoformat(), "reviews-TOTAL_FORMS": "0", "reviews-INITIAL_FORMS": "0"})
    # The form answers his own number as the others of its masked form (身份证号试探).
    assert page.status_code == 200 and page.context["adminform"].form.errors["id_number"] == [NEAR_MISS_FORM_MESSAGE]
    result = run(tmp_path, [APPLICANT_HEAD, [member.name, member.id_number, "A-SQ", days_ago(3).isoformat(), "", "",
                                             "", ""]], ApplicantResource, county_a_clerk)
    assert not result.committed and secrets.ID_NUMBER_UNAVAILABLE in messages(result)
    assert not Applicant.objects.filter(id_number=member.id_number).exists()


def test_an_application_dated_after_today_is_refused_on_the_form_the_service_and_the_sheet(
        tmp_path, orgs, client_for, county_a_clerk):
    later = (today() + datetime.timedelta(days=28)).isoformat()
    number = make_id(datetime.date(1998, 8, 8))
    page = client_for(county_a_clerk).post(reverse("admin:members_applicant_add"), {
        "name": "未来", "id_number": number, "branch": orgs["community"].pk, "applied_on": later,
        "reviews-TOTAL_FORMS": "0", "reviews-INITIAL_FORMS": "0"})
    assert page.status_code == 200
    assert page.context["adminform"].form.errors["applied_on"] == ["递交入党申请书日期不能晚于今天。"]
    with pytest.raises(ValidationError, match="递交入党申请书日期不能晚于今天"):
        services.applicant_apply(applicant=Applicant(name="未来", id_number=number, branch=orgs["community"],
                                                     applied_on=today() + datetime.timedelta(days=28)),
                                 actor=county_a_clerk)
    result = run(tmp_path, [APPLICANT_HEAD, ["未来", number, "A-SQ", later, "", "", "", ""]], ApplicantResource,
                 county_a_clerk)
    assert not result.committed and "递交入党申请书日期不能晚于今天" in messages(result)
    assert not Applicant.objects.filter(id_number=number).exists()


# --- the roster follows the file and the transfers ---------------------------------------

def test_the_dates_of_a_member_admitted_through_the_pipeline_are_kept_on_the_form_and_the_sheet(
        tmp_path, orgs, member, client_for, county_a_clerk):
    file = probationary(orgs["community"], member, vote_days_ago=100)
    admitted = Member.objects.get(pk=file.member_id)
    moved = admitted.joined_on - datetime.timedelta(days=400)
    with pytest.raises(ValidationError, match="发展党员档案为准"):
        admitted.joined_on = moved
        services.member_save(member=admitted, actor=county_a_clerk)
    result = run(tmp_path, [ROSTER_HEAD, roster_row(admitted.name, admitted.id_number, 党员类别="预备党员",
                                                    入党日期=moved.isoformat(), 转正日期="")],
                 MemberResource, county_a_clerk)
    assert not result.committed and "发展党员档案为准" in messages(result), messages(result)
    assert Member.objects.get(pk=admitted.pk).joined_on == file.vote_on


def test_a_joining_date_after_today_is_refused_on_the_form_and_the_sheet(tmp_path, orgs, client_for, county_a_clerk):
    later = (today() + datetime.timedelta(days=30)).isoformat()
    number = make_id(datetime.date(1980, 8, 8))
    page = client_for(county_a_clerk).post(reverse("admin:members_member_add"), {
        "name": "未来", "id_number": number, "branch": orgs["community"].pk, "category": "probationary",
        "joined_on": later, "dues_category": "employed", "income_base": "3000"})
    assert page.status_code == 200 and "入党日期不能晚于今天" in page.content.decode()
    result = run(tmp_path, [ROSTER_HEAD, roster_row("未来", number, 党员类别="预备党员", 入党日期=later, 转正日期="")],
                 MemberResource, county_a_clerk)
    assert not result.committed and "入党日期不能晚于今天" in messages(result)
    assert not Member.objects.filter(id_number=number).exists()


def test_a_member_whose_relationship_went_out_cannot_be_put_back_on_the_roll(orgs, member, client_for, county_a_clerk):
    transfer = services.transfer_start(member=member, letter_number="甘转1号", started_on=days_ago(5),
                                       destination="北京市某党支部", actor=SYSTEM)
    services.transfer_send(transfer=transfer, sent_on=days_ago(4), valid_days=30, actor=SYSTEM)
    transfer = Transfer.objects.get(pk=transfer.pk)
    if transfer.state != TransferState.RECEIVED:  # out of the province: received on the other side's word
        services.transfer_receive(transfer=transfer, received_on=days_ago(1), actor=SYSTEM)
    assert Member.objects.get(pk=member.pk).status == MemberStatus.TRANSFERRED_OUT
    client_for(county_a_clerk).post(reverse("admin:members_member_changelist"), {
        "action": "set_status", "_selected_action": [member.pk], "apply": "1", "status": MemberStatus.ACTIVE, "changed_on": f"{today():%Y-%m-%d}", "reason": "支部决定"})
    assert Member.objects.get(pk=member.pk).status == MemberStatus.TRANSFERRED_OUT
    with pytest.raises(ValidationError, match="已转出"):
        services.member_set_status(member=member, status=MemberStatus.ACTIVE, changed_on=today(), reason="支部决定", actor=county_a_clerk)


def test_a_status_change_to_the_status_the_member_has_is_refused_under_it_not_reported_done(
        orgs, member, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    last = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    page = client.post(f"/admin/members/member/{member.pk}/status/", {"status": MemberStatus.ACTIVE, "changed_on": f"{today():%Y-%m-%d}", "reason": "支部决定"})
    assert page.status_code == 200
    assert page.context["form"].errors["status"] == [f"「{member}」的党籍状态已是在册，未作变更。"]
    assert not AuditLog.objects.filter(id__gt=last).exists()


def test_a_probationary_member_is_expelled_only_through_the_file_and_a_death_closes_it(orgs, member, county_a_clerk):
    file = probationary(orgs["community"], member, vote_days_ago=100)
    admitted = Member.objects.get(pk=file.member_id)
    with pytest.raises(ValidationError, match="发展党员档案中办理"):
        services.member_set_status(member=admitted, status=MemberStatus.EXPELLED, changed_on=today(), reason="支部决定", actor=county_a_clerk)
    assert Member.objects.get(pk=admitted.pk).status == MemberStatus.ACTIVE
    services.member_set_status(member=admitted, status=MemberStatus.DECEASED, changed_on=today(), reason="支部决定", actor=county_a_clerk)
    assert Member.objects.get(pk=admitted.pk).status == MemberStatus.DECEASED
    closed = Applicant.objects.get(pk=file.pk)
    assert (closed.stage, closed.closed_reason) == (Stage.DECEASED, "预备党员去世")  # not a 取消: no decision against him
    assert Member.objects.get(pk=admitted.pk).category == MemberCategory.PROBATIONARY


# --- dues: a payment on record is corrected, never erased or overwritten -------------------

DUES_HEAD = ["身份证号", "月份", "实交金额（元）", "交纳日期"]


def paid_month(member: Member) -> Any:
    from branches.members.models import DuesRecord

    services.dues_generate_month(month=today(), actor=SYSTEM)
    record = DuesRecord.objects.get(member=member)
    return services.dues_pay(record=record, paid=Decimal("120.00"), paid_on=today(), actor=SYSTEM)


def test_blank_cells_or_fields_never_erase_a_payment_on_record(tmp_path, orgs, member, client_for, county_a_clerk):
    from branches.members.models import DuesRecord
    from branches.members.resources import DuesPaymentResource

    record = paid_month(member)
    result = run(tmp_path, [DUES_HEAD, [member.id_number, f"{today():%Y-%m}", "", ""]], DuesPaymentResource,
                 county_a_clerk)
    assert not result.committed and "不能留空清除" in messages(result)
    page = client_for(county_a_clerk).post(reverse("admin:members_duesrecord_change", args=[record.pk]),
                                           {"paid": "", "paid_on": ""})
    assert page.status_code == 200 and "不能留空清除" in page.content.decode()
    assert DuesRecord.objects.get(pk=record.pk).paid == Decimal("120.00")


def test_the_pay_in_full_action_leaves_a_month_already_paid_as_it_was(orgs, member, client_for, county_a_clerk):
    from branches.members.models import DuesRecord

    record = paid_month(member)
    page = client_for(county_a_clerk).post(reverse("admin:members_duesrecord_changelist"),
                                           {"action": "pay_in_full", "_selected_action": [record.pk]}, follow=True)
    assert "未重复登记" in page.content.decode()
    stored = DuesRecord.objects.get(pk=record.pk)
    assert (stored.paid, stored.paid_on) == (Decimal("120.00"), today())


def test_a_dues_sheet_month_written_as_a_day_finds_that_months_record(tmp_path, orgs, member, county_a_clerk):
    from branches.members.models import DuesRecord
    from branches.members.resources import DuesPaymentResource

    services.dues_generate_month(month=today(), actor=SYSTEM)
    day = today().replace(day=15)  # the month's record is dated the 1st
    result = run(tmp_path, [DUES_HEAD, [member.id_number, day.isoformat(), "40", today().isoformat()]],
                 DuesPaymentResource, county_a_clerk)
    assert result.committed, messages(result)
    assert DuesRecord.objects.get(member=member).paid == Decimal("40")


# --- a step page's refusal stands under the field it is about ----------------------------

def test_a_step_pages_date_refusal_stands_under_its_date_not_above_the_form(orgs, member, client_for,
                                                                             county_a_clerk):
    client = client_for(county_a_clerk)
    applicant = probationary(orgs["community"], member, vote_days_ago=200)
    page = client.post(reverse("admin:members_applicant_oath_step", args=[applicant.pk]),
                       {"day": (applicant.approved_on - datetime.timedelta(days=1)).isoformat()})
    form = page.context["form"]
    assert form.errors["day"] and not form.non_field_errors(), form.errors
    assert Applicant.objects.get(pk=applicant.pk).oath_on is None

    transfer = services.transfer_start(member=member, letter_number="甘转9号", started_on=days_ago(5),
                                       destination="四川省成都市", actor=SYSTEM)
    page = client.post(reverse("admin:members_transfer_send_step", args=[transfer.pk]),
                       {"day": days_ago(6).isoformat(), "valid_days": "30"})
    form = page.context["form"]
    assert "不能早于申请日期" in " ".join(form.errors["day"]) and not form.non_field_errors()
    assert Transfer.objects.get(pk=transfer.pk).state == TransferState.PENDING


def test_a_full_membership_decided_before_the_year_is_out_is_refused_under_its_date(orgs, member, client_for,
                                                                                      county_a_clerk):
    applicant = probationary(orgs["community"], member, vote_days_ago=200)
    services.applicant_oath(applicant=applicant, oath_on=days_ago(150), actor=SYSTEM)
    page = client_for(county_a_clerk).post(reverse("admin:members_applicant_make_full_step", args=[applicant.pk]),
                                           {"day": today().isoformat(), "expected": "1", "present": "1",
                                            "in_favour": "1"})
    form = page.context["form"]
    assert form.errors["day"] and not form.non_field_errors(), form.errors
    assert Applicant.objects.get(pk=applicant.pk).stage == Stage.PROBATIONARY


def test_a_member_who_left_the_party_cannot_open_a_file_that_could_never_be_admitted(tmp_path, orgs, member,
                                                                                    client_for, county_a_clerk):
    services.member_set_status(member=member, status=MemberStatus.EXPELLED, changed_on=days_ago(30), actor=SYSTEM,
                               reason="本人要求退党")
    page = client_for(county_a_clerk).post(reverse("admin:members_applicant_add"), {
        "name": member.name, "id_number": member.id_number, "branch": orgs["community"].pk,
        "applied_on": days_ago(3).isoformat(), "reviews-TOTAL_FORMS": "0", "reviews-INITIAL_FORMS": "0"})
    assert page.status_code == 200
    assert page.context["adminform"].form.errors["id_number"] == [NEAR_MISS_FORM_MESSAGE]
    holder = client_for(with_the_right(county_a_clerk)).post(reverse("admin:members_applicant_add"), {
        "name": member.name, "id_number": member.id_number, "branch": orgs["community"].pk,
        "applied_on": days_ago(3).isoformat(), "reviews-TOTAL_FORMS": "0", "reviews-INITIAL_FORMS": "0"})
    assert holder.context["adminform"].form.errors["id_number"] == [secrets.ID_NUMBER_UNAVAILABLE]
    result = run(tmp_path, [APPLICANT_HEAD, [member.name, member.id_number, "A-SQ", days_ago(3).isoformat(), "", "",
                                             "", ""]], ApplicantResource, county_a_clerk)
    assert not result.committed and secrets.ID_NUMBER_UNAVAILABLE in messages(result)
    assert not Applicant.objects.filter(id_number=member.id_number).exists()
