"""A 问题清单's 印发日期 may not move past the 整改时限 of an item on it (an item is never
due before its checklist is issued): on the checklist's page, on the 问题清单 sheet and
wherever the checklist is saved through ``full_clean``."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook

from orgwork.imports.engine import run_import
from orgwork.imports.reader import open_sheet
from orgwork.rectification.models import Checklist
from orgwork.rectification.resources import ChecklistResource

pytestmark = pytest.mark.django_db

LATE = ("印发日期 2026-07-01 晚于本清单整改事项的整改时限 2026-06-30：整改时限不能早于清单印发日期，"
        "请核对印发日期（整改时限只能通过整改事项的「延期」调整）。")


def checklist_sheet(tmp_path: Path, checklist: Checklist, issued: str) -> Path:
    workbook = Workbook()
    ws = workbook.active
    ws.append(["问题来源", "清单名称", "清单文号", "印发日期", "所涉单位", "年度"])
    ws.append(["巡视反馈", checklist.title, checklist.document_number, issued, checklist.unit.code, 2026])
    path = tmp_path / "问题清单.xlsx"
    workbook.save(path)
    return path


def test_a_sheet_moving_the_issue_date_past_an_items_deadline_is_refused_and_writes_nothing(
        tmp_path: Path, city_checklist: Checklist, open_item: Any, city_officer: Any) -> None:
    open_item()  # due 2026-06-30
    path = checklist_sheet(tmp_path, city_checklist, "2026.07.01")
    result = run_import(ChecklistResource, city_officer, open_sheet(str(path), path.name, ChecklistResource),
                        commit=True)
    assert not result.committed
    assert [(e.row, e.message) for e in result.errors] == [(2, LATE)]
    assert Checklist.objects.get(pk=city_checklist.pk).document_date == datetime.date(2026, 3, 1)


def test_a_sheet_moving_the_issue_date_up_to_the_first_deadline_is_taken(
        tmp_path: Path, city_checklist: Checklist, open_item: Any, city_officer: Any) -> None:
    open_item()
    path = checklist_sheet(tmp_path, city_checklist, "2026.06.30")
    result = run_import(ChecklistResource, city_officer, open_sheet(str(path), path.name, ChecklistResource),
                        commit=True)
    assert result.committed and result.updated == 1, [(e.row, e.message) for e in result.errors]
    assert Checklist.objects.get(pk=city_checklist.pk).document_date == datetime.date(2026, 6, 30)


def test_the_checklist_page_refuses_it_under_the_issue_date(
        city_checklist: Checklist, open_item: Any, city_officer: Any, client_for: Any) -> None:
    item = open_item()
    data = {"source": city_checklist.source, "title": city_checklist.title,
            "document_number": city_checklist.document_number, "document_date": "2026-07-01",
            "unit": city_checklist.unit_id, "year": "2026",
            "items-TOTAL_FORMS": "0", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000"}
    response = client_for(city_officer).post(
        reverse("admin:rectification_checklist_change", args=[city_checklist.pk]), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["document_date"] == [LATE]
    assert Checklist.objects.get(pk=city_checklist.pk).document_date == datetime.date(2026, 3, 1)
    assert item.deadline == datetime.date(2026, 6, 30)


def test_a_checklist_on_record_is_edited_as_it_stands_while_its_date_is_not_written(
        city_checklist: Checklist, open_item: Any) -> None:
    """An older checklist whose item is due before its date (entered before this rule)
    keeps its other fields editable; only writing the date asks the rule."""
    open_item()
    Checklist.objects.filter(pk=city_checklist.pk).update(document_date=datetime.date(2026, 7, 1))
    stored = Checklist.objects.get(pk=city_checklist.pk)
    stored.title = "市委第一巡察组反馈问题整改清单"
    stored.full_clean()
    stored.document_date = datetime.date(2026, 7, 2)
    with pytest.raises(ValidationError) as refused:
        stored.full_clean()
    assert "晚于本清单整改事项的整改时限 2026-06-30" in refused.value.message_dict["document_date"][0]
