"""A year typed out of range (20250 for 2025, 0) is told on the form in Chinese, not met
with a server error; a 轮换 naming a replacement is recorded on the ended term by one
audit row, the replacement in it."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from cadres.secondment import services
from cadres.secondment.models import Assignment, AssignmentStatus
from cadres.supervision.models import PersonalMattersReport
from orgwork.audit.models import AuditLog
from tests.samples.supervision import report_for

from .secondment_helpers import SYSTEM, cadre_a, cadre_a2, days_ago, station  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", ["20250", "32767", "99999999999999999999"])
def test_the_report_page_tells_a_year_out_of_range_instead_of_failing(cadre_a, county_a_clerk, client_for,
                                                                      year) -> None:
    report = report_for(cadre_a, year=2025)
    url = reverse("admin:supervision_personalmattersreport_change", args=[report.pk])
    response = client_for(county_a_clerk).post(url, {
        "cadre": report.cadre_id, "year": year, "submitted_on": report.submitted_on.isoformat(),
        "marital_changes": "", "property_summary": "", "travel_summary": "", "remarks": ""})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["year"]
    assert PersonalMattersReport.objects.get(pk=report.pk).year == 2025


def test_the_evaluation_page_tells_a_year_of_0_instead_of_failing(tree, cadre_a, county_a_clerk, client_for) -> None:
    response = client_for(county_a_clerk).post(reverse("admin:selection_selectionevaluation_add"), {
        "unit": tree["county_a"].pk, "year": "0", "kind": "cadre", "cadre": cadre_a.pk, "evaluated_on": "2025-12-01",
        "good": 5, "fairly_good": 5, "average": 2, "poor": 1})
    assert response.status_code == 200
    assert "评议年度「0」无效" in str(response.context["adminform"].form.errors)


def test_a_rotation_with_its_replacement_is_one_audit_row_on_the_ended_term(tree, cadre_a, cadre_a2) -> None:
    first = station(cadre_a, township=tree["township_a"])
    before = AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(Assignment),
                                     object_id=str(first.pk)).count()
    services.assignment_end(assignment=first, status=AssignmentStatus.ROTATED, left_on=days_ago(5),
                            reason="工作需要", replacement_cadre=cadre_a2, actor=SYSTEM)
    rows = list(AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(Assignment),
                                        object_id=str(first.pk)).order_by("id"))[before:]
    first.refresh_from_db()
    assert len(rows) == 1
    assert rows[0].message == "轮换：工作需要"
    assert set(rows[0].changes) >= {"status", "left_on", "end_reason", "replacement"}
    assert first.status == AssignmentStatus.ROTATED and first.replacement.cadre == cadre_a2
    assert first.replacement.starts_on == days_ago(5) and first.left_on == days_ago(5)
