"""The 党费 ledger tells namesakes apart (党支部, the masked ID number), filters and sorts
by 月份, written 2026.11, and a member's page links to that member's months and months in
arrears for a user who may read the ledger."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse

from branches.members import rules, services
from branches.members.admin.dues import DuesRecordAdmin
from branches.members.models import DuesRecord
from orgwork.accounts import roles
from orgwork.common.search import MASKED_SEARCH, MASKED_SEARCH_NAME_ONLY
from orgwork.imports.models import JobStatus
from tests.rectification.roundtrip import imported, sheet_rows
from tests.samples.names import numbered

from .conftest import SYSTEM, add_member, queries_for_page, today, with_the_right

pytestmark = pytest.mark.django_db

LEDGER = reverse("admin:members_duesrecord_changelist")


def last_month() -> datetime.date:
    return rules.add_months(today().replace(day=1), -1)


def two_namesakes(orgs):
    first = add_member(orgs["community"], "吴卫东")
    second = add_member(orgs["village"], "吴卫东")
    for month in (rules.add_months(last_month(), -1), last_month()):
        services.dues_generate_month(month=month, actor=SYSTEM)
    return first, second


def test_the_dues_ledger_shows_each_namesakes_branch_and_masked_id_number(orgs, client_for, county_a_clerk):
    first, second = two_namesakes(orgs)
    page = client_for(county_a_clerk).get(LEDGER, {"q": "吴卫东"}).content.decode()
    for member in (first, second):
        assert member.branch.name in page and member.masked_id_number in page
        assert member.id_number not in page


def test_the_dues_ledger_filters_by_month(orgs, client_for, county_a_clerk):
    two_namesakes(orgs)
    rows = client_for(county_a_clerk).get(LEDGER, {"month": f"{last_month():%Y-%m}"}).context["cl"].result_list
    assert len(rows) == 2 and {r.month for r in rows} == {last_month()}


@pytest.mark.parametrize("query", [{"month": "abc"}, {"month": "2026-13"}])
def test_a_month_that_is_none_shows_the_whole_ledger_and_says_so(orgs, client_for, county_a_clerk, query):
    two_namesakes(orgs)
    response = client_for(county_a_clerk).get(LEDGER, query)
    assert response.status_code == 200 and len(response.context["cl"].result_list) == 4
    assert "查询条件无效，已显示未经筛选的列表。" in [str(m) for m in get_messages(response.wsgi_request)]


def test_a_members_page_links_to_their_months_and_their_months_in_arrears(orgs, client_for, county_a_clerk):
    first, second = two_namesakes(orgs)
    client = client_for(county_a_clerk)
    page = client.get(reverse("admin:members_member_change", args=[first.pk])).content.decode()
    assert f"{LEDGER}?member={first.pk}" in page
    assert f"{LEDGER}?member={first.pk}&amp;month={last_month():%Y-%m}" in page and f"{last_month():%Y.%m}" in page
    rows = client.get(LEDGER, {"member": first.pk}).context["cl"].result_list
    assert {r.member_id for r in rows} == {first.pk} and len(rows) == 2


def test_the_dues_ledger_shows_a_month_as_a_month_and_still_sorts_by_it(orgs, client_for, county_a_clerk):
    two_namesakes(orgs)
    client = client_for(county_a_clerk)
    response = client.get(LEDGER)
    page = response.content.decode()
    assert f"{last_month():%Y.%m}" in page and last_month().isoformat() not in page
    column = response.context["cl"].list_display.index("month_shown")
    for order, months in ((column, [rules.add_months(last_month(), -1), last_month()]),
                          (-column, [last_month(), rules.add_months(last_month(), -1)])):
        rows = client.get(LEDGER, {"o": order}).context["cl"].result_list
        assert [r.month for r in rows] == [months[0], months[0], months[1], months[1]]


def test_a_dues_records_page_shows_its_month_as_a_month(orgs, client_for, county_a_clerk):
    first, _ = two_namesakes(orgs)
    record = DuesRecord.objects.get(member=first, month=last_month())
    page = client_for(county_a_clerk).get(reverse("admin:members_duesrecord_change", args=[record.pk])).content.decode()
    assert f"{last_month():%Y.%m}" in page and last_month().isoformat() not in page


def test_the_dues_export_writes_months_as_months_and_imports_back_unchanged(orgs, client_for, county_a_clerk):
    first, _ = two_namesakes(orgs)
    record = DuesRecord.objects.get(member=first, month=last_month())
    services.dues_pay(record=record, paid=record.due, paid_on=today(), actor=SYSTEM)
    clerk = with_the_right(county_a_clerk)  # whole ID numbers, which a sheet needs
    response = client_for(clerk).get(reverse("admin:members_duesrecord_export"))
    assert response.status_code == 200
    header, rows = sheet_rows(response.content)
    months = {row[header.index("月份")] for row in rows}
    assert months == {f"{rules.add_months(last_month(), -1):%Y.%m}", f"{last_month():%Y.%m}"}
    before = list(DuesRecord.objects.order_by("pk").values_list("pk", "month", "due", "paid", "paid_on"))

    job = imported(clerk, "党费收缴.xlsx", response.content, resource="members_dues")
    assert (job.status, job.errors) == (JobStatus.DONE, [])
    assert (job.rows, job.new_count, job.updated_count, job.unchanged_count) == (4, 0, 0, 4)
    assert list(DuesRecord.objects.order_by("pk").values_list("pk", "month", "due", "paid", "paid_on")) == before


@pytest.fixture
def roster_reader(tree, make_staff):
    """A narrower role, as the security administrator may make one: the roster, not the ledger."""
    group = Group.objects.create(name="党员名册查阅")
    group.permissions.set(roles.permissions_named(["members.view_member"]))
    user = make_staff("roster_reader", tree["county_a"])
    user.groups.add(group)
    return user


def test_a_members_page_shows_no_dues_link_to_a_user_whom_the_ledger_refuses(orgs, client_for, roster_reader):
    first, _ = two_namesakes(orgs)
    client = client_for(roster_reader)
    response = client.get(reverse("admin:members_member_change", args=[first.pk]))
    assert response.status_code == 200 and first.name in response.content.decode()
    assert LEDGER not in response.content.decode() and "党费记录" not in response.content.decode()
    assert client.get(LEDGER, {"member": first.pk}).status_code == 403


def test_a_members_page_shows_the_dues_link_to_a_user_who_may_read_the_ledger(orgs, client_for, view_only_auditor):
    first, _ = two_namesakes(orgs)
    client = client_for(view_only_auditor)
    page = client.get(reverse("admin:members_member_change", args=[first.pk])).content.decode()
    assert f"{LEDGER}?member={first.pk}" in page
    assert client.get(LEDGER, {"member": first.pk}).status_code == 200


def test_a_clerk_cannot_reach_another_countys_member_through_the_ledger_link(orgs, client_for, county_b_clerk):
    first, _ = two_namesakes(orgs)
    assert not client_for(county_b_clerk).get(LEDGER, {"member": first.pk}).context["cl"].result_list


def test_the_dues_ledger_costs_the_same_queries_for_any_page_size(orgs, client_for, province_officer):
    for i in range(15):
        add_member(orgs["community" if i % 2 else "county_b"], numbered("党员", i))
    services.dues_generate_month(month=last_month(), actor=SYSTEM)
    assert DuesRecord.objects.count() == 15
    client = client_for(province_officer)
    client.get(LEDGER)
    assert queries_for_page(client, DuesRecordAdmin, LEDGER, 3) == \
        queries_for_page(client, DuesRecordAdmin, LEDGER, 15)


def test_a_masked_number_copied_from_a_list_finds_no_one_and_the_list_says_why(orgs, client_for, county_a_clerk):
    first, _ = two_namesakes(orgs)
    client = client_for(county_a_clerk)
    for url in (LEDGER, reverse("admin:members_member_changelist")):
        response = client.get(url, {"q": first.masked_id_number})
        assert response.status_code == 200 and len(response.context["cl"].result_list) == 0
        assert MASKED_SEARCH_NAME_ONLY in [str(m) for m in get_messages(response.wsgi_request)]
    full = client_for(with_the_right(county_a_clerk)).get(LEDGER, {"q": first.id_number})
    assert len(full.context["cl"].result_list) == 2
    assert MASKED_SEARCH not in [str(m) for m in get_messages(full.wsgi_request)]
