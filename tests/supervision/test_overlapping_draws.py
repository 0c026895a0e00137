"""个人有关事项抽查: a draw covers its unit's whole subtree, so no other draw of the same
report year may cover a unit above or below it — the same cadres would be drawn twice in
a year. The refusal names the year's draw and sends the clerk to its 补充抽取, on the
service and on the form; draws of other years and of units apart are made as before."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cadres.supervision.models import SpotCheck, SpotCheckDraw
from cadres.supervision.services import spot_check_draw
from tests.samples.cadres import cadre_in
from tests.samples.names import numbered
from tests.samples.supervision import report_for
from tests.threads import second_waits_for_first

from .helpers import SYSTEM

ADD = "/admin/supervision/spotcheckdraw/add/"


@pytest.fixture
def reporting(tree: dict[str, Any]) -> list[Any]:
    """Three cadres of 城关区 itself and three of its township 城关镇, one of 七里河区, with 2024 and 2025 reports."""
    cadres = ([cadre_in(tree["county_a"], name=numbered("区干部", i, 2)) for i in range(3)]
              + [cadre_in(tree["township_a"], name=numbered("镇干部", i, 2)) for i in range(3)]
              + [cadre_in(tree["county_b"], name="七里河干部")])
    for cadre in cadres:
        report_for(cadre, year=2024)
        report_for(cadre, year=2025)
    return cadres


def draw_for(unit: Any, actor: Any, year: int = 2025) -> SpotCheckDraw:
    return spot_check_draw(draw=SpotCheckDraw(unit=unit, year=year, method="ratio", ratio=100), actor=actor)


def form(unit: Any, year: int = 2025) -> dict[str, Any]:
    return {"unit": unit.pk, "year": year, "method": "ratio", "ratio": "100", "count": "",
            "checks-TOTAL_FORMS": "0", "checks-INITIAL_FORMS": "0"}


def test_a_township_is_not_drawn_in_a_year_its_county_was_drawn_on_the_service(tree, reporting, county_a_clerk) -> None:
    draw_for(tree["county_a"], county_a_clerk)
    with pytest.raises(ValidationError) as refused:
        draw_for(tree["township_a"], county_a_clerk)
    message = refused.value.message_dict["unit"][0]
    assert "兰州市城关区·城关镇在兰州市城关区的抽查范围内，已有「兰州市城关区 2025年度抽查」" in message
    assert "请在「兰州市城关区 2025年度抽查」的页面办理「补充抽取」" in message
    assert SpotCheckDraw.objects.count() == 1 and SpotCheck.objects.count() == 6


def test_a_county_is_not_drawn_in_a_year_one_of_its_townships_was_drawn_on_the_service(
    tree, reporting, county_a_clerk
) -> None:
    draw_for(tree["township_a"], county_a_clerk)
    with pytest.raises(ValidationError) as refused:
        draw_for(tree["county_a"], county_a_clerk)
    message = refused.value.message_dict["unit"][0]
    assert "兰州市城关区的范围包含兰州市城关区·城关镇，已有「兰州市城关区·城关镇 2025年度抽查」" in message
    assert "「兰州市城关区·城关镇 2025年度抽查」的页面办理「补充抽取」" in message
    assert SpotCheckDraw.objects.count() == 1 and SpotCheck.objects.count() == 3


def test_a_city_is_not_drawn_in_a_year_a_county_below_it_was_drawn_even_by_the_system(tree, reporting,
                                                                                       county_a_clerk) -> None:
    draw_for(tree["township_a"], county_a_clerk)
    with pytest.raises(ValidationError, match="兰州市的范围包含兰州市城关区·城关镇，已有「兰州市城关区·城关镇 2025年度抽查」"):
        draw_for(tree["city"], SYSTEM)
    assert SpotCheckDraw.objects.count() == 1


def test_units_apart_and_other_years_are_still_drawn(tree, reporting, county_a_clerk, county_b_clerk) -> None:
    draw_for(tree["county_a"], county_a_clerk)
    draw_for(tree["county_b"], county_b_clerk)  # a sibling county: nobody in common
    draw_for(tree["township_a"], county_a_clerk, year=2024)  # another report year
    assert SpotCheckDraw.objects.count() == 3


def test_a_township_is_not_drawn_in_a_year_its_county_was_drawn_on_the_form(tree, reporting, county_a_clerk,
                                                                            client_for) -> None:
    client = client_for(county_a_clerk)
    assert client.post(ADD, form(tree["county_a"])).status_code == 302
    response = client.post(ADD, form(tree["township_a"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "兰州市城关区·城关镇在兰州市城关区的抽查范围内，已有「兰州市城关区 2025年度抽查」" in page and "办理「补充抽取」" in page
    assert SpotCheckDraw.objects.count() == 1 and SpotCheck.objects.count() == 6


def test_a_county_is_not_drawn_in_a_year_one_of_its_townships_was_drawn_on_the_form(tree, reporting, county_a_clerk,
                                                                                    client_for) -> None:
    client = client_for(county_a_clerk)
    assert client.post(ADD, form(tree["township_a"])).status_code == 302
    page = client.post(ADD, form(tree["county_a"])).content.decode()
    assert "兰州市城关区的范围包含兰州市城关区·城关镇，已有「兰州市城关区·城关镇 2025年度抽查」" in page
    assert SpotCheckDraw.objects.count() == 1 and SpotCheck.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_draw_waits_for_an_overlapping_draw_of_the_year_in_progress_and_is_then_refused(
    tree, reporting, county_a_clerk
) -> None:
    """The county's draw is made and held uncommitted in one transaction; the township's,
    made meanwhile in another, waits for the year's lock, then sees it and is refused."""
    waited, result = second_waits_for_first(lambda: draw_for(tree["county_a"], county_a_clerk),
                                            lambda: draw_for(tree["township_a"], county_a_clerk))
    assert waited  # it did not look for an overlapping draw before the county's was committed
    assert isinstance(result, ValidationError), result
    assert "兰州市城关区·城关镇在兰州市城关区的抽查范围内，已有「兰州市城关区 2025年度抽查」" in result.message_dict["unit"][0]
    assert list(SpotCheckDraw.objects.values_list("unit__name", flat=True)) == ["城关区"]
