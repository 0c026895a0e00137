"""A step page's fields in Debian's Chromium at 1440×900: the inputs of the 支部大会 admission
step start at one left edge, whatever their labels' lengths, and an error shown above one
input keeps it there; the error and the help text sit under the inputs, not the labels."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.members.conftest import add_member, candidate, days_ago, make_org

from .conftest import SCREENSHOTS
from .test_csp_in_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def left_edges(page: Any, selector: str) -> list[float]:
    return [round(box["x"]) for box in (element.bounding_box() for element in page.locator(selector).all()) if box]


def test_the_admission_step_lines_its_inputs_up_with_and_without_an_error(
    browser: Any, http_server: Any, personas: dict[str, Any], tree: dict[str, Any]
) -> None:
    url = http_server.url
    branch = make_org("A-SQ", "东岗社区党支部", tree["county_a"])
    file = candidate(branch, add_member(branch), applied_days_ago=700)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    log_in(page, url, "county_a_clerk")
    page.goto(url + reverse("admin:members_applicant_admit_step", args=[file.pk]))

    inputs = "fieldset.module.aligned input:not([type=hidden])"
    assert len(page.locator(inputs).all()) == 4  # 日期, 应到会, 实到会, 赞成
    assert len(set(left_edges(page, inputs))) == 1, left_edges(page, inputs)
    label_ends = [box["x"] + box["width"] for box in
                  (label.bounding_box() for label in page.locator("fieldset.module.aligned label").all()) if box]
    assert max(label_ends) < left_edges(page, inputs)[0]  # no label runs under its input

    page.fill("#id_day", days_ago(200).isoformat())
    page.fill("#id_expected", "10")
    page.fill("#id_present", "6")
    page.fill("#id_in_favour", "5")
    page.click("input[type=submit]")
    page.wait_for_load_state()
    error = page.locator("fieldset.module.aligned .errorlist")
    assert "未超过应到会有表决权的正式党员10人的半数" in error.inner_text()
    assert len(set(left_edges(page, inputs))) == 1, left_edges(page, inputs)
    edge = left_edges(page, inputs)[0]
    # Under the inputs (within the few pixels of their own padding), not under the labels.
    under = [left_edges(page, "fieldset.module.aligned .errorlist"), left_edges(page, "fieldset.module.aligned .help")]
    assert len(under[0]) == 1 and len(under[1]) == 3, under
    assert all(abs(x - edge) <= 4 for x in under[0] + under[1]), (edge, under)
    page.screenshot(path=str(SCREENSHOTS / "step-form-aligned-error.png"), full_page=True)
