from collections.abc import Callable
from typing import Any

from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig


class OrgworkAdminConfig(AdminConfig):
    """The admin, on orgwork's own site (header, index, dashboard)."""

    default_site = "orgwork.admin_site.OrgworkAdminSite"

    def ready(self) -> None:
        super().ready()  # autodiscovers every app's admin module
        from django.contrib import admin

        from orgwork.admin_skin import reskin

        reskin(admin.site)


def _at(moment: Any) -> str:
    from django.utils import timezone

    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M:%S}" if moment else "时间不详"


def _user(record: Any) -> str:
    return record.username or "未填写账号"


# How each login record is named (a page's title and header, the audit trail): the
# library names them in English with the UTC time to the microsecond
# (「Access Log for sysadmin @ 2026-12-06 08:04:03.734082+00:00」).
AXES_RECORD_NAMES: dict[str, Callable[[Any], str]] = {
    "AccessLog": lambda log: f"{_user(log)} 的登录记录（{_at(log.attempt_time)}）",
    "AccessAttempt": lambda attempt: f"{_user(attempt)} 的登录尝试（{_at(attempt.attempt_time)}）",
    "AccessFailureLog": lambda failure: f"{_user(failure)} 的登录失败记录（{_at(failure.attempt_time)}）",
}


class AxesConfig(AxesAppConfig):
    """django-axes under a Chinese name (its app has none): the login records' section,
    each record named in Chinese and local time (:data:`AXES_RECORD_NAMES`)."""

    verbose_name = "登录安全"

    def ready(self) -> None:
        super().ready()
        for model_name, name in AXES_RECORD_NAMES.items():
            self.get_model(model_name).__str__ = name  # type: ignore[method-assign]
