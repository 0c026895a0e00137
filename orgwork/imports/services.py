"""Import job workflow (导入任务流程): upload → 校验 → 确认 → 导入 → 完成/失败.

The two heavy steps run in a worker (``tasks.py``). Each starts by *claiming* the job:
a conditional status change under ``select_for_update(skip_locked=True)``, committed
before the work begins, so two workers — or a double-clicked confirm — never run the
same step twice.

A worker can die mid-job (killed, its machine gone, its database connection cut). On
PostgreSQL the worker holds a session-level advisory lock on the job from the claim to
the end of the step; the database drops it with the session. A job 校验中/导入中 whose
lock is free has lost its worker: ``job_close_if_orphaned`` marks it 失败, which the job
page, every worker before each step and ``cleanup_imports`` do. The commit writes the
job's 完成 in the same transaction as the rows, so a job still 导入中 wrote nothing.
Elsewhere (SQLite, the demo) a job without progress for two hours counts as abandoned.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import time
import zlib
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import psycopg
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from orgwork.audit.context import acting_as, current_actor
from orgwork.audit.models import AuditAction, AuditSource
from orgwork.audit.recorder import record
from orgwork.common.contract import SystemActor
from orgwork.common.workers import WorkerLock, fail_lost_task_results, on_postgres

from . import registry
from .access import can_abandon, can_import
from .engine import ImportResult, run_import
from .models import RUNNING_STATUSES, ImportJob, ImportJobRow, JobStatus, RowAction
from .reader import FileError, cells_named, check_extension, check_upload_size, open_sheet
from .restore import restore_masked
from .writer import copy_lines

logger = logging.getLogger(__name__)
T = TypeVar("T")
STORED_ERRORS = 2000
STALE_AFTER = datetime.timedelta(hours=24)
RUNNING_STALE_AFTER = datetime.timedelta(hours=2)
# PostgreSQL advisory lock namespaces: (JOB_LOCK, job id) is held by the worker running a
# job (``orgwork.common.workers``); (COMMIT_LOCK, model) by the commit writing into that model.
JOB_LOCK = 0x494A
COMMIT_LOCK = 0x494B
JOB_LOCKS = WorkerLock(JOB_LOCK)

# The work rolled back by the database to end a conflict with another transaction
# (SQLSTATE class 40: a deadlock, a serialization failure): nothing is wrong with the
# file, and the same work succeeds once the other is done. So the step runs again by
# itself, up to CONFLICT_ATTEMPTS times in all, after a pause that grows each time; only
# then does the job fail, with words that say so.
CONFLICT_ATTEMPTS = 3
CONFLICT_PAUSE_SECONDS = 1.0
STEP_WORDS = {"commit": "导入", "validation": "校验"}


def conflict_text(step: str) -> str:
    """The opening of the message of a ``step`` ("导入", "校验") rolled back at every attempt."""
    return (f"{step}未完成：与同时进行的其他修改互相等待，数据库撤销了本次{step}，"
            f"自动重试 {CONFLICT_ATTEMPTS - 1} 次后仍未完成，")


CONFLICT = conflict_text("导入") + "全部未导入（数据未作任何修改）。请稍后重新上传该文件导入。"
VALIDATION_CONFLICT = conflict_text("校验") + "数据未作任何修改。请稍后重新上传该文件。"
RETRYING = "与同时进行的其他修改互相等待，数据库撤销了本次{step}（数据未作任何修改），正在第 {retry} 次自动重试……"
# The connection cut, or the work ended by the database (an administrator, a shutdown).
CONNECTION_LOST = "导入中断：数据库连接断开或操作被数据库终止，全部未导入（数据未作任何修改）。请重新上传该文件导入。"
VALIDATION_CONNECTION_LOST = "校验中断：数据库连接断开或操作被数据库终止，数据未作任何修改。请重新上传该文件。"
ORPHANED = {
    JobStatus.VALIDATING: "校验中断：处理该任务的后台进程已停止，数据未作任何修改。请重新上传该文件。",
    JobStatus.IMPORTING: "导入中断：处理该任务的后台进程已停止，全部未导入（数据未作任何修改）。请重新上传该文件导入。",
}
STALE = "任务超过 24 小时未完成，已自动关闭，数据未作任何修改。如仍需导入，请重新上传该文件。"


def _postgres() -> bool:
    return on_postgres()


def job_lock_key(job_id: int) -> tuple[int, int]:
    """The advisory lock (classid, objid) a worker holds while it runs the job."""
    return JOB_LOCKS.key(job_id)


def _serialise_commits(model: Any) -> None:
    """Two commits into one model wait for each other: the second sees the first's rows
    (the same file imported twice at once is refused the second time — its rows are no
    longer what its validation saw — instead of colliding on the natural key)."""
    if _postgres():
        key = zlib.crc32(model._meta.label_lower.encode()) & 0x7FFFFFFF
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [COMMIT_LOCK, key])


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


JOB_ACTOR = SystemActor("import_job")


def _claim(job_id: int, *, from_status: str, to_status: str, **conditions: Any) -> ImportJob | None:
    """Move the job from one status to the next if nobody else holds or moved it. On
    PostgreSQL the job lock is taken under the row lock, before the new status is
    visible: nobody ever sees the job running without its lock held."""
    locked = False
    try:
        with transaction.atomic():
            job = (ImportJob.objects.select_for_update(skip_locked=True)
                   .filter(pk=job_id, status=from_status, **conditions).first())
            if job is None:
                return None
            if _postgres():
                locked = JOB_LOCKS.take(job.pk)
                if not locked:
                    return None
            job.status = to_status
            job.processed = 0
            job.heartbeat_at = timezone.now()
            # The worker takes the job up: the trail names it 系统（导入任务）, not nobody.
            ctx = current_actor()
            with acting_as(ctx.user or JOB_ACTOR, source=ctx.source, ip=ctx.ip):
                job.save(update_fields=["status", "processed", "heartbeat_at"])
    except BaseException:
        if locked:
            JOB_LOCKS.release(job_id)
        raise
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
            self._conn.execute(f'UPDATE "{table}" SET processed = %s, total = %s, heartbeat_at = now() WHERE id = %s',
                               (processed, total, self.job_id))
        elif not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(processed=processed, total=total,
                                                            heartbeat_at=timezone.now())

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def ignored_note(headers: Sequence[str], shown_only: Sequence[str] = ()) -> str:
    """The sentences that name a sheet's columns the import leaves alone, "" for none:
    headers the template does not know (perhaps misspelt: the clerk is told to check), and
    the template's own read-only columns (told only that they are not read back)."""
    unknown = [h for h in headers if h not in shown_only]
    note = ""
    if unknown:
        note += (f"注意：表中的「{'」「'.join(unknown)}」列不在导入模板中，不会导入；"
                 "如果是要导入的数据，请按模板改正列名后重新上传。")
    if shown_only:
        note += f"表中的「{'」「'.join(shown_only)}」列在模板中仅供查看，不会导入。"
    return note


