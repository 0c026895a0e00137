"""Builders the supervision tests share."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from cadres.models import Assessment, AssessmentGrade, Cadre
from cadres.services import assessment_save
from cadres.supervision.models import HandlingRecord, HandlingSource
from cadres.supervision.services import handling_record_save
from orgwork.common.contract import SystemActor


SYSTEM = SystemActor("tests")


def handle(cadre: Cadre, handling_type: str, decided_on: datetime.date, **fields: Any) -> HandlingRecord:
    return handling_record_save(record=HandlingRecord(
        cadre=cadre, handling_type=handling_type, source=fields.pop("source", HandlingSource.PETITION),
        decided_on=decided_on, **fields,
    ), actor=SYSTEM)


def assess(cadre: Cadre, year: int, score: str) -> Assessment:
    return assessment_save(assessment=Assessment(cadre=cadre, year=year, grade=AssessmentGrade.COMPETENT,
                                                 political_score=Decimal(score)), actor=SYSTEM)
