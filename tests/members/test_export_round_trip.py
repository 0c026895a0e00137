"""A masked export uploaded again (导出→填写→上传): a clerk without the right to full ID
numbers exports a list, fills in what changed and uploads the file itself. The export
names, in a very hidden signed sheet, the records its masked numbers came from; the
import puts each number back from that record (orgwork.imports.restore)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from branches.members import services as member_services
from branches.members.models import DuesRecord, Member
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.imports import restore, services
from orgwork.imports.models import ImportJob
from tests.imports.test_error_workbook_upload import twins

from .conftest import SYSTEM, add_member, make_id, today, with_the_right

pytestmark = pytest.mark.django_db
MASKED_MESSAGE = "这是列表、导出文件或错误标注表中遮盖过的身份证号"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def members(orgs: Any) -> list[Member]:
    return [add_member(orgs["community"], name, id_number=make_id(datetime.date(1970 + i, 3, 9)))
            for i, name in enumerate(["王建国", "李红", "张伟"])]


@pytest.fixture
def ledger(members: list[Member]) -> list[Member]:
    member_services.dues_generate_month(month=today(), actor=SYSTEM)
    return members


def exported(client_for: Any, user: Any, model: str, query: str = "") -> Any:
    answer = client_for(user).get(reverse(f"admin:members_{model}_export") + query)
    assert answer.status_code == 200
    return load_workbook(io.BytesIO(answer.content))


def saved(workbook: Any) -> bytes:
    """Saved as Excel or WPS would save it: the hidden sheet stays."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def uploaded(user: Any, resource: str, content: bytes) -> ImportJob:
    job = services.job_create(user=user, resource=resource, uploaded=SimpleUploadedFile("导出.xlsx", content))
    services.job_validate(job_id=job.pk)
    job.refresh_from_db()
    return job


def column(workbook: Any, header: str) -> int:
    return [c.value for c in workbook.worksheets[0][1]].index(header)


@pytest.mark.parametrize("model,resource", [("member", "members_roster"), ("duesrecord", "members_dues")])
def test_an_export_with_full_numbers_uploaded_unchanged_changes_nothing(
        ledger, client_for, county_a_clerk, model, resource):
    job = uploaded(county_a_clerk, resource, saved(exported(client_for, with_the_right(county_a_clerk), model)))
    assert (job.error_rows, job.unchanged_count, job.rows) == (0, 3, 3), job.errors
    assert "还原" not in job.message


@pytest.mark.parametrize("model,resource", [("member", "members_roster"), ("duesrecord", "members_dues")])
def test_a_masked_export_uploaded_unchanged_changes_nothing(ledger, client_for, county_a_clerk, model, resource):
    workbook = exported(client_for, county_a_clerk, model)
    numbers = [row[column(workbook, "身份证号")].value for row in workbook.worksheets[0].iter_rows(min_row=2)]
    assert all("********" in n for n in numbers)
    assert workbook[restore.EXPORT_MARKER_SHEET].sheet_state == "veryHidden"
    job = uploaded(county_a_clerk, resource, saved(workbook))
    assert (job.error_rows, job.unchanged_count, job.rows) == (0, 3, 3), job.errors
    assert "已按导出文件还原 3 个被遮蔽的号码" in job.message


def test_a_ledger_exported_masked_with_one_payment_filled_in_updates_that_row(ledger, client_for, county_a_clerk):
    workbook = exported(client_for, county_a_clerk, "duesrecord")
    sheet = workbook.worksheets[0]
    row = next(sheet.iter_rows(min_row=2))
    row[column(workbook, "实交金额（元）")].value = row[column(workbook, "应交金额（元）")].value
    row[column(workbook, "交纳日期")].value = today().isoformat()
    paying = Member.objects.get(name=row[column(workbook, "姓名")].value)
    job = uploaded(county_a_clerk, "members_dues", saved(workbook))
    assert (job.error_rows, job.updated_count, job.unchanged_count) == (0, 1, 2), job.errors
    services.job_confirm(job=job, user=county_a_clerk)
    services.job_commit(job_id=job.pk)
    record = DuesRecord.objects.get(member=paying, month=today().replace(day=1))
    assert record.paid == record.due and record.paid_on == today()
    assert not DuesRecord.objects.exclude(member=paying).exclude(paid_on=None).exists()