def formula_note(cells: Sequence[str], count: int) -> str:
    """The sentence that tells the clerk which cells held a formula and were taken as the
    result the file saved with it (the value Excel or WPS showed when it was saved, not
    one worked out again now: a =TODAY() keeps its day), "" for none."""
    if not count:
        return ""
    return (f"注意：{cells_named(list(cells), count)}单元格是公式，已按其保存的计算结果导入"
            "（即文件最后一次保存时显示的值，不会重新计算）；如有疑问，请核对这些单元格的显示值。")


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
    job.fingerprint = result.fingerprint
    fields = ["rows", "new_count", "updated_count", "unchanged_count", "error_rows", "error_count", "errors",
              "processed", "total", "fingerprint"]
    if not result.committed and result.preview:  # the validation's; a commit keeps it
        job.preview = result.preview
        fields.append("preview")
    return fields


def consequences_note(notes: list[str]) -> str:
    """A commit's consequences beyond its rows, for the job's message: 随之办理：「…」：…；「…」：…。"""
    return f"随之办理：{'；'.join(notes)}。" if notes else ""


def _record_written_rows(job: ImportJob, result: ImportResult) -> None:
    """The keys of the records the commit created and changed (``ImportJobRow``), in
    the commit's transaction: one COPY on PostgreSQL, whatever the number of rows."""
    written = [(RowAction.NEW, result.new_pks), (RowAction.UPDATED, result.updated_pks)]
    if not any(pks for _, pks in written):
        return
    if _postgres():
        text = "".join(f"{job.pk}\t{int(action)}\t" + f"\n{job.pk}\t{int(action)}\t".join(map(str, pks)) + "\n"
                       for action, pks in written if pks)
        copy_lines(ImportJobRow._meta.db_table, ["job_id", "action", "object_id"], text)
    else:
        ImportJobRow.objects.bulk_create([ImportJobRow(job_id=job.pk, action=action, object_id=pk)
                                          for action, pks in written for pk in pks], batch_size=500)


