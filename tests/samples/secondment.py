"""Sample records of 挂职与驻村 for the scope matrix (and the secondment tests)."""

from __future__ import annotations

import datetime

from cadres.secondment.models import (
    AssessmentGrade,
    Assignment,
    AssignmentAssessment,
    AssignmentKind,
    DutyCheck,
)
from cadres.secondment.services import assignment_assess, assignment_save, duty_check_record
from orgwork.units.models import Unit

from . import sample_for
from .cadres import SAMPLES, cadre_in

START = datetime.date(2025, 3, 1)


def secondment_in(unit: Unit, *, name: str = "样例挂职") -> Assignment:
    return assignment_save(assignment=Assignment(
        kind=AssignmentKind.SECONDMENT, cadre=cadre_in(unit, name=name), sending_unit=unit, host_unit=unit,
        post="副县长", starts_on=START, ends_on=START.replace(year=START.year + 2),
    ), actor=SAMPLES)


@sample_for(Assignment)
def assignment_sample(unit: Unit) -> Assignment:
    return secondment_in(unit)


@sample_for(DutyCheck)
def duty_check_sample(unit: Unit) -> DutyCheck:
    return duty_check_record(check=DutyCheck(assignment=secondment_in(unit, name="样例抽查"),
                                             checked_on=datetime.date(2025, 6, 3), checker="样例", present=True),
                             actor=SAMPLES)


@sample_for(AssignmentAssessment)
def assessment_sample(unit: Unit) -> AssignmentAssessment:
    return assignment_assess(assessment=AssignmentAssessment(assignment=secondment_in(unit, name="样例考核"),
                                                             year=2025, grade=AssessmentGrade.COMPETENT),
                             actor=SAMPLES)