def test_a_number_typed_in_full_stays_as_typed(ledger, client_for, county_a_clerk):
    workbook = exported(client_for, county_a_clerk, "member")
    row = next(workbook.worksheets[0].iter_rows(min_row=2))
    typed = Member.objects.get(name=row[column(workbook, "姓名")].value).id_number
    row[column(workbook, "身份证号")].value = typed
    job = uploaded(county_a_clerk, "members_roster", saved(workbook))
    assert (job.error_rows, job.unchanged_count) == (0, 3), job.errors
    assert "已按导出文件还原 2 个被遮蔽的号码" in job.message


def test_another_clerk_uploading_someone_elses_masked_export_gets_no_numbers_back(
        ledger, client_for, county_a_clerk, make_staff, tree, role_groups):
    from orgwork.accounts import roles

    colleague = make_staff("county_a_colleague", tree["county_a"], *roles.BUSINESS_ROLES)
    job = uploaded(colleague, "members_roster", saved(exported(client_for, county_a_clerk, "member")))
    assert "这是其他用户导出的文件" in job.message and "还原 " not in job.message
    assert job.error_rows == 3 and MASKED_MESSAGE in str(job.errors)


def test_a_tampered_mark_is_ignored_and_the_masks_are_refused(ledger, client_for, county_a_clerk):
    workbook = exported(client_for, county_a_clerk, "member")
    marker = workbook[restore.EXPORT_MARKER_SHEET]
    token = marker["A1"].value
    marker["A1"] = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    job = uploaded(county_a_clerk, "members_roster", saved(workbook))
    assert "还原" not in job.message
    assert job.error_rows == 3 and MASKED_MESSAGE in str(job.errors)


def test_an_expired_mark_says_so_and_restores_nothing(ledger, client_for, county_a_clerk):
    import time

    class EightDaysAgo(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - 8 * 86400)

    workbook = exported(client_for, county_a_clerk, "member")
    marker = workbook[restore.EXPORT_MARKER_SHEET]
    payload = signing.loads(marker["A1"].value, salt="orgwork.imports.export")
    marker["A1"] = EightDaysAgo(salt="orgwork.imports.export").sign_object(payload, compress=True)
    job = uploaded(county_a_clerk, "members_roster", saved(workbook))
    assert "已超过还原期限" in job.message and "请重新导出" in job.message
    assert job.error_rows == 3 and MASKED_MESSAGE in str(job.errors)


def test_a_mask_two_members_share_is_not_guessed_and_its_rows_are_named(members, orgs, client_for, county_a_clerk):
    for name, number in zip(["赵一", "赵二"], twins()):
        add_member(orgs["community"], name, id_number=number)
    job = uploaded(county_a_clerk, "members_roster", saved(exported(client_for, county_a_clerk, "member")))
    assert "已按导出文件还原 3 个被遮蔽的号码" in job.message
    assert "的号码无法还原（导出时有两个记录的号码遮蔽后相同）" in job.message
    assert job.error_rows == 2 and job.unchanged_count == 3
    refused = {e["row"] for e in job.errors}
    assert all(f"第 {row} 行「身份证号」" in job.message for row in refused)
    assert all(MASKED_MESSAGE in e["message"] for e in job.errors)


def test_a_record_moved_out_of_the_jurisdiction_since_the_export_keeps_its_mask(
        ledger, orgs, client_for, county_a_clerk):
    workbook = exported(client_for, county_a_clerk, "member")
    moved = ledger[0]
    Member.objects.filter(pk=moved.pk).update(branch=orgs["county_b"])
    job = uploaded(county_a_clerk, "members_roster", saved(workbook))
    assert "已按导出文件还原 2 个被遮蔽的号码" in job.message
    assert "记录已不在您的管辖范围内" in job.message and job.error_rows == 1


