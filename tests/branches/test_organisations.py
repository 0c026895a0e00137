"""党组织 tree rules, venue compliance and secretary statistics."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from branches.models import Domain, Education, OrgKind, PartyOrganisation, Secretary
from branches.selectors import leadership_statistics, venue_compliance
from branches.services import party_org_save
from orgwork.units.models import Unit
from orgwork.units.scope import units_visible_to

from .conftest import TEST_ACTOR, make_org


class TestTree:
    def test_paths_follow_the_parent_chain(self, orgs: Any) -> None:
        assert orgs["village"].path == "A-DW/A-ZZ/A-CUN/"
        assert orgs["village"].depth == 3

    @pytest.mark.parametrize("child_kind, parent_key", [
        (OrgKind.COMMITTEE, "general"),       # a 党委 under a 党总支
        (OrgKind.GENERAL_BRANCH, "general"),  # a 党总支 under a 党总支
        (OrgKind.BRANCH, "village"),          # a 党支部 under a 党支部
    ])
    def test_nesting_follows_committee_general_branch_branch(self, tree: Any, orgs: Any, child_kind: str, parent_key: str) -> None:
        with pytest.raises(ValidationError) as raised:
            make_org("X1", "新组织", tree["township_a"], child_kind, parent=orgs[parent_key])
        assert "的上级只能是" in str(raised.value)

    def test_a_cycle_through_a_committee_is_refused(self, tree: Any, orgs: Any) -> None:
        lower = make_org("A-DW2", "城关镇党委", tree["township_a"], OrgKind.COMMITTEE, parent=orgs["committee"], domain=Domain.RURAL)
        top = PartyOrganisation.objects.get(pk=orgs["committee"].pk)
        top.parent = lower
        with pytest.raises(ValidationError) as raised:
            party_org_save(organisation=top, actor=TEST_ACTOR)
        assert "会形成循环" in str(raised.value)

    def test_a_child_must_sit_in_its_parents_jurisdiction(self, tree: Any, orgs: Any) -> None:
        with pytest.raises(ValidationError) as raised:
            make_org("X2", "外区支部", tree["county_b"], parent=orgs["committee"])
        assert "不在上级党组织所在单位" in str(raised.value)

    def test_moving_a_general_branch_rewrites_its_branches_paths_and_bumps_its_version(self, tree: Any, orgs: Any) -> None:
        other = make_org("A-DW3", "城关区委第二党委", tree["county_a"], OrgKind.COMMITTEE, domain=Domain.ORGAN)
        general = PartyOrganisation.objects.get(pk=orgs["general"].pk)
        general.parent = other
        party_org_save(organisation=general, actor=TEST_ACTOR)
        general.refresh_from_db()
        assert general.version == 2
        assert PartyOrganisation.objects.get(pk=orgs["village"].pk).path == "A-DW3/A-ZZ/A-CUN/"


class TestVenues:
    def test_village_and_community_minimums_give_the_compliance_shares(self, tree: Any, orgs: Any) -> None:
        make_org("A-SQ2", "新区社区党支部", tree["county_a"], parent=orgs["committee"], domain=Domain.COMMUNITY, venue_area=199.9)
        make_org("A-CUN2", "城关镇新村党支部", tree["township_a"], parent=orgs["general"], domain=Domain.RURAL, venue_area=120)
        make_org("A-CUN3", "城关镇旧村党支部", tree["township_a"], parent=orgs["general"], domain=Domain.RURAL)  # no venue
        rows = {r.domain: r for r in venue_compliance(units=Unit.objects.filter(path__startswith=tree["county_a"].path))}
        # 农村: 100 (short), 120 (exactly the minimum); 社区: 210 (ok), 199.9 (short)
        assert (rows[Domain.RURAL].recorded, rows[Domain.RURAL].compliant, rows[Domain.RURAL].share) == (2, 1, Decimal("50.0"))
        assert (rows[Domain.COMMUNITY].recorded, rows[Domain.COMMUNITY].compliant) == (2, 1)
        assert orgs["village"].venue_compliant is False
        assert orgs["community"].venue_compliant is True
        assert orgs["committee"].venue_compliant is None

    def test_county_b_counts_only_its_own_venues(self, county_b_clerk: Any, orgs: Any) -> None:
        rows = {r.domain: r for r in venue_compliance(units=units_visible_to(county_b_clerk))}
        assert (rows[Domain.RURAL].recorded, rows[Domain.RURAL].compliant) == (1, 1)
        assert rows[Domain.COMMUNITY].recorded == 0 and rows[Domain.COMMUNITY].share is None


class TestSecretaries:
    def test_leadership_statistics_per_subtree(self, city_officer: Any, orgs: Any) -> None:
        def secretary(org: str, born: datetime.date, education: str, full_time: bool, double: bool) -> None:
            Secretary.objects.create(organisation=orgs[org], name="书记", birth_month=born, education=education,
                                     is_full_time=full_time, is_double_leader=double)

        secretary("community", datetime.date(1985, 7, 1), Education.BACHELOR, True, True)   # 40 on 2025-07
        secretary("village", datetime.date(1995, 7, 1), Education.JUNIOR, False, False)     # 30
        secretary("county_b", datetime.date(1975, 1, 1), Education.SENIOR, True, False)     # 50.5
        total, rows = leadership_statistics(units=units_visible_to(city_officer), as_of=datetime.date(2025, 7, 15))
        assert total.secretaries == 3
        assert total.average_age == Decimal("40.2")  # (40 + 30 + 50.5) / 3
        assert total.education_share == Decimal("66.7")
        assert total.full_time_share == Decimal("66.7")
        assert total.double_leader_share == Decimal("33.3")
        by_label = {r.label: r for r in rows}
        assert by_label["城关区"].secretaries == 2 and by_label["城关区"].average_age == Decimal("35.0")
        assert by_label["七里河区"].education_share == Decimal("100.0")