def _fail(job: ImportJob, message: str) -> None:
    job.status = JobStatus.FAILED
    job.message = message
    job.finished_at = timezone.now()
    try:
        job.save(update_fields=["status", "message", "finished_at"])
    except (OperationalError, InterfaceError):
        # The connection died with the step; once more on a new one. Should that fail
        # too, the job stays running without its lock and the next check closes it.
        connection.close()
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
        # The commit writes only what the validation showed: it compares the records the
        # rows touch with the validation's fingerprint, under the rows' locks.
        return run_import(resource_class, job.uploader, sheet, commit=commit, progress=progress,
                          fingerprint=job.fingerprint if commit else None)
    finally:
        progress.close()


def rights_lost(job: ImportJob) -> str:
    """Why the job may no longer run, in Chinese ("" when it may): its uploader, whose
    jurisdiction the rows are read in, or whoever confirmed it no longer imports this kind
    (the account switched off, a role taken away) since the upload or the 确认导入. Read
    afresh, not from the accounts the job was loaded with: a queued job waits up to a day."""
    resource_class = registry.get(job.resource)
    people = [("上传人", job.uploader_id), ("确认人", job.confirmed_by_id)]
    for role, user_id in people:
        if user_id is None:
            continue
        user = get_user_model().objects.filter(pk=user_id).first()
        if not can_import(user, resource_class):
            name = user.username if user is not None else "（账号已删除）"
            return (f"{role}{name}已没有导入「{resource_class.verbose_name}」的权限（账号停用或角色变更），"
                    "全部未导入。")
    return ""


def job_validate(*, job_id: int) -> str:
    """The dry run: counts and row errors, nothing written. Returns the new status."""
    jobs_close_orphans()
    job = _claim(job_id, from_status=JobStatus.PENDING, to_status=JobStatus.VALIDATING)
    if job is None:
        return "skipped"
    try:
        if refused := rights_lost(job):
            _fail(job, refused.replace("全部未导入", "未校验"))
            return JobStatus.FAILED
        return _validate(job)
    finally:
        JOB_LOCKS.release(job.pk)


def _dropped_by_the_database(error: Exception) -> bool:
    """The connection is gone, or the database ended the statement (cancelled, terminated,
    a locked SQLite file): the message for a lost connection is true. A statement the
    database refused as it stands (SQLite: expression tree too large) is a fault of ours."""
    cause = error.__cause__
    if isinstance(error, InterfaceError) or cause is None:
        return True
    if isinstance(cause, psycopg.Error):
        # Class 08 (connection exception) and 57 (operator intervention), or no state at
        # all: the connection itself failed.
        return cause.sqlstate is None or cause.sqlstate.startswith(("08", "57"))
    return "locked" in str(cause)


def in_conflict(error: Exception) -> bool:
    """The database rolled the work back to end a conflict with another transaction
    (SQLSTATE class 40: 40P01 a deadlock, 40001 a serialization failure)."""
    cause = error.__cause__
    return isinstance(error, OperationalError) and isinstance(cause, psycopg.Error) and \
        (cause.sqlstate or "").startswith("40")


def retrying_conflicts(work: Callable[[], T], *, before_retry: Callable[[int], None]) -> T:
    """``work()``, run again when the database rolls it back to end a conflict (see
    :data:`CONFLICT_ATTEMPTS`), after ``before_retry(n)`` for the n-th retry and a pause;
    the last attempt's failure is raised. ``work`` must leave nothing behind when it
    raises, as a transaction rolled back does."""
    for attempt in range(1, CONFLICT_ATTEMPTS):
        try:
            return work()
        except OperationalError as exc:
            if not in_conflict(exc):
                raise
            logger.warning("rolled back by the database to end a conflict; attempt %s of %s follows",
                           attempt + 1, CONFLICT_ATTEMPTS, exc_info=True)
            before_retry(attempt)
            time.sleep(CONFLICT_PAUSE_SECONDS * attempt)
    return work()


