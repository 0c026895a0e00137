"""Sample records of 教育培训 for the scope matrix (and the training tests)."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from cadres.training.models import AttendanceStatus, ClassAttendance, OnlineCompletion, OnlineCourse, TrainingClass
from cadres.training.services import (
    attendance_save,
    online_completion_save,
    online_course_save,
    training_class_save,
)
from orgwork.units.models import Unit

from . import sample_for
from .cadres import SAMPLES, cadre_in

START = datetime.date(2026, 3, 2)
_seq = itertools.count(1)


def class_in(unit: Unit, *, days: int = 5, hours: str = "40", start: datetime.date = START, **fields: object
             ) -> TrainingClass:
    n = next(_seq)
    return training_class_save(training_class=TrainingClass(
        code=fields.pop("code", f"PX-{unit.code}-{n:03d}"), name=fields.pop("name", f"样例培训班{n}"), unit=unit,
        starts_on=start, ends_on=start + datetime.timedelta(days=days - 1), place="省委党校",
        hours=Decimal(hours), **fields), actor=SAMPLES)


def course_in(unit: Unit, *, hours: str = "10") -> OnlineCourse:
    n = next(_seq)
    return online_course_save(course=OnlineCourse(code=f"WK-{unit.code}-{n:03d}", name=f"样例网络课程{n}", unit=unit,
                                                  platform="干部网络学院", hours=Decimal(hours)), actor=SAMPLES)


@sample_for(TrainingClass)
def class_sample(unit: Unit) -> TrainingClass:
    return class_in(unit)


@sample_for(ClassAttendance)
def attendance_sample(unit: Unit) -> ClassAttendance:
    return attendance_save(attendance=ClassAttendance(
        training_class=class_in(unit), cadre=cadre_in(unit, name="样例学员"), day=START,
        status=AttendanceStatus.ATTENDED), actor=SAMPLES)


@sample_for(OnlineCourse)
def course_sample(unit: Unit) -> OnlineCourse:
    return course_in(unit)


@sample_for(OnlineCompletion)
def completion_sample(unit: Unit) -> OnlineCompletion:
    return online_completion_save(completion=OnlineCompletion(
        course=course_in(unit), cadre=cadre_in(unit, name="样例网学"), completed_on=START), actor=SAMPLES)
