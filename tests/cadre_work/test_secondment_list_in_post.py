"""选派干部 is the list of those serving: it shows the cadres 在岗 until the clerk picks
期满, 召回, 轮换 or 全部; a search looks among everyone, and so does a pick of 离岗年度,
离岗方式 or 在岗抽查, which ask for those who left; the dashboard's figures of the year's
召回 and 轮换 link to those cadres."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cadres.secondment import worklists
from cadres.secondment.admin import StatusFilter
from cadres.secondment.models import Assignment, AssignmentStatus
from cadres.secondment.services import assignment_end
from tests import state_lists
from tests.samples.cadres import cadre_in

from .secondment_helpers import SYSTEM, days_ago, station, today

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:secondment_assignment_changelist")


@pytest.fixture
def assignments(tree: dict[str, Any]) -> dict[str, Assignment]:
    """Three 驻村第一书记 of county A: one 在岗, one 召回 today, one 期满 two months ago."""
    township = tree["township_a"]
    serving = station(cadre_in(tree["county_a"], name="在岗甲"), township=township)
    recalled = station(cadre_in(tree["county_a"], name="召回乙"), township=township, village="青石村")
    assignment_end(assignment=recalled, status=AssignmentStatus.RECALLED, left_on=today(), reason="工作需要",
                   actor=SYSTEM)
    completed = station(cadre_in(tree["county_a"], name="期满丙"), township=township, village="白杨村",
                        start=days_ago(800), end=days_ago(70))
    assignment_end(assignment=completed, status=AssignmentStatus.COMPLETED, left_on=days_ago(60), actor=SYSTEM)
    return {"serving": serving, "recalled": recalled, "completed": completed}


def listed(client: Any, query: str = "") -> tuple[set[str], str, Any]:
    return state_lists.listed(client, CHANGELIST + query, StatusFilter, name=lambda a: a.cadre.name)


def test_the_assignment_list_shows_those_in_post_until_another_state_is_picked(assignments, client_for,
                                                                                county_a_clerk):
    client = client_for(county_a_clerk)
    assert listed(client)[:2] == ({"在岗甲"}, "在岗")
    assert listed(client, "?status__exact=recalled")[:2] == ({"召回乙"}, "召回")
    assert listed(client, "?status__exact=all")[:2] == ({"在岗甲", "召回乙", "期满丙"}, "全部")
    offered = state_lists.offered(client, CHANGELIST + "?_facets=True", StatusFilter)
    assert list(offered) == ["全部 (3)", "在岗 (1)", "期满 (1)", "召回 (1)", "轮换 (0)"]


def test_a_search_of_the_assignment_list_finds_one_who_left(assignments, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    assert listed(client, "?q=期满丙")[:2] == ({"期满丙"}, "全部")
    assert listed(client, "?q=期满丙&status__exact=active")[0] == set()


def test_a_pick_of_how_or_when_they_left_starts_the_assignment_list_from_everyone(assignments, client_for,
                                                                                  county_a_clerk):
    client = client_for(county_a_clerk)
    assert listed(client, f"?left_year={today().year}&end=any")[:2] == ({"召回乙"}, "全部")
    assert listed(client, f"?left_year={days_ago(60).year}&end=any&status__exact=active")[0] == set()


def test_the_dashboard_figure_of_the_years_recalls_links_to_those_recalled(assignments, client_for, county_a_clerk):
    count, link = worklists.replaced(county_a_clerk)
    page = client_for(county_a_clerk).get(link)
    assert count == page.context["cl"].result_count == 1
    assert [a.cadre.name for a in page.context["cl"].result_list] == ["召回乙"]


def test_the_assignment_export_without_a_pick_holds_those_in_post(assignments, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    export = reverse("admin:secondment_assignment_export")
    assert state_lists.exported_names(client, export) == {"在岗甲"}
    assert state_lists.exported_names(client, export + "?status__exact=all") == {"在岗甲", "召回乙", "期满丙"}


def test_the_reserve_lists_group_is_no_state_of_the_assignment_list(assignments, client_for, county_a_clerk):
    """``current`` names a group of the 后备干部 list only: here it is a value that means
    nothing, and the list is shown as it starts, with the message."""
    page = client_for(county_a_clerk).get(CHANGELIST + "?status__exact=current")
    assert {a.cadre.name for a in page.context["cl"].result_list} == {"在岗甲"}
    assert state_lists.INVALID in state_lists.told(page)


def test_the_assignment_lists_header_names_the_state_it_starts_on(assignments, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    label, link = state_lists.starting_note(client.get(CHANGELIST))
    assert label == "在岗" and listed(client, link)[0] == {"在岗甲", "召回乙", "期满丙"}
    assert state_lists.starting_note(client.get(CHANGELIST + f"?left_year={today().year}&end=any")) is None

