"""The permission matrix beyond the pages the scope matrix opens: every admin action and
every export, for every persona and the three administrators.

A record is made in county A. Every action of every admin is posted against it by every
persona: whoever lacks the permission, or sits outside county A, changes nothing — not
the record, not its audit trail. Every export answers only those who hold the export
permission, and holds exactly the rows the user's changelist puts in a file
(``get_export_queryset``), never more than it shows.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from orgwork.audit.models import AuditLog
from orgwork.imports.access import can_export
from orgwork.imports.admin import ImportExportMixin

from .samples import load_all
from .test_scope_matrix import scoped_admin_labels

IN_COUNTY_A = {"province_officer", "city_officer", "county_a_clerk", "view_only_auditor",
               "system_admin", "security_admin", "audit_admin"}


def admin_of(label: str) -> admin.ModelAdmin:
    return admin.site._registry[apps.get_model(label)]


def action_labels() -> list[str]:
    labels = []
    for label in scoped_admin_labels():
        model_admin = admin_of(label)
        if any(name != "delete_selected" for name in (a if isinstance(a, str) else a.__name__ for a in model_admin.actions or ())):
            labels.append(label)
    return labels


def export_labels() -> list[str]:
    return [label for label in scoped_admin_labels() if isinstance(admin_of(label), ImportExportMixin)]


def snapshot(record: Any) -> tuple[dict[str, Any], int]:
    fresh = type(record)._default_manager.get(pk=record.pk)
    trail = AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(type(record)), object_id=str(record.pk))
    return model_to_dict(fresh), trail.count()


def offered_actions(model_admin: admin.ModelAdmin, user: Any) -> set[str]:
    request = RequestFactory().get("/admin/")
    request.user = user
    return set(model_admin.get_actions(request))


def test_the_matrix_covers_actions_and_exports() -> None:
    assert action_labels(), "no admin declares a workflow action"
    assert {"cadres.Cadre", "units.Unit", "rectification.RectificationItem"} <= set(export_labels())


@pytest.mark.parametrize("label", action_labels())
def test_no_action_reaches_a_record_out_of_scope_or_without_permission(
    label: str, personas: dict[str, Any], tree: dict[str, Any], client_for: Any
) -> None:
    model = apps.get_model(label)
    model_admin = admin_of(label)
    record = load_all()[model](tree["county_a"])
    changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    every_action = offered_actions(model_admin, personas["province_officer"])
    for name, user in personas.items():
        if not user.is_staff:
            continue
        offered = offered_actions(model_admin, user)
        client = client_for(user)
        for action in sorted(every_action):
            if action in offered and name in IN_COUNTY_A:
                continue  # allowed and in scope: the app's own tests cover what it does
            before = snapshot(record)
            client.post(changelist, {"action": action, "_selected_action": [record.pk], "index": 0})
            assert snapshot(record) == before, (label, name, action)


@pytest.mark.parametrize("label", export_labels())
def test_an_export_answers_only_the_permitted_with_exactly_their_rows(
    label: str, personas: dict[str, Any], tree: dict[str, Any], client_for: Any
) -> None:
    model = apps.get_model(label)
    model_admin = admin_of(label)
    load_all()[model](tree["county_a"])
    load_all()[model](tree["county_b"])
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_export")
    for name, user in personas.items():
        response = client_for(user).get(url)
        if not user.is_staff:
            assert response.status_code == 302, (label, name)
            continue
        if not can_export(user, model):
            assert response.status_code == 403, (label, name)
            continue
        assert response.status_code == 200, (label, name)
        request = RequestFactory().get(url)
        request.user = user
        # The list's rows, less any its admin leaves out of a file (民主评议: the kind the sheet
        # cannot take back), and never more than the user's changelist holds.
        expected = model_admin.get_export_queryset(request).count()
        assert expected <= model_admin.get_queryset(request).count(), (label, name)
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert len(rows) - 1 == expected, (label, name)


def test_a_clerk_cannot_see_or_confirm_another_countys_import_job(
    personas: dict[str, Any], tree: dict[str, Any], client_for: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from orgwork.imports import services

    from .imports.conftest import grant
    from .imports.sheets import workbook_bytes

    user = grant(personas["county_a_clerk"], "units.import_unit")
    job = services.job_create(user=user, resource="units", uploaded=SimpleUploadedFile(
        "u.xlsx", workbook_bytes([["单位代码", "单位名称", "上级单位代码", "单位类型", "行政层级"],
                                  ["620102901", "新街道", "620102", "乡镇", "乡级"]])))
    intruder = client_for(personas["county_b_clerk"])
    assert intruder.get(reverse("admin:imports_importjob_change", args=[job.pk])).status_code in (302, 404)
    assert intruder.get(reverse("admin:imports_importjob_progress", args=[job.pk])).status_code == 404
    assert intruder.post(reverse("admin:imports_importjob_confirm", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.confirmed_by is None
