"""细则: 党组织每半年对入党积极分子进行一次考察. At the 发展对象 decision no stretch of more
than six months may pass without a 考察 — from the 积极分子 date through each 考察 to the
decision — unless its reason is recorded; on the step's form, in the service, through the
list's batch action and on the applicants' sheet (which knows the 考察 on record and the
latest one it carries)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members import rules, services
from branches.members.models import Applicant, Stage
from branches.members.resources import ApplicantResource

from .conftest import CONTACT_ID, SYSTEM, activist, days_ago, make_id
from .conftest import column_messages as errors
from .conftest import run_sheet

pytestmark = pytest.mark.django_db
GAP = "超过六个月没有考察记录"


def reviewed_once_a_year_ago(orgs: Any, member: Any) -> Applicant:
    """积极分子 400 days ago, one 考察 a month later, nothing since."""
    a = activist(orgs["community"], member, applied_days_ago=440)
    services.applicant_review(applicant=a, reviewed_on=days_ago(370), summary="表现良好", actor=SYSTEM)
    return a


def test_an_activist_reviewed_once_in_a_year_is_not_made_a_candidate_by_the_service(orgs, member):
    a = reviewed_once_a_year_ago(orgs, member)
    with pytest.raises(ValidationError) as error:
        services.applicant_make_candidate(applicant=a, decided_on=days_ago(20), actor=SYSTEM)
    assert f"{days_ago(370):%Y-%m-%d}至{days_ago(20):%Y-%m-%d}之间{GAP}" in error.value.message_dict["candidate_on"][0]
    assert Applicant.objects.get(pk=a.pk).stage == Stage.ACTIVIST


def test_the_first_six_months_after_the_designation_must_have_a_review_too(orgs, member):
    a = activist(orgs["community"], member, applied_days_ago=440)  # 积极分子 400 days ago
    services.applicant_review(applicant=a, reviewed_on=days_ago(100), summary="表现良好", actor=SYSTEM)
    with pytest.raises(ValidationError, match=GAP):
        services.applicant_make_candidate(applicant=a, decided_on=days_ago(20), actor=SYSTEM)


def test_reviews_every_six_months_let_the_activist_become_a_candidate(orgs, member):
    a = reviewed_once_a_year_ago(orgs, member)
    services.applicant_review(applicant=a, reviewed_on=days_ago(200), summary="表现良好", actor=SYSTEM)
    services.applicant_review(applicant=a, reviewed_on=days_ago(40), summary="表现良好", actor=SYSTEM)
    assert services.applicant_make_candidate(applicant=a, decided_on=days_ago(20), actor=SYSTEM).stage == Stage.CANDIDATE


def test_a_stretch_without_a_review_is_accepted_only_with_its_reason_recorded(orgs, member):
    a = reviewed_once_a_year_ago(orgs, member)
    done = services.applicant_make_candidate(applicant=a, decided_on=days_ago(20), late_reason="培养联系人病休，考察中断",
                                             actor=SYSTEM)
    assert (done.stage, Applicant.objects.get(pk=a.pk).review_late_reason) == (Stage.CANDIDATE, "培养联系人病休，考察中断")


def test_the_make_candidate_form_refuses_a_stretch_without_a_review_and_writes_nothing(orgs, member, client_for,
                                                                                     county_a_clerk):
    a = reviewed_once_a_year_ago(orgs, member)
    response = client_for(county_a_clerk).post(f"/admin/members/applicant/{a.pk}/make-candidate/",
                                               {"day": days_ago(20).isoformat(), "late_reason": ""})
    assert response.status_code == 200 and GAP in response.content.decode()
    assert Applicant.objects.get(pk=a.pk).stage == Stage.ACTIVIST
    response = client_for(county_a_clerk).post(f"/admin/members/applicant/{a.pk}/make-candidate/",
                                               {"day": days_ago(20).isoformat(), "late_reason": "外出学习半年"})
    assert response.status_code == 302
    assert Applicant.objects.get(pk=a.pk).review_late_reason == "外出学习半年"


def test_the_batch_action_refuses_a_stretch_without_a_review_with_the_same_reason(orgs, member, client_for,
                                                                                 county_a_clerk):
    a = reviewed_once_a_year_ago(orgs, member)
    page = client_for(county_a_clerk).post(
        reverse("admin:members_applicant_changelist"),
        {"action": "make_candidate", "_selected_action": [a.pk], "apply": "1", "day": days_ago(20).isoformat(),
         "late_reason": ""}, follow=True)
    assert GAP in page.content.decode()
    assert Applicant.objects.get(pk=a.pk).stage == Stage.ACTIVIST


# ---- the applicants' sheet

HEAD = ["姓名", "身份证号", "党支部代码", "递交入党申请书日期", "谈话日期", "确定为入党积极分子日期", "培养联系人一身份证号",
        "最近一次培养考察日期", "确定为发展对象日期", "考察逾期原因"]


def sheet(tmp_path: Path, user: Any, *, activist_on: datetime.date, reviewed_on: datetime.date,
          candidate_on: datetime.date, reason: str = "") -> Any:
    row = ["赵明", make_id(datetime.date(1990, 5, 1)), "A-SQ", (activist_on - datetime.timedelta(days=40)).isoformat(),
           (activist_on - datetime.timedelta(days=30)).isoformat(), activist_on.isoformat(), CONTACT_ID,
           reviewed_on.isoformat(), candidate_on.isoformat(), reason]
    return run_sheet(tmp_path, [HEAD, row], ApplicantResource, user)


def test_a_sheet_row_whose_latest_review_is_a_year_before_the_decision_is_refused(tmp_path, orgs, contact,
                                                                                   county_a_clerk):
    start = days_ago(430).replace(day=10)  # the 10th: six months on is the 10th; 13 months on is still past
    result = sheet(tmp_path, county_a_clerk, activist_on=start, reviewed_on=start + datetime.timedelta(days=30),
                   candidate_on=rules.add_months(start, 12) + datetime.timedelta(days=4))
    assert not result.committed and GAP in errors(result), errors(result)
    assert not Applicant.objects.filter(name="赵明").exists()


def test_a_sheet_row_whose_only_review_is_long_after_the_designation_is_refused(tmp_path, orgs, contact,
                                                                                 county_a_clerk):
    start = days_ago(430).replace(day=10)  # the 10th: six months on is the 10th; 13 months on is still past
    result = sheet(tmp_path, county_a_clerk, activist_on=start, reviewed_on=rules.add_months(start, 9),
                   candidate_on=rules.add_months(start, 13))
    assert not result.committed and GAP in errors(result), errors(result)


def test_a_sheet_row_covered_every_six_months_or_with_a_reason_is_taken(tmp_path, orgs, contact, county_a_clerk):
    start = days_ago(430).replace(day=10)  # the 10th: six months on is the 10th; 13 months on is still past
    assert sheet(tmp_path, county_a_clerk, activist_on=start, reviewed_on=rules.add_months(start, 6),
                 candidate_on=rules.add_months(start, 12)).committed
    Applicant.objects.all().delete()
    result = sheet(tmp_path, county_a_clerk, activist_on=start, reviewed_on=start + datetime.timedelta(days=30),
                   candidate_on=rules.add_months(start, 13), reason="期间考察记录见纸质档案")
    assert result.committed, errors(result)
    assert Applicant.objects.get(name="赵明").review_late_reason == "期间考察记录见纸质档案"


