"""An exported 问题清单 list imports back as it is: a checklist without a 文号 (the standing
checklist a spot check puts its items on, one registered without a document) is named by
its title and system number, as in the 整改事项 export, and found again by that number;
a new checklist row still needs its 文号."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from orgwork.audit.models import AuditLog
from orgwork.imports.models import JobStatus
from orgwork.rectification.models import Checklist, RectificationItem
from orgwork.rectification.resources import checklist_reference
from tests.imports.conftest import media  # noqa: F401  (fixture)
from tests.imports.sheets import workbook_bytes

from .roundtrip import CHECKLISTS, exported, imported, sheet_rows

pytestmark = pytest.mark.django_db


def checklist_rows() -> list[tuple[Any, ...]]:
    return list(Checklist.objects.order_by("pk").values_list(
        "pk", "source", "title", "document_number", "document_date", "unit_id", "year", "is_standing"))


def checklist_audit_rows() -> int:
    return AuditLog.objects.filter(content_type__model="checklist").count()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_exported_checklist_list_with_a_standing_checklist_imports_back_as_it_is_with_nothing_new_or_changed(
        fmt: str, media: Path, spot_check_item: RectificationItem, county_items: list[RectificationItem],
        county_a_clerk: Any, client_for: Any) -> None:
    content = exported(client_for(county_a_clerk), fmt, CHECKLISTS)
    before, audited = checklist_rows(), checklist_audit_rows()

    job = imported(county_a_clerk, f"问题清单.{fmt}", content, CHECKLISTS)

    assert (job.status, job.errors) == (JobStatus.DONE, [])
    assert (job.rows, job.new_count, job.updated_count, job.unchanged_count) == (3, 0, 0, 3)
    assert (checklist_rows(), checklist_audit_rows()) == (before, audited)


def test_the_document_number_column_names_a_checklist_without_one_as_the_item_export_does(
        spot_check_item: RectificationItem, county_items: list[RectificationItem], county_a_clerk: Any,
        client_for: Any) -> None:
    header, rows = sheet_rows(exported(client_for(county_a_clerk), resource=CHECKLISTS))
    by_title = {row[header.index("清单名称")]: row[header.index("清单文号")] for row in rows}
    standing = spot_check_item.checklist
    assert by_title[standing.title] == f"无文号：{standing.title}（系统编号{standing.pk}）" == checklist_reference(standing)
    assert by_title["区委常委班子民主生活会查摆问题"] == (
        f"无文号：区委常委班子民主生活会查摆问题（系统编号{county_items[1].checklist_id}）")
    assert by_title["区委巡察反馈问题清单"] == "城巡反〔2026〕2号"


def test_a_changed_title_of_a_checklist_without_a_document_number_updates_that_checklist_and_adds_none(
        media: Path, county_items: list[RectificationItem], county_a_clerk: Any, client_for: Any) -> None:
    unnumbered = county_items[1].checklist
    header, rows = sheet_rows(exported(client_for(county_a_clerk), resource=CHECKLISTS))
    row = next(r for r in rows if r[header.index("清单名称")] == unnumbered.title)
    row[header.index("清单名称")] = "区委常委班子专题民主生活会查摆问题清单"

    job = imported(county_a_clerk, "问题清单.xlsx", workbook_bytes([header, *rows]), CHECKLISTS)

    assert (job.status, job.new_count, job.updated_count, job.unchanged_count) == (JobStatus.DONE, 0, 1, 1)
    assert Checklist.objects.count() == 2
    unnumbered.refresh_from_db()
    assert (unnumbered.title, unnumbered.document_number) == ("区委常委班子专题民主生活会查摆问题清单", "")


def test_a_new_checklist_row_without_a_document_number_is_still_refused_and_nothing_is_written(
        media: Path, county_items: list[RectificationItem], county_a_clerk: Any, client_for: Any) -> None:
    header, rows = sheet_rows(exported(client_for(county_a_clerk), resource=CHECKLISTS))
    new = dict.fromkeys(header, None) | {"问题来源": "其他", "清单名称": "新的问题清单", "所涉单位": "620102",
                                          "年度": "2026"}
    before = checklist_rows()

    job = imported(county_a_clerk, "问题清单.xlsx", workbook_bytes([header, *rows, [new[h] for h in header]]),
                   CHECKLISTS)

    assert job.status == JobStatus.AWAITING and job.error_rows == 1
    assert job.errors == [{"row": 4, "column": "清单文号", "message": "此项为必填项，不能为空。"}]
    assert checklist_rows() == before


def test_two_rows_naming_one_checklist_by_its_system_number_are_refused_as_duplicates(
        media: Path, spot_check_item: RectificationItem, county_a_clerk: Any, client_for: Any) -> None:
    header, rows = sheet_rows(exported(client_for(county_a_clerk), resource=CHECKLISTS))

    job = imported(county_a_clerk, "问题清单.xlsx", workbook_bytes([header, rows[0], list(rows[0])]), CHECKLISTS)

    reference = checklist_reference(spot_check_item.checklist)
    assert job.status == JobStatus.AWAITING and job.error_rows == 1
    assert job.errors == [{"row": 3, "column": "清单文号", "message": f"与第 2 行重复（清单文号「{reference}」）。"}]


def test_a_system_number_outside_the_importers_jurisdiction_is_refused_like_an_unknown_checklist(
        media: Path, spot_check_item: RectificationItem, county_a_clerk: Any, county_b_clerk: Any,
        client_for: Any) -> None:
    content = exported(client_for(county_a_clerk), resource=CHECKLISTS)
    before = checklist_rows()

    job = imported(county_b_clerk, "问题清单.xlsx", content, CHECKLISTS)

    reference = checklist_reference(spot_check_item.checklist)
    assert job.status == JobStatus.AWAITING and job.error_rows == 1
    assert job.errors == [
        {"row": 2, "column": "清单文号", "message": f"「{reference}」所指的问题清单不存在或不在您的管辖范围内。"},
        {"row": 2, "column": "所涉单位", "message": "单位「620102」不存在或不在您的管辖范围内。"},
    ]
    assert checklist_rows() == before
