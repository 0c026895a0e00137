"""The cadre list is of the cadres serving: it lists those 在职 until the clerk picks
another 状态 or 全部, a search looks among everyone, and the dashboard's links that count
cadres of any 状态 say so."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cadres import figures
from cadres.admin.filters import StatusFilter
from cadres.models import Cadre, CadreStatus, Rank
from cadres.supervision.models import HandlingType
from tests import state_lists
from tests.samples.cadres import cadre_in
from tests.supervision.helpers import handle

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:cadres_cadre_changelist")


@pytest.fixture
def staff(tree: dict[str, Any]) -> dict[str, Cadre]:
    """One cadre of county A for each 状态."""
    return {status: cadre_in(tree["county_a"], name=f"{label}干部", status=status)
            for status, label in CadreStatus.choices}


def listed(client: Any, query: str = "") -> tuple[set[str], str, Any]:
    return state_lists.listed(client, CHANGELIST + query, StatusFilter)


def test_the_cadre_list_shows_those_serving_until_another_state_is_picked(staff, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    assert listed(client)[:2] == ({"在职干部"}, "在职")
    assert listed(client, "?status__exact=retired")[:2] == ({"退休干部"}, "退休")
    assert listed(client, "?status__exact=all")[:2] == ({"在职干部", "退休干部", "调出干部", "免职干部", "去世干部"}, "全部")


def test_the_cadre_list_offers_everyone_then_each_state_as_links_that_keep_the_other_filters(
        staff, client_for, county_a_clerk):
    def offered(query: str) -> dict[str, str]:
        return state_lists.offered(client_for(county_a_clerk), CHANGELIST + query, StatusFilter)

    assert list(offered("?_facets=True")) == ["全部 (5)", "在职 (1)", "退休 (1)", "调出 (1)", "免职 (1)", "去世 (1)"]
    everyone = offered(f"?rank__exact={Rank.COUNTY_DEPUTY}")["全部"]
    assert f"rank__exact={Rank.COUNTY_DEPUTY}" in everyone and "status__exact=all" in everyone


def test_a_search_of_the_cadre_list_finds_a_cadre_who_retired(staff, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    assert listed(client, "?q=退休干部")[:2] == ({"退休干部"}, "全部")
    assert listed(client, "?q=退休干部&status__exact=active")[0] == set()  # a state picked is kept


def test_a_state_the_cadre_list_does_not_know_shows_those_serving_and_says_so(staff, client_for, county_a_clerk):
    names, picked, page = listed(client_for(county_a_clerk), "?status__exact=zzz")
    assert (names, picked) == ({"在职干部"}, "在职")
    assert any("查询条件无效" in str(m) for m in page.context["messages"])


def test_the_cadre_export_without_a_pick_holds_those_serving(staff, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    export = reverse("admin:cadres_cadre_export")

    def names(query: str) -> set[str]:
        return state_lists.exported_names(client, export + query)

    assert names("") == {"在职干部"}
    assert names("?status__exact=removed") == {"免职干部"}


def test_the_dashboard_list_of_cadres_under_influence_holds_one_removed_by_the_handling(
        staff, client_for, county_a_clerk):
    """A 免职 is itself a 组织处理: the cadre it removed is within its 影响期 and counted."""
    decided = timezone.localdate() - datetime.timedelta(days=30)
    handle(staff[CadreStatus.ACTIVE], HandlingType.ADMONISHMENT, decided)
    handle(staff[CadreStatus.REMOVED], HandlingType.DISMISSAL, decided)
    count, link = figures.under_influence(county_a_clerk)
    page = client_for(county_a_clerk).get(link)
    assert count == 2 and {c.name for c in page.context["cl"].result_list} == {"在职干部", "免职干部"}
