"""A 个人有关事项报告 a 抽查 has drawn is what the check verified: it keeps its cadre and
year, and its 报告日期 may not pass the check's 核查日期 — on the page, the sheet and the service."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.supervision.models import PersonalMattersReport, SpotCheckDraw, SpotCheckOutcome
from cadres.supervision.resources import PersonalMattersReportResource
from cadres.supervision.services import personal_matters_report_save, spot_check_draw, spot_check_record_outcome
from orgwork.imports.engine import run_import
from orgwork.imports.reader import open_sheet
from tests.samples.cadres import cadre_in
from tests.samples.supervision import report_for

from .helpers import SYSTEM

HEAD = ["身份证号", "姓名", "报告年度", "报告日期", "婚姻及配偶子女情况", "房产投资收入情况", "出入境证件及出入境情况", "备注"]


@pytest.fixture
def checked_report(cadre_a, tree) -> PersonalMattersReport:
    """cadre_a's 2025 report (filed 2026-01-20), drawn and checked on 2026-03-01."""
    report = report_for(cadre_a, year=2025)
    draw = spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=1, seed=7),
                           actor=SYSTEM)
    spot_check_record_outcome(check=draw.checks.get(), outcome=SpotCheckOutcome.CONSISTENT,
                              checked_on=datetime.date(2026, 3, 1), actor=SYSTEM)
    return PersonalMattersReport.objects.get(pk=report.pk)


def page_data(report: PersonalMattersReport, **changes) -> dict:
    return {"cadre": report.cadre_id, "year": report.year, "submitted_on": report.submitted_on.isoformat(),
            "marital_changes": "", "property_summary": "", "travel_summary": "", "remarks": "", **changes}


def test_the_service_refuses_to_move_a_checked_report_to_another_cadre_or_year(checked_report, tree) -> None:
    checked_report.cadre = cadre_in(tree["county_a"], name="赵文斌")
    checked_report.year = 2024
    with pytest.raises(ValidationError) as refused:
        personal_matters_report_save(report=checked_report, actor=SYSTEM)
    errors = refused.value.message_dict
    assert "城关区 2025年度抽查（原抽取）" in errors["cadre"][0] and "不能更改报告年度" in errors["year"][0]


def test_the_service_refuses_a_report_date_after_the_check(checked_report) -> None:
    checked_report.submitted_on = datetime.date(2026, 3, 5)
    with pytest.raises(ValidationError) as refused:
        personal_matters_report_save(report=checked_report, actor=SYSTEM)
    assert "晚于「兰州市城关区 2025年度抽查（原抽取）」的核查日期 2026-03-01" in refused.value.message_dict["submitted_on"][0]
    checked_report.submitted_on = datetime.date(2026, 2, 1)  # still before the check: corrected
    personal_matters_report_save(report=checked_report, actor=SYSTEM)
    assert PersonalMattersReport.objects.get(pk=checked_report.pk).submitted_on == datetime.date(2026, 2, 1)


def test_the_report_page_refuses_another_cadre_year_or_a_date_after_the_check(
    checked_report, tree, county_a_clerk, client_for
) -> None:
    other = cadre_in(tree["county_a"], name="赵文斌")
    client = client_for(county_a_clerk)
    url = reverse("admin:supervision_personalmattersreport_change", args=[checked_report.pk])
    for changes in ({"cadre": other.pk}, {"year": 2024}, {"submitted_on": "2026-03-05"}):
        response = client.post(url, page_data(checked_report, **changes))
        assert response.status_code == 200 and "城关区 2025年度抽查（原抽取）" in response.content.decode()
    stored = PersonalMattersReport.objects.get(pk=checked_report.pk)
    assert (stored.cadre_id, stored.year, stored.submitted_on) == (
        checked_report.cadre_id, 2025, datetime.date(2026, 1, 20))


def test_the_reports_sheet_refuses_a_report_date_after_the_check(checked_report, county_a_clerk,
                                                                 tmp_path: Path) -> None:
    cadre = checked_report.cadre
    path = tmp_path / "个人有关事项报告.csv"
    rows = [HEAD, [cadre.id_number, cadre.name, "2025", "2026-03-05", "", "", "", ""]]
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    result = run_import(PersonalMattersReportResource, county_a_clerk,
                        open_sheet(str(path), path.name, PersonalMattersReportResource), commit=True)
    assert "核查日期 2026-03-01" in " ".join(str(e) for e in result.errors)
    assert PersonalMattersReport.objects.get(pk=checked_report.pk).submitted_on == datetime.date(2026, 1, 20)
