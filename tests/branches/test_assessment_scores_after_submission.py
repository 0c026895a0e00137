"""A submitted self-assessment's total is the sum of its items: an item's self score is not
changed on the record page afterwards (the total would no longer add up); a correction is
submitted again, which sums the items anew."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.models import AssessmentItemScore, AssessmentState, BranchAssessment
from branches.services import (SELF_SCORES_SUBMITTED, assessment_open, assessment_record_scores,
                               assessment_submit_self)
from tests.test_versioning import form_data

from .conftest import scores_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(orgs: Any, rural_standard: Any, county_a_clerk: Any) -> BranchAssessment:
    assessment = assessment_open(organisation=orgs["village"], year=2025, actor=county_a_clerk)
    return assessment_submit_self(assessment=assessment, actor=county_a_clerk, scores=scores_for(assessment, 90))


def item_scores(assessment: BranchAssessment) -> list[Any]:
    return list(AssessmentItemScore.objects.filter(assessment=assessment).order_by("item__seq")
                .values_list("self_score", flat=True))


def test_the_service_refuses_an_items_self_score_once_the_self_assessment_is_submitted(
        submitted: BranchAssessment, county_a_clerk: Any) -> None:
    before = item_scores(submitted)
    first = AssessmentItemScore.objects.filter(assessment=submitted).order_by("item__seq").first()
    with pytest.raises(ValidationError) as refused:
        assessment_record_scores(assessment=submitted, actor=county_a_clerk, self_scores={first.item_id: 0})
    assert refused.value.message_dict["self_score"] == [SELF_SCORES_SUBMITTED]
    assert item_scores(submitted) == before
    assert BranchAssessment.objects.get(pk=submitted.pk).self_score == sum(before)


def test_the_record_page_refuses_an_items_self_score_once_the_self_assessment_is_submitted(
        submitted: BranchAssessment, county_a_clerk: Any, client_for: Any) -> None:
    client = client_for(county_a_clerk)
    url = reverse("admin:branches_branchassessment_change", args=[submitted.pk])
    data = form_data(client.get(url))
    field = next(name for name in data if name.endswith("-0-self_score"))
    before = item_scores(submitted)
    data[field] = "0"
    page = client.post(url, data)
    assert page.status_code == 200 and SELF_SCORES_SUBMITTED in page.content.decode()
    assert item_scores(submitted) == before


def test_a_correction_submitted_again_sums_the_items_anew(submitted: BranchAssessment, county_a_clerk: Any) -> None:
    again = assessment_submit_self(assessment=submitted, actor=county_a_clerk, scores=scores_for(submitted, 80))
    assert again.state == AssessmentState.SELF_ASSESSED and again.self_score == 80 == sum(item_scores(submitted))
