"""The strict Content-Security-Policy in Debian's Chromium: a province officer, a county
clerk and the audit administrator open the pages they work on, and the browser reports
no policy violation, no script error and no request outside the origin."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from cadres.models import Assessment, Cadre
from cadres.supervision.models import HandlingRecord
from orgwork.imports.models import ImportJob
from orgwork.rectification.models import RectificationItem
from orgwork.worklists import registry as worklists
from talent.models import Enrollment

from ..conftest import PASSWORD
from ..samples import load_all
from .conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Reports every violation to the console, where the test listens (Chromium also logs its
# own "Refused to …" line; either is enough to fail).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`securitypolicyviolation: ${e.violatedDirective} blocked=${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


class Watch:
    """What one browser page reports while the test walks through the system."""

    def __init__(self, page: Any, origin: str) -> None:
        self.violations: list[str] = []
        self.script_errors: list[str] = []
        self.foreign: list[str] = []
        page.add_init_script(REPORT_VIOLATIONS)
        page.on("console", self.console)
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))
        page.on("request", lambda request: None if request.url.startswith((origin, "data:", "about:"))
                else self.foreign.append(request.url))

    def console(self, message: Any) -> None:
        text = message.text
        if "securitypolicyviolation" in text or "Content Security Policy" in text:
            self.violations.append(text)

    def clean(self) -> bool:
        return not (self.violations or self.script_errors or self.foreign)


def log_in(page: Any, url: str, username: str) -> None:
    page.goto(f"{url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    page.wait_for_url(f"{url}/admin/")


def visit(page: Any, url: str, path: str, shot: str) -> None:
    response = page.goto(url + path)
    assert response is not None and response.status == 200, (path, response and response.status)
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOTS / f"csp-{shot}.png"), full_page=True)


def test_the_main_pages_pass_the_content_security_policy_in_the_browser(
    browser: Any, http_server: Any, personas: dict[str, Any], tree: dict[str, Any]
) -> None:
    url = http_server.url
    call_command("seed_reference", verbosity=0)
    builders = load_all()
    for model in (Cadre, Assessment, RectificationItem, ImportJob, HandlingRecord, Enrollment):
        builders[model](tree["county_a"])
    cadre = Cadre.objects.filter(unit=tree["county_a"]).first()
    item = RectificationItem.objects.filter(responsible_unit=tree["county_a"]).first()
    job = ImportJob.objects.filter(unit=tree["county_a"]).first()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    for username in ("province_officer", "county_a_clerk"):
        user = personas[username]
        worklist = worklists.lists_for(user)[0]
        page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
        watch = Watch(page, url)
        log_in(page, url, username)
        pages = {
            "dashboard": "/admin/",
            "cadres": "/admin/cadres/cadre/?unit_tree=620102",
            "cadre": reverse("admin:cadres_cadre_change", args=[cadre.pk]),
            "cadre-print": reverse("admin:cadres_cadre_print", args=[cadre.pk]),
            "items": "/admin/rectification/rectificationitem/",
            "item": reverse("admin:rectification_rectificationitem_change", args=[item.pk]),
            "import-jobs": "/admin/imports/importjob/",
            "import-job": reverse("admin:imports_importjob_change", args=[job.pk]),
            "worklists": "/admin/worklists/",
            "worklist": reverse("admin:worklist", args=[worklist.slug]),
            "bad-query": "/admin/cadres/cadre/?gender__exact=2&p=abc",
        }
        for name, path in pages.items():
            visit(page, url, path, f"{username}-{name}")
            if name == "cadre":
                # The autocomplete (select2) writes its dropdown into the page.
                page.click("#id_unit + .select2 .select2-selection")
                page.wait_for_selector(".select2-results__option", timeout=10_000)
                page.keyboard.press("Escape")
            if name == "bad-query":
                assert "已忽略无法识别的查询条件" in page.inner_text("body")
        assert watch.clean(), (username, watch.violations, watch.script_errors, watch.foreign)

        # The watch itself sees a violation when there is one: an inline handler must not run.
        page.evaluate("document.body.insertAdjacentHTML('beforeend', '<img src=\"data:,\" onerror=\"window.ran=1\">')")
        page.wait_for_timeout(300)
        assert watch.violations, "an inline script must be reported"
        assert page.evaluate("window.ran === undefined")
        page.close()

    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    watch = Watch(page, url)
    log_in(page, url, "audit_admin")
    visit(page, url, "/admin/audit/auditlog/", "audit_admin-auditlog")
    visit(page, url, "/admin/audit/auditlog/?action__exact=login", "audit_admin-auditlog-filtered")
    response = page.goto(url + "/admin/no-such-page/")
    assert response is not None and response.status == 404 and "页面不存在" in page.inner_text("h1")
    page.screenshot(path=str(SCREENSHOTS / "csp-404.png"), full_page=True)
    assert watch.clean(), ("audit_admin", watch.violations, watch.script_errors, watch.foreign)
    page.close()
