"""党费 when a member leaves the roll (离开名册后的党费): he pays up to and including the
month of leaving (转出: the month the letter is issued), nothing after it (去世: nothing
from the month of death); his unpaid months after it are deleted in the same
transaction, one audit row each; the arrears counter and list stop chasing him; and no
month's dues are generated for a member not on the roll."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members import rules, selectors, services
from branches.members.models import DuesRecord, Member, MemberStatus
from orgwork.audit.models import AuditAction, AuditLog

from .conftest import SYSTEM, add_member, probationary, today

pytestmark = pytest.mark.django_db


def this_month() -> datetime.date:
    return today().replace(day=1)


def months_back(n: int) -> datetime.date:
    """The first of the month ``n`` months before this one."""
    return rules.add_months(this_month(), -n)


def ledger(member: Member, months=None) -> Member:
    for month in (months_back(3), months_back(2), months_back(1), this_month()) if months is None else months:
        services.dues_generate_month(month=month, actor=SYSTEM)
    return Member.objects.get(pk=member.pk)


def months_of(member: Member) -> list[datetime.date]:
    return list(DuesRecord.objects.filter(member=member).order_by("month").values_list("month", flat=True))


def in_month(month: datetime.date, day: int = 10) -> datetime.date:
    return min(month.replace(day=day), today())


@pytest.mark.parametrize("status", [MemberStatus.EXPELLED, MemberStatus.SUSPENDED])
def test_a_member_who_leaves_owes_the_month_of_leaving_but_not_the_later_unpaid_months(member, status):
    member = ledger(member)
    assert member.unpaid_months == 3
    services.member_set_status(member=member, status=status, changed_on=in_month(months_back(2)), reason="决定", actor=SYSTEM)
    assert months_of(member) == [months_back(3), months_back(2)]
    assert Member.objects.get(pk=member.pk).unpaid_months == 2


def test_a_deceased_members_unpaid_month_of_death_and_later_months_are_deleted(member):
    ledger(member)
    services.member_set_status(member=member, status=MemberStatus.DECEASED, changed_on=in_month(months_back(2)), actor=SYSTEM)
    assert months_of(member) == [months_back(3)]
    assert Member.objects.get(pk=member.pk).unpaid_months == 1


def test_months_already_paid_after_leaving_are_kept(member):
    ledger(member)
    paid = DuesRecord.objects.get(member=member, month=months_back(1))
    services.dues_pay(record=paid, paid=paid.due, paid_on=in_month(months_back(1), 5), actor=SYSTEM)
    services.member_set_status(member=member, status=MemberStatus.EXPELLED, changed_on=in_month(months_back(2)), reason="决定",
                               actor=SYSTEM)
    assert months_of(member) == [months_back(3), months_back(2), months_back(1)]


def test_each_deleted_dues_row_has_one_audit_row_naming_the_actor_and_why(member, county_a_clerk):
    ledger(member)
    doomed = set(DuesRecord.objects.filter(member=member, month__gt=months_back(2)).values_list("pk", flat=True))
    services.member_set_status(member=member, status=MemberStatus.EXPELLED, changed_on=in_month(months_back(2)), reason="决定",
                               actor=county_a_clerk)
    rows = AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(DuesRecord),
                                   action=AuditAction.DELETE)
    assert sorted(int(r.object_id) for r in rows) == sorted(doomed)
    assert {r.actor_id for r in rows} == {county_a_clerk.pk}
    assert all("出党" in r.message and "不再收缴" in r.message for r in rows)
    assert all(r.changes["due"][1] is None for r in rows)


def test_a_refused_status_change_deletes_no_dues(member):
    ledger(member)
    with pytest.raises(ValidationError):
        services.member_set_status(member=member, status=MemberStatus.EXPELLED, changed_on=in_month(months_back(2)), reason="",
                                   actor=SYSTEM)
    assert months_of(member) == [months_back(3), months_back(2), months_back(1), this_month()]


def test_the_arrears_list_and_count_no_longer_chase_a_member_who_left(orgs, member, county_a_clerk):
    stays = ledger(add_member(orgs["community"], "李四"))
    ledger(member)
    assert set(selectors.arrears(county_a_clerk)) == {member, stays}
    services.member_set_status(member=member, status=MemberStatus.SUSPENDED, changed_on=in_month(months_back(3)), reason="决定",
                               actor=SYSTEM)
    assert list(selectors.arrears(county_a_clerk)) == [stays]
    assert Member.objects.get(pk=member.pk).unpaid_months == 1  # the month of leaving stays on the ledger
    assert selectors.arrears_months(Member.objects.get(pk=member.pk)) == [months_back(3)]


def test_the_members_page_removes_the_later_dues_through_the_status_step(member, client_for, county_a_clerk):
    ledger(member)
    client_for(county_a_clerk).post(f"/admin/members/member/{member.pk}/status/", {
        "status": "deceased", "changed_on": f"{in_month(months_back(1)):%Y-%m-%d}", "reason": ""})
    assert months_of(member) == [months_back(3), months_back(2)]


# The ledgers here leave months before the letter's unpaid: it is issued only with the
# exception's reason (test_dues_before_the_letter holds the rule).
EXCEPTION = "困难党员经批准减免"


def letter_on_its_way(member: Member, number: str, sent_on: datetime.date):
    """A letter out of the province (转出本省), applied for and issued on ``sent_on``."""
    t = services.transfer_start(member=member, destination="陕西省某党支部", letter_number=number,
                                started_on=sent_on, actor=SYSTEM)
    return services.transfer_send(transfer=t, sent_on=sent_on, valid_days=90, dues_exception=EXCEPTION, actor=SYSTEM)


def left_the_province(member: Member, number: str, sent_on: datetime.date, receipt_on: datetime.date,
                      clerk: Any) -> None:
    """The letter issued on ``sent_on`` and its receipt (回执) registered on ``receipt_on``."""
    t = letter_on_its_way(member, number, sent_on)
    services.transfer_receive(transfer=t, received_on=receipt_on, actor=clerk)


def test_a_transfer_out_of_the_province_keeps_dues_up_to_the_month_of_the_letter(member, county_a_clerk):
    ledger(member)
    left_the_province(member, "甘转〔2026〕21号", in_month(months_back(2), 3), in_month(months_back(1), 2), county_a_clerk)
    assert months_of(member) == [months_back(3), months_back(2)]
    # The letter's month; months_back(3), before it, the letter let through by its exception (not arrears).
    assert Member.objects.get(pk=member.pk).unpaid_months == 1
    assert member not in selectors.arrears(county_a_clerk)


def test_a_transfer_out_of_the_province_leaves_on_the_letters_date_for_the_roster_and_the_dues(member, county_a_clerk):
    ledger(member)
    left_the_province(member, "甘转〔2026〕31号", in_month(months_back(2), 3), in_month(months_back(1), 2), county_a_clerk)
    left_on = Member.objects.get(pk=member.pk).status_changed_on
    assert left_on == in_month(months_back(2), 3)
    assert months_of(member) == [months_back(3), months_back(2)]  # the letter's month is the last one paid here


def test_no_month_after_the_letters_month_is_generated_while_a_letter_out_of_the_province_is_on_its_way(orgs, member):
    letter_on_its_way(member, "甘转〔2026〕32号", in_month(months_back(2), 3))
    staying = add_member(orgs["community"], "李四")
    for month in (months_back(3), months_back(2), months_back(1), this_month()):
        services.dues_generate_month(month=month, actor=SYSTEM)
    assert months_of(member) == [months_back(3), months_back(2)]
    assert months_of(staying) == [months_back(3), months_back(2), months_back(1), this_month()]


def test_a_letter_inside_the_province_on_its_way_stops_no_months(orgs, member):
    t = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="甘转〔2026〕33号",
                                started_on=in_month(months_back(2), 3), actor=SYSTEM)
    services.transfer_send(transfer=t, sent_on=in_month(months_back(2), 3), valid_days=30, actor=SYSTEM)
    for month in (months_back(1), this_month()):
        services.dues_generate_month(month=month, actor=SYSTEM)
    assert months_of(member) == [months_back(1), this_month()]


def test_a_member_whose_letter_is_returned_stays_and_the_later_months_are_generated_again(member, county_a_clerk):
    t = letter_on_its_way(member, "甘转〔2026〕34号", in_month(months_back(2), 3))
    services.dues_generate_month(month=months_back(1), actor=SYSTEM)
    assert months_of(member) == []
    services.transfer_return(transfer=t, reason="接收方查无此单位", actor=county_a_clerk)
    services.dues_generate_month(month=months_back(1), actor=SYSTEM)
    services.dues_generate_month(month=this_month(), actor=SYSTEM)
    assert months_of(member) == [months_back(1), this_month()]
    assert Member.objects.get(pk=member.pk).unpaid_months == 1


def test_a_transfer_inside_the_province_keeps_the_members_ledger(orgs, member, county_b_clerk):
    ledger(member)
    t = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="甘转〔2026〕22号",
                                started_on=in_month(months_back(2), 1), actor=SYSTEM)
    services.transfer_send(transfer=t, sent_on=in_month(months_back(2), 3), valid_days=90, dues_exception=EXCEPTION,
                           actor=SYSTEM)
    services.transfer_receive(transfer=t, received_on=in_month(months_back(1), 2), actor=county_b_clerk)
    assert months_of(member) == [months_back(3), months_back(2), months_back(1), this_month()]


def earning(member: Member) -> Member:
    """The member with an income, so that his months in the ledger are owed (a new 预备党员 has none yet)."""
    member.income_base = 4000
    return services.member_save(member=member, actor=SYSTEM)


def cancelled_probationer(orgs) -> Member:
    """A 预备党员 with four months of dues, whose qualification the 支部大会 cancelled two months ago."""
    contact = add_member(orgs["community"], "联系人")
    file = probationary(orgs["community"], contact, vote_days_ago=200)
    member = ledger(earning(Member.objects.get(pk=file.member_id)))
    services.applicant_cancel(applicant=file, reason="不履行党员义务", decided_on=in_month(months_back(2)), actor=SYSTEM)
    return member


def test_a_probationer_whose_qualification_is_cancelled_owes_nothing_after_the_meetings_month(orgs):
    member = cancelled_probationer(orgs)
    assert months_of(member) == [months_back(3), months_back(2)]


@pytest.mark.parametrize("status", [MemberStatus.EXPELLED, MemberStatus.SUSPENDED, MemberStatus.DECEASED])
def test_dues_are_never_generated_for_a_member_not_on_the_roll(orgs, member, status):
    services.member_set_status(member=member, status=status, changed_on=in_month(months_back(3)), reason="决定", actor=SYSTEM)
    on_roll = add_member(orgs["community"], "李四")
    for month in (months_back(2), months_back(1), this_month()):
        services.dues_generate_month(month=month, actor=SYSTEM)
    assert months_of(member) == [] and months_of(on_roll) == [months_back(2), months_back(1), this_month()]


@pytest.mark.parametrize("status", [MemberStatus.EXPELLED, MemberStatus.SUSPENDED])
def test_the_month_of_leaving_generated_after_he_left_is_still_owed(orgs, member, status):
    # Expelled on the 10th of a month whose dues had not been generated yet: he pays up to
    # and including it, so generating it afterwards asks him for it, and for nothing after.
    services.member_set_status(member=member, status=status, changed_on=in_month(months_back(2)), reason="决定", actor=SYSTEM)
    for month in (months_back(3), months_back(2), months_back(1), this_month()):
        services.dues_generate_month(month=month, actor=SYSTEM)
    assert months_of(member) == [months_back(3), months_back(2)]
    assert DuesRecord.objects.get(member=member, month=months_back(2)).branch_id == member.branch_id


def test_the_month_of_death_generated_after_it_is_not_asked_for(orgs, member):
    services.member_set_status(member=member, status=MemberStatus.DECEASED, changed_on=in_month(months_back(2)), actor=SYSTEM)
    for month in (months_back(3), months_back(2), months_back(1)):
        services.dues_generate_month(month=month, actor=SYSTEM)
    assert months_of(member) == [months_back(3)]


def test_dues_are_never_generated_for_a_member_transferred_out_of_the_province(member, county_a_clerk):
    left_the_province(member, "甘转〔2026〕23号", in_month(months_back(3), 2), in_month(months_back(3), 3), county_a_clerk)
    services.dues_generate_month(month=months_back(1), actor=SYSTEM)
    assert months_of(member) == []


def test_the_generate_page_passes_over_a_member_who_left(orgs, member, client_for, county_a_clerk):
    services.member_set_status(member=member, status=MemberStatus.DECEASED, changed_on=in_month(months_back(3)), actor=SYSTEM)
    client_for(county_a_clerk).post(reverse("admin:members_duesrecord_generate"),
                                    {"month": f"{months_back(1):%Y.%m}", "branch": ""})
    assert months_of(member) == []


def test_a_member_back_on_the_roll_owes_from_the_month_he_came_back_not_for_the_months_away(member):
    services.member_set_status(member=member, status=MemberStatus.SUSPENDED, changed_on=in_month(months_back(3)), reason="决定",
                               actor=SYSTEM)
    services.member_set_status(member=member, status=MemberStatus.ACTIVE, changed_on=in_month(months_back(1)), reason="恢复党籍决定",
                               actor=SYSTEM)
    for month in (months_back(2), months_back(1), this_month()):
        services.dues_generate_month(month=month, actor=SYSTEM)
    assert months_of(member) == [months_back(1), this_month()]


# --- the clerk is told which unpaid months leaving deleted ---------------------------------

def member_rows(member: Member) -> list[AuditLog]:
    return list(AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(Member),
                                        object_id=str(member.pk)).order_by("pk"))


def deleted_words(*months: datetime.date) -> str:
    return f"删除未交党费{len(months)}个月（{'、'.join(f'{m:%Y.%m}' for m in months)}）"


def test_the_members_one_audit_row_of_the_change_names_the_unpaid_months_deleted(member):
    ledger(member)
    before = len(member_rows(member))
    services.member_set_status(member=member, status=MemberStatus.EXPELLED, changed_on=in_month(months_back(2)), reason="决定",
                               actor=SYSTEM)
    rows = member_rows(member)[before:]
    assert [r.message for r in rows] == [f"变更党籍状态；{deleted_words(months_back(1), this_month())}"]


def test_a_change_that_deletes_no_dues_says_only_the_change(member):
    services.member_set_status(member=member, status=MemberStatus.SUSPENDED, changed_on=in_month(months_back(2)),
                               reason="失去联系", actor=SYSTEM)
    assert member_rows(member)[-1].message == "变更党籍状态"


def test_the_members_audit_row_of_a_transfer_out_of_the_province_names_the_unpaid_months_deleted(
        member, county_a_clerk):
    ledger(member)
    left_the_province(member, "甘转〔2026〕35号", in_month(months_back(2), 3), in_month(months_back(1), 2), county_a_clerk)
    assert member_rows(member)[-1].message == (f"组织关系转出本省（介绍信 甘转〔2026〕35号）；"
                                               f"{deleted_words(months_back(1), this_month())}")


def test_the_status_steps_success_message_names_the_unpaid_months_deleted(member, client_for, county_a_clerk):
    ledger(member)
    page = client_for(county_a_clerk).post(f"/admin/members/member/{member.pk}/status/", {
        "status": "expelled", "changed_on": f"{in_month(months_back(2)):%Y-%m-%d}", "reason": "决定"}, follow=True)
    shown = [str(m) for m in page.context["messages"]]
    assert shown == [f"「{member.name}」已变更党籍状态；{deleted_words(months_back(1), this_month())}。"]


def test_the_roster_batch_result_names_the_unpaid_months_deleted_for_each_member(orgs, member, client_for,
                                                                                 county_a_clerk):
    ledger(member, months=(months_back(3), months_back(2), months_back(1)))
    other = add_member(orgs["community"], "李四")
    services.dues_generate_month(month=this_month(), actor=SYSTEM)  # 李四 is in the ledger from this month
    page = client_for(county_a_clerk).post(reverse("admin:members_member_changelist"), {
        "action": "set_status", "_selected_action": [member.pk, other.pk], "apply": "1", "status": "deceased",
        "changed_on": f"{in_month(months_back(1)):%Y-%m-%d}", "reason": ""}, follow=True)
    html = page.content.decode()
    assert "变更党籍状态：已办理 2 人。" in html
    assert f"「{member.batch_label}」：{deleted_words(months_back(1), this_month())}。" in html  # namesakes told apart
    assert f"「{other.batch_label}」：{deleted_words(this_month())}。" in html


def test_the_receipt_steps_success_message_names_the_unpaid_months_deleted(member, client_for, county_a_clerk):
    ledger(member)
    t = letter_on_its_way(member, "甘转〔2026〕36号", in_month(months_back(2), 3))
    page = client_for(county_a_clerk).post(f"/admin/members/transfer/{t.pk}/receipt/",  # 登记回执: out of the province
                                           {"day": f"{in_month(months_back(1), 2):%Y-%m-%d}"}, follow=True)
    [shown] = [str(m) for m in page.context["messages"]]
    assert shown.endswith(f"已办理登记回执；{deleted_words(months_back(1), this_month())}。"), shown


def test_the_members_audit_row_of_a_cancelled_probationer_names_the_unpaid_months_deleted(orgs):
    member = cancelled_probationer(orgs)
    assert member_rows(member)[-1].message == f"取消预备党员资格：不履行党员义务；{deleted_words(months_back(1), this_month())}"


def test_the_dues_sheet_tells_a_month_after_leaving_is_no_longer_collected_rather_than_not_yet_generated(
        tmp_path, member, county_a_clerk):
    from branches.members.resources import DuesPaymentResource

    from .conftest import run_sheet, sheet_messages

    ledger(member)
    services.member_set_status(member=member, status=MemberStatus.DECEASED, changed_on=in_month(months_back(2)), actor=SYSTEM)
    head = ["身份证号", "月份", "实交金额（元）", "交纳日期"]
    row = [member.id_number, f"{months_back(1):%Y-%m}", "40", f"{in_month(months_back(1)):%Y-%m-%d}"]
    result = run_sheet(tmp_path, [head, row], DuesPaymentResource, county_a_clerk)
    assert not result.committed
    assert [(e.column, e.message) for e in result.errors] == [
        ("月份", f"该党员已于{in_month(months_back(2)):%Y-%m-%d}去世，不在名册中，{months_back(1):%Y.%m}的党费不再收缴，不能登记交纳。")], \
        sheet_messages(result)


def test_the_disqualify_steps_success_message_names_the_unpaid_months_deleted(orgs, client_for, county_a_clerk):
    contact = add_member(orgs["community"], "联系人")
    file = probationary(orgs["community"], contact, vote_days_ago=200)
    ledger(earning(Member.objects.get(pk=file.member_id)))
    page = client_for(county_a_clerk).post(f"/admin/members/applicant/{file.pk}/disqualify/",
                                           {"reason": "不履行党员义务", "day": f"{in_month(months_back(2)):%Y-%m-%d}"}, follow=True)
    [shown] = [str(m) for m in page.context["messages"]]
    assert shown.endswith(f"已办理取消预备党员资格；{deleted_words(months_back(1), this_month())}。"), shown


def test_the_applicants_sheet_job_names_the_unpaid_months_its_cancellation_deleted(orgs, county_a_clerk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from orgwork.imports import services as imports
    from orgwork.imports.models import JobStatus

    from .conftest import make_id
    from .test_applicant_sheet import CONTACT_ID, HEAD, day, file_row

    add_member(orgs["community"], "联系人", id_number=CONTACT_ID)

    def imported(*rows: list[str]):
        text = "\r\n".join(",".join(row) for row in [HEAD, *rows]) + "\r\n"
        job = imports.job_create(user=county_a_clerk, resource="members_applicants",
                                 uploaded=SimpleUploadedFile("发展党员.csv", text.encode()))
        imports.job_validate(job_id=job.pk)
        imports.job_confirm(job=job, user=county_a_clerk)
        assert imports.job_commit(job_id=job.pk) == JobStatus.DONE
        job.refresh_from_db()
        return job

    number = make_id(datetime.date(1990, 5, 1))
    first = imported(file_row(number=number))
    assert "随之办理" not in first.message  # nothing deleted, nothing told
    member = ledger(earning(Member.objects.get(name="赵明")))
    assert months_of(member) == [months_back(3), months_back(2), months_back(1), this_month()]
    job = imported(file_row(number=number, **{"取消资格或终止培养原因": "预备期间违反党的纪律", "取消预备党员资格支部大会日期": day(600)}))
    member.refresh_from_db()
    assert member.status == MemberStatus.EXPELLED and months_of(member) == []
    assert job.message.endswith(
        f"随之办理：「{member.batch_label}」：{deleted_words(months_back(3), months_back(2), months_back(1), this_month())}。"), job.message
