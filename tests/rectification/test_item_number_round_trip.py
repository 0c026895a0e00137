"""Two items with one problem on one checklist survive a round trip.

A spot check's 漏报 is put on the books, struck off, and opened again for the same check:
two items of the standing checklist with the same 问题描述. The export writes each
item's 事项编号 (read only), and the import finds a row's item by it, so the exported
list imports back as it is, an edited row updates the item it came from and the struck-off
item stays as it was struck off. A row whose 问题描述 is not that of the item its number
names is refused: the number is mistyped, or the description was edited, which is done on
the item's page. A row without a number is matched by its checklist and problem as
before, and refused when that finds two items."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from cadres.supervision.models import SpotCheck
from cadres.supervision.services import spot_check_open_rectification
from orgwork.imports.exporting import template_xlsx
from orgwork.imports.models import JobStatus
from orgwork.rectification import services
from orgwork.rectification.models import Checklist, ChecklistSource, ItemState, RectificationItem
from orgwork.rectification.resources import RectificationItemResource
from tests.imports.conftest import media  # noqa: F401  (fixture)
from tests.imports.sheets import workbook_bytes

from .roundtrip import assert_items_import_back_unchanged, exported, imported, item_rows, sheet_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened_again(spot_check_item: RectificationItem, county_a_clerk: Any,
                 city_officer: Any) -> tuple[RectificationItem, RectificationItem]:
    """The spot check's item struck off, then opened again for the same check."""
    services.rectification_start(item=spot_check_item, actor=county_a_clerk)
    services.rectification_request_closure(item=spot_check_item, actor=county_a_clerk, account="已责令补报。")
    services.rectification_approve_closure(item=spot_check_item, actor=city_officer)
    check = SpotCheck.objects.get(pk=spot_check_item.source_object_id)
    again = spot_check_open_rectification(check=check, actor=county_a_clerk)
    assert (again.pk != spot_check_item.pk, again.checklist_id, again.problem) == (
        True, spot_check_item.checklist_id, spot_check_item.problem)
    spot_check_item.refresh_from_db()
    return spot_check_item, again


def row_of(header: list[Any], rows: list[list[Any]], item: RectificationItem) -> list[Any]:
    return next(row for row in rows if str(row[header.index("事项编号")]) == str(item.pk))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_exported_list_with_an_item_opened_again_after_the_first_was_struck_off_imports_back_as_it_is(
        fmt: str, media: Path, opened_again: tuple[RectificationItem, RectificationItem], county_a_clerk: Any,
        client_for: Any) -> None:
    assert_items_import_back_unchanged(client_for(county_a_clerk), county_a_clerk, fmt, 2)


def test_the_export_gives_each_item_its_number_in_the_first_column(
        opened_again: tuple[RectificationItem, RectificationItem], county_a_clerk: Any, client_for: Any) -> None:
    header, rows = sheet_rows(exported(client_for(county_a_clerk)))

    assert header[0] == "事项编号"
    assert sorted(row[0] for row in rows) == sorted(str(item.pk) for item in opened_again)


def test_an_edited_row_updates_the_item_its_number_names_and_not_the_struck_off_one(
        media: Path, opened_again: tuple[RectificationItem, RectificationItem], county_a_clerk: Any,
        client_for: Any) -> None:
    closed, again = opened_again
    header, rows = sheet_rows(exported(client_for(county_a_clerk)))
    row_of(header, rows, again)[header.index("整改措施")] = "责令补报，诫勉谈话"
    closed_before = item_rows()[0]

    job = imported(county_a_clerk, "整改事项.xlsx", workbook_bytes([header, *rows]))

    assert (job.status, job.new_count, job.updated_count, job.unchanged_count) == (JobStatus.DONE, 0, 1, 1)
    again.refresh_from_db()
    assert again.measure == "责令补报，诫勉谈话"
    assert item_rows()[0] == closed_before


def test_an_edited_problem_description_is_refused_and_sent_to_the_items_page(
        media: Path, county_items: list[RectificationItem], county_a_clerk: Any, client_for: Any) -> None:
    item = county_items[0]
    header, rows = sheet_rows(exported(client_for(county_a_clerk)))
    row_of(header, rows, item)[header.index("问题描述")] = "干部档案管理不规范，部分档案材料缺失"
    before = item_rows()

    job = imported(county_a_clerk, "整改事项.xlsx", workbook_bytes([header, *rows]))

    assert job.status == JobStatus.AWAITING and job.error_rows == 1
    assert [(e["column"], e["message"]) for e in job.errors] == [
        ("事项编号", f"事项编号 {item.pk} 是「干部档案管理不规范」的编号，与本行的问题描述不一致；"
                     "请核对事项编号，修改问题描述请在整改事项页面办理。")]
    assert item_rows() == before