def _step(job: ImportJob, work: Callable[[], Any], *, step: str, lost: str, crashed: str,
          conflict: str) -> tuple[bool, Any]:
    """Run a job's step, again after a conflict (:func:`retrying_conflicts`, the job's
    page saying so); any failure ends the job 失败 with the message for its cause (the
    file, a conflict with other work, the database connection, or a fault of ours).
    Returns (ran, what work returned)."""
    def tell_retrying(retry: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(message=RETRYING.format(step=STEP_WORDS[step], retry=retry),
                                                   heartbeat_at=timezone.now())

    try:
        return True, retrying_conflicts(work, before_retry=tell_retrying)
    except FileError as exc:
        _fail(job, exc.message)
    except (OperationalError, InterfaceError) as exc:
        if in_conflict(exc):
            logger.warning("import job %s was rolled back by the database during %s", job.pk, step, exc_info=True)
            _fail(job, conflict)
        elif _dropped_by_the_database(exc):
            logger.warning("import job %s lost its database connection during %s", job.pk, step, exc_info=True)
            _fail(job, lost)
        else:  # the database refused our statement (SQLite: expression tree too large): a fault of ours
            logger.exception("import job %s failed in the database during %s", job.pk, step)
            _fail(job, crashed)
    except Exception:
        logger.exception("import job %s failed during %s", job.pk, step)
        _fail(job, crashed)
    return False, None


def _validate(job: ImportJob) -> str:
    with acting_as(job.uploader, source=AuditSource.TASK):
        # A corrected error workbook gets its masked numbers back first (restore).
        # Two steps: the first rewrites the stored upload, so it must not run again when
        # the database sends the second back to the start.
        failures = {"lost": VALIDATION_CONNECTION_LOST, "crashed": "校验时发生系统错误，请联系系统管理员。",
                    "conflict": VALIDATION_CONFLICT}
        ran, restored = _step(job, lambda: restore_masked(job), step="validation", **failures)
        if ran:
            ran, result = _step(job, lambda: _run(job, commit=False), step="validation", **failures)
        if not ran:
            return JobStatus.FAILED
        fields = _store_result(job, result)
        job.validated_at = timezone.now()
        note = (restored + formula_note(result.formula_cells, result.formula_count)
                + ignored_note(result.ignored_headers, result.shown_only_headers))
        if not result.rows:  # nothing to confirm: the job ends here rather than wait a day
            job.status, job.finished_at = JobStatus.FAILED, timezone.now()
            job.message = "表头下面没有数据行，未导入任何内容。请填写数据后重新上传。" + note
            job.save(update_fields=[*fields, "status", "validated_at", "finished_at", "message"])
            remove_file(job)
            return job.status
        job.status = JobStatus.AWAITING
        job.message = ("校验通过，请确认导入。" if result.ok else
                       f"有 {result.error_rows} 行数据有误，请修改后重新上传。") + note
        job.save(update_fields=[*fields, "status", "validated_at", "message"])
    return job.status


def job_confirm(*, job: ImportJob, user: Any) -> ImportJob:
    """Request the commit. A second click, or a job with errors, changes nothing."""
    from .tasks import commit_job

    if not can_import(user, registry.get(job.resource)):
        raise PermissionDenied("您没有导入该类数据的权限。")
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.confirmed_at is not None and locked.status in (JobStatus.AWAITING, JobStatus.IMPORTING):
            return locked  # a second click: the import is queued or running
        if locked.confirmed_at is not None:
            raise ValidationError({"status": f"导入任务已{locked.get_status_display()}，不能再次确认导入。"})
        if locked.status == JobStatus.AWAITING and locked.error_rows:
            raise ValidationError({"status": f"有 {locked.error_rows} 行数据有误，不能确认导入。请修改后重新上传。"})
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
    jobs_close_orphans()
    job = _claim(job_id, from_status=JobStatus.AWAITING, to_status=JobStatus.IMPORTING,
                 confirmed_at__isnull=False, error_count=0)
    if job is None:
        return "skipped"
    try:
        if refused := rights_lost(job):  # nothing is read or written in a lost right's name
            _fail(job, refused)
            return JobStatus.FAILED
        with acting_as(job.confirmed_by or job.uploader, source=AuditSource.IMPORT):
            ran, _ = _step(job, lambda: _commit(job), step="commit", lost=CONNECTION_LOST,
                           crashed="导入时发生系统错误，数据未作任何修改。请联系系统管理员。", conflict=CONFLICT)
            if not ran:
                return JobStatus.FAILED
        remove_file(job)
        return job.status
    finally:
        JOB_LOCKS.release(job.pk)


def _commit(job: ImportJob) -> None:
    """The rows and the job's final status in one transaction: a job still 导入中 after
    its worker is gone has written nothing."""
    with transaction.atomic():
        _serialise_commits(registry.get(job.resource)._meta.model)
        result = _run(job, commit=True)
        fields = _store_result(job, result)
        if not result.committed:
            job.status = JobStatus.FAILED
            job.message = f"导入前复核发现 {result.error_rows} 行有误（数据可能已被他人修改），全部未导入。"
        else:
            _record_written_rows(job, result)
            job.status = JobStatus.DONE
            job.message = (f"导入完成：新增 {result.new} 条，更新 {result.updated} 条，未变 {result.unchanged} 条。"
                           + formula_note(result.formula_cells, result.formula_count)
                           + consequences_note(result.notes))
        job.finished_at = timezone.now()
        job.save(update_fields=[*fields, "status", "message", "finished_at"])


def job_abandon(*, job: ImportJob, user: Any) -> ImportJob:
    """放弃: the uploader (or whoever holds the explicit right) does not want to import
    this file after all."""
    if not can_abandon(user, job):
        raise PermissionDenied("只有上传人或有权管理他人导入任务的人员可以放弃该导入任务。")
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.confirmed_at is not None and locked.status == JobStatus.AWAITING:
            raise ValidationError({"status": "导入任务已确认，正在排队导入，不能放弃。"})
        if locked.status not in (JobStatus.PENDING, JobStatus.AWAITING) or locked.confirmed_at is not None:
            raise ValidationError({"status": f"导入任务当前为「{locked.get_status_display()}」，不能放弃。"})
        locked.status = JobStatus.FAILED
        locked.message = f"已由 {user.username} 放弃。"
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "message", "finished_at"])
    remove_file(locked)
    return locked


