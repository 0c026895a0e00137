"""A 党支部 that holds members, 发展党员 files, 三会一课 or standardisation assessments stays
a 党支部: the roster, the meeting rates and the assessments count 党支部 only. The page,
the sheet and the service refuse to make it a 党总支 or 党委, saying what it holds."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.models import Domain, MeetingKind, OrgKind, PartyOrganisation
from branches.resources import PartyOrganisationResource
from branches.services import assessment_open, party_org_save
from orgwork.imports.engine import run_import
from tests.members.conftest import add_member, days_ago, new_applicant
from tests.test_versioning import form_data

from .conftest import add_meeting, make_org
from .test_imports import errors_of, sheet_of
from .test_rules_on_every_path import audit_rows_of

pytestmark = pytest.mark.django_db

HEADER = ["组织代码", "组织名称", "组织类别", "上级党组织代码", "所在单位代码", "领域"]


def stored(org: PartyOrganisation) -> PartyOrganisation:
    return PartyOrganisation.objects.get(pk=org.pk)


@pytest.fixture
def community(orgs: Any) -> PartyOrganisation:
    """东岗社区党支部 with two members, an 入党申请人 and a 支委会."""
    branch = orgs["community"]
    add_member(branch, "王建国")
    add_member(branch, "赵春梅")
    new_applicant(branch, applied_on=days_ago(20), name="邓雅琴")
    add_meeting(branch, MeetingKind.COMMITTEE_MEETING, datetime.date.today() - datetime.timedelta(days=3))
    return stored(branch)


HOLDS = "「东岗社区党支部」名下有党员2名、发展党员1名、三会一课记录1条，这些只属于党支部"


def test_the_service_refuses_to_make_a_branch_with_members_a_general_branch_and_says_what_it_holds(
        community: PartyOrganisation, county_a_clerk: Any) -> None:
    trail = len(audit_rows_of(community))
    community.kind = OrgKind.GENERAL_BRANCH
    with pytest.raises(ValidationError) as refused:
        party_org_save(organisation=community, actor=county_a_clerk)
    assert refused.value.message_dict["kind"] == [
        f"{HOLDS}（计入党员名册、三会一课开展率和标准化评定），不能把它改为党总支。需要设立党总支的，请另建党总支，"
        "再把「东岗社区党支部」调整为其下级；确需改变类别的，请先把这些党员和记录转到其他党支部。"]
    assert stored(community).kind == OrgKind.BRANCH
    assert len(audit_rows_of(community)) == trail


def test_the_organisation_page_refuses_to_make_a_branch_with_members_a_committee(
        community: PartyOrganisation, county_a_clerk: Any, client_for: Any) -> None:
    client = client_for(county_a_clerk)
    url = reverse("admin:branches_partyorganisation_change", args=[community.pk])
    response = client.post(url, {**form_data(client.get(url)), "kind": OrgKind.COMMITTEE})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["kind"] and errors["kind"][0].startswith(HOLDS)
    assert "不能把它改为党委" in errors["kind"][0]
    assert stored(community).kind == OrgKind.BRANCH


def test_an_organisations_sheet_cannot_make_a_branch_with_members_a_general_branch(
        tmp_path: Path, community: PartyOrganisation, county_a_clerk: Any) -> None:
    sheet = sheet_of(tmp_path, PartyOrganisationResource, [
        HEADER, ["A-SQ", "东岗社区党支部", "党总支", "A-DW", "620102", "社区"]])
    result = run_import(PartyOrganisationResource, county_a_clerk, sheet, commit=True)
    assert not result.committed
    ((row, column, message),) = errors_of(result)
    assert (row, column) == (2, "组织类别") and message.startswith(HOLDS)
    assert stored(community).kind == OrgKind.BRANCH


def test_a_branch_with_an_assessment_only_stays_a_branch(
        tree: Any, orgs: Any, rural_standard: Any, county_a_clerk: Any) -> None:
    branch = make_org("A-CUN2", "城关镇新村党支部", tree["township_a"], parent=orgs["committee"], domain=Domain.RURAL)
    assessment_open(organisation=branch, year=2025, actor=county_a_clerk)
    branch = stored(branch)
    branch.kind = OrgKind.GENERAL_BRANCH
    with pytest.raises(ValidationError) as refused:
        party_org_save(organisation=branch, actor=county_a_clerk)
    assert refused.value.message_dict["kind"][0].startswith("「城关镇新村党支部」名下有标准化评定1次，这些只属于党支部")


def test_a_branch_holding_nothing_still_becomes_a_general_branch_and_a_holding_branch_keeps_its_other_changes(
        community: PartyOrganisation, orgs: Any, tree: Any, county_a_clerk: Any) -> None:
    empty = make_org("A-SQ2", "东岗第二社区党支部", tree["county_a"], parent=orgs["committee"])
    empty.kind = OrgKind.GENERAL_BRANCH
    party_org_save(organisation=empty, actor=county_a_clerk)
    assert stored(empty).kind == OrgKind.GENERAL_BRANCH
    community.name = "东岗社区第一党支部"
    party_org_save(organisation=community, actor=county_a_clerk)
    assert stored(community).name == "东岗社区第一党支部"
