"""补充抽取 in Debian's Chromium at 1440×900: a county clerk opens the year's draw, takes
「补充抽取」, marks a drawn cadre as retired, and reads the draw's page with the original
and the supplementary draw apart."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cadres.models import Cadre, CadreStatus
from cadres.services import cadre_save
from cadres.supervision.models import SpotCheckDraw, SpotCheckOutcome, SupplementaryDraw
from cadres.supervision.services import spot_check_draw
from orgwork.common.contract import SystemActor
from tests.samples.cadres import cadre_in
from tests.samples.names import numbered
from tests.samples.supervision import report_for

from .conftest import SCREENSHOTS
from .test_csp_in_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_clerk_replaces_a_retired_cadre_by_a_supplementary_draw_in_the_browser(
    browser: Any, http_server: Any, personas: dict[str, Any], tree: dict[str, Any]
) -> None:
    url = http_server.url
    for i in range(10):
        report_for(cadre_in(tree["county_a"], name=numbered("县干部", i, 2)), year=2025)
    draw = spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=3),
                           actor=personas["county_a_clerk"])
    retired = draw.checks.order_by("cadre_id").first()
    cadre = Cadre.objects.get(pk=retired.cadre_id)
    cadre.status = CadreStatus.RETIRED  # 退休 is on the cadre's record before it can be replaced for it
    cadre_save(cadre=cadre, actor=SystemActor("tests"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    log_in(page, url, "county_a_clerk")

    page.goto(url + reverse("admin:supervision_spotcheckdraw_change", args=[draw.pk]))
    page.get_by_role("link", name="补充抽取").first.click()
    page.select_option("#id_reason", "unverifiable")
    page.fill("#id_explanation", f"{retired.cadre.name}已于2026年2月退休，无法核查。")
    page.select_option(f"#id_replace_{retired.pk}", "retired")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440
    page.screenshot(path=str(SCREENSHOTS / "supplementary-draw-form.png"), full_page=True)
    page.click("input[type=submit]")
    page.wait_for_url(url + reverse("admin:supervision_spotcheckdraw_change", args=[draw.pk]))

    body = page.inner_text("body")
    assert "已补充抽取" in body and "第1次补充抽取1人" in body
    assert "抽查核实（原抽取）" in body and "补充抽取记录" in body and "抽查核实（补充抽取）" in body
    assert f"{retired.cadre.name}（退休）" in body
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440
    page.screenshot(path=str(SCREENSHOTS / "supplementary-draw-after.png"), full_page=True)
    assert script_errors == []
    retired.refresh_from_db()
    assert retired.outcome == SpotCheckOutcome.UNVERIFIABLE
    assert SupplementaryDraw.objects.get().checks.count() == 1
