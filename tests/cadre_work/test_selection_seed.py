"""The 选人用人监督 demo step: every workflow shown, through the services, twice adds nothing."""

from __future__ import annotations

import io

import pytest

from cadres.selection.models import (
    CheckStatus,
    DepartureCheck,
    LookBack,
    SelectionEvaluation,
    SelectionReport,
)
from cadres.selection.selectors import departures_unchecked
from orgwork.common.contract import SystemActor
from orgwork.rectification.models import RectificationItem
from seeds.demo import DemoContext
from seeds.demo import selection as demo_selection

pytestmark = pytest.mark.django_db


def test_the_demo_step_shows_every_workflow_and_a_second_run_adds_nothing(tree) -> None:
    ctx = DemoContext(scale="small", stdout=io.StringIO())
    demo_selection.build(ctx)
    assert SelectionReport.objects.count() == 1
    over = SelectionEvaluation.objects.get(over_line=True)
    assert over.cadre is not None and over.rectification_item is not None
    assert DepartureCheck.objects.get().status == CheckStatus.CONCLUDED
    assert departures_unchecked(SystemActor("tests")).count() == 1
    look_back = LookBack.objects.get()
    assert look_back.promotions.get().vetting_status == "已通过"
    counts = (SelectionEvaluation.objects.count(), RectificationItem.objects.count(), LookBack.objects.count())
    assert counts == (3, 2, 1)
    demo_selection.build(ctx)
    assert (SelectionEvaluation.objects.count(), RectificationItem.objects.count(), LookBack.objects.count()) == counts
