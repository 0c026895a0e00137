"""党员名册, 组织关系转接 and 党费 through their services."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from branches.members import rules, selectors, services
from branches.members.models import DuesRecord, Member, MemberCategory, MemberStatus, Transfer, TransferState
from orgwork.audit.models import AuditLog
from orgwork.rectification.models import RectificationItem

from .conftest import SYSTEM, add_member, days_ago, make_id, today

pytestmark = pytest.mark.django_db


def test_a_member_gets_birth_date_and_gender_from_the_id_number(orgs):
    m = add_member(orgs["community"])
    assert m.birth_date == datetime.date(1975, 3, 9) and m.gender == "1"


def test_a_member_with_a_wrong_check_digit_is_refused(orgs):
    number = make_id(datetime.date(1980, 1, 1))
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError) as error:
        services.member_save(member=Member(name="错号", id_number=wrong, branch=orgs["community"],
                                           joined_on=datetime.date(2005, 1, 1), full_on=datetime.date(2006, 1, 1)),
                             actor=SYSTEM)
    assert "校验位" in error.value.message_dict["id_number"][0]


def test_a_full_member_needs_a_full_date_a_year_after_joining(orgs):
    with pytest.raises(ValidationError) as error:
        services.member_save(member=Member(name="早转", id_number=make_id(datetime.date(1980, 1, 1)),
                                           branch=orgs["community"], category=MemberCategory.FULL,
                                           joined_on=datetime.date(2005, 1, 1), full_on=datetime.date(2005, 6, 1)),
                             actor=SYSTEM)
    assert "满一年" in error.value.message_dict["full_on"][0]


def test_a_county_clerk_cannot_add_a_member_to_another_countys_branch(orgs, county_a_clerk):
    with pytest.raises(ValidationError) as error:
        add_member(orgs["county_b"], actor=county_a_clerk)
    assert "不在您的管辖范围内" in str(error.value)


def test_members_per_branch_are_counted_from_the_roster(orgs, county_a_clerk):
    add_member(orgs["community"], "甲")
    add_member(orgs["community"], "乙")
    gone = add_member(orgs["community"], "丙")
    services.member_set_status(member=gone, status=MemberStatus.DECEASED, changed_on=today(), reason="支部决定", actor=SYSTEM)
    add_member(orgs["county_b"], "丁")
    rows = {b.name: b for b in selectors.branch_member_counts(county_a_clerk)}
    assert rows["东岗社区党支部"].roster_count == 2
    assert "七里河区第一党支部" not in rows


# --- transfers ---------------------------------------------------------------------------

def started(member: Member, **kwargs) -> Transfer:
    kwargs.setdefault("letter_number", "甘组转〔2026〕1号")
    return services.transfer_start(member=member, started_on=days_ago(40), actor=SYSTEM, **kwargs)


def test_a_transfer_inside_the_province_is_received_by_the_receiving_countys_clerk(orgs, member, county_a_clerk,
                                                                                  county_b_clerk):
    t = started(member, to_branch=orgs["county_b"])
    assert t.state == TransferState.PENDING
    services.transfer_send(transfer=t, sent_on=days_ago(35), valid_days=60, actor=county_a_clerk)
    with pytest.raises(ValidationError):  # the sending side does not receive its own letter
        services.transfer_receive(transfer=t, received_on=days_ago(1), actor=county_a_clerk)
    services.transfer_receive(transfer=t, received_on=days_ago(1), actor=county_b_clerk)
    assert Transfer.objects.get(pk=t.pk).state == TransferState.RECEIVED
    assert Member.objects.get(pk=member.pk).branch_id == orgs["county_b"].pk


def test_a_transfer_out_of_the_province_needs_a_destination_and_ends_as_transferred_out(orgs, member, county_a_clerk):
    with pytest.raises(ValidationError) as error:
        started(member)
    assert "转往单位" in error.value.message_dict["destination"][0]
    t = started(member, destination="陕西省西安市雁塔区某街道党工委")
    services.transfer_send(transfer=t, sent_on=days_ago(30), valid_days=30, actor=county_a_clerk)
    services.transfer_receive(transfer=t, received_on=days_ago(2), actor=county_a_clerk)
    assert Member.objects.get(pk=member.pk).status == MemberStatus.TRANSFERRED_OUT


def test_a_member_has_only_one_open_transfer(orgs, member):
    started(member, to_branch=orgs["county_b"])
    with pytest.raises(ValidationError) as error:
        started(member, to_branch=orgs["village"])
    assert "未办结" in str(error.value)


def test_a_transfer_to_the_same_branch_is_refused(orgs, member):
    with pytest.raises(ValidationError) as error:
        started(member, to_branch=orgs["community"])
    assert "不能是党员现在的党支部" in str(error.value)


def test_a_returned_transfer_leaves_the_member_where_they_were_and_needs_a_reason(orgs, member, county_b_clerk):
    t = started(member, to_branch=orgs["county_b"])
    services.transfer_send(transfer=t, sent_on=days_ago(35), valid_days=30, actor=SYSTEM)
    with pytest.raises(ValidationError):
        services.transfer_return(transfer=t, reason="", actor=county_b_clerk)
    services.transfer_return(transfer=t, reason="介绍信抬头有误", actor=county_b_clerk)
    assert Transfer.objects.get(pk=t.pk).state == TransferState.RETURNED
    assert Member.objects.get(pk=member.pk).branch_id == orgs["community"].pk


def test_transfers_in_transit_over_thirty_days_are_overdue(orgs, member, county_a_clerk):
    other = add_member(orgs["community"], "钱")
    late = started(member, to_branch=orgs["county_b"])
    services.transfer_send(transfer=late, sent_on=days_ago(31), valid_days=30, actor=SYSTEM)
    recent = started(other, to_branch=orgs["county_b"], letter_number="甘组转〔2026〕2号")
    services.transfer_send(transfer=recent, sent_on=days_ago(5), valid_days=30, actor=SYSTEM)
    assert set(selectors.transfers_in_transit(county_a_clerk)) == {late, recent}
    assert list(selectors.transfers_overdue(county_a_clerk)) == [late]


def test_the_transfers_list_counts_the_days_in_transit_and_marks_those_the_overdue_list_holds(
        orgs, member, client_for, county_a_clerk):
    other = add_member(orgs["community"], "钱")
    late = started(member, to_branch=orgs["county_b"])
    services.transfer_send(transfer=late, sent_on=days_ago(31), valid_days=30, actor=SYSTEM)
    recent = started(other, to_branch=orgs["county_b"], letter_number="甘组转〔2026〕2号")
    services.transfer_send(transfer=recent, sent_on=days_ago(30), valid_days=30, actor=SYSTEM)
    page = client_for(county_a_clerk).get(reverse("admin:members_transfer_changelist")).content.decode()
    assert '在途<br><span class="orgwork-warning">逾期，已31天</span>' in page
    assert "在途<br>已30天" in page  # thirty days is not yet overdue, as on the overdue list
    assert list(selectors.transfers_overdue(county_a_clerk)) == [late]


# A month before the letter's left unpaid is let through only with its reason (the rule of
# 党费 on transfer, tested in test_dues_before_the_letter): these tests read the letter's month.
EXCEPTION = "困难党员经批准减免"


def three_months(member: Member, paid: tuple[bool, bool, bool]) -> list[datetime.date]:
    """The member's ledger for the three months before this one, paid as ``paid`` says."""
    months = [rules.add_months(today().replace(day=1), -back) for back in (3, 2, 1)]
    for month, is_paid in zip(months, paid):
        services.dues_generate_month(month=month, actor=SYSTEM)
        if is_paid:
            services.dues_pay_in_full(record=DuesRecord.objects.get(member=member, month=month), paid_on=today(),
                                      actor=SYSTEM)
    return months


