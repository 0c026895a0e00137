"""A 党组织's 组织类别 or 所在单位 changes only as far as the organisations below it allow:
each child may still have it as its parent (党支部 under 党委 or 党总支, 党总支 under 党委),
and each child's unit stays inside the new unit's sub-tree — on the page, the sheet and
the service, naming the children that stand in the way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.models import OrgKind, PartyOrganisation
from branches.resources import PartyOrganisationResource
from branches.services import party_org_save
from orgwork.imports.engine import run_import
from orgwork.units.models import Unit, UnitLevel, UnitType
from tests.conftest import make_unit
from tests.test_versioning import form_data

from .test_imports import errors_of, sheet_of
from .test_rules_on_every_path import audit_rows_of

pytestmark = pytest.mark.django_db

HEADER = ["组织代码", "组织名称", "组织类别", "上级党组织代码", "所在单位代码", "领域"]


@pytest.fixture
def donggang(tree: dict[str, Unit]) -> Unit:
    """A second township of county A, beside 城关镇."""
    return make_unit("620102002", "东关镇", tree["county_a"], UnitLevel.TOWNSHIP, UnitType.TOWNSHIP)


def stored(org: PartyOrganisation) -> PartyOrganisation:
    return PartyOrganisation.objects.get(pk=org.pk)


def test_a_committee_with_branches_below_it_cannot_become_a_branch_through_the_service(
        orgs: Any, county_a_clerk: Any) -> None:
    trail = len(audit_rows_of(orgs["committee"]))
    committee = stored(orgs["committee"])
    committee.kind = OrgKind.BRANCH
    with pytest.raises(ValidationError) as refused:
        party_org_save(organisation=committee, actor=county_a_clerk)
    assert refused.value.message_dict["kind"] == [
        "「城关区委」下有党支部「东岗社区党支部」、党总支「城关镇党总支」，党支部的上级只能是党委或党总支，"
        "不能把「城关区委」改为党支部；请先调整这些下级党组织的上级党组织。"]
    assert stored(orgs["committee"]).kind == OrgKind.COMMITTEE
    assert len(audit_rows_of(orgs["committee"])) == trail


def test_a_general_branch_with_a_branch_below_it_may_become_a_committee_but_not_a_branch(
        orgs: Any, county_a_clerk: Any) -> None:
    general = stored(orgs["general"])
    general.kind = OrgKind.BRANCH
    with pytest.raises(ValidationError) as refused:
        party_org_save(organisation=general, actor=county_a_clerk)
    assert "下有党支部「城关镇红星村党支部」，党支部的上级只能是党委或党总支" in refused.value.message_dict["kind"][0]
    general = stored(orgs["general"])
    general.kind = OrgKind.COMMITTEE
    party_org_save(organisation=general, actor=county_a_clerk)
    assert stored(orgs["general"]).kind == OrgKind.COMMITTEE


def test_an_organisation_without_children_changes_its_kind_as_before(orgs: Any, county_a_clerk: Any) -> None:
    community = stored(orgs["community"])
    community.kind = OrgKind.GENERAL_BRANCH
    party_org_save(organisation=community, actor=county_a_clerk)
    assert stored(orgs["community"]).kind == OrgKind.GENERAL_BRANCH


def test_an_organisation_cannot_move_to_a_unit_that_leaves_a_childs_unit_outside_it(
        orgs: Any, county_a_clerk: Any, donggang: Unit) -> None:
    trail = len(audit_rows_of(orgs["general"]))
    general = stored(orgs["general"])
    general.unit = donggang
    with pytest.raises(ValidationError) as refused:
        party_org_save(organisation=general, actor=county_a_clerk)
    message = refused.value.message_dict["unit"][0]
    assert message.startswith("「城关镇党总支」的下级党组织「城关镇红星村党支部」（")
    assert f"不在「{donggang}」的管辖范围内，不能把所在单位改为「{donggang}」" in message
    assert stored(orgs["general"]).unit_id == orgs["general"].unit_id
    assert len(audit_rows_of(orgs["general"])) == trail


def test_an_organisation_may_move_up_to_a_unit_whose_subtree_holds_its_children(
        orgs: Any, county_a_clerk: Any, tree: dict[str, Unit]) -> None:
    general = stored(orgs["general"])
    general.unit = tree["county_a"]
    party_org_save(organisation=general, actor=county_a_clerk)
    assert stored(orgs["general"]).unit_id == tree["county_a"].pk


def test_the_organisation_page_refuses_a_kind_its_children_cannot_sit_under(
        orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    client = client_for(county_a_clerk)
    url = reverse("admin:branches_partyorganisation_change", args=[orgs["committee"].pk])
    data = {**form_data(client.get(url)), "kind": OrgKind.BRANCH}
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["kind"]
    assert "党支部的上级只能是党委或党总支，不能把「城关区委」改为党支部" in errors["kind"][0]
    assert stored(orgs["committee"]).kind == OrgKind.COMMITTEE


def test_the_organisation_page_refuses_a_unit_that_leaves_a_child_outside(
        orgs: Any, county_a_clerk: Any, client_for: Any, donggang: Unit) -> None:
    client = client_for(county_a_clerk)
    url = reverse("admin:branches_partyorganisation_change", args=[orgs["general"].pk])
    data = {**form_data(client.get(url)), "unit": str(donggang.pk)}
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["unit"] and "「城关镇红星村党支部」" in errors["unit"][0]
    assert stored(orgs["general"]).unit_id == orgs["general"].unit_id


def test_an_organisation_sheet_cannot_make_a_committee_with_children_a_branch(
        tmp_path: Path, orgs: Any, county_a_clerk: Any) -> None:
    sheet = sheet_of(tmp_path, PartyOrganisationResource, [
        HEADER, ["A-DW", "城关区委", "党支部", "", "620102", "机关"]])
    result = run_import(PartyOrganisationResource, county_a_clerk, sheet, commit=True)
    assert not result.committed
    ((row, column, message),) = errors_of(result)
    assert (row, column) == (2, "组织类别")
    assert "党支部的上级只能是党委或党总支，不能把「城关区委」改为党支部" in message
    assert stored(orgs["committee"]).kind == OrgKind.COMMITTEE


def test_an_organisation_sheet_cannot_move_a_general_branch_away_from_its_branches_unit(
        tmp_path: Path, orgs: Any, county_a_clerk: Any, donggang: Unit) -> None:
    sheet = sheet_of(tmp_path, PartyOrganisationResource, [
        HEADER, ["A-ZZ", "城关镇党总支", "党总支", "A-DW", "620102002", "农村"]])
    result = run_import(PartyOrganisationResource, county_a_clerk, sheet, commit=True)
    assert not result.committed
    ((row, column, message),) = errors_of(result)
    assert (row, column) == (2, "所在单位代码") and "「城关镇红星村党支部」" in message
    assert stored(orgs["general"]).unit_id == orgs["general"].unit_id
