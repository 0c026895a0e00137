"""The 工作台's 党员队伍结构 panel in Debian's Chromium: the page shows its place, the
panel's own request fills it in with its chart and table, inside the strict
Content-Security-Policy; a request that fails says so in its place, not 正在统计 for ever."""

from __future__ import annotations

from typing import Any

import pytest

from ..members.conftest import add_member, orgs  # noqa: F401  (fixture)
from .conftest import SCREENSHOTS
from .test_csp_in_browser import Watch, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PANEL = "section[aria-labelledby=panel-members_structure]"


def test_the_structure_panel_is_drawn_after_the_page(browser: Any, http_server: Any, personas: dict[str, Any],
                                                     orgs: dict[str, Any]) -> None:
    add_member(orgs["community"], "王建国")
    add_member(orgs["village"], "李秀英")
    page = browser.new_page(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1440, "height": 900})
    watch = Watch(page, http_server.url)
    log_in(page, http_server.url, "county_a_clerk")

    page.wait_for_selector(f"{PANEL} svg.orgwork-chart", timeout=15_000)
    panel = page.locator(PANEL)
    assert "正在统计" not in panel.inner_text()
    assert panel.locator("h2 a").get_attribute("href").startswith("/admin/members/member/?status__exact=active")
    panel.locator("details summary").click()
    rows = panel.locator("details tbody tr").all_inner_texts()
    assert rows[0].split("\t") == ["在册党员", "2人", "100.0%"]
    assert page.locator(PANEL).count() == 1 and page.locator(".dash-deferred").count() == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-structure-panel.png"), full_page=True)
    assert watch.clean(), (watch.violations, watch.script_errors, watch.foreign)

    # The panel's request fails: its place says so.
    page.route("**/admin/dashboard/members_structure/", lambda route: route.fulfill(status=500, body="error"))
    page.goto(http_server.url + "/admin/")
    failed = page.locator(".dash-deferred .dash-empty")
    failed.wait_for(timeout=15_000)
    page.wait_for_function("() => !document.querySelector('.dash-deferred .dash-empty').innerText.includes('正在统计')",
                           timeout=15_000)
    assert failed.inner_text() == "统计未能完成，请刷新页面重试；仍不能显示的，请联系系统管理员。"
    assert page.locator(".dash-deferred").get_attribute("aria-busy") == "false"
    page.close()
