"""The client's address, for lockouts and the audit trail.

Behind ``PROXY_COUNT`` trusted reverse proxies the address is read from the right of
X-Forwarded-For (each proxy appends the address it received from); anything further
left is whatever the client chose to send and is not trusted.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def client_ip(request: Any) -> str | None:
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = getattr(settings, "PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return remote
