"""An exit (退出) is dated in the enrollee's term and not ahead of today: refused on the
list's 办理退出 action, the button on the enrollee's page and the service; the exit a
不合格 review starts (on the page, the action or the review sheet) is dated in the term."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from talent import services
from talent.models import Enrollment, EnrollmentStatus, ExitReason, ReviewGrade
from talent.resources import TermReviewResource

from .test_imports import run

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_exit_service_refuses_a_future_exit_date(leading, enroll, county_a_clerk) -> None:
    enrollment = enroll(leading)
    ahead = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.enrollment_exit(enrollment=enrollment, reason=ExitReason.OWN_REQUEST, exit_date=ahead,
                                 actor=county_a_clerk)
    assert refused.value.message_dict == {"exit_date": ["退出日期不能晚于今天。"]}
    assert Enrollment.objects.get(pk=enrollment.pk).status == EnrollmentStatus.ACTIVE


def test_the_exit_service_refuses_an_exit_date_after_the_term_end(leading, enroll, county_a_clerk) -> None:
    enrollment = enroll(leading, batch_year=2019, term_start=D(2019, 1, 1))  # term to 2023-12-31, still 在册
    with pytest.raises(ValidationError) as refused:
        services.enrollment_exit(enrollment=enrollment, reason=ExitReason.OWN_REQUEST, exit_date=D(2024, 3, 1),
                                 actor=county_a_clerk)
    assert refused.value.message_dict == {"exit_date": [
        "退出日期 2024-03-01 晚于聘期结束 2023-12-31：退出日期应在聘期内；聘期已结束的，请办理「聘期期满」。"]}


def test_the_exit_action_refuses_a_future_exit_date_on_its_form(leading, enroll, county_a_clerk,
                                                                 client_for) -> None:
    enrollment = enroll(leading)
    response = client_for(county_a_clerk).post(reverse("admin:talent_enrollment_changelist"), {
        "action": "exit_enrollment", "_selected_action": [enrollment.pk], "apply": "1",
        "reason": "own_request", "exit_date": "2030-06-30", "note": ""})
    assert response.status_code == 200 and "退出日期不能晚于今天。" in response.content.decode()
    assert Enrollment.objects.get(pk=enrollment.pk).status == EnrollmentStatus.ACTIVE


def test_the_exit_action_names_an_enrollee_whose_term_ended_before_the_exit_date(leading, enroll, county_a_clerk,
                                                                                  client_for) -> None:
    ended = enroll(leading, batch_year=2019, term_start=D(2019, 1, 1))
    response = client_for(county_a_clerk).post(reverse("admin:talent_enrollment_changelist"), {
        "action": "exit_enrollment", "_selected_action": [ended.pk], "apply": "1",
        "reason": "own_request", "exit_date": "2024-03-01", "note": ""})
    (message,) = [strip_tags(str(m)) for m in get_messages(response.wsgi_request)]
    assert f"「{ended}」" in message and "晚于聘期结束 2023-12-31" in message
    assert Enrollment.objects.get(pk=ended.pk).status == EnrollmentStatus.ACTIVE


def test_the_exit_button_on_the_enrollees_page_refuses_a_future_exit_date(leading, enroll, county_a_clerk,
                                                                           client_for) -> None:
    enrollment = enroll(leading)
    response = client_for(county_a_clerk).post(
        reverse("admin:talent_enrollment_exit_step", args=[enrollment.pk]),
        {"reason": ExitReason.OWN_REQUEST, "exit_date": "2030-06-30", "note": ""})
    assert response.status_code == 200 and "退出日期不能晚于今天。" in response.content.decode()
    assert Enrollment.objects.get(pk=enrollment.pk).status == EnrollmentStatus.ACTIVE


def test_an_unqualified_review_held_after_the_term_exits_the_enrollee_on_the_terms_last_day(
        leading, enroll, county_a_clerk) -> None:
    enrollment = enroll(leading, batch_year=2019, term_start=D(2019, 1, 1))  # term to 2023-12-31
    services.term_review_record(enrollment=enrollment, review_year=2023, grade=ReviewGrade.UNQUALIFIED,
                                reviewed_on=D(2024, 1, 15), actor=county_a_clerk)
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.exit_date) == (EnrollmentStatus.EXITED, D(2023, 12, 31))


def test_an_unqualified_review_sheet_row_held_after_the_term_exits_the_enrollee_on_the_terms_last_day(
        tmp_path: Path, leading, enroll, county_a_clerk) -> None:
    enrollment = enroll(leading, batch_year=2019, term_start=D(2019, 1, 1))  # term to 2023-12-31
    rows = [["身份证号", "人才计划", "考核年度", "考核等次", "考核日期"],
            [enrollment.person.id_number, leading.name, 2023, "不合格", "2024-01-15"]]
    result = run(tmp_path, rows, TermReviewResource, county_a_clerk)
    assert (result.committed, result.new, result.errors) == (True, 1, [])
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.exit_reason, enrollment.exit_date) == (
        EnrollmentStatus.EXITED, ExitReason.FAILED_REVIEW, D(2023, 12, 31))
