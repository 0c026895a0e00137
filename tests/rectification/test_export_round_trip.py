"""An exported 整改事项 list imports back as it is: items the system put on the books (a
spot check's 漏报, on a standing checklist without a 文号) are named by their checklist's
system number and found again, never duplicated; a new row still needs its 清单文号."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from orgwork.imports.models import JobStatus
from orgwork.rectification.models import RectificationItem
from tests.imports.conftest import media  # noqa: F401  (fixture)
from tests.imports.sheets import workbook_bytes

from .roundtrip import assert_items_import_back_unchanged, exported, imported

pytestmark = pytest.mark.django_db
REQUIRED = "此项为必填项，不能为空。"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_exported_list_with_a_spot_check_item_imports_back_as_it_is_with_nothing_new_or_changed(
        fmt: str, media: Path, spot_check_item: RectificationItem, county_items: list[RectificationItem],
        county_a_clerk: Any, client_for: Any) -> None:
    assert_items_import_back_unchanged(client_for(county_a_clerk), county_a_clerk, fmt, 3)


def test_the_checklist_column_names_a_checklist_without_a_document_number_by_its_title_and_system_number(
        spot_check_item: RectificationItem, county_items: list[RectificationItem], county_a_clerk: Any,
        client_for: Any) -> None:
    sheet = load_workbook(io.BytesIO(exported(client_for(county_a_clerk)))).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    by_problem = {row[header.index("问题描述")]: row[header.index("清单文号")] for row in rows}
    standing = spot_check_item.checklist
    assert standing.is_standing and standing.document_number == ""
    assert by_problem[spot_check_item.problem] == f"无文号：{standing.title}（系统编号{standing.pk}）"
    assert by_problem["调查研究不够深入"] == f"无文号：区委常委班子民主生活会查摆问题（系统编号{county_items[1].checklist_id}）"
    assert by_problem["干部档案管理不规范"] == "城巡反〔2026〕2号"  # a checklist's 文号 is written as before


def test_a_changed_cell_of_a_spot_check_item_updates_that_item_and_adds_none(
        media: Path, spot_check_item: RectificationItem, county_a_clerk: Any, client_for: Any) -> None:
    sheet = load_workbook(io.BytesIO(exported(client_for(county_a_clerk)))).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    rows[0][header.index("整改措施")] = "批评教育，责令补报"

    job = imported(county_a_clerk, "整改事项.xlsx", workbook_bytes([header, *rows]))

    assert (job.status, job.new_count, job.updated_count) == (JobStatus.DONE, 0, 1)
    assert RectificationItem.objects.count() == 1
    spot_check_item.refresh_from_db()
    assert spot_check_item.measure == "批评教育，责令补报"


def test_a_new_row_without_a_checklist_number_is_still_refused_and_nothing_is_written(
        media: Path, spot_check_item: RectificationItem, county_a_clerk: Any, client_for: Any) -> None:
    sheet = load_workbook(io.BytesIO(exported(client_for(county_a_clerk)))).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    new = dict.fromkeys(header, None) | {"问题来源": "其他", "问题描述": "新发现的问题", "责任单位": "620102",
                                          "整改时限": "2026.12.31"}

    job = imported(county_a_clerk, "整改事项.xlsx", workbook_bytes([header, *rows, [new[h] for h in header]]))

    assert job.status == JobStatus.AWAITING and job.error_rows == 1
    assert job.errors == [{"row": 3, "column": "清单文号", "message": REQUIRED}]
    assert list(RectificationItem.objects.all()) == [spot_check_item]


def test_a_system_number_outside_the_importers_jurisdiction_is_refused_like_an_unknown_checklist(
        media: Path, spot_check_item: RectificationItem, county_a_clerk: Any, county_b_clerk: Any,
        client_for: Any) -> None:
    content = exported(client_for(county_a_clerk))

    job = imported(county_b_clerk, "整改事项.xlsx", content)

    standing = spot_check_item.checklist
    reference = f"无文号：{standing.title}（系统编号{standing.pk}）"
    assert job.status == JobStatus.AWAITING and job.error_rows == 1
    assert {"row": 2, "column": "清单文号",
            "message": f"「{reference}」所指的无文号问题清单不存在或不在您的管辖范围内。"} in job.errors
    assert RectificationItem.objects.count() == 1
