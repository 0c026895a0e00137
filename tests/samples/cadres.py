"""Sample records of the cadre registry for the scope matrix (and the cadre tests)."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any

from cadres.models import Assessment, AssessmentGrade, Cadre, Gender, PositionQuota, Post, Rank
from cadres.services import assessment_save, cadre_save, post_appoint
from orgwork.common.contract import SystemActor
from orgwork.units.models import Unit
from seeds.demo.cadres import make_id_number

from . import sample_for

_seq = itertools.count(1)
SAMPLES = SystemActor("tests")


def cadre_in(unit: Unit, *, name: str = "张建华", gender: str = Gender.MALE,
             birth: datetime.date = datetime.date(1975, 6, 15), **fields: Any) -> Cadre:
    """A valid cadre in ``unit``: the ID number matches birth and gender."""
    n = next(_seq)
    sequence = (n * 2 + (1 if gender == Gender.MALE else 0)) % 1000
    number = fields.pop("id_number", None) or make_id_number(unit.code[:6].ljust(6, "0"), birth, sequence)
    cadre = Cadre(name=name, gender=gender, birth_month=birth.replace(day=1), id_number=number, unit=unit,
                  current_post=fields.pop("current_post", "科员"), **fields)
    return cadre_save(cadre=cadre, actor=SAMPLES)


@sample_for(Cadre)
def cadre_sample(unit: Unit) -> Cadre:
    return cadre_in(unit, name="样例干部")


@sample_for(Post)
def post_sample(unit: Unit) -> Post:
    cadre = cadre_in(unit, name="样例任职")
    return post_appoint(post=Post(cadre=cadre, unit=unit, title=f"{unit.name}副主任", rank=Rank.TOWNSHIP_DEPUTY,
                                  appointed_on=datetime.date(2021, 3, 1)), actor=SAMPLES)


@sample_for(Assessment)
def assessment_sample(unit: Unit) -> Assessment:
    cadre = cadre_in(unit, name="样例考核")
    return assessment_save(assessment=Assessment(cadre=cadre, year=2024, grade=AssessmentGrade.COMPETENT,
                                                 political_score=Decimal("88")), actor=SAMPLES)


@sample_for(PositionQuota)
def quota_sample(unit: Unit) -> PositionQuota:
    quota = PositionQuota(unit=unit, rank=Rank.TOWNSHIP_DEPUTY, approved=2)
    quota.full_clean()
    quota.save()
    return quota
