"""Builders the 教育培训 tests share: a class, a roster line, an online completion."""

from __future__ import annotations

import datetime
from typing import Any

from cadres.models import Cadre, Rank
from cadres.training.models import AttendanceStatus, ClassAttendance, OnlineCompletion, OnlineCourse, TrainingClass
from cadres.training.services import attendance_save, online_completion_save
from orgwork.common.contract import SystemActor
from tests.samples.cadres import cadre_in
from tests.samples.training import START, class_in, course_in

SYSTEM = SystemActor("tests")
YEAR = START.year


def county_cadre(unit: Any, name: str = "李志强", rank: str = Rank.COUNTY_DEPUTY) -> Cadre:
    return cadre_in(unit, name=name, rank=rank, current_post="副县长")


def attend(training_class: TrainingClass, cadre: Cadre, day: datetime.date | None = None,
           status: str = AttendanceStatus.ATTENDED, actor: Any = SYSTEM) -> ClassAttendance:
    return attendance_save(attendance=ClassAttendance(training_class=training_class, cadre=cadre,
                                                      day=day or training_class.starts_on, status=status), actor=actor)


def attend_all_days(training_class: TrainingClass, cadre: Cadre) -> None:
    for offset in range(training_class.days):
        attend(training_class, cadre, training_class.starts_on + datetime.timedelta(days=offset))


def complete(course: OnlineCourse, cadre: Cadre, day: datetime.date = START, actor: Any = SYSTEM) -> OnlineCompletion:
    return online_completion_save(completion=OnlineCompletion(course=course, cadre=cadre, completed_on=day), actor=actor)


__all__ = ["START", "YEAR", "SYSTEM", "attend", "attend_all_days", "class_in", "complete", "county_cadre",
           "course_in"]
