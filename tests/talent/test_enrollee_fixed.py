"""An enrollment's person (人才) and programme (人才计划) are fixed once registered: its
funding and reviews hang from it, so its page shows them read-only and the service
refuses to change them, saying what to do instead; the rest is saved through the service."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgwork.audit.models import AuditAction, AuditLog
from talent import services
from talent.models import ENROLLEE_FIXED, Enrollment, Funding, ReviewGrade
from talent.resources import EnrollmentResource
from tests.test_versioning import form_data

from .conftest import SYSTEM
from .test_imports import run
from .test_record_page_steps import audit_rows_since, last_audit_id

pytestmark = pytest.mark.django_db


def page(enrollment: Enrollment) -> str:
    return reverse("admin:talent_enrollment_change", args=[enrollment.pk])


def with_history(enrollment: Enrollment) -> None:
    services.funding_grant(enrollment=enrollment, year=2024, amount=Decimal("200000"), actor=SYSTEM)
    services.funding_grant(enrollment=enrollment, year=2025, amount=Decimal("300000"), actor=SYSTEM)
    services.term_review_record(enrollment=enrollment, review_year=2025, grade=ReviewGrade.QUALIFIED,
                                reviewed_on=datetime.date(2025, 12, 1), actor=SYSTEM)


def test_the_person_and_programme_are_read_only_on_an_enrollees_page_and_its_history_stays_together(
        leading, top_leading, enroll, make_person, county_a_clerk, client_for) -> None:
    enrollment = enroll(leading)
    person, other = enrollment.person, make_person()
    with_history(enrollment)
    client = client_for(county_a_clerk)
    shown = client.get(page(enrollment))
    assert not {"person", "programme"} & set(shown.context["adminform"].form.fields)
    data = {**form_data(shown), "person": str(other.pk), "programme": str(top_leading.pk), "training_plan": "访学"}
    assert client.post(page(enrollment), data).status_code == 302
    enrollment.refresh_from_db()
    assert (enrollment.person, enrollment.programme, enrollment.training_plan) == (person, leading, "访学")
    assert set(Funding.objects.values_list("person", "programme")) == {(person.pk, leading.pk)}
    assert enrollment.reviews.get().person == person


def test_the_enrollment_service_refuses_another_person_saying_what_to_do_instead(leading, enroll, make_person,
                                                                                county_a_clerk) -> None:
    enrollment = enroll(leading)
    person = enrollment.person
    with_history(enrollment)
    enrollment.person = make_person()
    with pytest.raises(ValidationError) as error:
        services.enrollment_update(enrollment=enrollment, actor=county_a_clerk)
    assert error.value.message_dict == {"person": [ENROLLEE_FIXED]}
    assert "办理退出" in ENROLLEE_FIXED and "新增入选记录" in ENROLLEE_FIXED
    assert Enrollment.objects.get(pk=enrollment.pk).person == person
    assert set(Funding.objects.values_list("person", flat=True)) == {person.pk}


def test_the_enrollment_service_refuses_another_programme(leading, top_leading, enroll, county_a_clerk) -> None:
    enrollment = enroll(leading)
    enrollment.programme = top_leading
    with pytest.raises(ValidationError) as error:
        services.enrollment_update(enrollment=enrollment, actor=county_a_clerk)
    assert error.value.message_dict == {"programme": [ENROLLEE_FIXED]}
    assert Enrollment.objects.get(pk=enrollment.pk).programme == leading


def test_the_enrollment_service_saves_the_plan_with_one_audit_row_and_nothing_when_nothing_changed(
        leading, enroll, county_a_clerk) -> None:
    enrollment = enroll(leading)
    last = last_audit_id()
    services.enrollment_update(enrollment=Enrollment.objects.get(pk=enrollment.pk), actor=county_a_clerk)
    assert audit_rows_since(last) == []
    enrollment.training_plan = "依托重点实验室开展攻关"
    services.enrollment_update(enrollment=enrollment, actor=county_a_clerk)
    assert audit_rows_since(last) == [("enrollment", str(enrollment.pk), AuditAction.UPDATE)]
    entry = AuditLog.objects.get(pk__gt=last)
    assert (set(entry.changes), entry.actor) == ({"training_plan"}, county_a_clerk)


def test_the_enrollment_service_keeps_a_moved_batch_within_its_quota(leading, enroll, county_a_clerk) -> None:
    for _ in range(3):
        enroll(leading, batch_year=2025, term_start=datetime.date(2025, 1, 1))
    enrollment = enroll(leading, batch_year=2024, term_start=datetime.date(2025, 1, 1))
    enrollment.batch_year = 2025
    with pytest.raises(ValidationError, match="2025年批次名额为 3 人，已满"):
        services.enrollment_update(enrollment=enrollment, actor=county_a_clerk)
    assert Enrollment.objects.get(pk=enrollment.pk).batch_year == 2024


def test_saving_an_enrollees_page_with_nothing_of_its_own_changed_writes_no_audit_row_for_it(
        leading, enroll, county_a_clerk, client_for) -> None:
    enrollment = enroll(leading)
    client = client_for(county_a_clerk)
    data = form_data(client.get(page(enrollment)))
    last = last_audit_id()
    assert client.post(page(enrollment), data).status_code == 302
    assert audit_rows_since(last) == []


def test_a_roster_sheet_row_for_another_person_enrolls_them_and_leaves_the_registered_enrollment(
        tmp_path: Path, leading, enroll, make_person, county_a_clerk) -> None:
    enrollment = enroll(leading)
    other = make_person()
    rows = [["身份证号", "人才计划", "入选批次", "聘期开始"], [other.id_number, "甘肃省领军人才", 2024, "2024-01-01"]]
    assert run(tmp_path, rows, EnrollmentResource, county_a_clerk).new == 1
    assert Enrollment.objects.get(pk=enrollment.pk).person == enrollment.person
    assert set(Enrollment.objects.values_list("person", flat=True)) == {enrollment.person.pk, other.pk}
