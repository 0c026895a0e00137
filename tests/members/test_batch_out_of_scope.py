"""A batch action whose selection names a record outside the clerk's jurisdiction (a
forged or stale ``_selected_action``) is refused whole with a notice, as README says
(所选记录编号无效的批量操作不执行并提示), not run on the rest as if it had not been chosen."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from branches.members import services
from branches.members.models import Applicant, DuesRecord, Member, MemberStatus, Stage

from .conftest import SYSTEM, add_member, admitted, days_ago, new_applicant, today

pytestmark = pytest.mark.django_db
REFUSED = "不在您的管辖范围内或已不在当前列表中"


def messages_after(client: Any, model: str, data: dict[str, Any]) -> list[str]:
    page = client.post(reverse(f"admin:members_{model}_changelist"), data, follow=True)
    assert page.status_code == 200
    return [str(m) for m in page.context["messages"]]


@pytest.mark.parametrize("apply", [False, True])
def test_an_approval_batch_with_an_applicant_of_another_county_is_refused_whole(orgs, contact, client_for,
                                                                                county_a_clerk, apply):
    ours = admitted(orgs, contact, vote_days_ago=10, name="城关申请人")
    theirs = new_applicant(orgs["county_b"], applied_on=days_ago(30), name="七里河申请人")
    data = {"action": "approve", "_selected_action": [ours.pk, theirs.pk], "day": today().isoformat()}
    if apply:
        data["apply"] = "1"
    [message] = messages_after(client_for(county_a_clerk), "applicant", data)
    assert f"所选记录中有 1 条{REFUSED}（编号 {theirs.pk}），未执行任何操作。" in message
    assert "七里河申请人" not in message
    assert Applicant.objects.get(pk=ours.pk).approved_on is None
    assert Applicant.objects.get(pk=ours.pk).stage == Stage.PROBATIONARY


def test_the_same_approval_batch_without_the_other_countys_applicant_is_carried_out(orgs, contact, client_for,
                                                                                    county_a_clerk):
    ours = admitted(orgs, contact, vote_days_ago=10, name="城关申请人")
    [message] = messages_after(client_for(county_a_clerk), "applicant", {
        "action": "approve", "_selected_action": [ours.pk], "day": today().isoformat(), "apply": "1"})
    assert "已办理 1 人" in message
    assert Applicant.objects.get(pk=ours.pk).approved_on == today()


def test_a_status_batch_on_the_roster_with_a_member_of_another_county_is_refused_whole(orgs, client_for,
                                                                                     county_a_clerk):
    ours = add_member(orgs["community"], "城关党员")
    theirs = add_member(orgs["county_b"], "七里河党员")
    [message] = messages_after(client_for(county_a_clerk), "member", {
        "action": "set_status", "_selected_action": [ours.pk, theirs.pk], "apply": "1", "status": "suspended",
        "changed_on": today().isoformat(), "reason": "失去联系"})
    assert REFUSED in message and "七里河党员" not in message
    assert Member.objects.get(pk=ours.pk).status == MemberStatus.ACTIVE


def test_a_dues_batch_with_a_record_of_another_county_is_refused_whole(orgs, client_for, county_a_clerk):
    add_member(orgs["community"], "城关党员")
    add_member(orgs["county_b"], "七里河党员")
    month = today().replace(day=1)
    services.dues_generate_month(month=month, actor=SYSTEM)
    ours = DuesRecord.objects.get(member__name="城关党员", month=month)
    theirs = DuesRecord.objects.get(member__name="七里河党员", month=month)
    [message] = messages_after(client_for(county_a_clerk), "duesrecord", {
        "action": "pay_in_full", "_selected_action": [ours.pk, theirs.pk]})
    assert REFUSED in message
    assert DuesRecord.objects.get(pk=ours.pk).paid is None and DuesRecord.objects.get(pk=theirs.pk).paid is None
