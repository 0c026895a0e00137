"""工作台「整改进度（按单位）」: the clerk's own unit (本级) has its row, so the chart, its
table and its export count what the item list and the 逾期未整改事项 tile count."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from orgwork import dashboard
from orgwork.rectification import figures
from orgwork.rectification.models import ItemState

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:rectification_rectificationitem_changelist")
FUTURE = datetime.date(2099, 12, 31)


@pytest.fixture
def items(item_in: Any, tree: dict[str, Any]) -> None:
    """Items on 城关区 itself (one struck off, one overdue, one in time), on 城关镇 below it,
    on 七里河区 itself and on 兰州市 itself."""
    item_in(ItemState.CLOSED, problem="本级已销号")
    item_in(ItemState.IN_PROGRESS, problem="本级逾期")  # due 2026-06-30
    item_in(ItemState.ON_BOOKS, problem="本级未到期", deadline=FUTURE)
    item_in(ItemState.IN_PROGRESS, problem="镇里逾期", unit=tree["township_a"])
    item_in(ItemState.ON_BOOKS, problem="七里河区逾期", unit=tree["county_b"])
    item_in(ItemState.ON_BOOKS, problem="市本级未到期", unit=tree["city"], deadline=FUTURE)


def listed(client: Any, **params: str) -> int:
    return client.get(CHANGELIST, params).context["cl"].result_count


def totals(data: dashboard.PanelData) -> dict[str, int]:
    return {s.name: sum(s.values) for s in data.series}


def assert_panel_agrees_with_the_list(user: Any, client_for: Any) -> dashboard.PanelData:
    client = client_for(user)
    data = dashboard.get("rectification_progress").compute(user)
    assert totals(data)["发现问题"] == listed(client)
    assert totals(data)["已整改"] == listed(client, state__exact=ItemState.CLOSED)
    assert totals(data)["延期"] == listed(client, extended="yes")
    assert totals(data)["逾期"] == listed(client, overdue="yes") == figures.overdue(user)[0]
    return data


def test_a_county_clerks_chart_has_a_row_for_the_county_itself_and_adds_up_to_the_list(items, county_a_clerk,
                                                                                        client_for):
    data = assert_panel_agrees_with_the_list(county_a_clerk, client_for)
    rows = {row[0]: row[1:] for row in data.rows()}
    assert rows["城关区（本级）"] == [3, 1, 0, 1]
    assert rows["城关镇"] == [1, 0, 0, 1]
    assert data.labels[0] == "城关区（本级）"


def test_a_county_with_items_only_on_itself_shows_them_rather_than_an_empty_chart(items, county_b_clerk,
                                                                                 client_for):
    data = assert_panel_agrees_with_the_list(county_b_clerk, client_for)
    assert not data.is_empty
    assert data.rows() == [["七里河区（本级）", 1, 0, 0, 1]]


def test_a_province_officers_chart_adds_up_to_the_list(items, province_officer, client_for):
    data = assert_panel_agrees_with_the_list(province_officer, client_for)
    assert "甘肃省（本级）" not in data.labels  # the province has no items of its own
    assert dict(zip(data.labels, data.series[0].values))["兰州市"] == 6


def test_the_city_officers_chart_counts_the_citys_own_items_once(items, city_officer, client_for):
    data = assert_panel_agrees_with_the_list(city_officer, client_for)
    assert data.rows()[0] == ["兰州市（本级）", 1, 0, 0, 0]


def test_the_bars_of_the_own_unit_open_exactly_its_items(items, county_a_clerk, client_for):
    data = dashboard.get("rectification_progress").compute(county_a_clerk)
    client = client_for(county_a_clerk)
    index = data.labels.index("城关区（本级）")
    found, closed, _, overdue = (s.link(index) for s in data.series)
    problems = {link: sorted(o.problem for o in client.get(link).context["cl"].result_list)
                for link in (found, closed, overdue)}
    assert problems[found] == ["本级已销号", "本级未到期", "本级逾期"]
    assert problems[closed] == ["本级已销号"]
    assert problems[overdue] == ["本级逾期"]
