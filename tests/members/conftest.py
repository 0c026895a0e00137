"""Fixtures for party members: a few branches in the shared unit tree and helpers that
build members and applicants at any stage through the services.

    城关区 (county A)                   七里河区 (county B)
    └── 城关区委 (党委)                 └── 七里河区第一党支部
        ├── 东岗社区党支部
        └── 城关镇红星村党支部
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Permission

from branches.members import services
from branches.members.models import Applicant, Member, MemberCategory
from branches.models import Domain, OrgKind, PartyOrganisation
from branches.services import party_org_save
from orgwork.common import idnumber
from orgwork.common.contract import SystemActor
from orgwork.units.models import Unit
from tests.clock import today

SYSTEM = SystemActor("test")
_serial = itertools.count(100)


def make_id(born: datetime.date, male: bool = True) -> str:
    seq = next(_serial) % 500 * 2 + (1 if male else 0)
    first = f"620102{born:%Y%m%d}{seq:03d}"
    return first + idnumber.check_character(first)


def with_the_right(user: Any) -> Any:
    """``user`` holding the right to members' whole ID numbers, as a fresh object (the
    permission cache is per instance)."""
    for permission in Permission.objects.filter(content_type__app_label="members", codename="view_unmasked_id_number"):
        user.user_permissions.add(permission)
    return type(user).objects.get(pk=user.pk)


def make_org(code: str, name: str, unit: Unit, kind: str = OrgKind.BRANCH,
             parent: PartyOrganisation | None = None) -> PartyOrganisation:
    return party_org_save(organisation=PartyOrganisation(code=code, name=name, unit=unit, kind=kind, parent=parent,
                                                         domain=Domain.COMMUNITY), actor=SystemActor("fixture"))


def days_ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


@pytest.fixture
def orgs(tree: dict[str, Unit]) -> dict[str, PartyOrganisation]:
    committee = make_org("A-DW", "城关区委", tree["county_a"], OrgKind.COMMITTEE)
    return {
        "committee": committee,
        "community": make_org("A-SQ", "东岗社区党支部", tree["county_a"], parent=committee),
        "village": make_org("A-CUN", "城关镇红星村党支部", tree["township_a"], parent=committee),
        "county_b": make_org("B-1", "七里河区第一党支部", tree["county_b"]),
    }


def add_member(branch: PartyOrganisation, name: str = "王建国", *, category: str = MemberCategory.FULL,
               joined_on: datetime.date = datetime.date(2000, 7, 1), income: str = "4000",
               dues_category: str = "employed", actor: Any = SYSTEM, id_number: str = "") -> Member:
    full_on = joined_on.replace(year=joined_on.year + 1) if category == MemberCategory.FULL else None
    member = Member(name=name, id_number=id_number or make_id(datetime.date(1975, 3, 9)), branch=branch,
                    category=category,
                    joined_on=joined_on, full_on=full_on, income_base=Decimal(income), dues_category=dues_category)
    return services.member_save(member=member, actor=actor)


@pytest.fixture
def member(orgs: dict[str, PartyOrganisation]) -> Member:
    return add_member(orgs["community"])


def new_applicant(branch: PartyOrganisation, *, applied_on: datetime.date, born: datetime.date = datetime.date(1998, 5, 1),
                  actor: Any = SYSTEM, name: str = "李晓") -> Applicant:
    return services.applicant_apply(applicant=Applicant(name=name, id_number=make_id(born), branch=branch,
                                                        applied_on=applied_on), actor=actor)


def activist(branch: PartyOrganisation, contact: Member, *, applied_days_ago: int = 800) -> Applicant:
    a = new_applicant(branch, applied_on=days_ago(applied_days_ago))
    services.applicant_talk(applicant=a, talked_on=days_ago(applied_days_ago - 10), actor=SYSTEM)
    return services.applicant_make_activist(applicant=a, decided_on=days_ago(applied_days_ago - 40), contacts=[contact],
                                            actor=SYSTEM)


def candidate(branch: PartyOrganisation, contact: Member, *, applied_days_ago: int = 800,
              prepared: bool = True) -> Applicant:
    a = activist(branch, contact, applied_days_ago=applied_days_ago)
    for after in (210, 380):  # every six months, as at the 发展对象 decision the rule asks
        services.applicant_review(applicant=a, reviewed_on=days_ago(applied_days_ago - after), summary="表现良好",
                                  actor=SYSTEM)
    a = services.applicant_make_candidate(applicant=a, decided_on=days_ago(applied_days_ago - 420), actor=SYSTEM)
    if prepared:
        a = services.applicant_record_preparation(applicant=a, political_review_on=days_ago(applied_days_ago - 440),
                                                  training_days=3, publicity_on=days_ago(applied_days_ago - 450),
                                                  actor=SYSTEM)
    return a


# A 支部大会's count that carries a resolution, for a branch whose one 正式党员 (the files'
# 培养联系人) is there and for: a count is never more than the branch can have had.
VOTE_COUNT = {"expected": 1, "present": 1, "in_favour": 1}


def admitted(orgs: dict[str, PartyOrganisation], contact: Member, *, vote_days_ago: int, name: str) -> Applicant:
    """A 发展对象 of the community branch voted in by the 支部大会, not yet approved."""
    a = candidate(orgs["community"], contact, applied_days_ago=vote_days_ago + 470)
    Applicant.objects.filter(pk=a.pk).update(name=name)
    return services.applicant_admit(**VOTE_COUNT, applicant=a, vote_on=days_ago(vote_days_ago), actor=SYSTEM)


def probationary(branch: PartyOrganisation, contact: Member, *, vote_days_ago: int, oath: bool = False) -> Applicant:
    """A 预备党员 voted in ``vote_days_ago`` days ago, approved a month later and, with
    ``oath``, sworn in ten days after that (转正 needs the 入党宣誓)."""
    a = candidate(branch, contact, applied_days_ago=vote_days_ago + 470)
    a = services.applicant_admit(**VOTE_COUNT, applicant=a, vote_on=days_ago(vote_days_ago), actor=SYSTEM)
    a = services.applicant_approve(applicant=a, approved_on=days_ago(vote_days_ago - 30), actor=SYSTEM)
    if oath:
        a = services.applicant_oath(applicant=a, oath_on=days_ago(vote_days_ago - 40), actor=SYSTEM)
    return a


def run_sheet(tmp_path: Any, rows: list[list[Any]], resource: Any, user: Any) -> Any:
    """Import ``rows`` (the header first) as a CSV through the bulk engine, committing."""
    from orgwork.imports.engine import run_import
    from orgwork.imports.reader import open_sheet

    path = tmp_path / "sheet.csv"
    path.write_text("\r\n".join(",".join(str(v) for v in row) for row in rows) + "\r\n", encoding="utf-8")
    return run_import(resource, user, open_sheet(str(path), path.name, resource), commit=True)


def sheet_messages(result: Any) -> str:
    return "；".join(f"{e.row}:{e.column}:{e.message}" for e in result.errors)


# The 培养联系人 of the applicants' sheets in the step tests.
CONTACT_ID = make_id(datetime.date(1970, 1, 1))


@pytest.fixture
def contact(orgs: dict[str, PartyOrganisation]) -> Member:
    return add_member(orgs["community"], "联系人", id_number=CONTACT_ID)


def column_messages(result: Any) -> str:
    """A sheet run's errors as 列:说明, joined."""
    return "；".join(f"{e.column}:{e.message}" for e in result.errors)


def queries_for_page(client: Any, model_admin: type, url: str, size: int) -> int:
    """The queries of ``url``'s changelist with ``size`` rows a page (``model_admin``'s
    ``list_per_page`` set for the one request)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    kept = model_admin.list_per_page
    model_admin.list_per_page = size
    try:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)
    finally:
        model_admin.list_per_page = kept


def file_sheet_row(file: Applicant, head: list[str], **cells: Any) -> list[str]:
    """The stored ``file`` as a row of the applicants' sheet under ``head`` (as an export
    gives it; blank contact and review cells keep what the file holds), ``cells``
    changing columns by header."""
    def shown(value: Any) -> str:
        return value.isoformat() if isinstance(value, datetime.date) else ("" if value in (None, 0) else str(value))

    row = {"姓名": file.name, "身份证号": file.id_number, "党支部代码": file.branch.code}
    for field in Applicant._meta.concrete_fields:
        if field.name in ("name", "id_number", "branch", "contact_1", "contact_2", "reviewed_on"):
            continue
        row[str(field.verbose_name)] = shown(getattr(file, field.attname))
    row.update(cells)
    return [row.get(h, "") for h in head]
