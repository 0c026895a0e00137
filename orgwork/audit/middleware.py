"""Per-request audit context, and the absolute session limit (8 hours)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from .context import acting_as
from .ip import client_ip

SESSION_STARTED_KEY = "orgwork_session_started"


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.setdefault(SESSION_STARTED_KEY, int(time.time()))
            if time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                user = request.user
        with acting_as(user, source="web", ip=client_ip(request)):
            response = self.get_response(request)
        if request.path.startswith("/admin/"):
            # Personnel records must not linger in shared browsers' or proxies' caches.
            response["Cache-Control"] = "no-store"
        return response
