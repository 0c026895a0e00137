"""Sample talent records for the scope matrix: each belongs to the given unit."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from orgwork.common import idnumber
from orgwork.units.models import Unit
from talent.models import (
    BenefitArea,
    Enrollment,
    ExpertLiaison,
    Funding,
    GreenChannelRequest,
    LiaisonContact,
    Person,
    Programme,
    ProgrammeType,
    ReviewGrade,
    Reward,
    ServiceCard,
    TermReview,
)

from . import sample_for
from .names import numbered

_seq = itertools.count(1)


def id_number_for(seq: int, born: datetime.date = datetime.date(1980, 5, 17), male: bool = True) -> str:
    """A valid 18-digit ID number, distinct per ``seq`` (sequence digits 000–999)."""
    order = (seq * 2 + (1 if male else 0)) % 1000
    first17 = f"620102{born:%Y%m%d}{order:03d}"
    return first17 + idnumber.check_character(first17)


def person_in(unit: Unit, name: str = "样例人才") -> Person:
    n = next(_seq)
    born = datetime.date(1970 + n % 25, 1 + n % 12, 1 + n % 28)
    return Person.objects.create(name=numbered(name, n, 3), id_number=id_number_for(n, born), unit=unit, field="材料科学",
                                 professional_title="研究员")


def programme_in(unit: Unit) -> Programme:
    return Programme.objects.create(
        name=f"{unit.name}样例人才计划{next(_seq)}", programme_type=ProgrammeType.LEADING, unit=unit, term_months=36,
        funding_min=Decimal("100000"), funding_max=Decimal("500000"), excellent_reward=Decimal("200000"),
        quota_per_batch=10,
    )


def enrollment_in(unit: Unit) -> Enrollment:
    return Enrollment.objects.create(person=person_in(unit), programme=programme_in(unit), batch_year=2024,
                                     term_start=datetime.date(2024, 1, 1), term_end=datetime.date(2026, 12, 31))


def card_in(unit: Unit) -> ServiceCard:
    return ServiceCard.objects.create(card_number=f"LY{next(_seq):06d}", level="A", holder=person_in(unit),
                                      issued_on=datetime.date(2024, 1, 1), expires_on=datetime.date(2028, 12, 31),
                                      areas=list(BenefitArea.values))


def liaison_in(unit: Unit) -> ExpertLiaison:
    return ExpertLiaison.objects.create(leader_name=f"样例领导{next(_seq)}", leader_post="副省长",
                                        expert=person_in(unit), started_on=datetime.date(2024, 3, 1))


@sample_for(Programme)
def programme_sample(unit: Unit) -> Programme:
    return programme_in(unit)


@sample_for(Person)
def person_sample(unit: Unit) -> Person:
    return person_in(unit)


@sample_for(Enrollment)
def enrollment_sample(unit: Unit) -> Enrollment:
    return enrollment_in(unit)


@sample_for(Funding)
def funding_sample(unit: Unit) -> Funding:
    enrollment = enrollment_in(unit)
    return Funding.objects.create(enrollment=enrollment, person=enrollment.person, programme=enrollment.programme,
                                  year=2024, amount=Decimal("300000"))


@sample_for(TermReview)
def review_sample(unit: Unit) -> TermReview:
    enrollment = enrollment_in(unit)
    return TermReview.objects.create(enrollment=enrollment, person=enrollment.person, programme=enrollment.programme,
                                     review_year=2025, grade=ReviewGrade.QUALIFIED, reviewed_on=datetime.date(2025, 12, 1))


@sample_for(Reward)
def reward_sample(unit: Unit) -> Reward:
    enrollment = enrollment_in(unit)
    review = TermReview.objects.create(enrollment=enrollment, person=enrollment.person, programme=enrollment.programme,
                                       review_year=2025, grade=ReviewGrade.EXCELLENT, reviewed_on=datetime.date(2025, 12, 1))
    return Reward.objects.create(enrollment=review.enrollment, review=review, amount=Decimal("200000"),
                                 awarded_on=review.reviewed_on)


@sample_for(ServiceCard)
def card_sample(unit: Unit) -> ServiceCard:
    return card_in(unit)


@sample_for(GreenChannelRequest)
def request_sample(unit: Unit) -> GreenChannelRequest:
    return GreenChannelRequest.objects.create(card=card_in(unit), area=BenefitArea.MEDICAL, content="预约专家门诊",
                                              submitted_on=datetime.date(2025, 3, 1),
                                              deadline=datetime.date(2025, 3, 4))


@sample_for(ExpertLiaison)
def liaison_sample(unit: Unit) -> ExpertLiaison:
    return liaison_in(unit)


@sample_for(LiaisonContact)
def contact_sample(unit: Unit) -> LiaisonContact:
    return LiaisonContact.objects.create(liaison=liaison_in(unit), contacted_on=datetime.date(2025, 5, 1),
                                         way="visit", content="走访看望，了解科研条件")
