"""The buttons of a 凡提四必 case in Debian's Chromium at 1440×900: a county clerk sees the
case's steps at the top of its page, records a check with its evidence through the
step's small form, and reads the step in the case's timeline."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cadres.supervision.models import VettingResult
from tests.samples.supervision import vetting_sample

from .conftest import SCREENSHOTS
from .test_csp_in_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_clerk_records_a_vetting_check_from_the_cases_page_in_the_browser(
    browser: Any, http_server: Any, personas: dict[str, Any], tree: dict[str, Any], media: Any, tmp_path: Any
) -> None:
    url = http_server.url
    case = vetting_sample(tree["county_a"])
    check = case.checks.order_by("pk").first()
    evidence = tmp_path / "档案审核意见.pdf"
    evidence.write_bytes(b"%PDF-1.4 evidence\n%%EOF\n")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    log_in(page, url, "county_a_clerk")

    page.goto(url + reverse("admin:supervision_vettingcase_change", args=[case.pk]))
    for label in ("登记核查结果", "审查通过", "终止审查"):
        assert page.get_by_role("link", name=label).first.is_visible(), label
    assert page.locator("#record-timeline").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440
    page.screenshot(path=str(SCREENSHOTS / "buttons-vetting-case.png"), full_page=True)

    page.get_by_role("link", name="登记核查结果").first.click()
    page.select_option("#id_check", str(check.pk))
    page.select_option("#id_result", VettingResult.CLEAR)
    page.fill("#id_handler", "王干事")
    page.fill("#id_conclusion", "档案记载与本人填报一致。")
    page.set_input_files("#id_evidence", str(evidence))
    page.screenshot(path=str(SCREENSHOTS / "buttons-vetting-check-form.png"), full_page=True)
    page.click("input[type=submit]")
    page.wait_for_url(url + reverse("admin:supervision_vettingcase_change", args=[case.pk]))

    assert "已登记核查结果" in page.content()
    assert "核查结果：待核查 → 无问题" in page.locator("#record-timeline").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "buttons-vetting-case-after.png"), full_page=True)
    check.refresh_from_db()
    assert check.result == VettingResult.CLEAR and check.evidence
