"""A department opens 凡提四必 cases only for steps it decides: the ceiling of the posts it
records (``cadres.rules.RANK_CEILING``) — a county up to 乡科级正职, a city up to 县处级正职.
On the case page (new, and a 拟任职务层次 changed while the case is open) and in the
service every other path calls (there is no vetting-case sheet)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.models import Rank
from cadres.supervision.models import VettingCase
from cadres.supervision.services import vetting_open

COUNTY_VETS_NO_PROVINCE_STEP = ("拟任职务层次为「省部级副职」的干部由省委组织部管理，其凡提四必审查由省委组织部办理："
                                "您所在单位（县级）只办理拟任乡科级正职及以下的审查。")
COUNTY_VETS_NO_COUNTY_STEP = ("拟任职务层次为「县处级副职」的干部由市（州）委组织部管理，其凡提四必审查由市（州）委组织部办理："
                              "您所在单位（县级）只办理拟任乡科级正职及以下的审查。")


def case_data(cadre, rank: str) -> dict[str, str]:
    return {"cadre": str(cadre.pk), "proposed_post": "甘肃省副省长", "proposed_rank": rank, "nominated_by": "区委组织部",
            "nominated_on": "2026-03-02"}


def test_the_case_page_of_a_county_clerk_cannot_open_a_case_for_a_province_level_step(cadre_a, county_a_clerk,
                                                                                     client_for) -> None:
    response = client_for(county_a_clerk).post(reverse("admin:supervision_vettingcase_add"),
                                               case_data(cadre_a, Rank.PROVINCE_DEPUTY))
    assert response.status_code == 200 and COUNTY_VETS_NO_PROVINCE_STEP in response.content.decode()
    assert not VettingCase.objects.exists()


def test_the_case_page_of_a_county_clerk_cannot_raise_an_open_case_to_a_county_level_step(
        cadre_a, county_a_clerk, client_for) -> None:
    client = client_for(county_a_clerk)
    assert client.post(reverse("admin:supervision_vettingcase_add"),
                       case_data(cadre_a, Rank.TOWNSHIP_CHIEF)).status_code == 302
    case = VettingCase.objects.get()
    response = client.post(reverse("admin:supervision_vettingcase_change", args=[case.pk]), {
        **case_data(cadre_a, Rank.COUNTY_DEPUTY), "checks-TOTAL_FORMS": "0", "checks-INITIAL_FORMS": "0"})
    assert response.status_code == 200 and COUNTY_VETS_NO_COUNTY_STEP in response.content.decode()
    case.refresh_from_db()
    assert case.proposed_rank == Rank.TOWNSHIP_CHIEF


def test_the_service_refuses_a_county_clerk_a_case_for_a_province_level_step(cadre_a, county_a_clerk) -> None:
    with pytest.raises(ValidationError) as caught:
        vetting_open(cadre=cadre_a, proposed_post="甘肃省副省长", proposed_rank=Rank.PROVINCE_DEPUTY,
                     nominated_by="区委组织部", nominated_on=datetime.date(2026, 3, 2), actor=county_a_clerk)
    assert caught.value.message_dict["proposed_rank"] == [COUNTY_VETS_NO_PROVINCE_STEP]
    assert not VettingCase.objects.exists()


def test_the_city_opens_a_case_for_a_county_level_step(cadre_a, city_officer) -> None:
    case = vetting_open(cadre=cadre_a, proposed_post="城关区副区长", proposed_rank=Rank.COUNTY_DEPUTY,
                        nominated_by="市委组织部", nominated_on=datetime.date(2026, 3, 2), actor=city_officer)
    assert case.proposed_rank == Rank.COUNTY_DEPUTY
