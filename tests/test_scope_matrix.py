"""The scope matrix: every registered ModelAdmin × every persona × every admin view.

A record is made in county A. Each persona then opens the changelist, add, change,
history and delete pages and the autocomplete endpoint. What it may open follows its
permissions; what it may *see* follows its jurisdiction: county B never sees or reaches
county A's record, not even by typing its id into the URL.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse

from axes.models import AccessAttempt, AccessFailureLog, AccessLog

from cadres.selection.models import DissatisfactionLine
from cadres.supervision.models import InfluencePeriodRule
from cadres.training.models import TrainingMinimum
from orgwork.audit.models import AuditLog
from orgwork.notifications.models import Delivery, Notification, ReminderRule
from orgwork.units.scope import is_scoped

from .samples import load_all

# Admins with their own scope rules, tested in their own modules: roles and lockouts are
# global (the security administrator's), the audit log is scoped by its rows' unit path;
# the influence-period, yearly training minimum and reminder rules and the 不满意率 line are
# province-wide configuration (tests/supervision, tests/cadre_work, tests/notifications); the
# inbox shows one's own messages and the mail log is the system administrator's
# (tests/notifications).
SPECIAL_ADMINS = {Group, AuditLog, AccessAttempt, AccessLog, AccessFailureLog, InfluencePeriodRule,
                  ReminderRule, Notification, Delivery, DissatisfactionLine, TrainingMinimum}


def scoped_admin_labels() -> list[str]:
    return sorted(
        model._meta.label
        for model in admin.site._registry
        if model not in SPECIAL_ADMINS and is_scoped(model)
    )


def test_every_registered_admin_is_scoped_or_special() -> None:
    unscoped = [m._meta.label for m in admin.site._registry if m not in SPECIAL_ADMINS and not is_scoped(m)]
    assert unscoped == [], f"admins without a scope_field: {unscoped}"


def test_every_scoped_admin_has_a_sample_builder() -> None:
    builders = load_all()
    missing = [label for label in scoped_admin_labels() if apps.get_model(label) not in builders]
    assert missing == [], f"add a @sample_for builder in tests/samples/ for: {missing}"


def autocomplete_source(model: type) -> tuple[str, str, str] | None:
    """An (app_label, model_name, field_name) whose admin autocompletes onto ``model``."""
    for source_model, source_admin in admin.site._registry.items():
        for field_name in source_admin.autocomplete_fields:
            field = source_model._meta.get_field(field_name)
            if field.related_model is model:
                return source_model._meta.app_label, source_model._meta.model_name, field_name
    return None


def deletable(model_admin: admin.ModelAdmin, user: Any, record: Any) -> bool:
    request = RequestFactory().get("/admin/")
    request.user = user
    return model_admin.has_delete_permission(request, record)


def perms(model_admin: admin.ModelAdmin, user: Any) -> dict[str, bool]:
    request = RequestFactory().get("/admin/")
    request.user = user
    return {
        "view": model_admin.has_view_or_change_permission(request),
        "add": model_admin.has_add_permission(request),
        "delete": model_admin.has_delete_permission(request),
    }


@pytest.mark.parametrize("label", scoped_admin_labels())
def test_scope_matrix(label: str, personas: dict[str, Any], tree: dict[str, Any], client_for: Any) -> None:
    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    record = load_all()[model](tree["county_a"])
    info = (model._meta.app_label, model._meta.model_name)
    urls = {
        "changelist": reverse("admin:%s_%s_changelist" % info),
        "add": reverse("admin:%s_%s_add" % info),
        "change": reverse("admin:%s_%s_change" % info, args=[record.pk]),
        "history": reverse("admin:%s_%s_history" % info, args=[record.pk]),
        "delete": reverse("admin:%s_%s_delete" % info, args=[record.pk]),
    }
    source = autocomplete_source(model) if model_admin.search_fields else None
    within_a = {"province_officer", "city_officer", "county_a_clerk", "view_only_auditor",
                "system_admin", "security_admin", "audit_admin"}
    for name, user in personas.items():
        client = client_for(user)
        if not user.is_staff:
            for url in urls.values():
                response = client.get(url)
                assert response.status_code == 302 and "/login/" in response["Location"], (name, url)
            continue
        can = perms(model_admin, user)
        # An account's history is audit trail, its reader's alone (AuditTrailHistory.history_permission).
        history_permission = getattr(model_admin, "history_permission", None)
        can["history"] = can["view"] and (history_permission is None or user.has_perm(history_permission))
        sees = name in within_a
        expected = {
            "changelist": 200 if can["view"] else 403,
            "add": 200 if can["add"] else 403,
            "change": 403 if not can["view"] else (200 if sees else 302),
            "history": 403 if not can["history"] else (200 if sees else 302),
            # A record the rules keep (a serving cadre's current principal post) is not deleted.
            "delete": 403 if not can["delete"] else (302 if not sees else (200 if deletable(model_admin, user, record)
                                                                            else 403)),
        }
        for view, url in urls.items():
            response = client.get(url)
            assert response.status_code == expected[view], (label, name, view, response.status_code)
        if can["view"]:
            changelist = client.get(urls["changelist"]).context["cl"]
            assert changelist.queryset.filter(pk=record.pk).exists() is sees, (label, name)
            if source is not None:
                response = client.get(
                    reverse("admin:autocomplete"),
                    {"term": "", "app_label": source[0], "model_name": source[1], "field_name": source[2]},
                )
                if response.status_code == 200:
                    ids = {str(r["id"]) for r in response.json()["results"]}
                    assert (str(record.pk) in ids) is sees, (label, name, "autocomplete")
        if not sees:
            # A forged POST to the change URL of a record out of scope changes nothing.
            response = client.post(urls["change"], {})
            assert response.status_code in (302, 403), (label, name)
            response = client.post(urls["delete"], {"post": "yes"})
            assert response.status_code in (302, 403), (label, name)
            assert model._default_manager.filter(pk=record.pk).exists()