def test_putting_numbers_back_shows_no_one_a_number_and_writes_no_full_view(ledger, client_for, county_a_clerk):
    workbook = exported(client_for, county_a_clerk, "duesrecord")
    before = AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE).count()
    job = uploaded(county_a_clerk, "members_dues", saved(workbook))
    assert job.error_rows == 0 and "已按导出文件还原 3 个" in job.message
    assert AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE).count() == before
    page = client_for(county_a_clerk).get(reverse("admin:imports_importjob_change", args=[job.pk]))
    assert page.status_code == 200 and ledger[0].masked_id_number in page.content.decode()
    assert not any(m.id_number in page.content.decode() for m in ledger)


def test_the_error_workbook_of_a_restored_export_round_trips_again(ledger, client_for, county_a_clerk):
    workbook = exported(client_for, county_a_clerk, "duesrecord")
    next(workbook.worksheets[0].iter_rows(min_row=2))[column(workbook, "实交金额（元）")].value = "很多"
    first = uploaded(county_a_clerk, "members_dues", saved(workbook))
    assert first.error_rows == 1 and "已按导出文件还原 3 个" in first.message
    answer = client_for(county_a_clerk).get(reverse("admin:imports_importjob_errors", args=[first.pk]))
    errors = load_workbook(io.BytesIO(b"".join(answer.streaming_content) if answer.streaming else answer.content))
    sheet = errors.worksheets[0]
    assert all("********" in row[0].value for row in sheet.iter_rows(min_row=2))
    next(sheet.iter_rows(min_row=2))[column(errors, "实交金额（元）")].value = None
    second = uploaded(county_a_clerk, "members_dues", saved(errors))
    assert f"已按导入任务 {first.pk} 的原始文件还原 3 个被遮蔽的号码" in second.message
    assert second.error_rows == 0, second.errors


def test_the_error_workbook_of_an_upload_that_held_only_masks_says_they_cannot_be_put_back(
        ledger, client_for, county_a_clerk, make_staff, tree):
    from orgwork.accounts import roles

    colleague = make_staff("county_a_colleague", tree["county_a"], *roles.BUSINESS_ROLES)
    first = uploaded(colleague, "members_roster", saved(exported(client_for, county_a_clerk, "member")))
    assert first.error_rows == 3
    answer = client_for(colleague).get(reverse("admin:imports_importjob_errors", args=[first.pk]))
    errors = load_workbook(io.BytesIO(b"".join(answer.streaming_content) if answer.streaming else answer.content))
    second = uploaded(colleague, "members_roster", saved(errors))
    assert "还原 3 个" not in second.message and f"还原 0 个" not in second.message
    assert f"导入任务 {first.pk} 的原始文件中也没有完整号码，表中被遮蔽的号码无法还原" in second.message
    assert second.error_rows == 3 and MASKED_MESSAGE in str(second.errors)


def test_the_applicants_and_the_appraisals_exported_masked_upload_unchanged(members, orgs, client_for, county_a_clerk):
    from branches.members.models import Appraisal, AppraisalGrade

    from .conftest import activist

    activist(orgs["community"], members[0])
    decided = min(datetime.date(today().year, 1, 10), today())
    for member in members:
        member_services.appraisal_save(appraisal=Appraisal(member=member, year=today().year - 1,
                                                           grade=AppraisalGrade.QUALIFIED, decided_on=decided),
                                       actor=SYSTEM)
    applicants = uploaded(county_a_clerk, "members_applicants", saved(exported(client_for, county_a_clerk, "applicant")))
    # The applicant's own number and the 培养联系人's, each from its own record.
    assert "已按导出文件还原 2 个被遮蔽的号码" in applicants.message
    assert (applicants.error_rows, applicants.unchanged_count) == (0, 1), applicants.errors
    appraisals = uploaded(county_a_clerk, "members_appraisals", saved(exported(client_for, county_a_clerk, "appraisal")))
    assert "已按导出文件还原 3 个被遮蔽的号码" in appraisals.message
    assert (appraisals.error_rows, appraisals.unchanged_count) == (0, 3), appraisals.errors


