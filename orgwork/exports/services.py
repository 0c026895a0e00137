"""Export file workflow (导出文件流程): 申请 → 排队中 → 生成中 → 已生成 / 生成失败 → 过期清理.

``export_request`` is all a web request does for a large file: it writes the row and
queues ``tasks.build_export``; the page returns at once. ``export_build`` (in the worker)
claims the row, builds the file as its owner would see it (``builders``), records the
progress on the row, and tells the owner in the inbox. ``exports_purge`` deletes the
files whose seven days are over (daily: the worker task and ``manage.py purge_exports``).

A worker can die mid-build (killed, its machine gone, its connection cut). As for import
jobs (``orgwork.common.workers``), on PostgreSQL the worker holds an advisory lock on the
file from its claim to the end of the build; a file 生成中 whose lock is free has lost its
worker (elsewhere: one without progress for ``RUNNING_STALE_AFTER``). ``exports_close_orphans``
marks it 生成失败 and tells the owner, as a failed build would. It runs where such a file
is seen or would otherwise wait: the owner's 我的导出文件 page and its progress JSON, every
worker before it builds, and the daily purge. ``export_retry`` (重新生成) queues a fresh
file with the same parameters for the same owner, whose right is checked again.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone

from orgwork.audit.context import acting_as
from orgwork.audit.models import AuditAction, AuditSource
from orgwork.audit.recorder import record
from orgwork.common.contract import require_actor, require_permission
from orgwork.common.workers import WorkerLock, fail_lost_task_results, on_postgres

from .models import KEEP_FOR, ExportFile, ExportKind, ExportStatus

logger = logging.getLogger(__name__)

# Up to this many rows a file is still written inside the request; above it, the worker.
INLINE_LIMIT = 5000
# The progress on the row is written at most this often (rows).
PROGRESS_STEP = 500
# PostgreSQL advisory lock namespace: (EXPORT_LOCK, file id) is held by the worker building it.
EXPORT_LOCK = 0x4558
EXPORT_LOCKS = WorkerLock(EXPORT_LOCK)
# PostgreSQL advisory lock namespace: (REQUEST_LOCK, owner id) while a request looks for its file.
REQUEST_LOCK = 0x4552
# Off PostgreSQL: a file without progress for this long has lost its worker.
RUNNING_STALE_AFTER = datetime.timedelta(minutes=30)
ORPHANED = "生成中断（后台任务未完成），请重新生成。"


def too_many_rows(rows: int) -> bool:
    return rows > INLINE_LIMIT


def too_large_for_a_request(rows: Any) -> bool:
    """True when the rows (a queryset, or a list a selector built in Python) exceed
    ``INLINE_LIMIT``; counts no further than one row past it."""
    head = rows[: INLINE_LIMIT + 1]
    return too_many_rows(head.count() if isinstance(head, models.QuerySet) else len(head))


def export_request(*, owner: Any, kind: str, title: str, params: dict[str, Any],
                   retry_of: ExportFile | None = None) -> ExportFile:
    """Queue a file for ``owner`` (a staff account: the file is built with its rights);
    ``retry_of`` is the failed file it is asked for again (重新生成)."""
    require_actor(owner)
    if not getattr(owner, "pk", None) or not owner.is_staff:
        raise ValidationError("只有工作人员账号可以申请导出文件。", code="owner")
    if kind not in ExportKind.values:
        raise ValidationError("不支持的导出类型。", code="kind")
    from .tasks import build_export

    with transaction.atomic():
        now = timezone.now()
        export = ExportFile.objects.create(owner=owner, kind=kind, title=title[:200], params=params,
                                           created_at=now, expires_at=now + KEEP_FOR, retry_of=retry_of)
        again = {"retry_of": retry_of.pk} if retry_of is not None else {}
        record(export, action=AuditAction.CREATE, actor=owner,
               message=f"{'重新生成' if retry_of is not None else '申请导出'}「{export.title}」",
               changes={"kind": kind, "params": params, **again},
               unit_path=getattr(getattr(owner, "unit", None), "path", "") or "")
        transaction.on_commit(lambda: build_export.enqueue(export.pk))
    return export


def export_request_once(*, owner: Any, kind: str, title: str, params: dict[str, Any],
                        fresh_after: datetime.datetime | None = None) -> tuple[ExportFile, bool]:
    """The owner's file of this kind and these parameters 排队中, 生成中 or 已生成 (not
    expired, and for one 已生成 asked for after ``fresh_after``), or a new one queued:
    (the file, whether it was queued now). A second click on a large download does not
    build the same file twice. Two requests at once are taken one after the other."""
    require_actor(owner)
    exports_close_orphans(owner=owner)  # a build whose worker died is no file to wait for
    with transaction.atomic():
        if on_postgres() and getattr(owner, "pk", None):
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [REQUEST_LOCK, owner.pk])
        same = files_of(owner).filter(kind=kind, params=params).exclude(status=ExportStatus.FAILED)
        if fresh_after is not None:
            same = same.exclude(status=ExportStatus.READY, created_at__lt=fresh_after)
        existing = same.order_by("-created_at", "-pk").first()
        if existing is not None:
            return existing, False
        return export_request(owner=owner, kind=kind, title=title, params=params), True


class Progress:
    """What a builder reports: ``total`` once, then ``step(done)`` as it goes. Each write
    is also the build's sign of life (``heartbeat_at``)."""

    def __init__(self, export_id: int) -> None:
        self.export_id = export_id
        self.total = 0
        self._written = -PROGRESS_STEP

    def start(self, total: int) -> None:
        self.total = total
        ExportFile.objects.filter(pk=self.export_id).update(total=total, processed=0, progress=0,
                                                            heartbeat_at=timezone.now())

    def step(self, done: int) -> None:
        if done - self._written < PROGRESS_STEP:
            return
        self._written = done
        percent = min(99, done * 100 // self.total) if self.total else 0
        ExportFile.objects.filter(pk=self.export_id).update(processed=done, progress=percent,
                                                            heartbeat_at=timezone.now())


def _claim(export_id: int) -> ExportFile | None:
    """排队中 → 生成中, if nobody else took it. On PostgreSQL the worker's lock is taken
    under the row lock, before the new status is visible: nobody ever sees the file
    生成中 without its lock held."""
    locked = False
    try:
        with transaction.atomic():
            export = (ExportFile.objects.select_for_update(skip_locked=True)
                      .filter(pk=export_id, status=ExportStatus.PENDING).select_related("owner").first())
            if export is None:
                return None
            locked = EXPORT_LOCKS.take(export.pk)
            if not locked:
                return None
            export.status = ExportStatus.RUNNING
            export.heartbeat_at = timezone.now()
            export.save(update_fields=["status", "heartbeat_at"])
    except BaseException:
        if locked:
            EXPORT_LOCKS.release(export_id)
        raise
    return export


def export_build(*, export_id: int) -> str:
    """The worker's step: build the file, store it, tell the owner. Safe to run twice."""
    exports_close_orphans()  # a worker restarted after a crash tidies up after the one that died
    export = _claim(export_id)
    if export is None:
        return "skipped"
    try:
        return _build(export)
    finally:
        EXPORT_LOCKS.release(export.pk)


def _build(export: ExportFile) -> str:
    from .builders import BUILDERS, full_values_right

    owner = export.owner
    progress = Progress(export.pk)
    try:
        with acting_as(owner, source=AuditSource.TASK):
            if not owner.is_active or not owner.is_staff:
                raise ValidationError("申请人的账号已停用。")
            # Asked before and after: a right granted or withdrawn mid-build still marks
            # the file as full whenever the builder may have written it so.
            full_before = full_values_right(export)
            content, filename = BUILDERS[export.kind](export, progress)
            export.unmasked = bool(full_before or full_values_right(export))
    except Exception as exc:  # any failure ends on the row, where the owner sees it
        logger.exception("导出文件 %s 生成失败", export.pk)
        reason = "；".join(exc.messages) if isinstance(exc, ValidationError) else "生成文件时出错，请稍后重试或联系管理员。"
        export.status = ExportStatus.FAILED
        export.message = reason[:500]
        export.finished_at = timezone.now()
        with transaction.atomic():  # the state and the message arrive together
            if not _still_running(export):
                return "closed"
            export.save(update_fields=["status", "message", "finished_at"])
            _tell_owner(export, ready=False)
        return "failed"
    export.file.save(filename, ContentFile(content), save=False)
    export.filename = filename[:200]
    export.status = ExportStatus.READY
    export.progress = 100
    export.total = export.processed = progress.total  # the row has them; this object does not yet
    export.finished_at = timezone.now()
    with transaction.atomic():
        if not _still_running(export):
            export.file.storage.delete(export.file.name)
            return "closed"
        export.save(update_fields=["file", "filename", "status", "progress", "total", "processed", "finished_at",
                                   "unmasked"])
        _tell_owner(export, ready=True)
    return "ready"


def _still_running(export: ExportFile) -> bool:
    """Off PostgreSQL a build silent for too long may have been closed as abandoned
    meanwhile: the owner was told it failed, and it stays so."""
    return ExportFile.objects.select_for_update().filter(pk=export.pk, status=ExportStatus.RUNNING).exists()


def export_close_if_orphaned(*, export_id: int, now: datetime.datetime | None = None) -> bool:
    """生成失败 for a file 生成中 whose worker is gone, and the owner told; True if closed."""
    now = now or timezone.now()
    with transaction.atomic():
        export = (ExportFile.objects.select_for_update(skip_locked=True)
                  .filter(pk=export_id, status=ExportStatus.RUNNING).select_related("owner").first())
        if export is None:
            return False
        if on_postgres():
            gone = EXPORT_LOCKS.worker_gone(export.pk)  # free lock, gone worker
        else:
            gone = (export.heartbeat_at or export.created_at) < now - RUNNING_STALE_AFTER
        if not gone:
            return False
        export.status = ExportStatus.FAILED
        export.message = ORPHANED
        export.finished_at = now
        export.save(update_fields=["status", "message", "finished_at"])
        with acting_as(None, source=AuditSource.SYSTEM):  # the system's finding, whoever looked
            record(export, action=AuditAction.TRANSITION,
                   message=f"导出文件「{export.title}」的后台任务已停止，已标记为生成失败",
                   changes={"status": [ExportStatus.RUNNING, ExportStatus.FAILED]},
                   unit_path=getattr(getattr(export.owner, "unit", None), "path", "") or "")
        _tell_owner(export, ready=False)
    from .tasks import build_export

    fail_lost_task_results(tasks=[build_export], args=[export.pk],
                           message=f"导出文件 {export.pk} 的后台进程已停止，未能生成。")
    logger.warning("export file %s lost its worker and was closed", export.pk)
    return True


def exports_close_orphans(*, owner: Any = None, now: datetime.datetime | None = None) -> int:
    """Close every file 生成中 whose worker is gone (only ``owner``'s, if given). Returns how many."""
    running = ExportFile.objects.filter(status=ExportStatus.RUNNING)
    if owner is not None:
        running = running.filter(owner_id=owner.pk)
    return sum(export_close_if_orphaned(export_id=pk, now=now) for pk in list(running.values_list("pk", flat=True)))


def export_retry(*, export: ExportFile, user: Any) -> ExportFile:
    """重新生成: a fresh file with the same parameters, for the owner of a failed one. The
    owner's right is checked now and again when it is built. Once per failed file."""
    from .builders import check_right

    require_actor(user)
    with transaction.atomic():
        failed = files_of(user).select_for_update().filter(pk=export.pk).first()
        if failed is None:
            raise ValidationError("没有这个导出文件，或文件已过期。", code="missing")
        if failed.status != ExportStatus.FAILED:
            raise ValidationError(f"导出文件当前为「{failed.get_status_display()}」，只有生成失败的可以重新生成。",
                                  code="status")
        if ExportFile.objects.filter(retry_of=failed).exists():
            raise ValidationError("该导出文件已重新生成，请查看列表中的新文件。", code="retried")
        check_right(failed)
        return export_request(owner=user, kind=failed.kind, title=failed.title, params=failed.params,
                              retry_of=failed)


def _tell_owner(export: ExportFile, *, ready: bool) -> None:
    from orgwork.notifications.services import notice_send

    if ready:
        title = f"导出文件已生成：{export.title}"
        body = (f"您申请的「{export.title}」已生成（{export.total} 行），"
                f"请在{timezone.localtime(export.expires_at):%Y-%m-%d}前下载，过期后文件将被删除。")
    else:
        title = f"导出文件生成失败：{export.title}"
        body = export.message
    notice_send(recipient=export.owner, key=f"export:{export.pk}", title=title, body=body,
                link=reverse("admin:exports"))


def export_download(*, export: ExportFile, user: Any) -> None:
    """Check the owner's rights again and audit one download (the caller has checked the
    file is the user's own). A right withdrawn since the file was built refuses it with
    the reason (ValidationError), written to the trail as a refused download."""
    from .builders import check_download

    try:
        check_download(export)
    except ValidationError as refused:
        record(export, action=AuditAction.EXPORT, actor=user, success=False,
               message=f"下载导出文件「{export.title}」被拒绝：{'；'.join(refused.messages)}",
               changes={"kind": export.kind, "unmasked": export.unmasked},
               unit_path=getattr(getattr(user, "unit", None), "path", "") or "")
        raise
    record(export, action=AuditAction.EXPORT, actor=user, message=f"下载导出文件「{export.title}」",
           changes={"kind": export.kind, "rows": export.total},
           unit_path=getattr(getattr(user, "unit", None), "path", "") or "")


def exports_purge(*, actor: Any, now: Any = None) -> int:
    """Delete every file past its expiry (the row and the stored file). Returns how many.
    Files whose worker is gone are closed first."""
    require_permission(actor, "exports.delete_exportfile", "清理过期导出文件")
    now = now or timezone.now()
    exports_close_orphans(now=now)  # nobody looked at them all day: closed here at the latest
    purged = 0
    for export in ExportFile.objects.filter(expires_at__lte=now).order_by("pk"):
        with transaction.atomic():
            locked = ExportFile.objects.select_for_update(skip_locked=True).filter(pk=export.pk).first()
            if locked is None:
                continue
            name = locked.file.name
            record(locked, action=AuditAction.DELETE, actor=actor, message=f"过期导出文件已删除「{locked.title}」",
                   changes={"file": name, "expired": locked.expires_at.isoformat()})
            locked.delete()
        if name:  # once the row is gone: a file without a row is never left behind a live row
            locked.file.storage.delete(name)
        purged += 1
    return purged


def files_of(user: Any) -> Any:
    """The user's own files not yet expired, newest first."""
    return ExportFile.objects.filter(owner_id=user.pk, expires_at__gt=timezone.now())


Builder = Callable[[ExportFile, Progress], tuple[bytes, str]]
