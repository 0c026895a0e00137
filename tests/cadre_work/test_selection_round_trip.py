"""The 民主评议 list exported and uploaded again as it stands: the file is the sheet, so it
holds the 新提拔干部评议 the sheet takes (each found by 身份证号) and every row is 未变. A
选人用人工作评议 has no cadre, hence no key the sheet could find it by: it stays out of
the file, and the list says so beside the table."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cadres.selection.models import EvaluationKind, SelectionEvaluation
from cadres.selection.services import evaluation_save
from orgwork.imports import services
from orgwork.imports.models import ImportJob

from .selection_samples import SYSTEM, promoted_cadre

pytestmark = pytest.mark.django_db
EVALUATIONS = reverse("admin:selection_selectionevaluation_changelist")


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def votes(**kinds: Any) -> dict[str, Any]:
    return {"year": 2025, "evaluated_on": datetime.date(2025, 12, 20), "good": 30, "fairly_good": 10, "average": 5,
            "poor": 2, **kinds}


@pytest.fixture
def evaluations(tree) -> list[SelectionEvaluation]:
    """Of the county's selection work, and of two cadres promoted in 2025 (one in each county)."""
    work = evaluation_save(evaluation=SelectionEvaluation(unit=tree["county_a"], kind=EvaluationKind.WORK, **votes()),
                           actor=SYSTEM)
    cadres = [evaluation_save(evaluation=SelectionEvaluation(
        unit=unit, kind=EvaluationKind.CADRE, cadre=promoted_cadre(unit, name=name), **votes()), actor=SYSTEM)
        for unit, name in ((tree["county_a"], "赵新民"), (tree["county_b"], "孙立新"))]
    return [work, *cadres]


def exported(client_for: Any, user: Any) -> Any:
    answer = client_for(user).get(reverse("admin:selection_selectionevaluation_export"))
    assert answer.status_code == 200
    return load_workbook(io.BytesIO(answer.content))


def uploaded(user: Any, workbook: Any) -> ImportJob:
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = services.job_create(user=user, resource="selection_evaluations",
                              uploaded=SimpleUploadedFile("民主评议.xlsx", buffer.getvalue()))
    services.job_validate(job_id=job.pk)
    job.refresh_from_db()
    return job


@pytest.mark.parametrize("persona,rows", [("county_a_clerk", 1), ("city_officer", 2)])
def test_an_exported_evaluation_list_uploaded_unchanged_is_unchanged(evaluations, client_for, personas, persona,
                                                                     rows):
    stored = list(SelectionEvaluation.objects.order_by("pk").values())
    workbook = exported(client_for, personas[persona])
    sheet = workbook.worksheets[0]
    assert sheet.max_row == rows + 1  # the cadres' evaluations, not the unit's selection work
    job = uploaded(personas[persona], workbook)
    assert (job.error_rows, job.rows, job.unchanged_count) == (0, rows, rows), job.errors
    assert list(SelectionEvaluation.objects.order_by("pk").values()) == stored


def test_the_list_says_its_export_leaves_the_selection_work_evaluations_out(evaluations, client_for,
                                                                            county_a_clerk):
    page = client_for(county_a_clerk).get(EVALUATIONS).content.decode()
    assert "当前列表中的选人用人工作评议 1 条不在导出文件中" in page
    only_cadres = client_for(county_a_clerk).get(EVALUATIONS + "?kind__exact=cadre").content.decode()
    assert 'id="evaluation-export-note"' not in only_cadres


def test_a_changed_row_of_the_exported_list_is_still_checked(evaluations, client_for, county_a_clerk):
    workbook = exported(client_for, county_a_clerk)
    sheet = workbook.worksheets[0]
    year = [c.value for c in sheet[1]].index("年度") + 1
    sheet.cell(2, year).value = "2024"  # not the year of his promotion
    job = uploaded(county_a_clerk, workbook)
    assert job.error_rows == 1 and "不属于新提拔干部" in str(job.errors)


def test_an_evaluation_dated_before_its_year_on_record_still_uploads_unchanged(evaluations, client_for,
                                                                               county_a_clerk):
    SelectionEvaluation.objects.filter(kind=EvaluationKind.CADRE).update(evaluated_on=datetime.date(2020, 1, 1))
    job = uploaded(county_a_clerk, exported(client_for, county_a_clerk))
    assert (job.error_rows, job.unchanged_count) == (0, 1), job.errors