def test_a_problem_typed_on_the_page_with_line_breaks_is_still_its_items_in_an_exported_workbook(
        media: Path, county_items: list[RectificationItem], county_a_clerk: Any, client_for: Any) -> None:
    item = county_items[0]
    RectificationItem.objects.filter(pk=item.pk).update(problem="干部档案管理不规范：\r\n部分档案材料缺失")  # as a browser sends it

    job = imported(county_a_clerk, "整改事项.xlsx", exported(client_for(county_a_clerk)))  # the workbook keeps \n only

    assert (job.status, job.errors, job.new_count) == (JobStatus.DONE, [], 0)
    assert RectificationItem.objects.count() == 2


def test_a_mistyped_number_naming_another_item_of_the_checklist_is_refused_and_neither_item_changes(
        media: Path, county_items: list[RectificationItem], county_a_clerk: Any, client_for: Any) -> None:
    item = county_items[0]
    other = services.rectification_open_item(unit=item.responsible_unit, source=item.source, checklist=item.checklist,
                                             problem="干部选拔任用纪实不全", measure="补齐纪实材料",
                                             actor=county_a_clerk, deadline=datetime.date(2026, 12, 31))
    header, rows = sheet_rows(exported(client_for(county_a_clerk)))
    row = row_of(header, rows, item)
    row[header.index("事项编号")] = str(other.pk)  # the number of the item beside it
    row[header.index("整改措施")] = "专项审核，补齐缺失材料"
    before = item_rows()

    job = imported(county_a_clerk, "整改事项.xlsx", workbook_bytes([header, row]))

    assert job.status == JobStatus.AWAITING and job.error_rows == 1
    assert [(e["column"], e["message"]) for e in job.errors] == [
        ("事项编号", f"事项编号 {other.pk} 是「干部选拔任用纪实不全」的编号，与本行的问题描述不一致；"
                     "请核对事项编号，修改问题描述请在整改事项页面办理。")]
    assert item_rows() == before


def test_a_struck_off_item_is_not_changed_by_a_sheet(
        media: Path, opened_again: tuple[RectificationItem, RectificationItem], county_a_clerk: Any,
        client_for: Any) -> None:
    closed, _ = opened_again
    header, rows = sheet_rows(exported(client_for(county_a_clerk)))
    row = row_of(header, rows, closed)
    row[header.index("整改措施")] = "改写已销号事项的措施"
    before = item_rows()

    job = imported(county_a_clerk, "整改事项.xlsx", workbook_bytes([header, *rows]))

    assert job.status == JobStatus.AWAITING and job.error_rows == 1
    [error] = job.errors
    assert error["column"] == "整改措施" and "已销号" in error["message"] and "回头看" in error["message"]
    assert item_rows() == before


def test_a_row_without_a_number_whose_checklist_and_problem_find_two_items_is_refused_and_asks_for_the_number(
        media: Path, opened_again: tuple[RectificationItem, RectificationItem], county_a_clerk: Any,
        client_for: Any) -> None:
    _, again = opened_again
    header, rows = sheet_rows(exported(client_for(county_a_clerk)))
    row = row_of(header, rows, again)
    row[header.index("事项编号")] = None
    row[header.index("整改措施")] = "责令补报"
    before = item_rows()

    job = imported(county_a_clerk, "整改事项.xlsx", workbook_bytes([header, *rows]))

    assert job.status == JobStatus.AWAITING and job.error_rows == 1
    assert [(e["column"], e["message"]) for e in job.errors] == [
        ("清单文号", "清单文号、问题描述相同的整改事项在系统中不止一条，不能确定是哪一条："
                     "请填写「事项编号」（导出的整改事项表中有此列）。")]
    assert item_rows() == before


def test_a_row_without_a_number_still_finds_its_item_by_checklist_and_problem(
        media: Path, county_items: list[RectificationItem], county_a_clerk: Any, client_for: Any) -> None:
    header, rows = sheet_rows(exported(client_for(county_a_clerk)))
    row = row_of(header, rows, county_items[0])
    row[header.index("事项编号")] = None
    row[header.index("责任人")] = "王芳"

    job = imported(county_a_clerk, "整改事项.xlsx", workbook_bytes([header, *rows]))

    assert (job.status, job.new_count, job.updated_count) == (JobStatus.DONE, 0, 1)
    county_items[0].refresh_from_db()
    assert county_items[0].responsible_person == "王芳"


