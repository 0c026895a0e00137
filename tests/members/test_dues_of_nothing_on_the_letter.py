"""A month of 应交 0.00 (a category whose fixed rate is configured at 0) owes nothing
(``models.DUES_OWED``): 确认转出 does not ask an 例外原因 for it, on the service, the step
page or the list's batch, and the letter's 党费交至 runs through it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from branches.members import rules, selectors, services
from branches.members.models import DuesRecord, Member, Transfer, TransferState

from .conftest import SYSTEM, add_member, today

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def students_pay_nothing(settings: Any) -> None:
    settings.MEMBER_DUES_RATES = {**rules.DEFAULT_DUES_RATES,
                                  "fixed": {**rules.DEFAULT_DUES_RATES["fixed"], "student": Decimal("0")}}


def this_month() -> datetime.date:
    return today().replace(day=1)


def months_back(n: int) -> datetime.date:
    return rules.add_months(this_month(), -n)


def student(orgs: Any, name: str = "赵学生") -> Member:
    member = add_member(orgs["community"], name, dues_category="student")
    for month in (months_back(2), months_back(1), this_month()):
        services.dues_generate_month(month=month, actor=SYSTEM)
    assert set(DuesRecord.objects.filter(member=member).values_list("due", flat=True)) == {Decimal("0.00")}
    return member


def started(member: Member, orgs: Any, letter: str = "城组转〔2026〕81号") -> Transfer:
    return services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number=letter,
                                   started_on=today(), actor=SYSTEM)


def test_a_letter_is_issued_without_an_exception_for_months_of_nothing_due(orgs):
    t = started(student(orgs), orgs)
    done = services.transfer_send(transfer=t, sent_on=today(), valid_days=30, actor=SYSTEM)
    assert (done.state, done.dues_exception) == (TransferState.IN_TRANSIT, "")


def test_the_letters_dues_paid_to_runs_through_months_of_nothing_due(orgs):
    member = student(orgs)
    assert selectors.dues_paid_to(member, as_of=today()) == this_month()
    done = services.transfer_send(transfer=started(member, orgs), sent_on=today(), valid_days=30, actor=SYSTEM)
    assert Transfer.objects.get(pk=done.pk).dues_paid_to == this_month()


def test_a_month_of_nothing_due_does_not_stop_the_months_paid_after_it(orgs):
    member = add_member(orgs["community"], "钱在职")
    for month in (months_back(2), months_back(1)):
        services.dues_generate_month(month=month, actor=SYSTEM)
    # A month generated at 0.00 before the rule.
    DuesRecord.objects.filter(member=member, month=months_back(2)).update(due=Decimal("0.00"))
    record = DuesRecord.objects.get(member=member, month=months_back(1))
    services.dues_pay(record=record, paid=record.due, paid_on=today(), actor=SYSTEM)
    assert selectors.dues_unpaid_before_letter(member, today()) == []
    assert selectors.dues_paid_to(member, as_of=today()) == months_back(1)


def test_the_send_step_issues_the_letter_of_a_member_owing_nothing_without_an_exception(orgs, client_for,
                                                                                      county_a_clerk):
    t = started(student(orgs), orgs)
    done = client_for(county_a_clerk).post(reverse("admin:members_transfer_send_step", args=[t.pk]),
                                           {"day": today().isoformat(), "valid_days": "30", "dues_exception": ""})
    assert done.status_code == 302, done.context["form"].errors
    t = Transfer.objects.get(pk=t.pk)
    assert (t.state, t.dues_paid_to) == (TransferState.IN_TRANSIT, this_month())


def test_the_lists_send_issues_the_letters_of_members_owing_nothing(orgs, client_for, county_a_clerk):
    first, second = student(orgs), add_member(orgs["community"], "孙学生", dues_category="student")
    services.dues_generate_month(month=months_back(1), actor=SYSTEM)  # 孙学生's month of 0.00
    letters = [started(first, orgs), started(second, orgs, letter="城组转〔2026〕82号")]
    done = client_for(county_a_clerk).post(reverse("admin:members_transfer_changelist"), {
        "action": "send", "_selected_action": [t.pk for t in letters], "apply": "1", "day": today().isoformat(),
        "valid_days": "30", "dues_exception": ""}, follow=True)
    [message] = [str(m) for m in done.context["messages"]]
    assert "确认转出：已办理 2 人。" in message, message
    assert [Transfer.objects.get(pk=t.pk).state for t in letters] == [TransferState.IN_TRANSIT] * 2
