"""人才工作的办理按钮: reviews and exits on the enrollee's page, 受理/办结/退回 on the
request's page — shown by role and state, through the services with their audit rows,
refusals on the form in Chinese, no 删除 for a record on the books, the timeline on the page."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import models
from django.urls import reverse

from orgwork.accounts import roles
from orgwork.audit.models import AuditAction, AuditLog
from talent import services
from talent.models import Enrollment, EnrollmentStatus, ExitReason, GreenChannelRequest, RequestStatus, ReviewGrade
from tests.steps import assert_step_unavailable

from .conftest import SYSTEM, grant

pytestmark = pytest.mark.django_db


def page(record: models.Model) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def step_url(record: models.Model, name: str) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=[record.pk])


def delete_url(record: models.Model) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[record.pk])


def last_audit_id() -> int:
    return AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0


def audit_rows_since(last: int) -> list[tuple[str, str, str]]:
    return [(row.content_type.model, row.object_id, row.action)
            for row in AuditLog.objects.filter(pk__gt=last).select_related("content_type").order_by("id")]


def submit(card: Any) -> GreenChannelRequest:
    return services.green_request_submit(card=card, area="schooling", content="子女就近入学",
                                         submitted_on=datetime.date(2026, 3, 1), actor=SYSTEM)


ENROLLMENT_STEPS = ("record_review_step", "exit_step", "complete_term_step")


# ---------------------------------------------------------------- 入选人员


def test_an_active_enrollee_offers_review_and_exit_but_not_the_end_of_a_running_term(
        leading, enroll, county_a_clerk, client_for) -> None:
    enrollment = enroll(leading)
    html = client_for(county_a_clerk).get(page(enrollment)).content.decode()
    assert step_url(enrollment, "record_review_step") in html and step_url(enrollment, "exit_step") in html
    assert step_url(enrollment, "complete_term_step") not in html


def test_the_buttons_follow_the_users_permissions(leading, enroll, tree, make_staff, view_only_auditor,
                                                  client_for) -> None:
    enrollment = enroll(leading)
    html = client_for(view_only_auditor).get(page(enrollment)).content.decode()
    assert not any(step_url(enrollment, name) in html for name in ENROLLMENT_STEPS)
    exits_only = grant(make_staff("exits_only", tree["county_a"], roles.READ_ONLY), "talent.change_enrollment")
    client = client_for(exits_only)
    html = client.get(page(enrollment)).content.decode()
    assert step_url(enrollment, "exit_step") in html
    assert step_url(enrollment, "record_review_step") not in html
    assert client.post(step_url(enrollment, "record_review_step"), {
        "review_year": "2025", "grade": ReviewGrade.QUALIFIED, "reviewed_on": "2025-12-01"}).status_code == 403
    assert not enrollment.reviews.exists()


def test_a_review_is_recorded_from_the_enrollees_page_with_one_audit_row(leading, enroll, county_a_clerk,
                                                                        client_for) -> None:
    enrollment = enroll(leading)
    client = client_for(county_a_clerk)
    assert client.get(step_url(enrollment, "record_review_step")).status_code == 200
    last = last_audit_id()
    response = client.post(step_url(enrollment, "record_review_step"), {
        "review_year": "2025", "grade": ReviewGrade.QUALIFIED, "reviewed_on": "2025-12-01", "comment": "完成年度任务"})
    assert response.status_code == 302 and response["Location"] == page(enrollment)
    review = enrollment.reviews.get()
    assert review.grade == ReviewGrade.QUALIFIED
    assert audit_rows_since(last) == [("termreview", str(review.pk), AuditAction.CREATE)]


def test_an_unqualified_review_on_the_page_takes_the_enrollee_off_the_roster(leading, enroll, county_a_clerk,
                                                                            client_for) -> None:
    enrollment = enroll(leading)
    client = client_for(county_a_clerk)
    client.post(step_url(enrollment, "record_review_step"), {
        "review_year": "2025", "grade": ReviewGrade.UNQUALIFIED, "reviewed_on": "2025-12-01", "comment": ""})
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.EXITED and enrollment.exit_reason == ExitReason.FAILED_REVIEW
    html = client.get(page(enrollment)).content.decode()
    assert not any(step_url(enrollment, name) in html for name in ENROLLMENT_STEPS)
    assert_step_unavailable(client, step_url(enrollment, "exit_step"),
                            {"reason": ExitReason.OWN_REQUEST, "exit_date": "2026-01-01"})


def test_a_second_grade_for_a_reviewed_year_is_refused_on_the_form(leading, enroll, county_a_clerk,
                                                                  client_for) -> None:
    enrollment = enroll(leading)
    services.term_review_record(enrollment=enrollment, review_year=2025, grade=ReviewGrade.EXCELLENT,
                                reviewed_on=datetime.date(2025, 12, 1), actor=SYSTEM)
    response = client_for(county_a_clerk).post(step_url(enrollment, "record_review_step"), {
        "review_year": "2025", "grade": ReviewGrade.QUALIFIED, "reviewed_on": "2025-12-02", "comment": ""})
    assert response.status_code == 200 and "已登记为「优秀」" in response.content.decode()
    assert enrollment.reviews.get().grade == ReviewGrade.EXCELLENT


def test_an_exit_is_taken_from_the_enrollees_page_with_one_audit_row(leading, enroll, county_a_clerk,
                                                                    client_for) -> None:
    enrollment = enroll(leading)
    client = client_for(county_a_clerk)
    last = last_audit_id()
    response = client.post(step_url(enrollment, "exit_step"), {
        "reason": ExitReason.TRANSFERRED, "exit_date": "2026-02-01", "note": "调往四川省工作"})
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.EXITED and enrollment.exit_note == "调往四川省工作"
    assert audit_rows_since(last) == [("enrollment", str(enrollment.pk), AuditAction.TRANSITION)]


def test_an_exit_before_the_term_began_is_refused_on_the_form(leading, enroll, county_a_clerk, client_for) -> None:
    enrollment = enroll(leading)
    response = client_for(county_a_clerk).post(step_url(enrollment, "exit_step"), {
        "reason": ExitReason.OWN_REQUEST, "exit_date": "2023-06-01", "note": ""})
    assert response.status_code == 200 and "退出日期不能早于聘期开始。" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE


def test_an_ended_term_is_closed_from_the_page(leading, enroll, county_a_clerk, client_for) -> None:
    enrollment = enroll(leading, term_start=datetime.date(2019, 1, 1), batch_year=2019)
    client = client_for(county_a_clerk)
    assert step_url(enrollment, "complete_term_step") in client.get(page(enrollment)).content.decode()
    assert client.post(step_url(enrollment, "complete_term_step"), {}).status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED


def test_an_enrollee_cannot_be_deleted(leading, enroll, county_a_clerk, client_for) -> None:
    enrollment = enroll(leading)
    client = client_for(county_a_clerk)
    assert delete_url(enrollment) not in client.get(page(enrollment)).content.decode()
    assert client.post(delete_url(enrollment), {"post": "yes"}).status_code == 403
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()


def test_a_review_cannot_be_deleted_and_shows_its_timeline(leading, enroll, county_a_clerk, client_for) -> None:
    enrollment = enroll(leading)
    review = services.term_review_record(enrollment=enrollment, review_year=2025, grade=ReviewGrade.QUALIFIED,
                                         reviewed_on=datetime.date(2025, 12, 1), actor=SYSTEM)
    client = client_for(county_a_clerk)
    html = client.get(page(review)).content.decode()
    assert delete_url(review) not in html and "办理记录" in html
    assert client.post(delete_url(review), {"post": "yes"}).status_code == 403


def test_the_enrollees_page_shows_its_timeline_with_its_reviews(leading, enroll, county_a_clerk,
                                                               client_for) -> None:
    enrollment = enroll(leading)
    services.term_review_record(enrollment=enrollment, review_year=2025, grade=ReviewGrade.UNQUALIFIED,
                                reviewed_on=datetime.date(2025, 12, 1), actor=SYSTEM)
    html = client_for(county_a_clerk).get(page(enrollment)).content.decode()
    assert "办理记录" in html
    assert "退出：聘期考核不合格" in html
    assert "考核等次：不合格" in html


def test_a_clerk_of_another_county_cannot_open_an_enrollees_step(leading, enroll, county_b_clerk,
                                                                client_for) -> None:
    enrollment = enroll(leading)
    assert client_for(county_b_clerk).get(step_url(enrollment, "exit_step")).status_code in (403, 404)


# ---------------------------------------------------------------- 绿色通道事项


def test_a_pending_request_is_accepted_from_its_page_by_the_acting_clerk(make_card, county_a_clerk,
                                                                        client_for) -> None:
    request = submit(make_card())
    client = client_for(county_a_clerk)
    html = client.get(page(request)).content.decode()
    assert all(step_url(request, name) in html for name in ("accept_step", "complete_step", "return_step"))
    last = last_audit_id()
    assert client.post(step_url(request, "accept_step"), {}).status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.PROCESSING and request.handler == county_a_clerk
    assert audit_rows_since(last) == [("greenchannelrequest", str(request.pk), AuditAction.TRANSITION)]
    html = client.get(page(request)).content.decode()
    assert step_url(request, "accept_step") not in html and step_url(request, "complete_step") in html


def test_a_return_without_a_reason_comes_back_on_its_form(make_card, county_a_clerk, client_for) -> None:
    request = submit(make_card())
    client = client_for(county_a_clerk)
    response = client.post(step_url(request, "return_step"), {"reason": ""})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert client.post(step_url(request, "return_step"), {"reason": "材料不全，请补充户籍证明"}).status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.RETURNED and request.result == "材料不全，请补充户籍证明"


def test_a_settled_request_offers_no_step_and_cannot_be_deleted(
        make_card, county_a_clerk, view_only_auditor, client_for) -> None:
    card = make_card()
    settled, pending = submit(card), submit(card)
    services.green_request_complete(request=settled, result="已安排入学", actor=SYSTEM)
    client = client_for(county_a_clerk)
    html = client.get(page(settled)).content.decode()
    assert not any(step_url(settled, name) in html for name in ("accept_step", "complete_step", "return_step"))
    assert delete_url(settled) not in html
    assert client.post(delete_url(settled), {"post": "yes"}).status_code == 403
    assert_step_unavailable(client, step_url(settled, "return_step"), {"reason": "重办"})
    reader = client_for(view_only_auditor).get(page(pending)).content.decode()
    assert step_url(pending, "accept_step") not in reader


def test_an_overdue_pending_request_cannot_be_deleted_and_stays_on_the_overdue_list(
        make_card, province_officer, client_for) -> None:
    from talent.selectors import requests_overdue

    pending = submit(make_card())  # 子女入学 of 2026-03-01: due 2026-03-21, still 待受理
    client = client_for(province_officer)
    html = client.get(page(pending)).content.decode()
    assert delete_url(pending) not in html and step_url(pending, "return_step") in html
    assert client.post(delete_url(pending), {"post": "yes"}).status_code == 403
    assert list(requests_overdue(province_officer, on=datetime.date(2026, 3, 22))) == [pending]


def test_a_pending_request_not_yet_due_cannot_be_deleted_either(make_card, county_a_clerk, client_for) -> None:
    from django.utils import timezone

    pending = services.green_request_submit(card=make_card(), area="schooling", content="子女就近入学",
                                            submitted_on=timezone.localdate(), actor=SYSTEM)
    client = client_for(county_a_clerk)
    assert delete_url(pending) not in client.get(page(pending)).content.decode()
    assert client.post(delete_url(pending), {"post": "yes"}).status_code == 403
    assert GreenChannelRequest.objects.filter(pk=pending.pk, status=RequestStatus.PENDING).exists()
