"""What a clerk does not see is not imported without a word: a hidden row or column of
data, and a sheet other than the one read, refuse the whole file, naming them
(orgwork.imports.reader: ``refuse_hidden_data``, ``choose_sheet``)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cadres.models import Cadre
from cadres.resources import CadreResource
from orgwork.imports.exporting import template_xlsx
from orgwork.imports.models import ImportJob, JobStatus
from orgwork.imports.reader import FileError, open_sheet, suggest_resource

from .conftest import HEAD, person
from .resources import CadreSheet
from .sheets import downloaded_error_workbook, validated_job

pytestmark = pytest.mark.django_db
GENDER = HEAD.index("性别")


def book(*sheets: tuple[str, list[list[Any]]]) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    return workbook


def saved(workbook: Workbook, path: Path) -> Path:
    workbook.save(path)
    return path


def content(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def refusal(path: Path) -> str:
    with pytest.raises(FileError) as refused:
        open_sheet(str(path), path.name, CadreSheet)
    return refused.value.message


def test_a_row_hidden_by_a_filter_refuses_the_sheet_naming_the_row(tmp_path: Path, county_a_clerk: Any,
                                                                   run_sheet: Any) -> None:
    workbook = book(("干部名册", [["城关区干部名册"], HEAD, person(1), person(2), person(3)]))
    workbook.active.row_dimensions[4].hidden = True  # person(2)
    path = saved(workbook, tmp_path / "hidden.xlsx")
    message = refusal(path)
    assert message.startswith("第4行是隐藏行") and "请取消隐藏" in message and "或删除该行" in message
    assert not Cadre.objects.exists()


def test_several_hidden_rows_are_named_together(tmp_path: Path) -> None:
    workbook = book(("干部名册", [HEAD, *[person(i) for i in range(8)]]))
    for row in (3, 5, 6):
        workbook.active.row_dimensions[row].hidden = True
    assert refusal(saved(workbook, tmp_path / "hidden.xlsx")).startswith("第3、5、6行是隐藏行")


def test_a_hidden_empty_row_or_a_hidden_title_row_is_left_alone(tmp_path: Path, county_a_clerk: Any,
                                                               run_sheet: Any) -> None:
    workbook = book(("干部名册", [["内部备注：勿外传"], HEAD, person(1), [], person(2)]))
    for row in (1, 4):
        workbook.active.row_dimensions[row].hidden = True
    result = run_sheet(saved(workbook, tmp_path / "ok.xlsx"), county_a_clerk)
    assert (result.rows, result.error_count) == (2, 0)


def test_a_hidden_column_of_data_refuses_the_sheet_naming_the_column(tmp_path: Path) -> None:
    workbook = book(("干部名册", [HEAD, person(1)]))
    workbook.active.column_dimensions["G"].hidden = True  # 现任职务
    message = refusal(saved(workbook, tmp_path / "hidden.xlsx"))
    assert message.startswith("第G列（现任职务）是隐藏列") and "请取消隐藏" in message


def test_an_xls_with_a_hidden_row_is_refused_as_well(tmp_path: Path) -> None:
    import xlwt

    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("干部")
    for r, row in enumerate([HEAD, person(1), person(2)]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    sheet.row(2).hidden = True
    workbook.save(str(tmp_path / "hidden.xls"))
    assert refusal(tmp_path / "hidden.xls").startswith("第3行是隐藏行")


def test_a_hidden_first_sheet_is_passed_over_for_the_visible_one_holding_the_data(
        tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    workbook = book(("说明", [["这是隐藏的说明"]]), ("干部名册", [HEAD, person(1)]))
    workbook["说明"].sheet_state = "hidden"
    workbook.active = 1
    path = saved(workbook, tmp_path / "two.xlsx")
    assert suggest_resource(str(path), path.name, {"test_cadres": CadreSheet})[0] == "test_cadres"
    result = run_sheet(path, county_a_clerk, commit=True)
    assert (result.rows, result.new) == (1, 1)


def test_data_on_two_visible_sheets_refuses_the_file_naming_the_sheets(tmp_path: Path, county_a_clerk: Any) -> None:
    workbook = book(("干部名册", [HEAD, person(1)]), ("Sheet2", [HEAD, person(2)]), ("Sheet3", []))
    path = saved(workbook, tmp_path / "two.xlsx")
    message = refusal(path)
    assert message.startswith("工作簿中有多个工作表有数据（干部名册、Sheet2）：请把要导入的数据放在一个工作表中")
    with pytest.raises(FileError):  # the upload page's kind detection says the same
        suggest_resource(str(path), path.name, {"test_cadres": CadreSheet})
    assert not Cadre.objects.exists()


def test_the_templates_own_notes_sheet_and_empty_sheets_are_not_data(tmp_path: Path, county_a_clerk: Any,
                                                                    run_sheet: Any) -> None:
    workbook = book(("干部名册", [HEAD, person(1)]), ("填写说明", [["列名", "示例"], ["姓名", "张三"]]),
                    ("Sheet2", []))
    result = run_sheet(saved(workbook, tmp_path / "template.xlsx"), county_a_clerk)
    assert (result.rows, result.error_count) == (1, 0)


def test_an_xls_whose_first_sheet_is_hidden_reads_the_visible_one(tmp_path: Path, county_a_clerk: Any,
                                                                  run_sheet: Any) -> None:
    import xlwt

    workbook = xlwt.Workbook()
    notes = workbook.add_sheet("说明")
    notes.write(0, 0, "这是隐藏的说明")
    notes.visibility = 1
    sheet = workbook.add_sheet("干部")
    for r, row in enumerate([HEAD, person(1)]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    workbook.save(str(tmp_path / "two.xls"))
    result = run_sheet(tmp_path / "two.xls", county_a_clerk)
    assert (result.rows, result.error_count) == (1, 0)


def test_an_xls_with_data_on_two_sheets_is_refused(tmp_path: Path) -> None:
    import xlwt

    workbook = xlwt.Workbook()
    for title, who in (("干部", 1), ("另一页", 2)):
        sheet = workbook.add_sheet(title)
        for r, row in enumerate([HEAD, person(who)]):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    workbook.save(str(tmp_path / "two.xls"))
    assert refusal(tmp_path / "two.xls").startswith("工作簿中有多个工作表有数据（干部、另一页）")


@pytest.mark.urls("tests.imports.urls")
def test_an_uploaded_sheet_with_a_hidden_row_fails_its_job_and_imports_nothing(
        media: Path, test_resource: Any, county_a_clerk: Any) -> None:
    workbook = book(("干部名册", [HEAD, person(1), person(2)]))
    workbook.active.row_dimensions[3].hidden = True
    job = validated_job(county_a_clerk, "test_cadres", content(workbook), "干部.xlsx")
    assert job.status == JobStatus.FAILED and job.message.startswith("第3行是隐藏行")
    assert not Cadre.objects.exists()


@pytest.mark.urls("tests.imports.urls")
def test_a_corrected_error_workbook_with_a_row_hidden_is_refused_before_its_numbers_are_put_back(
        media: Path, test_resource: Any, county_a_clerk: Any, client_for: Any) -> None:
    first = validated_job(county_a_clerk, "test_cadres",
                          content(book(("干部名册", [HEAD, person(1), person(2, 性别="难说"), person(3)]))), "干部.xlsx")
    assert first.error_rows == 1
    workbook = downloaded_error_workbook(client_for(county_a_clerk), first)
    sheet = workbook.worksheets[0]
    sheet.cell(row=3, column=GENDER + 1, value="男")
    sheet.row_dimensions[4].hidden = True  # filtered out, and the masked numbers would be put back in a plain sheet
    second = validated_job(county_a_clerk, "test_cadres", content(workbook), "干部（错误标注）.xlsx")
    assert second.status == JobStatus.FAILED and second.message.startswith("第4行是隐藏行")
    assert not Cadre.objects.exists()


@pytest.mark.urls("tests.imports.urls")
def test_a_corrected_error_workbook_with_a_second_sheet_of_data_is_refused(
        media: Path, test_resource: Any, county_a_clerk: Any, client_for: Any) -> None:
    first = validated_job(county_a_clerk, "test_cadres",
                          content(book(("干部名册", [HEAD, person(1), person(2, 性别="难说")]))), "干部.xlsx")
    workbook = downloaded_error_workbook(client_for(county_a_clerk), first)
    workbook.worksheets[0].cell(row=3, column=GENDER + 1, value="男")
    extra = workbook.create_sheet("补充")
    extra.append(HEAD)
    extra.append(person(5))
    second = validated_job(county_a_clerk, "test_cadres", content(workbook), "干部（错误标注）.xlsx")
    assert second.status == JobStatus.FAILED
    assert second.message.startswith("工作簿中有多个工作表有数据（错误标注、补充）")
    assert not Cadre.objects.exists()


def test_a_message_about_the_sheet_read_names_it_when_a_hidden_sheet_comes_first(tmp_path: Path) -> None:
    workbook = book(("说明", [["这是隐藏的说明"]]), ("干部名册", [HEAD, person(1), person(2)]))
    workbook["说明"].sheet_state = "hidden"
    workbook["干部名册"].merge_cells("G2:G3")
    assert refusal(saved(workbook, tmp_path / "merged.xlsx")).startswith("工作表「干部名册」的 G2:G3 是合并单元格")


def test_the_upload_page_recognises_a_template_behind_a_hidden_sheet_and_refuses_two_sheets_of_data(
        media: Path, county_a_clerk: Any, client_for: Any) -> None:
    def upload(workbook: Workbook) -> Any:
        return client_for(county_a_clerk).post(reverse("admin:imports_importjob_add"), {
            "resource": "", "file": SimpleUploadedFile("报送.xlsx", content(workbook))})

    template = load_workbook(io.BytesIO(template_xlsx(CadreResource)))
    notes = template.create_sheet("说明", 0)
    notes.append(["本表由某某系统导出"])
    notes.sheet_state = "hidden"
    template.active = 1
    assert upload(template).status_code == 302
    assert ImportJob.objects.get().resource == "cadres"

    template.create_sheet("Sheet2").append(["姓名", "张三"])
    answer = upload(template)
    assert answer.status_code == 200 and ImportJob.objects.count() == 1
    assert "工作簿中有多个工作表有数据（干部基本信息、Sheet2）" in answer.content.decode()
