"""The rectification_items sheet through the import engine: headers, cell and row rules, scope."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from orgwork.imports import registry
from orgwork.imports.engine import run_import
from orgwork.imports.reader import open_sheet
from orgwork.rectification.models import ItemState, RectificationItem
from orgwork.rectification.resources import RectificationItemResource

pytestmark = pytest.mark.django_db

HEAD = ["序号", "问题来源", "清单文号", "问题描述", "责任单位", "责任人", "牵头领导", "整改措施", "整改时限"]
DOC = "兰巡反〔2026〕1号"


def sheet(tmp_path: Path, rows: list[list[Any]]) -> Path:
    workbook = Workbook()
    ws = workbook.active
    ws.append(["市委第一巡察组反馈问题整改清单"])  # the title row above the header
    ws.append(HEAD)
    for row in rows:
        ws.append(row)
    path = tmp_path / "清单.xlsx"
    workbook.save(path)
    return path


def run(path: Path, user: Any, *, commit: bool) -> Any:
    return run_import(RectificationItemResource, user, open_sheet(str(path), path.name, RectificationItemResource),
                      commit=commit)


def errors_of(result: Any) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in result.errors]


def test_the_resource_is_registered_under_its_slug():
    assert registry.get("rectification_items") is RectificationItemResource


def test_an_inspection_teams_sheet_is_put_on_the_books(tmp_path, city_checklist, city_officer):
    path = sheet(tmp_path, [
        [1, "巡视反馈", DOC, "“三重一大”决策程序执行不到位", "620102", "张明", "王强", "修订议事规则", "2026.06.30"],
        [2, "巡察", DOC, "干部档案管理不规范", "七里河区", "李华", "", "专项审核", "2026年9月30日"],
    ])
    result = run(path, city_officer, commit=True)
    assert (result.rows, result.new, result.error_count, result.committed) == (2, 2, 0, True)
    first = RectificationItem.objects.get(problem="“三重一大”决策程序执行不到位")
    # Put on the books like an item entered by hand: the timeline starts with 挂账.
    assert [(t.label, t.to_state, t.actor) for t in first.transitions.all()] == [("挂账", ItemState.ON_BOOKS, city_officer)]
    again = run(path, city_officer, commit=True)
    assert (again.unchanged, first.transitions.count()) == (2, 1)  # a re-import adds no second 挂账
    assert (first.checklist, first.source, first.responsible_unit.code, first.deadline, first.state) == (
        city_checklist, "inspection", "620102", datetime.date(2026, 6, 30), ItemState.ON_BOOKS)
    assert first.created_by == city_officer
    second = RectificationItem.objects.get(problem="干部档案管理不规范")
    assert (second.responsible_unit.code, second.deadline) == ("620103", datetime.date(2026, 9, 30))
    # the same sheet again changes nothing
    again = run(path, city_officer, commit=True)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)


def test_bad_cells_and_rows_are_reported_in_chinese_and_nothing_is_written(tmp_path, city_checklist, city_officer):
    path = sheet(tmp_path, [
        [1, "巡视反馈", "不存在〔2026〕9号", "问题一", "620102", "", "", "", "2026.06.30"],
        [2, "走访", DOC, "问题二", "620102", "", "", "", "2026.06.30"],
        [3, "督查暗访", DOC, "问题三", "620102", "", "", "", "2026.06.30"],
        [4, "巡视反馈", DOC, "问题四", "6205", "", "", "", "2026.06.30"],
        [5, "巡视反馈", DOC, "问题五", "620102", "", "", "", "2026.02.01"],
        [6, "巡视反馈", DOC, "问题六", "620102", "", "", "", "2026.06.30"],
    ])
    result = run(path, city_officer, commit=True)
    assert not result.committed and RectificationItem.objects.count() == 0
    messages = {row: message for row, _, message in errors_of(result)}
    assert "文号为「不存在〔2026〕9号」的问题清单不在您管辖范围内登记的清单中" in messages[3]
    assert "请先登记问题清单再导入" in messages[3] and "上级印发的清单" in messages[3]
    assert "「走访」不是可选值" in messages[4]
    assert "与所属清单" in messages[5] and "不一致" in messages[5]
    assert "6205" in messages[6] and "不在您的管辖范围内" in messages[6]
    assert "早于清单印发日期" in messages[7]
    assert 8 not in messages


def test_a_county_cannot_import_into_another_countys_items(tmp_path, city_checklist, county_b_clerk):
    path = sheet(tmp_path, [[1, "巡视反馈", DOC, "问题", "620102", "", "", "", "2026.06.30"]])
    result = run(path, county_b_clerk, commit=True)
    assert not result.committed and result.error_rows == 1
    assert RectificationItem.objects.count() == 0


def test_an_item_awaiting_sign_off_cannot_be_changed_by_import(tmp_path, item_in, city_officer):
    item = item_in(ItemState.CLOSURE_REQUESTED)
    path = sheet(tmp_path, [[1, "巡视反馈", DOC, item.problem, "620102", "换人", "", "修订议事规则", "2026.06.30"]])
    result = run(path, city_officer, commit=True)
    assert not result.committed
    assert any("当前状态为「申请销号」" in message and "不能修改" in message for _, _, message in errors_of(result))
    item.refresh_from_db()
    assert item.responsible_person == "张明"


def test_checklists_come_in_by_sheet_too_and_items_then_find_them(tmp_path, city_officer):
    from orgwork.rectification.models import Checklist
    from orgwork.rectification.resources import ChecklistResource

    workbook = Workbook()
    ws = workbook.active
    ws.append(["问题来源", "清单名称", "清单文号", "印发日期", "所涉单位", "年度"])
    ws.append(["巡察", "市委第二巡察组反馈问题清单", "兰巡反〔2026〕2号", "2026.04.01", "620103", None])
    ws.append(["督查暗访", "越权清单", "甘组督〔2026〕9号", "2026.04.01", "62", 2026])
    path = tmp_path / "清单头.xlsx"
    workbook.save(path)
    opened = open_sheet(str(path), path.name, ChecklistResource)
    result = run_import(ChecklistResource, city_officer, opened, commit=True)
    assert not result.committed
    assert [(row, "不在您的管辖范围内" in message) for row, _, message in errors_of(result)] == [(3, True)]

    workbook = Workbook()
    ws = workbook.active
    ws.append(["问题来源", "清单名称", "清单文号", "印发日期", "所涉单位", "年度"])
    ws.append(["巡察", "市委第二巡察组反馈问题清单", "兰巡反〔2026〕2号", "2026.04.01", "620103", None])
    workbook.save(path)
    result = run_import(ChecklistResource, city_officer, open_sheet(str(path), path.name, ChecklistResource),
                        commit=True)
    assert result.committed and result.new == 1
    checklist = Checklist.objects.get(document_number="兰巡反〔2026〕2号")
    assert (checklist.source, checklist.unit.code, checklist.year) == ("inspection", "620103", 2026)
    items = sheet(tmp_path, [[1, "巡视反馈", "兰巡反〔2026〕2号", "问题", "620103", "", "", "", "2026.06.30"]])
    assert run(items, city_officer, commit=True).new == 1
    assert RectificationItem.objects.get().checklist == checklist


def test_the_business_roles_may_import_both_sheets_and_the_read_only_role_may_not(county_a_clerk, view_only_auditor):
    from orgwork.imports.access import can_import
    from orgwork.rectification.resources import ChecklistResource

    for resource in (ChecklistResource, RectificationItemResource):
        assert can_import(county_a_clerk, resource)
        assert not can_import(view_only_auditor, resource)
