"""Every admin page as a clerk sees it, in Debian's Chromium at 1440×900: each list and one
record page of every model, as a province officer, a county clerk and the three
administrators (三员). A page fails if it is wider than the window, if a table column is
narrower than four characters, if a dashboard chart reaches past its panel, if a word of the
English denylist shows, or if it answers 500. The screenshots are kept under
var/screenshots/ to be looked at."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from orgwork.worklists import registry as worklists

from ..samples import load_all
from .conftest import SCREENSHOTS
from .test_csp_in_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 1440, 900
# To look at some pages only while fixing them: LAYOUT_ONLY=worklist-reserve bin/test tests/browser/test_layout.py
ONLY = os.environ.get("LAYOUT_ONLY", "")

# Words that must never reach a clerk: Django's and the skin's English, Python's literals and
# the plural Django makes by appending an "s" to a Chinese name.
DENYLIST = re.compile(
    r"\b(None|True|False|Model name|Add link|Needs review|Can (?:add|change|delete|view)|Access attempts?|"
    r"Access logs?|Access failures?|Attempt Time|Error|Select|Search|Filter|Save|Delete|History|Change|"
    r"Add|Home|Log ?out|Show all|Action|Unknown|Password|Username|Today|Now|results?|Yes|No|"
    r"content type|permission|group|user)\b"
    r"|[\u4e00-\u9fff]s\b"
)

# What the page measures of itself: its width, every table column narrower than four of its
# own characters (a checkbox or a single-icon column is exempt: it holds no words), and a
# record's table of rows wider than its box.
MEASURE = """
() => {
  const narrow = [];
  for (const cell of document.querySelectorAll("table thead th")) {
    const table = cell.closest("table");
    if (!table || table.offsetParent === null) continue;
    if (cell.classList.contains("action-checkbox-column") || cell.querySelector("input[type=checkbox]")) continue;
    const text = cell.innerText.trim();
    if (!text) continue;
    const em = parseFloat(getComputedStyle(cell).fontSize);
    const width = cell.getBoundingClientRect().width;
    if (width < 4 * em) narrow.push(`${text}: ${Math.round(width)}px`);
  }
  // What sticks out, named by its tag and classes, to say where a page too wide breaks.
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 1 && r.width > 0 && wide.length < 8) {
      wide.push(`${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 3).join(".")}`);
    }
  }
  // A chart reaching past the panel it is drawn in (into the next one, or cut off).
  const spilt = [];
  for (const chart of document.querySelectorAll(".dash-panel svg")) {
    const panel = chart.closest(".dash-panel").getBoundingClientRect(), r = chart.getBoundingClientRect();
    if (r.left < panel.left - 1 || r.right > panel.right + 1) spilt.push(chart.getAttribute("aria-label"));
  }
  // A table of rows on a record's page (a tabular inline) wider than its box: its last
  // columns are reached only by a scrollbar of its own.
  const sideways = [];
  for (const table of document.querySelectorAll("#content-main [id$=-group] table")) {
    if (table.offsetParent === null) continue;
    const box = table.parentElement.getBoundingClientRect().width, width = table.getBoundingClientRect().width;
    if (width > box + 1) sideways.push(`${table.closest("[id$=-group]").id} ${Math.round(width)}px in ${Math.round(box)}px`);
  }
  return {
    wide,
    spilt,
    sideways,
    page: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
    window: window.innerWidth,
    narrow,
    text: document.body.innerText,
  };
}
"""


def admin_pages(samples: dict[type, Any]) -> list[tuple[str, str, str]]:
    """(name, path, permission) for every registered model's list and its sample's page."""
    pages = []
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        permission = f"{meta.app_label}.view_{meta.model_name}"
        name = f"{meta.app_label}-{meta.model_name}"
        try:
            pages.append((f"{name}-list", reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"), permission))
        except NoReverseMatch:
            continue
        sample = samples.get(model)
        if sample is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[sample.pk])
            pages.append((f"{name}-page", change, permission))
    return pages


def check(page: Any, url: str, path: str, shot: str, problems: list[str]) -> int:
    if ONLY and ONLY not in shot:
        return 200
    response = page.goto(url + path)
    status = response.status if response is not None else 0
    if status >= 500:
        problems.append(f"{shot}: {status}")
        return status
    if status != 200:
        return status
    # goto has waited for the load event: the styles and scripts are in. Only the web fonts
    # may still be on their way, and they change every width measured below.
    page.evaluate("document.fonts.ready.then(() => true)")
    seen = page.evaluate(MEASURE)
    if seen["page"] > seen["window"]:
        problems.append(f"{shot}: the page is {seen['page']}px wide in a {seen['window']}px window "
                        f"({' › '.join(seen['wide'])})")
    problems.extend(f"{shot}: column {column}" for column in seen["narrow"])
    problems.extend(f"{shot}: the chart {chart} reaches past its panel" for chart in seen["spilt"])
    problems.extend(f"{shot}: the table of rows {table} scrolls sideways" for table in seen["sideways"])
    problems.extend(f"{shot}: English {match.group(0)!r}" for match in DENYLIST.finditer(seen["text"]))
    page.screenshot(path=str(SCREENSHOTS / f"layout-{shot}.png"))
    return status


def test_every_admin_page_fits_the_window_in_chinese_as_each_kind_of_user(
    browser: Any, http_server: Any, personas: dict[str, Any], tree: dict[str, Any]
) -> None:
    url = http_server.url
    call_command("seed_reference", verbosity=0)
    builders = load_all()
    samples = {}
    for model, build in builders.items():
        # Builders that make their parent too may collide with a record already made: the
        # page then shows the one that exists.
        try:
            with transaction.atomic():
                samples[model] = build(tree["county_a"])
        except Exception:
            samples[model] = model._default_manager.order_by("pk").first()
    pages = admin_pages(samples)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []

    for username in ("province_officer", "county_a_clerk", "system_admin", "security_admin", "audit_admin"):
        user = personas[username]
        context = browser.new_context(locale="zh-CN", viewport={"width": WIDTH, "height": HEIGHT})
        page = context.new_page()
        log_in(page, url, username)
        seen = []
        for name, path in [("dashboard", "/admin/"), ("worklists", "/admin/worklists/")]:
            seen.append(check(page, url, path, f"{username}-{name}", problems))
        for worklist in worklists.lists_for(user):
            path = reverse("admin:worklist", args=[worklist.slug])
            seen.append(check(page, url, path, f"{username}-worklist-{worklist.slug}", problems))
        for name, path, permission in pages:
            status = check(page, url, path, f"{username}-{name}", problems)
            if user.has_perm(permission):
                # What the role may see, it sees; the rest is refused, never broken.
                assert status == 200, (username, path, status)
            seen.append(status)
        assert seen.count(200) >= 3, (username, seen)
        context.close()

    assert not problems, "\n".join(dict.fromkeys(problems))