def test_a_ledger_built_by_the_worker_round_trips_as_well(ledger, client_for, county_a_clerk, monkeypatch):
    from orgwork.exports import services as export_services
    from orgwork.exports.models import ExportFile

    monkeypatch.setattr(export_services, "INLINE_LIMIT", 2)  # three rows: the worker writes the file
    client_for(county_a_clerk).get(reverse("admin:members_duesrecord_export"))
    export = ExportFile.objects.get(owner=county_a_clerk)
    assert export_services.export_build(export_id=export.pk) == "ready"
    export.refresh_from_db()
    with export.file.open("rb") as fh:
        job = uploaded(county_a_clerk, "members_dues", fh.read())
    assert "已按导出文件还原 3 个被遮蔽的号码" in job.message
    assert (job.error_rows, job.unchanged_count) == (0, 3), job.errors


def test_the_roster_export_shows_a_status_changes_date_and_grounds_and_comes_back_unchanged(
        members, client_for, county_a_clerk):
    from branches.members.models import MemberStatus

    member_services.member_set_status(member=members[0], status=MemberStatus.EXPELLED, changed_on=today(),
                                      reason="县委组织部除名决定（城组〔2026〕9号）", actor=SYSTEM)
    # The roster is the roll (在册) until 全部 is picked; the export takes the list's filters.
    on_roll = exported(client_for, county_a_clerk, "member")
    assert {row[column(on_roll, "姓名")].value for row in on_roll.worksheets[0].iter_rows(min_row=2)} == {
        m.name for m in members[1:]}
    workbook = exported(client_for, county_a_clerk, "member", "?status__exact=all")
    rows = {row[column(workbook, "姓名")].value: row for row in workbook.worksheets[0].iter_rows(min_row=2)}
    gone = rows[members[0].name]
    assert gone[column(workbook, "党籍状态")].value == "出党"
    assert gone[column(workbook, "党籍状态变更日期")].value == f"{today():%Y-%m-%d}"
    assert gone[column(workbook, "党籍状态变更原因或依据")].value == "县委组织部除名决定（城组〔2026〕9号）"
    assert rows[members[1].name][column(workbook, "党籍状态变更日期")].value in (None, "")
    job = uploaded(county_a_clerk, "members_roster", saved(workbook))
    assert (job.error_rows, job.unchanged_count, job.rows) == (0, 3, 3), job.errors
    assert Member.objects.get(pk=members[0].pk).status == MemberStatus.EXPELLED


def test_a_file_closed_by_its_members_death_comes_back_unchanged_from_its_export(members, orgs, client_for,
                                                                                 county_a_clerk):
    """The applicants' sheet refuses a 取消 that gives a death as its reason (that is 去世, on
    the roster); the file the system itself closed so (预备党员去世) is not refused again."""
    from branches.members.models import Applicant, MemberStatus, Stage

    from .conftest import days_ago, probationary

    file = probationary(orgs["community"], members[0], vote_days_ago=100)
    member_services.member_set_status(member=Member.objects.get(pk=file.member_id), status=MemberStatus.DECEASED,
                                      changed_on=days_ago(3), actor=SYSTEM)
    assert Applicant.objects.get(pk=file.pk).closed_reason == "预备党员去世"
    job = uploaded(county_a_clerk, "members_applicants",
                   saved(exported(client_for, with_the_right(county_a_clerk), "applicant", "?stage__exact=all")))
    assert (job.error_rows, job.unchanged_count) == (0, 1), job.errors
    assert Applicant.objects.get(pk=file.pk).stage == Stage.DECEASED
    assert Member.objects.get(pk=file.member_id).status == MemberStatus.DECEASED
