"""欠缴党费: a month's dues are in arrears only once the month has ended."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from branches.members import rules, selectors, services
from branches.members.models import DuesRecord, Member
from orgwork.rectification.models import RectificationItem

from .conftest import SYSTEM, today

pytestmark = pytest.mark.django_db


def this_month() -> datetime.date:
    return today().replace(day=1)


def living_on(monkeypatch: pytest.MonkeyPatch, day: datetime.date) -> None:
    monkeypatch.setattr("orgwork.common.dates.today", lambda: day)


def test_generating_the_current_month_does_not_change_the_arrears(orgs, member):
    assert services.dues_generate_month(month=this_month(), actor=SYSTEM) == 1
    assert Member.objects.get(pk=member.pk).unpaid_months == 0
    assert list(selectors.arrears(SYSTEM)) == list(selectors.arrears_naive()) == []


def test_the_month_after_the_unpaid_month_is_in_arrears(orgs, member, monkeypatch):
    services.dues_generate_month(month=this_month(), actor=SYSTEM)
    living_on(monkeypatch, rules.add_months(this_month(), 1))
    call_command("members_check_arrears")
    assert Member.objects.get(pk=member.pk).unpaid_months == 1
    assert [m.pk for m in selectors.arrears(SYSTEM)] == [m.pk for m in selectors.arrears_naive()] == [member.pk]


def test_a_month_paid_within_the_month_never_falls_into_arrears(orgs, member, monkeypatch):
    services.dues_generate_month(month=this_month(), actor=SYSTEM)
    record = DuesRecord.objects.get(member=member)
    services.dues_pay(record=record, paid=record.due, paid_on=today(), actor=SYSTEM)
    living_on(monkeypatch, rules.add_months(this_month(), 1))
    call_command("members_check_arrears")
    assert Member.objects.get(pk=member.pk).unpaid_months == 0


def test_a_payment_keeps_the_current_month_out_of_the_count(orgs, member):
    for back in (2, 1, 0):
        services.dues_generate_month(month=rules.add_months(this_month(), -back), actor=SYSTEM)
    oldest = DuesRecord.objects.get(member=member, month=rules.add_months(this_month(), -2))
    services.dues_pay(record=oldest, paid=oldest.due, paid_on=today(), actor=SYSTEM)
    assert Member.objects.get(pk=member.pk).unpaid_months == 1


def test_five_ended_months_and_the_current_one_are_not_a_lapse(orgs, member):
    for back in range(5, -1, -1):
        services.dues_generate_month(month=rules.add_months(this_month(), -back), actor=SYSTEM)
    assert Member.objects.get(pk=member.pk).unpaid_months == 5
    assert services.members_check_arrears(actor=SYSTEM) == 0
    assert not RectificationItem.objects.filter(source_object_id=str(member.pk)).exists()


def test_the_lapse_check_counts_only_months_that_have_ended():
    months = [rules.add_months(this_month(), -back) for back in range(5, -1, -1)]
    assert rules.longest_unpaid_run(months, today()) == 5
    assert rules.longest_unpaid_run(months, rules.add_months(today(), 1)) == 6


def test_the_sixth_month_ending_puts_the_member_under_review(orgs, member, monkeypatch):
    for back in range(5, -1, -1):
        services.dues_generate_month(month=rules.add_months(this_month(), -back), actor=SYSTEM)
    living_on(monkeypatch, rules.add_months(this_month(), 1))
    call_command("members_check_arrears")
    assert Member.objects.get(pk=member.pk).unpaid_months == 6
    assert RectificationItem.objects.filter(source_object_id=str(member.pk)).count() == 1
