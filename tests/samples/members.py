"""Sample records of party members, one per admin-registered model, for the scope matrix."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from branches.members.models import Applicant, Appraisal, DuesRecord, Member, Transfer
from orgwork.common import idnumber
from orgwork.units.models import Unit

from . import sample_for
from .branches import branch_in

_seq = itertools.count(1)


def id_number(born: datetime.date) -> str:
    first = f"620102{born:%Y%m%d}{next(_seq) % 999:03d}"
    return first + idnumber.check_character(first)


@sample_for(Member)
def member_sample(unit: Unit) -> Member:
    return Member.objects.create(name="样例党员", id_number=id_number(datetime.date(1970, 1, 1)), branch=branch_in(unit),
                                 joined_on=datetime.date(1995, 7, 1), full_on=datetime.date(1996, 7, 1),
                                 income_base=Decimal("4000"))


@sample_for(Transfer)
def transfer_sample(unit: Unit) -> Transfer:
    member = member_sample(unit)
    return Transfer.objects.create(member=member, from_branch=member.branch, destination="陕西省某党工委",
                                   letter_number=f"样{next(_seq)}", started_on=datetime.date(2026, 1, 5))


@sample_for(Applicant)
def applicant_sample(unit: Unit) -> Applicant:
    return Applicant.objects.create(name="样例申请人", id_number=id_number(datetime.date(1999, 1, 1)),
                                    branch=branch_in(unit), applied_on=datetime.date(2025, 3, 1))


@sample_for(DuesRecord)
def dues_sample(unit: Unit) -> DuesRecord:
    member = member_sample(unit)
    return DuesRecord.objects.create(member=member, branch_id=member.branch_id, month=datetime.date(2026, 1, 1),
                                     due=Decimal("40"))


@sample_for(Appraisal)
def appraisal_sample(unit: Unit) -> Appraisal:
    return Appraisal.objects.create(member=member_sample(unit), year=2025, grade="qualified",
                                    decided_on=datetime.date(2026, 1, 15))
