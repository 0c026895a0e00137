"""登录记录 within the 三员 split: the security administrator reads and unlocks the
ordinary accounts' login records of its jurisdiction, never the administrators' own (its
own included), which the security auditor reads in the audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.urls import reverse

from orgwork.accounts import roles
from orgwork.accounts.models import User
from orgwork.audit.models import AuditAction, AuditLog

pytestmark = pytest.mark.django_db


def logged(username: str | None) -> AccessLog:
    return AccessLog.objects.create(username=username, ip_address="10.0.0.1", user_agent="x", http_accept="*/*",
                                    path_info="/admin/login/")


def attempted(username: str) -> AccessAttempt:
    return AccessAttempt.objects.create(username=username, ip_address="10.0.0.1", user_agent="x",
                                        http_accept="*/*", path_info="/admin/login/", failures_since_start=5)


def listed(client: Any, model: str) -> str:
    return client.get(reverse(f"admin:axes_{model}_changelist")).content.decode()


def test_the_security_administrator_reads_the_ordinary_accounts_logins_and_not_the_administrators(
        personas: dict[str, User], client_for: Any) -> None:
    for name in ("county_a_clerk", "view_only_auditor", "system_admin", "security_admin", "audit_admin"):
        logged(name)
    page = listed(client_for(personas["security_admin"]), "accesslog")
    assert "county_a_clerk" in page and "view_only_auditor" in page
    assert "system_admin" not in page and "audit_admin" not in page
    assert ">security_admin<" not in page and "security_admin 的登录记录" not in page


def test_a_name_typed_differently_is_the_same_account(personas: dict[str, User], client_for: Any) -> None:
    hidden = logged("System_Admin")
    shown = logged("County_A_Clerk")
    client = client_for(personas["security_admin"])
    # A record outside is not found, as any other (told so on the index).
    assert client.get(reverse("admin:axes_accesslog_change", args=[hidden.pk])).url == reverse("admin:index")
    assert client.get(reverse("admin:axes_accesslog_change", args=[shown.pk])).status_code == 200


def test_a_name_that_is_no_account_is_read_at_the_province(personas: dict[str, User], client_for: Any,
                                                           make_staff: Any, tree: Any) -> None:
    logged("guessed_admin")
    logged(None)
    AccessFailureLog.objects.create(username="guessed_admin", ip_address="10.0.0.9", user_agent="x",
                                    http_accept="*/*", path_info="/admin/login/")
    assert "guessed_admin" in listed(client_for(personas["security_admin"]), "accesslog")
    assert "guessed_admin" in listed(client_for(personas["security_admin"]), "accessfailurelog")
    city_security = make_staff("city_security", tree["city"], roles.SECURITY_ADMIN)
    page = listed(client_for(city_security), "accesslog")
    assert "guessed_admin" not in page


def test_a_city_security_administrator_reads_its_own_city_only(personas: dict[str, User], client_for: Any,
                                                                make_staff: Any, tree: Any) -> None:
    logged("county_a_clerk")
    logged("province_officer")
    city_security = make_staff("city_security", tree["city"], roles.SECURITY_ADMIN)
    page = listed(client_for(city_security), "accesslog")
    assert "county_a_clerk" in page and "province_officer" not in page


def test_the_security_administrator_cannot_clear_an_administrators_lockout_its_own_included(
        personas: dict[str, User], client_for: Any) -> None:
    own = attempted("security_admin")
    other = attempted("system_admin")
    clerk = attempted("county_a_clerk")
    client = client_for(personas["security_admin"])
    for attempt in (own, other):
        url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
        assert client.post(url, {"post": "yes"}).status_code in (302, 404)
        assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    answer = client.post(reverse("admin:axes_accessattempt_changelist"),
                         {"action": "delete_selected", "_selected_action": [own.pk, other.pk], "post": "yes"})
    assert answer.status_code in (200, 302)
    assert AccessAttempt.objects.filter(pk__in=[own.pk, other.pk]).count() == 2
    client.post(reverse("admin:axes_accessattempt_delete", args=[clerk.pk]), {"post": "yes"})
    assert not AccessAttempt.objects.filter(pk=clerk.pk).exists()


def test_the_auditor_reads_the_administrators_logins_in_the_audit_trail(
        personas: dict[str, User], client: Any) -> None:
    from tests.conftest import PASSWORD

    assert client.post("/admin/login/", {"username": "security_admin", "password": PASSWORD}).status_code == 302
    assert AuditLog.objects.filter(action=AuditAction.LOGIN, actor=personas["security_admin"]).exists()
    client.logout()
    client.force_login(personas["audit_admin"])
    page = client.get(reverse("admin:audit_auditlog_changelist")).content.decode()
    assert "security_admin" in page


def test_a_login_records_page_says_unknown_in_chinese_for_a_header_the_request_did_not_carry(
        personas: dict[str, User], client_for: Any) -> None:
    record = AccessLog.objects.create(username="county_a_clerk", ip_address="10.0.0.1", user_agent="Mozilla/5.0",
                                      http_accept="<unknown>", path_info="/admin/login/")
    page = client_for(personas["security_admin"]).get(reverse("admin:axes_accesslog_change", args=[record.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<unknown>" not in html and "&lt;unknown&gt;" not in html
    shown = {f.field["label"]: f.contents() for fieldset in page.context["adminform"] for line in fieldset
             for f in line if f.is_readonly}
    assert shown["HTTP Accept 头"] == "未知"
    assert "Mozilla/5.0" in shown.values() and "/admin/login/" in shown.values()
