"""职数 are approved by the level above, each number with its 批准文号 (cadres.rules.check_quota)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cadres.models import PositionQuota, Rank
from cadres.services import position_quota_save

DEPUTY = Rank.TOWNSHIP_DEPUTY


def existing(unit: Any, approved: int = 1, document: str = "兰组编〔2025〕3号") -> PositionQuota:
    return PositionQuota.objects.create(unit=unit, rank=DEPUTY, approved=approved, approval_document=document)


def test_a_county_clerk_cannot_raise_his_own_units_quota_through_the_service(tree, county_a_clerk) -> None:
    quota = existing(tree["county_a"])
    quota.approved, quota.approval_document = 10, "城组〔2026〕1号"
    with pytest.raises(ValidationError) as caught:
        position_quota_save(quota=quota, actor=county_a_clerk)
    assert "职数由上级核定" in str(caught.value)
    quota.refresh_from_db()
    assert quota.approved == 1


def test_a_county_clerk_cannot_create_a_quota_for_his_own_unit_on_the_form(tree, county_a_clerk, client_for) -> None:
    response = client_for(county_a_clerk).post("/admin/cadres/positionquota/add/", {
        "unit": tree["county_a"].pk, "rank": DEPUTY, "approved": 9, "approval_document": "城组〔2026〕1号",
    })
    assert response.status_code == 200
    assert "职数由上级核定" in response.content.decode()
    assert not PositionQuota.objects.exists()


def test_a_county_clerks_own_quota_page_is_read_only(tree, county_a_clerk, client_for) -> None:
    quota = existing(tree["county_a"])
    client = client_for(county_a_clerk)
    url = f"/admin/cadres/positionquota/{quota.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"unit": tree["county_a"].pk, "rank": DEPUTY, "approved": 10,
                                 "approval_document": "城组〔2026〕1号"})
    assert response.status_code == 403
    quota.refresh_from_db()
    assert quota.approved == 1


def test_a_quota_for_a_unit_below_needs_its_approving_document_on_the_form(tree, county_a_clerk, client_for) -> None:
    client = client_for(county_a_clerk)
    data = {"unit": tree["township_a"].pk, "rank": DEPUTY, "approved": 3, "approval_document": ""}
    response = client.post("/admin/cadres/positionquota/add/", data)
    assert "核定或调整职数须填写批准文号。" in response.content.decode()
    data["approval_document"] = "城组编〔2026〕2号"
    response = client.post("/admin/cadres/positionquota/add/", data)
    assert response.status_code == 302
    assert PositionQuota.objects.get().approval_document == "城组编〔2026〕2号"


def test_a_changed_quota_cannot_keep_the_old_approving_document(tree, county_a_clerk, client_for) -> None:
    quota = existing(tree["township_a"], approved=2, document="城组编〔2025〕1号")
    url = f"/admin/cadres/positionquota/{quota.pk}/change/"
    response = client_for(county_a_clerk).post(url, {
        "unit": tree["township_a"].pk, "rank": DEPUTY, "approved": 5, "approval_document": "城组编〔2025〕1号",
    })
    assert "须填写批准本次调整的文号" in response.content.decode()
    quota.refresh_from_db()
    assert quota.approved == 2


def test_the_city_sets_the_countys_quota_with_its_document(tree, city_officer) -> None:
    quota = existing(tree["county_a"])
    quota.approved, quota.approval_document = 2, "兰组编〔2026〕7号"
    position_quota_save(quota=quota, actor=city_officer)
    quota.refresh_from_db()
    assert (quota.approved, quota.approval_document) == (2, "兰组编〔2026〕7号")
