"""The 党费收缴 ledger tells the sending clerk a month a letter let through unpaid by its
exception (未交（按例外转出：例外原因）) from a month in arrears: in the list's 实交 column,
its 交纳情况 filter, and on the month's page, which names the letter and its reason."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from branches.members import services
from branches.members.models import DuesRecord

from .conftest import add_member, today
from .test_dues_excused_by_the_letter import EXCEPTION, ended_months, owing, sent, this_month

pytestmark = pytest.mark.django_db

SHOWN = f"未交（按例外转出：{EXCEPTION}）"


def ledger(client: Any, query: str = "") -> Any:
    page = client.get(reverse("admin:members_duesrecord_changelist") + query)
    assert page.status_code == 200
    return page


def test_the_sending_clerks_ledger_shows_an_excused_month_with_its_reason(orgs, member, client_for, county_a_clerk,
                                                                          county_b_clerk):
    other = add_member(orgs["community"], "李红梅")
    owing()
    t = sent(member, orgs, county_a_clerk)
    services.transfer_receive(transfer=t, received_on=today(), actor=county_b_clerk)
    client = client_for(county_a_clerk)
    html = ledger(client, f"?month={ended_months()[-1]:%Y-%m}").content.decode()
    assert html.count(SHOWN) == 1  # the member's month; the other member's is in arrears, shown as before
    excused_rows = ledger(client, "?paid=excused").context["cl"].queryset
    assert sorted(r.month for r in excused_rows) == ended_months() and {r.member_id for r in excused_rows} == {member.pk}
    owed_rows = ledger(client, "?paid=owed").context["cl"].queryset
    assert {r.member_id for r in owed_rows} == {other.pk}
    assert ledger(client, "?paid=no").context["cl"].queryset.filter(member=member).count() == 6  # still unpaid


def test_an_excused_months_page_names_the_letter_and_its_reason(orgs, member, client_for, county_a_clerk):
    owing()
    t = sent(member, orgs, county_a_clerk)
    client = client_for(county_a_clerk)
    record = DuesRecord.objects.get(member=member, month=ended_months()[0])
    html = client.get(reverse("admin:members_duesrecord_change", args=[record.pk])).content.decode()
    assert "按例外开出介绍信" in html
    assert f"介绍信 {t.letter_number}（{today():%Y-%m-%d} 开出），例外原因：{EXCEPTION}" in html
    plain = DuesRecord.objects.get(member=member, month=this_month())
    assert "按例外开出介绍信" not in client.get(reverse("admin:members_duesrecord_change", args=[plain.pk])).content.decode()


def test_the_excused_months_reason_costs_the_ledger_no_query_per_row(orgs, member, client_for, county_a_clerk):
    from branches.members.admin.dues import DuesRecordAdmin

    from .conftest import queries_for_page

    owing()
    sent(member, orgs, county_a_clerk)
    client = client_for(county_a_clerk)
    url = reverse("admin:members_duesrecord_changelist") + "?paid=excused"
    client.get(url)
    assert queries_for_page(client, DuesRecordAdmin, url, 2) == queries_for_page(client, DuesRecordAdmin, url, 6)
