"""The error pages (a typed address that finds nothing) wear the admin's red, not the blue of
Django's stock stylesheet they are drawn with, in Debian's Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import SCREENSHOTS
from .test_csp_in_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DJANGO_BLUE = ("rgb(65, 118, 144)", "rgb(121, 174, 200)", "rgb(65, 120, 147)")


def test_the_not_found_page_wears_the_admins_red(browser: Any, http_server: Any, personas: dict[str, Any]) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    log_in(page, http_server.url, "county_a_clerk")
    answer = page.goto(http_server.url + "/admin/no-such-page/")
    assert answer.status == 404 and "页面不存在" in page.inner_text("body")
    seen = page.evaluate("""() => ({
      header: getComputedStyle(document.querySelector("#header")).backgroundColor,
      button: getComputedStyle(document.querySelector(".orgwork-error-links a.button")).backgroundColor,
    })""")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "error-404-1440.png"))
    context.close()
    assert seen["header"] not in DJANGO_BLUE and seen["button"] not in DJANGO_BLUE, seen
    assert seen["header"] == seen["button"], seen
