"""A 预备党员 entered on the roster alone is one for a year, two at most with an extension:
one whose 入党日期 is further back is refused on the form, the roster sheet and the
service; and the 预备期将满 list and the dashboard count such members too (a year from
the 入党日期), each member once, with those admitted through a 发展党员 file per the file."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.members import rules, selectors, services, worklists
from branches.members.models import Member, MemberCategory
from branches.members.resources import MemberResource
from orgwork import dashboard
from orgwork.imports.engine import run_import
from orgwork.imports.reader import open_sheet

from .conftest import SYSTEM, add_member, days_ago, make_id, probationary, today

pytestmark = pytest.mark.django_db
TOO_OLD = "不能登记为预备党员"


def test_the_service_refuses_a_probationary_member_who_joined_more_than_two_years_ago(orgs):
    with pytest.raises(ValidationError) as error:
        add_member(orgs["community"], "老预备", category=MemberCategory.PROBATIONARY,
                   joined_on=datetime.date(2020, 7, 1))
    assert TOO_OLD in error.value.message_dict["joined_on"][0]
    assert not Member.objects.filter(name="老预备").exists()


def test_a_probationary_member_within_the_two_years_is_taken(orgs):
    joined = rules.add_months(today(), -rules.PROBATION_MAX_MONTHS)
    assert add_member(orgs["community"], "延长中", category=MemberCategory.PROBATIONARY, joined_on=joined).pk


def test_the_roster_form_refuses_a_probationary_member_who_joined_in_2020(orgs, client_for, county_a_clerk):
    response = client_for(county_a_clerk).post(reverse("admin:members_member_add"), {
        "name": "老预备", "id_number": make_id(datetime.date(1980, 1, 1)), "gender": "1",
        "branch": orgs["community"].pk, "category": "probationary", "joined_on": "2020-07-01", "full_on": "",
        "dues_category": "employed", "income_base": "3000", "arrears_reason": ""})
    assert response.status_code == 200 and TOO_OLD in response.content.decode()
    assert not Member.objects.filter(name="老预备").exists()


def test_the_roster_sheet_refuses_a_probationary_member_who_joined_in_2019(tmp_path: Path, orgs, county_a_clerk):
    head = ["姓名", "身份证号", "党支部代码", "党员类别", "入党日期", "转正日期"]
    row = ["老预备", make_id(datetime.date(1980, 1, 1)), "A-SQ", "预备党员", "2019-07-01", ""]
    path = tmp_path / "roster.csv"
    path.write_text("\r\n".join(",".join(r) for r in [head, row]) + "\r\n", encoding="utf-8")
    result = run_import(MemberResource, county_a_clerk, open_sheet(str(path), path.name, MemberResource), commit=True)
    assert not result.committed and any(TOO_OLD in e.message for e in result.errors), result.errors
    assert not Member.objects.filter(name="老预备").exists()


def test_a_probationary_member_admitted_by_a_file_is_not_judged_by_the_roster_rule(orgs, member):
    a = probationary(orgs["community"], member, vote_days_ago=400)
    roster = Member.objects.get(pk=a.member_id)
    services.member_save(member=roster, actor=SYSTEM)  # the file holds the 预备期


def roster_only(orgs: Any, name: str, joined: datetime.date) -> Member:
    return add_member(orgs["community"], name, category=MemberCategory.PROBATIONARY, joined_on=joined)


def test_the_probation_list_counts_roster_only_and_file_members_once_each(orgs, member, client_for, county_a_clerk):
    ending = roster_only(orgs, "名册预备", days_ago(350))
    later = roster_only(orgs, "名册新预备", days_ago(200))
    by_file = probationary(orgs["community"], member, vote_days_ago=350)
    listed = list(selectors.probation_ending(county_a_clerk))
    assert sorted(m.pk for m in listed) == sorted([ending.pk, by_file.member_id])
    body = client_for(county_a_clerk).get(reverse("admin:worklist", args=[worklists.SLUG_PROBATION])).content.decode()
    assert reverse("admin:members_member_change", args=[ending.pk]) in body
    assert reverse("admin:members_applicant_change", args=[by_file.pk]) in body
    assert reverse("admin:members_member_change", args=[later.pk]) not in body
    assert f"{rules.add_months(days_ago(350), 12):%Y-%m-%d}" in body
    panel = dashboard.get("members_work").compute(county_a_clerk)
    assert dict(zip(panel.labels, panel.series[0].values))["预备期将满"] == 2


def test_an_extension_on_the_file_moves_the_end_on_the_list(orgs, member, county_a_clerk):
    by_file = probationary(orgs["community"], member, vote_days_ago=380)
    services.applicant_extend_probation(applicant=by_file, months=6, decided_on=days_ago(10), actor=SYSTEM)
    assert not selectors.probation_ending(county_a_clerk).exists()


def test_the_probation_list_costs_the_same_queries_for_one_row_as_for_four(orgs, member, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    url = reverse("admin:worklist", args=[worklists.SLUG_PROBATION])
    serial = iter(range(1000))

    def cost(rows: int) -> int:
        while len(client.get(url).context["table"]) < rows:
            if next(serial) % 2:
                probationary(orgs["community"], member, vote_days_ago=350)
            else:
                roster_only(orgs, "名册预备", days_ago(350))
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(url).context["table"]) == rows
        return len(queries)

    assert cost(1) == cost(4)
