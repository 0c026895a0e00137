"""A payment on record: the batch action and the sheet leave it as it is, the record's
page corrects it; an amount far above the amount due is taken only when confirmed."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members import services
from branches.members.models import DuesRecord, Member
from branches.members.resources import DuesPaymentResource

from .conftest import SYSTEM, today
from .conftest import run_sheet as run
from .conftest import sheet_messages as messages

pytestmark = pytest.mark.django_db

HEAD = ["身份证号", "月份", "实交金额（元）", "交纳日期"]


def this_month() -> datetime.date:
    return today().replace(day=1)


def paid_on_the_first(member: Member) -> DuesRecord:
    services.dues_generate_month(month=today(), actor=SYSTEM)
    record = DuesRecord.objects.get(member=member)
    return services.dues_pay(record=record, paid=record.due, paid_on=this_month(), actor=SYSTEM)


def stored(record: DuesRecord) -> tuple[Any, Any]:
    fresh = DuesRecord.objects.get(pk=record.pk)
    return fresh.paid, fresh.paid_on


def test_the_dues_sheet_refuses_to_change_the_day_of_a_payment_on_record(tmp_path, orgs, member, county_a_clerk):
    record = paid_on_the_first(member)
    result = run(tmp_path, [HEAD, [member.id_number, f"{today():%Y-%m}", str(record.due), today().isoformat()]],
                 DuesPaymentResource, county_a_clerk)
    assert not result.committed
    text = messages(result)
    assert f"已于 {this_month():%Y-%m-%d} 交纳 {record.due} 元，未重复登记" in text and "记录的页面更正" in text
    assert stored(record) == (record.due, this_month())


def test_the_dues_sheet_refuses_to_change_the_amount_of_a_payment_on_record(tmp_path, orgs, member, county_a_clerk):
    record = paid_on_the_first(member)
    result = run(tmp_path, [HEAD, [member.id_number, f"{today():%Y-%m}", str(record.due + 1), this_month().isoformat()]],
                 DuesPaymentResource, county_a_clerk)
    assert not result.committed and "未重复登记" in messages(result)
    assert stored(record) == (record.due, this_month())


def test_the_dues_sheet_passes_over_a_payment_it_repeats_as_recorded(tmp_path, orgs, member, county_a_clerk):
    record = paid_on_the_first(member)
    result = run(tmp_path, [HEAD, [member.id_number, f"{today():%Y-%m}", str(record.due), this_month().isoformat()]],
                 DuesPaymentResource, county_a_clerk)
    assert result.committed, messages(result)
    assert stored(record) == (record.due, this_month())


def test_the_batch_action_gives_the_same_reason_for_a_month_already_paid(orgs, member, client_for, county_a_clerk):
    record = paid_on_the_first(member)
    page = client_for(county_a_clerk).post(reverse("admin:members_duesrecord_changelist"),
                                           {"action": "pay_in_full", "_selected_action": [record.pk]}, follow=True)
    assert f"已于 {this_month():%Y-%m-%d} 交纳 {record.due} 元，未重复登记" in page.content.decode()
    # The month named so that namesakes of one branch are told apart.
    tail = member.masked_id_number[-4:]
    assert f"「{member.name}（尾号{tail}，{member.branch.placed_name}） {today():%Y-%m}」" in page.content.decode()


def test_the_record_page_corrects_the_day_of_a_payment_on_record(orgs, member, client_for, county_a_clerk):
    record = paid_on_the_first(member)
    page = client_for(county_a_clerk).post(reverse("admin:members_duesrecord_change", args=[record.pk]),
                                           {"paid": str(record.due), "paid_on": today().isoformat()})
    assert page.status_code == 302
    assert stored(record) == (record.due, today())


def test_the_record_page_refuses_a_hundredfold_amount_unless_confirmed(orgs, member, client_for, county_a_clerk):
    record = paid_on_the_first(member)
    client = client_for(county_a_clerk)
    url = reverse("admin:members_duesrecord_change", args=[record.pk])
    typo = record.due * 100
    page = client.post(url, {"paid": str(typo), "paid_on": this_month().isoformat()})
    assert page.status_code == 200 and "确认自愿多交" in page.content.decode()
    assert stored(record) == (record.due, this_month())
    page = client.post(url, {"paid": str(typo), "paid_on": this_month().isoformat(), "confirmed": "on"})
    assert page.status_code == 302
    assert stored(record) == (typo, this_month())


def test_the_payment_service_refuses_a_hundredfold_amount_unless_confirmed(orgs, member):
    services.dues_generate_month(month=today(), actor=SYSTEM)
    record = DuesRecord.objects.get(member=member)
    with pytest.raises(ValidationError) as error:
        services.dues_pay(record=record, paid=record.due * 100, paid_on=today(), actor=SYSTEM)
    assert "10倍" in error.value.message_dict["paid"][0]
    services.dues_pay(record=record, paid=record.due * 100, paid_on=today(), actor=SYSTEM, confirmed=True)
    assert stored(record) == (record.due * 100, today())


def test_the_dues_sheet_refuses_a_hundredfold_amount_and_says_where_to_confirm_it(tmp_path, orgs, member,
                                                                                  county_a_clerk):
    services.dues_generate_month(month=today(), actor=SYSTEM)
    record = DuesRecord.objects.get(member=member)
    result = run(tmp_path, [HEAD, [member.id_number, f"{today():%Y-%m}", str(record.due * 100), today().isoformat()]],
                 DuesPaymentResource, county_a_clerk)
    assert not result.committed and "确认自愿多交" in messages(result)
    assert stored(record) == (None, None)


def test_twice_the_amount_due_is_taken_without_confirmation(tmp_path, orgs, member, county_a_clerk):
    services.dues_generate_month(month=today(), actor=SYSTEM)
    record = DuesRecord.objects.get(member=member)
    result = run(tmp_path, [HEAD, [member.id_number, f"{today():%Y-%m}", str(record.due * 2), today().isoformat()]],
                 DuesPaymentResource, county_a_clerk)
    assert result.committed, messages(result)
    assert stored(record) == (record.due * 2, today())


def test_an_amount_in_scientific_notation_is_refused_on_the_page_and_in_the_sheet(tmp_path, orgs, member, client_for,
                                                                                 county_a_clerk):
    services.dues_generate_month(month=today(), actor=SYSTEM)
    record = DuesRecord.objects.get(member=member)
    page = client_for(county_a_clerk).post(reverse("admin:members_duesrecord_change", args=[record.pk]),
                                           {"paid": "1e3", "paid_on": today().isoformat()})
    assert page.status_code == 200 and page.context["adminform"].form.errors["paid"] == ["「1e3」不是数字。"]
    result = run(tmp_path, [HEAD, [member.id_number, f"{today():%Y-%m}", "1.5E+2", today().isoformat()]],
                 DuesPaymentResource, county_a_clerk)
    assert not result.committed and "「1.5E+2」不是数字。" in messages(result)
    assert stored(record) == (None, None)


def test_a_negative_amount_is_told_as_negative_and_too_many_decimals_only_as_such(tmp_path, orgs, member, client_for,
                                                                                  county_a_clerk):
    services.dues_generate_month(month=today(), actor=SYSTEM)
    record = DuesRecord.objects.get(member=member)
    url = reverse("admin:members_duesrecord_change", args=[record.pk])
    client = client_for(county_a_clerk)
    negative = client.post(url, {"paid": "-148.5", "paid_on": today().isoformat()}).context["adminform"].form
    assert negative.errors["paid"] == ["实交金额不能为负数（-148.5）。"]
    decimals = client.post(url, {"paid": "148.505", "paid_on": today().isoformat()}).context["adminform"].form
    assert "同时填写" not in str(decimals.errors) and decimals.errors["paid"]
    result = run(tmp_path, [HEAD, [member.id_number, f"{today():%Y-%m}", "-126", today().isoformat()]],
                 DuesPaymentResource, county_a_clerk)
    assert not result.committed and "实交金额不能为负数（-126）。" in messages(result)
    assert stored(record) == (None, None)


def test_a_dues_sheet_of_more_rows_than_one_lookup_takes_finds_every_month(tmp_path, orgs, monkeypatch,
                                                                           county_a_clerk):
    """Rows found by a member and a month are looked up a slice at a time (one OR of a
    county's year of dues was past SQLite's expression depth and failed the demo's upload):
    with slices of two, five members' months are all found and each paid once."""
    from orgwork.imports import engine
    from tests.samples.names import numbered

    from .conftest import add_member, make_id

    monkeypatch.setattr(engine, "PAIRS_PER_QUERY", 2)
    people = [add_member(orgs["community"], numbered("党员", i), id_number=make_id(datetime.date(1970 + i, 3, 9)))
              for i in range(5)]
    services.dues_generate_month(month=today(), actor=SYSTEM)
    rows = [[m.id_number, f"{today():%Y-%m}", str(DuesRecord.objects.get(member=m).due), this_month().isoformat()]
            for m in people]
    result = run(tmp_path, [HEAD, *rows], DuesPaymentResource, county_a_clerk)
    assert result.committed, messages(result)
    assert all(DuesRecord.objects.get(member=m).paid_on == this_month() for m in people)
    again = run(tmp_path, [HEAD, *rows], DuesPaymentResource, county_a_clerk)
    assert again.committed and again.unchanged == 5, messages(again)
