"""Account middleware: the sliding idle timeout of sessions (会话空闲超时), and a forced
password change once a password is older than PASSWORD_MAX_AGE_DAYS or was set by an
administrator (a reset, an initial password)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


SESSION_RENEWED_KEY = "_orgwork_session_renewed"


def session_renewed_at_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A new session is written at login with a full expiry, and its eight hours start
    then: the first page after the login need not write it again."""
    from orgwork.audit.middleware import SESSION_STARTED_KEY

    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_RENEWED_KEY] = now
        request.session.setdefault(SESSION_STARTED_KEY, now)


class SessionRenewalMiddleware:
    """A session expires ``SESSION_COOKIE_AGE`` after its last request (30 minutes idle).

    Its expiry is moved on when it is older than ``SESSION_RENEW_SECONDS`` (a minute),
    not on every request: Django's SESSION_SAVE_EVERY_REQUEST costs a write transaction
    per page. A session therefore idles out between 29 and 30 minutes after its last
    request. Placed right after SessionMiddleware, which saves the marked session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            renewed = session.get(SESSION_RENEWED_KEY)
            if not isinstance(renewed, int) or now - renewed >= settings.SESSION_RENEW_SECONDS:
                session[SESSION_RENEWED_KEY] = now  # marks it modified: saved with a new expiry
        return response


class PasswordExpiryMiddleware:
    """Until the password is changed, every page but the password change itself (and
    logging out) sends the account there."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = password_change_reason(user)
            if reason:
                allowed = {reverse("admin:password_change"), reverse("admin:password_change_done"),
                           reverse("admin:logout")}
                if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                    messages.warning(request, reason)
                    return redirect("admin:password_change")
        return self.get_response(request)


def password_change_reason(user: Any) -> str:
    """Why the account must change its password before anything else ("" when it need not)."""
    if getattr(user, "password_must_change", False) and user.has_usable_password():
        return "您的密码由管理员设置或重置，请先修改密码后再使用系统。"
    if user.password_expired(settings.PASSWORD_MAX_AGE_DAYS):
        return f"您的密码已超过 {settings.PASSWORD_MAX_AGE_DAYS} 天未修改，请先修改密码。"
    return ""
