"""Sample records of 后备干部 for the scope matrix (and the reserve tests)."""

from __future__ import annotations

import datetime
from typing import Any

from cadres.models import Cadre, Rank
from cadres.reserve.models import InspectionConclusion, ReserveMember, ReservePool
from cadres.reserve.services import reserve_inspect, reserve_pool_save, reserve_recommend
from orgwork.units.models import Unit

from . import sample_for
from .cadres import SAMPLES, cadre_in

RECOMMENDED_ON = datetime.date(2026, 3, 2)
INSPECTED_ON = datetime.date(2026, 4, 20)


def pool_in(unit: Unit, *, level: str = Rank.TOWNSHIP_CHIEF, quota: int = 3, age_limit: int = 45,
            actor: Any = SAMPLES) -> ReservePool:
    return reserve_pool_save(pool=ReservePool(unit=unit, level=level, quota=quota, age_limit=age_limit), actor=actor)


def recommend(pool: ReservePool, cadre: Cadre, *, on: datetime.date = RECOMMENDED_ON,
              actor: Any = SAMPLES) -> ReserveMember:
    return reserve_recommend(pool=pool, cadre=cadre, recommended_by="城关区委组织部", recommended_on=on,
                             recommendation="民主推荐得票靠前", actor=actor)


def enter(pool: ReservePool, cadre: Cadre, *, on: datetime.date = INSPECTED_ON, actor: Any = SAMPLES) -> ReserveMember:
    """Recommended and inspected with a passing conclusion: 在库."""
    member = recommend(pool, cadre, on=min(on, RECOMMENDED_ON), actor=actor)
    return reserve_inspect(member=member, inspected_on=on, conclusion=InspectionConclusion.PASSED,
                           opinion="考察合格", actor=actor)


@sample_for(ReservePool)
def pool_sample(unit: Unit) -> ReservePool:
    return pool_in(unit, level=Rank.TOWNSHIP_DEPUTY)


@sample_for(ReserveMember)
def member_sample(unit: Unit) -> ReserveMember:
    pool = ReservePool.objects.filter(unit=unit, level=Rank.TOWNSHIP_CHIEF).first() or pool_in(unit)
    return recommend(pool, cadre_in(unit, name="样例后备", birth=datetime.date(1988, 5, 10)))
