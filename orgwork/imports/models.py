"""Import jobs (导入任务): one uploaded sheet on its way from 待校验 to 完成."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from orgwork.audit.models import Audited


class JobStatus(models.TextChoices):
    PENDING = "pending", "待校验"
    VALIDATING = "validating", "校验中"
    AWAITING = "awaiting", "待确认"
    IMPORTING = "importing", "导入中"
    DONE = "done", "完成"
    FAILED = "failed", "失败"


ACTIVE_STATUSES = (JobStatus.PENDING, JobStatus.VALIDATING, JobStatus.AWAITING, JobStatus.IMPORTING)
# A worker is on the job: it holds the job's lock (see services) and reports progress.
RUNNING_STATUSES = (JobStatus.VALIDATING, JobStatus.IMPORTING)


def resource_title(slug: str) -> str:
    """An import's kind by its Chinese title (干部基本信息), as the job list names it."""
    from .registry import get

    try:
        return str(get(slug).verbose_name)
    except KeyError:
        return slug


class ImportJob(Audited):
    """导入任务. The uploaded file, the resource it is read with, who uploaded it, and the
    result of the dry run (新增/更新/未变/错误) and of the commit.

    Scoped by the uploader's unit: colleagues above see it, other counties do not.
    The file is a temporary copy, removed once the job is finished, failed or abandoned.
    """

    scope_field = "unit"
    # The error list can be large and repeats the sheet's cells (ID numbers): not logged.
    audit_redacted_fields = ("errors", "preview")
    audit_ignored_fields = ("heartbeat_at", "fingerprint")
    audit_shown = {"resource": resource_title}

    resource = models.CharField("导入类型", max_length=50)
    file = models.FileField("上传文件", upload_to="imports/%Y/%m/", max_length=300, blank=True)
    original_name = models.CharField("原文件名", max_length=255)
    size = models.PositiveBigIntegerField("文件大小（字节）", default=0)
    checksum = models.CharField("文件校验和（SHA-256）", max_length=64, db_index=True)
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="import_jobs"
    )
    unit = models.ForeignKey("units.Unit", verbose_name="所属单位", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=12, choices=JobStatus.choices, default=JobStatus.PENDING)
    message = models.TextField("说明", blank=True)

    total = models.PositiveIntegerField("预计行数", default=0)
    processed = models.PositiveIntegerField("已处理行数", default=0)
    rows = models.PositiveIntegerField("数据行数", default=0)
    new_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    unchanged_count = models.PositiveIntegerField("未变", default=0)
    error_rows = models.PositiveIntegerField("错误行数", default=0)
    error_count = models.PositiveIntegerField("错误数", default=0)
    errors = models.JSONField("错误明细", default=list, blank=True)
    # What the validation found in the database for the sheet's keys, a digest per chunk
    # of rows: the commit refuses if it differs (someone changed those records meanwhile).
    # Empty for a job validated before it was recorded: such a commit does not compare.
    fingerprint = models.JSONField("校验时的数据指纹", null=True, blank=True, editable=False)
    # The first rows of the sheet as the validation found them (新增/更新/未变/有误, the
    # resource's key columns, the changed fields, the errors), for the page before 确认.
    # Cells are kept as read: personal data is masked when the page is drawn.
    preview = models.JSONField("预览", default=list, blank=True, editable=False)

    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("上传时间", default=timezone.now, db_index=True)
    validated_at = models.DateTimeField("校验完成时间", null=True, blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # Bookkeeping like the progress counters: moved on by the claim and every progress report.
    heartbeat_at = models.DateTimeField("最近进展时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="importjob_status_idx"),
            models.Index(fields=["uploader", "-created_at"], name="importjob_uploader_idx"),
            models.Index(fields=["resource"], name="importjob_resource_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"

    @property
    def percent(self) -> int:
        if self.status in (JobStatus.DONE,):
            return 100
        if not self.total:
            return 0
        return min(100, int(self.processed * 100 / self.total))

    @property
    def status_label(self) -> str:
        """What the clerk reads: a validated sheet with errors is 有错误, not 待确认 (it
        cannot be confirmed; the corrected sheet is uploaded again)."""
        if self.status == JobStatus.AWAITING and self.error_count:
            return "有错误"
        return self.get_status_display()

    @property
    def can_confirm(self) -> bool:
        return self.status == JobStatus.AWAITING and self.error_count == 0 and self.confirmed_at is None \
            and self.rows > 0

    @property
    def is_running(self) -> bool:
        return self.status in (JobStatus.PENDING, JobStatus.VALIDATING, JobStatus.IMPORTING) or (
            self.status == JobStatus.AWAITING and self.confirmed_at is not None
        )


class RowAction(models.IntegerChoices):
    NEW = 1, "新增"
    UPDATED = 2, "更新"


class ImportJobRow(models.Model):
    """导入任务写入的记录: one record a committed job created or changed, for the
    "查看新增的 N 条" / "查看更新的 N 条" links (a filter of the target model's list).

    Written with COPY in the commit's own transaction, so a rolled-back import leaves
    none. Bookkeeping of the job, not a business record: no audit row, no admin page.
    The composite key (job, action, object) is the only index; the key to the job is
    not a database constraint (checked per row at COMMIT it would cost a lookup for
    each of a hundred thousand rows), the rows go with their job in Python.
    """

    pk = models.CompositePrimaryKey("job_id", "action", "object_id")
    job = models.ForeignKey(ImportJob, verbose_name="导入任务", on_delete=models.CASCADE, related_name="written_rows",
                            db_constraint=False, db_index=False)
    action = models.PositiveSmallIntegerField("操作", choices=RowAction.choices)
    object_id = models.BigIntegerField("记录编号")

    class Meta:
        verbose_name = "导入任务写入的记录"
        verbose_name_plural = "导入任务写入的记录"
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.job_id} {self.get_action_display()} {self.object_id}"
