"""Member 台账 and the dashboard panel, scoped to the user."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from branches.members import rules, services, worklists
from orgwork import dashboard

from branches.members.models import Member

from .conftest import SYSTEM, activist, add_member, admitted, candidate, days_ago, make_id, probationary, today

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
    add_member(orgs["village"], "村支部党员")  # a 正式党员 there, who has a vote at its 支部大会
    later = probationary(orgs["village"], member, vote_days_ago=200)
    body = page(client_for(county_a_clerk), worklists.SLUG_PROBATION)
    assert reverse("admin:members_applicant_change", args=[ending.pk]) in body
    assert reverse("admin:members_applicant_change", args=[later.pk]) not in body


def test_the_overdue_transfer_list_is_scoped_to_the_sending_or_receiving_county(orgs, member, client_for,
                                                                                county_b_clerk, personas):
    t = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="甘转9号",
                                started_on=days_ago(60), actor=SYSTEM)
    services.transfer_send(transfer=t, sent_on=days_ago(45), valid_days=30, actor=SYSTEM)
    assert "甘转9号" in page(client_for(county_b_clerk), worklists.SLUG_OVERDUE)
    other = add_member(orgs["county_b"], "七里河党员")
    t2 = services.transfer_start(member=other, destination="四川省某党委", letter_number="七转1号",
                                 started_on=days_ago(60), actor=SYSTEM)
    services.transfer_send(transfer=t2, sent_on=days_ago(45), valid_days=30, actor=SYSTEM)
    assert "七转1号" not in page(client_for(personas["county_a_clerk"]), worklists.SLUG_OVERDUE)


def test_the_branch_count_list_shows_the_roster_count_only(orgs, member, client_for, county_a_clerk):
    body = page(client_for(county_a_clerk), worklists.SLUG_COUNTS)
    assert "在册党员人数" in body and "东岗社区党支部" in body and "七里河区第一党支部" not in body
    assert "填报" not in body


def test_the_branch_count_list_names_each_branchs_unit_by_its_full_name(orgs, member, client_for, province_officer,
                                                                        tree):
    """Many counties have a 城关镇: the bare name cannot be placed by a province user."""
    township = tree["township_a"]
    township.refresh_from_db()
    assert township.full_name != township.name and township.full_name.endswith(township.name)
    body = page(client_for(province_officer), worklists.SLUG_COUNTS)
    row = body[body.index("城关镇红星村党支部"):]
    row = row[:row.index("</tr>")]
    assert f">{township.full_name}<" in row.replace("\n", "").replace(" ", "")


def test_the_dashboard_panel_counts_each_list_and_links_to_it(orgs, member, county_a_clerk):
    candidate(orgs["community"], member, prepared=False)
    panel = dashboard.get("members_work")
    assert panel.visible_to(county_a_clerk)
    data = panel.compute(county_a_clerk)
    values = dict(zip(data.labels, data.series[0].values))
    assert values["发展对象缺项"] == 1 and values["欠缴党费"] == 0
    assert data.series[0].links[1] == reverse("admin:worklist", args=[worklists.SLUG_CHECKS])


def test_a_probationary_member_awaiting_approval_is_listed_with_the_deadline_and_days_left_overdue_first(
        orgs, member, client_for, county_a_clerk):
    recent = admitted(orgs, member, vote_days_ago=20, name="新接收")
    late = admitted(orgs, member, vote_days_ago=100, name="逾期未批")
    add_member(orgs["village"], "村支部党员")  # a 正式党员 there, who has a vote at its 支部大会
    approved = probationary(orgs["village"], member, vote_days_ago=60)
    body = page(client_for(county_a_clerk), worklists.SLUG_APPROVAL)
    assert "支部大会通过后待上级党委审批的预备党员" in body and "审批期限" in body and "剩余天数" in body
    assert reverse("admin:members_applicant_change", args=[approved.pk]) not in body
    late_at = body.index(reverse("admin:members_applicant_change", args=[late.pk]))
    recent_at = body.index(reverse("admin:members_applicant_change", args=[recent.pk]))
    assert late_at < recent_at
    deadline = rules.add_months(days_ago(100), rules.APPROVAL_WITHIN_MONTHS)
    late_row = body[late_at:body.index("</tr>", late_at)]
    assert f"{deadline:%Y-%m-%d}" in late_row and f"已逾期{(today() - deadline).days}天" in late_row
    recent_row = body[recent_at:body.index("</tr>", recent_at)]
    left = (rules.add_months(days_ago(20), rules.APPROVAL_WITHIN_MONTHS) - today()).days
    assert f"{left}天" in recent_row and "已逾期" not in recent_row


def test_the_approval_list_costs_the_same_queries_for_one_row_as_for_three(orgs, member, client_for, county_a_clerk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(county_a_clerk)
    url = reverse("admin:worklist", args=[worklists.SLUG_APPROVAL])

    def cost(rows: int) -> int:
        while len(client.get(url).context["table"]) < rows:
            admitted(orgs, member, vote_days_ago=30, name="待审批")
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(url).context["table"]) == rows
        return len(queries)

    assert cost(1) == cost(3)


def test_the_approval_list_is_exported_with_its_deadline_and_counted_on_the_dashboard(orgs, member, client_for,
                                                                                      county_a_clerk):
    from tests.worklists.conftest import exported

    admitted(orgs, member, vote_days_ago=100, name="逾期未批")
    rows = exported(client_for(county_a_clerk), worklists.SLUG_APPROVAL)
    header = [str(cell) for cell in rows[0] if cell]
    assert header[:5] == ["姓名", "党支部", "支部大会接收", "审批期限", "剩余天数"], rows[:2]
    deadline = rules.add_months(days_ago(100), rules.APPROVAL_WITHIN_MONTHS)
    assert any(str(row[0]).startswith("逾期未批（尾号") and f"已逾期{(today() - deadline).days}天" in row
               for row in rows), rows
    panel = dashboard.get("members_work").compute(county_a_clerk)
    assert dict(zip(panel.labels, panel.series[0].values))["待上级审批"] == 1


def test_a_roster_probationer_stored_before_the_two_year_rule_is_listed_by_the_integrity_check(
        orgs, member, client_for, county_a_clerk, county_b_clerk):
    """The roster refuses a 预备党员 who joined more than two years ago; one stored before
    the rule stays until corrected, and the integrity list names it for the clerk."""
    stale = add_member(orgs["community"], "李预备", category="probationary", joined_on=days_ago(200),
                       id_number=make_id(datetime.date(1980, 1, 2)))
    Member.objects.filter(pk=stale.pk).update(joined_on=days_ago(800))  # as stored before the rule held
    recent = add_member(orgs["village"], "张预备", category="probationary", joined_on=days_ago(300),
                        id_number=make_id(datetime.date(1981, 1, 2)))
    elsewhere = add_member(orgs["county_b"], "赵预备", category="probationary", joined_on=days_ago(200),
                           id_number=make_id(datetime.date(1982, 1, 2)))
    Member.objects.filter(pk=elsewhere.pk).update(joined_on=days_ago(800))
    filed = probationary(orgs["community"], member, vote_days_ago=200)  # a 发展党员 file: its steps decide 转正
    Member.objects.filter(pk=filed.member_id).update(joined_on=days_ago(800))

    body = page(client_for(county_a_clerk), worklists.SLUG_PROBATION_OVERDUE)
    link = lambda m: reverse("admin:members_member_change", args=[m.pk])  # noqa: E731
    assert link(stale) in body and "完整性检查未通过" in body
    assert link(recent) not in body and link(elsewhere) not in body
    assert reverse("admin:members_member_change", args=[filed.member_id]) not in body
    assert f"{rules.add_months(days_ago(800), rules.PROBATION_MAX_MONTHS):%Y-%m-%d}" in body

    corrected = Member.objects.get(pk=stale.pk)  # the clerk's correction: made full a year after joining
    corrected.category, corrected.full_on = "full", days_ago(435)
    services.member_save(member=corrected, actor=SYSTEM)
    assert "（完整性检查通过）" in page(client_for(county_a_clerk), worklists.SLUG_PROBATION_OVERDUE)
    assert link(elsewhere) in page(client_for(county_b_clerk), worklists.SLUG_PROBATION_OVERDUE)
