"""后备干部 is the list of the pools as they stand: it shows those 在库 and those recommended
and awaiting 考察 until the clerk picks one state, 考察未通过, 已调整出库 or 全部; a search
looks among everyone, and so does a pick of 出库原因, which asks for those adjusted out."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from cadres.reserve.admin.members import StatusFilter
from cadres.reserve.models import ExitReason, InspectionConclusion, ReserveMember
from cadres.reserve.services import reserve_exit, reserve_inspect
from tests import state_lists
from tests.samples.cadres import SAMPLES, cadre_in
from tests.samples.reserve import enter, pool_in, recommend

pytestmark = pytest.mark.django_db
D = datetime.date
CHANGELIST = reverse("admin:reserve_reservemember_changelist")


@pytest.fixture
def members(tree: dict[str, Any]) -> dict[str, ReserveMember]:
    """One 乡科级正职 pool of county A: one recommended, one 在库, one who failed 考察, one
    adjusted out on promotion."""
    county = tree["county_a"]
    pool = pool_in(county, quota=3)
    waiting = recommend(pool, cadre_in(county, name="待考察甲", birth=D(1988, 1, 1)))
    in_pool = enter(pool, cadre_in(county, name="在库乙", birth=D(1987, 1, 1)))
    failed = reserve_inspect(member=recommend(pool, cadre_in(county, name="未通过丙", birth=D(1986, 1, 1))),
                             inspected_on=D(2026, 4, 20), conclusion=InspectionConclusion.FAILED,
                             opinion="群众认可度不高", actor=SAMPLES)
    promoted = reserve_exit(member=enter(pool, cadre_in(county, name="出库丁", birth=D(1985, 1, 1))),
                            reason=ExitReason.PROMOTED, exited_on=D(2026, 6, 1), actor=SAMPLES)
    return {"waiting": waiting, "in_pool": in_pool, "failed": failed, "promoted": promoted}


def listed(client: Any, query: str = "") -> tuple[set[str], str, Any]:
    return state_lists.listed(client, CHANGELIST + query, StatusFilter, name=lambda m: m.cadre.name)


def test_the_reserve_list_shows_those_in_the_pools_and_awaiting_inspection_until_another_state_is_picked(
        members, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    assert listed(client)[:2] == ({"待考察甲", "在库乙"}, "在库及待考察")
    assert listed(client, "?status__exact=in_pool")[:2] == ({"在库乙"}, "在库")
    assert listed(client, "?status__exact=exited")[:2] == ({"出库丁"}, "已调整出库")
    assert listed(client, "?status__exact=all")[:2] == ({"待考察甲", "在库乙", "未通过丙", "出库丁"}, "全部")
    offered = state_lists.offered(client, CHANGELIST + "?_facets=True", StatusFilter)
    assert list(offered) == ["全部 (4)", "在库及待考察 (2)", "已推荐待考察 (1)", "在库 (1)", "考察未通过 (1)",
                             "已调整出库 (1)"]
    # The group is a pick like any other: its link brings the same list back.
    link = offered["在库及待考察 (2)"]
    assert "status__exact=current" in link
    assert listed(client, link)[:2] == ({"待考察甲", "在库乙"}, "在库及待考察 (2)")


def test_a_search_of_the_reserve_list_finds_one_adjusted_out(members, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    assert listed(client, "?q=出库丁")[:2] == ({"出库丁"}, "全部")
    assert listed(client, "?q=出库丁&status__exact=current")[0] == set()


def test_a_pick_of_an_exit_reason_starts_the_reserve_list_from_everyone(members, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    assert listed(client, "?exit_reason__exact=promoted")[:2] == ({"出库丁"}, "全部")
    assert listed(client, "?exit_reason__exact=promoted&status__exact=in_pool")[0] == set()


def test_the_reserve_export_without_a_pick_holds_the_pools_as_they_stand(members, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    export = reverse("admin:reserve_reservemember_export")
    assert state_lists.exported_names(client, export) == {"待考察甲", "在库乙"}
    assert state_lists.exported_names(client, export + "?status__exact=all") == {"待考察甲", "在库乙", "未通过丙",
                                                                                  "出库丁"}


def test_a_state_the_reserve_list_does_not_offer_shows_the_pools_as_they_stand_and_says_so(
        members, client_for, county_a_clerk):
    page = client_for(county_a_clerk).get(CHANGELIST + "?status__exact=gone")
    assert {m.cadre.name for m in page.context["cl"].result_list} == {"待考察甲", "在库乙"}
    assert state_lists.INVALID in state_lists.told(page)


def test_the_reserve_lists_header_names_the_states_it_starts_on_and_links_to_every_state(
        members, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    level = members["waiting"].level
    label, link = state_lists.starting_note(client.get(CHANGELIST + f"?level__exact={level}"))
    assert label == "在库及待考察"
    # The link keeps the list's other filters.
    assert "status__exact=all" in link and f"level__exact={level}" in link
    assert listed(client, link)[:2] == ({"待考察甲", "在库乙", "未通过丙", "出库丁"}, "全部")
    for query in ("?status__exact=in_pool", "?status__exact=all", "?q=出库丁", "?exit_reason__exact=promoted"):
        assert state_lists.starting_note(client.get(CHANGELIST + query)) is None, query

