"""The demo step: checklists from several sources, items in every state, idempotent."""

from __future__ import annotations

import io

import pytest
from django.db.models import Count, F

from orgwork.audit.context import acting_as
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.rectification.models import Checklist, ItemState, ItemTransition, RectificationItem
from orgwork.rectification.selectors import rectification_totals
from seeds.demo import DemoContext, accounts, rectification, units

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_state_in_the_reports_proportion_and_runs_twice_harmlessly():
    ctx = DemoContext(scale="small", stdout=io.StringIO())
    with acting_as(None, source="command"):
        for step in (units, accounts, rectification):
            step.build(ctx)
    states = dict(RectificationItem.objects.values_list("state").annotate(n=Count("pk")))
    assert set(states) == set(ItemState.values)
    assert Checklist.objects.values("source").distinct().count() >= 5
    totals = rectification_totals(RectificationItem.objects.all())
    assert totals["found"] == 59 and totals["overdue"] > 0
    assert 25 <= totals["rate"] <= 35  # the report: 514 of 1,731 (29.7 %)
    assert RectificationItem.objects.exclude(return_reason="").exists()  # some were sent back once
    assert RectificationItem.objects.filter(reopen_count__gt=0).exists()
    # every step was taken by a demo account, never by "nobody"
    transitions = AuditLog.objects.filter(action=AuditAction.TRANSITION)
    assert transitions.exists() and not transitions.filter(actor__isnull=True).exists()
    assert not RectificationItem.objects.filter(state=ItemState.CLOSED, reviewed_by=None).exists()
    # some were extended through 延期, with the reason on the timeline and the original deadline kept
    extended = RectificationItem.objects.filter(deadline__gt=F("original_deadline"))
    assert extended.exists() and totals["extended"] == extended.count()
    assert all(item.transitions.filter(name="extend", note__contains="理由").exists() for item in extended)
    # one audit row per step: as many TRANSITION rows as timeline entries
    assert transitions.count() == ItemTransition.objects.count()

    with acting_as(None, source="command"):
        rectification.build(ctx)
    assert RectificationItem.objects.count() == 59
