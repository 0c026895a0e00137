"""Fixtures of the real-browser tests: Debian's Chromium driven by Playwright, a live
server started after the test's settings, and real db_worker processes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connections

from tests.imports.conftest import manage_py, media, start_worker  # noqa: F401  (real db_worker processes)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(django_settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture
def browser(monkeypatch: Any) -> Iterator[Any]:
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls
    # (fixtures, teardown) are ordinary synchronous code all the same.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (.ci/run installs it with apt)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield instance
        instance.close()
        # Playwright runs the test, and the fixtures set up after this one, in a greenlet
        # with a context of its own, so Django's connections opened there are not the ones
        # pytest-django closes: they would keep the test database from being dropped.
        connections.close_all()


@pytest.fixture
def http_server(settings: Any) -> Iterator[Any]:
    """A live server started after the settings below: the session-wide ``live_server``
    builds its middleware (HTTPS redirect included) before any test can change them."""
    from pytest_django.live_server_helper import LiveServer

    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0
    server = LiveServer("localhost")
    yield server
    server.stop()
