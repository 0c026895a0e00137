"""转正 comes after the 入党宣誓: the 支部大会 that discusses it sits on or after the day of
the oath. A meeting dated before the oath is refused under its date, in one wording — in
the service, on the step's page, through the list's batch action and on the sheet."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members import rules, services
from branches.members.models import Applicant, Member, MemberCategory, Stage
from branches.members.resources import ApplicantResource

from .conftest import SYSTEM, VOTE_COUNT, days_ago, file_sheet_row, probationary, run_sheet
from .test_applicant_sheet import FULL_COUNT, HEAD

pytestmark = pytest.mark.django_db
SWORN = 5  # days ago: an oath taken a year after the vote, after the 预备期 ended
MEETING = 20  # days ago: on or after the day the 预备期 ended, before the oath


def sworn_late(orgs: Any, member: Any, oath: bool = True) -> Applicant:
    """A 预备党员 voted in 400 days ago, approved a month later and, with ``oath``, sworn
    in only five days ago."""
    file = probationary(orgs["community"], member, vote_days_ago=400)
    if oath:
        services.applicant_oath(applicant=file, oath_on=days_ago(SWORN), actor=SYSTEM)
    return Applicant.objects.get(pk=file.pk)


def refusal() -> str:
    return rules.full_after_oath_error(days_ago(SWORN), days_ago(MEETING))


def assert_not_full(file: Applicant) -> None:
    stored = Applicant.objects.get(pk=file.pk)
    assert (stored.stage, stored.full_on, stored.full_meeting_on) == (Stage.PROBATIONARY, None, None)
    assert Member.objects.get(pk=stored.member_id).category == MemberCategory.PROBATIONARY


def test_the_full_step_is_refused_when_its_meeting_is_dated_before_the_oath(orgs, member):
    file = sworn_late(orgs, member)
    with pytest.raises(ValidationError) as error:
        services.applicant_make_full(**VOTE_COUNT, applicant=file, decided_on=days_ago(MEETING), actor=SYSTEM)
    assert error.value.message_dict == {"full_meeting_on": [refusal()]}
    assert "不能早于入党宣誓日期" in refusal()
    assert_not_full(file)
    done = services.applicant_make_full(**VOTE_COUNT, applicant=file, decided_on=days_ago(SWORN), actor=SYSTEM)
    assert Applicant.objects.get(pk=done.pk).full_meeting_on == days_ago(SWORN)  # the day of the oath will do


def test_the_full_page_refuses_a_meeting_before_the_oath_under_its_date(orgs, member, client_for, county_a_clerk):
    file = sworn_late(orgs, member)
    page = client_for(county_a_clerk).post(f"/admin/members/applicant/{file.pk}/make-full/", {
        "day": days_ago(MEETING).isoformat(), "expected": "1", "present": "1", "in_favour": "1"})
    assert page.status_code == 200
    assert page.context["form"].errors == {"day": [refusal()]}
    assert_not_full(file)


def test_the_batch_full_step_passes_over_a_file_sworn_in_after_the_meeting(orgs, member, client_for, county_a_clerk):
    file = sworn_late(orgs, member)
    page = client_for(county_a_clerk).post(reverse("admin:members_applicant_changelist"), {
        "action": "make_full", "_selected_action": [file.pk], "apply": "1", "day": days_ago(MEETING).isoformat(),
        "expected": "1", "present": "1", "in_favour": "1"}, follow=True)
    assert page.status_code == 200
    assert_not_full(file)
    assert f"「{file.batch_label}」：{refusal()}" in page.content.decode()


@pytest.mark.parametrize("oath_on_record", [True, False], ids=["oath_on_record", "oath_in_the_row"])
def test_the_sheet_refuses_a_full_meeting_dated_before_the_oath(tmp_path, orgs, member, county_a_clerk,
                                                                oath_on_record):
    file = sworn_late(orgs, member, oath=oath_on_record)
    row = file_sheet_row(file, HEAD, **{"入党宣誓日期": days_ago(SWORN).isoformat(),
                                        "转正日期": file.probation_ends_on.isoformat(),
                                        "讨论转正支部大会日期": days_ago(MEETING).isoformat(), **FULL_COUNT})
    result = run_sheet(tmp_path, [HEAD, row], ApplicantResource, county_a_clerk)
    assert not result.committed
    assert [(e.column, e.message) for e in result.errors] == [("讨论转正支部大会日期", refusal())]
    assert_not_full(file)
    assert Applicant.objects.get(pk=file.pk).oath_on == (days_ago(SWORN) if oath_on_record else None)
