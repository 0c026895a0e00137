"""An enrollee's term is not moved from under what already happened on it: the 聘期开始 not
past a grant's 拨付日期 (money is paid once the term has begun), and the 聘期结束 of an
enrollee marked 期满 not to today or later (期满 is given to a term that has ended). On
the enrollee's page, the roster sheet and the service alike."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from orgwork.common import dates
from talent import services
from talent.models import Enrollment, EnrollmentStatus
from talent.resources import EnrollmentResource
from tests.test_versioning import form_data

from .conftest import SYSTEM
from .test_imports import errors_of, run
from .test_term_covers_records import page

pytestmark = pytest.mark.django_db
D = datetime.date
START_AFTER_PAYMENT = ("聘期开始 2024-06-01 晚于已登记的2024年的资助经费（拨付日期 2024-02-01）：聘期须覆盖这条入选记录上"
                       "已登记的资助经费、聘期考核和退出日期；确需调整聘期的，请先更正这些记录。")


def paid_early(enroll: Any, leading: Any) -> Enrollment:
    """A 2024 enrollee (term 2024-01-01 to 2028-12-31) whose 2024 grant was paid on 2024-02-01."""
    enrollment = enroll(leading)
    services.funding_grant(enrollment=enrollment, year=2024, amount=Decimal("200000"), granted_on=D(2024, 2, 1),
                           actor=SYSTEM)
    return Enrollment.objects.get(pk=enrollment.pk)


def completed(enroll: Any, leading: Any) -> Enrollment:
    """A 2024 enrollee whose term was shortened to 2024-12-31 and who is now 期满."""
    enrollment = enroll(leading)
    enrollment.term_end = D(2024, 12, 31)
    services.enrollment_update(enrollment=enrollment, actor=SYSTEM)
    services.enrollment_complete_term(enrollment=enrollment, actor=SYSTEM)
    return Enrollment.objects.get(pk=enrollment.pk)


def completed_ahead(term_end: str) -> str:
    return (f"该入选人员已期满，聘期结束 {term_end} 不能是今天（{dates.today().isoformat()}）或以后的日期："
            "期满是聘期结束后办理的，聘期结束应早于今天。实际仍需继续培养的，请为其新增入选记录（新的入选批次和聘期）；"
            "聘期结束日期登记有误的，请改为实际结束的日期。")


def roster_row(enrollment: Enrollment, term_start: str, term_end: str) -> list[list[Any]]:
    return [["身份证号", "人才计划", "入选批次", "聘期开始", "聘期结束"],
            [enrollment.person.id_number, enrollment.programme.name, enrollment.batch_year, term_start, term_end]]


def stored(enrollment: Enrollment) -> Enrollment:
    return Enrollment.objects.get(pk=enrollment.pk)


# ---------------------------------------------------------------- 聘期开始 after a 拨付日期 (D5)


def test_the_service_refuses_a_term_start_after_a_grant_was_paid(leading, enroll, county_a_clerk) -> None:
    enrollment = paid_early(enroll, leading)
    enrollment.term_start = D(2024, 6, 1)
    with pytest.raises(ValidationError) as refused:
        services.enrollment_update(enrollment=enrollment, actor=county_a_clerk)
    assert refused.value.message_dict == {"term_start": [START_AFTER_PAYMENT]}
    assert stored(enrollment).term_start == D(2024, 1, 1)


def test_the_enrollees_page_refuses_a_term_start_after_a_grant_was_paid(leading, enroll, county_a_clerk,
                                                                        client_for) -> None:
    enrollment = paid_early(enroll, leading)
    client = client_for(county_a_clerk)
    response = client.post(page(enrollment), {**form_data(client.get(page(enrollment))), "term_start": "2024-06-01"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"term_start": [START_AFTER_PAYMENT]}
    assert stored(enrollment).term_start == D(2024, 1, 1)


def test_the_roster_sheet_refuses_a_term_start_after_a_grant_was_paid(tmp_path: Path, leading, enroll,
                                                                      county_a_clerk) -> None:
    enrollment = paid_early(enroll, leading)
    result = run(tmp_path, roster_row(enrollment, "2024-06-01", "2028-12-31"), EnrollmentResource, county_a_clerk)
    assert not result.committed
    assert errors_of(result) == [(2, "聘期开始", START_AFTER_PAYMENT)]
    assert stored(enrollment).term_start == D(2024, 1, 1)


def test_a_term_start_on_the_day_a_grant_was_paid_is_saved(leading, enroll, county_a_clerk) -> None:
    enrollment = paid_early(enroll, leading)
    enrollment.term_start = D(2024, 2, 1)
    services.enrollment_update(enrollment=enrollment, actor=county_a_clerk)
    assert stored(enrollment).term_start == D(2024, 2, 1)


# ---------------------------------------------------------------- 期满 and a 聘期结束 moved ahead (D6)


def test_the_service_refuses_to_move_a_completed_enrollees_term_end_into_the_future(leading, enroll,
                                                                                   county_a_clerk) -> None:
    enrollment = completed(enroll, leading)
    enrollment.term_end = D(2028, 12, 31)
    with pytest.raises(ValidationError) as refused:
        services.enrollment_update(enrollment=enrollment, actor=county_a_clerk)
    assert refused.value.message_dict == {"term_end": [completed_ahead("2028-12-31")]}
    assert (stored(enrollment).term_end, stored(enrollment).status) == (D(2024, 12, 31), EnrollmentStatus.COMPLETED)


def test_the_service_refuses_a_completed_enrollees_term_end_of_today(leading, enroll, county_a_clerk) -> None:
    enrollment = completed(enroll, leading)
    enrollment.term_end = dates.today()
    with pytest.raises(ValidationError) as refused:
        services.enrollment_update(enrollment=enrollment, actor=county_a_clerk)
    assert refused.value.message_dict == {"term_end": [completed_ahead(dates.today().isoformat())]}


def test_the_enrollees_page_refuses_to_move_a_completed_enrollees_term_end_into_the_future(
        leading, enroll, county_a_clerk, client_for) -> None:
    enrollment = completed(enroll, leading)
    client = client_for(county_a_clerk)
    response = client.post(page(enrollment), {**form_data(client.get(page(enrollment))), "term_end": "2028-12-31"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"term_end": [completed_ahead("2028-12-31")]}
    assert stored(enrollment).term_end == D(2024, 12, 31)


def test_the_roster_sheet_refuses_to_move_a_completed_enrollees_term_end_into_the_future(
        tmp_path: Path, leading, enroll, county_a_clerk) -> None:
    enrollment = completed(enroll, leading)
    result = run(tmp_path, roster_row(enrollment, "2024-01-01", "2028-12-31"), EnrollmentResource, county_a_clerk)
    assert not result.committed
    assert errors_of(result) == [(2, "聘期结束", completed_ahead("2028-12-31"))]
    assert stored(enrollment).term_end == D(2024, 12, 31)


def test_a_completed_enrollees_term_end_may_be_corrected_to_another_past_day(leading, enroll, county_a_clerk) -> None:
    enrollment = completed(enroll, leading)
    enrollment.term_end = D(2025, 6, 30)
    services.enrollment_update(enrollment=enrollment, actor=county_a_clerk)
    assert stored(enrollment).term_end == D(2025, 6, 30)
