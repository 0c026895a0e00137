"""The 支部大会's counts below their floor (应到会 at least 1, 实到会 and 赞成 not below 0) are
refused in the same words on the step page and in the 发展党员 sheet (through the import
engine): the words declared on the count's field, not Django's 「不能小于 0。」."""

from __future__ import annotations

import pytest
from django.urls import reverse

from branches.members import rules
from branches.members.models import Applicant, Stage
from branches.members.resources import ApplicantResource

from .conftest import candidate, days_ago, run_sheet
from .test_vote_counts import admitted_row, sheet_head

pytestmark = pytest.mark.django_db

COUNTS = {"expected": ("接收表决应到会人数", "10"), "present": ("接收表决实到会人数", "6"), "in_favour": ("赞成接收人数", "6")}


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("expected", "-1", rules.VOTE_EXPECTED_SOMEONE),
    ("expected", "0", rules.VOTE_EXPECTED_SOMEONE),
    ("present", "-1", "实到会有表决权的党员人数应为不小于0的整数。"),
    ("in_favour", "-1", "赞成人数应为不小于0的整数。"),
])
def test_a_count_below_its_floor_reads_the_same_on_the_step_page_and_the_sheet(
        tmp_path, orgs, member, client_for, county_a_clerk, field, typed, message):
    file = candidate(orgs["community"], member, applied_days_ago=700)
    counts = {name: (typed if name == field else value) for name, (_, value) in COUNTS.items()}
    page = client_for(county_a_clerk).post(reverse("admin:members_applicant_admit_step", args=[file.pk]),
                                           {"day": days_ago(200).isoformat(), **counts})
    assert page.context["form"].errors[field] == [message]
    head = sheet_head(file)
    cells = {column: (typed if name == field else value) for name, (column, value) in COUNTS.items()}
    result = run_sheet(tmp_path, [head, admitted_row(file, head, **cells)], ApplicantResource, county_a_clerk)
    assert [(e.column, e.message) for e in result.errors] == [(COUNTS[field][0], message)]
    assert not result.committed and Applicant.objects.get(pk=file.pk).stage == Stage.CANDIDATE
