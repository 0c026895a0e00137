"""Authentication events into the audit trail (登录、退出、登录失败)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from axes.signals import user_locked_out

from .ip import client_ip
from .models import AuditAction, AuditSource
from .recorder import record


@receiver(user_locked_out, dispatch_uid="audit-lockout")
def audit_lockout(sender: Any, request: Any = None, username: str | None = None, ip_address: str | None = None, **kwargs: Any) -> None:
    record(None, action=AuditAction.LOCKOUT, source=AuditSource.WEB, ip=ip_address or client_ip(request),
           success=False, message=f"账号 {username or ''} 连续登录失败，已锁定")


@receiver(user_logged_in, dispatch_uid="audit-login")
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(user, action=AuditAction.LOGIN, actor=user, source=AuditSource.WEB, ip=client_ip(request))


@receiver(user_logged_out, dispatch_uid="audit-logout")
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(user, action=AuditAction.LOGOUT, actor=user, source=AuditSource.WEB, ip=client_ip(request))


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    record(
        None,
        action=AuditAction.LOGIN_FAILED,
        source=AuditSource.WEB,
        ip=client_ip(request),
        success=False,
        message=f"账号 {username} 登录失败",
    )
