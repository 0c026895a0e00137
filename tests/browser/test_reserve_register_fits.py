"""The 后备干部名册 台账, the widest register on the site (fifteen columns in its sheet),
shows every column of its page in a 1440-px window as a province officer, in Debian's
Chromium: each date sits beside what it dates (考察, 出库) and stays whole, and nothing is
pushed out of sight behind a sideways scroll."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from cadres.models import Rank
from cadres.reserve.models import ExitReason
from cadres.reserve.services import reserve_exit
from tests.samples.cadres import SAMPLES, cadre_in
from tests.samples.reserve import enter, pool_in, recommend

from .conftest import SCREENSHOTS
from .test_csp_in_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date


def test_a_province_officer_sees_every_column_of_the_reserve_register_at_1440_px(
    browser: Any, http_server: Any, personas: dict[str, Any], tree: dict[str, Any]
) -> None:
    chief = pool_in(tree["county_a"], level=Rank.TOWNSHIP_CHIEF, quota=4)
    deputy = pool_in(tree["township_a"], level=Rank.TOWNSHIP_DEPUTY, quota=2)
    promoted = enter(chief, cadre_in(tree["county_a"], name="欧阳建国", birth=D(1982, 2, 1)))
    reserve_exit(member=promoted, reason=ExitReason.PROMOTED, exited_on=D(2026, 6, 30), actor=SAMPLES)
    enter(chief, cadre_in(tree["county_a"], name="王秀英", birth=D(1988, 9, 1)))
    enter(deputy, cadre_in(tree["township_a"], name="李志强", birth=D(1991, 2, 1)))
    recommend(deputy, cadre_in(tree["township_a"], name="待考察", birth=D(1993, 2, 1)))

    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    log_in(page, http_server.url, "province_officer")
    assert page.goto(http_server.url + reverse("admin:worklist", args=["reserve_members"])).status == 200
    page.evaluate("document.fonts.ready.then(() => true)")
    seen = page.evaluate("""() => {
      const table = document.querySelector("#result_list");
      return {
        table: table.scrollWidth, box: table.parentElement.clientWidth,
        heads: [...table.querySelectorAll("thead th")].map(th => th.innerText.trim()),
        dates: [...table.querySelectorAll("td .nowrap")].map(span => [span.innerText,
          Math.round(span.getBoundingClientRect().height / parseFloat(getComputedStyle(span).lineHeight))]),
        rows: table.querySelectorAll("tbody tr").length,
      };
    }""")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "reserve-register-1440.png"))
    context.close()

    assert seen["rows"] == 4
    assert seen["table"] <= seen["box"] + 1, f"the table is {seen['table']}px in a {seen['box']}px box"
    assert seen["heads"][-3:] == ["考察", "入库日期", "出库"]
    # Three 考察 dates and one 出库 date, each on one line of its own.
    assert sorted(text for text, _ in seen["dates"]) == ["2026-04-20"] * 3 + ["2026-06-30"]
    assert all(lines == 1 for _, lines in seen["dates"]), seen["dates"]
