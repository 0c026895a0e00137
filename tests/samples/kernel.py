from __future__ import annotations

import itertools

from orgwork.accounts.models import User
from orgwork.units.models import Unit, UnitLevel, UnitType
from orgwork.common.contract import SystemActor
from orgwork.units.services import unit_save

from . import sample_for

_seq = itertools.count(1)


@sample_for(Unit)
def unit_sample(unit: Unit) -> Unit:
    return unit_save(
        unit=Unit(code=f"{unit.code}S{next(_seq)}", name=f"{unit.name}样例科", parent=unit,
                  unit_type=UnitType.INSTITUTION, level=UnitLevel.TOWNSHIP)
    , actor=SystemActor("fixture"))


@sample_for(User)
def user_sample(unit: Unit) -> User:
    return User.objects.create_user(username=f"sample{next(_seq)}", unit=unit, is_staff=True)
