"""Forces a password change once a password is older than PASSWORD_MAX_AGE_DAYS."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


class PasswordExpiryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.password_expired(settings.PASSWORD_MAX_AGE_DAYS):
            allowed = {reverse("admin:password_change"), reverse("admin:password_change_done"), reverse("admin:logout")}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                messages.warning(request, f"您的密码已超过 {settings.PASSWORD_MAX_AGE_DAYS} 天未修改，请先修改密码。")
                return redirect("admin:password_change")
        return self.get_response(request)
