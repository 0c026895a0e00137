"""Import job workflow (导入任务流程): upload → 校验 → 确认 → 导入 → 完成/失败.

The two heavy steps run in a worker (``tasks.py``). Each starts by *claiming* the job:
a conditional status change under ``select_for_update(skip_locked=True)``, committed
before the work begins, so two workers — or a double-clicked confirm — never run the
same step twice.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone

from orgwork.audit.context import acting_as
from orgwork.audit.models import AuditAction, AuditSource
from orgwork.audit.recorder import record

from . import registry
from .access import can_import
from .engine import ImportResult, run_import
from .models import ImportJob, JobStatus
from .reader import FileError, check_extension, check_upload_size, open_sheet

logger = logging.getLogger(__name__)
STORED_ERRORS = 2000
STALE_AFTER = datetime.timedelta(hours=24)
RUNNING_STALE_AFTER = datetime.timedelta(hours=2)


def _sha256(uploaded: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def job_create(*, user: Any, resource: str, uploaded: UploadedFile) -> ImportJob:
    """Store the upload and queue its validation. Size and type are checked first."""
    from .tasks import validate_job

    resource_class = registry.get(resource)
    if not can_import(user, resource_class):
        raise PermissionDenied("您没有导入该类数据的权限。")
    if getattr(user, "unit_id", None) is None:
        raise ValidationError({"file": "您的账号没有所属单位，不能导入。"})
    try:
        check_upload_size(uploaded.size or 0)
        ext = check_extension(uploaded.name or "")
    except FileError as exc:
        raise ValidationError({"file": exc.message}) from None
    with transaction.atomic():
        job = ImportJob(
            resource=resource, original_name=(uploaded.name or "")[:255], size=uploaded.size or 0,
            checksum=_sha256(uploaded), uploader=user, unit_id=user.unit_id,
        )
        job.file.save(f"{timezone.now():%d%H%M%S}{ext}", uploaded, save=False)
        job.save()
        transaction.on_commit(lambda: validate_job.enqueue(job.pk))
    return job


def _claim(job_id: int, *, from_status: str, to_status: str, **conditions: Any) -> ImportJob | None:
    """Move the job from one status to the next if nobody else holds or moved it."""
    with transaction.atomic():
        job = (ImportJob.objects.select_for_update(skip_locked=True)
               .filter(pk=job_id, status=from_status, **conditions).first())
        if job is None:
            return None
        job.status = to_status
        job.processed = 0
        job.save(update_fields=["status", "processed"])
    return job


class ProgressReporter:
    """Writes ``processed``/``total`` to the job row where the polling page can see it.

    The commit runs inside one long transaction, invisible to other connections until it
    ends; on PostgreSQL progress therefore goes through a second, autocommit connection.
    Progress counters are bookkeeping, not business state, so they are not audited.
    """

    def __init__(self, job: ImportJob) -> None:
        self.job_id = job.pk
        self._conn: Any = None
        if connection.vendor == "postgresql":
            import psycopg

            params = connection.get_connection_params()
            params.pop("cursor_factory", None)
            params.pop("context", None)
            self._conn = psycopg.connect(**params, autocommit=True)

    def __call__(self, processed: int, total: int) -> None:
        table = ImportJob._meta.db_table
        if self._conn is not None:
            self._conn.execute(f'UPDATE "{table}" SET processed = %s, total = %s WHERE id = %s',
                               (processed, total, self.job_id))
        elif not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(processed=processed, total=total)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _store_result(job: ImportJob, result: ImportResult) -> list[str]:
    job.rows = result.rows
    job.new_count = result.new
    job.updated_count = result.updated
    job.unchanged_count = result.unchanged
    job.error_rows = result.error_rows
    job.error_count = result.error_count
    job.errors = [e.as_dict() for e in result.errors[:STORED_ERRORS]]
    job.processed = result.rows
    job.total = result.rows
    return ["rows", "new_count", "updated_count", "unchanged_count", "error_rows", "error_count", "errors",
            "processed", "total"]


def _fail(job: ImportJob, message: str) -> None:
    job.status = JobStatus.FAILED
    job.message = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "finished_at"])
    remove_file(job)


def remove_file(job: ImportJob) -> None:
    """The uploaded copy goes as soon as the job no longer needs it."""
    if job.file:
        try:
            job.file.delete(save=False)
        except OSError:
            logger.warning("could not remove import file of job %s", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(file="")  # bookkeeping: the file is gone


def _run(job: ImportJob, *, commit: bool) -> ImportResult:
    resource_class = registry.get(job.resource)
    progress = ProgressReporter(job)
    try:
        sheet = open_sheet(job.file.path, job.original_name, resource_class)
        progress(0, sheet.estimated_rows)
        return run_import(resource_class, job.uploader, sheet, commit=commit, progress=progress)
    finally:
        progress.close()


def job_validate(*, job_id: int) -> str:
    """The dry run: counts and row errors, nothing written. Returns the new status."""
    job = _claim(job_id, from_status=JobStatus.PENDING, to_status=JobStatus.VALIDATING)
    if job is None:
        return "skipped"
    with acting_as(job.uploader, source=AuditSource.TASK):
        try:
            result = _run(job, commit=False)
        except FileError as exc:
            _fail(job, exc.message)
            return JobStatus.FAILED
        except Exception:
            logger.exception("import job %s failed during validation", job.pk)
            _fail(job, "校验时发生系统错误，请联系系统管理员。")
            return JobStatus.FAILED
        fields = _store_result(job, result)
        job.status = JobStatus.AWAITING
        job.validated_at = timezone.now()
        job.message = "校验通过，请确认导入。" if result.ok and result.rows else (
            "文件中没有数据行。" if not result.rows else f"有 {result.error_rows} 行数据有误，请修改后重新上传。")
        job.save(update_fields=[*fields, "status", "validated_at", "message"])
    return job.status


def job_confirm(*, job: ImportJob, user: Any) -> ImportJob:
    """Request the commit. A second click, or a job with errors, changes nothing."""
    from .tasks import commit_job

    if not can_import(user, registry.get(job.resource)):
        raise PermissionDenied("您没有导入该类数据的权限。")
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.confirmed_at is not None:
            return locked
        if not locked.can_confirm:
            raise ValidationError({"status": f"导入任务当前为「{locked.get_status_display()}」，不能确认导入。"})
        locked.confirmed_by = user
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["confirmed_by", "confirmed_at"])
        record(locked, action=AuditAction.TRANSITION, message="确认导入")
        transaction.on_commit(lambda: commit_job.enqueue(locked.pk))
    return locked


def job_commit(*, job_id: int) -> str:
    """The commit: everything in one transaction, or nothing."""
    job = _claim(job_id, from_status=JobStatus.AWAITING, to_status=JobStatus.IMPORTING,
                 confirmed_at__isnull=False, error_count=0)
    if job is None:
        return "skipped"
    with acting_as(job.confirmed_by or job.uploader, source=AuditSource.IMPORT):
        try:
            result = _run(job, commit=True)
        except FileError as exc:
            _fail(job, exc.message)
            return JobStatus.FAILED
        except Exception:
            logger.exception("import job %s failed during commit", job.pk)
            _fail(job, "导入时发生系统错误，数据未作任何修改。请联系系统管理员。")
            return JobStatus.FAILED
        fields = _store_result(job, result)
        if not result.committed:
            job.status = JobStatus.FAILED
            job.message = f"导入前复核发现 {result.error_rows} 行有误（数据可能已被他人修改），全部未导入。"
        else:
            job.status = JobStatus.DONE
            job.message = f"导入完成：新增 {result.new} 条，更新 {result.updated} 条，未变 {result.unchanged} 条。"
        job.finished_at = timezone.now()
        job.save(update_fields=[*fields, "status", "message", "finished_at"])
    remove_file(job)
    return job.status


def job_abandon(*, job: ImportJob, user: Any) -> ImportJob:
    """放弃: the user does not want to import this file after all."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status not in (JobStatus.PENDING, JobStatus.AWAITING) or locked.confirmed_at is not None:
            raise ValidationError({"status": f"导入任务当前为「{locked.get_status_display()}」，不能放弃。"})
        locked.status = JobStatus.FAILED
        locked.message = f"已由 {user.username} 放弃。"
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "message", "finished_at"])
    remove_file(locked)
    return locked


def jobs_cleanup(*, now: datetime.datetime | None = None) -> int:
    """Fail jobs abandoned or interrupted long ago and remove every leftover file."""
    now = now or timezone.now()
    count = 0
    stale = ImportJob.objects.filter(status__in=[JobStatus.PENDING, JobStatus.AWAITING],
                                     created_at__lt=now - STALE_AFTER)
    stuck = ImportJob.objects.filter(status__in=[JobStatus.VALIDATING, JobStatus.IMPORTING],
                                     created_at__lt=now - RUNNING_STALE_AFTER)
    for job in list(stale) + list(stuck):
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update(skip_locked=True).filter(pk=job.pk,
                                                                                   status=job.status).first()
            if locked is None:
                continue
            locked.status = JobStatus.FAILED
            locked.message = "任务超时未完成，已自动关闭，数据未作修改。"
            locked.finished_at = now
            locked.save(update_fields=["status", "message", "finished_at"])
        remove_file(locked)
        count += 1
    for job in ImportJob.objects.filter(status__in=[JobStatus.DONE, JobStatus.FAILED]).exclude(file=""):
        remove_file(job)
    return count
