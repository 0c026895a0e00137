"""A person's whole import, in Debian's Chromium: log in, upload a cadre sheet, watch the
progress bar reach 100 % while a real worker validates it, read the preview at 1440 px,
confirm, and follow 查看新增的 3 条 to the rows."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from orgwork.common.idnumber import check_character

from ..conftest import PASSWORD
from .conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

HEADERS = ["姓名", "性别", "民族", "出生年月", "籍贯", "身份证号", "入党时间", "参加工作时间", "学历", "学位",
           "毕业院校及专业", "单位", "现任职务", "职务层次", "职级", "管理权限"]
PEOPLE = [("浏览器测试甲", "男", "1978.03", "620102197803150011"), ("浏览器测试乙", "女", "1983.11", "620102198311200022"),
          ("浏览器测试丙", "男", "1975.06", "620102197506010033")]


def valid_id(draft: str) -> str:
    return draft[:17] + check_character(draft[:17])


def cadre_sheet() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["城关区干部信息（示例）"])  # a title row above the header, as sheets arrive
    sheet.append(HEADERS)
    for name, gender, born, id_draft in PEOPLE:
        sheet.append([name, gender, "汉族", born, "甘肃兰州", valid_id(id_draft), "2005.07", "2000.07", "大学",
                      "学士", "兰州大学 汉语言文学", "620102", "城关区某局副局长", "乡科级副职", "", "县管"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_clerk_imports_a_cadre_sheet_in_the_browser(
    browser: Any, http_server: Any, start_worker: Any, county_a_clerk: Any, tmp_path: Path
) -> None:
    live_server = http_server
    call_command("seed_reference", verbosity=0)
    start_worker()
    sheet = tmp_path / "城关区干部.xlsx"
    sheet.write_bytes(cadre_sheet())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page = browser.new_page(locale="zh-CN", viewport={"width": 1440, "height": 900})
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "county_a_clerk")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")  # unfold's login button is a <button>
    page.wait_for_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}/admin/imports/importjob/add/")
    page.select_option("select[name=resource]", "cadres")
    page.set_input_files("input[type=file]", str(sheet))
    # The skin's picker shows the chosen file's name; its script found no box and threw before.
    assert page.eval_on_selector("input[type=file]",
                                 "el => el.closest('label').querySelector('input[type=text]').value") == sheet.name
    assert script_errors == []
    page.click("input[type=submit]")

    page.wait_for_selector("#import-status:text('待确认')", timeout=60_000)
    assert page.eval_on_selector("#import-progress", "el => el.value") == 100
    assert "3 / 3" in page.inner_text("#import-progress-text")
    page.reload()  # the preview is drawn with the page once the validation is done
    preview = page.inner_text(".import-preview")
    assert preview.count("新增") == 3 and "浏览器测试甲" in preview
    assert valid_id(PEOPLE[0][3]) not in preview  # masked for a clerk without the right
    # The page never scrolls sideways; a wide table scrolls inside its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440
    page.screenshot(path=str(SCREENSHOTS / "import-preview.png"), full_page=True)

    page.click("input[value='确认导入']")
    page.wait_for_selector("#import-status:text('完成')", timeout=60_000)

    page.reload()
    page.click("text=查看新增的 3 条")
    page.wait_for_url("**import_job=*")
    assert page.locator("#result_list tbody tr").count() == 3
    for name, *_ in PEOPLE:
        assert page.locator("#result_list").get_by_text(name).count() == 1
    body = page.inner_text("#result_list")
    assert valid_id(PEOPLE[0][3]) not in body  # ID numbers stay masked in the list
    page.screenshot(path=str(SCREENSHOTS / "import-done.png"), full_page=True)
