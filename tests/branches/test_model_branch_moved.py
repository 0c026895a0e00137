"""The 示范 count goes by unit: a 示范党支部 moved to another 所在单位 takes its 示范 into
that unit's count, which stays within the unit's quota — the organisation page, the
sheet and the service refuse a move past it, naming the quota, as a nomination is
refused; a move into a unit with room goes through."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from branches.models import ModelBranchQuota, PartyOrganisation, StandardStatus
from branches.resources import PartyOrganisationResource
from branches.services import assessment_nominate_model, party_org_save
from orgwork.imports.engine import run_import

from .test_imports import errors_of, sheet_of
from .test_organisation_kind_and_unit import HEADER
from .test_standardisation import reviewed

pytestmark = pytest.mark.django_db
FULL = "「兰州市城关区」2025年示范党支部名额为 1 个，已评定 1 个，名额已满"


@pytest.fixture
def two_models(tree: Any, orgs: Any, rural_standard: Any, city_officer: Any) -> PartyOrganisation:
    """County A's 2025 quota of 1 used by its village branch; county B's branch also 示范."""
    ModelBranchQuota.objects.create(unit=tree["province"], year=2025, quota=10)
    ModelBranchQuota.objects.create(unit=tree["county_a"], year=2025, quota=1)
    for org in (orgs["village"], orgs["county_b"]):
        rated = assessment_nominate_model(assessment=reviewed(org, "97", city_officer), actor=city_officer)
        assert rated.status == StandardStatus.MODEL
    return orgs["county_b"]


def test_the_service_refuses_to_move_a_model_branch_into_a_unit_whose_quota_is_used(two_models, tree,
                                                                                    city_officer) -> None:
    moving = PartyOrganisation.objects.get(pk=two_models.pk)
    moving.unit = tree["county_a"]
    with pytest.raises(ValidationError) as refused:
        party_org_save(organisation=moving, actor=city_officer)
    assert FULL in refused.value.message_dict["unit"][0]
    assert "该党支部是2025年示范党支部" in refused.value.message_dict["unit"][0]
    assert PartyOrganisation.objects.get(pk=two_models.pk).unit_id == tree["county_b"].pk


def test_the_sheet_refuses_to_move_a_model_branch_into_a_unit_whose_quota_is_used(two_models, tree, city_officer,
                                                                                  tmp_path: Path) -> None:
    sheet = sheet_of(tmp_path, PartyOrganisationResource, [
        HEADER, ["B-1", "七里河区第一党支部", "党支部", "", "620102", "农村"]])
    result = run_import(PartyOrganisationResource, city_officer, sheet, commit=True)
    assert not result.committed
    ((row, column, message),) = errors_of(result)
    assert (row, column) == (2, "所在单位代码") and FULL in message
    assert PartyOrganisation.objects.get(pk=two_models.pk).unit_id == tree["county_b"].pk


def test_a_model_branch_moves_into_a_unit_with_room_in_its_quota(two_models, tree, city_officer) -> None:
    ModelBranchQuota.objects.filter(unit=tree["county_a"], year=2025).update(quota=2)
    moving = PartyOrganisation.objects.get(pk=two_models.pk)
    moving.unit = tree["county_a"]
    party_org_save(organisation=moving, actor=city_officer)
    assert PartyOrganisation.objects.get(pk=two_models.pk).unit_id == tree["county_a"].pk
