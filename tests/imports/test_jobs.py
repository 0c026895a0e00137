"""Import jobs: upload → 校验 → 待确认 → 确认 → 完成, claimed once, files removed, and the
admin pages and progress endpoint behind the scope."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadres.models import Cadre
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.imports import services
from orgwork.imports.models import ImportJob, JobStatus

from .conftest import HEAD, person
from .sheets import workbook_bytes, zip_bomb, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.imports.urls")]


def upload(user: Any, rows: list[list[Any]], name: str = "干部.xlsx") -> ImportJob:
    return services.job_create(user=user, resource="test_cadres",
                               uploaded=SimpleUploadedFile(name, workbook_bytes(rows)))


def test_a_sheet_with_a_header_and_no_rows_ends_the_job_at_once_and_keeps_no_file(
        media: Path, test_resource: Any, county_a_clerk: Any) -> None:
    job = upload(county_a_clerk, [HEAD])
    assert services.job_validate(job_id=job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None and job.rows == 0
    assert job.message.startswith("表头下面没有数据行，未导入任何内容。")
    assert not job.file and not list(Path(media).rglob("*.xlsx"))
    with pytest.raises(ValidationError):  # nothing left to confirm
        services.job_confirm(job=job, user=county_a_clerk)


def test_a_job_goes_from_upload_to_done(media: Path, test_resource: Any, county_a_clerk: Any,
                                        django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        job = upload(county_a_clerk, [HEAD] + [person(i) for i in range(3)])
    assert len(callbacks) == 1  # the validation task is queued once the upload is committed
    assert job.status == JobStatus.PENDING and job.unit == county_a_clerk.unit and len(job.checksum) == 64
    assert services.job_validate(job_id=job.pk) == JobStatus.AWAITING
    job.refresh_from_db()
    assert (job.rows, job.new_count, job.error_count, job.processed, job.total) == (3, 3, 0, 3, 3)
    assert not Cadre.objects.exists()
    services.job_confirm(job=job, user=county_a_clerk)
    assert services.job_commit(job_id=job.pk) == JobStatus.DONE
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and Cadre.objects.count() == 3
    assert not job.file and not list(Path(media).rglob("*.xlsx"))


def test_a_job_is_claimed_once(media: Path, test_resource: Any, county_a_clerk: Any) -> None:
    job = upload(county_a_clerk, [HEAD, person(1)])
    assert services.job_validate(job_id=job.pk) == JobStatus.AWAITING
    assert services.job_validate(job_id=job.pk) == "skipped"
    services.job_confirm(job=job, user=county_a_clerk)
    again = services.job_confirm(job=job, user=county_a_clerk)  # a double click
    assert again.status == JobStatus.AWAITING
    assert services.job_commit(job_id=job.pk) == JobStatus.DONE
    assert services.job_commit(job_id=job.pk) == "skipped"
    assert AuditLog.objects.filter(action=AuditAction.CREATE, content_type__model="cadre").count() == 1


def test_a_job_with_errors_cannot_be_confirmed(media: Path, test_resource: Any, county_a_clerk: Any) -> None:
    job = upload(county_a_clerk, [HEAD, person(1), person(2, 性别="?")])
    services.job_validate(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.AWAITING and job.error_rows == 1
    assert job.errors == [{"row": 3, "column": "性别", "message": job.errors[0]["message"]}]
    with pytest.raises(ValidationError) as refused:
        services.job_confirm(job=job, user=county_a_clerk)
    assert refused.value.message_dict["status"] == ["有 1 行数据有误，不能确认导入。请修改后重新上传。"]
    assert services.job_commit(job_id=job.pk) == "skipped"
    assert not Cadre.objects.exists()


def test_an_unreadable_file_fails_the_job_and_removes_the_file(media: Path, tmp_path: Path, test_resource: Any,
                                                              county_a_clerk: Any, settings: Any) -> None:
    settings.IMPORT_MAX_UNCOMPRESSED_MB = 5
    bomb = zip_bomb(xlsx(tmp_path / "g.xlsx", [HEAD, person(1)]), tmp_path / "bomb.xlsx", megabytes=10)
    job = services.job_create(user=county_a_clerk, resource="test_cadres",
                              uploaded=SimpleUploadedFile("bomb.xlsx", bomb.read_bytes()))
    assert services.job_validate(job_id=job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert "压缩炸弹" in job.message and not job.file


def test_an_oversize_upload_is_refused_at_once(media: Path, test_resource: Any, county_a_clerk: Any,
                                               settings: Any) -> None:
    settings.IMPORT_MAX_UPLOAD_MB = 0
    with pytest.raises(ValidationError, match="超过上限"):
        upload(county_a_clerk, [HEAD, person(1)])
    assert not ImportJob.objects.exists()


def test_importing_requires_the_import_permission(media: Path, test_resource: Any, view_only_auditor: Any) -> None:
    with pytest.raises(PermissionDenied):
        upload(view_only_auditor, [HEAD, person(1)])


def test_abandoned_and_stale_jobs_are_closed_and_their_files_removed(media: Path, test_resource: Any,
                                                                     county_a_clerk: Any) -> None:
    import datetime

    from django.utils import timezone

    abandoned = upload(county_a_clerk, [HEAD, person(1)])
    services.job_validate(job_id=abandoned.pk)
    services.job_abandon(job=abandoned, user=county_a_clerk)
    stale = upload(county_a_clerk, [HEAD, person(2)])
    assert services.jobs_cleanup(now=timezone.now() + datetime.timedelta(days=2)) == 1
    for job in (abandoned, stale):
        job.refresh_from_db()
        assert job.status == JobStatus.FAILED and not job.file
    assert not list(Path(media).rglob("*.xlsx"))


def test_the_progress_endpoint_is_scoped(media: Path, test_resource: Any, county_a_clerk: Any, county_b_clerk: Any,
                                         city_officer: Any, client_for: Any) -> None:
    job = upload(county_a_clerk, [HEAD, person(1)])
    url = reverse("admin:imports_importjob_progress", args=[job.pk])
    answer = client_for(county_a_clerk).get(url)
    assert answer.status_code == 200
    assert answer.json()["status"] == JobStatus.PENDING and answer.json()["running"] is True
    assert client_for(city_officer).get(url).status_code == 200
    assert client_for(county_b_clerk).get(url).status_code == 404
    page = client_for(county_b_clerk).get(reverse("admin:imports_importjob_change", args=[job.pk]))
    assert page.status_code == 302 and job.original_name not in page.content.decode()
    assert client_for(county_b_clerk).get(reverse("admin:imports_importjob_errors", args=[job.pk])).status_code == 404


def test_the_admin_walks_through_upload_preview_and_confirm(media: Path, test_resource: Any, county_a_clerk: Any,
                                                            client_for: Any) -> None:
    client = client_for(county_a_clerk)
    page = client.get(reverse("admin:imports_importjob_add") + "?resource=test_cadres")
    assert page.status_code == 200 and "上传并校验" in page.content.decode()
    answer = client.post(reverse("admin:imports_importjob_add"), {
        "resource": "test_cadres", "file": SimpleUploadedFile("a.xlsx", workbook_bytes([HEAD, person(1), person(2)]))})
    job = ImportJob.objects.get()
    assert answer.status_code == 302 and answer["Location"].endswith(f"/{job.pk}/change/")
    services.job_validate(job_id=job.pk)
    preview = client.get(answer["Location"]).content.decode()
    assert "确认导入" in preview and "import-progress" in preview
    client.post(reverse("admin:imports_importjob_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.confirmed_by == county_a_clerk


def test_the_annotated_error_workbook_marks_the_bad_cells(media: Path, test_resource: Any, county_a_clerk: Any,
                                                          client_for: Any) -> None:
    import io

    from openpyxl import load_workbook

    job = upload(county_a_clerk, [HEAD, person(1), person(2, 身份证号="123")])
    services.job_validate(job_id=job.pk)
    answer = client_for(county_a_clerk).get(reverse("admin:imports_importjob_errors", args=[job.pk]))
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(answer.streaming_content if answer.streaming else [answer.content]))).active
    assert sheet.cell(row=1, column=len(HEAD) + 1).value == "错误说明"
    bad = sheet.cell(row=3, column=HEAD.index("身份证号") + 1)
    assert bad.fill.fgColor.rgb.endswith("FFC7CE") and "18位" in bad.comment.text
    assert "身份证号" in sheet.cell(row=3, column=len(HEAD) + 1).value
    assert sheet.cell(row=2, column=len(HEAD) + 1).value is None


def test_the_template_has_text_columns_and_its_examples_beside_not_under_the_header(
        test_resource: Any, county_a_clerk: Any, client_for: Any) -> None:
    """An example row would be imported as a real record (or refused): the template
    has none, and shows each column's example as the header's comment and on 填写说明."""
    import io

    from openpyxl import load_workbook

    answer = client_for(county_a_clerk).get(reverse("admin:imports_importjob_template", args=["units"]))
    assert answer.status_code == 403  # no import permission on units
    answer = client_for(county_a_clerk).get(reverse("admin:imports_importjob_template", args=["test_cadres"]))
    book = load_workbook(io.BytesIO(answer.content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == HEAD
    assert all(cell.value is None for row in sheet.iter_rows(min_row=2) for cell in row)
    assert sheet.cell(row=1, column=1).comment.text.startswith("示例：张三")
    assert sheet.cell(row=1, column=4).comment.text.startswith("示例：620102197506010011")
    assert sheet.cell(row=1, column=4).number_format == "@" and sheet.cell(row=50, column=4).number_format == "@"
    notes = {row[0]: row[1] for row in book["填写说明"].iter_rows(min_row=2, values_only=True) if row and row[1]}
    assert notes["姓名"] == "张三" and notes["身份证号"] == "620102197506010011"


def test_a_macro_workbook_is_refused_at_upload(media: Path, test_resource: Any, county_a_clerk: Any) -> None:
    with pytest.raises(ValidationError, match="宏"):
        upload(county_a_clerk, [HEAD, person(1)], name="干部.xlsm")
    with pytest.raises(ValidationError, match=r"\.csv"):
        upload(county_a_clerk, [HEAD, person(1)], name="干部.docx")
    assert not ImportJob.objects.exists()


def test_a_statement_the_database_refuses_is_not_told_as_a_lost_connection(
        media: Path, test_resource: Any, county_a_clerk: Any) -> None:
    """SQLite refusing an expression too deep, with the connection alive, is a fault of
    ours: the job says 系统错误, not that the connection broke."""
    from django.db import OperationalError

    def refused() -> None:
        import sqlite3

        try:  # as Django raises it: its error, the driver's as the cause
            raise sqlite3.OperationalError("Expression tree is too large (maximum depth 1000)")
        except sqlite3.OperationalError as cause:
            raise OperationalError(*cause.args) from cause

    job = upload(county_a_clerk, [HEAD, person(1)])
    assert services._step(job, refused, step="validation", lost=services.VALIDATION_CONNECTION_LOST,
                          crashed="校验时发生系统错误", conflict=services.VALIDATION_CONFLICT) == (False, None)
    job.refresh_from_db()
    assert (job.status, job.message) == (JobStatus.FAILED, "校验时发生系统错误")

    def terminated() -> None:
        import psycopg

        try:  # pg_terminate_backend, as the driver reports it
            raise psycopg.errors.AdminShutdown("terminating connection due to administrator command")
        except psycopg.Error as cause:
            raise OperationalError(*cause.args) from cause

    second = upload(county_a_clerk, [HEAD, person(2)])
    services._step(second, terminated, step="validation", lost=services.VALIDATION_CONNECTION_LOST, crashed="x",
                   conflict=services.VALIDATION_CONFLICT)
    second.refresh_from_db()
    assert second.message == services.VALIDATION_CONNECTION_LOST
