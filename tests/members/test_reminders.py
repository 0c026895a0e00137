"""The members' reminders (到期事项来源): 预备期满 of every 预备党员 — admitted by a 发展党员
file or entered on the roster alone — each member once, from the 预备期将满 list's own
query (a reminder already sent keeps its key when the source moves from files to members);
and the three months within which the higher committee approves a 预备党员 voted in by the
支部大会, from the list of approvals pending."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from branches.members import rules, selectors
from branches.members.models import MemberCategory
from orgwork.common.contract import SystemActor
from orgwork.notifications import registry
from orgwork.notifications import services as notifications
from orgwork.notifications.models import Notification, ReminderRule, Stage

from .conftest import SYSTEM, add_member, admitted, days_ago, probationary, today

pytestmark = pytest.mark.django_db
PROBATION = "members_probation_end"
APPROVAL = "members_approval_due"


def due(source: str, until: datetime.date) -> dict[int, registry.DueItem]:
    return {item.pk: item for item in registry.get(source).due(until)}


def reminders(user, source: str) -> list[Notification]:
    notifications.notifications_create(actor=SystemActor("send_reminders"), today=today())
    return list(Notification.objects.filter(recipient=user, source=source).order_by("due_on", "pk"))


def roster_only(orgs, name: str, joined: datetime.date):
    return add_member(orgs["community"], name, category=MemberCategory.PROBATIONARY, joined_on=joined)


def test_a_roster_only_probationary_member_is_reminded_a_year_from_joining_beside_those_with_a_file(
        orgs, member, county_a_clerk, county_b_clerk):
    ending = roster_only(orgs, "名册预备", days_ago(350))
    roster_only(orgs, "名册新预备", days_ago(200))
    by_file = probationary(orgs["community"], member, vote_days_ago=345)
    items = due(PROBATION, today() + datetime.timedelta(days=30))
    assert sorted(items) == sorted([ending.pk, by_file.member_id])
    mine = items[ending.pk]
    assert mine.deadline == rules.add_months(days_ago(350), 12) and "名册预备" in mine.title
    assert mine.link == reverse("admin:members_member_change", args=[ending.pk])
    assert mine.unit_id == orgs["community"].unit_id
    assert items[by_file.member_id].link == reverse("admin:members_applicant_change", args=[by_file.pk])
    sent = reminders(county_a_clerk, PROBATION)
    assert [(n.stage, n.due_on) for n in sent] == [(Stage.SOON, mine.deadline),
                                                   (Stage.SOON, rules.probation_end(days_ago(345)))]
    assert "名册预备" in sent[0].body and reminders(county_b_clerk, PROBATION) == []


def test_the_reminders_and_the_list_of_probations_ending_name_the_same_members_once_each(orgs, member):
    roster_only(orgs, "名册预备", days_ago(340))
    roster_only(orgs, "名册已满", days_ago(400))  # ended without a decision: still due
    probationary(orgs["community"], member, vote_days_ago=360)
    add_member(orgs["village"], "村支部党员")  # a 正式党员 there, who has a vote at its 支部大会
    probationary(orgs["village"], member, vote_days_ago=100)
    listed = [m.pk for m in selectors.probation_ending(SYSTEM)]
    assert len(listed) == len(set(listed)) == 3
    assert sorted(due(PROBATION, today() + datetime.timedelta(days=30))) == sorted(listed)


def test_an_extended_probation_is_reminded_when_the_extension_ends_not_the_year(orgs, member):
    from branches.members import services

    by_file = probationary(orgs["community"], member, vote_days_ago=380)
    services.applicant_extend_probation(applicant=by_file, months=6, decided_on=days_ago(10), actor=SYSTEM)
    assert due(PROBATION, today() + datetime.timedelta(days=30)) == {}
    ends = rules.probation_end(days_ago(380), 6)
    assert due(PROBATION, ends)[by_file.member_id].deadline == ends
    assert due(PROBATION, ends - datetime.timedelta(days=1)) == {}


@pytest.mark.parametrize("months", [rules.PROBATION_MONTHS, rules.PROBATION_MONTHS + 6,
                                    rules.PROBATION_MONTHS + rules.EXTENSION_MAX])
def test_the_latest_start_of_a_period_ending_by_a_day_is_exact_at_every_month_end(months):
    day = datetime.date(2024, 1, 1)
    while day < datetime.date(2027, 1, 1):
        start = rules.latest_start(day, months)
        assert rules.add_months(start, months) <= day < rules.add_months(start + datetime.timedelta(days=1), months)
        day += datetime.timedelta(days=1)


MIGRATION = importlib.import_module("branches.members.migrations.0015_probation_reminders_by_member")


def sent_before(user, key: str, day: datetime.date | None = None) -> Notification:
    return Notification.objects.create(recipient=user, rule=ReminderRule.objects.get(source=PROBATION),
                                       source=PROBATION, source_key=f"{PROBATION}:{key}:{Stage.SOON}", stage=Stage.SOON,
                                       title="预备党员预备期满：15天后到期", day=day or today())


def test_a_reminder_sent_keyed_by_the_file_is_keyed_by_its_member_once_migrated_and_not_sent_again(
        orgs, member, county_a_clerk):
    by_file = probationary(orgs["community"], member, vote_days_ago=345)
    old = sent_before(county_a_clerk, str(by_file.pk))
    MIGRATION.by_member(apps, None)
    old.refresh_from_db()
    assert old.source_key == f"{PROBATION}:{by_file.member_id}:{Stage.SOON}"
    assert [n.pk for n in reminders(county_a_clerk, PROBATION)] == [old.pk]
    MIGRATION.by_file(apps, None)
    old.refresh_from_db()
    assert old.source_key == f"{PROBATION}:{by_file.pk}:{Stage.SOON}"


def test_re_keying_moves_a_key_onto_the_one_another_reminder_of_the_day_leaves(county_a_clerk):
    first, second = sent_before(county_a_clerk, "1"), sent_before(county_a_clerk, "2")
    MIGRATION.rekey(apps, {1: 2, 2: 3})
    assert [Notification.objects.get(pk=n.pk).source_key for n in (first, second)] == [
        f"{PROBATION}:2:{Stage.SOON}", f"{PROBATION}:3:{Stage.SOON}"]


# ---- 上级党委审批 within three months of the 支部大会

def test_the_approval_deadline_is_a_source_with_a_default_rule_fifteen_days_ahead():
    assert registry.get(APPROVAL).list_url() == reverse("admin:worklist", args=["members_approval_pending"])
    rule = ReminderRule.objects.get(source=APPROVAL)
    assert (rule.is_active, rule.roles, rule.days_before, rule.remind_on_day, rule.escalate_after_days) == (
        True, ["基层党建"], 15, True, 7)


def test_a_vote_awaiting_approval_is_due_when_its_three_months_end_and_leaves_once_approved(
        orgs, member, county_a_clerk, county_b_clerk):
    from branches.members import services

    waiting = admitted(orgs, member, vote_days_ago=80, name="待审批")
    admitted(orgs, member, vote_days_ago=20, name="新接收")
    probationary(orgs["community"], member, vote_days_ago=85)  # approved
    deadline = rules.add_months(days_ago(80), rules.APPROVAL_WITHIN_MONTHS)
    assert due(APPROVAL, deadline - datetime.timedelta(days=1)) == {}
    (item,) = due(APPROVAL, deadline).values()
    assert (item.pk, item.deadline, item.unit_id) == (waiting.pk, deadline, orgs["community"].unit_id)
    assert "待审批" in item.title and item.link == reverse("admin:members_applicant_change", args=[waiting.pk])
    sent = reminders(county_a_clerk, APPROVAL)
    assert [(n.stage, n.due_on) for n in sent] == [(Stage.SOON, deadline)] and "待审批" in sent[0].body
    assert reminders(county_b_clerk, APPROVAL) == []
    services.applicant_approve(applicant=waiting, approved_on=today(), actor=SYSTEM)
    assert waiting.pk not in due(APPROVAL, deadline + datetime.timedelta(days=365))


def test_an_approval_long_overdue_reaches_the_unit_above(orgs, member, county_a_clerk, city_officer):
    late = admitted(orgs, member, vote_days_ago=110, name="逾期未批")
    assert [n.stage for n in reminders(county_a_clerk, APPROVAL)] == [Stage.OVERDUE]
    (above,) = reminders(city_officer, APPROVAL)
    assert above.stage == Stage.ESCALATED and above.link == reverse("admin:members_applicant_change", args=[late.pk])


def test_the_approval_reminders_name_the_approval_lists_files(orgs, member):
    for days, name in ((100, "逾期未批"), (80, "将到期"), (10, "新接收")):
        admitted(orgs, member, vote_days_ago=days, name=name)
    far = today() + datetime.timedelta(days=rules.APPROVAL_WITHIN_MONTHS * 31)
    assert sorted(due(APPROVAL, far)) == sorted(a.pk for a in selectors.approvals_pending(SYSTEM))
