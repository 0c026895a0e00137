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


def saved(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def masked_ids(workbook: Any, first_row: int = 2) -> list[str]:
    return [row[ID].value for row in workbook.worksheets[0].iter_rows(min_row=first_row)]


def test_numbers_that_mask_alike_come_back_each_from_its_own_row(
        media: Path, test_resource: Any, county_a_clerk: Any, client_for: Any) -> None:
    """One county, one area code: 620102197001059035 and 620102197001139035 both read
    620102********9035. The workbook keeps the original's rows, so each comes back from
    its own row; the title rows above the header and a date cell change nothing."""
    one, other = twins()
    joined = datetime.datetime(1995, 7, 1)  # a date cell, written and read back as one
    rows = [person(1, 身份证号=one, 出生年月=f"{idnumber.birth_date_of(one):%Y.%m}", 入党时间=joined),
            person(2, 身份证号=other, 出生年月=f"{idnumber.birth_date_of(other):%Y.%m}", 入党时间=joined),
            person(3, 性别="难说")]
    first = validated(county_a_clerk, workbook_bytes([["城关区科级干部名册"], ["填报单位：城关区委组织部"], HEAD, *rows]))
    assert first.error_rows == 1, first.errors
    workbook = downloaded_error_workbook(client_for(county_a_clerk), first)
    shown = masked_ids(workbook, first_row=4)
    assert shown[0] == shown[1] and "********" in shown[0]

    workbook.worksheets[0].cell(row=6, column=GENDER + 1).value = "男"  # the one red cell
    second = validated(county_a_clerk, saved(workbook))
    assert second.error_rows == 0 and second.rows == 3, (second.message, second.errors)
    assert f"已按导入任务 {first.pk} 的原始文件还原 3 个被遮蔽的号码。" in second.message
    assert "无法还原" not in second.message
    services.job_confirm(job=second, user=county_a_clerk)
    assert services.job_commit(job_id=second.pk) == JobStatus.DONE
    assert dict(Cadre.objects.values_list("name", "id_number")) == {row[0]: row[ID] for row in rows}


def twin_rows() -> list[list[Any]]:
    one, other = twins()
    born = [idnumber.birth_date_of(n) for n in (one, other)]
    return [person(1, 身份证号=one, 出生年月=f"{born[0]:%Y.%m}"), person(2, 身份证号=other, 出生年月=f"{born[1]:%Y.%m}"),
            person(3, 性别="难说")]


def swap_rows(sheet: Any, one: int, other: int) -> None:
    """Two rows trade places, as sorting the sheet by a column does."""
    first, second = [c.value for c in sheet[one]], [c.value for c in sheet[other]]
    for number, values in ((one, second), (other, first)):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=number, column=column).value = value


def test_rows_sorted_in_the_workbook_still_come_back_each_from_its_own(
        media: Path, test_resource: Any, county_a_clerk: Any, client_for: Any) -> None:
    rows = twin_rows()
    first = validated(county_a_clerk, workbook_bytes([HEAD, *rows]))
    workbook = downloaded_error_workbook(client_for(county_a_clerk), first)
    swap_rows(workbook.worksheets[0], 2, 3)
    second = validated(county_a_clerk, corrected(workbook))
    assert second.error_rows == 0 and "还原 3 个被遮蔽的号码。" in second.message, second.message
    services.job_confirm(job=second, user=county_a_clerk)
    assert services.job_commit(job_id=second.pk) == JobStatus.DONE
    assert dict(Cadre.objects.values_list("name", "id_number")) == {row[0]: row[ID] for row in rows}


