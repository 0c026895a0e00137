"""The applicants' sheet keeps what a file holds as its page does: the 培养联系人 named by
the 确定为入党积极分子 on record are not changed nor cleared (refused under the column,
naming which), and a closed file (已转正, 取消, 终止培养) changes no more at all — not its
name, its branch nor its contacts, which would make it read otherwise than the roster."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from branches.members import rules, services
from branches.members.models import Applicant, Stage
from branches.members.resources import ApplicantResource
from orgwork.audit.models import AuditLog

from .conftest import (SYSTEM, VOTE_COUNT, activist, add_member, candidate, days_ago, file_sheet_row, make_id, new_applicant,
                       probationary, run_sheet)
from .test_applicant_sheet import HEAD

pytestmark = pytest.mark.django_db
BOTH = [*HEAD, "培养联系人二身份证号"]
CLOSED = "该申请人的发展程序已办结（已转正），档案不能再修改。"


@pytest.fixture
def other(orgs: Any) -> Any:
    """Another full member of the branch, who could be a contact."""
    return add_member(orgs["community"], "周敏", id_number=make_id(datetime.date(1972, 6, 6)))


def upload(tmp_path: Any, file: Applicant, user: Any, head: list[str] = HEAD, **cells: str) -> Any:
    return run_sheet(tmp_path, [head, file_sheet_row(file, head, **cells)], ApplicantResource, user)


def errors(result: Any) -> list[tuple[str, str]]:
    return [(e.column, e.message) for e in result.errors]


def test_the_sheet_cannot_change_the_contact_of_an_activist_on_record(tmp_path, orgs, contact, other,
                                                                      county_a_clerk):
    file = activist(orgs["community"], contact, applied_days_ago=300)
    audits = AuditLog.objects.count()
    result = upload(tmp_path, file, county_a_clerk, **{"培养联系人一身份证号": other.id_number})
    assert not result.committed
    assert errors(result) == [("培养联系人一身份证号",
                               "档案中已记录的培养联系人一不能在表中清空或修改（在确定为入党积极分子时指定）。")]
    assert Applicant.objects.get(pk=file.pk).contact_1_id == contact.pk and AuditLog.objects.count() == audits


def test_the_sheet_cannot_add_or_clear_a_second_contact_once_the_activist_is_recorded(tmp_path, orgs, contact, other,
                                                                                      county_a_clerk):
    file = candidate(orgs["community"], contact, applied_days_ago=600)
    result = upload(tmp_path, file, county_a_clerk, BOTH, **{"培养联系人一身份证号": contact.id_number,
                                                             "培养联系人二身份证号": other.id_number})
    assert not result.committed
    assert errors(result) == [("培养联系人二身份证号",
                               "档案中已记录的培养联系人二不能在表中清空或修改（在确定为入党积极分子时指定）。")]
    Applicant.objects.filter(pk=file.pk).update(contact_2=other)
    file = Applicant.objects.get(pk=file.pk)
    result = upload(tmp_path, file, county_a_clerk, BOTH, **{"培养联系人一身份证号": contact.id_number})
    assert not result.committed and [c for c, _ in errors(result)] == ["培养联系人二身份证号"]
    assert Applicant.objects.get(pk=file.pk).contact_2_id == other.pk


def test_a_contact_named_with_the_activist_on_the_same_row_is_still_taken(tmp_path, orgs, contact, county_a_clerk):
    file = new_applicant(orgs["community"], applied_on=days_ago(90), name="吴桐")
    file = services.applicant_talk(applicant=file, talked_on=days_ago(80), actor=SYSTEM)
    day = days_ago(30).isoformat()
    result = upload(tmp_path, file, county_a_clerk, **{"确定为入党积极分子日期": day,
                                                       "培养联系人一身份证号": contact.id_number})
    assert result.committed, errors(result)
    assert Applicant.objects.get(pk=file.pk).contact_1_id == contact.pk


@pytest.fixture
def made_full(orgs: Any, contact: Any) -> Applicant:
    file = probationary(orgs["community"], contact, vote_days_ago=400, oath=True)
    return services.applicant_make_full(**VOTE_COUNT, applicant=file, decided_on=rules.probation_end(file.vote_on), actor=SYSTEM)


@pytest.mark.parametrize("cells", [{"姓名": "郑好"}, {"党支部代码": "A-CUN"}, {"培养联系人一身份证号": "other"}],
                         ids=["name", "branch", "contact"])
def test_a_closed_file_is_not_renamed_moved_or_given_another_contact_by_the_sheet(
        tmp_path, orgs, contact, other, made_full, county_a_clerk, cells):
    cells = {k: other.id_number if v == "other" else v for k, v in cells.items()}
    audits = AuditLog.objects.count()
    result = upload(tmp_path, made_full, county_a_clerk, **cells)
    assert not result.committed and errors(result) == [("身份证号", CLOSED)]
    stored = Applicant.objects.get(pk=made_full.pk)
    assert (stored.name, stored.branch_id, stored.contact_1_id, stored.stage) == (
        made_full.name, orgs["community"].pk, contact.pk, Stage.FULL)
    assert AuditLog.objects.count() == audits


def test_a_closed_file_uploaded_as_it_is_stays_unchanged(tmp_path, made_full, county_a_clerk):
    result = upload(tmp_path, made_full, county_a_clerk)
    assert result.committed and (result.new, result.updated) == (0, 0), errors(result)
