"""The annotated error workbook gives a cell back as the clerk typed it: -100 stays -100
(in an .xlsx a text cell is never a formula); only a text starting with "=" is escaped."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from orgwork.imports import services as imports
from orgwork.imports.exporting import error_workbook

from .conftest import make_id

pytestmark = pytest.mark.django_db

HEAD = ["姓名", "身份证号", "党支部代码", "党员类别", "入党日期", "转正日期", "党费类别", "党费计算基数（元/月）"]
BASE = HEAD.index("党费计算基数（元/月）")


def row(base: Any, name: str = "负基数") -> list[Any]:
    return [name, make_id(datetime.date(1980, 1, 1)), "A-SQ", "正式党员", "2005-07-01", "2006-07-01", "在职", base]


def annotated(user: Any, name: str, content: bytes) -> Any:
    job = imports.job_create(user=user, resource="members_roster", uploaded=SimpleUploadedFile(name, content))
    imports.job_validate(job_id=job.pk)
    job.refresh_from_db()
    assert job.errors, "the row should have been refused"
    return load_workbook(io.BytesIO(error_workbook(job, user=user))).worksheets[0]


def test_a_negative_base_typed_in_a_csv_comes_back_as_typed_in_the_error_workbook(orgs, county_a_clerk):
    text = ",".join(HEAD) + "\r\n" + ",".join(str(v) for v in row("-100")) + "\r\n"
    sheet = annotated(county_a_clerk, "sheet_member.csv", text.encode("utf-8"))
    assert sheet.cell(row=2, column=BASE + 1).value == "-100"


def test_a_negative_base_typed_as_a_number_comes_back_a_number_in_the_error_workbook(orgs, county_a_clerk):
    book = Workbook()
    book.active.append(HEAD)
    book.active.append(row(-100))
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = annotated(county_a_clerk, "sheet_member.xlsx", buffer.getvalue())
    cell = sheet.cell(row=2, column=BASE + 1)
    assert cell.value == -100 and cell.data_type == "n"


def test_a_name_starting_with_an_equals_sign_stays_text_in_the_error_workbook(orgs, county_a_clerk):
    text = ",".join(HEAD) + "\r\n" + ",".join(str(v) for v in row("-100", name="=1+1")) + "\r\n"
    sheet = annotated(county_a_clerk, "sheet_member.csv", text.encode("utf-8"))
    assert sheet.cell(row=2, column=1).value == "'=1+1"
    assert all(c.data_type != "f" for line in sheet.iter_rows() for c in line)
