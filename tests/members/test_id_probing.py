"""A sheet or form that tries out a member's whole ID number (身份证号试探): the masked
number and the birth month leave only the day unknown, so candidate numbers, one a row
(or one a submission), told which one was the member's — a 党费 sheet by "not in the
roster", a roster or 发展党员 sheet by 「新增」 against 「未变」, an add form by saving.
Without the right to whole numbers, a number that finds no one yet masks to the same form
as a person of the jurisdiction refuses the whole sheet with one message naming no row, or
the form with its own message, and the try is audited (``orgwork.imports.probing``)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from branches.members import services
from django.urls import reverse

from branches.members.models import Applicant, DuesRecord, Member, Transfer
from branches.members.resources import ApplicantResource, DuesPaymentResource, MemberResource
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.common import idnumber
from orgwork.imports import services as import_services
from orgwork.imports.models import JobStatus
from orgwork.imports.probing import NEAR_MISS_FORM_MESSAGE, NEAR_MISS_MESSAGE, NearMissRefused
from orgwork.imports.reader import FileError
from tests.imports.conftest import media  # noqa: F401  (fixture)
from tests.imports.sheets import workbook_bytes
from tests.probing import resembling

from .conftest import SYSTEM, add_member, make_id, new_applicant, today, with_the_right
from .conftest import run_sheet as run
from .conftest import sheet_messages as messages

pytestmark = pytest.mark.django_db
HEAD = ["身份证号", "月份", "实交金额（元）", "交纳日期"]


@pytest.fixture
def owing(orgs: dict[str, Any]) -> Member:
    member = add_member(orgs["community"], "何秀英")
    services.dues_generate_month(month=today(), actor=SYSTEM)
    return member


def rows_for(*numbers: str) -> list[list[str]]:
    return [HEAD, *([n, f"{today():%Y-%m}", "20", today().isoformat()] for n in numbers)]


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


# --- sheets and forms that register people by number (党员名册, 发展党员, 省外转入) ------

ROSTER_HEAD = ["姓名", "身份证号", "党支部代码", "党员类别", "入党日期", "转正日期", "党费类别", "党费计算基数（元/月）"]
APPLICANTS_HEAD = ["姓名", "身份证号", "党支部代码", "递交入党申请书日期"]


def roster_rows(*numbers: str) -> list[list[str]]:
    return [ROSTER_HEAD, *(["何秀英", n, "A-SQ", "正式党员", "2004-09-09", "2005-09-09", "在职", "4000"] for n in numbers)]


def member_form(number: str, orgs: dict[str, Any]) -> dict[str, Any]:
    return {"name": "何秀英", "id_number": number, "branch": orgs["community"].pk, "category": "full",
            "joined_on": "2004-09-09", "full_on": "2005-09-09", "dues_category": "employed", "income_base": "4000"}


def probe_audited(person: Any, user: Any) -> bool:
    """The failed 查看敏感信息 row on the person a tried number resembles, naming no number."""
    entries = AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, success=False, object_id=str(person.pk))
    return (entries.count() == 1 and entries.get().actor == user and "疑似试探完整身份证号" in entries.get().message
            and person.id_number not in entries.get().message)


def test_a_roster_sheet_trying_numbers_of_a_members_masked_form_is_refused_whole_and_audited(
        tmp_path, orgs, county_a_clerk) -> None:
    member = add_member(orgs["community"], "何秀英")
    with pytest.raises(FileError) as refused:
        run(tmp_path, roster_rows(resembling(member.id_number), member.id_number), MemberResource, county_a_clerk)
    assert refused.value.message == NEAR_MISS_MESSAGE
    assert "请由有查看完整身份证号权限的人员办理" in NEAR_MISS_MESSAGE
    assert Member.objects.count() == 1 and probe_audited(member, county_a_clerk)


def test_a_roster_job_trying_a_number_fails_with_the_one_message_and_no_row_told_apart(
        media, orgs, county_a_clerk) -> None:
    member = add_member(orgs["community"], "何秀英")
    job = import_services.job_create(user=county_a_clerk, resource="members_roster", uploaded=SimpleUploadedFile(
        "党员名册.xlsx", workbook_bytes(roster_rows(resembling(member.id_number), member.id_number))))
    import_services.job_validate(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.message == NEAR_MISS_MESSAGE
    assert not job.error_rows and job.errors == [] and job.preview == []
    assert probe_audited(member, county_a_clerk)


def test_an_applicants_sheet_trying_numbers_of_an_applicants_masked_form_is_refused_whole_and_audited(
        tmp_path, orgs, county_a_clerk) -> None:
    applicant = new_applicant(orgs["community"], applied_on=datetime.date(2024, 3, 1))
    rows = [APPLICANTS_HEAD, ["李晓", resembling(applicant.id_number), "A-SQ", "2024-03-01"]]
    with pytest.raises(FileError) as refused:
        run(tmp_path, rows, ApplicantResource, county_a_clerk)
    assert refused.value.message == NEAR_MISS_MESSAGE
    assert Applicant.objects.count() == 1 and probe_audited(applicant, county_a_clerk)


def test_an_applicants_sheet_trying_numbers_of_a_members_masked_form_is_refused_whole_and_audited(
        tmp_path, orgs, county_a_clerk) -> None:
    """The applicants sheet refuses a member's number (「已被使用」): its candidates would tell it."""
    member = add_member(orgs["community"], "何秀英")
    rows = [APPLICANTS_HEAD, *(["何秀英", n, "A-SQ", "2024-03-01"] for n in (resembling(member.id_number),
                                                                            member.id_number))]
    with pytest.raises(FileError) as refused:
        run(tmp_path, rows, ApplicantResource, county_a_clerk)
    assert refused.value.message == NEAR_MISS_MESSAGE
    assert not Applicant.objects.exists() and probe_audited(member, county_a_clerk)


