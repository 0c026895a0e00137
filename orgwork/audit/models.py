"""The audit trail (审计日志): who did what, when, from where, to which record."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from orgwork.audit.actors import actor_shown
from orgwork.common import dates, freetext
from orgwork.common.fields import LogJSONField


class Audited(models.Model):
    """Base for every business model: each save and delete is written to the audit log.

    The values loaded from the database are kept so that an update records old and
    new values for exactly the fields that changed (see ``orgwork.audit.recorder``).
    Bulk paths (the import engine) write their audit rows themselves, in bulk.
    """

    class Meta:
        abstract = True

    # Field names whose values are replaced by "***" in the audit log's change records.
    audit_redacted_fields: tuple[str, ...] = ()

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        instance._audit_loaded = dict(zip(field_names, values))
        return instance

    def clean_fields(self, exclude: Any = None) -> None:
        """The fields' own checks, and then what no text field written now may hold
        (:mod:`orgwork.common.freetext`): a number as the lists mask it (a 备注 with
        联系人 139****5678 copied from a list), a whole ID number, or only characters that
        cannot be seen; and no date written now lies outside the years a file holds
        (:func:`orgwork.common.dates.written_date_errors`: a form's date field takes
        0001-01-01, which the sheet refuses)."""
        errors: dict[str, Any] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        checked = [f.name for f in self._meta.concrete_fields
                   if f.name not in errors and not (exclude and f.name in exclude)]
        for name, message in freetext.written_text_errors(self, checked).items():
            errors[name] = [ValidationError(message, code="free_text")]
        for name, message in dates.written_date_errors(self, checked).items():
            errors[name] = [ValidationError(message, code="invalid_date")]
        self._own_field_errors = errors
        if errors:
            raise ValidationError(errors)

    def full_clean(self, exclude: Any = None, validate_unique: bool = True, validate_constraints: bool = True) -> None:
        """As Django's, but a field refused by its own checks (:meth:`clean_fields`) is told
        that reason alone: a 考核年度 of 9999 reads 「不能大于 2100。」, not that and again
        「考核年度不能晚于今年」 from the record's :meth:`clean`. Django already leaves such a
        field out of the uniqueness and constraint checks."""
        self._own_field_errors: dict[str, Any] = {}
        try:
            super().full_clean(exclude=exclude, validate_unique=validate_unique,
                               validate_constraints=validate_constraints)
        except ValidationError as exc:
            own = self._own_field_errors
            if not own or not hasattr(exc, "error_dict"):
                raise
            raise ValidationError({name: own.get(name, found) for name, found in exc.error_dict.items()}) from None

    def written_now(self, field: str) -> bool:
        """Whether ``field``'s value is being written now (新录入或改写): the record is new,
        or the value differs from the one loaded. A rule newer than the records it reads
        (a name's characters, a phone's form) holds a value written now and leaves one on
        record alone, so that a step on an older record does not fail for it."""
        loaded = getattr(self, "_audit_loaded", None) or {}  # a service may have set it to None
        return self._state.adding or field not in loaded or getattr(self, field) != loaded[field]


class AuditAction(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    TRANSITION = "transition", "流程操作"
    IMPORT = "import", "导入"
    EXPORT = "export", "导出"
    VIEW_SENSITIVE = "view_sensitive", "查看敏感信息"
    LOGIN = "login", "登录"
    LOGOUT = "logout", "退出"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKOUT = "lockout", "账号锁定"
    PERMISSION = "permission", "权限变更"


class AuditSource(models.TextChoices):
    WEB = "web", "网页"
    IMPORT = "import", "导入"
    COMMAND = "command", "命令"
    TASK = "task", "后台任务"
    SYSTEM = "system", "系统"


class AuditLog(models.Model):
    """审计日志. Append-only: the app never updates or deletes a row, and on PostgreSQL
    a trigger refuses UPDATE always and DELETE of rows younger than 180 days."""

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    # The two foreign keys need no index of their own: audit_actor_idx and
    # audit_object_idx lead with them, and every index costs each of millions of inserts.
    # Nor a row-by-row constraint: on PostgreSQL one check per INSERT or COPY statement
    # (the audit_auditlog_references trigger) refuses keys that point nowhere, for a
    # statement's thousands of rows at once; a constraint would look up the user and the
    # content type once per row (two lookups for each row an import writes, about a
    # second per 100,000 rows). Deleting a user or a content type that audit rows name
    # is refused by PROTECT, and by the database itself (a delete trigger): the insert
    # check locks the rows it names, as a constraint would, so a delete racing an import
    # waits for it and is then refused (migration 0006).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False, db_constraint=False,
    )
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    action = models.CharField("操作", max_length=20, choices=AuditAction.choices)
    source = models.CharField("来源", max_length=10, choices=AuditSource.choices, default=AuditSource.SYSTEM)
    content_type = models.ForeignKey(
        ContentType, verbose_name="对象类型", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False, db_constraint=False,
    )
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    unit_path = models.CharField("所属单位路径", max_length=400, blank=True)
    changes = LogJSONField("变更内容", default=dict, blank=True)
    message = models.TextField("说明", blank=True)
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)
    success = models.BooleanField("是否成功", default=True)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="audit_object_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_idx"),
            models.Index(fields=["action", "-at"], name="audit_action_idx"),
            models.Index(fields=["unit_path"], name="audit_unit_path_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        # Local time (Asia/Shanghai), as the list and the page's 时间 show it; the actor as
        # the pages name it (系统（演示数据）), not by the key it is kept under.
        at = timezone.localtime(self.at) if timezone.is_aware(self.at) else self.at
        return f"{at:%Y-%m-%d %H:%M} {self.actor_shown} {self.get_action_display()} {self.object_repr}"

    @property
    def actor_shown(self) -> str:
        """操作人 on the record's pages: a system actor by what it does (:mod:`.actors`)."""
        return actor_shown(self.actor_name)
