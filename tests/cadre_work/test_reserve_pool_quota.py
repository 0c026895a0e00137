"""A 后备干部库 has a 名额 of at least 1: on the pool page (new and changed), in the service
every other path calls (the demo seeder among them) and in the database itself. There is
no pools sheet (the members sheet names existing pools)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from cadres.models import Rank
from cadres.reserve.models import ReservePool
from cadres.reserve.services import reserve_pool_save
from tests.samples.reserve import SAMPLES, pool_in

AT_LEAST_ONE = "名额至少为1名：没有名额的后备干部库不能推荐入库。"


def pool_data(unit: Any, quota: str) -> dict[str, Any]:
    return {"unit": unit.pk, "level": Rank.TOWNSHIP_DEPUTY, "quota": quota, "age_limit": "40", "remarks": "",
            "members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0"}


@pytest.mark.parametrize("quota", ["0", "-1"])
def test_the_pool_page_refuses_a_new_pool_with_no_places_in_one_sentence(tree, county_a_clerk, client_for,
                                                                         quota) -> None:
    response = client_for(county_a_clerk).post(reverse("admin:reserve_reservepool_add"),
                                               pool_data(tree["county_a"], quota))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["quota"] == [AT_LEAST_ONE]  # not 「不能小于 0。」 for -1
    assert not ReservePool.objects.exists()


def test_the_pool_page_refuses_lowering_the_places_to_none(tree, county_a_clerk, client_for) -> None:
    pool = pool_in(tree["county_a"], level=Rank.TOWNSHIP_DEPUTY, quota=3)
    change = reverse("admin:reserve_reservepool_change", args=[pool.pk])
    response = client_for(county_a_clerk).post(change, pool_data(tree["county_a"], "0"))
    assert response.status_code == 200 and AT_LEAST_ONE in response.content.decode()
    pool.refresh_from_db()
    assert pool.quota == 3


def test_the_service_refuses_a_pool_with_no_places(tree) -> None:
    with pytest.raises(ValidationError) as caught:
        reserve_pool_save(pool=ReservePool(unit=tree["county_a"], level=Rank.TOWNSHIP_DEPUTY, quota=0), actor=SAMPLES)
    assert caught.value.message_dict["quota"] == [AT_LEAST_ONE]
    assert not ReservePool.objects.exists()


def test_the_database_refuses_a_pool_with_no_places(tree) -> None:
    with pytest.raises(IntegrityError, match="reserve_pool_quota_positive"), transaction.atomic():
        ReservePool.objects.create(unit=tree["county_a"], level=Rank.TOWNSHIP_DEPUTY, quota=0)
