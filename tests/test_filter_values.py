"""A list filter's value that means nothing (an edited or stale link) takes one path on
every list: the unfiltered list and 「查询条件无效，已显示未经筛选的列表。」 — a choice the
field does not have, a simple filter's key it does not offer, a related key that is not
a number (``orgwork.admin_changelist``). Neither an empty list nor the whole list in
silence. A value that is valid but matches nothing still gives an empty list, without
the message."""

from __future__ import annotations

from typing import Any

import pytest

from branches.members import rules, services
from branches.members.models import Member
from cadres.models import CadreStatus
from orgwork.accounts.models import User
from talent.models import EnrollmentStatus

from .members.conftest import SYSTEM, add_member, days_ago, new_applicant, orgs, today  # noqa: F401  (fixture)
from .samples.cadres import cadre_in
from .samples.talent import enrollment_in
from .state_lists import INVALID, told

pytestmark = pytest.mark.django_db

ROSTER = "/admin/members/member/"
APPLICANTS = "/admin/members/applicant/"
TRANSFERS = "/admin/members/transfer/"
LEDGER = "/admin/members/duesrecord/"
CADRES = "/admin/cadres/cadre/"
ENROLLMENTS = "/admin/talent/enrollment/"


def rows(response: Any) -> int:
    return len(response.context["cl"].result_list)


