"""Staff accounts (工作人员账号): every working account belongs to one home unit (所属单位)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from orgwork.audit.models import Audited


UNIT_REQUIRED = "请选择所属单位：每个工作人员账号都必须属于一个单位，它决定账号能查看的数据范围。"

# A mainland mobile number: 11 digits beginning 13–19 (短信 reaches no other).
validate_mobile = RegexValidator(r"^1[3-9]\d{9}$", "请填写11位中国大陆手机号码，如 13912345678。", code="mobile")


class User(Audited, AbstractUser):
    """工作人员. A staff member sees the subtree of ``unit`` and nothing else."""

    scope_field = "unit"
    # A record's trail names its 挂账人 or 上传人 as it names who acted (操作人账号), in any
    # jurisdiction: 姓名（账号）, nothing personal (``orgwork.audit.presentation``).
    named_in_any_trail = True
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
    mobile = models.CharField("手机号码", max_length=11, blank=True, validators=[validate_mobile],
                              help_text="用于接收短信提醒：11位中国大陆手机号码。")
    password_changed_at = models.DateTimeField("密码修改时间", default=timezone.now)
    password_must_change = models.BooleanField(
        "下次登录须修改密码", default=False,
        help_text="管理员设置或重置的密码：本人登录后须先修改密码，才能使用系统。",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"
        swappable = "AUTH_USER_MODEL"
        permissions = [
            ("reset_password", "重置工作人员密码（本人下次登录须修改）"),
            ("assign_role", "分配角色和个人权限"),
            ("view_unmasked_mobile", "查看和修改工作人员完整手机号码"),
        ]
        constraints = [
            # A working account without a home unit has no jurisdiction at all; only a
            # superuser (outside 三员分立, flagged by check --deploy), a disabled account
            # or one without admin access may lack it.
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(is_active=False) | Q(is_staff=False) | Q(is_superuser=True),
                name="accounts_user_working_account_has_unit",
                violation_error_message=UNIT_REQUIRED,
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.needs_unit and self.unit_id is None:
            raise ValidationError({"unit": UNIT_REQUIRED}, code="unit_required")

    @property
    def needs_unit(self) -> bool:
        return self.is_active and self.is_staff and not self.is_superuser

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
        """A password set here is the owner's own; a reset by an administrator marks it
        to be changed afterwards (``orgwork.accounts.services.account_reset_password``)."""
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()
        self.password_must_change = False

    def password_expired(self, max_age_days: int) -> bool:
        if max_age_days <= 0 or not self.has_usable_password():
            return False
        return timezone.now() - self.password_changed_at > datetime.timedelta(days=max_age_days)

    def __str__(self) -> str:
        full = f"{self.last_name}{self.first_name}".strip()
        return f"{full}（{self.username}）" if full else self.username


class PasswordHistory(models.Model):
    """密码历史: the hashes of an account's recent passwords, so that none of the last
    ``PASSWORD_HISTORY_COUNT`` is chosen again (``validators.PasswordHistoryValidator``).
    Never shown, exported or audited."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="工作人员", on_delete=models.CASCADE,
                             related_name="password_history")
    password = models.CharField("密码摘要", max_length=128)
    created_at = models.DateTimeField("设置时间", default=timezone.now)

    class Meta:
        verbose_name = "密码历史"
        verbose_name_plural = "密码历史"
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_pwhistory_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
