"""The personal-data matrix: every role × every declared field × every output.

Full ID numbers of a cadre and a talent, and the talent's phone number, are seeded, with
audit rows written before the trail kept them masked, and a cadre sheet and a talent
sheet waiting as import jobs with their errors. Every role (from ``setup_roles``),
without the right to unmask, opens every page and download that could show them: lists,
change and read-only pages, print, ``.lrmx``, history, the audit administrator's pages,
exports, import job pages, progress and error workbooks. None of the full values
appears in any response body or workbook. Users granted the right see them, and each
full view leaves an audit row.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cadres.models import Cadre
from cadres.resources import CadreResource
from orgwork.common.contract import SystemActor
from orgwork.accounts import roles
from orgwork.accounts.models import User
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.codes import lookup
from orgwork.common import secrets
from orgwork.imports import services as imports
from seeds.reference import load_reference
from talent import services as talent_services
from talent.models import Person
from talent.resources import PersonResource
from tests.imports.sheets import workbook_bytes
from tests.samples.cadres import cadre_in
from tests.samples.talent import enrollment_in, id_number_for

PHONE = "13912345678"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def reference(db: Any) -> Any:
    lookup.cache_clear()
    load_reference()
    yield
    lookup.cache_clear()


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def every_role(personas: dict[str, User], make_staff: Any, tree: dict[str, Any]) -> dict[str, User]:
    """The personas, and one account per role alone, at the province and in county A."""
    users = {name: user for name, user in personas.items() if user.is_staff}
    for role in roles.ALL_ROLES:
        users[f"{role}（省）"] = make_staff(f"only_{roles.ALL_ROLES.index(role)}_p", tree["province"], role)
        users[f"{role}（城关区）"] = make_staff(f"only_{roles.ALL_ROLES.index(role)}_a", tree["county_a"], role)
    return users


def _sheet(resource: Any, rows: list[dict[str, str]]) -> bytes:
    headers = list(resource.example_row)
    return workbook_bytes([headers, *[[row.get(h, resource.example_row[h]) for h in headers] for row in rows]])


@pytest.fixture
def seeded(tree: dict[str, Any], media: Path, personas: dict[str, User]) -> dict[str, Any]:
    county_a = tree["county_a"]
    cadre = cadre_in(county_a, name="张建华", birth=datetime.date(1975, 6, 15))
    person = talent_services.person_save(person=Person(
        name="李明", id_number=id_number_for(321, datetime.date(1980, 5, 17)), unit=county_a, phone=PHONE,
        field="材料", professional_title="研究员"), actor=SystemActor("fixture"))
    enrollment = enrollment_in(county_a)
    # Rows as the trail kept them before it masked: the values in clear.
    for instance, changes in ((cadre, {"id_number": [None, cadre.id_number]}),
                              (person, {"id_number": [None, person.id_number], "phone": [None, PHONE]})):
        AuditLog.objects.create(action=AuditAction.UPDATE, content_type=ContentType.objects.get_for_model(instance),
                                object_id=str(instance.pk), object_repr=str(instance), unit_path=county_a.path,
                                changes=changes, message=f"旧记录 {changes['id_number'][1]}")
    clerk = personas["county_a_clerk"]
    cadre_row = {"姓名": cadre.name, "身份证号": cadre.id_number, "单位": county_a.code}
    cadre_job = imports.job_create(user=clerk, resource=CadreResource.slug, uploaded=SimpleUploadedFile(
        "干部.xlsx", _sheet(CadreResource, [cadre_row, cadre_row])))
    talent_row = {"姓名": person.name, "身份证号": person.id_number, "联系电话": PHONE, "性别": "?",
                  "工作单位": county_a.code}
    talent_job = imports.job_create(user=clerk, resource=PersonResource.slug, uploaded=SimpleUploadedFile(
        "人才.xlsx", _sheet(PersonResource, [talent_row, talent_row])))
    for job in (cadre_job, talent_job):
        imports.job_validate(job_id=job.pk)
        job.refresh_from_db()
        assert job.error_count and job.file, job.errors
    full = [cadre.id_number, person.id_number, enrollment.person.id_number, PHONE]
    return {"cadre": cadre, "person": person, "enrollment": enrollment, "jobs": [cadre_job, talent_job],
            "full": full}


def urls_for(seeded: dict[str, Any]) -> list[str]:
    cadre, person, enrollment = seeded["cadre"], seeded["person"], seeded["enrollment"]
    pages = []
    for name, obj in (("cadres_cadre", cadre), ("talent_person", person), ("talent_enrollment", enrollment)):
        pages += [reverse(f"admin:{name}_changelist"), reverse(f"admin:{name}_change", args=[obj.pk]),
                  reverse(f"admin:{name}_history", args=[obj.pk]),
                  reverse(f"admin:{name}_export") + "?_export=xlsx", reverse(f"admin:{name}_export") + "?_export=csv"]
    pages += [reverse("admin:cadres_cadre_print", args=[cadre.pk]),
              reverse("admin:cadres_cadre_export_lrmx", args=[cadre.pk])]
    audit_rows = AuditLog.objects.filter(object_id__in=[str(cadre.pk), str(person.pk), str(enrollment.person.pk)])
    pages += [reverse("admin:audit_auditlog_changelist"),
              reverse("admin:audit_auditlog_changelist") + "?action=update"]
    pages += [reverse("admin:audit_auditlog_change", args=[pk]) for pk in audit_rows.values_list("pk", flat=True)]
    pages.append(reverse("admin:imports_importjob_changelist"))
    for job in seeded["jobs"]:
        pages += [reverse("admin:imports_importjob_change", args=[job.pk]),
                  reverse("admin:imports_importjob_progress", args=[job.pk]),
                  reverse("admin:imports_importjob_errors", args=[job.pk]),
                  reverse("admin:imports_importjob_history", args=[job.pk])]
    return pages


def text_of(answer: Any) -> str:
    content = b"".join(answer.streaming_content) if answer.streaming else answer.content
    if answer.get("Content-Type", "").startswith(XLSX):
        parts = []
        for sheet in load_workbook(io.BytesIO(content)).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    parts.append("" if cell.value is None else str(cell.value))
                    if cell.comment is not None:
                        parts.append(cell.comment.text)
        return "\n".join(parts)
    return content.decode("utf-8-sig", errors="replace")


def test_no_role_without_the_right_sees_a_full_id_number_or_phone_anywhere(
        seeded: dict[str, Any], every_role: dict[str, User], client_for: Any) -> None:
    pages = urls_for(seeded)
    opened: dict[str, int] = {}
    for name, user in every_role.items():
        assert not any(user.has_perm(d.unmask_permission) for d in secrets.SENSITIVE.values()), name
        client = client_for(user)
        for url in pages:
            answer = client.get(url)
            text = text_of(answer)
            leaked = [value for value in seeded["full"] if value in text]
            assert not leaked, f"{name} {url} {answer.status_code}: {leaked}"
            if answer.status_code == 200:
                opened[url] = opened.get(url, 0) + 1
    # The matrix looked at real pages: every one was open to somebody, masked.
    assert set(opened) == set(pages), sorted(set(pages) - set(opened))
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE).exists()


def test_the_pages_show_the_masked_values(seeded: dict[str, Any], personas: dict[str, User],
                                          client_for: Any) -> None:
    client = client_for(personas["county_a_clerk"])
    cadre, person = seeded["cadre"], seeded["person"]
    assert cadre.masked_id_number in text_of(client.get(reverse("admin:cadres_cadre_change", args=[cadre.pk])))
    page = text_of(client.get(reverse("admin:talent_person_change", args=[person.pk])))
    assert person.masked_id_number in page and "139****5678" in page
    workbook = text_of(client.get(reverse("admin:imports_importjob_errors", args=[seeded["jobs"][1].pk])))
    assert "139****5678" in workbook and person.masked_id_number in workbook


def _granted(user: User, *labels: str) -> User:
    for label in labels:
        app_label, codename = label.split(".")
        # One right may be a permission of several models of its app (members: 党员, 入党申请人).
        user.user_permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))
    return User.objects.get(pk=user.pk)


def test_a_user_with_the_right_sees_full_values_and_each_full_view_is_recorded(
        seeded: dict[str, Any], personas: dict[str, User], client_for: Any) -> None:
    clerk = _granted(personas["county_a_clerk"], *(d.unmask_permission for d in secrets.SENSITIVE.values()))
    client = client_for(clerk)
    cadre, person = seeded["cadre"], seeded["person"]
    full_views = [
        (reverse("admin:cadres_cadre_change", args=[cadre.pk]), cadre.id_number),
        (reverse("admin:cadres_cadre_print", args=[cadre.pk]), cadre.id_number),
        (reverse("admin:cadres_cadre_export_lrmx", args=[cadre.pk]), cadre.id_number),
        (reverse("admin:talent_person_change", args=[person.pk]), PHONE),
        (reverse("admin:talent_person_changelist"), person.id_number),
        (reverse("admin:imports_importjob_errors", args=[seeded["jobs"][0].pk]), cadre.id_number),
        (reverse("admin:imports_importjob_errors", args=[seeded["jobs"][1].pk]), PHONE),
    ]
    for url, value in full_views:
        before = AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, actor=clerk).count()
        answer = client.get(url)
        assert answer.status_code == 200 and value in text_of(answer), url
        assert AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, actor=clerk).count() == before + 1, url
    # Exports with full values say so in their audit row.
    client.get(reverse("admin:cadres_cadre_export") + "?_export=xlsx")
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, actor=clerk).latest("id").changes["unmasked"] is True
    # The history page never shows a full value, whoever looks: the trail keeps none.
    history = text_of(client.get(reverse("admin:cadres_cadre_history", args=[cadre.pk])))
    assert cadre.id_number not in history and cadre.masked_id_number in history
