"""A workbook that asks to be recalculated on opening (``<calcPr fullCalcOnLoad="1">``),
as programs write them: XlsxWriter saves 0, or any value it is given, as every formula's
result. Those are not results; the sheet is refused naming its formula cells, until Excel
or WPS has calculated and saved it."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from cadres.models import Cadre
from orgwork.imports import extent
from orgwork.imports.models import JobStatus
from orgwork.imports.reader import FileError, open_sheet
from orgwork.imports.restore import MARKER_SHEET

from .conftest import HEAD, person
from .resources import CadreSheet
from .sheets import as_excel_saves, downloaded_error_workbook, validated_job, workbook_bytes
from .test_formula_cells import commit, repacked, upload

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.imports.urls")]

POST = '="副"&"主任"'  # 现任职务, column G
REFUSED = "但文件由程序生成，标明要在打开时重新计算"


def written_by_xlsxwriter(rows: list[list[Any]], *, values: dict[tuple[int, int], Any] | None = None,
                          hidden: dict[str, list[list[Any]]] | None = None) -> bytes:
    """An .xlsx of ``rows`` as XlsxWriter writes it: a text starting with = is a formula,
    saved with 0 as its result, or with the value ``values`` gives its (row, column) from 0;
    ``hidden`` adds very hidden sheets."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str) and value.startswith("="):
                sheet.write_formula(r, c, value, None, (values or {}).get((r, c), 0))
            else:
                sheet.write_string(r, c, value) if isinstance(value, str) else sheet.write(r, c, value)
    for name, cells in (hidden or {}).items():
        extra = book.add_worksheet(name)
        for r, row in enumerate(cells):
            extra.write_row(r, 0, row)
        extra.very_hidden()
    book.close()
    return buffer.getvalue()


def saved_by_excel(data: bytes, results: dict[str, str]) -> bytes:
    """The workbook as Excel saves it once it has calculated: each formula cell (``G2``)
    with its text result, and Excel's calculation properties."""
    source = zipfile.ZipFile(io.BytesIO(data))
    xml = source.read("xl/worksheets/sheet1.xml").decode()
    for ref, result in results.items():
        xml, found = re.subn(rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v>[^<]*</v></c>',
                             lambda m: f'<c r="{ref}"{m.group(1)} t="str"><f>{m.group(2)}</f><v>{result}</v></c>', xml)
        assert found == 1, ref
    return repacked(source, {"xl/worksheets/sheet1.xml": xml.encode(),
                             "xl/workbook.xml": as_excel_saves(source.read("xl/workbook.xml"))})


