"""Export files (导出文件): a file one account asked for, built by the worker.

The request that asks for a large export only creates an :class:`ExportFile` and queues
it; the worker builds it as its owner would see it (scope, filters, masking), keeps the
progress on the row, and tells the owner in the inbox when it is ready. Only the owner
downloads it; it is deleted seven days after it was asked for. A file whose worker died
mid-build is closed 生成失败 and may be asked for again (重新生成, ``retry_of``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

KEEP_FOR = datetime.timedelta(days=7)
# A file still 排队中 after this long has no worker taking it (the worker is stopped, or
# its queue is backed up): its owner is told so instead of watching a list that never moves.
QUEUE_PATIENCE = datetime.timedelta(minutes=10)


def _expires() -> datetime.datetime:
    return timezone.now() + KEEP_FOR


class ExportKind(models.TextChoices):
    CHANGELIST = "changelist", "列表导出"
    WORKLIST = "worklist", "台账导出"
    DASHBOARD = "dashboard", "统计导出"
    ERROR_WORKBOOK = "error_workbook", "错误标注表"


class ExportStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "生成中"
    READY = "ready", "已生成"
    FAILED = "failed", "生成失败"


class ExportFile(models.Model):
    """导出文件: one file for one account; what to build is in ``params``."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.CASCADE,
                              related_name="export_files")
    kind = models.CharField("类型", max_length=20, choices=ExportKind.choices)
    title = models.CharField("名称", max_length=200)
    params = models.JSONField("导出条件", default=dict, blank=True)
    status = models.CharField("状态", max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    processed = models.PositiveIntegerField("已处理行数", default=0)
    total = models.PositiveIntegerField("总行数", default=0)
    file = models.FileField("文件", upload_to="exports/%Y/%m/", blank=True, max_length=300)
    filename = models.CharField("文件名", max_length=200, blank=True)
    message = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField("申请时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    expires_at = models.DateTimeField("过期时间", default=_expires)
    heartbeat_at = models.DateTimeField("最近进展时间", null=True, blank=True)
    # Whether the worker wrote full personal data (whole ID numbers) into the file: a
    # download then needs the owner to hold that right still. Unknown (None) for a file
    # built before it was recorded, which is taken as full.
    unmasked = models.BooleanField("含完整个人信息", null=True, blank=True, editable=False)
    retry_of = models.OneToOneField("self", verbose_name="重新生成自", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="retry")

    class Meta:
        verbose_name = "导出文件"
        verbose_name_plural = "导出文件"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "created_at"], name="exportfile_owner_idx"),
            models.Index(fields=["expires_at"], name="exportfile_expires_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_running(self) -> bool:
        return self.status in (ExportStatus.PENDING, ExportStatus.RUNNING)

    @property
    def status_text(self) -> str:
        """状态 as its owner reads it; a long wait in the queue says what it likely means."""
        waited = timezone.now() - self.created_at
        if self.status == ExportStatus.PENDING and waited > QUEUE_PATIENCE:
            return f"排队中（已等待 {int(waited.total_seconds() // 60)} 分钟，后台任务进程可能未运行，请联系系统管理员）"
        return self.get_status_display()

    @property
    def has_retry(self) -> bool:
        """重新生成 has been asked for this file already."""
        try:
            return self.retry is not None
        except ExportFile.DoesNotExist:
            return False

    @property
    def is_ready(self) -> bool:
        return self.status == ExportStatus.READY and bool(self.file) and self.expires_at > timezone.now()