@pytest.mark.parametrize(("paid", "paid_to"), [
    ((True, True, True), 2),  # every month paid: the last one
    ((True, False, True), 0),  # a month unpaid: the month before it, a later payment notwithstanding
    ((False, True, True), None),  # nothing paid without a gap before it
])
def test_the_letter_says_how_far_the_dues_are_paid_from_the_ledger(orgs, member, paid, paid_to):
    months = three_months(member, paid)
    transfer = services.transfer_send(transfer=started(member, to_branch=orgs["county_b"]), sent_on=today(),
                                      valid_days=30, dues_exception=EXCEPTION, actor=SYSTEM)
    assert transfer.dues_paid_to == (None if paid_to is None else months[paid_to])
    audited = AuditLog.objects.latest("pk").changes  # the letter's one audit row
    assert audited["state"][1] == TransferState.IN_TRANSIT
    assert audited.get("dues_paid_to", [None, None])[1] == (None if paid_to is None else f"{months[paid_to]:%Y-%m-%d}")


def test_a_payment_recorded_after_the_letters_date_is_not_on_the_letter(orgs, member):
    months = three_months(member, (True, True, False))
    DuesRecord.objects.filter(member=member, month=months[0]).update(paid_on=days_ago(5))
    DuesRecord.objects.filter(member=member, month=months[1]).update(paid_on=days_ago(1))
    transfer = services.transfer_send(transfer=started(member, to_branch=orgs["county_b"]), sent_on=days_ago(2),
                                      valid_days=30, dues_exception=EXCEPTION, actor=SYSTEM)
    assert transfer.dues_paid_to == months[0]  # on the letter's day the second month was still owed


