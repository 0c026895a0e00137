"""A cadre's page shows the 任职经历 table whole in a 1440-px window, in Debian's Chromium:
a post's title and 文号 are readable in their cells, and no column is pushed behind the
table's own scrollbar (the clerk reads this table before printing the 任免审批表)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from cadres.models import Post, Rank
from cadres.services import post_appoint
from tests.samples.cadres import SAMPLES, cadre_in

from .conftest import SCREENSHOTS
from .test_csp_in_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def cadre_page(browser: Any, http_server: Any, cadre: Any) -> tuple[Any, Any]:
    """The county clerk's page of ``cadre`` in a 1440-px window, its fonts loaded."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    log_in(page, http_server.url, "county_a_clerk")
    assert page.goto(http_server.url + reverse("admin:cadres_cadre_change", args=[cadre.pk])).status == 200
    page.evaluate("document.fonts.ready.then(() => true)")
    return context, page


def test_the_posts_table_on_a_cadres_page_fits_at_1440_px_with_its_title_readable(
    browser: Any, http_server: Any, personas: dict[str, Any], tree: dict[str, Any]
) -> None:
    cadre = cadre_in(tree["county_a"], name="邵英")
    for title, on, document in [("城关区教育局副局长（主持工作）", datetime.date(2022, 9, 1), "城关委发〔2022〕45号"),
                                ("城关区教育局办公室主任", datetime.date(2018, 3, 1), "城关教发〔2018〕12号")]:
        post_appoint(post=Post(cadre=cadre, unit=cadre.unit, title=title, rank=Rank.TOWNSHIP_DEPUTY, appointed_on=on,
                               appointment_document=document, is_current=on.year == 2022), actor=SAMPLES)

    context, page = cadre_page(browser, http_server, cadre)
    seen = page.evaluate("""() => {
      const table = document.querySelector("#posts-group table");
      const title = table.querySelector("td.field-title input");
      const em = parseFloat(getComputedStyle(title).fontSize);
      return {table: table.getBoundingClientRect().width, box: table.parentElement.getBoundingClientRect().width,
              title: title.getBoundingClientRect().width / em,
              rows: table.querySelectorAll("tbody tr.has_original, tbody tr:has(td.original)").length};
    }""")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "cadre-posts-1440.png"), full_page=True)
    context.close()

    assert seen["table"] <= seen["box"] + 1, f"the table is {seen['table']}px in a {seen['box']}px box"
    assert seen["title"] >= 8, f"the title cell shows {seen['title']:.1f} characters"


def test_the_posts_table_shows_a_township_posts_title_unit_rank_and_document_number_whole(
    browser: Any, http_server: Any, personas: dict[str, Any], tree: dict[str, Any]
) -> None:
    cadre = cadre_in(tree["county_a"], name="邵英")
    post_appoint(post=Post(cadre=cadre, unit=cadre.unit, title="西川乡纪委书记", rank=Rank.TOWNSHIP_DEPUTY,
                           appointed_on=datetime.date(2023, 5, 1), appointment_document="城关委发〔2023〕15号",
                           is_current=True), actor=SAMPLES)

    context, page = cadre_page(browser, http_server, cadre)
    seen = page.evaluate("""() => {
      const table = document.querySelector("#posts-group table");
      const row = [...table.querySelectorAll("tbody tr")].find(r => r.querySelector("td.field-title input"));
      const cut = box => box.scrollWidth > box.clientWidth;
      const rank = row.querySelector("td.field-rank select");
      const style = getComputedStyle(rank);
      const pen = document.createElement("canvas").getContext("2d");
      pen.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const unit = row.querySelector("td.field-unit .select2-selection__rendered");
      return {table: table.getBoundingClientRect().width, box: table.parentElement.getBoundingClientRect().width,
              title: cut(row.querySelector("td.field-title input")),
              document: cut(row.querySelector("td.field-appointment_document input")),
              date: cut(row.querySelector("td.field-appointed_on input")),
              unit: unit.scrollWidth > unit.clientWidth,
              rank: pen.measureText(rank.selectedOptions[0].text).width
                    > rank.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)};
    }""")
    context.close()

    assert seen["table"] <= seen["box"] + 1, f"the table is {seen['table']}px in a {seen['box']}px box"
    assert not any(seen[name] for name in ("title", "document", "date", "unit", "rank")), seen
