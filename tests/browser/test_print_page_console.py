"""The 任免审批表 print page in Debian's Chromium: nothing it asks for fails (it once asked
for /favicon.ico, a 404 in the console), and the browser logs no error."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.samples.cadres import cadre_in

from .test_csp_in_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_print_page_logs_no_error_in_the_console(
    browser: Any, http_server: Any, county_a_clerk: Any, tree: dict[str, Any]
) -> None:
    cadre = cadre_in(tree["county_a"], name="打印测试")
    page = browser.new_page(locale="zh-CN", viewport={"width": 1440, "height": 900})
    log_in(page, http_server.url, "county_a_clerk")
    errors: list[str] = []
    failed: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("response", lambda response: failed.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)

    assert page.goto(http_server.url + reverse("admin:cadres_cadre_print", args=[cadre.pk])).status == 200
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)  # the icon is fetched after the load
    page.close()

    assert (errors, failed) == ([], [])