def test_the_transfer_page_shows_the_letters_dues_month(orgs, member, client_for, county_a_clerk):
    months = three_months(member, (True, True, False))
    transfer = services.transfer_send(transfer=started(member, to_branch=orgs["county_b"]), sent_on=today(),
                                      valid_days=30, dues_exception=EXCEPTION, actor=SYSTEM)
    page = client_for(county_a_clerk).get(reverse("admin:members_transfer_change", args=[transfer.pk]))
    assert page.status_code == 200
    assert "党费交至" in page.content.decode() and f"{months[1]:%Y.%m}" in page.content.decode()


# --- dues ------------------------------------------------------------------------------

@pytest.mark.parametrize(("category", "income", "due"), [
    ("employed", "3000", "15.00"), ("employed", "4000", "40.00"), ("employed", "8000", "120.00"),
    ("employed", "12000", "240.00"), ("student", "0", "0.20"), ("retired", "6000", "60.00"),
])
def test_monthly_dues_follow_the_rate_table(category, income, due):
    assert rules.monthly_dues(category=category, income_base=Decimal(income)) == Decimal(due)


def test_generating_a_month_is_idempotent_and_counts_arrears(orgs, member):
    month = rules.add_months(today().replace(day=1), -1)
    before = AuditLog.objects.count()
    assert services.dues_generate_month(month=month, actor=SYSTEM) == 1
    assert AuditLog.objects.count() == before + 1
    assert services.dues_generate_month(month=month, actor=SYSTEM) == 0
    record = DuesRecord.objects.get(member=member)
    assert record.due == Decimal("40.00")
    assert Member.objects.get(pk=member.pk).unpaid_months == 1


def test_paying_less_than_due_is_refused_and_paying_in_full_clears_the_month(orgs, member):
    services.dues_generate_month(month=today(), actor=SYSTEM)
    record = DuesRecord.objects.get(member=member)
    with pytest.raises(ValidationError) as error:
        services.dues_pay(record=record, paid=Decimal("20"), paid_on=today(), actor=SYSTEM)
    assert "足额" in error.value.message_dict["paid"][0]
    services.dues_pay(record=record, paid=Decimal("40"), paid_on=today(), actor=SYSTEM)
    assert Member.objects.get(pk=member.pk).unpaid_months == 0
    assert list(selectors.arrears(SYSTEM)) == []


def test_a_county_clerk_cannot_record_a_payment_in_another_county(orgs, county_b_clerk):
    m = add_member(orgs["community"])
    services.dues_generate_month(month=today(), actor=SYSTEM)
    with pytest.raises(ValidationError) as error:
        services.dues_pay(record=DuesRecord.objects.get(member=m), paid=Decimal("40"), paid_on=today(),
                          actor=county_b_clerk)
    assert "管辖范围" in str(error.value)


