"""The applicants' sheet takes a step only at the stage its page takes it: 延长预备期 once
the higher committee has approved the 预备党员 (the page's refusal, 上级党委尚未审批，不能延长
预备期), and 集中培训 of a 发展对象 (the page records it with the 政审 and 公示, from the
发展对象 decision on). A row that breaks either is refused whole, under its column."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from branches.members import rules, services
from branches.members.models import Applicant, Stage
from branches.members.resources import ApplicantResource
from tests.steps import assert_step_unavailable

from .conftest import SYSTEM, activist, add_member, admitted, days_ago, file_sheet_row, run_sheet
from .test_applicant_sheet import CONTACT_ID, HEAD, file_row, run, vote_day
from .test_batch_parity import step_page

pytestmark = pytest.mark.django_db
# Every column from the 发展对象 decision on (the contact and the 考察 are the 积极分子's).
LATER = [h for h in HEAD[HEAD.index("确定为发展对象日期"):] if h not in ("培养联系人一身份证号", "最近一次培养考察日期")]


@pytest.fixture(autouse=True)
def contact(orgs):
    """The 培养联系人 the sheet's rows name (:func:`file_row`)."""
    return add_member(orgs["community"], "联系人", id_number=CONTACT_ID)


def errors(result) -> list[tuple[str, str]]:
    return [(e.column, e.message) for e in result.errors]


def test_an_extension_on_the_sheet_without_the_approval_is_refused_as_the_step_refuses_it(tmp_path, orgs,
                                                                                         county_a_clerk):
    result = run(tmp_path, file_row(**{"上级党委审批日期": "", "入党宣誓日期": "", "延长预备期（月）": "6"}),
                 user=county_a_clerk)
    assert not result.committed
    assert errors(result) == [("延长预备期（月）", rules.EXTENSION_NOT_APPROVED)]
    assert not Applicant.objects.filter(name="赵明").exists()


def test_the_sheet_cannot_extend_a_file_of_the_system_awaiting_its_approval(tmp_path, orgs, contact, client_for,
                                                                          county_a_clerk):
    file = admitted(orgs, contact, vote_days_ago=400, name="孙立")
    meeting = rules.add_months(file.vote_on, 12).isoformat()
    with pytest.raises(ValidationError) as refused:
        services.applicant_extend_probation(applicant=file, months=6, decided_on=days_ago(10), actor=county_a_clerk)
    assert refused.value.message_dict == {"approved_on": [rules.EXTENSION_NOT_APPROVED]}
    assert_step_unavailable(client_for(county_a_clerk), step_page(file, "extend"), {"months": "6", "day": meeting})
    result = run_sheet(tmp_path, [HEAD, file_sheet_row(file, HEAD, **{"延长预备期（月）": "6",
                                                                      "延长预备期支部大会日期": meeting})],
                       ApplicantResource, county_a_clerk)
    assert not result.committed and errors(result) == [("延长预备期（月）", rules.EXTENSION_NOT_APPROVED)]
    stored = Applicant.objects.get(pk=file.pk)
    assert (stored.probation_extended_months, stored.extension_meeting_on) == (0, None)


@pytest.mark.parametrize("column", ["集中培训天数", "集中培训学时"])
def test_training_on_the_sheet_of_a_file_not_yet_a_candidate_is_refused(tmp_path, orgs, county_a_clerk, column):
    cells = {**{h: "" for h in LATER}, column: "24" if column.endswith("学时") else "3"}
    result = run(tmp_path, file_row(**cells), user=county_a_clerk)
    assert not result.committed and errors(result) == [(column, "须先确定为发展对象。")]
    assert not Applicant.objects.filter(name="赵明").exists()


def test_the_sheet_cannot_record_training_on_an_activists_file_which_the_page_does_not_either(
        tmp_path, orgs, contact, client_for, county_a_clerk):
    file = activist(orgs["community"], contact, applied_days_ago=200)
    assert_step_unavailable(client_for(county_a_clerk), step_page(file, "record-preparation"), {"training_days": "3"})
    with pytest.raises(ValidationError, match="须在发展对象阶段办理"):
        services.applicant_record_preparation(applicant=file, training_days=3, actor=SYSTEM)
    result = run_sheet(tmp_path, [HEAD, file_sheet_row(file, HEAD, **{"集中培训天数": "3"})], ApplicantResource,
                       county_a_clerk)
    assert not result.committed and errors(result) == [("集中培训天数", "须先确定为发展对象。")]
    assert Applicant.objects.get(pk=file.pk).training_days == 0


def test_a_candidate_still_takes_its_training_and_an_approved_file_its_extension_on_the_sheet(tmp_path, orgs,
                                                                                              county_a_clerk):
    result = run(tmp_path, file_row(**{"延长预备期（月）": "6"}), user=county_a_clerk)
    assert result.committed, errors(result)
    stored = Applicant.objects.get(name="赵明")
    assert (stored.stage, stored.training_days, stored.probation_extended_months) == (Stage.PROBATIONARY, 3, 6)
    assert stored.extension_meeting_on == rules.add_months(vote_day(), 12)
