"""What a supervision record says stays out of the audit trail: the trail keeps that a
personal-matters report's matters, a check's findings or a handling's facts changed
(``***``), never the text. The audit administrator reads the trail and no business
secret; the record's own page still shows it to those who may read the record."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse

from cadres.supervision.models import HandlingRecord, PersonalMattersReport
from cadres.supervision.resources import HandlingRecordResource
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.imports.engine import run_import
from orgwork.imports.reader import open_sheet
from tests.samples.supervision import report_for

pytestmark = pytest.mark.django_db
PROPERTY = "本人及配偶名下住房1套，配偶持有某公司股份"
FACTS = "违规发放津贴补贴12万元"
migration = importlib.import_module("orgwork.audit.migrations.0010_supervision_contents_redacted")


def trail_of(record) -> str:
    rows = AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk))
    return " ".join(str(row.changes) + row.message for row in rows)


def test_a_reports_matters_are_kept_as_changed_not_as_what_they_say(cadre_a) -> None:
    report = report_for(cadre_a)
    report.property_summary = PROPERTY
    report.save()
    entry = AuditLog.objects.filter(action=AuditAction.UPDATE, object_id=str(report.pk),
                                    content_type__model="personalmattersreport").latest("id")
    assert entry.changes["property_summary"][1] == "***"
    assert PROPERTY not in trail_of(report)


def test_a_handling_sheets_facts_stay_out_of_the_trail(cadre_a, county_a_clerk, tmp_path: Path) -> None:
    path = tmp_path / "组织处理.csv"
    head = ["身份证号", "姓名", "处理方式", "线索来源", "决定日期", "文号", "承办人", "主要事实"]
    row = [cadre_a.id_number, cadre_a.name, "诫勉谈话", "巡视", "2025.08.31", "城组通〔2025〕9号", "刘明", FACTS]
    path.write_text("\n".join(",".join(r) for r in [head, row]) + "\n", encoding="utf-8")
    result = run_import(HandlingRecordResource, county_a_clerk,
                        open_sheet(str(path), path.name, HandlingRecordResource), commit=True)
    assert result.committed, result.errors
    record = HandlingRecord.objects.get(cadre=cadre_a)
    assert record.facts == FACTS
    assert FACTS not in trail_of(record)


def test_the_audit_administrator_reads_that_a_report_changed_but_not_its_matters(
        cadre_a, personas, client_for) -> None:
    report = report_for(cadre_a)
    report.property_summary = PROPERTY
    report.save()
    entry = AuditLog.objects.filter(object_id=str(report.pk), content_type__model="personalmattersreport").latest("id")
    page = client_for(personas["audit_admin"]).get(reverse("admin:audit_auditlog_change", args=[entry.pk]))
    assert page.status_code == 200
    assert PROPERTY not in page.content.decode()


def test_the_migration_rewrites_the_matters_kept_before_and_a_second_run_finds_none(cadre_a) -> None:
    report = report_for(cadre_a)
    legacy = AuditLog.objects.create(
        action=AuditAction.UPDATE, content_type=ContentType.objects.get_for_model(PersonalMattersReport),
        object_id=str(report.pk), unit_path=cadre_a.unit.path, object_repr=str(report),
        changes={"property_summary": ["", PROPERTY], "year": [2024, 2025]})

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.forward(apps, editor)
    legacy.refresh_from_db()
    assert legacy.changes == {"property_summary": ["", "***"], "year": [2024, 2025]}
    migration.forward(apps, editor)  # nothing left in clear: nothing changes
    legacy.refresh_from_db()
    assert legacy.changes["property_summary"] == ["", "***"]
