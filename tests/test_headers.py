"""Security headers on every response, and templates the strict policy can serve.

The browser half (no violation on the real pages) is tests/browser/test_csp_in_browser.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from orgwork.worklists.templatetags.charts import svg_chart

ROOT = Path(settings.BASE_DIR)


def directives(response: Any) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/admin/", "/admin/cadres/cadre/", "/admin/worklists/", "/no-such-page/"])
def test_every_page_carries_a_strict_content_security_policy(url: str, county_a_clerk: Any, client_for: Any) -> None:
    client = client_for(county_a_clerk)
    client.raise_request_exception = False
    response = client.get(url)
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    # Alpine.js (the admin skin's) evaluates its attribute expressions; no inline script runs.
    assert policy["script-src"] == ["'self'", "'unsafe-eval'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"] and policy["base-uri"] == ["'none'"]
    everything = " ".join(source for sources in policy.values() for source in sources)
    assert "unsafe-inline" not in " ".join(policy["script-src"] + policy["default-src"])
    assert not re.search(r"https?:|\*", everything), "nothing may be loaded from outside the origin"


def test_the_login_page_and_redirects_carry_the_headers_too(db: Any) -> None:
    client = Client()
    for response in (client.get("/admin/login/"), client.get("/admin/"), client.get("/")):
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert "camera=()" in response["Permissions-Policy"]


def test_the_permissions_policy_turns_off_what_an_office_system_never_uses(db: Any) -> None:
    header = Client().get("/admin/login/")["Permissions-Policy"]
    features = dict(item.strip().split("=", 1) for item in header.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "serial",
                    "display-capture", "fullscreen"):
        assert features[feature] == "()", feature


def test_djangos_technical_error_pages_in_development_go_without_the_policy(db: Any, settings: Any) -> None:
    settings.DEBUG = True
    client = Client(raise_request_exception=False)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "Content-Security-Policy" not in missing
    assert "Content-Security-Policy" in client.get("/admin/login/")
    settings.DEBUG = False
    assert "Content-Security-Policy" in client.get("/no-such-page/")


def test_other_security_headers_stay_on(db: Any) -> None:
    response = Client().get("/admin/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


# What the policy refuses, written into a template: a style attribute, a <style> block,
# an inline script, an event-handler attribute, a javascript: URL.
INLINE = re.compile(r"""\sstyle\s*=|<style[\s>]|<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+\s*=\s*["']|javascript:""",
                    re.IGNORECASE)


def project_templates() -> list[Path]:
    apps = ("orgwork", "cadres", "branches", "talent", "seeds")
    return sorted(p for app in apps for p in (ROOT / app).glob("**/templates/**/*.html"))


def test_no_project_template_holds_inline_style_or_script() -> None:
    templates = project_templates()
    assert len(templates) > 20
    offenders = [f"{p.relative_to(ROOT)}: {m.group(0).strip()}" for p in templates
                 for m in [INLINE.search(p.read_text(encoding="utf-8"))] if m]
    assert offenders == []


def test_the_inline_check_would_catch_each_kind() -> None:
    for markup in ('<div style="x">', "<style>p{}</style>", "<script>alert(1)</script>", '<a onclick="x()">',
                   '<a href="javascript:x()">'):
        assert INLINE.search(markup), markup
    for markup in ('<script src="/static/x.js" defer></script>', '<div class="style">', "<p>onboarding=1</p>"):
        assert not INLINE.search(markup), markup


def test_the_dashboard_charts_carry_no_style_attribute() -> None:
    from orgwork.dashboard import PanelData, Series

    svg = svg_chart(PanelData(labels=["城关区"], series=[Series("发现问题", [3], ["/admin/"])]), "整改")
    assert "<svg" in svg and not INLINE.search(svg)
