"""The demo's import jobs and sheets: a county's report committed, a sheet with the
usual mistakes waiting with its errors, a GBK file left to upload; a second run adds
nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType

from cadres.models import Cadre
from cadres.resources import CadreResource
from orgwork.accounts import roles
from orgwork.accounts.services import staff_create_or_update
from orgwork.audit.models import AuditAction, AuditLog, AuditSource
from orgwork.imports.engine import run_import
from orgwork.imports.models import ImportJob, JobStatus
from orgwork.imports.reader import open_sheet
from seeds.demo import DemoContext
from seeds.demo import cadres as demo_cadres
from seeds.demo import imports as demo_imports


def dry_run(path: Path, user: Any) -> Any:
    return run_import(CadreResource, user, open_sheet(str(path), path.name, CadreResource), commit=False)


def test_the_demo_imports_a_county_report_keeps_a_faulty_sheet_waiting_and_runs_once(
        tree: Any, role_groups: Any, settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    clerk, _ = staff_create_or_update(username=demo_imports.CLERK, unit_code=tree["county_a"].code,
                                      role=roles.CADRE_SUPERVISION)
    ctx = DemoContext(scale="small", stdout=io.StringIO())
    demo_cadres.build(ctx)
    demo_imports.build(ctx)

    report = ImportJob.objects.get(original_name=demo_imports.REPORT)
    assert (report.status, report.new_count, report.updated_count, report.error_rows) == (JobStatus.DONE, 5, 3, 0)
    assert Cadre.objects.filter(native_place=demo_imports.CORRECTED_PLACE).count() == 3
    written = AuditLog.objects.filter(source=AuditSource.IMPORT, actor=clerk,
                                      content_type=ContentType.objects.get_for_model(Cadre))
    assert written.filter(action=AuditAction.CREATE).count() == 5
    assert written.filter(action=AuditAction.UPDATE).count() == 3

    faulty = ImportJob.objects.get(original_name=demo_imports.WITH_ERRORS)
    assert (faulty.status, faulty.error_rows, faulty.new_count) == (JobStatus.AWAITING, 6, 0)
    assert faulty.file and not faulty.can_confirm
    messages = [(e["column"], e["message"]) for e in faulty.errors]
    for column, part in [("身份证号", "Excel"), ("身份证号", "校验位"), ("单位", "管辖范围"), ("出生年月", "不存在"),
                         ("身份证号", "重复"), ("出生年月", "不一致")]:
        assert any(c == column and part in m for c, m in messages), (column, part, messages)

    sheets = tmp_path / "demo-sheets"
    assert dry_run(sheets / demo_imports.REPORT, clerk).unchanged == 8  # the same file again: nothing to do
    waiting = dry_run(sheets / demo_imports.FOR_UPLOAD, clerk)
    assert (waiting.ok, waiting.new, waiting.rows) == (True, 4, 4)

    counts = (ImportJob.objects.count(), Cadre.objects.count(), AuditLog.objects.count())
    demo_imports.build(ctx)
    assert (ImportJob.objects.count(), Cadre.objects.count(), AuditLog.objects.count()) == counts
