"""党支部建设标准化: versions by date, status and stars from the reviewed score, 示范 quota."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.models import AssessmentState, BranchAssessment, Domain, ModelBranchQuota, Standard, StandardItem, StandardStatus, StandardVersion
from branches.selectors import standard_version_in_force
from branches.services import (
    assessment_grade,
    assessment_nominate_model,
    assessment_open,
    assessment_review,
    assessment_submit_self,
)
from orgwork.audit.models import AuditAction, AuditLog

from .conftest import RURAL_ITEMS, TEST_ACTOR, make_org, scores_for

D = datetime.date


class TestVersions:
    def test_a_new_version_replaces_the_old_from_its_effective_date(self, tree: Any, rural_standard: Any) -> None:
        township = tree["township_a"]
        assert standard_version_in_force(unit=township, domain=Domain.RURAL, on=D(2020, 6, 30)) == rural_standard["old"]
        assert standard_version_in_force(unit=township, domain=Domain.RURAL, on=D(2020, 7, 1)) == rural_standard["new"]
        assert standard_version_in_force(unit=township, domain=Domain.RURAL, on=D(2017, 12, 31)) is None
        assert standard_version_in_force(unit=township, domain=Domain.COMMUNITY, on=D(2025, 1, 1)) is None

    def test_a_county_standard_overrides_the_province_for_its_own_branches(self, tree: Any, rural_standard: Any) -> None:
        own = Standard.objects.create(unit=tree["county_a"], domain=Domain.RURAL, name="城关区农村党支部标准")
        county_version = StandardVersion.objects.create(standard=own, label="区版", effective_from=D(2019, 1, 1),
                                                        pass_score=Decimal("75"), model_score=Decimal("92"))
        assert standard_version_in_force(unit=tree["township_a"], domain=Domain.RURAL, on=D(2025, 1, 1)) == county_version
        assert standard_version_in_force(unit=tree["county_b"], domain=Domain.RURAL, on=D(2025, 1, 1)) == rural_standard["new"]

    def test_an_assessment_uses_the_version_in_force_in_its_year(self, orgs: Any, rural_standard: Any) -> None:
        assert assessment_open(organisation=orgs["village"], year=2019, actor=TEST_ACTOR).version == rural_standard["old"]
        opened = assessment_open(organisation=orgs["village"], year=2020, actor=TEST_ACTOR)
        assert opened.version == rural_standard["new"]
        assert opened.item_scores.count() == len(RURAL_ITEMS)  # one score line per checklist item

    def test_thresholds_must_rise(self, rural_standard: Any) -> None:
        version = rural_standard["new"]
        version.star_3_score = Decimal("65")
        with pytest.raises(ValidationError) as raised:
            version.full_clean()
        assert "逐级升高" in str(raised.value)

    def test_without_a_standard_an_assessment_cannot_start(self, orgs: Any) -> None:
        with pytest.raises(ValidationError) as raised:
            assessment_open(organisation=orgs["community"], year=2025, actor=TEST_ACTOR)
        assert "没有适用于「社区」领域" in str(raised.value)


class TestGrading:
    @pytest.mark.parametrize("score, status, stars, eligible", [
        ("59.9", StandardStatus.BELOW, 0, False),
        ("79.9", StandardStatus.BELOW, 2, False),
        ("80", StandardStatus.PASSED, 3, False),
        ("94.9", StandardStatus.PASSED, 4, False),
        ("95", StandardStatus.PASSED, 5, True),
    ])
    def test_status_and_stars_follow_the_version_thresholds(self, rural_standard: Any, score: str, status: str,
                                                            stars: int, eligible: bool) -> None:
        assert assessment_grade(Decimal(score), rural_standard["new"]) == (status, stars, eligible)

    def test_the_reviewed_score_decides_not_the_self_assessment(self, orgs: Any, rural_standard: Any, city_officer: Any,
                                                                county_a_clerk: Any) -> None:
        assessment = assessment_open(organisation=orgs["village"], year=2025, actor=county_a_clerk)
        assessment = assessment_submit_self(assessment=assessment, actor=TEST_ACTOR, scores=scores_for(assessment, 96))
        assert assessment.state == AssessmentState.SELF_ASSESSED and assessment.status == ""
        assert assessment.self_score == Decimal("96")
        assessment = assessment_review(assessment=assessment, actor=county_a_clerk, scores=scores_for(assessment, 72),
                                       note="台账不全")
        assert (assessment.status, assessment.star_level, assessment.state) == (StandardStatus.BELOW, 2, AssessmentState.REVIEWED)
        assert AuditLog.objects.filter(object_id=str(assessment.pk), action=AuditAction.TRANSITION,
                                       message__contains="审核评定：72").exists()

    def test_the_reviewer_must_come_from_a_unit_above_the_branch(self, orgs: Any, rural_standard: Any,
                                                                 county_a_clerk: Any, county_b_clerk: Any, make_staff: Any,
                                                                 tree: Any) -> None:
        community = orgs["community"]  # attached to county A itself
        version = Standard.objects.create(unit=tree["province"], domain=Domain.COMMUNITY, name="社区标准").versions.create(
            label="2020版", effective_from=D(2020, 1, 1), pass_score=Decimal("80"), model_score=Decimal("95"))
        version.items.create(seq=1, title="组织生活经常", points=Decimal("100"))
        opened = assessment_open(organisation=community, year=2025, actor=county_a_clerk)
        assessment = assessment_submit_self(assessment=opened, actor=county_a_clerk, scores=scores_for(opened, 90))
        for outsider in (county_a_clerk, county_b_clerk):  # the same level; a sibling county
            with pytest.raises(ValidationError) as raised:
                assessment_review(assessment=assessment, actor=outsider, scores=scores_for(assessment, 90))
            assert "上级单位" in str(raised.value) or "管辖范围" in str(raised.value)

    def test_an_item_score_above_the_items_points_is_refused(self, orgs: Any, rural_standard: Any,
                                                             county_a_clerk: Any) -> None:
        assessment = assessment_open(organisation=orgs["village"], year=2025, actor=county_a_clerk)
        scores = scores_for(assessment, 100)
        first = min(scores)
        scores[first] = Decimal("20.5")
        with pytest.raises(ValidationError) as raised:
            assessment_submit_self(assessment=assessment, actor=county_a_clerk, scores=scores)
        assert "不能超过该项分值 20.0 分" in str(raised.value)

    def test_each_year_keeps_its_own_assessment(self, orgs: Any, rural_standard: Any) -> None:
        first = assessment_open(organisation=orgs["village"], year=2024, actor=TEST_ACTOR)
        second = assessment_open(organisation=orgs["village"], year=2025, actor=TEST_ACTOR)
        assert first.pk != second.pk
        assert assessment_open(organisation=orgs["village"], year=2024, actor=TEST_ACTOR).pk == first.pk


def reviewed(org: Any, score: Any, reviewer: Any, year: int = 2025, *, veto_met: bool = True) -> Any:
    opened = assessment_open(organisation=org, year=year, actor=reviewer)
    assessment = assessment_submit_self(assessment=opened, actor=TEST_ACTOR, scores=scores_for(opened, score))  # for the branch
    return assessment_review(assessment=assessment, actor=reviewer, scores=scores_for(opened, score, veto_met=veto_met))


class TestModelQuota:
    def test_a_model_branch_needs_the_model_score(self, orgs: Any, rural_standard: Any, city_officer: Any) -> None:
        assessment = reviewed(orgs["village"], "90", city_officer)
        with pytest.raises(ValidationError) as raised:
            assessment_nominate_model(assessment=assessment, actor=city_officer)
        assert "低于示范分数线 95" in str(raised.value)

    def test_nominations_stop_when_the_jurisdictions_quota_is_used(self, tree: Any, orgs: Any, rural_standard: Any,
                                                                   city_officer: Any) -> None:
        ModelBranchQuota.objects.create(unit=tree["province"], year=2025, quota=10)
        ModelBranchQuota.objects.create(unit=tree["county_a"], year=2025, quota=1)
        second = make_org("A-CUN2", "城关镇新村党支部", tree["township_a"], parent=orgs["general"], domain=Domain.RURAL)
        first = assessment_nominate_model(assessment=reviewed(orgs["village"], "97", city_officer), actor=city_officer)
        assert first.status == StandardStatus.MODEL
        refused = reviewed(second, "98", city_officer)
        with pytest.raises(ValidationError) as raised:
            assessment_nominate_model(assessment=refused, actor=city_officer)
        assert "「兰州市城关区」2025年示范党支部名额为 1 个，已评定 1 个，名额已满" in str(raised.value)
        refused.refresh_from_db()
        assert refused.status == StandardStatus.PASSED
        # County B has no quota of its own: its branch is not held back by county A's.
        b = assessment_nominate_model(assessment=reviewed(orgs["county_b"], "99", city_officer), actor=city_officer)
        assert b.status == StandardStatus.MODEL

    def test_a_quota_higher_up_counts_every_county_below_it(self, tree: Any, orgs: Any, rural_standard: Any,
                                                            city_officer: Any) -> None:
        ModelBranchQuota.objects.create(unit=tree["city"], year=2025, quota=1)
        assessment_nominate_model(assessment=reviewed(orgs["county_b"], "99", city_officer), actor=city_officer)
        with pytest.raises(ValidationError) as raised:
            assessment_nominate_model(assessment=reviewed(orgs["village"], "99", city_officer), actor=city_officer)
        assert "「兰州市」" in str(raised.value)


class TestDeletion:
    """An assessment opened by mistake can be deleted while nothing is submitted; after the
    self-assessment its scores, and after review its 评定结果 and 星级, stay on the books."""

    def test_an_assessment_can_be_deleted_only_before_its_self_assessment(self, orgs: Any, rural_standard: Any,
                                                                          county_a_clerk: Any, client_for: Any) -> None:
        client = client_for(county_a_clerk)
        draft = assessment_open(organisation=orgs["village"], year=2024, actor=county_a_clerk)
        submitted = assessment_submit_self(
            assessment=assessment_open(organisation=orgs["village"], year=2025, actor=county_a_clerk),
            actor=county_a_clerk, scores=scores_for(draft, "90"))
        done = reviewed(orgs["village"], "90", county_a_clerk, year=2023)
        for kept in (submitted, done):
            page = client.get(reverse("admin:branches_branchassessment_change", args=[kept.pk])).content.decode()
            assert reverse("admin:branches_branchassessment_delete", args=[kept.pk]) not in page
            url = reverse("admin:branches_branchassessment_delete", args=[kept.pk])
            assert client.get(url).status_code == 403 and client.post(url, {"post": "yes"}).status_code == 403
        page = client.get(reverse("admin:branches_branchassessment_change", args=[draft.pk])).content.decode()
        delete = reverse("admin:branches_branchassessment_delete", args=[draft.pk])
        assert delete in page
        assert client.post(delete, {"post": "yes"}).status_code == 302
        assert set(BranchAssessment.objects.values_list("pk", flat=True)) == {submitted.pk, done.pk}
        assert AuditLog.objects.filter(action=AuditAction.DELETE, object_id=str(draft.pk)).count() == 1
