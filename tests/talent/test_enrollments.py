"""Enrollees (入选人员): quota per batch, uniqueness, exits, term expiry, programme visibility."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from orgwork.audit.models import AuditAction, AuditLog
from talent import services

from .conftest import SYSTEM
from talent.models import Enrollment, EnrollmentStatus, ExitReason, Programme, ProgrammeType
from talent.selectors import programmes_open_to

pytestmark = pytest.mark.django_db


def test_the_term_end_follows_from_the_programme_term(leading, enroll) -> None:
    enrollment = enroll(leading, term_start=datetime.date(2024, 3, 1))
    assert enrollment.term_end == datetime.date(2029, 2, 28)
    assert enrollment.status == EnrollmentStatus.ACTIVE


def test_a_full_batch_refuses_one_more_enrollee_with_a_message(leading, enroll) -> None:
    for _ in range(3):
        enroll(leading, batch_year=2024)
    with pytest.raises(ValidationError) as error:
        enroll(leading, batch_year=2024)
    assert "2024年批次名额为 3 人，已满" in str(error.value)
    assert Enrollment.objects.filter(programme=leading, batch_year=2024).count() == 3


def test_the_quota_counts_per_batch_so_next_year_has_room(leading, enroll) -> None:
    for _ in range(3):
        enroll(leading, batch_year=2024)
    assert enroll(leading, batch_year=2025, term_start=datetime.date(2025, 1, 1)).batch_year == 2025


def test_a_person_is_enrolled_once_per_programme_and_batch(leading, enroll, make_person) -> None:
    person = make_person()
    enroll(leading, person=person)
    with pytest.raises(ValidationError) as error:
        enroll(leading, person=person)
    assert "已入选本计划的这一批次" in str(error.value)


def test_an_exit_records_reason_date_and_an_audit_transition(leading, enroll) -> None:
    enrollment = enroll(leading)
    version = enrollment.version
    services.enrollment_exit(enrollment=enrollment, reason=ExitReason.OWN_REQUEST, exit_date=datetime.date(2025, 6, 1), actor=SYSTEM)
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.exit_reason, enrollment.exit_date) == (
        EnrollmentStatus.EXITED, ExitReason.OWN_REQUEST, datetime.date(2025, 6, 1))
    assert enrollment.version == version + 1
    assert AuditLog.objects.filter(action=AuditAction.TRANSITION, object_id=str(enrollment.pk),
                                   message__contains="本人申请").exists()


def test_exiting_twice_changes_nothing_the_second_time(leading, enroll) -> None:
    enrollment = enroll(leading)
    services.enrollment_exit(enrollment=enrollment, reason=ExitReason.OWN_REQUEST, exit_date=datetime.date(2025, 6, 1), actor=SYSTEM)
    services.enrollment_exit(enrollment=enrollment, reason=ExitReason.OTHER, exit_date=datetime.date(2025, 7, 1), actor=SYSTEM)
    enrollment.refresh_from_db()
    assert enrollment.exit_reason == ExitReason.OWN_REQUEST
    assert AuditLog.objects.filter(action=AuditAction.TRANSITION, object_id=str(enrollment.pk)).count() == 1


def test_an_enrollee_whose_term_has_ended_cannot_exit(leading, enroll) -> None:
    enrollment = enroll(leading, term_start=datetime.date(2018, 1, 1), batch_year=2018)
    services.enrollment_complete_term(enrollment=enrollment, on=datetime.date(2024, 1, 1), actor=SYSTEM)
    with pytest.raises(ValidationError, match="已期满"):
        services.enrollment_exit(enrollment=enrollment, reason=ExitReason.OTHER, exit_date=datetime.date(2024, 2, 1), actor=SYSTEM)


def test_an_unfinished_term_cannot_be_marked_expired(leading, enroll) -> None:
    enrollment = enroll(leading)
    with pytest.raises(ValidationError, match="尚未期满"):
        services.enrollment_complete_term(enrollment=enrollment, on=datetime.date(2025, 1, 1), actor=SYSTEM)


def test_the_expiry_command_marks_ended_terms_once(leading, top_leading, enroll) -> None:
    ended = enroll(top_leading, term_start=datetime.date(2020, 1, 1), batch_year=2020)  # 36 months: ended 2022
    running = enroll(leading, term_start=datetime.date(2024, 1, 1))  # 60 months: runs to 2028
    exited = enroll(top_leading, term_start=datetime.date(2020, 1, 1), batch_year=2020)
    services.enrollment_exit(enrollment=exited, reason=ExitReason.TRANSFERRED, exit_date=datetime.date(2021, 1, 1), actor=SYSTEM)
    out = StringIO()
    call_command("talent_expire_terms", "--on", "2026-01-01", stdout=out)
    assert "1 人" in out.getvalue()
    statuses = dict(Enrollment.objects.values_list("pk", "status"))
    assert statuses == {ended.pk: EnrollmentStatus.COMPLETED, running.pk: EnrollmentStatus.ACTIVE,
                        exited.pk: EnrollmentStatus.EXITED}
    entry = AuditLog.objects.get(action=AuditAction.TRANSITION, object_id=str(ended.pk), message="聘期期满")
    assert entry.source == "command"
    call_command("talent_expire_terms", "--on", "2026-01-01", stdout=(again := StringIO()))
    assert "0 人" in again.getvalue()


def test_a_county_may_enroll_into_provincial_programmes_but_not_into_another_countys(
        tree, leading, county_a_clerk, county_b_clerk) -> None:
    own_b = Programme.objects.create(name="七里河区青年英才", programme_type=ProgrammeType.OTHER,
                                     unit=tree["county_b"], term_months=24)
    assert set(programmes_open_to(county_a_clerk)) == {leading}
    assert set(programmes_open_to(county_b_clerk)) == {leading, own_b}


def test_a_stopped_programme_takes_no_new_enrollees(leading, enroll) -> None:
    leading.is_active = False
    leading.save()
    with pytest.raises(ValidationError, match="已停止实施"):
        enroll(leading)