@pytest.fixture
def members_lists(orgs: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    """Two members, each with two months of dues, two applicants and a transfer: every
    list of the members' app holds two rows or more."""
    first = add_member(orgs["community"], "李春梅")
    second = add_member(orgs["village"], "赵志刚")
    last_month = rules.add_months(today().replace(day=1), -1)
    for month in (rules.add_months(last_month, -1), last_month):
        services.dues_generate_month(month=month, actor=SYSTEM)
    new_applicant(orgs["community"], applied_on=days_ago(30))
    new_applicant(orgs["village"], applied_on=days_ago(20))
    for member, number in ((first, "19"), (second, "20")):
        services.transfer_start(member=member, letter_number=f"城关转〔2026〕{number}号", started_on=days_ago(10),
                                to_branch=orgs["county_b"], actor=SYSTEM)
    return {"first": first, "second": second}


@pytest.mark.parametrize("path, query, whole", [
    (ROSTER, {"status__exact": "zzz"}, 2),
    (ROSTER, {"gender__exact": "9"}, 2),
    (ROSTER, {"dues_category__exact": "x"}, 2),
    (ROSTER, {"category__exact": "full", "status__exact": "zzz"}, 2),
    (APPLICANTS, {"stage__exact": "zzz"}, 2),
    (TRANSFERS, {"state__exact": "zz"}, 2),
    (LEDGER, {"paid": "xx"}, 4),
    (LEDGER, {"member": "abc"}, 4),
    # The same written without __exact, as a link typed by hand says it: Django applied it
    # as it stood and showed an empty list.
    (ROSTER, {"category": "zzz"}, 2),
    (ROSTER, {"dues_category": "zzz"}, 2),
    (ROSTER, {"gender": "9"}, 2),
    (ROSTER, {"is_floating": "zzz"}, 2),
])
def test_a_members_list_filter_value_that_means_nothing_shows_the_unfiltered_list_and_says_so(
    members_lists: Any, client_for: Any, county_a_clerk: User, path: str, query: dict[str, str], whole: int
) -> None:
    response = client_for(county_a_clerk).get(path, query)
    assert response.status_code == 200
    assert rows(response) == whole
    assert INVALID in told(response)


@pytest.mark.parametrize("path, query", [
    (ROSTER, {"status__exact": "deceased"}),
    (ROSTER, {"dues_category__exact": "student"}),
    (ROSTER, {"dues_category": "student"}),
    (APPLICANTS, {"stage__exact": "full"}),
    (TRANSFERS, {"state__exact": "received"}),
    (LEDGER, {"paid": "yes"}),
])
def test_a_members_list_filter_value_that_is_valid_but_matches_nobody_gives_an_empty_list_without_the_message(
    members_lists: Any, client_for: Any, county_a_clerk: User, path: str, query: dict[str, str]
) -> None:
    response = client_for(county_a_clerk).get(path, query)
    assert response.status_code == 200
    assert rows(response) == 0
    assert INVALID not in told(response)


def test_the_ledger_of_a_member_outside_the_clerks_jurisdiction_is_empty_not_the_whole_ledger(
    members_lists: Any, orgs: dict[str, Any], client_for: Any, county_a_clerk: User  # noqa: F811
) -> None:
    stranger = add_member(orgs["county_b"], "钱国庆")
    client = client_for(county_a_clerk)
    response = client.get(LEDGER, {"member": str(stranger.pk)})
    assert response.status_code == 200 and rows(response) == 0
    assert INVALID not in told(response)
    first = members_lists["first"]
    assert {r.member_id for r in client.get(LEDGER, {"member": str(first.pk)}).context["cl"].result_list} == {first.pk}


def test_the_unpaid_months_filter_still_lists_the_unpaid_months(
    members_lists: Any, client_for: Any, county_a_clerk: User
) -> None:
    response = client_for(county_a_clerk).get(LEDGER, {"paid": "no"})
    assert rows(response) == 4 and INVALID not in told(response)


@pytest.mark.parametrize("path, query", [
    (ROSTER, {"unit": "abc"}),
    (ROSTER, {"branch__id__exact": "abc"}),
    # A state filter's parameter is its ``__exact`` one: written bare, it is no filter's.
    (ROSTER, {"status": "zzz"}),
    (APPLICANTS, {"stage": "xxx"}),
    (TRANSFERS, {"state": "zzz"}),
])
def test_a_parameter_a_members_list_has_no_filter_for_is_ignored_and_the_clerk_is_told(
    members_lists: Any, client_for: Any, county_a_clerk: User, path: str, query: dict[str, str]
) -> None:
    response = client_for(county_a_clerk).get(path, query)
    assert response.status_code == 200 and rows(response) == 2
    assert any(next(iter(query)) in m and "已忽略" in m for m in told(response)), told(response)


@pytest.mark.parametrize("query, whole", [
    ({"status__exact": "zzz"}, True),
    ({"rank__exact": "none-such"}, True),
    ({"merit": "abc"}, True),
    ({"women": "maybe"}, True),
    ({"status__exact": CadreStatus.DECEASED}, False),
])
def test_the_cadre_list_takes_the_same_path_for_a_value_that_means_nothing(
    tree: dict[str, Any], client_for: Any, county_a_clerk: User, query: dict[str, str], whole: bool
) -> None:
    cadre_in(tree["county_a"], name="城关甲干部")
    cadre_in(tree["county_a"], name="城关乙干部")
    response = client_for(county_a_clerk).get(CADRES, query)
    assert response.status_code == 200
    assert rows(response) == (2 if whole else 0)
    assert (INVALID in told(response)) is whole


@pytest.mark.parametrize("query, whole", [
    ({"status__exact": "gone"}, True),
    ({"programme": "abc"}, True),
    ({"batch_year__exact": "二〇二四"}, True),
    ({"status__exact": EnrollmentStatus.EXITED}, False),
])
def test_the_talent_enrollment_list_takes_the_same_path_for_a_value_that_means_nothing(
    tree: dict[str, Any], client_for: Any, county_a_clerk: User, query: dict[str, str], whole: bool
) -> None:
    enrollment_in(tree["county_a"])
    enrollment_in(tree["county_a"])
    response = client_for(county_a_clerk).get(ENROLLMENTS, query)
    assert response.status_code == 200
    assert rows(response) == (2 if whole else 0)
    assert (INVALID in told(response)) is whole


def test_a_member_the_clerk_may_not_see_is_not_among_the_rows_of_the_unfiltered_list(
    members_lists: Any, orgs: dict[str, Any], client_for: Any, county_a_clerk: User  # noqa: F811
) -> None:
    add_member(orgs["county_b"], "钱国庆")
    response = client_for(county_a_clerk).get(ROSTER, {"status__exact": "zzz"})
    assert INVALID in told(response)
    assert {m.name for m in response.context["cl"].result_list} == {"李春梅", "赵志刚"}
    assert Member.objects.count() == 3


@pytest.mark.parametrize("query, whole", [
    ({"groups__id__exact": "abc"}, True),
    ({"groups__id__exact": "999999"}, False),
])
def test_a_related_filters_key_that_is_not_a_number_takes_the_same_path_and_an_unknown_number_finds_nobody(
    personas: dict[str, User], client_for: Any, query: dict[str, str], whole: bool
) -> None:
    users = User.objects.filter(unit__path__startswith=personas["system_admin"].unit.path).count()
    response = client_for(personas["system_admin"]).get("/admin/accounts/user/", query)
    assert response.status_code == 200
    assert response.context["cl"].result_count == (users if whole else 0)
    assert (INVALID in told(response)) is whole