def job_close_if_orphaned(*, job_id: int, now: datetime.datetime | None = None) -> bool:
    """失败 for a job 校验中/导入中 whose worker is gone; True if it was closed."""
    now = now or timezone.now()
    with transaction.atomic():
        job = (ImportJob.objects.select_for_update(skip_locked=True)
               .filter(pk=job_id, status__in=RUNNING_STATUSES).first())
        if job is None:
            return False
        if _postgres():
            gone = JOB_LOCKS.worker_gone(job.pk)  # free lock, gone worker
        else:
            last = job.heartbeat_at or job.confirmed_at or job.created_at
            gone = last < now - RUNNING_STALE_AFTER
        if not gone:
            return False
        job.message = ORPHANED[JobStatus(job.status)]
        job.status = JobStatus.FAILED
        job.finished_at = now
        with acting_as(None, source=AuditSource.SYSTEM):  # the system's finding, whoever looked
            job.save(update_fields=["status", "message", "finished_at"])
    logger.warning("import job %s lost its worker and was closed", job.pk)
    _fail_lost_task_results(job)
    remove_file(job)
    return True


def _fail_lost_task_results(job: ImportJob) -> None:
    """The task queue's record of the lost step ends failed too (``fail_lost_task_results``)."""
    from .tasks import commit_job, validate_job

    fail_lost_task_results(tasks=[validate_job, commit_job], args=[job.pk],
                           message=f"导入任务 {job.pk} 的后台进程已停止，未能完成该步骤。")


def jobs_close_orphans(*, now: datetime.datetime | None = None) -> int:
    """Close every running job whose worker is gone (see the module docstring)."""
    running = ImportJob.objects.filter(status__in=RUNNING_STATUSES).values_list("pk", flat=True)
    return sum(job_close_if_orphaned(job_id=pk, now=now) for pk in list(running))


def jobs_cleanup(*, now: datetime.datetime | None = None) -> int:
    """Close jobs whose worker is gone and jobs left waiting for 24 hours (never
    validated, never confirmed, or confirmed but never started), and remove every
    leftover file. Returns the number of jobs closed."""
    now = now or timezone.now()
    count = jobs_close_orphans(now=now)
    cut = now - STALE_AFTER
    stale = ImportJob.objects.filter(
        Q(status=JobStatus.PENDING, created_at__lt=cut)
        | Q(status=JobStatus.AWAITING, confirmed_at__isnull=True, validated_at__lt=cut)
        | Q(status=JobStatus.AWAITING, confirmed_at__isnull=True, validated_at__isnull=True, created_at__lt=cut)
        | Q(status=JobStatus.AWAITING, confirmed_at__lt=cut)
    )
    for job in list(stale):
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update(skip_locked=True).filter(pk=job.pk,
                                                                                   status=job.status).first()
            if locked is None:
                continue
            locked.status = JobStatus.FAILED
            locked.message = STALE
            locked.finished_at = now
            locked.save(update_fields=["status", "message", "finished_at"])
        remove_file(locked)
        count += 1
    for job in ImportJob.objects.filter(status__in=[JobStatus.DONE, JobStatus.FAILED]).exclude(file=""):
        remove_file(job)
    return count
