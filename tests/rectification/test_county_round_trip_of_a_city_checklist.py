"""A county's export of its items on a city checklist imports back as it is.

The city issued the checklist (兰巡反〔2026〕1号) and the county works on the items it is
responsible for. The county's sheet finds those items again and updates them, within what
the item's page lets the county change; a new row on the city's checklist is still
refused: the city puts its items on the books."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from orgwork.imports.models import JobStatus
from orgwork.rectification import services
from orgwork.rectification.models import Checklist, ItemState, RectificationItem
from orgwork.units.models import Unit
from tests.imports.conftest import media  # noqa: F401  (fixture)
from tests.imports.sheets import workbook_bytes

from .roundtrip import assert_items_import_back_unchanged, exported, imported, item_rows, sheet_rows

pytestmark = pytest.mark.django_db
DOC = "兰巡反〔2026〕1号"
HIGHER = "上级印发的清单，其整改事项由清单所属单位导入"


@pytest.fixture
def city_items(item_in: Callable[..., RectificationItem], tree: dict[str, Unit]) -> list[RectificationItem]:
    """Three items of the city checklist: two for county A (one in progress), one for county B."""
    return [
        item_in(ItemState.ON_BOOKS),
        item_in(ItemState.IN_PROGRESS, problem="干部档案管理不规范"),
        item_in(ItemState.ON_BOOKS, problem="发展党员程序不规范", unit=tree["county_b"]),
    ]


def county_sheet(client_for: Any, clerk: Any) -> tuple[list[Any], list[list[Any]]]:
    return sheet_rows(exported(client_for(clerk)))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_countys_export_of_its_items_on_a_city_checklist_imports_back_as_it_is(
        fmt: str, media: Path, city_items: list[RectificationItem], county_a_clerk: Any, client_for: Any) -> None:
    assert_items_import_back_unchanged(client_for(county_a_clerk), county_a_clerk, fmt, 2)


def test_a_countys_edited_row_updates_its_item_on_the_city_checklist_and_adds_none(
        media: Path, city_items: list[RectificationItem], county_a_clerk: Any, client_for: Any) -> None:
    header, rows = county_sheet(client_for, county_a_clerk)
    row = next(r for r in rows if r[header.index("问题描述")] == "干部档案管理不规范")
    row[header.index("整改措施")] = "逐卷专项审核，建立档案管理台账"
    row[header.index("责任人")] = "李华"

    job = imported(county_a_clerk, "整改事项.xlsx", workbook_bytes([header, *rows]))

    assert (job.status, job.new_count, job.updated_count, job.unchanged_count) == (JobStatus.DONE, 0, 1, 1)
    assert RectificationItem.objects.count() == 3
    item = RectificationItem.objects.get(pk=city_items[1].pk)
    assert (item.measure, item.responsible_person, item.responsible_unit.code, item.checklist_id) == (
        "逐卷专项审核，建立档案管理台账", "李华", "620102", city_items[1].checklist_id)


def test_a_new_row_on_the_city_checklist_is_still_refused_and_nothing_is_written(
        media: Path, city_items: list[RectificationItem], county_a_clerk: Any, client_for: Any) -> None:
    header, rows = county_sheet(client_for, county_a_clerk)
    new = dict.fromkeys(header, None) | {"问题来源": "巡视反馈", "清单文号": DOC, "问题描述": "新发现的问题",
                                          "责任单位": "620102", "整改时限": "2026.09.30"}
    before = item_rows()

    job = imported(county_a_clerk, "整改事项.xlsx", workbook_bytes([header, *rows, [new[h] for h in header]]))

    assert job.status == JobStatus.AWAITING and job.error_rows == 1
    [error] = job.errors
    assert (error["row"], error["column"]) == (4, "清单文号")
    assert HIGHER in error["message"] and "兰州市" in error["message"]
    assert item_rows() == before


def test_a_county_with_no_items_on_a_city_checklist_is_refused_as_before(
        media: Path, city_items: list[RectificationItem], county_a_clerk: Any, client_for: Any) -> None:
    Checklist.objects.create(source="inspection", title="市委第二巡察组反馈问题清单", document_number="兰巡反〔2026〕2号",
                             document_date=datetime.date(2026, 3, 1), unit=city_items[0].checklist.unit, year=2026)
    header, rows = county_sheet(client_for, county_a_clerk)
    new = dict.fromkeys(header, None) | {"问题来源": "巡视反馈", "清单文号": "兰巡反〔2026〕2号", "问题描述": "新问题",
                                          "责任单位": "620102"}

    job = imported(county_a_clerk, "整改事项.xlsx", workbook_bytes([header, *rows, [new[h] for h in header]]))

    assert job.status == JobStatus.AWAITING and job.error_rows == 1
    assert job.errors[0]["column"] == "清单文号" and HIGHER in job.errors[0]["message"]


@pytest.mark.parametrize(("column", "value", "message"), [
    ("问题来源", "督查暗访", "与所属清单"),
    ("责任单位", "620103", "不在您的管辖范围内"),
    # The city assigns its items: the county cannot hand one to its own township (谁交办谁销号).
    ("责任单位", "620102001", "由「兰州市」交办，事项的责任单位由交办单位确定，不能在此改动"),
    ("整改时限", "2026.12.31", "延期"),
])
def test_a_county_cannot_change_through_the_sheet_what_the_items_page_does_not_let_it_change(
        column: str, value: str, message: str, media: Path, city_items: list[RectificationItem],
        county_a_clerk: Any, client_for: Any) -> None:
    header, rows = county_sheet(client_for, county_a_clerk)
    rows[0][header.index(column)] = value
    before = item_rows()

    job = imported(county_a_clerk, "整改事项.xlsx", workbook_bytes([header, *rows]))

    assert job.status == JobStatus.AWAITING and job.error_rows == 1
    [error] = job.errors
    assert (error["row"], error["column"]) == (2, column) and message in error["message"]
    assert item_rows() == before


def test_a_county_cannot_import_another_countys_item_on_the_city_checklist(
        media: Path, city_items: list[RectificationItem], county_a_clerk: Any, county_b_clerk: Any,
        client_for: Any) -> None:
    content = exported(client_for(county_b_clerk))
    before = item_rows()

    job = imported(county_a_clerk, "整改事项.xlsx", content)

    assert job.status == JobStatus.AWAITING and job.error_rows == 1
    assert item_rows() == before


def test_the_item_form_service_refuses_a_county_a_new_item_on_the_city_checklist_as_the_sheet_does(
        city_checklist: Checklist, county_a_clerk: Any, city_officer: Any, tree: dict[str, Unit]) -> None:
    def item() -> RectificationItem:
        return RectificationItem(checklist=city_checklist, problem="新发现的问题", responsible_unit=tree["county_a"],
                                 deadline=datetime.date(2026, 12, 31))

    with pytest.raises(ValidationError) as refused:
        services.rectification_item_create(item=item(), actor=county_a_clerk)

    assert HIGHER in refused.value.message_dict["checklist"][0]
    assert services.rectification_item_create(item=item(), actor=city_officer).pk is not None
