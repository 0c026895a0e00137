"""Talent fixtures: the provincial programmes of DOMAIN §4 and talents in the persona tree."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Permission

from orgwork.accounts.models import User
from orgwork.common.contract import SystemActor
from orgwork.units.models import Unit
from talent import services
from talent.models import BenefitArea, Enrollment, Person, Programme, ProgrammeType, ServiceCard

from ..samples.names import numbered
from ..samples.talent import id_number_for

# Fixtures are written by the system; the tests' own steps name their actors.
SYSTEM = SystemActor("fixture")

_seq = itertools.count(100)


@pytest.fixture
def leading(tree: dict[str, Unit]) -> Programme:
    """领军人才: provincial, 10万–50万 a year, 20万 for an excellent term review."""
    return Programme.objects.create(
        name="甘肃省领军人才", programme_type=ProgrammeType.LEADING, unit=tree["province"], term_months=60,
        funding_min=Decimal("100000"), funding_max=Decimal("500000"), excellent_reward=Decimal("200000"),
        quota_per_batch=3,
    )


@pytest.fixture
def top_leading(tree: dict[str, Unit]) -> Programme:
    """拔尖领军人才: 25 chosen, 50万–300万 each per year."""
    return Programme.objects.create(
        name="甘肃省拔尖领军人才", programme_type=ProgrammeType.TOP_LEADING, unit=tree["province"], term_months=36,
        funding_min=Decimal("500000"), funding_max=Decimal("3000000"), quota_per_batch=25,
    )


@pytest.fixture
def make_person(tree: dict[str, Unit]) -> Callable[..., Person]:
    def make(unit: str = "county_a", name: str = "", **fields: Any) -> Person:
        n = next(_seq)
        return services.person_save(person=Person(
            name=name or numbered("人才", n, 3), id_number=id_number_for(n, datetime.date(1978, 3, 9)), unit=tree[unit],
            field="作物育种", professional_title="研究员", **fields), actor=SYSTEM)

    return make


@pytest.fixture
def enroll(make_person: Callable[..., Person]) -> Callable[..., Enrollment]:
    def make(programme: Programme, unit: str = "county_a", batch_year: int = 2024,
             term_start: datetime.date = datetime.date(2024, 1, 1), person: Person | None = None) -> Enrollment:
        return services.enrollment_create(person=person or make_person(unit), programme=programme,
                                          batch_year=batch_year, term_start=term_start, actor=SYSTEM)

    return make


@pytest.fixture
def make_card(make_person: Callable[..., Person]) -> Callable[..., ServiceCard]:
    def make(unit: str = "county_a", areas: list[str] | None = None,
             issued_on: datetime.date = datetime.date(2025, 1, 1),
             expires_on: datetime.date = datetime.date(2027, 12, 31)) -> ServiceCard:
        card = ServiceCard(card_number=f"LYRC{next(_seq):06d}", level="A", holder=make_person(unit),
                           issued_on=issued_on, expires_on=expires_on,
                           areas=list(BenefitArea.values) if areas is None else areas)
        card.full_clean()
        card.save()
        return card

    return make


def grant(user: User, codename: str) -> User:
    app_label, code = codename.split(".")
    user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=code))
    return User.objects.get(pk=user.pk)  # a fresh object: the permission cache is per instance
