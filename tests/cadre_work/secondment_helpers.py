"""Builders and fixtures of the 挂职与驻村 tests (imported by each test_secondment_* file)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from cadres.models import Cadre
from cadres.secondment.models import Assignment, AssignmentKind, DutyCheck
from cadres.secondment.services import assignment_save, duty_check_record
from orgwork.common.contract import SystemActor
from orgwork.units.models import Unit
from tests.clock import today
from tests.samples.cadres import cadre_in

SYSTEM = SystemActor("tests")


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def years_on(day: datetime.date, n: int) -> datetime.date:
    return day.replace(year=day.year + n)


def second(cadre: Cadre, *, host: Unit, start: datetime.date | None = None, end: datetime.date | None = None,
           post: str = "副县长", actor: Any = SYSTEM) -> Assignment:
    start = start or days_ago(400)
    return assignment_save(assignment=Assignment(
        kind=AssignmentKind.SECONDMENT, cadre=cadre, sending_unit=cadre.unit, host_unit=host, post=post,
        starts_on=start, ends_on=end or years_on(start, 2)), actor=actor)


def station(cadre: Cadre, *, township: Unit, village: str = "红山村", kind: str = AssignmentKind.FIRST_SECRETARY,
            start: datetime.date | None = None, end: datetime.date | None = None, actor: Any = SYSTEM) -> Assignment:
    start = start or days_ago(400)
    return assignment_save(assignment=Assignment(
        kind=kind, cadre=cadre, sending_unit=cadre.unit, township=township, village=village,
        starts_on=start, ends_on=end or years_on(start, 2)), actor=actor)


def check(assignment: Assignment, day: datetime.date, *, present: bool, actor: Any = SYSTEM) -> DutyCheck:
    return duty_check_record(check=DutyCheck(assignment=assignment, checked_on=day, checker="暗访组",
                                             present=present), actor=actor)


def same_year_days(n: int) -> list[datetime.date]:
    """``n`` distinct past days of the current year (the absences are counted per year)."""
    days = [today() - datetime.timedelta(days=i) for i in range(1, 40)]
    return [d for d in days if d.year == today().year][:n]


@pytest.fixture
def cadre_a(tree: dict[str, Unit]) -> Cadre:
    return cadre_in(tree["county_a"], name="李志强")


@pytest.fixture
def cadre_a2(tree: dict[str, Unit]) -> Cadre:
    return cadre_in(tree["county_a"], name="赵文博")


@pytest.fixture
def cadre_b(tree: dict[str, Unit]) -> Cadre:
    return cadre_in(tree["county_b"], name="王海东")