def with_calc_properties(data: bytes, calc_pr: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    workbook, found = re.subn(rb"<calcPr\b[^>]*/>", calc_pr, source.read("xl/workbook.xml"))
    assert found == 1
    return repacked(source, {"xl/workbook.xml": workbook})


def test_a_workbook_that_asks_to_be_recalculated_on_opening_is_refused_naming_its_formula_cells(
        media: Path, test_resource: Any, county_a_clerk: Any) -> None:
    data = written_by_xlsxwriter([HEAD] + [person(i, 现任职务=POST) for i in range(1, 5)])
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert b'fullCalcOnLoad="1"' in archive.read("xl/workbook.xml")
    assert b"<v>0</v>" in archive.read("xl/worksheets/sheet1.xml")  # what the reader would import
    job = upload(county_a_clerk, data)
    assert job.status == JobStatus.FAILED
    assert job.message.startswith(f"第一个工作表的 G2、G3、G4 等 4 个单元格是公式，{REFUSED}，文件中为它们保存的结果"
                                  "（多为 0 或空白）不是 Excel 或 WPS 计算出来的，不能作为数据导入，全部未导入。"), job.message
    assert "请在 Excel 或 WPS 中打开，等公式计算出结果后保存，再上传" in job.message and "粘贴为数值" in job.message
    assert not Cadre.objects.exists() and not job.file


@pytest.mark.parametrize("value", ["副主任", 7, 0, "#N/A"])
def test_a_result_the_program_chose_is_not_taken_either(tmp_path: Path, value: Any) -> None:
    # write_formula lets the writer put any value as the result: right, wrong, empty or an error.
    path = tmp_path / "chosen.xlsx"
    path.write_bytes(written_by_xlsxwriter([HEAD, person(1, 现任职务=POST)], values={(1, 6): value}))
    with pytest.raises(FileError) as refused:
        open_sheet(str(path), path.name, CadreSheet)
    assert refused.value.message.startswith(f"第一个工作表的 G2 单元格是公式，{REFUSED}，文件中为它保存的结果")


def test_the_same_workbook_saved_with_its_results_imports(
        media: Path, test_resource: Any, county_a_clerk: Any) -> None:
    data = written_by_xlsxwriter([HEAD] + [person(i, 现任职务=POST) for i in range(1, 5)])
    job = upload(county_a_clerk, saved_by_excel(data, {f"G{r}": "副主任" for r in range(2, 6)}))
    assert job.status == JobStatus.AWAITING and job.error_count == 0, job.message
    assert "注意：G2、G3、G4 等 4 个单元格是公式，已按其保存的计算结果导入" in job.message
    job = commit(job, county_a_clerk)
    assert job.status == JobStatus.DONE
    assert set(Cadre.objects.values_list("current_post", flat=True)) == {"副主任"}


def test_a_formula_in_a_column_the_import_does_not_read_refuses_such_a_workbook_too(tmp_path: Path) -> None:
    # As a formula without its result does: a helper column, a title or a header cell
    # holding one is named as well (a header's 0 would hide its column).
    rows = [["=\"干部信息表\""], HEAD + ["辅助"], person(1) + ["=1+1"]]
    path = tmp_path / "helper.xlsx"
    path.write_bytes(written_by_xlsxwriter(rows))
    with pytest.raises(FileError) as refused:
        open_sheet(str(path), path.name, CadreSheet)
    assert refused.value.message.startswith(f"第一个工作表的 A1、H3 单元格是公式，{REFUSED}")


def test_formulas_without_a_result_and_with_one_it_disowns_are_named_together(tmp_path: Path) -> None:
    # XlsxWriter writes an empty <v> for an empty value: no result at all, named with the rest.
    rows = [HEAD, person(1, 现任职务=POST), person(2, 现任职务=POST)]
    path = tmp_path / "both.xlsx"
    path.write_bytes(written_by_xlsxwriter(rows, values={(1, 6): ""}))
    assert b'<c r="G2"><f>"\xe5\x89\xaf"&amp;"\xe4\xb8\xbb\xe4\xbb\xbb"</f><v></v></c>' in zipfile.ZipFile(
        path).read("xl/worksheets/sheet1.xml")
    with pytest.raises(FileError) as refused:
        open_sheet(str(path), path.name, CadreSheet)
    assert refused.value.message.startswith(f"第一个工作表的 G2、G3 单元格是公式，{REFUSED}")


def test_a_workbook_written_by_a_program_without_formulas_imports(
        media: Path, test_resource: Any, county_a_clerk: Any) -> None:
    # The flag alone says nothing: a program's sheet of values (our own exports, openpyxl's
    # and XlsxWriter's) carries it too.
    data = written_by_xlsxwriter([HEAD, person(1), person(2)])
    assert b'fullCalcOnLoad="1"' in zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml")
    job = upload(county_a_clerk, data)
    assert job.status == JobStatus.AWAITING and job.error_count == 0 and "公式" not in job.message, job.message


@pytest.mark.parametrize(("calc_pr", "disowned"), [
    (b'<calcPr fullCalcOnLoad="true"/>', True),
    (b'<calcPr calcId="0" fullCalcOnLoad=" 1 "/>', True),
    (b'<x:calcPr xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" fullCalcOnLoad="1"/>', True),
    # PhpSpreadsheet without its own calculation.
    (b'<calcPr calcId="999999" calcMode="auto" calcCompleted="0" fullCalcOnLoad="1"/>', True),
    (b'<calcPr calcId="191029" fullCalcOnLoad="0"/>', False),
    # How the program calculates, not whether the results are its own: Excel saves these.
    (b'<calcPr calcId="191029" calcMode="manual"/>', False),
    (b'<calcPr calcId="191029" forceFullCalc="1"/>', False),
    (b'<calcPr calcId="191029" calcMode="manual" calcCompleted="0" calcOnSave="0"/>', False),
])
def test_only_a_full_calculation_on_opening_disowns_the_saved_results(tmp_path: Path, calc_pr: bytes,
                                                                      disowned: bool) -> None:
    data = saved_by_excel(written_by_xlsxwriter([HEAD, person(1, 现任职务=POST)]), {"G2": "副主任"})
    path = tmp_path / "calc.xlsx"
    path.write_bytes(with_calc_properties(data, calc_pr))
    if disowned:
        with pytest.raises(FileError) as refused:
            open_sheet(str(path), path.name, CadreSheet)
        assert refused.value.message.startswith(f"第一个工作表的 G2 单元格是公式，{REFUSED}")
    else:
        sheet = open_sheet(str(path), path.name, CadreSheet)
        assert [cells[HEAD.index("现任职务")] for _, cells in sheet.records()] == ["副主任"]
        assert sheet.formula_cells_read() == (["G2"], 1)


def test_a_list_of_sheets_larger_than_any_program_writes_is_refused_unread(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "names.xlsx"
    path.write_bytes(written_by_xlsxwriter([HEAD, person(1)]))
    size = len(zipfile.ZipFile(path).read("xl/workbook.xml"))
    monkeypatch.setattr(extent, "WORKBOOK_PART_LIMIT", size - 1)
    with pytest.raises(FileError) as refused:
        open_sheet(str(path), path.name, CadreSheet)
    assert refused.value.message.startswith("工作簿的结构信息（工作表和名称的清单）异常大")
    monkeypatch.undo()
    assert open_sheet(str(path), path.name, CadreSheet).headers == HEAD


def test_an_error_workbook_rewritten_by_a_program_with_formulas_is_refused_before_its_numbers_are_put_back(
        media: Path, test_resource: Any, county_a_clerk: Any, client_for: Any) -> None:
    # The masked numbers are put back by rewriting the upload with its values: a formula's
    # 0 would come out of that as a value like any other.
    first = validated_job(county_a_clerk, "test_cadres", workbook_bytes([HEAD, person(1), person(2, 性别="难说")]),
                          "干部.xlsx")
    assert first.error_rows == 1
    opened = downloaded_error_workbook(client_for(county_a_clerk), first)
    rows = [[cell.value for cell in row] for row in opened.worksheets[0].iter_rows()]
    rows[2][HEAD.index("性别")] = "男"
    rows[2][HEAD.index("现任职务")] = POST
    mark = [[cell.value for cell in row] for row in opened[MARKER_SHEET].iter_rows()]
    data = written_by_xlsxwriter(rows, hidden={MARKER_SHEET: mark})
    second = upload(county_a_clerk, data, name="干部（错误标注）.xlsx")
    assert second.status == JobStatus.FAILED
    assert second.message.startswith(f"第一个工作表的 G3 单元格是公式，{REFUSED}"), second.message
    assert not Cadre.objects.exists()
    # Calculated and saved by Excel, the same workbook gets its numbers back and imports.
    third = upload(county_a_clerk, saved_by_excel(data, {"G3": "副主任"}), name="干部（错误标注）.xlsx")
    assert third.status == JobStatus.AWAITING and third.error_count == 0, third.message
    assert f"已按导入任务 {first.pk} 的原始文件还原 2 个被遮蔽的号码" in third.message
