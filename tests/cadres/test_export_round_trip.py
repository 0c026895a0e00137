"""A cadre list exported with masked numbers, uploaded again unchanged by the clerk who
exported it: the numbers come back from the records (orgwork.imports.restore)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from orgwork.imports import services

pytestmark = pytest.mark.django_db


def test_a_masked_cadre_export_uploaded_unchanged_changes_nothing(settings, tmp_path, make_cadre, client_for,
                                                                  county_a_clerk):
    settings.MEDIA_ROOT = tmp_path / "media"
    cadres = [make_cadre(), make_cadre()]
    answer = client_for(county_a_clerk).get(reverse("admin:cadres_cadre_export"))
    workbook = load_workbook(io.BytesIO(answer.content))
    cells = [c for row in workbook.worksheets[0].iter_rows(values_only=True) for c in row]
    assert all(c.masked_id_number in cells and c.id_number not in cells for c in cadres)
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = services.job_create(user=county_a_clerk, resource="cadres",
                              uploaded=SimpleUploadedFile("干部.xlsx", buffer.getvalue()))
    services.job_validate(job_id=job.pk)
    job.refresh_from_db()
    assert "已按导出文件还原 2 个被遮蔽的号码" in job.message
    assert (job.error_rows, job.unchanged_count) == (0, 2), job.errors
