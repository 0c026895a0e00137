"""党费 on transfer: a member transferring out settles his dues up to the month of the
letter, and the letter states 党费交至. 确认转出 is refused while a month before the
letter's month is unpaid by the letter's day, naming the months in Chinese, on the
service, the step page and the list's batch (each person on a line, a refused one left
as he was); the clerk may record an exception with its reason (例外原因, e.g.
困难党员经批准减免), which is kept on the transfer and in its trail."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from branches.members import rules, services
from branches.members.models import DuesRecord, Member, Transfer, TransferState
from orgwork.audit.models import AuditLog

from .conftest import SYSTEM, add_member, days_ago, today

pytestmark = pytest.mark.django_db


def this_month() -> datetime.date:
    return today().replace(day=1)


def months_back(n: int) -> datetime.date:
    """The first of the month ``n`` months before this one."""
    return rules.add_months(this_month(), -n)


EXCEPTION = "困难党员经批准减免（城关区委组织部2026年第3号批复）"


def cn(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def refusal(months: list[datetime.date], sent_on: datetime.date | None = None) -> str:
    sent_on = sent_on or today()
    shown = "、".join(f"{m:%Y.%m}" for m in months)
    return (f"截至开出介绍信日期（{cn(sent_on)}）尚有{len(months)}个月党费未交纳（{shown}）：党员转出前应交清"
            "转出当月以前的党费。请先登记交纳；经批准减免等例外情形的，填写例外原因后再确认转出。")


def owing(months: tuple[datetime.date, ...] | None = None) -> None:
    """The ledger of every member on the roll for ``months`` (the last two and this one), none paid."""
    for month in (months_back(2), months_back(1), this_month()) if months is None else months:
        services.dues_generate_month(month=month, actor=SYSTEM)


def pay(member: Member, month: datetime.date, on: datetime.date | None = None) -> None:
    record = DuesRecord.objects.get(member=member, month=month)
    services.dues_pay(record=record, paid=record.due, paid_on=on or today(), actor=SYSTEM)


def started(member: Member, orgs: Any, letter: str = "城组转〔2026〕71号", destination: str = "") -> Transfer:
    return services.transfer_start(member=member, to_branch=None if destination else orgs["county_b"],
                                   destination=destination, letter_number=letter, started_on=today(), actor=SYSTEM)


def trail(t: Transfer) -> list[AuditLog]:
    return list(AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(Transfer),
                                        object_id=str(t.pk)).order_by("at", "id"))


# ---------------------------------------------------------------- the service


def test_a_letter_is_refused_while_months_before_its_month_are_unpaid_naming_them(orgs, member):
    owing()
    t = started(member, orgs)
    with pytest.raises(ValidationError) as refused:
        services.transfer_send(transfer=t, sent_on=today(), valid_days=30, actor=SYSTEM)
    assert refused.value.message_dict["dues_exception"] == [refusal([months_back(2), months_back(1)])]
    assert Transfer.objects.get(pk=t.pk).state == TransferState.PENDING
    assert len(trail(t)) == 1  # the application's row only


def test_a_letter_out_of_the_province_is_refused_the_same_way(orgs, member):
    owing()
    t = started(member, orgs, destination="陕西省西安市雁塔区某街道党工委")
    with pytest.raises(ValidationError) as refused:
        services.transfer_send(transfer=t, sent_on=today(), valid_days=30, actor=SYSTEM)
    assert refused.value.message_dict["dues_exception"] == [refusal([months_back(2), months_back(1)])]


def test_the_month_of_the_letter_itself_may_still_be_unpaid(orgs, member):
    owing()
    pay(member, months_back(2))
    pay(member, months_back(1))
    t = services.transfer_send(transfer=started(member, orgs), sent_on=today(), valid_days=30, actor=SYSTEM)
    assert (t.state, t.dues_paid_to, t.dues_exception) == (TransferState.IN_TRANSIT, months_back(1), "")


def test_a_month_paid_only_after_the_letters_day_counts_as_unpaid_on_the_letter(orgs, member):
    owing((months_back(2), months_back(1)))
    pay(member, months_back(2), on=today())
    sent_on = months_back(1).replace(day=3)  # last month: before the payment
    t = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="城组转〔2026〕73号",
                                started_on=sent_on, actor=SYSTEM)
    with pytest.raises(ValidationError) as refused:
        services.transfer_send(transfer=t, sent_on=sent_on, valid_days=30, actor=SYSTEM)
    assert refused.value.message_dict["dues_exception"] == [refusal([months_back(2)], sent_on)]


def test_a_letter_with_the_exceptions_reason_is_issued_and_keeps_it_with_the_months_it_covers(orgs, member,
                                                                                             county_a_clerk):
    owing()
    t = services.transfer_send(transfer=started(member, orgs), sent_on=today(), valid_days=30,
                               dues_exception=f"  {EXCEPTION} ", actor=county_a_clerk)
    t.refresh_from_db()
    assert (t.state, t.dues_exception, t.dues_paid_to) == (TransferState.IN_TRANSIT, EXCEPTION, None)
    row = trail(t)[-1]
    assert row.message == f"确认转出（开出介绍信）；党费未交清2个月（{months_back(2):%Y.%m}、{months_back(1):%Y.%m}），按例外原因开出介绍信"
    assert row.changes["dues_exception"] == ["", EXCEPTION]
    assert row.actor_id == county_a_clerk.pk


def test_a_reason_given_for_a_member_who_owes_nothing_is_not_kept(orgs, member):
    t = services.transfer_send(transfer=started(member, orgs), sent_on=today(), valid_days=30,
                               dues_exception=EXCEPTION, actor=SYSTEM)
    assert Transfer.objects.get(pk=t.pk).dues_exception == ""
    assert trail(t)[-1].message == "确认转出（开出介绍信）"


def test_an_exceptions_reason_longer_than_two_hundred_characters_is_refused(orgs, member):
    owing()
    t = started(member, orgs)
    with pytest.raises(ValidationError) as refused:
        services.transfer_send(transfer=t, sent_on=today(), valid_days=30, dues_exception="减" * 201, actor=SYSTEM)
    assert refused.value.message_dict["dues_exception"] == ["例外原因不能超过200字。"]
    assert Transfer.objects.get(pk=t.pk).state == TransferState.PENDING


def test_the_database_keeps_an_exception_only_on_a_letter_issued_here(orgs, member):
    t = started(member, orgs)
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.filter(pk=t.pk).update(dues_exception=EXCEPTION)  # not yet issued


# ---------------------------------------------------------------- the step page


def step(t: Transfer) -> str:
    return reverse("admin:members_transfer_send_step", args=[t.pk])


def test_the_send_step_refuses_a_member_behind_with_his_dues_under_the_exceptions_field(orgs, member, client_for,
                                                                                       county_a_clerk):
    owing()
    t = started(member, orgs)
    client = client_for(county_a_clerk)
    form = client.get(step(t)).content.decode()
    assert "例外原因" in form and "困难党员经批准减免" in form
    refused = client.post(step(t), {"day": today().isoformat(), "valid_days": "30", "dues_exception": ""})
    assert refused.status_code == 200
    assert refused.context["form"].errors["dues_exception"] == [refusal([months_back(2), months_back(1)])]
    assert Transfer.objects.get(pk=t.pk).state == TransferState.PENDING


def test_the_send_step_with_the_exceptions_reason_issues_the_letter_and_says_so(orgs, member, client_for,
                                                                              county_a_clerk):
    owing()
    t = started(member, orgs)
    client = client_for(county_a_clerk)
    done = client.post(step(t), {"day": today().isoformat(), "valid_days": "30", "dues_exception": EXCEPTION},
                       follow=True)
    [message] = [str(m) for m in done.context["messages"]]
    assert message == (f"「{t}」已确认转出；党费未交清2个月（{months_back(2):%Y.%m}、{months_back(1):%Y.%m}），按例外原因开出介绍信。")
    assert Transfer.objects.get(pk=t.pk).dues_exception == EXCEPTION
    html = client.get(reverse("admin:members_transfer_change", args=[t.pk])).content.decode()
    fields, shown_trail = html[:html.index('id="record-timeline"')], html[html.index('id="record-timeline"'):]
    assert "党费未交清例外原因" in fields and EXCEPTION in fields
    assert f"党费未交清例外原因：（空） → {EXCEPTION}" in shown_trail


def test_the_send_step_says_an_exceptions_reason_was_not_kept_when_nothing_was_owed(orgs, member, client_for,
                                                                                 county_a_clerk):
    t = started(member, orgs)
    done = client_for(county_a_clerk).post(step(t), {"day": today().isoformat(), "valid_days": "30",
                                                     "dues_exception": EXCEPTION}, follow=True)
    [message] = [str(m) for m in done.context["messages"]]
    assert message == f"「{t}」已确认转出；转出当月以前的党费已交清，填写的例外原因未记入。"
    assert Transfer.objects.get(pk=t.pk).dues_exception == ""


# ---------------------------------------------------------------- the list's batch


def batch(client: Any, pks: list[Any], **data: Any) -> str:
    done = client.post(reverse("admin:members_transfer_changelist"),
                       {"action": "send", "_selected_action": pks, "apply": "1", "day": today().isoformat(),
                        "valid_days": "30", **data}, follow=True)
    assert done.status_code == 200
    [message] = [str(m) for m in done.context["messages"]]
    return message


def test_the_lists_send_names_each_member_behind_with_his_dues_and_issues_the_others(orgs, member, client_for,
                                                                                    county_a_clerk):
    paid_up = add_member(orgs["community"], "李红梅")
    owing()
    pay(paid_up, months_back(2))
    pay(paid_up, months_back(1))
    behind, clear = started(member, orgs), started(paid_up, orgs, letter="城组转〔2026〕72号")
    message = batch(client_for(county_a_clerk), [behind.pk, clear.pk], dues_exception="")
    assert "确认转出：已办理 1 人，未办理 1 人" in message
    [line] = re.findall(r"<li>(.*?)</li>", message)
    assert line.startswith(f"「{behind}」：") and f"尚有2个月党费未交纳（{months_back(2):%Y.%m}、{months_back(1):%Y.%m}）" in line
    assert (Transfer.objects.get(pk=behind.pk).state, Transfer.objects.get(pk=clear.pk).state) == (
        TransferState.PENDING, TransferState.IN_TRANSIT)
    assert len(trail(behind)) == 1  # nothing written for the refused one


def test_the_lists_send_with_a_reason_keeps_it_only_on_the_letters_it_let_through(orgs, member, client_for,
                                                                                 county_a_clerk):
    owing()
    paid_up = add_member(orgs["community"], "李红梅")
    behind, clear = started(member, orgs), started(paid_up, orgs, letter="城组转〔2026〕72号")
    message = batch(client_for(county_a_clerk), [behind.pk, clear.pk], dues_exception=EXCEPTION)
    assert "确认转出：已办理 2 人。" in message
    assert f"「{behind}」：党费未交清2个月（{months_back(2):%Y.%m}、{months_back(1):%Y.%m}），按例外原因开出介绍信。" in message
    assert (Transfer.objects.get(pk=behind.pk).dues_exception, Transfer.objects.get(pk=clear.pk).dues_exception) == (
        EXCEPTION, "")
