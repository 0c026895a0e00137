"""The preview before 确认导入: the sheet's first 50 rows with 新增 / 更新 / 未变 / 有误,
the resource's key columns (ID numbers masked), an updated row's changes and every
row's errors, collected by the validation as it checks the rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orgwork.audit.models import AuditAction, AuditLog
from orgwork.imports import registry, services
from orgwork.imports.engine import PREVIEW_ROWS, ImportEngine, preview_headers
from orgwork.imports.models import ImportJob, JobStatus
from orgwork.imports.reader import open_sheet

from .conftest import HEAD, grant, person
from .sheets import workbook_bytes, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.imports.urls")]


def upload(user: Any, rows: list[list[Any]], name: str = "干部.xlsx") -> ImportJob:
    job = services.job_create(user=user, resource="test_cadres", uploaded=SimpleUploadedFile(name, workbook_bytes(rows)))
    services.job_validate(job_id=job.pk)
    job.refresh_from_db()
    return job


@pytest.fixture
def mixed_job(media: Path, test_resource: Any, county_a_clerk: Any, run_sheet: Any, tmp_path: Path) -> ImportJob:
    """Three cadres on file; a sheet of 70 rows: row 2 unchanged, row 3 a new post,
    row 4 a bad gender, the rest new."""
    stored = [person(i) for i in range(1, 4)]
    assert run_sheet(xlsx(tmp_path / "before.xlsx", [HEAD, *stored]), county_a_clerk, commit=True).new == 3
    rows = [person(1), person(2, 现任职务="副主任"), person(3, 性别="?"), *[person(i) for i in range(10, 77)]]
    job = upload(county_a_clerk, [HEAD, *rows])
    assert job.status == JobStatus.AWAITING and job.rows == 70
    return job


def test_the_validation_keeps_the_first_50_rows_with_what_each_would_do(mixed_job: ImportJob) -> None:
    preview = mixed_job.preview
    assert len(preview) == PREVIEW_ROWS
    assert [row["row"] for row in preview] == list(range(2, 2 + PREVIEW_ROWS))
    assert [row["action"] for row in preview[:4]] == ["unchanged", "updated", "error", "new"]
    assert {row["action"] for row in preview[3:]} == {"new"}
    assert preview[1]["changes"] == {"current_post": ["科员", "副主任"]}
    assert preview[2]["errors"] and preview[2]["errors"][0]["column"] == "性别"
    assert not any(row["errors"] for row in preview if row["action"] != "error")


def test_the_job_page_shows_the_badges_changes_errors_and_counts(mixed_job: ImportJob, county_a_clerk: Any,
                                                                 client_for: Any, tree: dict[str, Any]) -> None:
    page = client_for(county_a_clerk).get(reverse("admin:imports_importjob_change", args=[mixed_job.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "导入预览（前 50 行）" in text
    assert "这 50 行中（全表 70 行的结果见上方）：" in text  # the counts are of the rows shown
    assert text.count('<span class="import-badge import-badge-new">新增</span></td>') == 47
    assert text.count('<span class="import-badge import-badge-updated">更新</span></td>') == 1
    assert text.count('<span class="import-badge import-badge-unchanged">未变</span></td>') == 1
    assert text.count('<span class="import-badge import-badge-error">有误</span></td>') == 1
    assert "现任职务：科员 → 副主任" in text
    assert "性别：" in text  # the bad row's error, in Chinese
    assert str(tree["county_a"]) in text  # the unit by its place
    for header in ("姓名", "身份证号", "单位"):
        assert f"<th>{header}</th>" in text


def test_id_numbers_in_the_preview_are_masked_for_a_role_without_the_right(mixed_job: ImportJob,
                                                                          county_a_clerk: Any,
                                                                          client_for: Any) -> None:
    number = person(10)[HEAD.index("身份证号")]
    url = reverse("admin:imports_importjob_change", args=[mixed_job.pk])
    for query in ("", "?full=1"):  # asking for the full values changes nothing without the right
        text = client_for(county_a_clerk).get(url + query).content.decode()
        assert number not in text
        assert number[:6] + "********" + number[-4:] in text
        assert "显示完整身份证号" not in text
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE).exists()


def test_a_user_with_the_right_sees_full_id_numbers_only_on_request_and_the_view_is_recorded(
        mixed_job: ImportJob, county_a_clerk: Any, client_for: Any) -> None:
    number = person(10)[HEAD.index("身份证号")]
    unmasking = grant(county_a_clerk, "cadres.view_unmasked_id_number")
    url = reverse("admin:imports_importjob_change", args=[mixed_job.pk])
    plain = client_for(unmasking).get(url).content.decode()
    assert number not in plain and "显示完整身份证号" in plain
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE).exists()
    full = client_for(unmasking).get(url + "?full=1").content.decode()
    assert number in full
    view = AuditLog.objects.get(action=AuditAction.VIEW_SENSITIVE, actor=unmasking)
    assert "预览" in view.message


def test_a_full_id_number_quoted_in_an_error_is_masked_in_the_preview(media: Path, test_resource: Any,
                                                                     county_a_clerk: Any, client_for: Any) -> None:
    row = person(1)
    job = upload(county_a_clerk, [HEAD, row, row])
    assert job.preview[1]["action"] == "error" and "重复" in job.preview[1]["errors"][0]["message"]
    text = client_for(county_a_clerk).get(reverse("admin:imports_importjob_change", args=[job.pk])).content.decode()
    assert row[HEAD.index("身份证号")] not in text


def test_the_preview_does_not_depend_on_the_chunk_size(media: Path, county_a_clerk: Any, tmp_path: Path) -> None:
    from .resources import CadreSheet

    path = xlsx(tmp_path / "a.xlsx", [HEAD, *[person(i) for i in range(1, 61)]])
    sheet = open_sheet(str(path), path.name, CadreSheet)
    result = ImportEngine(CadreSheet, county_a_clerk, chunk_size=7).run(sheet, commit=False)
    assert result.rows == 60 and len(result.preview) == PREVIEW_ROWS
    assert [row["row"] for row in result.preview] == list(range(2, 52))
    assert {row["action"] for row in result.preview} == {"new"}


def test_a_commit_keeps_the_validations_preview_and_a_finished_job_shows_none(
        media: Path, test_resource: Any, county_a_clerk: Any, client_for: Any) -> None:
    job = upload(county_a_clerk, [HEAD, person(1), person(2)])
    before = job.preview
    services.job_confirm(job=job, user=county_a_clerk)
    services.job_commit(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.preview == before
    text = client_for(county_a_clerk).get(reverse("admin:imports_importjob_change", args=[job.pk])).content.decode()
    assert "导入预览" not in text


def test_the_preview_is_not_written_to_the_audit_trail(mixed_job: ImportJob) -> None:
    number = person(10)[HEAD.index("身份证号")]
    assert not [entry for entry in AuditLog.objects.filter(object_id=str(mixed_job.pk)) if number in str(entry.changes)]


def test_every_registered_import_kind_has_preview_columns() -> None:
    for slug, resource_class in registry._RESOURCES.items():
        headers = preview_headers(resource_class())
        columns = {f.column_name for f in resource_class().get_import_fields()}
        assert headers and set(headers) <= columns, slug


def test_a_row_with_errors_shows_its_unit_by_its_place_when_the_code_is_found_and_as_typed_when_not(
        media: Path, test_resource: Any, county_a_clerk: Any, tree: dict[str, Any]) -> None:
    job = upload(county_a_clerk, [HEAD, person(1, 性别="?"), person(2, 单位="999999", 性别="?"), person(3)])
    units = [dict(row["cells"])["单位"] for row in job.preview]
    assert [row["action"] for row in job.preview] == ["error", "error", "new"]
    assert units == [str(tree["county_a"]), "999999", str(tree["county_a"])]


def full_width(text: str) -> str:
    return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})


def test_an_id_number_typed_in_full_width_digits_with_spaces_is_previewed_as_it_will_be_stored(
        media: Path, test_resource: Any, county_a_clerk: Any, client_for: Any) -> None:
    numbers = [person(i)[HEAD.index("身份证号")] for i in (1, 2)]
    typed = [f"{full_width(n[:6])} {full_width(n[6:14])}\u3000{full_width(n[14:])}" for n in numbers]
    job = upload(county_a_clerk, [HEAD, person(1, 身份证号=typed[0]), person(2, 身份证号=typed[1], 性别="?")])
    assert [row["action"] for row in job.preview] == ["new", "error"]
    url = reverse("admin:imports_importjob_change", args=[job.pk])
    text = client_for(county_a_clerk).get(url).content.decode()
    for number in numbers:  # the good row and the one with an error alike
        assert number[:6] + "********" + number[-4:] in text
        assert full_width(number[:6]) not in text and full_width(number[-4:]) not in text
    unmasking = grant(county_a_clerk, "cadres.view_unmasked_id_number")
    full = client_for(unmasking).get(url + "?full=1").content.decode()
    assert all(number in full for number in numbers) and not any(t in full for t in typed)
