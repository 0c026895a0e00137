"""Password rules for 等保三级 (密码规则), every message in Chinese.

Django's own validators, with their messages written here: Django 5.2's catalogue
leaves "too short" untranslated (its message id changed and zh-hans did not follow).
Plus at least three of four character classes, and none of the last five passwords.
"""

from __future__ import annotations

import string
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation as django_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

CLASSES = (
    ("大写字母", lambda c: c in string.ascii_uppercase),
    ("小写字母", lambda c: c in string.ascii_lowercase),
    ("数字", lambda c: c.isdigit()),
    ("特殊字符", lambda c: not c.isalnum()),
)


class MinimumLengthValidator(django_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"


class UserAttributeSimilarityValidator(django_validation.UserAttributeSimilarityValidator):
    def get_error_message(self) -> str:
        return "密码与账号的%(verbose_name)s过于相似。"

    def get_help_text(self) -> str:
        return "密码不能与用户名、姓名、电子邮箱等个人信息相似。"


class CommonPasswordValidator(django_validation.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return "这个密码过于常见，容易被猜中。"

    def get_help_text(self) -> str:
        return "密码不能是常见密码。"


class NumericPasswordValidator(django_validation.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return "密码不能全部是数字。"

    def get_help_text(self) -> str:
        return "密码不能全部是数字。"


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        present = sum(1 for _, test in CLASSES if any(test(c) for c in password))
        if present < self.min_classes:
            raise ValidationError(
                "密码至少要包含大写字母、小写字母、数字、特殊字符中的 %(n)d 类。",
                code="password_too_simple",
                params={"n": self.min_classes},
            )

    def get_help_text(self) -> str:
        return f"密码至少要包含大写字母、小写字母、数字、特殊字符中的 {self.min_classes} 类。"


class PasswordHistoryValidator:
    """None of an account's last ``count`` passwords may be chosen again (密码历史).

    The current password counts as the first of them. Django calls ``password_changed``
    after an account is saved with a new password; the hash kept is the account's own
    (no second hashing), and older entries beyond ``count`` are removed.
    """

    def __init__(self, count: int = 5) -> None:
        self.count = count

    def _recent_hashes(self, user: Any) -> list[str]:
        """The stored current password, then the history, newest first. Read from the
        database: the instance may already carry the new password's hash."""
        from .models import PasswordHistory

        if user.pk is None:
            return []
        current = user._meta.model._default_manager.filter(pk=user.pk).values_list("password", flat=True).first()
        hashes = [current] if current and not current.startswith("!") else []
        stored = PasswordHistory.objects.filter(user_id=user.pk).order_by("-created_at", "-id")
        hashes += [h for h in stored.values_list("password", flat=True)[: self.count] if h not in hashes]
        return hashes[: self.count]

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or not getattr(user, "_meta", None) or user._meta.label != settings.AUTH_USER_MODEL:
            return
        if any(check_password(password, encoded) for encoded in self._recent_hashes(user)):
            raise ValidationError(
                "新密码不能与最近 %(n)d 次使用过的密码相同。",
                code="password_reused",
                params={"n": self.count},
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        from .models import PasswordHistory

        if user is None or user.pk is None or not user.has_usable_password():
            return
        PasswordHistory.objects.create(user_id=user.pk, password=user.password)
        stale = PasswordHistory.objects.filter(user_id=user.pk).order_by("-created_at", "-id")[self.count:]
        PasswordHistory.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()

    def get_help_text(self) -> str:
        return f"新密码不能与最近 {self.count} 次使用过的密码相同。"
