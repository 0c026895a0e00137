"""Sample records of the branches app, one per admin-registered model, for the scope matrix."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from branches.models import (
    BranchAssessment,
    Domain,
    Meeting,
    MeetingKind,
    ModelBranchQuota,
    OrgKind,
    PartyOrganisation,
    Standard,
    StandardVersion,
    TermElection,
    WeakBranchCase,
    WeakCategory,
)
from branches.services import meeting_fill_derived, party_org_save, term_election_record
from orgwork.common.contract import SystemActor
from orgwork.units.models import Unit

from . import sample_for

_seq = itertools.count(1)


def branch_in(unit: Unit) -> PartyOrganisation:
    n = next(_seq)
    return party_org_save(organisation=PartyOrganisation(
        code=f"S{unit.code}B{n}", name=f"{unit.name}样例第{n}党支部", kind=OrgKind.BRANCH, unit=unit,
        domain=Domain.COMMUNITY, venue_area=Decimal("210")), actor=SystemActor("samples"))


@sample_for(PartyOrganisation)
def organisation_sample(unit: Unit) -> PartyOrganisation:
    return branch_in(unit)


@sample_for(Meeting)
def meeting_sample(unit: Unit) -> Meeting:
    meeting = Meeting(organisation=branch_in(unit), kind=MeetingKind.THEME_DAY, held_on=timezone.localdate(),
                      topic="主题党日样例", expected=12, present=11)
    meeting_fill_derived(meeting)
    meeting.save()
    return meeting


@sample_for(Standard)
def standard_sample(unit: Unit) -> Standard:
    return Standard.objects.create(unit=unit, domain=Domain.values[next(_seq) % len(Domain.values)], name=f"{unit.name}样例标准")


@sample_for(StandardVersion)
def version_sample(unit: Unit) -> StandardVersion:
    return StandardVersion.objects.create(standard=standard_sample(unit), label="样例版", effective_from=datetime.date(2020, 1, 1),
                                          pass_score=Decimal("80"), model_score=Decimal("95"))


@sample_for(BranchAssessment)
def assessment_sample(unit: Unit) -> BranchAssessment:
    return BranchAssessment.objects.create(organisation=branch_in(unit), year=2025, version=version_sample(unit))


@sample_for(ModelBranchQuota)
def quota_sample(unit: Unit) -> ModelBranchQuota:
    return ModelBranchQuota.objects.create(unit=unit, year=2000 + next(_seq), quota=3)


@sample_for(WeakBranchCase)
def weak_case_sample(unit: Unit) -> WeakBranchCase:
    return WeakBranchCase.objects.create(
        organisation=branch_in(unit), year=2025, categories=[WeakCategory.ORGANISATIONAL_LIFE], problems="组织生活不经常",
        plan="一支部一方案", contact_leader="张某", deadline=datetime.date(2025, 12, 31))


@sample_for(TermElection)
def term_election_sample(unit: Unit) -> TermElection:
    return term_election_record(organisation=branch_in(unit), elected_on=datetime.date(2024, 3, 15), secretary_name="张某",
                                committee_size=5, actor=SystemActor("samples"))
