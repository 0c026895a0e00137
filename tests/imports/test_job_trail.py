"""The worker taking up an import job is named in the audit trail (QA #17)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orgwork.audit.models import AuditLog
from orgwork.imports import services

from .conftest import HEAD, person
from .sheets import workbook_bytes

pytestmark = pytest.mark.django_db


def test_the_worker_taking_up_a_job_reads_as_the_import_job_in_the_audit_trail(
        media: Path, test_resource: Any, county_a_clerk: Any) -> None:
    job = services.job_create(user=county_a_clerk, resource="test_cadres",
                              uploaded=SimpleUploadedFile("干部.xlsx", workbook_bytes([HEAD, person(1)])))
    services.job_validate(job_id=job.pk)
    claimed = AuditLog.objects.filter(content_type__model="importjob", object_id=str(job.pk),
                                      action="update", changes__has_key="status").order_by("pk").first()
    assert claimed is not None and claimed.actor_name == "system:import_job"
    assert claimed.actor_shown == "系统（导入任务）"
