"""Staff accounts (工作人员账号): every account belongs to one home unit (所属单位)."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from orgwork.audit.models import Audited


class User(Audited, AbstractUser):
    """工作人员. A staff member sees the subtree of ``unit`` and nothing else."""

    scope_field = "unit"
    audit_redacted_fields = ("password",)
    audit_ignored_fields = ("last_login",)

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text="决定数据权限：只能查看本单位及下级单位的数据。",
    )
    password_changed_at = models.DateTimeField("密码修改时间", default=timezone.now)

    class Meta(AbstractUser.Meta):
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"
        swappable = "AUTH_USER_MODEL"

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def password_expired(self, max_age_days: int) -> bool:
        if max_age_days <= 0 or not self.has_usable_password():
            return False
        return timezone.now() - self.password_changed_at > datetime.timedelta(days=max_age_days)

    def __str__(self) -> str:
        full = f"{self.last_name}{self.first_name}".strip()
        return f"{full}（{self.username}）" if full else self.username
