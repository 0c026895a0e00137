"""An import job whose sheet has a 5,000-character value in a cell fits a 1440-px window
in Debian's Chromium: the value is quoted shortened in 错误明细 and the preview, and the
cells wrap (it once stretched the page to 38,703 px)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from orgwork.imports import services

from .conftest import SCREENSHOTS
from .test_csp_in_browser import log_in
from .test_import_in_browser import HEADERS, cadre_sheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sheet_with_a_long_gender() -> bytes:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(cadre_sheet()))
    book.active.cell(row=3, column=HEADERS.index("性别") + 1, value="x" * 5000)  # the first person's row
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def job_page(browser: Any, http_server: Any, clerk: Any) -> tuple[Any, Any]:
    """The page of a validated job of the long-value sheet, as ``clerk`` (without the right
    to whole ID numbers) sees it at 1440 px: (the browser context, the page)."""
    call_command("seed_reference", verbosity=0)
    job = services.job_create(user=clerk, resource="cadres",
                              uploaded=SimpleUploadedFile("长值.xlsx", sheet_with_a_long_gender()))
    services.job_validate(job_id=job.pk)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    log_in(page, http_server.url, clerk.username)
    assert page.goto(http_server.url + reverse("admin:imports_importjob_change", args=[job.pk])).status == 200
    page.evaluate("document.fonts.ready.then(() => true)")
    return context, page


def test_an_import_job_with_a_5000_character_value_fits_the_window_at_1440_px(
    browser: Any, http_server: Any, media: Any, county_a_clerk: Any
) -> None:
    context, page = job_page(browser, http_server, county_a_clerk)
    width = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    errors = page.inner_text("table.import-errors")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "import-job-long-value-1440.png"))
    context.close()

    assert "x" * 50 + "…（共5000字）" in errors and "x" * 51 not in errors
    assert width <= 1440, f"the page is {width}px wide"


LINES_OF = """cell => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
}"""


def test_an_import_jobs_masked_numbers_and_column_names_stay_on_one_line_at_1440_px(
    browser: Any, http_server: Any, media: Any, county_a_clerk: Any
) -> None:
    """The preview's masked ID numbers broke as 620102********0 / 02x, and 错误明细's
    column names as 身份证 / 号: the long messages beside them took the width."""
    context, page = job_page(browser, http_server, county_a_clerk)
    numbers = page.locator("table.import-preview td", has_text="********")
    assert numbers.count() >= 2
    assert {numbers.nth(i).evaluate(LINES_OF) for i in range(numbers.count())} == {1}
    columns = page.locator("table.import-errors td:nth-child(2)")
    assert columns.count() >= 1 and {columns.nth(i).evaluate(LINES_OF) for i in range(columns.count())} == {1}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "import-job-one-line-1440.png"), full_page=True)
    width = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    context.close()
    assert width <= 1440, f"the page is {width}px wide"
