"""A month's 党费 stays with the branch that collected it when the member moves inside the
province: the sending county's ledger and figures keep it and only its clerks correct
it; the months from the letter's on that are still unpaid go to the receiving branch."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from branches.members import rules, services
from branches.members.models import DuesRecord, Member
from branches.members.resources import DUES_OF_ANOTHER_BRANCH, DuesPaymentResource

from .conftest import SYSTEM, today
from .conftest import run_sheet as run
from .conftest import sheet_messages as messages

pytestmark = pytest.mark.django_db


def this_month() -> datetime.date:
    return today().replace(day=1)


def earlier_months() -> list[datetime.date]:
    return [rules.add_months(this_month(), -back) for back in (3, 2, 1)]


def month_of(member: Member, month: datetime.date) -> DuesRecord:
    return DuesRecord.objects.get(member=member, month=month)


@pytest.fixture
def moved(orgs: dict[str, Any], member: Member, county_a_clerk: Any, county_b_clerk: Any) -> Member:
    """A member of 东岗社区 (county A) who paid the months before this one there, and moved
    this month to 七里河区 (county B) with this month's dues unpaid."""
    for month in [*earlier_months(), this_month()]:
        services.dues_generate_month(month=month, actor=SYSTEM)
    for month in earlier_months():
        services.dues_pay_in_full(record=month_of(member, month), paid_on=month + datetime.timedelta(days=9),
                                  actor=SYSTEM)
    t = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="城组转〔2026〕77号",
                                started_on=today(), actor=county_a_clerk)
    services.transfer_send(transfer=t, sent_on=today(), valid_days=30, actor=county_a_clerk)
    services.transfer_receive(transfer=t, received_on=today(), actor=county_b_clerk)
    return Member.objects.get(pk=member.pk)


def ledger_months(client: Any, member: Member) -> list[datetime.date]:
    page = client.get(reverse("admin:members_duesrecord_changelist"))
    assert page.status_code == 200
    return sorted(r.month for r in page.context["cl"].queryset.filter(member=member))


def test_the_sending_countys_ledger_keeps_the_months_it_collected_and_the_receiver_gets_the_open_one(
        moved, orgs, client_for, county_a_clerk, county_b_clerk):
    assert moved.branch_id == orgs["county_b"].pk
    assert ledger_months(client_for(county_a_clerk), moved) == earlier_months()
    assert ledger_months(client_for(county_b_clerk), moved) == [this_month()]
    assert {r.month: r.branch_id for r in moved.dues.all()} == {
        **{m: orgs["community"].pk for m in earlier_months()}, this_month(): orgs["county_b"].pk}


def test_the_receiving_clerk_cannot_correct_a_payment_made_to_the_branch_he_left(moved, county_a_clerk,
                                                                                 county_b_clerk):
    paid = month_of(moved, earlier_months()[-1])
    with pytest.raises((ValidationError, PermissionDenied)):
        services.dues_pay(record=paid, paid=Decimal("1.20"), paid_on=earlier_months()[-1] + datetime.timedelta(days=20),
                          actor=county_b_clerk)
    assert month_of(moved, earlier_months()[-1]).paid == paid.paid
    corrected = services.dues_pay(record=paid, paid=paid.due, paid_on=earlier_months()[-1] + datetime.timedelta(days=12),
                                  actor=county_a_clerk)
    assert corrected.paid_on == earlier_months()[-1] + datetime.timedelta(days=12)


def test_the_receiving_clerk_records_the_open_month(moved, county_b_clerk):
    done = services.dues_pay_in_full(record=month_of(moved, this_month()), paid_on=today(), actor=county_b_clerk)
    assert done.paid_on == today()


def test_a_dues_sheet_of_the_receiving_county_naming_a_month_collected_before_is_told_whose_it_is(
        moved, tmp_path, county_b_clerk):
    rows = [["身份证号", "月份", "实交金额（元）", "交纳日期"],
            [moved.id_number, f"{earlier_months()[-1]:%Y-%m}", "1.20", (earlier_months()[-1] + datetime.timedelta(days=20)).isoformat()]]
    result = run(tmp_path, rows, DuesPaymentResource, county_b_clerk)
    assert not result.committed
    assert messages(result) == f"2:月份:{DUES_OF_ANOTHER_BRANCH}"


def test_rows_written_before_take_the_branch_of_the_move_after_them(moved, orgs):
    """The migration's backfill (members.0024): every row given the member's branch first,
    then the months before a received letter the branch that letter left."""
    from importlib import import_module

    DuesRecord.objects.filter(member=moved).update(branch=orgs["village"])  # as if unknown
    backfill = import_module("branches.members.migrations.0024_dues_collecting_branch").collecting_branches
    with connection.schema_editor() as editor:
        backfill(None, editor)
    assert {r.month: r.branch_id for r in moved.dues.all()} == {
        **{m: orgs["community"].pk for m in earlier_months()}, this_month(): orgs["county_b"].pk}


def test_the_sending_countys_ledger_names_a_member_who_moved_away_by_the_months_it_kept(
        moved, orgs, client_for, county_a_clerk):
    page = client_for(county_a_clerk).get(reverse("admin:members_duesrecord_changelist"), {"member": moved.pk})
    assert sorted(r.month for r in page.context["cl"].result_list) == earlier_months()
    body = page.content.decode()
    assert f"{moved.name}（原{orgs['community'].name}，尾号{moved.masked_id_number[-4:]}，已转出本辖区）" in body
    assert "无此党员" not in body
