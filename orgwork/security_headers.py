"""Content-Security-Policy and Permissions-Policy headers (安全响应头).

The system runs on an intranet and loads nothing from outside its own origin: every
script, stylesheet, font and image is a static file of its own (the admin's, and
``orgwork/static``). The policy says so, and allows no inline script, no inline style
(neither ``<style>`` blocks nor ``style=""`` attributes: templates use the classes in
``orgwork/static/orgwork/orgwork.css``), no plugin, no framing and no form posted
elsewhere. Photos on the printed 任免审批表 are ``data:`` images.

Both policies are settings (``CONTENT_SECURITY_POLICY``, ``PERMISSIONS_POLICY``): a
directive is a name and its list of sources, an empty list for a feature means that no
origin may use it. A response that already carries a header keeps it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def content_security_policy(directives: Mapping[str, Sequence[str]]) -> str:
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


def permissions_policy(features: Mapping[str, Sequence[str]]) -> str:
    return ", ".join(f"{name}=({' '.join(origins)})" for name, origins in features.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.headers = {
            "Content-Security-Policy": content_security_policy(settings.CONTENT_SECURITY_POLICY),
            "Permissions-Policy": permissions_policy(settings.PERMISSIONS_POLICY),
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for name, value in self.headers.items():
            if value and not (name == "Content-Security-Policy" and debug_error_page(response)):
                response.headers.setdefault(name, value)
        return response


def debug_error_page(response: HttpResponse) -> bool:
    """Django's technical 404/500 pages (DEBUG on, development only) are styled and
    scripted inline; they go without the policy rather than unreadable."""
    return bool(settings.DEBUG and response.status_code in (404, 500))
