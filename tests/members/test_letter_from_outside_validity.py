"""登记省外转入 records the outside letter's own 开出日期 and 有效期: both are required of a
new registration, a receipt after the letter ran out or before it was issued is refused
in Chinese on every path that registers one (the service, the 登记省外转入 page, the
member's own 省外转入), and the transfer's page and trail show them with the day the
letter ran to; the registrations made before the validity was recorded keep none."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members import services
from branches.members.models import Member, MemberStatus, Transfer

from .conftest import days_ago, make_id
from .test_record_steps import step_url
from .test_transfers_into_the_province import FROM_OUTSIDE, NEW_ID, letter, transferred_out

pytestmark = pytest.mark.django_db

ORIGIN = "北京市海淀区某街道党工委"


def cn(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def expired(received: datetime.date, until: datetime.date) -> str:
    return (f"接收日期（{cn(received)}）晚于省外介绍信的有效期，介绍信已于{cn(until)}到期：不能凭此介绍信登记转入，"
            "请退回开出介绍信的省外党组织重新开具，凭新介绍信登记。")


def newcomer() -> Member:
    return Member(name="陈远", id_number=make_id(datetime.date(1985, 3, 4)), category="full",
                  joined_on=datetime.date(2010, 7, 1), full_on=datetime.date(2011, 7, 1), income_base=Decimal("4200"))


def registered(orgs: Any, actor: Any, **changes: Any) -> Transfer:
    """赵六's letter from 北京, issued 20 days ago, valid 15 days (to five days ago)."""
    values = {"member": newcomer(), "to_branch": orgs["village"], "origin": ORIGIN, "letter_number": "京海转〔2026〕90号",
              "sent_on": days_ago(20), "valid_days": 15, "received_on": days_ago(6), **changes}
    return services.transfer_in_from_outside(actor=actor, **values)


# ---------------------------------------------------------------- the service


def test_a_registration_from_outside_records_the_letters_date_and_validity(orgs, county_a_clerk):
    t = registered(orgs, county_a_clerk)
    t.refresh_from_db()
    assert (t.sent_on, t.valid_days, t.valid_until, t.received_on) == (days_ago(20), 15, days_ago(5), days_ago(6))


def test_a_registration_from_outside_without_the_letters_validity_is_refused_in_chinese(orgs, county_a_clerk):
    with pytest.raises(ValidationError) as refused:
        registered(orgs, county_a_clerk, valid_days=None)
    assert refused.value.message_dict["valid_days"] == ["请填写省外介绍信注明的有效期（天）。"]
    assert not Transfer.objects.exists() and not Member.objects.exists()


def test_a_registration_from_outside_without_the_letters_date_is_refused_in_chinese(orgs, county_a_clerk):
    with pytest.raises(ValidationError) as refused:
        registered(orgs, county_a_clerk, sent_on=None)
    assert refused.value.message_dict["sent_on"] == ["请填写省外介绍信的开出日期。"]
    assert not Transfer.objects.exists()


@pytest.mark.parametrize("days", [0, 91])
def test_a_validity_of_the_letter_from_outside_beyond_one_to_ninety_days_is_refused(orgs, county_a_clerk, days):
    with pytest.raises(ValidationError) as refused:
        registered(orgs, county_a_clerk, valid_days=days)
    assert "1至90天" in refused.value.message_dict["valid_days"][0]
    assert not Transfer.objects.exists()


def test_a_registration_received_after_the_letter_from_outside_ran_out_is_refused(orgs, county_a_clerk):
    with pytest.raises(ValidationError) as refused:
        registered(orgs, county_a_clerk, received_on=days_ago(4))
    assert refused.value.message_dict["received_on"] == [expired(days_ago(4), days_ago(5))]
    assert not Transfer.objects.exists() and not Member.objects.exists()


def test_a_registration_received_on_the_letters_last_valid_day_is_recorded(orgs, county_a_clerk):
    t = registered(orgs, county_a_clerk, received_on=days_ago(5))
    assert Member.objects.get(pk=t.member_id).status == MemberStatus.ACTIVE


def test_a_registration_received_before_the_letter_from_outside_was_issued_is_refused(orgs, county_a_clerk):
    with pytest.raises(ValidationError) as refused:
        registered(orgs, county_a_clerk, received_on=days_ago(21))
    assert refused.value.message_dict["received_on"] == [f"接收日期不能早于省外介绍信的开出日期（{cn(days_ago(20))}）。"]
    assert not Transfer.objects.exists()


def test_a_returning_member_whose_letter_from_outside_ran_out_stays_transferred_out(orgs, member, county_a_clerk):
    gone = transferred_out(member, county_a_clerk)
    with pytest.raises(ValidationError) as refused:
        registered(orgs, county_a_clerk, member=gone, received_on=days_ago(1))
    assert refused.value.message_dict["received_on"] == [expired(days_ago(1), days_ago(5))]
    assert Member.objects.get(pk=member.pk).status == MemberStatus.TRANSFERRED_OUT
    assert not Transfer.objects.filter(from_branch__isnull=True).exists()


# ---------------------------------------------------------------- the 登记省外转入 page and the member's step


