"""Staff accounts (工作人员账号): every account belongs to one home unit (所属单位)."""

from __future__ import annotations

import datetime
from typing import Any

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

    def has_perm(self, perm: str, obj: object = None) -> bool:
        """Django's answer, remembered on this instance for the request it belongs to.

        An admin page asks about the same permissions dozens of times (the app list, the
        actions, the import buttons), each time through every authentication backend.
        Django already keeps the permission set itself on the instance (``_perm_cache``);
        answers are kept as long as that set is, and per active/superuser state.
        """
        if obj is not None:
            return super().has_perm(perm, obj)
        return self._remembered(("perm", perm), super().has_perm, perm)

    def has_module_perms(self, app_label: str) -> bool:
        """Like ``has_perm``: Django answers by walking the whole permission set, and the
        admin asks once per registered model on every page (the app list)."""
        return self._remembered(("module", app_label), super().has_module_perms, app_label)

    def _remembered(self, question: tuple[str, str], ask: Any, argument: str) -> bool:
        answers = self.__dict__.get("_permission_answers")
        if answers is None or "_perm_cache" not in self.__dict__:
            answers = self.__dict__["_permission_answers"] = {}
        key = (*question, self.is_active, self.is_superuser)
        answer = answers.get(key)
        if answer is None:
            answer = answers[key] = ask(argument)
        return bool(answer)

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
