"""Months a letter lets through by its exception (党费未交清例外原因, 困难党员经批准减免) are
unpaid with a recorded reason: they stay unpaid in the sending branch's ledger, marked as
the letter's, and are not arrears — not in 欠缴月数, the 欠缴党费 list, nor a 自行脱党
review of the county that receives the member. A letter sent back takes its exception
with it: the months are in arrears again."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from branches.members import rules, selectors, services
from branches.members.models import DuesRecord, Member, Transfer, TransferState
from branches.members.resources import DuesPaymentResource
from orgwork.audit.models import AuditLog
from orgwork.rectification.models import RectificationItem

from .conftest import SYSTEM, add_member, today
from .conftest import run_sheet as run
from .conftest import sheet_messages as messages
from .test_step_wording import step_url

pytestmark = pytest.mark.django_db


def this_month() -> datetime.date:
    return today().replace(day=1)


# Six ended months: a 自行脱党 review's worth, were they arrears. Generated as far back as
# the service allows on any day of the month (rules.DUES_GENERATE_BACK_MONTHS).
def ended_months() -> list[datetime.date]:
    return [rules.add_months(this_month(), -back) for back in range(6, 0, -1)]


EXCEPTION = "困难党员经批准减免（城关区委组织部2026年第3号批复）"


def owing(months: list[datetime.date] | None = None) -> None:
    for month in [*(ended_months() if months is None else months), this_month()]:
        services.dues_generate_month(month=month, actor=SYSTEM)


def unpaid_months(member: Member) -> int:
    return Member.objects.values_list("unpaid_months", flat=True).get(pk=member.pk)


def excused(member: Member) -> dict[datetime.date, int | None]:
    return dict(DuesRecord.objects.filter(member=member).values_list("month", "excused_by_id"))


def sent(member: Member, orgs: Any, actor: Any = SYSTEM, *, letter: str = "城组转〔2026〕81号",
         destination: str = "", reason: str = EXCEPTION) -> Transfer:
    t = services.transfer_start(member=member, to_branch=None if destination else orgs["county_b"],
                                destination=destination, letter_number=letter, started_on=today(), actor=actor)
    return services.transfer_send(transfer=t, sent_on=today(), valid_days=30, dues_exception=reason, actor=actor)


def trail(t: Transfer) -> list[AuditLog]:
    return list(AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(Transfer),
                                        object_id=str(t.pk)).order_by("at", "id"))


# ---------------------------------------------------------------- the service


def test_months_let_through_by_a_letters_exception_are_not_counted_as_arrears(orgs, member):
    owing()
    assert unpaid_months(member) == 6
    t = sent(member, orgs)
    assert unpaid_months(member) == 0
    assert excused(member) == {**{m: t.pk for m in ended_months()}, this_month(): None}
    assert member.pk not in [m.pk for m in selectors.arrears(SYSTEM)]
    assert member.pk not in [m.pk for m in selectors.arrears_naive()]
    assert selectors.arrears_months(Member.objects.get(pk=member.pk)) == []
    # Still unpaid in the ledger, and the letter's one audit row names them (none of their own).
    assert DuesRecord.objects.filter(member=member, paid_on__isnull=True).count() == 7
    assert trail(t)[-1].message.endswith(f"党费未交清6个月（{'、'.join(f'{m:%Y.%m}' for m in ended_months())}），按例外原因开出介绍信")


def test_a_letter_of_a_member_who_owes_nothing_marks_no_month(orgs, member):
    owing([])
    sent(member, orgs)
    assert excused(member) == {this_month(): None}


def test_the_receiving_county_cannot_start_a_lapse_review_on_months_the_sender_excused(orgs, member, county_a_clerk,
                                                                                      county_b_clerk, monkeypatch):
    owing()
    t = sent(member, orgs, county_a_clerk)
    services.transfer_receive(transfer=t, received_on=today(), actor=county_b_clerk)
    assert services.members_check_arrears(actor=county_b_clerk) == 0
    assert services.members_check_arrears(actor=SYSTEM) == 0
    # A month later the letter's month has ended unpaid: one month in arrears, the only one.
    monkeypatch.setattr("orgwork.common.dates.today", lambda: rules.add_months(this_month(), 1))
    services.dues_recount_ended_month()
    assert unpaid_months(member) == 1
    assert services.members_check_arrears(actor=SYSTEM) == 0
    assert not RectificationItem.objects.filter(source_object_id=str(member.pk)).exists()


def test_the_months_stay_unpaid_in_the_sending_branchs_ledger_and_the_letters_month_goes_with_him(
        orgs, member, county_a_clerk, county_b_clerk):
    owing()
    t = sent(member, orgs, county_a_clerk)
    services.transfer_receive(transfer=t, received_on=today(), actor=county_b_clerk)
    assert {r.month: (r.branch_id, r.excused_by_id) for r in DuesRecord.objects.filter(member=member)} == {
        **{m: (orgs["community"].pk, t.pk) for m in ended_months()}, this_month(): (orgs["county_b"].pk, None)}


def test_a_returned_letter_puts_its_excused_months_back_into_arrears(orgs, member, county_a_clerk, county_b_clerk):
    owing()
    t = sent(member, orgs, county_a_clerk)
    services.transfer_return(transfer=t, reason="介绍信抬头有误", actor=county_b_clerk)
    assert unpaid_months(member) == 6
    assert set(excused(member).values()) == {None}
    assert [m.pk for m in selectors.arrears(SYSTEM)] == [m.pk for m in selectors.arrears_naive()] == [member.pk]
    shown = "、".join(f"{m:%Y.%m}" for m in ended_months())
    assert trail(t)[-1].message == f"退回介绍信；按例外开出时未交清的6个月（{shown}）不再按例外处理"
    # The member is still the sending branch's, six ended months behind with no reason on record.
    assert services.members_check_arrears(actor=SYSTEM) == 1


def test_a_letter_out_of_the_province_come_back_unreceived_puts_them_back_too(orgs, member, county_a_clerk):
    owing()
    t = sent(member, orgs, county_a_clerk, destination="陕西省西安市雁塔区某街道党工委")
    assert unpaid_months(member) == 0
    services.transfer_return(transfer=t, reason="省外党组织未接收", actor=county_a_clerk)
    assert unpaid_months(member) == 6
    assert trail(t)[-1].message.startswith("介绍信被退回（省外党组织未接收）；按例外开出时未交清的6个月")


def test_a_letter_sent_back_and_issued_again_by_exception_marks_the_months_as_the_new_letters(orgs, member):
    owing()
    first = sent(member, orgs)
    services.transfer_return(transfer=first, reason="介绍信抬头有误", actor=SYSTEM)
    again = sent(member, orgs, letter="城组转〔2026〕82号")
    assert excused(member) == {**{m: again.pk for m in ended_months()}, this_month(): None}
    assert unpaid_months(member) == 0


def test_a_letter_received_out_of_the_province_keeps_its_excused_months(orgs, member, county_a_clerk):
    owing()
    t = sent(member, orgs, county_a_clerk, destination="陕西省西安市雁塔区某街道党工委")
    services.transfer_receive(transfer=t, received_on=today(), actor=county_a_clerk)
    assert excused(member) == {**{m: t.pk for m in ended_months()}, this_month(): None}  # he pays up to the letter's month
    assert unpaid_months(member) == 0


def test_an_excused_month_may_still_be_paid_and_the_count_follows_the_ledger(orgs, member, county_a_clerk,
                                                                             county_b_clerk):
    owing()
    t = sent(member, orgs, county_a_clerk)
    services.transfer_receive(transfer=t, received_on=today(), actor=county_b_clerk)
    record = DuesRecord.objects.get(member=member, month=ended_months()[0])
    services.dues_pay(record=record, paid=record.due, paid_on=today(), actor=county_a_clerk)
    assert unpaid_months(member) == 0  # never below the ledger's count
    assert DuesRecord.objects.get(pk=record.pk).excused_by_id == t.pk


def test_a_dues_sheet_may_pay_an_excused_month(orgs, member, county_a_clerk, tmp_path):
    owing()
    sent(member, orgs, county_a_clerk)
    month = ended_months()[-1]
    due = DuesRecord.objects.get(member=member, month=month).due
    rows = [["身份证号", "月份", "实交金额（元）", "交纳日期"], [member.id_number, f"{month:%Y-%m}", f"{due}", today().isoformat()]]
    result = run(tmp_path, rows, DuesPaymentResource, county_a_clerk)
    assert result.committed, messages(result)
    assert DuesRecord.objects.get(member=member, month=month).paid_on == today()
    assert unpaid_months(member) == 0


def test_a_later_letter_from_the_receiving_branch_is_not_refused_for_the_months_the_sender_excused(
        orgs, member, county_a_clerk, county_b_clerk):
    owing()
    t = sent(member, orgs, county_a_clerk)
    services.transfer_receive(transfer=t, received_on=today(), actor=county_b_clerk)
    on = services.transfer_start(member=member, destination="陕西省西安市雁塔区某街道党工委",
                                 letter_number="七组转〔2026〕5号", started_on=today(), actor=county_b_clerk)
    later = services.transfer_send(transfer=on, sent_on=today(), valid_days=30, actor=county_b_clerk)
    assert (later.state, later.dues_exception) == (TransferState.IN_TRANSIT, "")
    assert trail(later)[-1].message == "确认转出（开出介绍信）"
    assert excused(member) == {**{m: t.pk for m in ended_months()}, this_month(): None}  # still the first letter's


def test_a_later_letter_states_the_months_paid_since_the_excused_ones(orgs, member, county_a_clerk, county_b_clerk):
    owing(ended_months()[:3])
    t = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="城组转〔2026〕83号",
                                started_on=ended_months()[3].replace(day=2), actor=county_a_clerk)
    services.transfer_send(transfer=t, sent_on=ended_months()[3].replace(day=2), valid_days=30, dues_exception=EXCEPTION,
                           actor=county_a_clerk)
    services.transfer_receive(transfer=t, received_on=ended_months()[3].replace(day=3), actor=county_b_clerk)
    for month in ended_months()[3:]:
        services.dues_generate_month(month=month, actor=SYSTEM)
        record = DuesRecord.objects.get(member=member, month=month)
        services.dues_pay(record=record, paid=record.due, paid_on=month.replace(day=10), actor=county_b_clerk)
    later = services.transfer_start(member=member, to_branch=orgs["community"], letter_number="七组转〔2026〕6号",
                                    started_on=today(), actor=county_b_clerk)
    later = services.transfer_send(transfer=later, sent_on=today(), valid_days=30, actor=county_b_clerk)
    assert later.dues_paid_to == ended_months()[-1]
    assert Transfer.objects.get(pk=t.pk).dues_paid_to is None  # the first letter: nothing paid before its gap


# ---------------------------------------------------------------- the admin


def test_the_send_step_marks_the_months_it_let_through(orgs, member, client_for, county_a_clerk):
    owing()
    t = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="城组转〔2026〕84号",
                                started_on=today(), actor=county_a_clerk)
    client = client_for(county_a_clerk)
    client.post(reverse("admin:members_transfer_send_step", args=[t.pk]),
                {"day": today().isoformat(), "valid_days": "30", "dues_exception": EXCEPTION})
    assert Transfer.objects.get(pk=t.pk).state == TransferState.IN_TRANSIT
    assert excused(member) == {**{m: t.pk for m in ended_months()}, this_month(): None}
    assert unpaid_months(member) == 0


def test_the_lists_send_marks_only_the_months_of_the_letters_it_let_through(orgs, member, client_for,
                                                                            county_a_clerk):
    paid_up = add_member(orgs["community"], "李红梅")
    owing()
    for month in ended_months():
        record = DuesRecord.objects.get(member=paid_up, month=month)
        services.dues_pay(record=record, paid=record.due, paid_on=today(), actor=SYSTEM)
    behind = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="城组转〔2026〕85号",
                                     started_on=today(), actor=county_a_clerk)
    clear = services.transfer_start(member=paid_up, to_branch=orgs["county_b"], letter_number="城组转〔2026〕86号",
                                    started_on=today(), actor=county_a_clerk)
    client_for(county_a_clerk).post(reverse("admin:members_transfer_changelist"),
                                    {"action": "send", "_selected_action": [behind.pk, clear.pk], "apply": "1",
                                     "day": today().isoformat(), "valid_days": "30", "dues_exception": EXCEPTION})
    assert excused(member) == {**{m: behind.pk for m in ended_months()}, this_month(): None}
    assert set(excused(paid_up).values()) == {None}
    assert (unpaid_months(member), unpaid_months(paid_up)) == (0, 0)


def test_the_send_back_step_puts_the_months_back_into_arrears(orgs, member, client_for, county_a_clerk,
                                                              county_b_clerk):
    owing()
    t = sent(member, orgs, county_a_clerk)
    client_for(county_b_clerk).post(step_url(t, "send-back"), {"reason": "介绍信抬头有误"})
    assert Transfer.objects.get(pk=t.pk).state == TransferState.RETURNED
    assert set(excused(member).values()) == {None}
    assert unpaid_months(member) == 6


def test_the_members_page_lists_no_excused_month_in_arrears(orgs, member, client_for, county_a_clerk,
                                                             county_b_clerk):
    owing()
    t = sent(member, orgs, county_a_clerk)
    services.transfer_receive(transfer=t, received_on=today(), actor=county_b_clerk)
    html = client_for(county_b_clerk).get(reverse("admin:members_member_change", args=[member.pk])).content.decode()
    assert "查看该党员各月党费" in html and "欠缴月份" not in html


# ---------------------------------------------------------------- letters issued before the mark


def test_letters_issued_before_the_mark_get_it_from_the_months_their_audit_row_names(orgs, member, county_a_clerk):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    other = add_member(orgs["community"], "李红梅")
    owing()
    kept = sent(member, orgs, county_a_clerk)
    returned = sent(other, orgs, county_a_clerk, letter="城组转〔2026〕87号")
    services.transfer_return(transfer=returned, reason="介绍信抬头有误", actor=SYSTEM)
    # A month before the letter's, generated after it: unpaid then, yet not one the letter covered.
    earlier = rules.add_months(ended_months()[0], -1)
    services.dues_generate_month(month=earlier, actor=SYSTEM)
    DuesRecord.objects.update(excused_by=None)
    Member.objects.filter(pk=member.pk).update(unpaid_months=0)
    backfill = import_module("branches.members.migrations.0025_dues_excused_by_letter").excused_months
    with connection.schema_editor() as editor:
        backfill(apps, editor)
    assert excused(member) == {earlier: None, **{m: kept.pk for m in ended_months()}, this_month(): None}
    assert set(excused(other).values()) == {None}  # its letter was sent back
    assert unpaid_months(member) == 1  # recounted: the month generated later