def test_an_item_named_by_its_number_cannot_be_moved_to_another_checklist(
        media: Path, county_items: list[RectificationItem], county_a_clerk: Any, client_for: Any) -> None:
    header, rows = sheet_rows(exported(client_for(county_a_clerk)))
    other = Checklist.objects.create(source=ChecklistSource.INSPECTION, title="区委第二轮巡察反馈问题清单",
                                     document_number="城巡反〔2026〕5号", document_date=datetime.date(2026, 3, 1),
                                     unit=county_items[0].responsible_unit, year=2026)
    row_of(header, rows, county_items[0])[header.index("清单文号")] = other.document_number
    before = item_rows()

    job = imported(county_a_clerk, "整改事项.xlsx", workbook_bytes([header, *rows]))

    assert job.status == JobStatus.AWAITING and job.error_rows == 1
    assert [(e["column"], e["message"]) for e in job.errors] == [
        ("清单文号", "整改事项挂账后不能改到其他问题清单；属于其他清单的问题，请在该清单下作为新事项挂账。")]
    assert item_rows() == before


def test_two_rows_with_one_number_are_refused_as_duplicates(
        media: Path, county_items: list[RectificationItem], county_a_clerk: Any, client_for: Any) -> None:
    header, rows = sheet_rows(exported(client_for(county_a_clerk)))
    row = row_of(header, rows, county_items[0])
    twin = list(row)
    twin[header.index("问题描述")] = "干部档案管理不规范（重复）"

    job = imported(county_a_clerk, "整改事项.xlsx", workbook_bytes([header, row, twin]))

    assert job.status == JobStatus.AWAITING and job.error_rows == 1
    assert job.errors == [{"row": 3, "column": "事项编号",
                           "message": f"与第 2 行重复（事项编号「{county_items[0].pk}」）。"}]


def test_a_row_naming_by_number_the_item_another_row_finds_by_its_problem_is_refused(
        media: Path, county_items: list[RectificationItem], county_a_clerk: Any, client_for: Any) -> None:
    header, rows = sheet_rows(exported(client_for(county_a_clerk)))
    row = row_of(header, rows, county_items[0])
    unnumbered = list(row)
    unnumbered[header.index("事项编号")] = None

    job = imported(county_a_clerk, "整改事项.xlsx", workbook_bytes([header, row, unnumbered]))

    assert job.status == JobStatus.AWAITING and job.error_rows == 1
    assert job.errors == [{"row": 3, "column": "清单文号", "message": "与第 2 行是同一条整改事项。"}]


def test_a_number_outside_the_importers_jurisdiction_or_not_a_number_is_refused(
        media: Path, county_items: list[RectificationItem], county_a_clerk: Any, county_b_clerk: Any,
        client_for: Any) -> None:
    header, rows = sheet_rows(exported(client_for(county_a_clerk)))
    row = row_of(header, rows, county_items[0])
    row[header.index("责任单位")] = "620103"  # as county B would write it
    row[header.index("清单文号")] = None
    wrong = list(row)
    wrong[header.index("事项编号")] = "第三项"
    before = item_rows()

    job = imported(county_b_clerk, "整改事项.xlsx", workbook_bytes([header, row, wrong]))

    assert [(e["row"], e["column"], e["message"]) for e in job.errors if e["column"] == "事项编号"] == [
        (2, "事项编号", f"「{county_items[0].pk}」所指的整改事项不存在或不在您的管辖范围内。"),
        (3, "事项编号", "事项编号「第三项」不是系统中的编号：导出表中的行请保留原编号，新增的行此列留空。"),
    ]
    assert item_rows() == before


def test_a_new_row_leaves_the_number_blank_and_is_put_on_the_books(
        media: Path, county_items: list[RectificationItem], county_a_clerk: Any, client_for: Any) -> None:
    header, rows = sheet_rows(exported(client_for(county_a_clerk)))
    new = dict.fromkeys(header, None) | {"问题来源": "巡视反馈", "清单文号": "城巡反〔2026〕2号",
                                          "问题描述": "党费收缴不及时", "责任单位": "620102", "整改时限": "2026.12.31"}

    job = imported(county_a_clerk, "整改事项.xlsx", workbook_bytes([header, *rows, [new[h] for h in header]]))

    assert (job.status, job.new_count, job.unchanged_count) == (JobStatus.DONE, 1, 2)
    assert RectificationItem.objects.get(problem="党费收缴不及时").state == ItemState.ON_BOOKS


def test_the_import_template_for_new_items_has_no_number_column() -> None:
    header, _ = sheet_rows(template_xlsx(RectificationItemResource))

    assert "事项编号" not in header and header[:3] == ["问题来源", "清单文号", "问题描述"]
