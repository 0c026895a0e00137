"""The annotated error workbook, corrected and uploaded as it is: a clerk without the
right to full ID numbers gets them masked in the workbook, and the import puts them back
from the earlier job's stored upload (orgwork.imports.restore)."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest

from cadres.models import Cadre
from orgwork.common import idnumber
from orgwork.imports import services
from orgwork.imports.models import ImportJob, JobStatus
from orgwork.imports.restore import MARKER_SHEET

from .conftest import HEAD, person
from .sheets import downloaded_error_workbook, validated_job, workbook_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.imports.urls")]
ID = HEAD.index("身份证号")
GENDER = HEAD.index("性别")


def validated(user: Any, content: bytes, name: str = "干部.xlsx") -> ImportJob:
    return validated_job(user, "test_cadres", content, name)


def corrected(workbook: Any, **cells: Any) -> bytes:
    """The workbook with its red gender cells set to 男 (what the clerk fixes), saved
    by openpyxl as Excel or WPS would save it: the hidden sheet stays."""
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        if row[GENDER].value not in ("男", "女"):
            row[GENDER].value = "男"
    for ref, value in cells.items():
        sheet[ref] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_corrected_error_workbook_uploaded_as_it_is_imports_with_its_full_numbers(
        media: Path, test_resource: Any, county_a_clerk: Any, client_for: Any) -> None:
    rows = [person(1), person(2, 性别="难说"), person(3)]
    first = validated(county_a_clerk, workbook_bytes([HEAD, *rows]))
    assert first.error_rows == 1 and not Cadre.objects.exists()
    workbook = downloaded_error_workbook(client_for(county_a_clerk), first)
    masked = [row[ID].value for row in workbook.worksheets[0].iter_rows(min_row=2)]
    assert all("********" in value for value in masked)
    assert workbook[MARKER_SHEET].sheet_state == "veryHidden"

    second = validated(county_a_clerk, corrected(workbook), name="干部（错误标注）.xlsx")
    assert second.error_rows == 0 and second.rows == 3
    assert f"已按导入任务 {first.pk} 的原始文件还原 3 个被遮蔽的号码" in second.message
    assert "错误说明" not in second.message  # the workbook's own column, left alone without a word
    services.job_confirm(job=second, user=county_a_clerk)
    assert services.job_commit(job_id=second.pk) == JobStatus.DONE
    assert sorted(Cadre.objects.values_list("id_number", flat=True)) == sorted(row[ID] for row in rows)


def test_a_workbook_corrected_in_two_rounds_puts_the_numbers_back_each_time(
        media: Path, test_resource: Any, county_a_clerk: Any, client_for: Any) -> None:
    rows = [person(1), person(2, 性别="难说"), person(3, 出生年月="某年")]
    first = validated(county_a_clerk, workbook_bytes([HEAD, *rows]))
    client = client_for(county_a_clerk)
    second = validated(county_a_clerk, corrected(downloaded_error_workbook(client, first)))  # the gender only
    assert second.error_rows == 1 and "还原 3 个" in second.message
    born = idnumber.birth_date_of(rows[2][ID])
    third = validated(county_a_clerk, corrected(downloaded_error_workbook(client, second), C4=f"{born:%Y.%m}"))
    assert third.error_rows == 0 and f"已按导入任务 {second.pk} 的原始文件还原 3 个" in third.message
    services.job_confirm(job=third, user=county_a_clerk)
    assert services.job_commit(job_id=third.pk) == JobStatus.DONE
    assert sorted(Cadre.objects.values_list("id_number", flat=True)) == sorted(row[ID] for row in rows)


@pytest.mark.parametrize(("value", "refusal"), [
    ("#N/A", "第一个工作表的 G3 单元格是错误值"),
    ('="副"&"主任"', "第一个工作表的 G3 单元格是公式，但文件中没有它的计算结果"),
])
def test_a_cell_the_reader_would_see_empty_is_refused_before_the_numbers_are_put_back(
        media: Path, test_resource: Any, county_a_clerk: Any, client_for: Any, value: str, refusal: str) -> None:
    # The numbers are put back by rewriting the upload with the values its cells show: an
    # error value, or a formula saved without its result, would come out of it empty.
    first = validated(county_a_clerk, workbook_bytes([HEAD, person(1), person(2, 性别="难说")]))
    workbook = downloaded_error_workbook(client_for(county_a_clerk), first)
    second = validated(county_a_clerk, corrected(workbook, G3=value))
    assert second.status == JobStatus.FAILED and second.message.startswith(refusal), second.message
    assert not Cadre.objects.exists()


def test_a_workbook_whose_job_was_abandoned_keeps_its_masks_and_imports_nothing(
        media: Path, test_resource: Any, county_a_clerk: Any, client_for: Any) -> None:
    first = validated(county_a_clerk, workbook_bytes([HEAD, person(1), person(2, 性别="难说")]))
    workbook = downloaded_error_workbook(client_for(county_a_clerk), first)
    services.job_abandon(job=first, user=county_a_clerk)  # its stored upload goes with it
    second = validated(county_a_clerk, corrected(workbook))
    assert f"这是导入任务 {first.pk} 的错误标注表，但该任务的原始文件已不可用" in second.message
    assert second.error_rows == 2 and "遮盖过的身份证号" in str(second.errors)
    assert not Cadre.objects.exists()


def test_another_countys_clerk_cannot_have_a_jobs_numbers_put_back_through_its_workbook(
        media: Path, test_resource: Any, county_a_clerk: Any, county_b_clerk: Any, client_for: Any) -> None:
    first = validated(county_a_clerk, workbook_bytes([HEAD, person(1), person(2, 性别="难说")]))
    workbook = downloaded_error_workbook(client_for(county_a_clerk), first)
    second = validated(county_b_clerk, corrected(workbook))
    assert "原始文件已不可用" in second.message and second.error_rows == 2
    assert not Cadre.objects.exists()


def test_a_mark_not_signed_by_the_system_is_ignored(media: Path, test_resource: Any, county_a_clerk: Any,
                                                   client_for: Any) -> None:
    first = validated(county_a_clerk, workbook_bytes([HEAD, person(1), person(2, 性别="难说")]))
    workbook = downloaded_error_workbook(client_for(county_a_clerk), first)
    workbook[MARKER_SHEET]["A1"] = str(first.pk)  # a hand-made reference
    second = validated(county_a_clerk, corrected(workbook))
    assert "还原" not in second.message and second.error_rows == 2
    assert not Cadre.objects.exists()


def twins() -> tuple[str, str]:
    """Two valid numbers of 620102 with the same sequence and check character: the same
    mask, 620102********0013 or the like."""
    seen: dict[str, str] = {}
    day = datetime.date(1970, 1, 1)
    while True:
        first17 = f"620102{day:%Y%m%d}001"
        number = first17 + idnumber.check_character(first17)
        if number[-4:] in seen:
            return seen[number[-4:]], number
        seen[number[-4:]] = number
        day += datetime.timedelta(days=1)


def test_a_mask_two_numbers_share_is_not_guessed_and_its_row_is_named(
        media: Path, test_resource: Any, county_a_clerk: Any, client_for: Any) -> None:
    one, other = twins()
    born = [idnumber.birth_date_of(n) for n in (one, other)]
    rows = [person(1, 身份证号=one, 出生年月=f"{born[0]:%Y.%m}"), person(2, 身份证号=other, 出生年月=f"{born[1]:%Y.%m}"),
            person(3, 性别="难说")]
    first = validated(county_a_clerk, workbook_bytes([HEAD, *rows]))
    workbook = downloaded_error_workbook(client_for(county_a_clerk), first)
    second = validated(county_a_clerk, corrected(workbook))
    assert "已按导入任务" in second.message and "还原 1 个被遮蔽的号码" in second.message
    assert "第 2 行「身份证号」、第 3 行「身份证号」的号码无法还原" in second.message
    assert second.error_rows == 2
    assert not Cadre.objects.exists()