def test_the_member_add_form_refuses_a_number_of_a_members_masked_form_and_audits_it(
        orgs, client_for, county_a_clerk) -> None:
    member = add_member(orgs["community"], "何秀英")
    response = client_for(county_a_clerk).post(reverse("admin:members_member_add"),
                                               member_form(resembling(member.id_number), orgs))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["id_number"] == [NEAR_MISS_FORM_MESSAGE]
    assert "请由有查看完整身份证号权限的人员办理" in NEAR_MISS_FORM_MESSAGE
    assert Member.objects.count() == 1 and probe_audited(member, county_a_clerk)


def test_a_roster_sheet_trying_numbers_of_an_applicants_masked_form_is_refused_whole_and_audited(
        tmp_path, orgs, county_a_clerk) -> None:
    """The roster refuses the number of a 发展党员 file before its vote (「已被使用」): its candidates would tell it."""
    applicant = new_applicant(orgs["community"], applied_on=datetime.date(2024, 3, 1))
    rows = [ROSTER_HEAD, *([applicant.name, n, "A-SQ", "正式党员", "2020-01-01", "2021-01-01", "在职", "3000"]
                           for n in (resembling(applicant.id_number), applicant.id_number))]
    with pytest.raises(FileError) as refused:
        run(tmp_path, rows, MemberResource, county_a_clerk)
    assert refused.value.message == NEAR_MISS_MESSAGE
    assert not Member.objects.exists() and probe_audited(applicant, county_a_clerk)


def test_the_member_add_form_refuses_a_number_of_an_applicants_masked_form_and_audits_it(
        orgs, client_for, county_a_clerk) -> None:
    applicant = new_applicant(orgs["community"], applied_on=datetime.date(2024, 3, 1))
    response = client_for(county_a_clerk).post(reverse("admin:members_member_add"), {
        **member_form(resembling(applicant.id_number), orgs), "joined_on": "2020-01-01", "full_on": "2021-01-01"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"id_number": [NEAR_MISS_FORM_MESSAGE]}
    assert not Member.objects.exists() and probe_audited(applicant, county_a_clerk)


def test_the_applicant_service_refuses_a_number_of_an_applicants_masked_form(orgs, county_a_clerk) -> None:
    applicant = new_applicant(orgs["community"], applied_on=datetime.date(2024, 3, 1))
    with pytest.raises(NearMissRefused) as refused:
        services.applicant_apply(applicant=Applicant(name="李晓", id_number=resembling(applicant.id_number),
                                                     branch=orgs["community"], applied_on=datetime.date(2024, 3, 1)),
                                 actor=county_a_clerk)
    assert refused.value.message_dict["id_number"] == [NEAR_MISS_FORM_MESSAGE]
    refused.value.audit()
    assert Applicant.objects.count() == 1 and probe_audited(applicant, county_a_clerk)


def test_the_applicant_add_form_refuses_a_number_of_a_members_masked_form_and_audits_it(
        orgs, client_for, county_a_clerk) -> None:
    member = add_member(orgs["community"], "何秀英")
    response = client_for(county_a_clerk).post(reverse("admin:members_applicant_add"), {
        "name": "何秀英", "id_number": resembling(member.id_number), "branch": orgs["community"].pk,
        "applied_on": "2024-03-01", "reviews-TOTAL_FORMS": "0", "reviews-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["id_number"] == [NEAR_MISS_FORM_MESSAGE]
    assert not Applicant.objects.exists() and probe_audited(member, county_a_clerk)


def test_the_transfer_in_from_outside_page_refuses_a_number_of_a_members_masked_form_and_audits_it(
        orgs, client_for, county_a_clerk) -> None:
    member = add_member(orgs["community"], "何秀英")
    response = client_for(county_a_clerk).post(reverse("admin:members_transfer_from_outside"), {
        "origin": "上海市徐汇区某党委", "letter_number": "沪徐转〔2026〕8号",
        "sent_on": (today() - datetime.timedelta(days=6)).isoformat(), "valid_days": "30",
        "received_on": (today() - datetime.timedelta(days=1)).isoformat(), "to_branch": orgs["village"].pk,
        **member_form(resembling(member.id_number), orgs)})
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == [NEAR_MISS_FORM_MESSAGE]
    assert Member.objects.count() == 1 and not Transfer.objects.exists()
    assert probe_audited(member, county_a_clerk)


def test_a_holder_of_the_right_registers_a_person_of_a_members_masked_form_by_sheet_and_form(
        tmp_path, orgs, client_for, county_a_clerk) -> None:
    first, second = add_member(orgs["community"], "何秀英"), add_member(orgs["community"], "何春梅")
    clerk = with_the_right(county_a_clerk)
    result = run(tmp_path, roster_rows(resembling(first.id_number), first.id_number), MemberResource, clerk)
    assert result.committed and (result.new, result.updated + result.unchanged) == (1, 1), messages(result)
    response = client_for(clerk).post(reverse("admin:members_member_add"), member_form(resembling(second.id_number), orgs))
    assert response.status_code == 302
    assert Member.objects.filter(id_number=resembling(second.id_number)).exists()
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, success=False).exists()


def test_a_clerk_without_the_right_registers_people_whose_numbers_resemble_no_one(
        tmp_path, orgs, client_for, county_a_clerk) -> None:
    member = add_member(orgs["community"], "何秀英")
    born = datetime.date(1981, 2, 3)
    result = run(tmp_path, roster_rows(make_id(born), make_id(born), member.id_number), MemberResource, county_a_clerk)
    assert result.committed and (result.new, result.updated + result.unchanged) == (2, 1), messages(result)
    response = client_for(county_a_clerk).post(reverse("admin:members_member_add"), member_form(make_id(born), orgs))
    assert response.status_code == 302
    assert Member.objects.count() == 4
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, success=False).exists()


def test_a_roster_sheet_registering_two_new_people_of_one_masked_form_is_not_refused(
        tmp_path, orgs, county_a_clerk) -> None:
    """Neither is on record: neither resembles a person of the jurisdiction, even across chunks."""
    first = make_id(datetime.date(1981, 2, 3))
    result = run(tmp_path, roster_rows(first, resembling(first)), MemberResource, county_a_clerk)
    assert result.committed and result.new == 2, messages(result)


def test_a_roster_sheet_updating_a_member_by_his_exact_number_is_unchanged(tmp_path, orgs, county_a_clerk) -> None:
    member = add_member(orgs["community"], "何秀英")
    rows = roster_rows(member.id_number)
    rows[1][-1] = "5000"
    result = run(tmp_path, rows, MemberResource, county_a_clerk)
    assert result.committed and result.updated == 1, messages(result)
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, success=False).exists()