def test_a_mask_two_numbers_share_is_not_guessed_in_a_row_that_cannot_be_tied_and_its_row_is_named(
        media: Path, test_resource: Any, county_a_clerk: Any, client_for: Any) -> None:
    rows = twin_rows()
    first = validated(county_a_clerk, workbook_bytes([HEAD, *rows]))
    workbook = downloaded_error_workbook(client_for(county_a_clerk), first)
    sheet = workbook.worksheets[0]
    swap_rows(sheet, 2, 3)
    for number in (2, 3):  # a cell not marked red changed as well: neither row reads as its own
        sheet.cell(row=number, column=HEAD.index("现任职务") + 1).value = "副科长"
    second = validated(county_a_clerk, corrected(workbook))
    assert "还原 1 个被遮蔽的号码" in second.message
    assert "第 2 行「身份证号」、第 3 行「身份证号」的号码无法还原（有两个号码遮蔽后相同）" in second.message
    assert "遮蔽后相同的号码只按原表中对应的行还原" in second.message
    assert "原始文件中也没有完整号码" not in second.message
    assert second.error_rows == 2 and "遮盖过的身份证号" in str(second.errors)
    numbers = {rows[0][ID], rows[1][ID]}
    assert not any(n in second.message + str(second.errors) for n in numbers)
    assert not Cadre.objects.exists()


def test_a_masked_number_whose_tail_was_changed_is_refused_not_found_in_another_row(
        media: Path, test_resource: Any, county_a_clerk: Any, client_for: Any) -> None:
    """Row 2's mask typed over with row 4's: today's match over the whole file would give
    row 2 row 4's number; the row's own original says it is not its own."""
    rows = [person(1), person(2, 性别="难说"), person(3)]
    first = validated(county_a_clerk, workbook_bytes([HEAD, *rows]))
    workbook = downloaded_error_workbook(client_for(county_a_clerk), first)
    sheet = workbook.worksheets[0]
    sheet.cell(row=2, column=ID + 1).value = sheet.cell(row=4, column=ID + 1).value
    second = validated(county_a_clerk, corrected(workbook))
    assert "还原 2 个被遮蔽的号码" in second.message
    assert "第 2 行「身份证号」的号码无法还原（与原表对应行的号码不符）" in second.message
    refused = {(e["row"], e["column"]) for e in second.errors}
    assert (2, "身份证号") in refused and second.error_rows == 1
    assert rows[2][ID] not in str(second.errors) + second.message


def test_rows_that_cannot_be_tied_to_their_own_do_not_say_the_original_lacked_whole_numbers(
        media: Path, test_resource: Any, county_a_clerk: Any, client_for: Any) -> None:
    """Nothing comes back, yet the original held every number whole: the job does not say
    it lacked them (it said so for any sheet whose masks all failed)."""
    rows = twin_rows()[:2]
    rows[0][GENDER] = "难说"
    first = validated(county_a_clerk, workbook_bytes([HEAD, *rows]))
    workbook = downloaded_error_workbook(client_for(county_a_clerk), first)
    sheet = workbook.worksheets[0]
    sheet.cell(row=2, column=GENDER + 1).value = "男"
    sheet.insert_rows(2)  # a blank row inserted: every row has moved down
    for number in (3, 4):
        sheet.cell(row=number, column=HEAD.index("现任职务") + 1).value = "副科长"
    second = validated(county_a_clerk, saved(workbook))
    assert "还原" not in second.message.split("无法还原")[0]  # nothing came back
    assert "第 3 行「身份证号」、第 4 行「身份证号」的号码无法还原（有两个号码遮蔽后相同）" in second.message
    assert "原始文件中也没有完整号码" not in second.message
    assert second.error_rows == 2, second.errors


def test_a_row_moved_down_by_an_inserted_row_still_comes_back_from_its_own(
        media: Path, test_resource: Any, county_a_clerk: Any, client_for: Any) -> None:
    rows = twin_rows()
    first = validated(county_a_clerk, workbook_bytes([HEAD, *rows]))
    workbook = downloaded_error_workbook(client_for(county_a_clerk), first)
    sheet = workbook.worksheets[0]
    sheet.cell(row=4, column=GENDER + 1).value = "男"
    sheet.insert_rows(2)
    second = validated(county_a_clerk, saved(workbook))
    # The two twins are found by what their rows read; the red row, changed, by nothing:
    # its own number is the only one of its mask, found over the whole original.
    assert second.error_rows == 0 and "还原 3 个被遮蔽的号码。" in second.message, second.message
