"""Export file workflow (导出文件流程): 申请 → 排队中 → 生成中 → 已生成 / 生成失败 → 过期清理.

``export_request`` is all a web request does for a large file: it writes the row and
queues ``tasks.build_export``; the page returns at once. ``export_build`` (in the worker)
claims the row, builds the file as its owner would see it (``builders``), records the
progress on the row, and tells the owner in the inbox. ``exports_purge`` deletes the
files whose seven days are over (daily: the worker task and ``manage.py purge_exports``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from orgwork.audit.context import acting_as
from orgwork.audit.models import AuditAction, AuditSource
from orgwork.audit.recorder import record
from orgwork.common.contract import require_actor, require_permission

from .models import KEEP_FOR, ExportFile, ExportKind, ExportStatus

logger = logging.getLogger(__name__)

# Up to this many rows a file is still written inside the request; above it, the worker.
INLINE_LIMIT = 5000
# The progress on the row is written at most this often (rows).
PROGRESS_STEP = 500


def too_many_rows(rows: int) -> bool:
    return rows > INLINE_LIMIT


def too_large_for_a_request(queryset: Any) -> bool:
    """True when the rows exceed ``INLINE_LIMIT``; counts no further than one row past it."""
    return too_many_rows(queryset[: INLINE_LIMIT + 1].count())


def export_request(*, owner: Any, kind: str, title: str, params: dict[str, Any]) -> ExportFile:
    """Queue a file for ``owner`` (a staff account: the file is built with its rights)."""
    require_actor(owner)
    if not getattr(owner, "pk", None) or not owner.is_staff:
        raise ValidationError("只有工作人员账号可以申请导出文件。", code="owner")
    if kind not in ExportKind.values:
        raise ValidationError("不支持的导出类型。", code="kind")
    from .tasks import build_export

    with transaction.atomic():
        now = timezone.now()
        export = ExportFile.objects.create(owner=owner, kind=kind, title=title[:200], params=params,
                                           created_at=now, expires_at=now + KEEP_FOR)
        record(export, action=AuditAction.CREATE, actor=owner, message=f"申请导出「{export.title}」",
               changes={"kind": kind, "params": params},
               unit_path=getattr(getattr(owner, "unit", None), "path", "") or "")
        transaction.on_commit(lambda: build_export.enqueue(export.pk))
    return export


class Progress:
    """What a builder reports: ``total`` once, then ``step(done)`` as it goes."""

    def __init__(self, export_id: int) -> None:
        self.export_id = export_id
        self.total = 0
        self._written = -PROGRESS_STEP

    def start(self, total: int) -> None:
        self.total = total
        ExportFile.objects.filter(pk=self.export_id).update(total=total, processed=0, progress=0)

    def step(self, done: int) -> None:
        if done - self._written < PROGRESS_STEP:
            return
        self._written = done
        percent = min(99, done * 100 // self.total) if self.total else 0
        ExportFile.objects.filter(pk=self.export_id).update(processed=done, progress=percent)


def _claim(export_id: int) -> ExportFile | None:
    with transaction.atomic():
        export = (ExportFile.objects.select_for_update(skip_locked=True)
                  .filter(pk=export_id, status=ExportStatus.PENDING).select_related("owner").first())
        if export is None:
            return None
        export.status = ExportStatus.RUNNING
        export.save(update_fields=["status"])
    return export


def export_build(*, export_id: int) -> str:
    """The worker's step: build the file, store it, tell the owner. Safe to run twice."""
    from .builders import BUILDERS

    export = _claim(export_id)
    if export is None:
        return "skipped"
    owner = export.owner
    progress = Progress(export.pk)
    try:
        with acting_as(owner, source=AuditSource.TASK):
            if not owner.is_active or not owner.is_staff:
                raise ValidationError("申请人的账号已停用。")
            content, filename = BUILDERS[export.kind](export, progress)
    except Exception as exc:  # any failure ends on the row, where the owner sees it
        logger.exception("导出文件 %s 生成失败", export.pk)
        reason = "；".join(exc.messages) if isinstance(exc, ValidationError) else "生成文件时出错，请稍后重试或联系管理员。"
        export.status = ExportStatus.FAILED
        export.message = reason[:500]
        export.finished_at = timezone.now()
        with transaction.atomic():  # the state and the message arrive together
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
        export.save(update_fields=["file", "filename", "status", "progress", "total", "processed", "finished_at"])
        _tell_owner(export, ready=True)
    return "ready"


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
    """Audit one download (the caller has checked the file is the user's own)."""
    record(export, action=AuditAction.EXPORT, actor=user, message=f"下载导出文件「{export.title}」",
           changes={"kind": export.kind, "rows": export.total},
           unit_path=getattr(getattr(user, "unit", None), "path", "") or "")


def exports_purge(*, actor: Any, now: Any = None) -> int:
    """Delete every file past its expiry (the row and the stored file). Returns how many."""
    require_permission(actor, "exports.delete_exportfile", "清理过期导出文件")
    now = now or timezone.now()
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
