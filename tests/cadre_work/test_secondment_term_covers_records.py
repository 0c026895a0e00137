"""A 选派's term covers what is recorded on it: correcting its dates or ending it may not
leave a 在岗抽查 or a 年度考核 outside — on the service, the page, its buttons, the batch
action and the sheet — and the refusal names the first record left out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.secondment.models import AssessmentGrade, Assignment, AssignmentAssessment, AssignmentStatus
from cadres.secondment.resources import AssignmentResource
from cadres.secondment.services import assignment_assess, assignment_end, assignment_save
from orgwork.imports.engine import run_import
from orgwork.imports.reader import open_sheet

from .secondment_helpers import (  # noqa: F401  (fixtures)
    SYSTEM,
    cadre_a,
    check,
    days_ago,
    station,
    today,
    years_on,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked(tree, cadre_a) -> Assignment:
    """A 第一书记 in post for 400 days, checked (在岗) 100 days ago."""
    a = station(cadre_a, township=tree["township_a"], start=days_ago(400))
    check(a, days_ago(100), present=True)
    return Assignment.objects.get(pk=a.pk)


def said_of_the_check() -> str:
    return f"{days_ago(100):%Y-%m-%d}的在岗抽查（在岗，抽查人暗访组）落在选派期间"


def test_the_service_refuses_a_start_moved_past_a_recorded_duty_check(checked) -> None:
    checked.starts_on = days_ago(50)
    with pytest.raises(ValidationError) as refused:
        assignment_save(assignment=checked, actor=SYSTEM)
    assert said_of_the_check() in refused.value.message_dict["starts_on"][0]
    assert Assignment.objects.get(pk=checked.pk).starts_on == days_ago(400)


def test_the_service_refuses_an_end_brought_before_a_recorded_assessment(tree, cadre_a) -> None:
    a = station(cadre_a, township=tree["township_a"], start=days_ago(400))
    assignment_assess(assessment=AssignmentAssessment(assignment=a, year=today().year, grade=AssessmentGrade.COMPETENT),
                      actor=SYSTEM)
    a = Assignment.objects.get(pk=a.pk)
    a.ends_on = a.starts_on.replace(month=12, day=31)
    with pytest.raises(ValidationError) as refused:
        assignment_save(assignment=a, actor=SYSTEM)
    assert f"{today().year}年度的年度考核（称职）落在选派期间" in refused.value.message_dict["ends_on"][0]


def test_the_service_refuses_to_end_an_assignment_before_a_recorded_duty_check(checked) -> None:
    with pytest.raises(ValidationError) as refused:
        assignment_end(assignment=checked, status=AssignmentStatus.COMPLETED, left_on=days_ago(150), actor=SYSTEM)
    assert said_of_the_check() in refused.value.message_dict["left_on"][0]
    assert Assignment.objects.get(pk=checked.pk).status == AssignmentStatus.ACTIVE
    assignment_end(assignment=checked, status=AssignmentStatus.COMPLETED, left_on=days_ago(99), actor=SYSTEM)


def test_the_assignment_page_refuses_a_start_moved_past_a_recorded_duty_check(checked, county_a_clerk,
                                                                              client_for) -> None:
    response = client_for(county_a_clerk).post(reverse("admin:secondment_assignment_change", args=[checked.pk]), {
        "kind": checked.kind, "cadre": checked.cadre_id, "sending_unit": checked.sending_unit_id, "host_unit": "",
        "post": "", "township": checked.township_id, "village": checked.village, "remarks": "",
        "starts_on": days_ago(50).isoformat(), "ends_on": checked.ends_on.isoformat(),
        "duty_checks-TOTAL_FORMS": "0", "duty_checks-INITIAL_FORMS": "0",
        "assessments-TOTAL_FORMS": "0", "assessments-INITIAL_FORMS": "0"})
    assert response.status_code == 200 and said_of_the_check() in response.content.decode()
    assert Assignment.objects.get(pk=checked.pk).starts_on == days_ago(400)


def test_the_recall_button_refuses_a_leaving_day_before_a_recorded_duty_check(checked, county_a_clerk,
                                                                             client_for) -> None:
    response = client_for(county_a_clerk).post(
        reverse("admin:secondment_assignment_recall_step", args=[checked.pk]),
        {"left_on": days_ago(150).isoformat(), "reason": "不在岗"})
    assert response.status_code == 200 and said_of_the_check() in response.content.decode()
    assert Assignment.objects.get(pk=checked.pk).status == AssignmentStatus.ACTIVE


def test_the_batch_completion_names_the_duty_check_it_would_leave_out(checked, county_a_clerk, client_for) -> None:
    response = client_for(county_a_clerk).post(reverse("admin:secondment_assignment_changelist"), {
        "action": "complete_selected", "_selected_action": [checked.pk], "apply": "1",
        "left_on": days_ago(150).isoformat()}, follow=True)
    assert said_of_the_check() in response.content.decode()
    assert Assignment.objects.get(pk=checked.pk).status == AssignmentStatus.ACTIVE


def test_the_assignments_sheet_refuses_an_end_brought_before_a_recorded_duty_check(
    tmp_path: Path, checked, county_a_clerk
) -> None:
    cadre = checked.cadre
    head = ["选派类型", "身份证号", "姓名", "派出单位", "挂职单位", "挂任职务", "所在乡镇", "驻村名称", "选派开始日期",
            "选派期满日期"]
    row: list[Any] = ["第一书记", cadre.id_number, cadre.name, cadre.unit.code, "", "", "620102001", checked.village,
                      checked.starts_on.isoformat(), days_ago(150).isoformat()]
    path = tmp_path / "sheet.csv"
    path.write_text("\r\n".join(",".join(str(v) for v in r) for r in [head, row]) + "\r\n", encoding="utf-8")
    result = run_import(AssignmentResource, county_a_clerk, open_sheet(str(path), path.name, AssignmentResource),
                        commit=True)
    assert not result.committed and said_of_the_check() in " ".join(e.message for e in result.errors)
    assert Assignment.objects.get(pk=checked.pk).ends_on == years_on(days_ago(400), 2)
