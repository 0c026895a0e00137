"""A sheet that tries out a member's whole ID number (身份证号试探): the masked number and
the birth month leave only the day unknown, so candidate numbers, one a row, told which
one was the member's. Without the right to whole numbers, a number that finds no member
yet masks to the same form as a member of the jurisdiction refuses the whole sheet with
one message naming no row, and the try is audited (``orgwork.imports.probing``)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from branches.members import services
from branches.members.models import DuesRecord, Member
from branches.members.resources import DuesPaymentResource
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.common import idnumber
from orgwork.imports import services as import_services
from orgwork.imports.models import JobStatus
from orgwork.imports.probing import NEAR_MISS_MESSAGE
from orgwork.imports.reader import FileError
from tests.imports.conftest import media  # noqa: F401  (fixture)
from tests.imports.sheets import workbook_bytes
from tests.probing import resembling

from .conftest import SYSTEM, TODAY, add_member, with_the_right
from .conftest import run_sheet as run
from .conftest import sheet_messages as messages

pytestmark = pytest.mark.django_db
HEAD = ["身份证号", "月份", "实交金额（元）", "交纳日期"]


@pytest.fixture
def owing(orgs: dict[str, Any]) -> Member:
    member = add_member(orgs["community"], "何秀英")
    services.dues_generate_month(month=TODAY, actor=SYSTEM)
    return member


def rows_for(*numbers: str) -> list[list[str]]:
    return [HEAD, *([n, f"{TODAY:%Y-%m}", "20", TODAY.isoformat()] for n in numbers)]


def test_a_dues_sheet_trying_numbers_of_a_members_masked_form_is_refused_whole_and_audited(
        tmp_path, owing, county_a_clerk) -> None:
    with pytest.raises(FileError) as refused:
        run(tmp_path, rows_for(resembling(owing.id_number), owing.id_number), DuesPaymentResource, county_a_clerk)
    assert refused.value.message == NEAR_MISS_MESSAGE
    assert DuesRecord.objects.get(member=owing).paid is None
    entry = AuditLog.objects.get(action=AuditAction.VIEW_SENSITIVE, object_id=str(owing.pk))
    assert entry.success is False and entry.actor == county_a_clerk and "疑似试探完整身份证号" in entry.message
    assert owing.id_number not in entry.message


def test_the_job_fails_with_the_one_message_and_lists_no_row(media, owing, county_a_clerk) -> None:
    job = import_services.job_create(user=county_a_clerk, resource="members_dues", uploaded=SimpleUploadedFile(
        "党费.xlsx", workbook_bytes(rows_for(owing.id_number, resembling(owing.id_number)))))
    import_services.job_validate(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.message == NEAR_MISS_MESSAGE
    assert not job.error_rows and job.errors == [] and job.preview == []
    assert AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, success=False, object_id=str(owing.pk)).exists()


def test_a_holder_of_the_right_gets_the_row_that_found_no_one(tmp_path, owing, county_a_clerk) -> None:
    near = resembling(owing.id_number)
    result = run(tmp_path, rows_for(near, owing.id_number), DuesPaymentResource, with_the_right(county_a_clerk))
    assert not result.committed and "2:身份证号:该身份证号的党员不在名册中或不在您的管辖范围内。" in messages(result)
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, success=False).exists()


def test_a_number_of_no_members_masked_form_is_an_ordinary_row_error(tmp_path, owing, county_a_clerk) -> None:
    born = idnumber.birth_date_of(owing.id_number)
    first = f"620102{born.year - 1}{born:%m%d}{owing.id_number[14:17]}"  # a year earlier: another masked form
    other = first + idnumber.check_character(first)
    result = run(tmp_path, rows_for(other), DuesPaymentResource, county_a_clerk)
    assert not result.committed and "该身份证号的党员不在名册中" in messages(result)
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, success=False).exists()


def test_a_member_of_the_same_masked_form_in_another_county_is_no_reason_to_refuse(
        tmp_path, orgs, owing, county_b_clerk) -> None:
    """County B's clerk does not see county A's member, masked or not: his miss is a row error."""
    result = run(tmp_path, rows_for(resembling(owing.id_number)), DuesPaymentResource, county_b_clerk)
    assert not result.committed and "该身份证号的党员不在名册中" in messages(result)
