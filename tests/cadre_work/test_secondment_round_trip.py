"""The 选派干部 list exported and uploaded again as it stands: every row is 未变, the
assignments already 召回 or 轮换 too; a row that changes one of them is still refused."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cadres.secondment.models import Assignment, AssignmentStatus
from cadres.secondment.services import assignment_end
from orgwork.imports import services
from orgwork.imports.models import ImportJob

from .secondment_helpers import SYSTEM, cadre_a, cadre_a2, cadre_b, days_ago, second, station  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def assignments(tree, cadre_a, cadre_a2, cadre_b) -> dict[str, Assignment]:
    recalled = second(cadre_a, host=tree["township_a"], post="副镇长", start=days_ago(300))
    assignment_end(assignment=recalled, status=AssignmentStatus.RECALLED, left_on=days_ago(10),
                   reason="工作需要", actor=SYSTEM)
    return {"recalled": Assignment.objects.get(pk=recalled.pk),
            "active": station(cadre_a2, township=tree["township_a"], village="红山村", start=days_ago(200)),
            "other_county": second(cadre_b, host=tree["county_b"], post="副区长", start=days_ago(100))}


def exported(client_for: Any, user: Any) -> Any:
    """The list under 全部 (it starts on those 在岗), exported."""
    answer = client_for(user).get(reverse("admin:secondment_assignment_export") + "?status__exact=all")
    assert answer.status_code == 200
    return load_workbook(io.BytesIO(answer.content))


def uploaded(user: Any, workbook: Any) -> ImportJob:
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = services.job_create(user=user, resource="secondment_assignments",
                              uploaded=SimpleUploadedFile("选派干部.xlsx", buffer.getvalue()))
    services.job_validate(job_id=job.pk)
    job.refresh_from_db()
    return job


@pytest.mark.parametrize("persona,rows", [("county_a_clerk", 2), ("city_officer", 3)])
def test_an_exported_assignment_list_uploaded_unchanged_is_unchanged_ended_rows_too(
        assignments, client_for, personas, persona, rows):
    stored = list(Assignment.objects.order_by("pk").values())
    job = uploaded(personas[persona], exported(client_for, personas[persona]))
    assert (job.error_rows, job.rows, job.unchanged_count) == (0, rows, rows), job.errors
    assert (job.new_count, job.updated_count) == (0, 0)
    assert list(Assignment.objects.order_by("pk").values()) == stored


def test_a_changed_row_of_a_recalled_assignment_is_still_refused(assignments, client_for, county_a_clerk):
    workbook = exported(client_for, county_a_clerk)
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    post = headers.index("挂任职务") + 1
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, post).value == "副镇长")
    sheet.cell(row, post).value = "镇长"
    job = uploaded(county_a_clerk, workbook)
    assert job.error_rows == 1 and job.unchanged_count == 1
    assert "该选派已召回，不能再由表格修改。" in str(job.errors)
    assert Assignment.objects.get(pk=assignments["recalled"].pk).post == "副镇长"
