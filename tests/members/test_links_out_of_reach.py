"""A record page names a related record the user may not open without a link to it: the
sending county's transfer and ledger pages, once the member belongs to another county,
linked to a page that ends on 没有找到…不在您的管辖范围内."""

from __future__ import annotations

import pytest
from django.urls import reverse

from branches.members import rules, services
from branches.members.models import DuesRecord

from .conftest import SYSTEM, days_ago, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved(orgs, member, county_b_clerk):
    """The member's letter to 七里河区, received there: he is county B's now."""
    services.dues_generate_month(month=rules.add_months(today().replace(day=1), -1), actor=SYSTEM)
    DuesRecord.objects.filter(member=member).update(paid=40, paid_on=days_ago(20))
    t = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="城组转〔2026〕41号",
                                started_on=days_ago(9), actor=SYSTEM)
    services.transfer_send(transfer=t, sent_on=days_ago(8), valid_days=30, actor=SYSTEM)
    return services.transfer_receive(transfer=t, received_on=days_ago(2), actor=county_b_clerk)


def test_the_sending_countys_transfer_page_names_the_member_without_a_link(moved, member, client_for,
                                                                           county_a_clerk, county_b_clerk):
    link = reverse("admin:members_member_change", args=[member.pk])
    page = client_for(county_a_clerk).get(reverse("admin:members_transfer_change", args=[moved.pk])).content.decode()
    assert member.name in page and link not in page
    theirs = client_for(county_b_clerk).get(reverse("admin:members_transfer_change", args=[moved.pk])).content.decode()
    assert link in theirs  # the receiving county opens him


def test_the_sending_countys_dues_page_names_the_member_without_a_link(moved, member, client_for, county_a_clerk):
    row = DuesRecord.objects.get(member=member)
    page = client_for(county_a_clerk).get(reverse("admin:members_duesrecord_change", args=[row.pk])).content.decode()
    assert member.name in page and reverse("admin:members_member_change", args=[member.pk]) not in page
