"""Member 台账 and the dashboard panel, scoped to the user."""

from __future__ import annotations

import pytest
from django.urls import reverse

from branches.members import rules, services, worklists
from orgwork import dashboard

from .conftest import SYSTEM, activist, add_member, candidate, days_ago, probationary

pytestmark = pytest.mark.django_db


def page(client, slug: str) -> str:
    response = client.get(reverse("admin:worklist", args=[slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_activist_without_a_review_for_six_months_is_due(orgs, member, client_for, county_a_clerk):
    due = activist(orgs["community"], member, applied_days_ago=300)
    fresh = activist(orgs["village"], member, applied_days_ago=100)
    body = page(client_for(county_a_clerk), worklists.SLUG_REVIEW)
    assert reverse("admin:members_applicant_change", args=[due.pk]) in body
    assert reverse("admin:members_applicant_change", args=[fresh.pk]) not in body


def test_an_activist_never_reviewed_shows_no_review_and_a_due_date_from_the_designation(orgs, member, client_for,
                                                                                       county_a_clerk):
    never = activist(orgs["community"], member, applied_days_ago=300)
    body = page(client_for(county_a_clerk), worklists.SLUG_REVIEW)
    assert "未考察" in body and "应考察日期" in body
    row = body[body.index(reverse("admin:members_applicant_change", args=[never.pk])):]
    row = row[:row.index("</tr>")]
    assert row.count(f"{never.activist_on:%Y-%m-%d}") == 1  # the designation, not shown again as a 考察
    assert f"{rules.add_months(never.activist_on, 6):%Y-%m-%d}" in row


def test_an_activist_reviewed_long_ago_shows_that_review_and_the_date_the_next_was_due(orgs, member, client_for,
                                                                                       county_a_clerk):
    late = activist(orgs["community"], member, applied_days_ago=500)
    services.applicant_review(applicant=late, reviewed_on=days_ago(300), summary="表现良好", actor=SYSTEM)
    body = page(client_for(county_a_clerk), worklists.SLUG_REVIEW)
    row = body[body.index(reverse("admin:members_applicant_change", args=[late.pk])):]
    row = row[:row.index("</tr>")]
    assert f"{days_ago(300):%Y-%m-%d}" in row and f"{rules.add_months(days_ago(300), 6):%Y-%m-%d}" in row
    assert "未考察" not in row


def test_a_candidate_missing_training_is_listed_with_what_is_missing(orgs, member, client_for, county_a_clerk):
    candidate(orgs["community"], member, prepared=False)
    body = page(client_for(county_a_clerk), worklists.SLUG_CHECKS)
    assert "政治审查、集中培训、公示" in body


def test_a_probation_ending_within_thirty_days_is_listed(orgs, member, client_for, county_a_clerk):
    ending = probationary(orgs["community"], member, vote_days_ago=350)
    later = probationary(orgs["village"], member, vote_days_ago=200)
    body = page(client_for(county_a_clerk), worklists.SLUG_PROBATION)
    assert reverse("admin:members_applicant_change", args=[ending.pk]) in body
    assert reverse("admin:members_applicant_change", args=[later.pk]) not in body


def test_the_overdue_transfer_list_is_scoped_to_the_sending_or_receiving_county(orgs, member, client_for,
                                                                                county_b_clerk, personas):
    t = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="甘转9号",
                                started_on=days_ago(60), actor=SYSTEM)
    services.transfer_send(transfer=t, sent_on=days_ago(45), actor=SYSTEM)
    assert "甘转9号" in page(client_for(county_b_clerk), worklists.SLUG_OVERDUE)
    other = add_member(orgs["county_b"], "七里河党员")
    t2 = services.transfer_start(member=other, destination="四川省某党委", letter_number="七转1号",
                                 started_on=days_ago(60), actor=SYSTEM)
    services.transfer_send(transfer=t2, sent_on=days_ago(45), actor=SYSTEM)
    assert "七转1号" not in page(client_for(personas["county_a_clerk"]), worklists.SLUG_OVERDUE)


def test_the_branch_count_list_shows_the_roster_count_only(orgs, member, client_for, county_a_clerk):
    body = page(client_for(county_a_clerk), worklists.SLUG_COUNTS)
    assert "在册党员人数" in body and "东岗社区党支部" in body and "七里河区第一党支部" not in body
    assert "填报" not in body


def test_the_dashboard_panel_counts_each_list_and_links_to_it(orgs, member, county_a_clerk):
    candidate(orgs["community"], member, prepared=False)
    panel = dashboard.get("members_work")
    assert panel.visible_to(county_a_clerk)
    data = panel.compute(county_a_clerk)
    values = dict(zip(data.labels, data.series[0].values))
    assert values["发展对象缺项"] == 1 and values["欠缴党费"] == 0
    assert data.series[0].links[1] == reverse("admin:worklist", args=[worklists.SLUG_CHECKS])
