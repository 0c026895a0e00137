"""党员名册 is the roll: it lists the members 在册 until the clerk picks another 党籍状态 or
全部, and a search looks among everyone."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from branches.members import services
from branches.members.admin.filters import StatusFilter
from branches.members.models import Member, MemberStatus
from tests import state_lists

from .conftest import SYSTEM, add_member, days_ago, with_the_right

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:members_member_changelist")


@pytest.fixture
def roll(orgs: Any) -> dict[str, Member]:
    """Four members of one branch: one on the roll and one for each way of leaving it."""
    branch = orgs["community"]
    people = {"on": add_member(branch, "在册甲"), "expelled": add_member(branch, "出党乙"),
              "deceased": add_member(branch, "去世丙"), "suspended": add_member(branch, "停止丁")}
    services.member_set_status(member=people["expelled"], status=MemberStatus.EXPELLED, changed_on=days_ago(20),
                               reason="县委组织部除名决定", actor=SYSTEM)
    services.member_set_status(member=people["deceased"], status=MemberStatus.DECEASED, changed_on=days_ago(10),
                               actor=SYSTEM)
    services.member_set_status(member=people["suspended"], status=MemberStatus.SUSPENDED, changed_on=days_ago(5),
                               reason="失去联系", actor=SYSTEM)
    return people


def listed(client: Any, query: str = "") -> tuple[set[str], str, Any]:
    return state_lists.listed(client, CHANGELIST + query, StatusFilter)


def test_the_roster_lists_the_members_on_the_roll_until_another_state_is_picked(roll, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    assert listed(client)[:2] == ({"在册甲"}, "在册")
    assert listed(client, "?status__exact=expelled")[:2] == ({"出党乙"}, "出党")
    assert listed(client, "?status__exact=all")[:2] == ({"在册甲", "出党乙", "去世丙", "停止丁"}, "全部")


def test_the_roster_offers_every_state_and_everyone_as_links_that_keep_the_other_filters(
        roll, client_for, county_a_clerk):
    offered = state_lists.offered(client_for(county_a_clerk), CHANGELIST + "?gender__exact=1", StatusFilter)
    assert list(offered) == ["全部", "在册", "转出", "出党", "停止党籍", "去世"]
    assert "gender__exact=1" in offered["全部"] and "status__exact=all" in offered["全部"]


def test_the_roster_header_says_it_lists_those_on_the_roll_with_a_link_to_every_state(roll, client_for,
                                                                                       county_a_clerk):
    client = client_for(county_a_clerk)
    label, link = state_lists.starting_note(client.get(CHANGELIST + "?gender__exact=1"))
    assert label == "在册" and "gender__exact=1" in link and "status__exact=all" in link
    assert listed(client, link)[:2] == ({"在册甲", "出党乙", "去世丙", "停止丁"}, "全部")
    for query in ("?status__exact=deceased", "?q=出党乙"):
        assert state_lists.starting_note(client.get(CHANGELIST + query)) is None, query


def test_the_roster_counts_each_state_when_the_counts_are_shown(roll, client_for, county_a_clerk):
    shown = list(state_lists.offered(client_for(county_a_clerk), CHANGELIST + "?_facets=True", StatusFilter))
    assert shown == ["全部 (4)", "在册 (1)", "转出 (0)", "出党 (1)", "停止党籍 (1)", "去世 (1)"]


def test_a_search_on_the_roster_finds_a_member_who_has_left_the_roll(roll, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    assert listed(client, "?q=出党乙")[:2] == ({"出党乙"}, "全部")
    # A whole number is found the same way, by a clerk who may search by number.
    assert listed(client_for(with_the_right(county_a_clerk)), f"?q={roll['deceased'].id_number}")[0] == {"去世丙"}
    # A state picked is kept by the search.
    assert listed(client, "?q=出党乙&status__exact=active")[0] == set()


def test_a_state_the_roster_does_not_know_shows_the_roll_and_says_so(roll, client_for, county_a_clerk):
    names, picked, page = listed(client_for(county_a_clerk), "?status__exact=zzz")
    assert (names, picked) == ({"在册甲"}, "在册")
    told = [str(m) for m in page.context["messages"]]
    assert any("查询条件无效" in text for text in told), told
    assert "zzz" not in page.context["cl"].get_query_string()


def test_the_roster_export_without_a_pick_holds_the_roll_and_with_everyone_all(roll, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    export = reverse("admin:members_member_export")

    def names(query: str) -> set[str]:
        return state_lists.exported_names(client, export + query)

    assert names("") == {"在册甲"}
    assert names("?status__exact=all") == {"在册甲", "出党乙", "去世丙", "停止丁"}
