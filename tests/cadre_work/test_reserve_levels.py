"""后备层次: a unit keeps reserves only for the levels its organisation department manages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.models import Rank
from cadres.reserve.models import ReservePool
from tests.samples.reserve import pool_in


def pool_form(unit: Any, level: str) -> dict[str, Any]:
    return {"unit": unit.pk, "level": level, "quota": "3", "age_limit": "60", "remarks": "",
            "members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0"}


def test_a_county_cannot_open_a_provincial_reserve_pool_on_the_form(tree: Any, county_a_clerk: Any,
                                                                   client_for: Any) -> None:
    client = client_for(county_a_clerk)
    response = client.post(reverse("admin:reserve_reservepool_add"), pool_form(tree["county_a"], Rank.PROVINCE_CHIEF))
    assert response.status_code == 200
    assert not ReservePool.objects.exists()
    # The level is not even offered: a county's form lists 乡科级 only.
    page = client.get(reverse("admin:reserve_reservepool_add")).content.decode()
    assert "乡科级正职" in page and "省部级正职" not in page and "县处级副职" not in page


def test_a_county_cannot_open_a_county_level_pool_through_the_service(tree: Any, county_a_clerk: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        pool_in(tree["county_a"], level=Rank.COUNTY_DEPUTY, actor=county_a_clerk)
    message = refused.value.message_dict["level"][0]
    assert "县级单位" in message and "乡科级正职、乡科级副职" in message and "县处级副职后备干部由上级管理" in message


def test_a_city_opens_a_county_level_pool_but_not_a_bureau_level_one(tree: Any, city_officer: Any,
                                                                    client_for: Any) -> None:
    assert pool_in(tree["city"], level=Rank.COUNTY_CHIEF, actor=city_officer).pk
    response = client_for(city_officer).post(reverse("admin:reserve_reservepool_add"),
                                             pool_form(tree["city"], Rank.BUREAU_DEPUTY))
    assert response.status_code == 200 and not ReservePool.objects.filter(level=Rank.BUREAU_DEPUTY).exists()


def test_the_province_keeps_bureau_level_pools_but_no_central_ones(tree: Any, province_officer: Any) -> None:
    assert pool_in(tree["province"], level=Rank.BUREAU_CHIEF, actor=province_officer).pk
    with pytest.raises(ValidationError, match="省部级副职后备干部由上级管理"):
        pool_in(tree["province"], level=Rank.PROVINCE_DEPUTY, actor=province_officer)
