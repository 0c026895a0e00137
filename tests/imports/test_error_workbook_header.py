"""The annotated error workbook names its last column: the header row (however the
sheet spells its headers) ends with 错误说明, and each wrong cell is marked in place."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from orgwork.imports import services

from .conftest import HEAD, person
from .sheets import workbook_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.imports.urls")]


def annotated(user: Any, client_for: Any, rows: list[list[Any]]) -> list[list[Any]]:
    job = services.job_create(user=user, resource="test_cadres",
                              uploaded=SimpleUploadedFile("干部.xlsx", workbook_bytes(rows)))
    services.job_validate(job_id=job.pk)
    answer = client_for(user).get(reverse("admin:imports_importjob_errors", args=[job.pk]))
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()], sheet


def test_the_error_column_has_a_header(media: Path, test_resource: Any, county_a_clerk: Any, client_for: Any) -> None:
    values, _ = annotated(county_a_clerk, client_for, [HEAD, person(1), person(2, 性别="?")])
    assert values[0] == [*HEAD, "错误说明"]
    assert values[2][-1].startswith("性别：")


def test_the_error_column_has_a_header_when_the_sheet_spells_its_headers_otherwise(
        media: Path, test_resource: Any, county_a_clerk: Any, client_for: Any) -> None:
    head = ["公民身份号码" if h == "身份证号" else "工作单位" if h == "单位" else h for h in HEAD]
    row = person(1)
    values, sheet = annotated(county_a_clerk, client_for, [head, row, row])
    assert values[0] == [*head, "错误说明"]
    assert "重复" in values[2][-1]
    marked = sheet.cell(row=3, column=head.index("公民身份号码") + 1)
    assert marked.comment is not None and "重复" in marked.comment.text
