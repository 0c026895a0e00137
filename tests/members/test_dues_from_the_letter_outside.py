"""省外转入 with the outside letter's 党费交至: the member owes dues from the month after it
(the months behind follow him, a month paid ahead is not asked again), from the receipt's
month when the letter names none; a month a year beyond the receipt is refused; the clerk
is told which months are now owed, on the page for a new person and on a member's step."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members import rules, services
from branches.members.models import Member, Transfer

from .conftest import SYSTEM, days_ago, make_id, today
from .test_transfers_into_the_province import FROM_OUTSIDE, NEW_ID, letter, passed_on, transferred_out

pytestmark = pytest.mark.django_db


def this_month() -> datetime.date:
    return today().replace(day=1)


def month(back: int) -> datetime.date:
    return rules.add_months(this_month(), -back)


def arrived(orgs: Any, *, received_on: datetime.date, dues_paid_to: datetime.date | None,
            actor: Any = SYSTEM) -> Transfer:
    person = Member(name="周转入", id_number=make_id(datetime.date(1986, 5, 3)), category="full",
                    joined_on=datetime.date(2010, 7, 1), full_on=datetime.date(2011, 7, 1), income_base=Decimal("4200"))
    return services.transfer_in_from_outside(member=person, to_branch=orgs["village"], origin="上海市徐汇区某党委",
                                             letter_number="沪徐转〔2026〕28号", sent_on=received_on - datetime.timedelta(days=5),
                                             valid_days=30, received_on=received_on, dues_paid_to=dues_paid_to,
                                             actor=actor)


def owed_after_generating(member_id: int, months: list[datetime.date]) -> list[datetime.date]:
    for m in months:
        services.dues_generate_month(month=m, actor=SYSTEM)
    return list(Member.objects.get(pk=member_id).dues.order_by("month").values_list("month", flat=True))


def test_the_letters_dues_month_is_kept_on_the_transfer(orgs):
    t = arrived(orgs, received_on=this_month(), dues_paid_to=month(3) + datetime.timedelta(days=14))
    assert Transfer.objects.get(pk=t.pk).dues_paid_to == month(3)  # a month, kept as its first day


def test_a_person_behind_with_his_dues_owes_from_the_month_after_the_letters_dues_month(orgs):
    t = arrived(orgs, received_on=this_month(), dues_paid_to=month(3))
    assert owed_after_generating(t.member_id, [month(4), month(3), month(2), month(1), month(0)]) == [
        month(2), month(1), month(0)]
    assert Member.objects.get(pk=t.member_id).unpaid_months == 2  # the months ended, behind as he came


def test_a_person_who_paid_ahead_of_the_receipt_owes_from_the_month_after_the_one_paid(orgs):
    t = arrived(orgs, received_on=month(2), dues_paid_to=month(1))
    assert owed_after_generating(t.member_id, [month(2), month(1), month(0)]) == [month(0)]


def test_a_letter_without_a_dues_month_leaves_him_owing_from_the_receipts_month(orgs):
    t = arrived(orgs, received_on=month(1), dues_paid_to=None)
    assert owed_after_generating(t.member_id, [month(3), month(2), month(1), month(0)]) == [month(1), month(0)]


def test_a_member_coming_back_owes_from_the_month_after_his_letters_dues_month(orgs, member, county_a_clerk):
    gone = transferred_out(member, county_a_clerk)
    services.transfer_in_from_outside(member=gone, to_branch=orgs["village"], origin="北京市海淀区某街道党工委",
                                      letter_number="京海转〔2026〕51号", sent_on=month(1),
                                      valid_days=30, received_on=this_month(),
                                      dues_paid_to=month(3), actor=county_a_clerk)
    generated = owed_after_generating(gone.pk, [month(3), month(2), month(1), month(0)])
    assert [m for m in generated if m >= month(3)] == [month(2), month(1), month(0)]


def test_a_later_change_of_standing_starts_the_dues_from_its_own_month(orgs):
    t = arrived(orgs, received_on=month(3), dues_paid_to=month(5))
    member = Member.objects.get(pk=t.member_id)
    services.member_set_status(member=member, status="suspended", changed_on=month(3) + datetime.timedelta(days=3),
                               reason="停止党籍决定", actor=SYSTEM)
    member.refresh_from_db()
    services.member_set_status(member=member, status="active", changed_on=month(1), reason="恢复党籍决定",
                               actor=SYSTEM)
    assert owed_after_generating(t.member_id, [month(2), month(1), month(0)]) == [month(1), month(0)]


def test_a_dues_month_more_than_a_year_after_the_receipt_is_refused_as_implausible(orgs):
    with pytest.raises(ValidationError) as refused:
        arrived(orgs, received_on=this_month(), dues_paid_to=rules.add_months(this_month(), 13))
    assert "请核对介绍信上的月份" in refused.value.message_dict["dues_paid_to"][0]
    assert not Transfer.objects.exists()
    t = arrived(orgs, received_on=this_month(), dues_paid_to=rules.add_months(this_month(), 12))
    assert t.dues_paid_to == rules.add_months(this_month(), 12)


@pytest.mark.parametrize("paid_to", [datetime.date(1900, 1, 1), datetime.date(2010, 5, 1)])
def test_a_dues_month_before_the_member_joined_is_refused(orgs, paid_to):
    with pytest.raises(ValidationError) as refused:
        arrived(orgs, received_on=this_month(), dues_paid_to=paid_to)  # he joined on 2010-07-01
    assert "早于入党日期（2010-07-01）" in refused.value.message_dict["dues_paid_to"][0]
    assert not Transfer.objects.exists()


def test_a_dues_month_further_back_than_dues_can_be_generated_is_refused(orgs):
    with pytest.raises(ValidationError) as refused:
        arrived(orgs, received_on=this_month(), dues_paid_to=month(14))
    assert "只能补记最近12个月" in refused.value.message_dict["dues_paid_to"][0]
    t = arrived(orgs, received_on=this_month(), dues_paid_to=month(13))
    assert t.dues_owed_from == month(12)
    generated = owed_after_generating(t.member_id, [month(back) for back in range(12, -1, -1)])
    assert generated[0] == month(12) and len(generated) == 13


def test_the_note_names_the_months_owed_or_when_dues_begin(orgs):
    behind = arrived(orgs, received_on=this_month(), dues_paid_to=month(3))
    note = services.dues_owed_note(behind)
    assert f"介绍信注明党费交至{month(3):%Y.%m}" in note
    assert f"应交党费3个月（{month(2):%Y.%m}、{month(1):%Y.%m}、{month(0):%Y.%m}）" in note
    ahead = Transfer(dues_paid_to=rules.add_months(this_month(), 2))
    ahead.dues_owed_from = rules.add_months(this_month(), 3)
    assert services.dues_owed_note(ahead).endswith(f"自{rules.add_months(this_month(), 3):%Y.%m}起交纳党费，目前不欠缴")


def test_the_transfer_in_page_takes_the_dues_month_and_tells_the_clerk_the_months_owed(orgs, client_for,
                                                                                     county_a_clerk):
    client = client_for(county_a_clerk)
    assert "党费交至" in client.get(FROM_OUTSIDE).content.decode()
    done = client.post(FROM_OUTSIDE, letter(to_branch=orgs["village"].pk, received_on=this_month().isoformat(),
                                            sent_on=this_month().isoformat(), dues_paid_to=f"{month(2):%Y.%m}"))
    assert done.status_code == 302, done.content.decode()[:2000]
    added = Member.objects.get(id_number=NEW_ID)
    assert Transfer.objects.get(member=added).dues_paid_to == month(2)
    [message] = [str(m) for m in get_messages(done.wsgi_request)]
    assert f"应交党费2个月（{month(1):%Y.%m}、{month(0):%Y.%m}）" in message


def test_the_transfer_in_page_refuses_an_implausible_dues_month_under_its_field(orgs, client_for, county_a_clerk):
    refused = client_for(county_a_clerk).post(FROM_OUTSIDE, letter(
        to_branch=orgs["village"].pk, dues_paid_to=f"{rules.add_months(this_month(), 14):%Y.%m}"))
    assert refused.status_code == 200
    assert "请核对介绍信上的月份" in " ".join(refused.context["form"].errors["dues_paid_to"])
    assert not Member.objects.filter(id_number=NEW_ID).exists()


def test_the_transfer_in_page_refuses_a_dues_month_of_a_century_ago_under_its_field(orgs, client_for, county_a_clerk):
    refused = client_for(county_a_clerk).post(FROM_OUTSIDE, letter(to_branch=orgs["village"].pk, dues_paid_to="1900.01"))
    assert refused.status_code == 200
    assert "早于入党日期" in " ".join(refused.context["form"].errors["dues_paid_to"])
    assert not Member.objects.filter(id_number=NEW_ID).exists()


def test_a_members_own_transfer_in_takes_the_dues_month_and_says_which_months_are_owed(orgs, member, client_for,
                                                                                      county_b_clerk,
                                                                                      county_a_clerk):
    gone = transferred_out(member, county_a_clerk)
    client = client_for(county_b_clerk)
    done = client.post(passed_on(client, gone), {
        "to_branch": orgs["county_b"].pk, "origin": "北京市海淀区某街道党工委", "letter_number": "京海转〔2026〕52号",
        "sent_on": days_ago(0).isoformat(), "valid_days": "30", "received_on": days_ago(0).isoformat(),
        "dues_paid_to": f"{month(1):%Y.%m}"})
    assert done.status_code == 302
    assert Transfer.objects.get(member=gone, origin="北京市海淀区某街道党工委").dues_paid_to == month(1)
    [message] = [str(m) for m in get_messages(done.wsgi_request)]
    assert f"介绍信注明党费交至{month(1):%Y.%m}" in message and f"应交党费1个月（{month(0):%Y.%m}）" in message


def test_the_transfer_page_shows_the_outside_letters_dues_month(orgs, client_for, county_a_clerk):
    t = arrived(orgs, received_on=this_month(), dues_paid_to=month(2), actor=county_a_clerk)
    html = client_for(county_a_clerk).get(reverse("admin:members_transfer_change", args=[t.pk])).content.decode()
    fields = html[:html.index('id="record-timeline"')]
    assert "党费交至" in fields and f"{month(2):%Y.%m}" in fields
