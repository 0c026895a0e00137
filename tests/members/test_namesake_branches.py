"""Namesake 党支部 told apart at province scope: a province holds a 城关镇 in many counties,
and each has its 城关镇红星村党支部. Lists, 台账, batch forms and results name a branch with
its place (``PartyOrganisation.placed_name``)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.members import worklists
from branches.members.models import Member
from orgwork.units.models import UnitLevel, UnitType

from .conftest import add_member, make_org
from ..conftest import make_unit

pytestmark = pytest.mark.django_db

HERE = "兰州市城关区·城关镇红星村党支部"
THERE = "兰州市七里河区·城关镇红星村党支部"


@pytest.fixture
def namesakes(orgs, tree):
    """The 城关镇红星村党支部 of 城关区 (the fixtures' own) and one of the same name in
    七里河区's 城关镇, a member in each."""
    township_b = make_unit("620103001", "城关镇", tree["county_b"], UnitLevel.TOWNSHIP, UnitType.TOWNSHIP)
    there = make_org("B-CUN", "城关镇红星村党支部", township_b)
    return {"here": add_member(orgs["village"], "刘海燕"), "there": add_member(there, "刘海燕")}


def test_a_branch_named_after_its_unit_is_placed_by_the_units_full_name_once(orgs, namesakes):
    assert orgs["village"].placed_name == HERE
    assert namesakes["there"].branch.placed_name == THERE


def test_a_branch_not_named_after_its_unit_follows_the_units_full_name(orgs):
    assert orgs["county_b"].placed_name == "兰州市七里河区第一党支部"  # named after its county: run together
    assert orgs["community"].placed_name == "兰州市城关区·东岗社区党支部"


def test_a_branch_of_a_unit_below_the_root_keeps_its_name_and_the_units(orgs, tree):
    province_branch = make_org("P-1", "省直机关第一党支部", tree["province"])
    assert province_branch.placed_name == "甘肃省·省直机关第一党支部"


def test_the_province_roster_tells_namesake_branches_apart(namesakes, client_for, province_officer):
    body = client_for(province_officer).get(reverse("admin:members_member_changelist")).content.decode()
    rows = re.findall(r"<tr[^>]*>.*?</tr>", body, flags=re.S)
    ours = [row for row in rows if "刘海燕" in row]
    assert len(ours) == 2
    assert sorted(HERE in row for row in ours) == [False, True]
    assert sorted(THERE in row for row in ours) == [False, True]


def test_the_roster_reads_the_branch_and_its_place_in_the_same_query_for_one_row_as_for_three(
        orgs, namesakes, client_for, province_officer):
    client = client_for(province_officer)
    url = reverse("admin:members_member_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for name in ("周建国", "吴秀英"):
        add_member(orgs["community"], name)
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)


def test_the_arrears_list_at_province_scope_tells_namesake_branches_apart(namesakes, client_for, province_officer):
    Member.objects.filter(pk__in=[m.pk for m in namesakes.values()]).update(unpaid_months=2)
    response = client_for(province_officer).get(reverse("admin:worklist", args=[worklists.SLUG_ARREARS]))
    body = response.content.decode()
    assert response.status_code == 200
    assert HERE in body and THERE in body


def test_a_batch_form_and_its_result_name_each_member_with_the_branchs_place(namesakes, client_for,
                                                                             province_officer):
    client = client_for(province_officer)
    pks = [m.pk for m in namesakes.values()]
    asked = client.post(reverse("admin:members_member_changelist"),
                        {"action": "set_status", "_selected_action": pks}).content.decode()
    assert HERE in asked and THERE in asked
    done = client.post(reverse("admin:members_member_changelist"),
                       {"action": "set_status", "_selected_action": pks, "apply": "1", "status": "suspended",
                        "changed_on": "1999-01-01", "reason": "决定文号"}, follow=True)
    assert done.status_code == 200
    [message] = [str(m) for m in done.context["messages"]]
    # Both refused (the day is before they joined), each named with its branch's place.
    assert "未办理 2 人" in message and HERE in message and THERE in message
