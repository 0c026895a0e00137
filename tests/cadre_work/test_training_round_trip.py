"""The 班次学员考勤 list exported and uploaded again as it stands: every row is 未变, the
rows of a province class the county's cadres attended (the list picks rows by the
trainee's unit) and of a class since closed too. A changed row is still checked: the
roster of a class is kept by its organiser, as on the form."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cadres.training.models import ClassAttendance
from cadres.training.services import training_class_close
from orgwork.imports import services
from orgwork.imports.models import ImportJob

from .training_helpers import SYSTEM, attend, class_in, county_cadre

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def classes(tree) -> dict[str, Any]:
    """A province class (closed) and a county class, attended by two of the county's cadres;
    a class of the other county, attended by its own cadre."""
    province = class_in(tree["province"], code="DEMO-2026-001", name="全省专题培训班")
    county = class_in(tree["county_a"], code="PX-CG-001", name="城关区干部培训班")
    other = class_in(tree["county_b"], code="PX-QLH-001", name="七里河区干部培训班")
    one, two = county_cadre(tree["county_a"], "李志强"), county_cadre(tree["county_a"], "赵文华")
    for cadre in (one, two):
        attend(province, cadre)
        attend(county, cadre)
    attend(other, county_cadre(tree["county_b"], "王海东"))
    training_class_close(training_class=province, closed_on=province.ends_on, actor=SYSTEM)
    return {"province": province, "county": county, "other": other}


def exported(client_for: Any, user: Any) -> Any:
    answer = client_for(user).get(reverse("admin:training_classattendance_export"))
    assert answer.status_code == 200
    return load_workbook(io.BytesIO(answer.content))


def uploaded(user: Any, workbook: Any) -> ImportJob:
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = services.job_create(user=user, resource="training_attendance",
                              uploaded=SimpleUploadedFile("学员考勤.xlsx", buffer.getvalue()))
    services.job_validate(job_id=job.pk)
    job.refresh_from_db()
    return job


def first_row_of(workbook: Any, code: str) -> tuple[Any, int, list[Any]]:
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == code)
    return sheet, row, headers


@pytest.mark.parametrize("persona,rows", [("county_a_clerk", 4), ("city_officer", 5)])
def test_an_exported_attendance_list_with_a_province_class_uploaded_unchanged_is_unchanged(
        classes, client_for, personas, persona, rows):
    stored = list(ClassAttendance.objects.order_by("pk").values())
    workbook = exported(client_for, personas[persona])
    first_row_of(workbook, "DEMO-2026-001")
    job = uploaded(personas[persona], workbook)
    assert (job.error_rows, job.rows, job.unchanged_count) == (0, rows, rows), job.errors
    assert list(ClassAttendance.objects.order_by("pk").values()) == stored


def test_a_county_clerk_cannot_change_the_attendance_of_a_class_the_province_organises(
        classes, client_for, county_a_clerk):
    workbook = exported(client_for, county_a_clerk)
    sheet, row, headers = first_row_of(workbook, "DEMO-2026-001")
    sheet.cell(row, headers.index("出勤情况") + 1).value = "请假"
    job = uploaded(county_a_clerk, workbook)
    assert job.error_rows == 1 and job.unchanged_count == 3
    assert [e["column"] for e in job.errors] == ["班次编号"], job.errors
    assert "「全省专题培训班」由甘肃省主办" in job.errors[0]["message"]


def test_a_changed_row_of_the_countys_own_class_is_still_checked(classes, client_for, county_a_clerk):
    workbook = exported(client_for, county_a_clerk)
    sheet, row, headers = first_row_of(workbook, "PX-CG-001")
    sheet.cell(row, headers.index("日期") + 1).value = "2026-04-30"
    job = uploaded(county_a_clerk, workbook)
    assert job.error_rows == 1 and "考勤日期须在培训班日期之内" in str(job.errors)


def test_a_class_the_clerk_has_no_business_with_is_still_not_found(classes, client_for, county_a_clerk):
    workbook = exported(client_for, county_a_clerk)
    sheet, row, _ = first_row_of(workbook, "PX-CG-001")
    sheet.cell(row, 1).value = "PX-QLH-001"
    job = uploaded(county_a_clerk, workbook)
    assert [(e["column"], e["message"]) for e in job.errors] == [("班次编号", "该班次编号的培训班不存在或不在您的管辖范围内。")]
