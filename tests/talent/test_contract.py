"""Talent work follows the write contract: an actor, a permission, the jurisdiction, one audit row."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgwork.audit.models import AuditAction, AuditLog
from talent import services
from talent.models import BenefitArea, EnrollmentStatus, ExitReason, RequestStatus

from .conftest import SYSTEM

pytestmark = pytest.mark.django_db
EXIT_DAY = datetime.date(2025, 6, 1)


def test_an_exit_without_an_actor_is_refused_and_changes_nothing(leading: Any, enroll: Any) -> None:
    enrollment = enroll(leading)
    with pytest.raises(ValidationError) as refused:
        services.enrollment_exit(enrollment=enrollment, reason=ExitReason.OWN_REQUEST, exit_date=EXIT_DAY,
                                 actor=None)
    assert refused.value.code == "no_actor"
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE


def test_a_clerk_of_another_county_cannot_exit_an_enrollee(leading: Any, enroll: Any, county_b_clerk: Any) -> None:
    enrollment = enroll(leading, unit="county_a")
    with pytest.raises(ValidationError) as refused:
        services.enrollment_exit(enrollment=enrollment, reason=ExitReason.OWN_REQUEST, exit_date=EXIT_DAY,
                                 actor=county_b_clerk)
    assert refused.value.code == "scope"
    assert "不存在或不在您的管辖范围内" in refused.value.messages[0]


def test_the_read_only_role_cannot_exit_an_enrollee(leading: Any, enroll: Any, view_only_auditor: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        services.enrollment_exit(enrollment=enroll(leading), reason=ExitReason.OWN_REQUEST, exit_date=EXIT_DAY,
                                 actor=view_only_auditor)
    assert refused.value.code == "permission"


def test_an_exit_writes_exactly_one_audit_row_naming_the_clerk(leading: Any, enroll: Any, county_a_clerk: Any) -> None:
    enrollment = enroll(leading)
    before = AuditLog.objects.count()
    services.enrollment_exit(enrollment=enrollment, reason=ExitReason.OWN_REQUEST, exit_date=EXIT_DAY,
                             actor=county_a_clerk)
    rows = list(AuditLog.objects.order_by("id")[before:])
    assert len(rows) == 1
    assert (rows[0].action, rows[0].actor_id) == (AuditAction.TRANSITION, county_a_clerk.pk)
    assert "version" not in rows[0].changes and rows[0].changes["status"] == ["active", "exited"]


def test_an_exit_from_the_admin_action_writes_one_audit_row(leading: Any, enroll: Any, county_a_clerk: Any,
                                                            client_for: Any) -> None:
    enrollment = enroll(leading)
    last = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client_for(county_a_clerk).post(reverse("admin:talent_enrollment_changelist"), {
        "action": "exit_enrollment", "_selected_action": [enrollment.pk], "apply": "1",
        "reason": ExitReason.OWN_REQUEST, "exit_date": "2025-06-01", "note": "",
    })
    assert response.status_code in (200, 302)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.EXITED
    assert AuditLog.objects.filter(pk__gt=last, object_id=str(enrollment.pk)).count() == 1


def test_a_green_channel_request_accepted_by_the_daily_command_names_the_system(make_card: Any) -> None:
    request = services.green_request_submit(card=make_card(), area=BenefitArea.TAX, content="个税减免",
                                            submitted_on=datetime.date(2026, 1, 5), actor=SYSTEM)
    services.green_request_accept(request=request, actor=SYSTEM)
    request.refresh_from_db()
    assert request.status == RequestStatus.PROCESSING and request.handler_id is None
    row = AuditLog.objects.filter(object_id=str(request.pk), action=AuditAction.TRANSITION).get()
    assert row.actor_name == "system:fixture"


def test_an_enrollment_added_in_the_admin_goes_through_the_service_with_one_audit_row(
        leading: Any, make_person: Any, county_a_clerk: Any, client_for: Any) -> None:
    from talent.models import Enrollment

    person = make_person()
    last = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client_for(county_a_clerk).post(reverse("admin:talent_enrollment_add"), {
        "person": person.pk, "programme": leading.pk, "batch_year": 2024, "term_start": "2024-01-01",
        "term_end": "", "training_plan": "",
        **{f"{prefix}-{key}": value for prefix in ("plan_files", "fundings", "reviews")
           for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))},
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    enrollment = Enrollment.objects.get(person=person)
    rows = AuditLog.objects.filter(pk__gt=last, object_id=str(enrollment.pk))
    assert [(r.action, r.actor_id) for r in rows] == [(AuditAction.CREATE, county_a_clerk.pk)]
