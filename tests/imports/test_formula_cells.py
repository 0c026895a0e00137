"""Formula cells (公式单元格) in an uploaded sheet, through the upload, the validation and
the commit: a saved result is imported and the job names the cells that held one; a
formula without its result, or an error value (#N/A) in a data row, refuses the sheet
naming the cells."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from cadres.models import Cadre
from orgwork.imports import extent, services
from orgwork.imports.models import ImportJob, JobStatus
from orgwork.imports.reader import open_sheet

from .conftest import HEAD, person
from .resources import CadreSheet
from .sheets import as_excel_saves, validated_job, xls_rows

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.imports.urls")]

POST = HEAD.index("现任职务") + 1  # column G


def workbook(rows: list[list[Any]], *, results: dict[str, tuple[str, str]] | None = None,
             title: str | None = None) -> bytes:
    """An .xlsx of ``rows``, a cell starting with = a formula, as openpyxl writes it (no
    result); ``results`` gives cells (``G2``) the type and result Excel would save with
    them (``("str", "副主任")``, ``("e", "#N/A")``), and the workbook Excel's calculation
    properties."""
    book = Workbook()
    if title:
        book.active.append([title])
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if not results:
        return data
    source = zipfile.ZipFile(io.BytesIO(data))
    xml = source.read("xl/worksheets/sheet1.xml").decode()
    for ref, (kind, value) in results.items():
        xml, found = re.subn(rf'<c r="{ref}"><f>(.*?)</f><v ?/?>(?:</v>)?</c>',
                             lambda m: f'<c r="{ref}" t="{kind}"><f>{m.group(1)}</f><v>{value}</v></c>', xml)
        assert found == 1, ref
    return repacked(source, {"xl/worksheets/sheet1.xml": xml.encode(),
                             "xl/workbook.xml": as_excel_saves(source.read("xl/workbook.xml"))})


def repacked(source: zipfile.ZipFile, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
    return out.getvalue()


def upload(user: Any, data: bytes, name: str = "干部.xlsx") -> ImportJob:
    return validated_job(user, "test_cadres", data, name)


def commit(job: ImportJob, user: Any) -> ImportJob:
    services.job_confirm(job=job, user=user)
    services.job_commit(job_id=job.pk)
    job.refresh_from_db()
    return job


def test_saved_results_of_formulas_are_imported_and_the_job_names_the_cells_that_held_them(
        media: Path, test_resource: Any, county_a_clerk: Any, client_for: Any) -> None:
    # 现任职务 of five people is a concatenation Excel worked out; a helper column the
    # template does not know and a title above the header hold formulas too.
    rows = [HEAD + ["辅助"]] + [person(i, 现任职务='="副"&"主任"') + ["=1+1"] for i in range(1, 6)]
    results = {f"G{r}": ("str", "副主任") for r in range(3, 8)} | {f"H{r}": ("n", "2") for r in range(3, 8)}
    results["A1"] = ("str", "干部信息表")
    job = upload(county_a_clerk, workbook(rows, results=results, title="=\"干部信息表\""))
    assert job.status == JobStatus.AWAITING and job.error_count == 0, job.message
    note = "注意：G3、G4、G5 等 5 个单元格是公式，已按其保存的计算结果导入"
    assert note in job.message and "A1" not in job.message and "H3" not in job.message
    page = client_for(county_a_clerk).get(reverse("admin:imports_importjob_change", args=[job.pk])).content.decode()
    assert note in page
    job = commit(job, county_a_clerk)
    assert job.status == JobStatus.DONE and note in job.message
    assert set(Cadre.objects.values_list("current_post", flat=True)) == {"副主任"}


def test_a_sheet_without_formulas_says_nothing_of_them(media: Path, test_resource: Any, county_a_clerk: Any) -> None:
    job = upload(county_a_clerk, workbook([HEAD, person(1)]))
    assert job.status == JobStatus.AWAITING and "公式" not in job.message


def test_formulas_without_their_saved_results_refuse_the_whole_sheet_naming_the_cells(
        media: Path, test_resource: Any, county_a_clerk: Any) -> None:
    # Written by a program, never opened in Excel or WPS: openpyxl saves no result.
    rows = [HEAD] + [person(i, 现任职务='="副"&"主任"') for i in range(1, 5)]
    job = upload(county_a_clerk, workbook(rows))
    assert job.status == JobStatus.FAILED
    assert job.message.startswith("第一个工作表的 G2、G3、G4 等 4 个单元格是公式，但文件中没有它们的计算结果")
    assert "在 Excel 或 WPS 中打开、保存后再上传" in job.message and "粘贴为数值" in job.message
    assert not Cadre.objects.exists() and not job.file


def test_an_empty_text_a_formula_saved_is_a_result_not_a_missing_one(
        media: Path, test_resource: Any, county_a_clerk: Any) -> None:
    # =IF(…,"",…) as Excel saves it when the result is empty: t="str" and an empty <v>.
    rows = [HEAD, person(1, 现任职务='=IF(1,"","科员")'), person(2)]
    job = upload(county_a_clerk, workbook(rows, results={"G2": ("str", "")}))
    assert job.status == JobStatus.AWAITING and job.error_count == 0, job.message
    assert "注意：G2 单元格是公式，已按其保存的计算结果导入" in job.message
    job = commit(job, county_a_clerk)
    assert job.status == JobStatus.DONE
    assert sorted(Cadre.objects.values_list("current_post", flat=True)) == ["", "科员"]


def test_a_lookup_that_found_nothing_refuses_the_sheet_naming_the_cells_of_its_data_rows(
        media: Path, test_resource: Any, county_a_clerk: Any) -> None:
    # The lookup filled down below the data (row 5, nothing else in it) is no data row.
    rows = [HEAD, person(1, 现任职务="=VLOOKUP(A2,Sheet2!A:B,2,0)"), person(2), person(3, 现任职务="=NA()"),
            [None] * (POST - 1) + ["=VLOOKUP(A5,Sheet2!A:B,2,0)"]]
    results = {"G2": ("e", "#N/A"), "G4": ("e", "#N/A"), "G5": ("e", "#N/A")}
    job = upload(county_a_clerk, workbook(rows, results=results))
    assert job.status == JobStatus.FAILED
    assert job.message.startswith("第一个工作表的 G2、G4 单元格是错误值（如 #N/A")
    assert not Cadre.objects.exists()


def test_an_error_value_pasted_without_its_formula_is_refused_too(
        media: Path, test_resource: Any, county_a_clerk: Any) -> None:
    data = workbook([HEAD, person(1, 现任职务="x")])
    source = zipfile.ZipFile(io.BytesIO(data))
    xml = source.read("xl/worksheets/sheet1.xml")
    xml, found = re.subn(rb'<c r="G2" t="inlineStr"><is><t>x</t></is></c>', b'<c r="G2" t="e"><v>#REF!</v></c>', xml)
    assert found == 1
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, xml if info.filename.endswith("sheet1.xml") else source.read(info.filename))
    job = upload(county_a_clerk, out.getvalue())
    assert job.status == JobStatus.FAILED and job.message.startswith("第一个工作表的 G2 单元格是错误值"), job.message


def test_formula_cells_are_counted_once_wherever_the_sheet_is_cut_into_pieces(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [HEAD] + [person(i, 现任职务='="副"&"主任"') for i in range(1, 40)]
    results = {f"G{r}": ("str", "副主任") for r in range(2, 41)}
    path = tmp_path / "cut.xlsx"
    path.write_bytes(workbook(rows, results=results))
    whole = open_sheet(str(path), path.name, CadreSheet)
    list(whole.records())
    for size in (37, 64, 101, 256):  # pieces that cut cells, tags and formulas in two
        monkeypatch.setattr(extent, "SCAN_CHUNK", size)
        sheet = open_sheet(str(path), path.name, CadreSheet)
        list(sheet.records())
        assert sheet.formula_cells_read() == whole.formula_cells_read() == (["G2", "G3", "G4"], 39), size


def test_shared_and_array_formulas_are_found_in_every_cell_they_fill(tmp_path: Path) -> None:
    rows = [HEAD] + [person(i) for i in range(1, 5)]
    data = workbook(rows)
    source = zipfile.ZipFile(io.BytesIO(data))
    xml = source.read("xl/worksheets/sheet1.xml").decode()
    # Excel writes a formula filled down as one shared formula, and a spilled one (an
    # array) as its first cell's formula with the range it fills.
    cells = {2: '<c r="G2" t="str"><f t="shared" ref="G2:G3" si="0">"副"&amp;"主任"</f><v>副主任</v></c>',
             3: '<c r="G3" t="str"><f t="shared" si="0"/><v>副主任</v></c>',
             4: '<c r="G4" t="str"><f t="array" ref="G4:G5">UPPER("a")</f><v>A</v></c>',
             5: '<c r="G5" t="str"><v>A</v></c>'}
    for row, cell in cells.items():
        xml, found = re.subn(rf'<c r="G{row}" t="inlineStr"><is><t>科员</t></is></c>', cell, xml)
        assert found == 1
    path = tmp_path / "shared.xlsx"
    path.write_bytes(repacked(source, {"xl/worksheets/sheet1.xml": xml.encode(),
                                       "xl/workbook.xml": as_excel_saves(source.read("xl/workbook.xml"))}))
    sheet = open_sheet(str(path), path.name, CadreSheet)
    assert [cells[HEAD.index("现任职务")] for _, cells in sheet.records()] == ["副主任", "副主任", "A", "A"]
    assert sheet.formula_cells_read() == (["G2", "G3", "G4"], 4)


def test_formulas_of_an_xls_workbook_are_named_by_their_cells(
        media: Path, test_resource: Any, county_a_clerk: Any, tmp_path: Path) -> None:
    import xlwt

    rows: list[list[Any]] = [HEAD, person(1), person(2)]
    rows[1][POST - 1] = xlwt.Formula('"副"&"主任"')
    path = xls_rows(tmp_path / "干部.xls", rows)
    job = upload(county_a_clerk, path.read_bytes(), name="干部.xls")
    # xlwt saves an empty text as every formula's result: it is read as that, and named.
    assert "注意：G2 单元格是公式，已按其保存的计算结果导入" in job.message, job.message


def test_a_sheet_that_starts_right_of_column_a_names_its_formula_cells_where_they_are(tmp_path: Path) -> None:
    # Nothing in column A: the library's rows start at B, the cells' names do not.
    rows = [[None, *HEAD]] + [[None, *person(i, 现任职务='="副"&"主任"')] for i in range(1, 3)]
    path = tmp_path / "from_b.xlsx"
    path.write_bytes(workbook(rows, results={"H2": ("str", "副主任"), "H3": ("str", "副主任")}))
    sheet = open_sheet(str(path), path.name, CadreSheet)
    assert [cells[HEAD.index("现任职务")] for _, cells in sheet.records()] == ["副主任", "副主任"]
    assert sheet.formula_cells_read() == (["H2", "H3"], 2)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_imports_saved_results_and_its_job_names_the_formula_cells(start_worker: Any,
                                                                           county_a_clerk: Any) -> None:
    from orgwork.units.models import Unit

    from .conftest import grant
    from .test_worker import HEAD as UNIT_HEAD, wait_for

    user = grant(county_a_clerk, "units.import_unit")
    rows = [UNIT_HEAD] + [[f"62010290{i:02d}", f'="新街道"&{i}', "620102", "乡镇", "乡级"] for i in range(4)]
    start_worker()
    job = services.job_create(user=user, resource="units", uploaded=SimpleUploadedFile(
        "u.xlsx", workbook(rows, results={f"B{i + 2}": ("str", f"新街道{i}") for i in range(4)})))
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == JobStatus.AWAITING)
    job.refresh_from_db()
    note = "注意：B2、B3、B4 等 4 个单元格是公式，已按其保存的计算结果导入"
    assert note in job.message
    services.job_confirm(job=job, user=user)
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).status in (JobStatus.DONE, JobStatus.FAILED))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and note in job.message, job.message
    assert sorted(Unit.objects.filter(code__startswith="62010290").values_list("name", flat=True)) == [
        f"新街道{i}" for i in range(4)]