def test_the_transfer_in_page_asks_for_the_letters_validity_and_records_it(orgs, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    form = client.get(FROM_OUTSIDE).content.decode()
    assert 'name="valid_days"' in form and "省外介绍信注明的有效期" in form
    refused = client.post(FROM_OUTSIDE, letter(to_branch=orgs["village"].pk, valid_days=""))
    assert refused.status_code == 200
    assert refused.context["form"].errors["valid_days"] == ["请填写省外介绍信注明的有效期（天）。"]
    assert not Member.objects.filter(id_number=NEW_ID).exists()
    done = client.post(FROM_OUTSIDE, letter(to_branch=orgs["village"].pk, valid_days="20"))
    assert done.status_code == 302
    assert Transfer.objects.get(member__id_number=NEW_ID).valid_days == 20


def test_the_transfer_in_page_refuses_a_receipt_after_the_letter_ran_out_under_its_date(orgs, client_for,
                                                                                      county_a_clerk):
    refused = client_for(county_a_clerk).post(FROM_OUTSIDE, letter(
        to_branch=orgs["village"].pk, sent_on=days_ago(20).isoformat(), valid_days="15",
        received_on=days_ago(1).isoformat()))
    assert refused.status_code == 200
    assert refused.context["form"].errors["received_on"] == [expired(days_ago(1), days_ago(5))]
    assert not Member.objects.filter(id_number=NEW_ID).exists() and not Transfer.objects.exists()


def test_the_transfer_in_page_refuses_a_receipt_before_the_letter_was_issued(orgs, client_for, county_a_clerk):
    refused = client_for(county_a_clerk).post(FROM_OUTSIDE, letter(
        to_branch=orgs["village"].pk, sent_on=days_ago(3).isoformat(), received_on=days_ago(4).isoformat()))
    assert refused.status_code == 200
    assert refused.context["form"].errors["received_on"] == [f"接收日期不能早于省外介绍信的开出日期（{cn(days_ago(3))}）。"]
    assert not Member.objects.filter(id_number=NEW_ID).exists()


def test_the_members_transfer_in_step_refuses_a_letter_that_ran_out_and_asks_for_its_validity(orgs, member,
                                                                                            client_for,
                                                                                            county_a_clerk):
    gone = transferred_out(member, county_a_clerk)
    client = client_for(county_a_clerk)
    fields = {"to_branch": orgs["community"].pk, "origin": ORIGIN, "letter_number": "京海转〔2026〕91号",
              "sent_on": days_ago(20).isoformat(), "valid_days": "15", "received_on": days_ago(2).isoformat()}
    refused = client.post(step_url(gone, "transfer-in"), fields)
    assert refused.status_code == 200
    assert refused.context["form"].errors["received_on"] == [expired(days_ago(2), days_ago(5))]
    missing = client.post(step_url(gone, "transfer-in"), {**fields, "valid_days": "", "received_on":
                                                          days_ago(6).isoformat()})
    assert missing.context["form"].errors["valid_days"] == ["请填写省外介绍信注明的有效期（天）。"]
    assert Member.objects.get(pk=gone.pk).status == MemberStatus.TRANSFERRED_OUT
    done = client.post(step_url(gone, "transfer-in"), {**fields, "received_on": days_ago(6).isoformat()})
    assert done.status_code == 302
    assert Transfer.objects.get(member=gone, origin=ORIGIN).valid_days == 15


# ---------------------------------------------------------------- shown on the page and in the trail


def test_the_transfers_page_and_trail_show_the_outside_letters_date_validity_and_last_day(orgs, client_for,
                                                                                        county_a_clerk):
    t = registered(orgs, county_a_clerk)
    html = client_for(county_a_clerk).get(reverse("admin:members_transfer_change", args=[t.pk])).content.decode()
    fields, trail = html[:html.index('id="record-timeline"')], html[html.index('id="record-timeline"'):]
    assert "开出介绍信日期" in fields and f"{days_ago(20):%Y-%m-%d}" in fields
    assert f"开出介绍信日期：{days_ago(20):%Y-%m-%d}" in trail
    assert "有效期（天）" in fields and "有效至" in fields and f"{days_ago(5):%Y-%m-%d}" in fields
    assert "有效期（天）：15" in trail and f"有效至：{days_ago(5):%Y-%m-%d}" in trail  # the registration row


def test_a_registration_from_outside_made_before_the_validity_was_recorded_shows_none(orgs, client_for,
                                                                                    county_a_clerk):
    t = registered(orgs, county_a_clerk)
    Transfer.objects.filter(pk=t.pk).update(valid_days=None)  # as migration members.0021 left the earlier ones
    html = client_for(county_a_clerk).get(reverse("admin:members_transfer_change", args=[t.pk])).content.decode()
    fields = html[:html.index('id="record-timeline"')]
    assert "开出介绍信日期" in fields and "有效期（天）" not in fields and "有效至" not in fields


@pytest.mark.parametrize("field", ["sent_on", "received_on", "joined_on", "full_on"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_the_transfer_in_page_refuses_a_date_in_a_year_no_file_holds_instead_of_failing(
        orgs, client_for, county_a_clerk, day, field):
    refused = client_for(county_a_clerk).post(FROM_OUTSIDE, letter(to_branch=orgs["village"].pk, **{field: day}))
    assert refused.status_code == 200
    assert "年份超出范围" in refused.context["form"].errors[field][0]
    assert not Member.objects.filter(id_number=NEW_ID).exists()
