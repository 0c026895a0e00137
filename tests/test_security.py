"""Login, session and transport rules (等保三级 identification and session controls)."""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orgwork.audit.middleware import SESSION_STARTED_KEY
from orgwork.audit.models import AuditAction, AuditLog

from .conftest import PASSWORD

LOGIN = "/admin/login/"


def attempt(client: Client, username: str, password: str, ip: str = "10.1.1.1") -> Any:
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=ip)


def test_a_good_login_is_audited(county_a_clerk: Any) -> None:
    response = attempt(Client(), "county_a_clerk", PASSWORD)
    assert response.status_code == 302
    entry = AuditLog.objects.get(action=AuditAction.LOGIN)
    assert (entry.actor, entry.ip) == (county_a_clerk, "10.1.1.1")


def test_five_failures_lock_that_username_from_that_address_for_thirty_minutes(county_a_clerk: Any) -> None:
    client = Client()
    for _ in range(5):
        attempt(client, "county_a_clerk", "wrong-password")
    locked = attempt(client, "county_a_clerk", PASSWORD)
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    assert AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED).count() >= 5
    assert AuditLog.objects.filter(action=AuditAction.LOCKOUT).exists()
    # A colleague behind another address is not locked out with them.
    assert attempt(Client(), "county_a_clerk", PASSWORD, ip="10.1.1.2").status_code == 302


def test_the_lock_lifts_after_thirty_minutes(county_a_clerk: Any) -> None:
    from axes.models import AccessAttempt

    client = Client()
    for _ in range(5):
        attempt(client, "county_a_clerk", "wrong-password")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
    assert attempt(client, "county_a_clerk", PASSWORD).status_code == 302


def test_an_expired_password_forces_a_change_first(county_a_clerk: Any, client_for: Any) -> None:
    county_a_clerk.password_changed_at = timezone.now() - datetime.timedelta(days=91)
    county_a_clerk.save()
    client = client_for(county_a_clerk)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == reverse("admin:password_change")
    assert client.get(reverse("admin:password_change")).status_code == 200
    response = client.post(reverse("admin:password_change"), {
        "old_password": PASSWORD, "new_password1": "Fresh#Pass2026", "new_password2": "Fresh#Pass2026"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("password, ok", [
    ("Short#1", False), ("alllowercaseletters", False), ("lowercase12345", False),
    ("county_a_clerk1A!", False), ("Goodpass#2026", True),
])
def test_password_rules(county_a_clerk: Any, password: str, ok: bool) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    if ok:
        validate_password(password, county_a_clerk)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, county_a_clerk)


def test_sessions_idle_out_after_thirty_minutes(county_a_clerk: Any, client_for: Any, settings: Any) -> None:
    """The expiry follows the requests (renewed at most once a minute, not written on
    every page), and a session left alone past it is over."""
    from django.contrib.sessions.models import Session

    from orgwork.accounts.middleware import SESSION_RENEWED_KEY

    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_RENEW_SECONDS == 60
    client = client_for(county_a_clerk)
    assert client.get("/admin/").status_code == 200
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + datetime.timedelta(minutes=5))
    assert client.get("/admin/").status_code == 200  # renewed a moment ago: nothing written
    assert Session.objects.get(session_key=key).expire_date < timezone.now() + datetime.timedelta(minutes=6)

    session = client.session
    session[SESSION_RENEWED_KEY] = int(time.time()) - 61
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + datetime.timedelta(minutes=5))
    assert client.get("/admin/").status_code == 200  # a minute on: the expiry moves to 30 minutes ahead
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + datetime.timedelta(minutes=29)

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_session_ends_after_eight_hours_however_busy(county_a_clerk: Any, client_for: Any) -> None:
    client = client_for(county_a_clerk)
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[SESSION_STARTED_KEY] = int(time.time()) - 8 * 3600 - 1
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_disabling_an_account_ends_its_session_at_once(county_a_clerk: Any, client_for: Any) -> None:
    client = client_for(county_a_clerk)
    assert client.get("/admin/").status_code == 200
    county_a_clerk.is_active = False
    county_a_clerk.save()
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_admin_pages_are_not_cached(county_a_clerk: Any, client_for: Any) -> None:
    assert client_for(county_a_clerk).get("/admin/")["Cache-Control"] == "no-store"


def test_nobody_edits_a_role_they_hold(personas: dict[str, Any], client_for: Any, role_groups: Any) -> None:
    security = personas["security_admin"]
    own = role_groups["安全管理员"]
    other = role_groups["只读查阅"]
    client = client_for(security)
    before = set(own.permissions.values_list("pk", flat=True))
    # Refused with the reason on the role's page (and audited: test_separation_of_duties).
    response = client.post(reverse("admin:auth_group_change", args=[own.pk]), {"name": own.name})
    assert response.status_code == 302 and response["Location"] == reverse("admin:auth_group_change", args=[own.pk])
    assert set(own.permissions.values_list("pk", flat=True)) == before
    assert client.get(reverse("admin:auth_group_change", args=[other.pk])).status_code == 200


def test_nobody_grants_themselves_rights_through_their_own_account(personas: dict[str, Any], client_for: Any) -> None:
    sysadmin = personas["system_admin"]
    form = client_for(sysadmin).get(reverse("admin:accounts_user_change", args=[sysadmin.pk])).context["adminform"].form
    assert not {"groups", "user_permissions", "is_superuser", "unit"} & set(form.fields)