def six_unpaid_months(member: Member) -> None:
    for back in range(6, 0, -1):
        services.dues_generate_month(month=rules.add_months(today().replace(day=1), -back), actor=SYSTEM)


def test_six_unpaid_months_put_a_lapse_review_on_the_checklist_once(orgs, member):
    six_unpaid_months(member)
    assert Member.objects.get(pk=member.pk).unpaid_months == 6
    call_command("members_check_arrears")
    call_command("members_check_arrears")
    items = RectificationItem.objects.filter(source_object_id=str(member.pk))
    assert items.count() == 1 and "自行脱党" in items.get().problem


def test_six_unpaid_months_with_a_recorded_reason_are_not_a_lapse(orgs, member):
    six_unpaid_months(member)
    member = Member.objects.get(pk=member.pk)
    member.arrears_reason = "长期住院，经支部同意缓交"
    services.member_save(member=member, actor=SYSTEM)
    assert services.members_check_arrears(actor=SYSTEM) == 0


def test_six_unpaid_months_that_are_not_consecutive_are_not_a_lapse(orgs, member):
    six_unpaid_months(member)
    services.dues_generate_month(month=today(), actor=SYSTEM)
    middle = DuesRecord.objects.get(member=member, month=rules.add_months(today().replace(day=1), -3))
    services.dues_pay(record=middle, paid=middle.due, paid_on=today(), actor=SYSTEM)
    assert services.members_check_arrears(actor=SYSTEM) == 0


def test_the_arrears_list_matches_the_plain_ledger_aggregate(orgs, member):
    other = add_member(orgs["village"], "孙")
    six_unpaid_months(member)
    for record in DuesRecord.objects.filter(member=other):
        services.dues_pay(record=record, paid=record.due, paid_on=today(), actor=SYSTEM)
    assert [m.pk for m in selectors.arrears(SYSTEM)] == [m.pk for m in selectors.arrears_naive()] == [member.pk]


def test_correcting_a_member_cannot_move_them_to_another_branch(orgs, member):
    member.branch = orgs["village"]
    with pytest.raises(ValidationError) as error:
        services.member_save(member=member, actor=SYSTEM)
    assert "组织关系转接" in error.value.message_dict["branch"][0]
    assert Member.objects.get(pk=member.pk).branch_id == orgs["community"].pk


def test_correcting_a_member_cannot_change_the_standing_outside_its_action(orgs, member):
    member.status = MemberStatus.EXPELLED
    with pytest.raises(ValidationError):
        services.member_save(member=member, actor=SYSTEM)
    services.member_set_status(member=member, status=MemberStatus.EXPELLED, changed_on=today(), reason="支部决定", actor=SYSTEM)
    assert Member.objects.get(pk=member.pk).status == MemberStatus.EXPELLED


def test_the_generate_command_adds_a_month_once(orgs, member):
    from io import StringIO

    out = StringIO()
    call_command("members_generate_dues", month=f"{today():%Y-%m}", stdout=out)
    call_command("members_generate_dues", month=f"{today():%Y-%m}", stdout=out)
    assert "新增 1 条" in out.getvalue() and "新增 0 条" in out.getvalue()
    assert DuesRecord.objects.filter(member=member).count() == 1


def test_a_transfers_trail_names_the_receiving_branch_of_another_county_not_its_number(orgs, member, client_for,
                                                                                     county_a_clerk):
    """A 党组织's name is no secret (the receiving branch is picked province-wide): the
    sending clerk's 办理记录 names it, not 编号 N."""
    t = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="城组转〔2026〕21号",
                                started_on=days_ago(5), actor=county_a_clerk)
    html = client_for(county_a_clerk).get(reverse("admin:members_transfer_change", args=[t.pk])).content.decode()
    trail = html[html.index("办理记录"):]
    assert orgs["county_b"].name in trail
    assert f"编号 {orgs['county_b'].pk}" not in trail
