"""An export and its import as a clerk does them: the list exported through the admin
view, the file imported through the job's steps, as the worker runs them."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from orgwork.audit.models import AuditLog
from orgwork.imports import services as jobs
from orgwork.imports.models import ImportJob, JobStatus
from orgwork.rectification.models import RectificationItem

ITEMS = "rectification_items"
CHECKLISTS = "rectification_checklists"
EXPORT_URLS = {ITEMS: "admin:rectification_rectificationitem_export",
               CHECKLISTS: "admin:rectification_checklist_export"}


def exported(client: Any, fmt: str = "xlsx", resource: str = ITEMS) -> bytes:
    response = client.get(reverse(EXPORT_URLS[resource]), {"_export": fmt} if fmt == "csv" else {})
    assert response.status_code == 200
    return response.content


def imported(user: Any, name: str, content: bytes, resource: str = ITEMS) -> ImportJob:
    """The file through the job's steps: validate, confirm, commit."""
    job = jobs.job_create(user=user, resource=resource, uploaded=SimpleUploadedFile(name, content))
    jobs.job_validate(job_id=job.pk)
    job.refresh_from_db()
    if job.status == JobStatus.AWAITING and not job.error_rows:
        jobs.job_confirm(job=job, user=user)
        jobs.job_commit(job_id=job.pk)
        job.refresh_from_db()
    return job


def sheet_rows(content: bytes) -> tuple[list[Any], list[list[Any]]]:
    """An exported workbook's header and rows, as lists a test may edit."""
    header, *rows = [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]
    return header, rows


def item_rows() -> list[tuple[Any, ...]]:
    return list(RectificationItem.objects.order_by("pk").values_list(
        "pk", "checklist_id", "source", "problem", "responsible_unit_id", "responsible_person", "lead_leader",
        "measure", "deadline", "state", "version"))


def item_audit_rows() -> int:
    return AuditLog.objects.filter(content_type__model="rectificationitem").count()


def assert_items_import_back_unchanged(client: Any, user: Any, fmt: str, rows: int) -> None:
    """The user's 整改事项 export, imported as it is: every row 未变, nothing written."""
    content = exported(client, fmt)
    before, audited = item_rows(), item_audit_rows()

    job = imported(user, f"整改事项.{fmt}", content)

    assert (job.status, job.errors) == (JobStatus.DONE, [])
    assert (job.rows, job.new_count, job.updated_count, job.unchanged_count) == (rows, 0, 0, rows)
    assert (item_rows(), item_audit_rows()) == (before, audited)
