"""One rule for a term review (聘期考核) on every path: the review year lies within the
enrollee's 聘期, and the 考核日期 is not after today — the record button, the batch
action, the sheet and the service refuse the same review, and write nothing."""

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
from talent.models import Enrollment, EnrollmentStatus, ReviewGrade, TermReview
from talent.resources import TermReviewResource

from .conftest import SYSTEM
from .test_imports import errors_of, run
from .test_record_page_steps import audit_rows_since, last_audit_id, step_url

pytestmark = pytest.mark.django_db
TERM_START = datetime.date(2024, 3, 1)  # 36 months: to 2027-02-28
OUTSIDE = "考核年度应在聘期内（2024—2027年）。"
AFTER_TODAY = "考核日期不能晚于今天。"


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def enrollment(top_leading, enroll) -> Enrollment:
    enrollment = enroll(top_leading, term_start=TERM_START)
    assert enrollment.term_end == datetime.date(2027, 2, 28)
    return enrollment


def post_button(client, enrollment: Enrollment, **fields):
    return client.post(step_url(enrollment, "record_review_step"),
                       {"grade": ReviewGrade.UNQUALIFIED, "comment": "", **fields})


def post_batch(client, enrollment: Enrollment, **fields) -> str:
    response = client.post(reverse("admin:talent_enrollment_changelist"), {
        "action": "record_review", "_selected_action": [enrollment.pk], "apply": "1",
        "grade": ReviewGrade.UNQUALIFIED, "comment": "", **fields})
    assert response.status_code == 302
    (message,) = [strip_tags(str(m)) for m in get_messages(response.wsgi_request)]
    return message


def sheet(tmp_path: Path, enrollment: Enrollment, year: int, on: datetime.date, user):
    head = ["身份证号", "人才计划", "考核年度", "考核等次", "考核日期"]
    row = [enrollment.person.id_number, "甘肃省拔尖领军人才", year, "不合格", on.isoformat()]
    return run(tmp_path, [head, row], TermReviewResource, user)


def nothing_recorded(enrollment: Enrollment) -> None:
    enrollment.refresh_from_db()
    assert not TermReview.objects.exists()
    assert enrollment.status == EnrollmentStatus.ACTIVE and enrollment.exit_date is None


# ---------------------------------------------------------------- the review year lies in the term


def test_the_record_button_refuses_a_review_year_outside_the_term(enrollment, county_a_clerk, client_for) -> None:
    client = client_for(county_a_clerk)
    last = last_audit_id()
    response = post_button(client, enrollment, review_year="2035", reviewed_on="2026-01-10")
    assert response.status_code == 200 and OUTSIDE in response.content.decode()
    assert audit_rows_since(last) == []
    nothing_recorded(enrollment)


def test_the_batch_review_action_refuses_a_review_year_outside_the_term(enrollment, county_a_clerk,
                                                                        client_for) -> None:
    message = post_batch(client_for(county_a_clerk), enrollment, review_year="2035", reviewed_on="2026-01-10")
    assert message.startswith("登记聘期考核：已办理 0 条，未办理 1 条。") and OUTSIDE in message
    nothing_recorded(enrollment)


def test_the_review_sheet_finds_no_enrollment_for_a_year_outside_the_term(tmp_path, enrollment,
                                                                          county_a_clerk) -> None:
    result = sheet(tmp_path, enrollment, 2035, datetime.date(2026, 1, 10), county_a_clerk)
    assert not result.committed
    assert errors_of(result)[0][2] == f"未找到「{enrollment.person.name}」在「甘肃省拔尖领军人才」2035年聘期内的入选记录。"
    nothing_recorded(enrollment)


def test_the_review_service_refuses_a_review_year_outside_the_term(enrollment) -> None:
    with pytest.raises(ValidationError) as error:
        services.term_review_record(enrollment=enrollment, review_year=2023, grade=ReviewGrade.QUALIFIED,
                                    reviewed_on=datetime.date(2024, 12, 1), actor=SYSTEM)
    assert error.value.message_dict == {"review_year": [OUTSIDE]}
    nothing_recorded(enrollment)


def test_a_review_of_the_year_under_way_is_recorded(enrollment, county_a_clerk) -> None:
    this_year = timezone.localdate().year
    review = services.term_review_record(enrollment=enrollment, review_year=this_year, grade=ReviewGrade.QUALIFIED,
                                         reviewed_on=timezone.localdate(), actor=county_a_clerk)
    assert review.enrollment == enrollment


# ---------------------------------------------------------------- a year's review is held in or after that year


def next_year() -> int:
    return timezone.localdate().year + 1


def not_begun() -> str:
    return (f"考核年度（{next_year()}年）尚未开始，不能登记该年度的聘期考核：一个年度的考核在该年度内或之后进行。")


@pytest.fixture
def long_term(top_leading, enroll) -> Enrollment:
    """A term that covers next year too, so that only the new rule refuses its review."""
    this_year = timezone.localdate().year
    return enroll(top_leading, batch_year=this_year - 1, term_start=datetime.date(this_year - 1, 3, 1))


