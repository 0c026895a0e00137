"""ID number cells that look right and are not: one holding a character nobody sees, one
Excel made a number of (orgwork.common.idnumber.normalise)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from cadres.models import Cadre
from orgwork.common import idnumber
from orgwork.imports import services
from orgwork.imports.models import JobStatus
from orgwork.imports.preview import job_preview

from .conftest import HEAD, person
from .sheets import downloaded_error_workbook, validated_job, workbook_bytes, xlsx

pytestmark = pytest.mark.django_db
ID = HEAD.index("身份证号")
TYPED = 620102198910186810  # what the clerk typed; a float keeps 620102198910186752 of it


def errors_of(result: Any) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in result.errors]


def test_an_id_number_with_a_zero_width_space_is_refused_as_holding_unseen_characters(
        tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    path = xlsx(tmp_path / "zw.xlsx", [HEAD, person(1, 身份证号=person(1)[ID] + "\u200b")])
    result = run_sheet(path, county_a_clerk, commit=True)
    assert errors_of(result) == [(2, "身份证号", "身份证号中有看不见的字符（如零宽空格、控制字符、方向标记或特殊空格），"
                                               "从其他文件复制的身份证号常带有这类字符：请删去身份证号后重新输入。")]
    assert not Cadre.objects.exists()


def test_an_id_number_padded_with_no_break_or_ideographic_spaces_is_read_as_typed(
        tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    number = person(1)[ID]
    path = xlsx(tmp_path / "pad.xlsx", [HEAD, person(1, 身份证号=f"\u00a0{number}\u3000")])
    result = run_sheet(path, county_a_clerk, commit=True)
    assert (result.new, result.error_count) == (1, 0)
    assert Cadre.objects.get().id_number == number


def test_an_id_number_excel_stored_as_a_number_is_refused_and_never_shown_as_other_digits(
        tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    row = person(1, 身份证号=float(TYPED), 出生年月="1989.10", 入党时间="2015.07")
    path = xlsx(tmp_path / "number.xlsx", [HEAD, row])
    result = run_sheet(path, county_a_clerk)
    assert errors_of(result) == [(2, "身份证号", "身份证号被 Excel 存成了数字，后几位已丢失："
                                               "请把该列设为“文本”后重新填写完整的18位号码。")]
    shown = dict(result.preview[0]["cells"])["身份证号"]  # as Excel shows it: 6.201021989101868e+17
    assert "620102198910186752" not in shown and "6752" not in shown
    assert not run_sheet(path, county_a_clerk, commit=True).committed and not Cadre.objects.exists()


def test_a_small_id_number_in_a_numeric_cell_gets_the_same_message(tmp_path: Path, county_a_clerk: Any,
                                                                   run_sheet: Any) -> None:
    result = run_sheet(xlsx(tmp_path / "number.xlsx", [HEAD, person(1, 身份证号=620102)]), county_a_clerk)
    assert [e[2] for e in errors_of(result)] == ["身份证号被 Excel 存成了数字，后几位已丢失："
                                                 "请把该列设为“文本”后重新填写完整的18位号码。"]


@pytest.mark.urls("tests.imports.urls")
def test_an_id_number_with_a_zero_width_space_is_shown_masked_as_the_number_the_clerk_sees(
        media: Path, test_resource: Any, county_a_clerk: Any, client_for: Any) -> None:
    # Masked as typed, its 19 characters showed nine stars and a tail of three digits and
    # the unseen one: a number that is not the one on the sheet.
    number = person(1)[ID]
    job = validated_job(county_a_clerk, "test_cadres", workbook_bytes([HEAD, person(1, 身份证号=number + "\u200b"),
                                                                        person(2)]), "干部.xlsx")
    assert job.error_rows == 1
    preview = job_preview(job, county_a_clerk)
    assert preview is not None
    shown = dict(zip(preview.headers, preview.rows[0].cells))["身份证号"]
    assert shown == idnumber.mask(number) == f"{number[:6]}********{number[-4:]}"
    assert any("看不见的字符" in error for error in preview.rows[0].errors)
    client = client_for(county_a_clerk)
    workbook = downloaded_error_workbook(client, job)
    assert workbook.worksheets[0]["D2"].value == idnumber.mask(number)
    assert "*********" not in client.get(reverse("admin:imports_importjob_change", args=[job.pk])).content.decode()


@pytest.mark.urls("tests.imports.urls")
def test_the_error_workbook_of_such_a_number_uploaded_again_names_the_unseen_character_and_imports_once_retyped(
        media: Path, test_resource: Any, county_a_clerk: Any, client_for: Any) -> None:
    number = person(1)[ID]
    first = validated_job(county_a_clerk, "test_cadres", workbook_bytes([HEAD, person(1, 身份证号=number + "\u200b")]),
                          "干部.xlsx")
    client = client_for(county_a_clerk)
    workbook = downloaded_error_workbook(client, first)

    def saved() -> bytes:
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    # As it is: its own number comes back, and with it the same words, not "号码不符".
    again = validated_job(county_a_clerk, "test_cadres", saved(), "干部（错误标注）.xlsx")
    assert "还原 1 个" in again.message
    assert [e["message"] for e in again.errors] == [idnumber.INVISIBLE_MESSAGE]
    workbook.worksheets[0]["D2"] = number  # retyped, as the message says
    retyped = validated_job(county_a_clerk, "test_cadres", saved(), "干部（错误标注）.xlsx")
    assert retyped.error_rows == 0
    services.job_confirm(job=retyped, user=county_a_clerk)
    assert services.job_commit(job_id=retyped.pk) == JobStatus.DONE
    assert Cadre.objects.get().id_number == number
