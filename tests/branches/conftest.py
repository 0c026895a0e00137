"""Fixtures for the branches app: a small organisation tree in the shared unit tree.

    城关区 (county A)                      七里河区 (county B)
    └── 城关区委 (党委)                    └── 七里河区第一党支部
        ├── 东岗社区党支部   (community)
        └── 城关镇党总支 (township)
            └── 城关镇红星村党支部 (rural)
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Permission

from branches.models import Domain, Meeting, OrgKind, PartyOrganisation, Standard, StandardItem, StandardVersion
from branches.services import meeting_fill_derived, party_org_save
from orgwork.accounts.models import User
from orgwork.common.contract import SystemActor
from orgwork.units.models import Unit


TEST_ACTOR = SystemActor("tests")


def make_org(code: str, name: str, unit: Unit, kind: str = OrgKind.BRANCH, parent: PartyOrganisation | None = None,
             domain: str = Domain.COMMUNITY, venue_area: Any = None) -> PartyOrganisation:
    return party_org_save(organisation=PartyOrganisation(
        code=code, name=name, unit=unit, kind=kind, parent=parent, domain=domain,
        venue_area=Decimal(str(venue_area)) if venue_area is not None else None), actor=TEST_ACTOR)


def add_meeting(org: PartyOrganisation, kind: int, held_on: datetime.date, present: int = 18) -> Meeting:
    """A meeting row straight into the table (history, not a user's entry: no window)."""
    meeting = Meeting(organisation=org, kind=kind, held_on=held_on, topic="学习", expected=20, present=present)
    meeting_fill_derived(meeting)
    meeting.save()
    return meeting


@pytest.fixture
def orgs(tree: dict[str, Unit]) -> dict[str, PartyOrganisation]:
    committee = make_org("A-DW", "城关区委", tree["county_a"], OrgKind.COMMITTEE, domain=Domain.ORGAN)
    community = make_org("A-SQ", "东岗社区党支部", tree["county_a"], parent=committee, domain=Domain.COMMUNITY, venue_area=210)
    general = make_org("A-ZZ", "城关镇党总支", tree["township_a"], OrgKind.GENERAL_BRANCH, parent=committee, domain=Domain.RURAL)
    village = make_org("A-CUN", "城关镇红星村党支部", tree["township_a"], parent=general, domain=Domain.RURAL, venue_area=100)
    county_b = make_org("B-1", "七里河区第一党支部", tree["county_b"], domain=Domain.RURAL, venue_area=150)
    return {"committee": committee, "community": community, "general": general, "village": village, "county_b": county_b}


@pytest.fixture
def supervisor(make_staff: Callable[..., User], tree: dict[str, Unit]) -> User:
    """A county-A clerk who holds the back-entry permission (granted one by one)."""
    from orgwork.accounts import roles

    user = make_staff("county_a_supervisor", tree["county_a"], roles.PARTY_BUILDING)
    user.user_permissions.add(Permission.objects.get(codename="backenter_meeting"))
    return User.objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def rural_standard(tree: dict[str, Unit]) -> dict[str, StandardVersion]:
    """The province's 农村 standard: a 2018 version, replaced by a 2020 version from 1 July 2020."""
    standard = Standard.objects.create(unit=tree["province"], domain=Domain.RURAL, name="农村党支部建设标准")
    old = StandardVersion.objects.create(standard=standard, label="2018年版", effective_from=datetime.date(2018, 1, 1),
                                         pass_score=Decimal("70"), model_score=Decimal("90"))
    new = StandardVersion.objects.create(
        standard=standard, label="2020年修订版", effective_from=datetime.date(2020, 7, 1),
        pass_score=Decimal("80"), model_score=Decimal("95"),
        star_1_score=Decimal("60"), star_2_score=Decimal("70"), star_3_score=Decimal("80"),
        star_4_score=Decimal("90"), star_5_score=Decimal("95"))
    for version in (old, new):
        for seq, (title, points, veto) in enumerate(RURAL_ITEMS, start=1):
            StandardItem.objects.create(version=version, seq=seq, title=title, points=Decimal(points), is_veto=veto)
    return {"old": old, "new": new}


# The checklist of the test standard: 100 points, the first item a 一票否决 item.
RURAL_ITEMS = [("组织设置规范，班子健全", 20, True), ("组织生活经常", 30, False), ("党员教育管理严格", 30, False),
               ("发挥作用明显", 20, False)]


def scores_for(assessment: Any, total: Any, *, veto_met: bool = True) -> dict[int, Decimal]:
    """Item scores adding up to ``total``: the 一票否决 items in full (or short by one point
    when not ``veto_met``), the rest filled in order."""
    remaining = Decimal(str(total))
    scores: dict[int, Decimal] = {}
    items = list(assessment.version.items.order_by("-is_veto", "seq"))
    for item in items:
        value = min(item.points, max(Decimal("0"), remaining))
        if item.is_veto and not veto_met:
            value = min(value, item.points - 1)
        scores[item.pk] = value
        remaining -= value
    assert remaining == 0, "the total is more than the checklist allows"
    return scores
