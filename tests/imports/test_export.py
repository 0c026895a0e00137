"""Exports: the filtered, scoped changelist; formula cells escaped; ID numbers masked
unless granted; every export in the audit trail; explicit permissions."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from orgwork.audit.models import AuditAction, AuditLog
from orgwork.imports.exporting import escape_cell, escape_csv_cell

from .conftest import HEAD, grant, person
from .sheets import xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.imports.urls")]
EXPORT = "admin:cadres_cadre_export"


@pytest.fixture
def cadres(tmp_path: Path, test_resource: Any, county_a_clerk: Any, county_b_clerk: Any, run_sheet: Any) -> None:
    rows = [HEAD, person(1, 现任职务="@SUM(A1)"), person(2, 现任职务="-1+2"), person(3, 单位="620102001")]
    assert run_sheet(xlsx(tmp_path / "a.xlsx", rows), county_a_clerk, commit=True).committed
    assert run_sheet(xlsx(tmp_path / "b.xlsx", [HEAD, person(4, 单位="620103")]), county_b_clerk, commit=True).committed


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+86", "'+86"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("张三", "张三"), (5, 5), (None, None)])
def test_formula_like_csv_fields_are_escaped(value: Any, expected: Any) -> None:
    assert escape_csv_cell(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+86", "+86"), ("-100", "-100"), ("@SUM(A1)", "@SUM(A1)"), ("张三", "张三"), (-100, -100),
    (None, None)])
def test_only_a_text_starting_with_an_equals_sign_is_escaped_in_an_xlsx(value: Any, expected: Any) -> None:
    assert escape_cell(value) == expected


def test_the_export_is_scoped_escaped_masked_and_audited(cadres: None, county_a_clerk: Any, client_for: Any) -> None:
    answer = client_for(county_a_clerk).get(reverse(EXPORT))
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEAD and len(rows) == 4  # county_b's cadre is not in county_a's export
    posts = {r[6] for r in rows[1:]}
    assert "@SUM(A1)" in posts and "-1+2" in posts  # a text cell in an .xlsx: as typed, never a formula
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    ids = [r[3] for r in rows[1:]]
    assert all(i[6:14] == "********" for i in ids)
    entry = AuditLog.objects.get(action=AuditAction.EXPORT)
    assert entry.actor == county_a_clerk and entry.changes["rows"] == 3 and entry.changes["unmasked"] is False


def test_the_export_follows_the_changelist_filters_as_csv(cadres: None, county_a_clerk: Any, client_for: Any) -> None:
    from orgwork.units.models import Unit

    township = Unit.objects.get(code="620102001")
    answer = client_for(county_a_clerk).get(reverse(EXPORT), {"unit__id__exact": township.pk, "_export": "csv"})
    text = answer.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEAD and len(rows) == 2 and rows[1][0] == "张三"
    assert AuditLog.objects.get(action=AuditAction.EXPORT).changes["filters"] == {"unit__id__exact": str(township.pk)}


def test_full_id_numbers_need_the_unmask_permission(cadres: None, county_a_clerk: Any, client_for: Any) -> None:
    user = grant(county_a_clerk, "cadres.view_unmasked_id_number")
    sheet = load_workbook(io.BytesIO(client_for(user).get(reverse(EXPORT)).content)).active
    ids = [r[3] for r in list(sheet.iter_rows(values_only=True))[1:]]
    assert all("*" not in i and len(i) == 18 for i in ids)
    assert sheet.cell(row=2, column=4).number_format == "@"
    exported = AuditLog.objects.get(action=AuditAction.EXPORT)
    assert exported.changes["unmasked"] is True and exported.message.endswith("，含完整个人信息")
    # Found with the record pages and error workbooks under 查看敏感信息, where the auditor looks.
    viewed = AuditLog.objects.get(action=AuditAction.VIEW_SENSITIVE)
    assert viewed.actor == user and viewed.message == f"查看完整身份证号：导出干部 {len(ids)} 条（xlsx）"


def test_a_masked_export_writes_no_full_view(cadres: None, county_a_clerk: Any, client_for: Any) -> None:
    client_for(county_a_clerk).get(reverse(EXPORT))
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE).exists()
    assert not AuditLog.objects.get(action=AuditAction.EXPORT).message.endswith("，含完整个人信息")


def test_export_and_import_need_explicit_permissions(cadres: None, view_only_auditor: Any, county_a_clerk: Any,
                                                    client_for: Any) -> None:
    assert client_for(view_only_auditor).get(reverse(EXPORT)).status_code == 403
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()
    page = client_for(view_only_auditor).get(reverse("admin:cadres_cadre_changelist")).content.decode()
    assert ">导出<" not in page and ">导入<" not in page
    assert client_for(view_only_auditor).get(reverse("admin:imports_importjob_add")).status_code == 403
    page = client_for(county_a_clerk).get(reverse("admin:cadres_cadre_changelist")).content.decode()
    assert ">导出<" in page and ">导入<" in page and ">下载模板<" in page
