"""Sample records of 选人用人监督 for the scope matrix."""

from __future__ import annotations

import datetime

from cadres.models import Post, Rank
from cadres.selection.models import DepartureCheck, EvaluationKind, LookBack, SelectionEvaluation, SelectionReport
from cadres.selection.services import departure_check_open, evaluation_save, selection_report_save
from cadres.services import post_appoint
from cadres.supervision.models import HandlingRecord, HandlingSource, HandlingType
from cadres.supervision.services import handling_record_save
from orgwork.units.models import Unit

from . import sample_for
from .cadres import SAMPLES, cadre_in


def _appoint(cadre, unit: Unit, title: str, rank: str, on: datetime.date) -> Post:
    return post_appoint(post=Post(cadre=cadre, unit=unit, title=title, rank=rank, appointed_on=on), actor=SAMPLES)


@sample_for(SelectionReport)
def report_sample(unit: Unit) -> SelectionReport:
    return selection_report_save(report=SelectionReport(unit=unit, year=2025, reported_on=datetime.date(2026, 1, 10),
                                                        text="样例报告"), actor=SAMPLES)


@sample_for(SelectionEvaluation)
def evaluation_sample(unit: Unit) -> SelectionEvaluation:
    return evaluation_save(evaluation=SelectionEvaluation(
        unit=unit, year=2025, kind=EvaluationKind.WORK, evaluated_on=datetime.date(2025, 12, 20),
        good=30, fairly_good=10, average=5, poor=2), actor=SAMPLES)


@sample_for(DepartureCheck)
def departure_sample(unit: Unit) -> DepartureCheck:
    cadre = cadre_in(unit, name="样例书记")
    post = _appoint(cadre, unit, f"中共{unit.name}委员会书记", Rank.COUNTY_CHIEF, datetime.date(2020, 1, 1))
    _appoint(cadre, unit, f"{unit.name}人大常委会主任", Rank.COUNTY_CHIEF, datetime.date(2025, 1, 1))
    post.refresh_from_db()
    return departure_check_open(post=post, checked_on=datetime.date(2025, 6, 1), inspectors="样例检查组", actor=SAMPLES)


@sample_for(LookBack)
def look_back_sample(unit: Unit) -> LookBack:
    cadre = cadre_in(unit, name="样例倒查")
    _appoint(cadre, unit, "副主任", Rank.TOWNSHIP_DEPUTY, datetime.date(2019, 1, 1))
    _appoint(cadre, unit, "主任", Rank.TOWNSHIP_CHIEF, datetime.date(2024, 1, 1))
    record = handling_record_save(record=HandlingRecord(
        cadre=cadre, handling_type=HandlingType.ADMONISHMENT, source=HandlingSource.INSPECTION,
        decided_on=datetime.date(2026, 3, 16)), actor=SAMPLES)
    return LookBack.objects.get(handling_record=record)
