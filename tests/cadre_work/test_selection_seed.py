"""The 选人用人监督 demo step: every workflow shown, through the services, twice adds nothing;
a demo seeded before the 党纪政务处分 gains that look-back once."""

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
from cadres.supervision.models import DisciplineFinding
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
    by_handling = LookBack.objects.get(handling_record__isnull=False)
    assert by_handling.promotions.get().vetting_status == "已通过"
    by_finding = LookBack.objects.get(discipline_finding__isnull=False)
    assert by_finding.discipline_finding.get_kind_display() == "记大过"
    assert by_finding.promotions.get().vetting_status == "已通过" and by_finding.promotions.get().signed_by == "系统"
    counts = (SelectionEvaluation.objects.count(), RectificationItem.objects.count(), LookBack.objects.count())
    assert counts == (3, 2, 2)
    demo_selection.build(ctx)
    assert (SelectionEvaluation.objects.count(), RectificationItem.objects.count(), LookBack.objects.count()) == counts


def test_a_demo_seeded_before_the_findings_gains_the_finding_look_back_once(tree) -> None:
    ctx = DemoContext(scale="small", stdout=io.StringIO())
    demo_selection.build(ctx)
    finding = DisciplineFinding.objects.get()
    LookBack.objects.filter(discipline_finding=finding).delete()
    DisciplineFinding.objects.filter(pk=finding.pk).delete()
    demo_selection.people().filter(pk=finding.cadre_id).update(id_number="620102199001010016")
    demo_selection.build(ctx)
    assert "补充政务处分启动的带病提拔倒查 1 件" in ctx.stdout.getvalue()
    assert LookBack.objects.filter(discipline_finding__isnull=False).count() == 1
    demo_selection.build(ctx)
    assert LookBack.objects.filter(discipline_finding__isnull=False).count() == 1
