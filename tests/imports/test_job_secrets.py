"""Import jobs keep personal data in: a job is seen and acted on only by those who may
import its kind, abandoned only by its uploader or an explicit right, and its page and
error workbook show ID numbers masked unless the user may unmask (and then audited)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from orgwork.accounts import roles
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.imports import services
from orgwork.imports.models import ImportJob, JobStatus

from .conftest import HEAD, grant, person
from .sheets import workbook_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.imports.urls")]


def upload(user: Any, rows: list[list[Any]], name: str = "干部.xlsx") -> ImportJob:
    return services.job_create(user=user, resource="test_cadres",
                               uploaded=SimpleUploadedFile(name, workbook_bytes(rows)))


def body(answer: Any) -> bytes:
    return b"".join(answer.streaming_content) if answer.streaming else answer.content


def workbook_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content)).active
    parts = []
    for row in sheet.iter_rows():
        for cell in row:
            parts.append("" if cell.value is None else str(cell.value))
            if cell.comment is not None:
                parts.append(cell.comment.text)
    return "\n".join(parts)


@pytest.fixture
def job_with_duplicates(media: Path, test_resource: Any, county_a_clerk: Any) -> tuple[ImportJob, list[str]]:
    """A cadre sheet whose five people each appear twice: five full numbers in errors."""
    rows = [person(i) for i in range(1, 6)]
    job = upload(county_a_clerk, [HEAD, *rows, *rows])
    services.job_validate(job_id=job.pk)
    job.refresh_from_db()
    assert job.error_rows == 5
    return job, [row[HEAD.index("身份证号")] for row in rows]


@pytest.fixture
def party_clerk(make_staff: Any, tree: dict[str, Any]) -> Any:
    return make_staff("party_clerk_a", tree["county_a"], roles.PARTY_BUILDING)


@pytest.fixture
def talent_clerk(make_staff: Any, tree: dict[str, Any]) -> Any:
    return make_staff("talent_clerk_a", tree["county_a"], roles.TALENT_WORK)


def test_a_party_building_or_talent_clerk_does_not_see_a_cadre_import_job(
        job_with_duplicates: Any, party_clerk: Any, talent_clerk: Any, client_for: Any) -> None:
    job, numbers = job_with_duplicates
    for clerk in (party_clerk, talent_clerk):
        client = client_for(clerk)
        listing = client.get(reverse("admin:imports_importjob_changelist"))
        assert job.original_name not in listing.content.decode()
        page = client.get(reverse("admin:imports_importjob_change", args=[job.pk]))
        assert page.status_code == 302 and job.original_name not in page.content.decode()
        assert client.get(reverse("admin:imports_importjob_errors", args=[job.pk])).status_code == 404
        assert client.get(reverse("admin:imports_importjob_progress", args=[job.pk])).status_code == 404
        assert client.post(reverse("admin:imports_importjob_abandon", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == JobStatus.AWAITING and job.file


def test_a_view_only_auditor_sees_no_import_jobs(job_with_duplicates: Any, view_only_auditor: Any,
                                                 client_for: Any) -> None:
    job, _ = job_with_duplicates
    client = client_for(view_only_auditor)
    assert client.get(reverse("admin:imports_importjob_errors", args=[job.pk])).status_code == 403
    assert client.get(reverse("admin:imports_importjob_change", args=[job.pk])).status_code == 403


def test_only_the_uploader_may_abandon_a_job_without_the_explicit_right(
        job_with_duplicates: Any, city_officer: Any, client_for: Any) -> None:
    job, _ = job_with_duplicates
    page = client_for(city_officer).get(reverse("admin:imports_importjob_change", args=[job.pk]))
    assert page.status_code == 200 and "放弃本次导入" not in page.content.decode()
    answer = client_for(city_officer).post(reverse("admin:imports_importjob_abandon", args=[job.pk]))
    assert answer.status_code == 403
    with pytest.raises(PermissionDenied):
        services.job_abandon(job=job, user=city_officer)
    job.refresh_from_db()
    assert job.status == JobStatus.AWAITING and job.file


def test_the_explicit_right_lets_a_colleague_above_abandon_a_job(job_with_duplicates: Any, city_officer: Any,
                                                                  client_for: Any) -> None:
    job, _ = job_with_duplicates
    officer = grant(city_officer, "imports.change_importjob")
    client_for(officer).post(reverse("admin:imports_importjob_abandon", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.file


def test_the_uploader_abandons_their_own_job(job_with_duplicates: Any, county_a_clerk: Any, client_for: Any) -> None:
    job, _ = job_with_duplicates
    page = client_for(county_a_clerk).get(reverse("admin:imports_importjob_change", args=[job.pk]))
    assert "放弃本次导入" in page.content.decode()
    client_for(county_a_clerk).post(reverse("admin:imports_importjob_abandon", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED


def test_no_business_role_carries_the_right_to_abandon_others_jobs(role_groups: dict[str, Any]) -> None:
    for name, group in role_groups.items():
        assert not group.permissions.filter(content_type__app_label="imports", codename="change_importjob").exists(), name


def test_row_messages_on_the_job_page_never_print_a_full_id_number(job_with_duplicates: Any, county_a_clerk: Any,
                                                                   client_for: Any) -> None:
    job, numbers = job_with_duplicates
    unmasking = grant(county_a_clerk, "cadres.view_unmasked_id_number")
    for user in (county_a_clerk, unmasking):
        page = client_for(user).get(reverse("admin:imports_importjob_change", args=[job.pk])).content.decode()
        assert "重复" in page
        assert not [n for n in numbers if n in page]
        assert numbers[0][:6] + "********" + numbers[0][-4:] in page


def test_the_error_workbook_is_masked_and_its_download_audited(job_with_duplicates: Any, county_a_clerk: Any,
                                                               client_for: Any) -> None:
    job, numbers = job_with_duplicates
    answer = client_for(county_a_clerk).get(reverse("admin:imports_importjob_errors", args=[job.pk]))
    assert answer.status_code == 200
    text = workbook_text(body(answer))
    assert "错误说明" in text and "重复" in text
    assert not [n for n in numbers if n in text]
    assert numbers[0][:6] + "********" + numbers[0][-4:] in text
    logged = AuditLog.objects.get(action=AuditAction.EXPORT, object_id=str(job.pk), actor=county_a_clerk)
    assert logged.changes["unmasked"] is False and "已遮蔽" in logged.message
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE).exists()


def test_a_user_who_may_unmask_gets_the_full_error_workbook_and_the_view_is_recorded(
        job_with_duplicates: Any, county_a_clerk: Any, client_for: Any) -> None:
    job, numbers = job_with_duplicates
    unmasking = grant(county_a_clerk, "cadres.view_unmasked_id_number")
    text = workbook_text(body(client_for(unmasking).get(reverse("admin:imports_importjob_errors", args=[job.pk]))))
    assert all(n in text for n in numbers)
    view = AuditLog.objects.get(action=AuditAction.VIEW_SENSITIVE, actor=unmasking)
    assert "错误标注表" in view.message and view.changes["fields"] == ["id_number"]
    assert AuditLog.objects.get(action=AuditAction.EXPORT, object_id=str(job.pk)).changes["unmasked"] is True


def test_a_numeric_id_number_cell_is_masked_in_the_error_workbook(media: Path, test_resource: Any,
                                                                  county_a_clerk: Any, client_for: Any) -> None:
    job = upload(county_a_clerk, [HEAD, person(1, 身份证号=620102197506010033)])
    services.job_validate(job_id=job.pk)
    text = workbook_text(body(client_for(county_a_clerk).get(reverse("admin:imports_importjob_errors", args=[job.pk]))))
    assert "62010219750601" not in text.replace(".", "")


def test_a_row_for_another_countys_cadre_reads_like_any_unusable_id_number(
        media: Path, test_resource: Any, county_a_clerk: Any, county_b_clerk: Any, run_sheet: Any,
        tmp_path: Path) -> None:
    from .sheets import xlsx

    run_sheet(xlsx(tmp_path / "b.xlsx", [HEAD, person(1, 单位="620103")]), county_b_clerk, commit=True)
    result = run_sheet(xlsx(tmp_path / "a.xlsx", [HEAD, person(1), person(2)]), county_a_clerk)
    messages = [e.message for e in result.errors]
    assert messages == ["该身份证号已被使用，请联系上级组织部门核实。"]
    assert "七里河" not in messages[0] and "张一" not in messages[0]


def test_a_committed_sheet_keeps_id_numbers_masked_and_hashed_in_its_audit_rows(
        media: Path, county_a_clerk: Any, run_sheet: Any, tmp_path: Path) -> None:
    from cadres.models import Cadre
    from orgwork.common import secrets

    from .sheets import xlsx

    rows = [person(i) for i in range(1, 4)]
    result = run_sheet(xlsx(tmp_path / "a.xlsx", [HEAD, *rows]), county_a_clerk, commit=True)
    assert result.ok and result.new == 3
    for cadre in Cadre.objects.all():
        entry = AuditLog.objects.get(action=AuditAction.CREATE, object_id=str(cadre.pk), content_type__model="cadre")
        assert entry.changes["id_number"] == [None, {"masked": cadre.masked_id_number,
                                                     "hmac": secrets.keyed_hash(cadre.id_number)}]
        assert cadre.id_number not in str(entry.changes)