def test_the_record_button_refuses_a_review_of_a_year_not_yet_begun(long_term, county_a_clerk, client_for) -> None:
    client = client_for(county_a_clerk)
    last = last_audit_id()
    response = post_button(client, long_term, review_year=str(next_year()),
                           reviewed_on=timezone.localdate().isoformat())
    assert response.status_code == 200 and not_begun() in response.content.decode()
    assert audit_rows_since(last) == []
    nothing_recorded(long_term)


def test_the_batch_review_action_refuses_a_review_of_a_year_not_yet_begun(long_term, county_a_clerk,
                                                                          client_for) -> None:
    message = post_batch(client_for(county_a_clerk), long_term, review_year=str(next_year()),
                         reviewed_on=timezone.localdate().isoformat())
    assert "未办理 1 条" in message and not_begun() in message
    nothing_recorded(long_term)


def test_an_unqualified_review_of_a_year_not_yet_begun_on_a_sheet_is_refused_and_exits_no_one(
        tmp_path, long_term, county_a_clerk) -> None:
    result = sheet(tmp_path, long_term, next_year(), timezone.localdate(), county_a_clerk)
    assert not result.committed
    assert [(column, message) for _, column, message in errors_of(result)] == [("考核年度", not_begun())]
    nothing_recorded(long_term)


def test_the_review_service_refuses_a_review_of_a_year_not_yet_begun(long_term) -> None:
    with pytest.raises(ValidationError) as error:
        services.term_review_record(enrollment=long_term, review_year=next_year(), grade=ReviewGrade.UNQUALIFIED,
                                    reviewed_on=timezone.localdate(), actor=SYSTEM)
    assert error.value.message_dict == {"review_year": [not_begun()]}
    nothing_recorded(long_term)


def test_the_review_service_refuses_a_review_dated_before_its_year(enrollment) -> None:
    with pytest.raises(ValidationError) as error:
        services.term_review_record(enrollment=enrollment, review_year=2026, grade=ReviewGrade.QUALIFIED,
                                    reviewed_on=datetime.date(2025, 12, 20), actor=SYSTEM)
    assert error.value.message_dict == {"reviewed_on": [
        "考核日期 2025-12-20 早于考核年度（2026年）：一个年度的考核在该年度内或之后进行，考核日期应不早于2026年1月1日。"]}
    nothing_recorded(enrollment)


def test_a_review_sheet_refuses_a_review_dated_before_its_year(tmp_path, enrollment, county_a_clerk) -> None:
    result = sheet(tmp_path, enrollment, 2026, datetime.date(2025, 12, 20), county_a_clerk)
    assert not result.committed
    assert [column for _, column, _ in errors_of(result)] == ["考核日期"]
    nothing_recorded(enrollment)


def test_a_review_held_the_year_after_its_year_is_recorded(enrollment) -> None:
    review = services.term_review_record(enrollment=enrollment, review_year=2025, grade=ReviewGrade.QUALIFIED,
                                         reviewed_on=datetime.date(2026, 1, 15), actor=SYSTEM)
    assert review.reviewed_on == datetime.date(2026, 1, 15)


# ---------------------------------------------------------------- the review has taken place


def test_the_record_button_refuses_a_review_dated_after_today(enrollment, county_a_clerk, client_for) -> None:
    client = client_for(county_a_clerk)
    last = last_audit_id()
    response = post_button(client, enrollment, review_year="2026", reviewed_on=tomorrow().isoformat())
    assert response.status_code == 200 and AFTER_TODAY in response.content.decode()
    assert audit_rows_since(last) == []
    nothing_recorded(enrollment)


def test_the_batch_review_action_refuses_a_review_dated_after_today(enrollment, county_a_clerk, client_for) -> None:
    message = post_batch(client_for(county_a_clerk), enrollment, review_year="2026",
                         reviewed_on=tomorrow().isoformat())
    assert "未办理 1 条" in message and AFTER_TODAY in message
    nothing_recorded(enrollment)


def test_an_unqualified_review_dated_after_today_on_a_sheet_is_refused_and_exits_no_one(tmp_path, enrollment,
                                                                                        county_a_clerk) -> None:
    result = sheet(tmp_path, enrollment, 2026, tomorrow(), county_a_clerk)
    assert not result.committed
    assert [(column, message) for _, column, message in errors_of(result)] == [("考核日期", AFTER_TODAY)]
    nothing_recorded(enrollment)


def test_the_review_service_refuses_a_review_dated_after_today(enrollment) -> None:
    with pytest.raises(ValidationError) as error:
        services.term_review_record(enrollment=enrollment, review_year=2026, grade=ReviewGrade.UNQUALIFIED,
                                    reviewed_on=tomorrow(), actor=SYSTEM)
    assert error.value.message_dict == {"reviewed_on": [AFTER_TODAY]}
    nothing_recorded(enrollment)


def test_a_review_dated_today_is_recorded_with_one_audit_row(enrollment, county_a_clerk, client_for) -> None:
    client = client_for(county_a_clerk)
    last = last_audit_id()
    response = post_button(client, enrollment, review_year="2026", reviewed_on=timezone.localdate().isoformat(),
                           grade=ReviewGrade.QUALIFIED)
    assert response.status_code == 302
    review = TermReview.objects.get()
    assert review.reviewed_on == timezone.localdate()
    assert audit_rows_since(last) == [("termreview", str(review.pk), "create")]
