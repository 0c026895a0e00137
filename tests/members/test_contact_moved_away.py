"""A 发展党员 export uploaded again after a 培养联系人 moved to another county: the
contact's masked number cannot be put back (the member is out of the clerk's
jurisdiction), and the cell stands for the contact on file, unchanged, instead of keeping
every mask of the row and refusing it (with a false 考察 error after it). A mask is never
a way to name a contact: on a new row, or when it is not the contact on file, it is
refused as any masked cell (orgwork.imports.widgets.KeptMasked)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from branches.members.models import Applicant, Member
from orgwork.common import idnumber
from orgwork.imports import services
from orgwork.imports.models import JobStatus

from .conftest import add_member, candidate, make_id
from .test_export_round_trip import MASKED_MESSAGE, column, exported, saved, uploaded

pytestmark = pytest.mark.django_db
CONTACT = "培养联系人一身份证号"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def moved_away(orgs: Any, contact: Member, client_for: Any, county_a_clerk: Any) -> tuple[Applicant, Any]:
    """A 发展对象 whose contact has moved to county B since the clerk exported the list."""
    applicant = candidate(orgs["community"], contact)
    workbook = exported(client_for, county_a_clerk, "applicant")
    Member.objects.filter(pk=contact.pk).update(branch=orgs["county_b"])
    return applicant, workbook


def test_the_export_uploaded_unchanged_keeps_the_contact_on_file_and_changes_nothing(
        moved_away: Any, contact: Member, county_a_clerk: Any) -> None:
    applicant, workbook = moved_away
    job = uploaded(county_a_clerk, "members_applicants", saved(workbook))
    assert (job.error_rows, job.unchanged_count, job.rows) == (0, 1, 1), job.errors
    assert "已按导出文件还原 1 个被遮蔽的号码" in job.message
    assert f"第 2 行「{CONTACT}」的号码无法还原" in job.message and "保留档案中的记录不变" in job.message
    assert contact.id_number not in job.message


def test_a_step_filled_in_on_that_export_is_taken_and_the_contact_stays(
        moved_away: Any, contact: Member, county_a_clerk: Any) -> None:
    applicant, workbook = moved_away
    row = next(workbook.worksheets[0].iter_rows(min_row=2))
    row[column(workbook, "集中培训学时")].value = "24"
    job = uploaded(county_a_clerk, "members_applicants", saved(workbook))
    assert (job.error_rows, job.updated_count) == (0, 1), job.errors
    services.job_confirm(job=job, user=county_a_clerk)
    assert services.job_commit(job_id=job.pk) == JobStatus.DONE
    stored = Applicant.objects.get(pk=applicant.pk)
    assert (stored.training_hours, stored.contact_1_id, stored.contact_2_id) == (24, contact.pk, None)


def test_a_mask_that_is_not_the_contact_on_file_is_refused(moved_away: Any, orgs: Any, county_a_clerk: Any) -> None:
    _, workbook = moved_away
    other = add_member(orgs["community"], "另一人", id_number=make_id(datetime.date(1971, 4, 2)))
    next(workbook.worksheets[0].iter_rows(min_row=2))[column(workbook, CONTACT)].value = other.masked_id_number
    job = uploaded(county_a_clerk, "members_applicants", saved(workbook))
    assert [(e["column"], e["message"][:len(MASKED_MESSAGE)]) for e in job.errors] == [(CONTACT, MASKED_MESSAGE)]


def test_a_new_applicant_cannot_be_given_a_contact_by_a_mask(moved_away: Any, contact: Member,
                                                             county_a_clerk: Any) -> None:
    _, workbook = moved_away
    sheet = workbook.worksheets[0]
    first = [cell.value for cell in next(sheet.iter_rows(min_row=2))]
    first[column(workbook, "身份证号")] = make_id(datetime.date(1999, 2, 3))
    first[column(workbook, "姓名")] = "王新"
    sheet.append(first)
    job = uploaded(county_a_clerk, "members_applicants", saved(workbook))
    assert {(e["row"], e["column"]) for e in job.errors if e["message"].startswith(MASKED_MESSAGE)} == {(3, CONTACT)}
    assert not Applicant.objects.filter(name="王新").exists()


def test_the_moved_contact_typed_in_full_is_still_out_of_reach(moved_away: Any, contact: Member,
                                                               county_a_clerk: Any) -> None:
    _, workbook = moved_away
    next(workbook.worksheets[0].iter_rows(min_row=2))[column(workbook, CONTACT)].value = contact.id_number
    job = uploaded(county_a_clerk, "members_applicants", saved(workbook))
    assert [e["column"] for e in job.errors] == [CONTACT]
    assert "不在名册中或不在您的管辖范围内" in job.errors[0]["message"]


def test_its_error_workbook_corrected_keeps_the_contact_on_file_too(moved_away: Any, contact: Member,
                                                                    client_for: Any, county_a_clerk: Any) -> None:
    applicant, workbook = moved_away
    cell = column(workbook, "集中培训天数")
    next(workbook.worksheets[0].iter_rows(min_row=2))[cell].value = "很多"
    first = uploaded(county_a_clerk, "members_applicants", saved(workbook))
    assert [e["column"] for e in first.errors] == ["集中培训天数"]
    answer = client_for(county_a_clerk).get(reverse("admin:imports_importjob_errors", args=[first.pk]))
    errors = load_workbook(io.BytesIO(b"".join(answer.streaming_content) if answer.streaming else answer.content))
    row = next(errors.worksheets[0].iter_rows(min_row=2))
    assert row[column(errors, CONTACT)].value == idnumber.mask(contact.id_number)
    row[cell].value = str(applicant.training_days)
    second = uploaded(county_a_clerk, "members_applicants", saved(errors))
    assert (second.error_rows, second.unchanged_count) == (0, 1), second.errors
    assert f"已按导入任务 {first.pk} 的原始文件还原 1 个被遮蔽的号码" in second.message


def test_a_sheet_without_the_mark_keeps_the_contact_whose_mask_it_copied(moved_away: Any, contact: Member,
                                                                        county_a_clerk: Any) -> None:
    from orgwork.imports.restore import EXPORT_MARKER_SHEET

    applicant, workbook = moved_away
    del workbook[EXPORT_MARKER_SHEET]  # retyped into a sheet of the clerk's own, the applicant's number in full
    next(workbook.worksheets[0].iter_rows(min_row=2))[column(workbook, "身份证号")].value = applicant.id_number
    job = uploaded(county_a_clerk, "members_applicants", saved(workbook))
    assert (job.error_rows, job.unchanged_count) == (0, 1), job.errors
    assert "还原" not in job.message
