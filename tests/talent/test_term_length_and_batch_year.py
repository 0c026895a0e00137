"""A 聘期结束 lies no later than the programme's 聘期 from the 聘期开始, and a 入选批次 is no
later than next year: on the service, the enrollee's page and the roster sheet. A term
already stored is not checked until its dates or its batch are written again."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from talent import services
from talent.models import Enrollment
from talent.resources import EnrollmentResource
from tests.test_versioning import form_data

from .conftest import SYSTEM
from .test_imports import errors_of, run

pytestmark = pytest.mark.django_db
D = datetime.date
# 甘肃省领军人才 runs 60 months: a term from 2024-01-01 ends 2028-12-31 at the latest.
TOO_LONG = ("聘期结束 2090-12-31 超出「甘肃省领军人才」60个月的聘期："
            "聘期开始 2024-01-01 的聘期至迟于 2028-12-31 结束。")
INLINES = {f"{prefix}-{key}": value for prefix in ("plan_files", "fundings", "reviews")
           for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))}


def far_batch() -> int:
    return timezone.localdate().year + 2


def batch_ahead() -> str:
    latest = timezone.localdate().year + 1
    return f"入选批次（{far_batch()}年）不能晚于{latest}年：入选批次是已经或正在遴选的批次，至多为下一年度的批次。"


def roster(enrollment: Enrollment, batch_year: int, term_start: str, term_end: str) -> list[list[Any]]:
    return [["身份证号", "人才计划", "入选批次", "聘期开始", "聘期结束"],
            [enrollment.person.id_number, enrollment.programme.name, batch_year, term_start, term_end]]


def test_the_service_refuses_a_term_end_beyond_the_programmes_term(leading, make_person) -> None:
    with pytest.raises(ValidationError) as refused:
        services.enrollment_create(person=make_person(), programme=leading, batch_year=2024,
                                   term_start=D(2024, 1, 1), term_end=D(2090, 12, 31), actor=SYSTEM)
    assert refused.value.message_dict == {"term_end": [TOO_LONG]}
    assert not Enrollment.objects.exists()


def test_the_update_service_refuses_to_lengthen_a_term_beyond_the_programmes_term(leading, enroll,
                                                                                  county_a_clerk) -> None:
    enrollment = enroll(leading)
    enrollment.term_end = D(2090, 12, 31)
    with pytest.raises(ValidationError) as refused:
        services.enrollment_update(enrollment=enrollment, actor=county_a_clerk)
    assert refused.value.message_dict == {"term_end": [TOO_LONG]}
    assert Enrollment.objects.get(pk=enrollment.pk).term_end == D(2028, 12, 31)


def test_a_term_of_exactly_the_programmes_length_is_kept(leading, make_person) -> None:
    enrollment = services.enrollment_create(person=make_person(), programme=leading, batch_year=2024,
                                            term_start=D(2024, 1, 1), term_end=D(2028, 12, 31), actor=SYSTEM)
    assert enrollment.term_end == D(2028, 12, 31)


def test_the_enrollees_page_refuses_a_term_end_beyond_the_programmes_term(leading, enroll, county_a_clerk,
                                                                          client_for) -> None:
    enrollment = enroll(leading)
    client = client_for(county_a_clerk)
    page = reverse("admin:talent_enrollment_change", args=[enrollment.pk])
    response = client.post(page, {**form_data(client.get(page)), "term_end": "2090-12-31"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"term_end": [TOO_LONG]}
    assert Enrollment.objects.get(pk=enrollment.pk).term_end == D(2028, 12, 31)


def test_the_roster_sheet_refuses_a_term_end_beyond_the_programmes_term(tmp_path: Path, leading, enroll,
                                                                        county_a_clerk) -> None:
    enrollment = enroll(leading)
    result = run(tmp_path, roster(enrollment, 2024, "2024-01-01", "2090-12-31"), EnrollmentResource, county_a_clerk)
    assert not result.committed
    assert errors_of(result) == [(2, "聘期结束", TOO_LONG)]


def test_a_stored_term_longer_than_the_programmes_is_left_alone_when_the_plan_changes(leading, enroll,
                                                                                      county_a_clerk) -> None:
    enrollment = enroll(leading)
    leading.term_months = 36  # the programme's term shortened after this enrollee was registered
    leading.save()
    enrollment = Enrollment.objects.get(pk=enrollment.pk)
    enrollment.training_plan = "依托重点实验室开展攻关"
    services.enrollment_update(enrollment=enrollment, actor=county_a_clerk)
    assert Enrollment.objects.get(pk=enrollment.pk).training_plan == "依托重点实验室开展攻关"


def test_the_service_refuses_a_batch_after_next_year(leading, make_person) -> None:
    with pytest.raises(ValidationError) as refused:
        services.enrollment_create(person=make_person(), programme=leading, batch_year=far_batch(),
                                   term_start=D(far_batch(), 1, 1), actor=SYSTEM)
    assert refused.value.message_dict == {"batch_year": [batch_ahead()]}
    assert not Enrollment.objects.exists()


def test_next_years_batch_is_enrolled(leading, make_person) -> None:
    next_year = timezone.localdate().year + 1
    enrollment = services.enrollment_create(person=make_person(), programme=leading, batch_year=next_year,
                                            term_start=D(next_year, 1, 1), actor=SYSTEM)
    assert enrollment.batch_year == next_year


def test_the_enrollees_page_refuses_a_batch_after_next_year(leading, make_person, county_a_clerk,
                                                            client_for) -> None:
    response = client_for(county_a_clerk).post(reverse("admin:talent_enrollment_add"), {
        "person": make_person().pk, "programme": leading.pk, "batch_year": far_batch(),
        "term_start": f"{far_batch()}-01-01", "term_end": "", "training_plan": "", **INLINES})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"batch_year": [batch_ahead()]}
    assert not Enrollment.objects.exists()


def test_the_roster_sheet_refuses_a_batch_after_next_year(tmp_path: Path, leading, enroll, make_person,
                                                          county_a_clerk) -> None:
    enrollment = enroll(leading)
    enrollment.person = make_person()  # a new row: another talent in the far batch
    result = run(tmp_path, roster(enrollment, far_batch(), f"{far_batch()}-01-01", ""), EnrollmentResource,
                 county_a_clerk)
    assert not result.committed
    assert errors_of(result) == [(2, "入选批次", batch_ahead())]
