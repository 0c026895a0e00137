"""A spot-check draw that would draw nobody at random — a ratio of 0, or no one who
reported that year, by either method — is refused before it uses up the unit's one draw
of the year: on the draw page and in the service every other path calls (there is no
draw sheet; the management command only re-runs recorded draws)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.supervision.models import SpotCheckDraw
from cadres.supervision.services import spot_check_draw
from tests.samples.cadres import cadre_in
from tests.samples.names import numbered
from tests.samples.supervision import report_for

RATIO_ZERO = "抽取比例须大于0（如 5 即抽取5%）：比例为0不抽取任何人，而每个单位每个报告年度只能抽取一次。"
NOBODY = "兰州市城关区 2025年度没有已报告个人有关事项的干部，无可抽取：请先登记该年度的个人有关事项报告再抽取（每个单位每个报告年度只能抽取一次）。"


@pytest.fixture
def reporting(tree):
    for i in range(5):
        report_for(cadre_in(tree["county_a"], name=numbered("县干部", i, 2)), year=2025)


def draw_page(client, unit, **fields):
    return client.post(reverse("admin:supervision_spotcheckdraw_add"), {
        "unit": unit.pk, "year": 2025, "method": "ratio", "ratio": "", "count": "",
        "checks-TOTAL_FORMS": "0", "checks-INITIAL_FORMS": "0", **fields,
    })


def refused(draw: SpotCheckDraw, actor) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        spot_check_draw(draw=draw, actor=actor)
    return caught.value.message_dict


def test_the_draw_page_refuses_a_ratio_of_zero(tree, reporting, county_a_clerk, client_for) -> None:
    response = draw_page(client_for(county_a_clerk), tree["county_a"], ratio="0")
    assert response.status_code == 200 and RATIO_ZERO in response.content.decode()
    assert not SpotCheckDraw.objects.exists()


def test_the_service_refuses_a_ratio_of_zero(tree, reporting, county_a_clerk) -> None:
    errors = refused(SpotCheckDraw(unit=tree["county_a"], year=2025, method="ratio", ratio=Decimal("0")),
                     county_a_clerk)
    assert errors == {"ratio": [RATIO_ZERO]} and not SpotCheckDraw.objects.exists()


def test_the_draw_page_refuses_a_ratio_draw_when_nobody_reported(tree, county_a_clerk, client_for) -> None:
    response = draw_page(client_for(county_a_clerk), tree["county_a"], ratio="20")
    assert response.status_code == 200 and NOBODY in response.content.decode()
    assert not SpotCheckDraw.objects.exists()


def test_the_service_refuses_a_ratio_draw_when_nobody_reported(tree, county_a_clerk) -> None:
    errors = refused(SpotCheckDraw(unit=tree["county_a"], year=2025, method="ratio", ratio=Decimal("20")),
                     county_a_clerk)
    assert errors == {"ratio": [NOBODY]} and not SpotCheckDraw.objects.exists()


def test_the_service_refuses_a_count_draw_when_nobody_reported(tree, county_a_clerk) -> None:
    errors = refused(SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=3), county_a_clerk)
    assert errors == {"count": [NOBODY]} and not SpotCheckDraw.objects.exists()


def test_a_small_positive_ratio_still_draws_one(tree, reporting, county_a_clerk) -> None:
    draw = spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="ratio",
                                              ratio=Decimal("0.5")), actor=county_a_clerk)
    assert (draw.population_size, draw.random_total) == (5, 1)
