"""The demo (bin/demo) serves as production does: DEBUG off, so a typed address that
finds nothing gets the Chinese 404 page, never Django's English technical one; its
static files collected and served by WhiteNoise; over plain HTTP on this machine.

The environment is read as bin/demo sets it, by sourcing ``bin/demo-env`` in bash.
(``.ci/demo-smoke`` checks the same on a demo started from a fresh clone.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from orgwork.accounts.models import User

BASE_DIR = Path(django_settings.BASE_DIR)
SERVED = ("DEBUG", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
          "STATIC_ROOT", "EMAIL_BACKEND")


def demo_environment(var_dir: Path) -> dict[str, str]:
    """The variables bin/demo exports before it starts anything, on a machine that sets none."""
    bare = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "ORGWORK_VAR_DIR": str(var_dir)}
    printed = subprocess.run(["bash", "-c", f"source bin/demo-env && {sys.executable} -c "
                              "'import json, os; print(json.dumps(dict(os.environ)))'"],
                             cwd=BASE_DIR, env=bare, capture_output=True, text=True, check=True).stdout
    return {**json.loads(printed), "DJANGO_SETTINGS_MODULE": "orgwork.settings"}


def run_in_demo(environment: dict[str, str], code: str) -> Any:
    """Runs ``code`` in a fresh process with the demo's settings; it prints JSON."""
    script = f"import django, json\ndjango.setup()\n{code}"
    printed = subprocess.run([sys.executable, "-c", script], cwd=BASE_DIR, env=environment,
                             capture_output=True, text=True, check=True).stdout
    return json.loads(printed.splitlines()[-1])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return demo_environment(tmp_path_factory.mktemp("demo-var"))


@pytest.fixture(scope="module")
def demo_settings(demo: dict[str, str]) -> dict[str, Any]:
    return run_in_demo(demo, "from django.conf import settings\n"
                             f"print(json.dumps({{n: getattr(settings, n) for n in {SERVED!r}}}, default=str))")


def test_the_demo_runs_with_debug_off_over_plain_http_on_this_machine(demo_settings: dict[str, Any],
                                                                      demo: dict[str, str]) -> None:
    assert demo_settings["DEBUG"] is False
    assert {"127.0.0.1", "localhost"} <= set(demo_settings["ALLOWED_HOSTS"])
    assert not (demo_settings["SECURE_SSL_REDIRECT"] or demo_settings["SESSION_COOKIE_SECURE"]
                or demo_settings["CSRF_COOKIE_SECURE"])
    # Its reminders are still printed on its console (the links CI looks for), not sent.
    assert demo_settings["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert Path(demo_settings["STATIC_ROOT"]) == Path(demo["ORGWORK_VAR_DIR"]) / "static"


def test_a_missing_print_page_in_the_demo_gets_the_chinese_404_page(
    demo_settings: dict[str, Any], settings: Any, county_a_clerk: User, client_for: Any
) -> None:
    settings.DEBUG = demo_settings["DEBUG"]
    client = client_for(county_a_clerk)
    client.raise_request_exception = False
    response = client.get(reverse("admin:cadres_cadre_print", args=[999999]))
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>页面不存在</h1>" in html and '<html lang="zh-hans">' in html
    assert "Page not found" not in html and "Using the URLconf" not in html


def test_the_demo_serves_the_admin_stylesheets_once_collected_with_debug_off(demo: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=demo,
                   check=True)
    served = run_in_demo(demo, "from django.test import Client\n"
                               "from django.conf import settings\n"
                               "paths = ['/static/unfold/css/styles.css', '/static/orgwork/admin.css']\n"
                               "answers = [Client().get(p) for p in paths]\n"
                               "print(json.dumps([settings.DEBUG, *[(r.status_code, r['Content-Type']) "
                               "for r in answers]]))")
    assert served == [False, [200, "text/css; charset=\"utf-8\""], [200, "text/css; charset=\"utf-8\""]]
