"""The 挂职与驻村 demo step: every workflow once, through the services; a second run adds nothing."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from cadres.secondment.models import Assignment, AssignmentStatus, AssignmentAssessment, DutyCheck
from cadres.secondment.selectors import checks_overdue, headline
from orgwork.audit.models import AuditLog
from orgwork.rectification.models import RectificationItem
from seeds.demo import DemoContext
from seeds.demo import cadres as demo_cadres
from seeds.demo import secondment as demo_secondment

pytestmark = pytest.mark.django_db


def test_the_demo_step_covers_every_workflow_and_is_idempotent(tree, province_officer) -> None:
    ctx = DemoContext(scale="small", stdout=io.StringIO())
    demo_cadres.build(ctx)
    demo_secondment.build(ctx)
    statuses = set(Assignment.objects.values_list("status", flat=True))
    assert statuses == {AssignmentStatus.ACTIVE, AssignmentStatus.ROTATED, AssignmentStatus.RECALLED}
    assert headline(province_officer, timezone.localdate().year) == {"replaced": 2, "accountable": 1}
    assert checks_overdue(province_officer).exists()
    if timezone.localdate().timetuple().tm_yday > 2:
        assert RectificationItem.objects.filter(problem__contains="不在岗2次").count() == 1
    assignment_type = Assignment._meta.label_lower.split(".")
    written = AuditLog.objects.filter(content_type__app_label=assignment_type[0], content_type__model=assignment_type[1])
    assert written.exists() and set(written.values_list("actor_name", flat=True)) == {"system:seed_demo"}
    counts = (Assignment.objects.count(), DutyCheck.objects.count(), AssignmentAssessment.objects.count(),
              AuditLog.objects.count())
    demo_secondment.build(ctx)
    assert (Assignment.objects.count(), DutyCheck.objects.count(), AssignmentAssessment.objects.count(),
            AuditLog.objects.count()) == counts
