"""An enrollee's term (聘期开始/聘期结束) covers what is recorded on it — every 资助年度 and
考核年度, no review dated before the term starts, the 退出日期 — so a term is not shortened
under them: refused on the enrollee's page, the roster sheet and the service, naming what
would fall outside; a roster uploaded unchanged stays 未变."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from talent import services
from talent.models import Enrollment, EnrollmentStatus, ReviewGrade
from talent.resources import EnrollmentResource
from tests.test_versioning import form_data

from .conftest import SYSTEM
from .test_imports import errors_of, run

pytestmark = pytest.mark.django_db
D = datetime.date
SHORT_UNDER_FUNDING = ("聘期结束 2024-12-31 早于已登记的2025年、2026年的资助经费：聘期须覆盖这条入选记录上已登记的"
                       "资助经费、聘期考核和退出日期；确需调整聘期的，请先更正这些记录。")


def funded(enroll: Any, leading: Any) -> Enrollment:
    """A 2024 enrollee (term 2024-01-01 to 2028-12-31) granted for 2025 and 2026."""
    enrollment = enroll(leading)
    for year in (2025, 2026):
        services.funding_grant(enrollment=enrollment, year=year, amount=Decimal("200000"), actor=SYSTEM)
    return enrollment


def page(enrollment: Enrollment) -> str:
    return reverse("admin:talent_enrollment_change", args=[enrollment.pk])


def roster_row(enrollment: Enrollment, term_end: str) -> list[list[Any]]:
    return [["身份证号", "人才计划", "入选批次", "聘期开始", "聘期结束"],
            [enrollment.person.id_number, enrollment.programme.name, enrollment.batch_year,
             enrollment.term_start.isoformat(), term_end]]


def stored_term_end(enrollment: Enrollment) -> datetime.date:
    return Enrollment.objects.get(pk=enrollment.pk).term_end


# ---------------------------------------------------------------- the term covers its records


def test_the_service_refuses_a_term_end_before_recorded_funding_years(leading, enroll, county_a_clerk) -> None:
    enrollment = funded(enroll, leading)
    enrollment.term_end = D(2024, 12, 31)
    with pytest.raises(ValidationError) as refused:
        services.enrollment_update(enrollment=enrollment, actor=county_a_clerk)
    assert refused.value.message_dict == {"term_end": [SHORT_UNDER_FUNDING]}
    assert stored_term_end(enrollment) == D(2028, 12, 31)


def test_the_service_refuses_a_term_end_before_an_excellent_review_and_names_it(leading, enroll,
                                                                               county_a_clerk) -> None:
    enrollment = enroll(leading, batch_year=2023, term_start=D(2023, 1, 1))
    services.term_review_record(enrollment=enrollment, review_year=2024, grade=ReviewGrade.EXCELLENT,
                                reviewed_on=D(2024, 12, 10), actor=SYSTEM)
    enrollment.term_end = D(2023, 6, 30)
    with pytest.raises(ValidationError) as refused:
        services.enrollment_update(enrollment=enrollment, actor=county_a_clerk)
    (message,) = refused.value.message_dict["term_end"]
    assert message.startswith("聘期结束 2023-06-30 早于已登记的2024年的聘期考核（优秀，考核日期 2024-12-10）：")
    assert stored_term_end(enrollment) == D(2027, 12, 31)


def test_the_service_refuses_a_term_start_after_a_recorded_review_date(leading, enroll, county_a_clerk) -> None:
    enrollment = enroll(leading)
    services.term_review_record(enrollment=enrollment, review_year=2024, grade=ReviewGrade.QUALIFIED,
                                reviewed_on=D(2024, 3, 1), actor=SYSTEM)
    enrollment.term_start = D(2024, 6, 1)
    with pytest.raises(ValidationError) as refused:
        services.enrollment_update(enrollment=enrollment, actor=county_a_clerk)
    (message,) = refused.value.message_dict["term_start"]
    assert message.startswith("聘期开始 2024-06-01 晚于已登记的2024年的聘期考核（合格，考核日期 2024-03-01）：")


def test_the_service_refuses_a_term_end_before_the_exit_date_of_an_exited_enrollee(
        leading, enroll, county_a_clerk) -> None:
    enrollment = enroll(leading)
    services.term_review_record(enrollment=enrollment, review_year=2024, grade=ReviewGrade.UNQUALIFIED,
                                reviewed_on=D(2024, 12, 1), actor=SYSTEM)
    enrollment = Enrollment.objects.get(pk=enrollment.pk)
    assert enrollment.status == EnrollmentStatus.EXITED
    enrollment.term_end = D(2024, 6, 30)
    with pytest.raises(ValidationError) as refused:
        services.enrollment_update(enrollment=enrollment, actor=county_a_clerk)
    (message,) = refused.value.message_dict["term_end"]
    assert message.startswith("聘期结束 2024-06-30 早于已登记的退出日期 2024-12-01：")
    assert stored_term_end(enrollment) == D(2028, 12, 31)


def test_a_term_that_still_covers_its_records_is_shortened(leading, enroll, county_a_clerk) -> None:
    enrollment = funded(enroll, leading)
    enrollment.term_end = D(2026, 12, 31)
    services.enrollment_update(enrollment=enrollment, actor=county_a_clerk)
    assert stored_term_end(enrollment) == D(2026, 12, 31)


def test_the_enrollees_page_refuses_a_term_end_before_recorded_funding(leading, enroll, county_a_clerk,
                                                                       client_for) -> None:
    enrollment = funded(enroll, leading)
    client = client_for(county_a_clerk)
    data = {**form_data(client.get(page(enrollment))), "term_end": "2024-12-31"}
    response = client.post(page(enrollment), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"term_end": [SHORT_UNDER_FUNDING]}
    assert stored_term_end(enrollment) == D(2028, 12, 31)


def test_the_roster_sheet_refuses_a_term_end_before_recorded_funding(tmp_path: Path, leading, enroll,
                                                                     county_a_clerk) -> None:
    enrollment = funded(enroll, leading)
    result = run(tmp_path, roster_row(enrollment, "2024-12-31"), EnrollmentResource, county_a_clerk)
    assert not result.committed
    assert errors_of(result) == [(2, "聘期结束", SHORT_UNDER_FUNDING)]
    assert stored_term_end(enrollment) == D(2028, 12, 31)


def test_the_roster_sheet_uploaded_unchanged_leaves_a_funded_enrollee_unchanged(tmp_path: Path, leading, enroll,
                                                                                county_a_clerk) -> None:
    enrollment = funded(enroll, leading)
    result = run(tmp_path, roster_row(enrollment, "2028-12-31"), EnrollmentResource, county_a_clerk)
    assert (result.committed, result.unchanged, result.errors) == (True, 1, [])
