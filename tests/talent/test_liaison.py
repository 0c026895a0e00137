"""Leaders' liaison with experts (党委联系服务专家): who has not been contacted this year."""

from __future__ import annotations

import datetime

import pytest

from talent.models import ExpertLiaison, LiaisonContact
from talent.selectors import experts_without_contact

pytestmark = pytest.mark.django_db


def pair(person, leader="王副省长", active=True) -> ExpertLiaison:
    return ExpertLiaison.objects.create(leader_name=leader, leader_post="副省长", expert=person,
                                        started_on=datetime.date(2024, 1, 1), is_active=active)


def test_experts_without_a_contact_this_year_are_listed(make_person, province_officer, county_b_clerk) -> None:
    visited = pair(make_person())
    LiaisonContact.objects.create(liaison=visited, contacted_on=datetime.date(2026, 4, 2), way="visit", content="走访")
    last_year_only = pair(make_person())
    LiaisonContact.objects.create(liaison=last_year_only, contacted_on=datetime.date(2025, 11, 2), way="phone",
                                  content="电话问候")
    never = pair(make_person(unit="county_b"), leader="李部长")
    pair(make_person(), active=False)  # the pairing has ended: nobody owes a contact

    assert set(experts_without_contact(province_officer, year=2026)) == {last_year_only, never}
    assert list(experts_without_contact(county_b_clerk, year=2026)) == [never]
    assert set(experts_without_contact(province_officer, year=2025)) == {visited, never}