@pytest.mark.parametrize("other_error", [False, True])
def test_the_member_add_form_answers_a_members_own_number_as_it_answers_the_others_of_its_form(
        orgs, client_for, county_a_clerk, other_error) -> None:
    """Two answers would tell the person's number among the two or three of its masked form;
    another error on the form (no 入党日期) changes neither the answer nor the audit."""
    member = add_member(orgs["community"], "何秀英")
    for number in (member.id_number, resembling(member.id_number)):
        form = {**member_form(number, orgs), **({"joined_on": ""} if other_error else {})}
        response = client_for(county_a_clerk).post(reverse("admin:members_member_add"), form)
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert errors["id_number"] == [NEAR_MISS_FORM_MESSAGE] and (len(errors) > 1) == other_error
    tries = AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, success=False, object_id=str(member.pk))
    assert tries.count() == 2 and all(t.actor == county_a_clerk and "疑似试探完整身份证号" in t.message
                                      and member.id_number not in t.message for t in tries)
    assert Member.objects.count() == 1


def test_a_run_tried_again_after_a_conflict_audits_a_number_held_elsewhere_once(tmp_path, orgs, county_b_clerk) -> None:
    """``import_sheet`` runs a sheet again after a deadlock, outside any transaction of its
    own: the failed 查看敏感信息 row written after the first attempt's rollback is not
    written again by the second. A second run of the sheet is a second try, audited again."""
    from orgwork.imports.engine import run_import
    from orgwork.imports.reader import open_sheet

    member = add_member(orgs["community"], "何秀英")  # county A's: county B's clerk holds the whole number
    path = tmp_path / "roster.csv"
    path.write_text("\r\n".join(",".join(row) for row in [ROSTER_HEAD, ["何秀英", member.id_number, "B-1", "正式党员",
                                                                         "2004-09-09", "2005-09-09", "在职", "4000"]]),
                    encoding="utf-8")

    def attempt(audited: set[Any] | None = None) -> Any:
        return run_import(MemberResource, county_b_clerk, open_sheet(str(path), path.name, MemberResource),
                          commit=True, audited_people=audited)

    def tries() -> int:
        return AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, success=False,
                                       object_id=str(member.pk)).count()

    attempts: set[Any] = set()
    assert not attempt(attempts).committed and not attempt(attempts).committed
    assert tries() == 1 and attempts == {member.pk}
    attempt()
    assert tries() == 2
