from __future__ import annotations

import itertools

from orgwork.common.contract import SystemActor
from orgwork.rectification.models import Checklist, ChecklistSource, RectificationItem
from orgwork.rectification.services import rectification_open_item
from orgwork.units.models import Unit

from . import sample_for

_seq = itertools.count(1)


@sample_for(Checklist)
def checklist_sample(unit: Unit) -> Checklist:
    n = next(_seq)
    return Checklist.objects.create(source=ChecklistSource.INSPECTION, title=f"{unit.name}巡察反馈问题清单{n}",
                                    document_number=f"样巡反〔2026〕{n}号", unit=unit, year=2026)


@sample_for(RectificationItem)
def item_sample(unit: Unit) -> RectificationItem:
    return rectification_open_item(unit=unit, source=ChecklistSource.UNANNOUNCED_VISIT,
                                   problem=f"{unit.name}暗访发现窗口人员脱岗{next(_seq)}", actor=SystemActor("tests"))
