"""The over-10× message says what to do from where it is read: on the record's page the
「确认自愿多交」 box is right there; a sheet's row cannot be confirmed and is sent to the
record's page; a service caller is sent there too."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members import services
from branches.members.models import DuesRecord
from branches.members.resources import DuesPaymentResource

from .conftest import SYSTEM, today
from .conftest import run_sheet as run
from .conftest import sheet_messages as messages

pytestmark = pytest.mark.django_db
HEAD = ["身份证号", "月份", "实交金额（元）", "交纳日期"]
ELSEWHERE = "该党费记录的页面"


def generated(member) -> DuesRecord:
    services.dues_generate_month(month=today(), actor=SYSTEM)
    return DuesRecord.objects.get(member=member)


def test_on_the_record_page_the_clerk_is_told_to_tick_the_box_there_not_sent_to_the_page(orgs, member, client_for,
                                                                                          county_a_clerk):
    record = generated(member)
    typo = record.due * 100
    page = client_for(county_a_clerk).post(reverse("admin:members_duesrecord_change", args=[record.pk]),
                                           {"paid": str(typo), "paid_on": today().isoformat()})
    assert page.status_code == 200
    [message] = page.context["adminform"].form.errors["paid"]
    assert message == (f"实交 {typo} 元超过应交 {record.due} 元的10倍，请核对金额；"
                       "确系自愿多交党费的，请勾选“确认自愿多交”后保存。")
    assert ELSEWHERE not in message


def test_on_the_record_page_clearing_a_payment_is_told_to_correct_it_there(orgs, member, client_for,
                                                                           county_a_clerk):
    record = services.dues_pay(record=generated(member), paid=Decimal("120.00"), paid_on=today(), actor=SYSTEM)
    page = client_for(county_a_clerk).post(reverse("admin:members_duesrecord_change", args=[record.pk]),
                                           {"paid": "", "paid_on": ""})
    [message] = page.context["adminform"].form.errors["paid"]
    assert "不能留空清除" in message and ELSEWHERE not in message and "请改填正确的金额和日期" in message


def test_on_the_sheet_the_row_is_sent_to_the_record_page_to_be_confirmed(tmp_path, orgs, member, county_a_clerk):
    record = generated(member)
    result = run(tmp_path, [HEAD, [member.id_number, f"{today():%Y-%m}", str(record.due * 100), today().isoformat()]],
                 DuesPaymentResource, county_a_clerk)
    assert not result.committed
    assert "表中不能确认，请从表中删去该行，在该党费记录的页面登记并勾选“确认自愿多交”。" in messages(result)


def test_a_service_caller_is_sent_to_the_record_page_to_confirm(orgs, member):
    record = generated(member)
    with pytest.raises(ValidationError) as error:
        services.dues_pay(record=record, paid=record.due * 100, paid_on=today(), actor=SYSTEM)
    assert error.value.message_dict["paid"][0].endswith("请在该党费记录的页面登记并勾选“确认自愿多交”。")
