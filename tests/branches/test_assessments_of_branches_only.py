"""党支部建设标准化 assesses 党支部 only: a 党委 or 党总支 is not opened, not taken through
the workflow and not named 示范党支部, and the 示范 quota counts 党支部 only. The review
(上级审核定级) is never by the account that submitted the self-assessment."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.models import AssessmentState, BranchAssessment, Domain, OrgKind, StandardStatus
from branches.selectors import model_branches_within
from branches.services import (
    assessment_nominate_model,
    assessment_open,
    assessment_review,
    assessment_submit_self,
)
from tests.test_versioning import form_data

from .conftest import TEST_ACTOR, make_org, scores_for

pytestmark = pytest.mark.django_db

NOT_A_BRANCH = ("党支部建设标准化评定只评党支部，示范党支部也只从党支部中评定：「城关镇党委」是党委，"
                "不能开展标准化评定，请为其下的党支部开展评定。")


@pytest.fixture
def township_committee(tree: Any, orgs: Any) -> Any:
    """城关镇党委, a 党委 of the 农村 domain (the test standard's)."""
    return make_org("A-ZDW", "城关镇党委", tree["township_a"], OrgKind.COMMITTEE, parent=orgs["committee"],
                    domain=Domain.RURAL)


def kept_before_the_rule(organisation: Any, rural_standard: Any, **values: Any) -> BranchAssessment:
    """An assessment of a 党委 as one was opened before the rule: straight into the table."""
    return BranchAssessment.objects.create(**{"organisation": organisation, "year": 2025, "version": rural_standard["new"],
                                              **values})


def test_the_service_refuses_to_open_an_assessment_of_a_committee(
        township_committee: Any, rural_standard: Any, county_a_clerk: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        assessment_open(organisation=township_committee, year=2025, actor=county_a_clerk)
    assert refused.value.message_dict["organisation"] == [NOT_A_BRANCH]
    assert not BranchAssessment.objects.exists()


def test_the_assessment_page_refuses_a_committee_under_the_organisation_field(
        township_committee: Any, rural_standard: Any, county_a_clerk: Any, client_for: Any) -> None:
    client = client_for(county_a_clerk)
    url = reverse("admin:branches_branchassessment_add")
    response = client.post(url, {**form_data(client.get(url)), "organisation": township_committee.pk, "year": 2025})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["organisation"] == [NOT_A_BRANCH]
    assert not BranchAssessment.objects.exists()


def test_the_assessment_pages_organisation_picker_offers_only_branches(
        township_committee: Any, orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    response = client_for(county_a_clerk).get(reverse("admin:autocomplete"), {
        "app_label": "branches", "model_name": "branchassessment", "field_name": "organisation", "term": "城关"})
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {str(orgs["village"].pk)}


def test_the_list_actions_take_no_step_on_a_committees_assessment_kept_before_the_rule(
        township_committee: Any, rural_standard: Any, county_a_clerk: Any, city_officer: Any, client_for: Any) -> None:
    assessment = kept_before_the_rule(township_committee, rural_standard)
    url = reverse("admin:branches_branchassessment_changelist")
    response = client_for(county_a_clerk).post(url, {"action": "submit_self", "_selected_action": [assessment.pk]},
                                               follow=True)
    assert "提交自评：已办理 0 条，未办理 1 条。" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.DRAFT
    reviewed = kept_before_the_rule(township_committee, rural_standard, year=2024, state=AssessmentState.REVIEWED,
                                    reviewed_score=98, status=StandardStatus.PASSED)
    for step in (assessment_review, assessment_nominate_model):
        with pytest.raises(ValidationError) as refused:
            step(assessment=reviewed, actor=city_officer)
        assert refused.value.message_dict["organisation"] == [NOT_A_BRANCH]
    assert BranchAssessment.objects.get(pk=reviewed.pk).status == StandardStatus.PASSED


def test_the_page_of_a_committees_assessment_kept_before_the_rule_still_saves_its_notes(
        township_committee: Any, rural_standard: Any, county_a_clerk: Any, client_for: Any) -> None:
    assessment = kept_before_the_rule(township_committee, rural_standard)
    client = client_for(county_a_clerk)
    url = reverse("admin:branches_branchassessment_change", args=[assessment.pk])
    response = client.post(url, {**form_data(client.get(url)), "self_note": "误开的评定，待删除"})
    assert response.status_code == 302
    assert BranchAssessment.objects.get(pk=assessment.pk).self_note == "误开的评定，待删除"


def test_a_committee_marked_model_before_the_rule_takes_no_place_in_the_model_branch_quota(
        township_committee: Any, orgs: Any, tree: Any, rural_standard: Any, city_officer: Any) -> None:
    kept_before_the_rule(township_committee, rural_standard, state=AssessmentState.REVIEWED, reviewed_score=98,
                         status=StandardStatus.MODEL)
    assert model_branches_within(tree["province"], 2025) == 0
    opened = assessment_open(organisation=orgs["village"], year=2025, actor=city_officer)
    assessment_submit_self(assessment=opened, actor=TEST_ACTOR, scores=scores_for(opened, 97))
    reviewed = assessment_review(assessment=opened, actor=city_officer, scores=scores_for(opened, 97))
    # Three 党支部 in the province: the default share allows one, which the 党委 no longer takes.
    assert assessment_nominate_model(assessment=reviewed, actor=city_officer).status == StandardStatus.MODEL
    assert model_branches_within(tree["province"], 2025) == 1


def test_the_clerk_who_submitted_the_self_assessment_cannot_review_it(
        orgs: Any, rural_standard: Any, county_a_clerk: Any, city_officer: Any) -> None:
    opened = assessment_open(organisation=orgs["village"], year=2025, actor=county_a_clerk)
    submitted = assessment_submit_self(assessment=opened, actor=county_a_clerk, scores=scores_for(opened, 90))
    assert submitted.self_assessor_id == county_a_clerk.pk
    with pytest.raises(ValidationError) as refused:
        assessment_review(assessment=opened, actor=county_a_clerk, scores=scores_for(opened, 90))
    assert refused.value.message_dict["reviewer"] == [
        "自评由您提交，不能再由您审核定级：党支部自评、上级审核，请由上级单位的其他同志审核。"]
    assert BranchAssessment.objects.get(pk=opened.pk).state == AssessmentState.SELF_ASSESSED
    assert assessment_review(assessment=opened, actor=city_officer, scores=scores_for(opened, 90)).reviewer == city_officer


def test_the_review_action_refuses_the_clerk_who_submitted_the_self_assessment(
        orgs: Any, rural_standard: Any, county_a_clerk: Any, client_for: Any) -> None:
    from branches.models import AssessmentItemScore

    opened = assessment_open(organisation=orgs["village"], year=2025, actor=county_a_clerk)
    assessment_submit_self(assessment=opened, actor=county_a_clerk, scores=scores_for(opened, 90))
    for item_id, score in scores_for(opened, 90).items():
        AssessmentItemScore.objects.filter(assessment=opened, item_id=item_id).update(reviewed_score=score)
    url = reverse("admin:branches_branchassessment_changelist")
    response = client_for(county_a_clerk).post(url, {"action": "review", "_selected_action": [opened.pk]}, follow=True)
    page = response.content.decode()
    assert "审核定级：已办理 0 条，未办理 1 条。" in page and "自评由您提交，不能再由您审核定级" in page
    assert BranchAssessment.objects.get(pk=opened.pk).state == AssessmentState.SELF_ASSESSED


def test_the_clerk_who_submitted_the_self_assessment_cannot_type_its_reviewed_scores_on_the_page(
        orgs: Any, rural_standard: Any, county_a_clerk: Any, client_for: Any) -> None:
    from branches.models import AssessmentItemScore

    opened = assessment_open(organisation=orgs["village"], year=2025, actor=county_a_clerk)
    assessment_submit_self(assessment=opened, actor=county_a_clerk, scores=scores_for(opened, 90))
    lines = list(AssessmentItemScore.objects.filter(assessment=opened).order_by("item__seq"))
    data = {"self_note": "", "review_note": "", "item_scores-TOTAL_FORMS": len(lines),
            "item_scores-INITIAL_FORMS": len(lines), "item_scores-MIN_NUM_FORMS": 0, "item_scores-MAX_NUM_FORMS": 1000}
    for n, line in enumerate(lines):
        data.update({f"item_scores-{n}-id": line.pk, f"item_scores-{n}-assessment": opened.pk,
                     f"item_scores-{n}-self_score": str(line.self_score),
                     f"item_scores-{n}-reviewed_score": str(line.item.points)})
    response = client_for(county_a_clerk).post(reverse("admin:branches_branchassessment_change", args=[opened.pk]), data)
    assert response.status_code == 200 and "自评由您提交，不能再由您审核定级" in response.content.decode()
    assert not AssessmentItemScore.objects.filter(assessment=opened, reviewed_score__isnull=False).exists()
    with pytest.raises(ValidationError) as refused:
        from branches.services import assessment_record_scores

        assessment_record_scores(assessment=opened, actor=county_a_clerk,
                                 reviewed_scores={line.item_id: line.item.points for line in lines})
    assert "自评由您提交" in refused.value.message_dict["reviewed_score"][0]
