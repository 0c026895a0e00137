"""What a spot check found and how it was handled stays out of the audit trail on the
paths that used to copy it: the step 漏报瞒报处理完毕 and the 整改事项 it opens. The item
names the check and its outcome; its page links to the check. Rows written before are
rewritten by migration ``audit.0011``."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from cadres.supervision import services as supervision
from cadres.supervision.models import SpotCheck, SpotCheckDraw, SpotCheckOutcome
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.rectification.models import RectificationItem
from tests.samples.cadres import cadre_in
from tests.samples.supervision import report_for

pytestmark = pytest.mark.django_db
FOUND = "瞒报在外地购置住房一套"
DONE = "拟给予诫勉并取消提拔资格"
migration = importlib.import_module("orgwork.audit.migrations.0011_spot_check_texts_redacted")


def trail(model, pk) -> str:  # type: ignore[no-untyped-def]
    rows = AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=str(pk))
    return " ".join(str(row.changes) + row.message for row in rows)


@pytest.fixture
def concealed(tree, county_a_clerk) -> SpotCheck:  # type: ignore[no-untyped-def]
    cadre = cadre_in(tree["county_a"], name="瞒报者")
    report_for(cadre, year=2025)
    draw = supervision.spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=1),
                                       actor=county_a_clerk)
    return supervision.spot_check_record_outcome(check=draw.checks.get(), outcome=SpotCheckOutcome.CONCEALED,
                                                 checked_on=datetime.date(2026, 4, 1), findings=FOUND,
                                                 actor=county_a_clerk)


def test_resolving_a_check_records_that_it_was_handled_not_how(concealed, county_a_clerk) -> None:
    supervision.spot_check_resolve(check=concealed, resolved_on=datetime.date(2026, 4, 20), handling=DONE,
                                   actor=county_a_clerk)
    assert SpotCheck.objects.get(pk=concealed.pk).handling == DONE
    assert AuditLog.objects.filter(object_id=str(concealed.pk), message="漏报瞒报处理完毕").exists()
    assert DONE not in trail(SpotCheck, concealed.pk) and FOUND not in trail(SpotCheck, concealed.pk)


def test_the_item_a_check_opens_names_the_check_not_what_was_found(concealed, county_a_clerk) -> None:
    supervision.spot_check_resolve(check=concealed, resolved_on=datetime.date(2026, 4, 20), handling=DONE,
                                   actor=county_a_clerk)
    item = supervision.spot_check_open_rectification(check=concealed, actor=county_a_clerk)
    assert "瞒报者" in item.problem and "核实存在瞒报" in item.problem
    assert FOUND not in item.problem and item.measure == ""
    assert FOUND not in trail(RectificationItem, item.pk) and DONE not in trail(RectificationItem, item.pk)


def test_the_migration_rewrites_the_texts_kept_before_and_a_second_run_finds_none(concealed, county_a_clerk) -> None:
    item = supervision.spot_check_open_rectification(check=concealed, actor=county_a_clerk)
    check_type = ContentType.objects.get_for_model(SpotCheck)
    item_type = ContentType.objects.get_for_model(RectificationItem)
    old_step = AuditLog.objects.create(action=AuditAction.TRANSITION, content_type=check_type,
                                       object_id=str(concealed.pk), unit_path=concealed.cadre.unit.path,
                                       object_repr=str(concealed), changes={"handling": ["***", "***"]},
                                       message=f"漏报瞒报处理完毕：{DONE}")
    old_item = AuditLog.objects.create(action=AuditAction.CREATE, content_type=item_type, object_id=str(item.pk),
                                       unit_path=concealed.cadre.unit.path, object_repr=str(item),
                                       changes={"problem": [None, f"核实存在瞒报：{FOUND}"], "measure": [None, DONE],
                                                "deadline": [None, "2026-07-01"]})
    other = AuditLog.objects.create(action=AuditAction.UPDATE, content_type=item_type, object_id=str(item.pk + 1000),
                                    unit_path=concealed.cadre.unit.path, object_repr="手工挂账",
                                    changes={"problem": ["甲", "乙"]})

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    for _ in range(2):  # the second run finds nothing left in clear
        migration.forward(apps, editor)
        old_step.refresh_from_db()
        old_item.refresh_from_db()
        other.refresh_from_db()
        assert old_step.message == "漏报瞒报处理完毕"
        assert old_item.changes == {"problem": [None, "***"], "measure": [None, "***"], "deadline": [None, "2026-07-01"]}
        assert other.changes == {"problem": ["甲", "乙"]}  # an item of no spot check keeps its text
