"""Handling records and personal-matters reports through both import paths; the demo
step; the draw-verification command."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
import tablib
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from cadres.supervision.models import (
    DisciplineFinding,
    DisciplineKind,
    FileAudit,
    FileAuditStatus,
    HandlingRecord,
    HandlingType,
    PersonalMattersReport,
    SpotCheck,
    SpotCheckOutcome,
    TravelDocumentLoan,
    VettingCase,
    VettingStatus,
)
from cadres.supervision.resources import HandlingRecordResource, PersonalMattersReportResource
from cadres.supervision.selectors import blockers_for, findings_not_carried_out, overdue_loans
from cadres.supervision.worklists import findings_due, travel_loans_due, vetting_cases_due
from orgwork.imports.engine import run_import
from orgwork.imports.reader import open_sheet
from seeds.demo import DemoContext
from seeds.demo import cadres as demo_cadres
from seeds.demo import supervision as demo_supervision
from tests.samples.supervision import draw_sample
from django.utils import timezone

HANDLING_HEAD = ["身份证号", "姓名", "处理方式", "线索来源", "决定日期", "文号", "承办人", "主要事实"]


def handling_row(cadre, kind: str = "诫勉谈话", day: str = "2025.08.31") -> list[str]:
    return [cadre.id_number, cadre.name, kind, "巡视", day, "城组通〔2025〕9号", "刘明", "违规发放津贴"]


def test_a_handling_sheet_gets_the_influence_period_from_the_rules(cadre_a, county_a_clerk, tmp_path: Path) -> None:
    path = tmp_path / "组织处理.csv"
    path.write_text("\n".join(",".join(r) for r in [HANDLING_HEAD, handling_row(cadre_a)]) + "\n", encoding="utf-8")
    result = run_import(HandlingRecordResource, county_a_clerk, open_sheet(str(path), path.name, HandlingRecordResource),
                        commit=True)
    assert result.committed, result.errors
    record = HandlingRecord.objects.get(cadre=cadre_a)
    assert (record.handling_type, record.source) == (HandlingType.ADMONISHMENT, "inspection")
    assert (record.influence_months, record.influence_ends_on) == (6, datetime.date(2026, 2, 28))


def test_a_handling_sheet_through_the_import_engine(cadre_a, county_a_clerk, tmp_path: Path) -> None:
    path = tmp_path / "组织处理.csv"
    rows = [",".join(HANDLING_HEAD), ",".join(handling_row(cadre_a, kind="降职", day="2025-01-31"))]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    sheet = open_sheet(str(path), path.name, HandlingRecordResource)
    result = run_import(HandlingRecordResource, county_a_clerk, sheet, commit=True)
    assert result.ok, result.errors
    record = HandlingRecord.objects.get(cadre=cadre_a)
    assert (record.influence_months, record.influence_ends_on) == (24, datetime.date(2027, 1, 31))


def test_a_handling_row_for_another_countys_cadre_is_refused(cadre_a, county_b_clerk) -> None:
    data = tablib.Dataset(handling_row(cadre_a), headers=HANDLING_HEAD)
    result = HandlingRecordResource(user=county_b_clerk).import_data(data, dry_run=False)
    assert result.has_validation_errors() and not HandlingRecord.objects.exists()


def test_a_personal_matters_sheet_matches_cadres_by_id_number(cadre_a, county_a_clerk) -> None:
    data = tablib.Dataset([cadre_a.id_number, "", "2025", "2026年1月20日", "无变化"],
                          headers=["身份证号", "姓名", "报告年度", "报告日期", "婚姻及配偶子女情况"])
    result = PersonalMattersReportResource(user=county_a_clerk).import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    report = PersonalMattersReport.objects.get(cadre=cadre_a)
    assert (report.year, report.submitted_on) == (2025, datetime.date(2026, 1, 20))


def test_the_demo_step_covers_every_workflow_and_is_idempotent(tree) -> None:
    ctx = DemoContext(scale="small", stdout=io.StringIO())
    demo_cadres.build(ctx)
    demo_supervision.build(ctx)
    assert set(HandlingRecord.objects.values_list("handling_type", flat=True)) == set(HandlingType.values)
    assert HandlingRecord.objects.filter(influence_ends_on__gte=timezone.localdate()).exists()
    statuses = set(VettingCase.objects.values_list("status", flat=True))
    assert {VettingStatus.CLEARED, VettingStatus.REVIEWING} <= statuses
    assert any(blockers_for(case.cadre) for case in VettingCase.objects.filter(status=VettingStatus.REVIEWING))
    outcomes = set(SpotCheck.objects.values_list("outcome", flat=True))
    assert {SpotCheckOutcome.OMITTED, SpotCheckOutcome.CONCEALED} & outcomes
    assert FileAudit.objects.filter(status=FileAuditStatus.SUSPECTED).exists()
    assert overdue_loans(None).count() == 0  # no user, no scope: nothing
    assert TravelDocumentLoan.objects.filter(returned_on__isnull=True,
                                             due_on__lt=timezone.localdate()).count() == 1
    # Each of the three supervision deadline sources has an item due within its rule's
    # lead time (7 days for 审查 and 抽查 findings, 3 for loans).
    today = timezone.localdate()
    assert list(vetting_cases_due(today + datetime.timedelta(days=7)))
    assert list(findings_due(today + datetime.timedelta(days=7)))
    assert list(travel_loans_due(today + datetime.timedelta(days=3)))
    findings = DisciplineFinding.objects.all()
    assert findings.count() == 4 and findings.filter(influence_ends_on__gte=timezone.localdate()).count() == 3
    # The 撤职 decided lately is not carried out yet: its 台账 has a row to show.
    everyone = get_user_model()(username="province", is_superuser=True, is_active=True)
    assert [f.kind for f in findings_not_carried_out(everyone)] == [DisciplineKind.PUBLIC_DISMISSAL]
    counts = (HandlingRecord.objects.count(), SpotCheck.objects.count(), TravelDocumentLoan.objects.count(),
              findings.count())
    demo_supervision.build(ctx)
    assert (HandlingRecord.objects.count(), SpotCheck.objects.count(), TravelDocumentLoan.objects.count(),
            findings.count()) == counts


def test_the_verify_command_reproduces_a_recorded_draw(tree) -> None:
    draw = draw_sample(tree["county_a"])
    out = io.StringIO()
    call_command("supervision_verify_draw", str(draw.pk), stdout=out)
    assert "与记录一致" in out.getvalue()


def test_the_verify_command_notices_a_tampered_population(tree) -> None:
    draw = draw_sample(tree["county_a"])
    type(draw).objects.filter(pk=draw.pk).update(population=[[999999, 1]])  # tampering, deliberately raw
    with pytest.raises(CommandError, match="摘要不一致"):
        call_command("supervision_verify_draw", str(draw.pk), stdout=io.StringIO())
