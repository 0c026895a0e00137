"""A 考察 is of an 入党积极分子 or a 发展对象: never dated on or after the 支部大会 vote that
made the applicant a 预备党员, on the applicants' sheet as in the service that records
the sheet's 考察."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from branches.members import rules, services
from branches.members.models import Applicant, Stage
from branches.members.resources import ApplicantResource

from .conftest import SYSTEM, candidate, days_ago, file_sheet_row, probationary, run_sheet
from .test_applicant_sheet import HEAD

pytestmark = pytest.mark.django_db
SHEET_HEAD = [*HEAD, "考察逾期原因"]


@pytest.fixture
def probationer(orgs, contact) -> Applicant:
    """A 预备党员 voted in 100 days ago, approved, whose 考察 came every six months."""
    return probationary(orgs["community"], contact, vote_days_ago=100)


def sheet(tmp_path: Any, file: Applicant, user: Any, **cells: Any) -> Any:
    return run_sheet(tmp_path, [SHEET_HEAD, file_sheet_row(file, SHEET_HEAD, **cells)], ApplicantResource, user)


def errors(result: Any) -> list[tuple[str, str]]:
    return [(e.column, e.message) for e in result.errors]


def test_a_review_on_the_day_of_the_vote_the_same_row_records_is_refused_by_its_date(tmp_path, orgs, contact,
                                                                                    county_a_clerk):
    file = candidate(orgs["community"], contact)
    vote = days_ago(10)
    result = sheet(tmp_path, file, county_a_clerk, **{"支部大会讨论接收日期": f"{vote:%Y-%m-%d}",
                                                      "最近一次培养考察日期": f"{vote:%Y-%m-%d}"})
    assert not result.committed
    assert errors(result) == [("最近一次培养考察日期", rules.review_date_error(file.activist_on, vote, vote))]
    assert Applicant.objects.get(pk=file.pk).stage == Stage.CANDIDATE


def test_the_sheets_reviews_are_refused_by_the_service_that_records_them_after_the_vote(orgs, probationer):
    """The service the sheet hands its 考察 to holds the same rule, should a row reach it."""
    with pytest.raises(ValidationError, match="考察日期须早于支部大会讨论接收日期"):
        services.applicant_reviews_from_sheet(applicant_ids=[probationer.pk], actor=SYSTEM,
                                              earlier={probationer.pk: [days_ago(20)]})
    assert not probationer.reviews.filter(reviewed_on=days_ago(20)).exists()
