"""A 考察 is of an 入党积极分子 or a 发展对象, so every 考察 on record comes before the
支部大会 that admits the applicant: a vote dated on or before one is refused under its date,
in the words the sheet gives under 最近一次培养考察日期 — in the service, on the step's page,
through the list's batch action, and alike on the sheet."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members import rules, services
from branches.members.models import Applicant, Member, Stage
from branches.members.resources import ApplicantResource

from .conftest import SYSTEM, VOTE_COUNT, candidate, days_ago, file_sheet_row, run_sheet
from .test_applicant_sheet import ADMIT_COUNT, HEAD

pytestmark = pytest.mark.django_db
REVIEWED = 100  # days ago: a 考察 of the 发展对象, after its 政审 and 公示


def reviewed_candidate(orgs: Any, member: Any) -> Applicant:
    file = candidate(orgs["community"], member, applied_days_ago=600)
    services.applicant_review(applicant=file, reviewed_on=days_ago(REVIEWED), summary="表现良好", actor=SYSTEM)
    return Applicant.objects.get(pk=file.pk)


def refusal(vote_on: datetime.date) -> str:
    return f"档案中已有{days_ago(REVIEWED):%Y-%m-%d}的培养考察：" + rules.review_vote_error(days_ago(REVIEWED), vote_on)


def assert_not_admitted(file: Applicant) -> None:
    stored = Applicant.objects.get(pk=file.pk)
    assert (stored.stage, stored.vote_on) == (Stage.CANDIDATE, None)
    assert not Member.objects.filter(id_number=file.id_number).exists()


@pytest.mark.parametrize("vote_days_ago", [REVIEWED, REVIEWED + 20])
def test_the_admission_is_refused_while_a_review_is_dated_on_or_after_the_vote(orgs, member, vote_days_ago):
    file = reviewed_candidate(orgs, member)
    with pytest.raises(ValidationError) as error:
        services.applicant_admit(**VOTE_COUNT, applicant=file, vote_on=days_ago(vote_days_ago), actor=SYSTEM)
    assert error.value.message_dict["vote_on"] == [refusal(days_ago(vote_days_ago))]
    assert_not_admitted(file)
    admitted = services.applicant_admit(**VOTE_COUNT, applicant=file, vote_on=days_ago(REVIEWED - 1), actor=SYSTEM)
    assert Applicant.objects.get(pk=admitted.pk).vote_on == days_ago(REVIEWED - 1)


def test_the_admission_page_refuses_a_vote_on_the_day_of_a_review_under_its_date(orgs, member, client_for,
                                                                                 county_a_clerk):
    file = reviewed_candidate(orgs, member)
    page = client_for(county_a_clerk).post(f"/admin/members/applicant/{file.pk}/admit/", {
        "day": days_ago(REVIEWED).isoformat(), "expected": "1", "present": "1", "in_favour": "1"})
    assert page.status_code == 200
    assert page.context["form"].errors["day"] == [refusal(days_ago(REVIEWED))]
    assert_not_admitted(file)


def test_the_batch_admission_passes_over_a_file_reviewed_after_the_vote_with_the_services_reason(
        orgs, member, client_for, county_a_clerk):
    file = reviewed_candidate(orgs, member)
    page = client_for(county_a_clerk).post(reverse("admin:members_applicant_changelist"), {
        "action": "admit", "_selected_action": [file.pk], "apply": "1", "day": days_ago(REVIEWED + 20).isoformat(),
        "expected": "1", "present": "1", "in_favour": "1"}, follow=True)
    assert page.status_code == 200
    assert_not_admitted(file)
    assert f"「{file.batch_label}」：{refusal(days_ago(REVIEWED + 20))}" in page.content.decode()


def test_the_admission_page_and_the_sheet_refuse_a_vote_before_a_review_in_the_same_words(
        tmp_path, orgs, member, client_for, county_a_clerk):
    file = reviewed_candidate(orgs, member)
    vote_on = days_ago(REVIEWED + 20)
    page = client_for(county_a_clerk).post(f"/admin/members/applicant/{file.pk}/admit/", {
        "day": vote_on.isoformat(), "expected": "1", "present": "1", "in_favour": "1"})
    assert page.status_code == 200
    row = file_sheet_row(file, HEAD, **{"支部大会讨论接收日期": vote_on.isoformat(), **ADMIT_COUNT})
    result = run_sheet(tmp_path, [HEAD, row], ApplicantResource, county_a_clerk)
    assert not result.committed
    said = rules.review_vote_error(days_ago(REVIEWED), vote_on)
    assert [(e.column, e.message) for e in result.errors] == [("最近一次培养考察日期", said)]
    assert page.context["form"].errors["day"][0].endswith(said)
    assert_not_admitted(file)
