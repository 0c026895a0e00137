"""A member's trail runs forward: a change of 党籍状态 is not dated before his last
组织关系转接 was received (the service, the member's page, the roster's batch action), and
a transfer is not started inside a time he was off the roll, before his last change of
党籍状态 (the service, the transfers' add form, the member's page)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members import services
from branches.members.models import Member, MemberStatus, Transfer

from .conftest import SYSTEM, add_member

pytestmark = pytest.mark.django_db

RECEIVED = datetime.date(2025, 3, 5)
BEFORE_RECEIPT = "党籍状态变更日期不能早于该党员上一次组织关系转接的接收日期（2025-03-05）。"
SUSPENDED, RESTORED = datetime.date(2022, 1, 1), datetime.date(2024, 6, 1)
WHILE_OFF_THE_ROLL = datetime.date(2023, 1, 1)
BEFORE_RESTORED = "申请日期不能早于该党员上一次党籍状态变更的日期（2024-06-01）。"


def received_in_2025(orgs: Any) -> Member:
    """Joined 2000, received into the village branch on 2025-03-05."""
    member = add_member(orgs["community"])
    t = services.transfer_start(member=member, to_branch=orgs["village"], letter_number="城组转〔2025〕5号",
                                started_on=datetime.date(2025, 3, 1), actor=SYSTEM)
    t = services.transfer_send(transfer=t, sent_on=datetime.date(2025, 3, 2), valid_days=30, actor=SYSTEM)
    services.transfer_receive(transfer=t, received_on=RECEIVED, actor=SYSTEM)
    return Member.objects.get(pk=member.pk)


def back_on_the_roll(orgs: Any) -> Member:
    """停止党籍 on 2022-01-01, back 在册 on 2024-06-01."""
    member = add_member(orgs["community"])
    services.member_set_status(member=member, status=MemberStatus.SUSPENDED, changed_on=SUSPENDED,
                               reason="停止党籍决定", actor=SYSTEM)
    services.member_set_status(member=member, status=MemberStatus.ACTIVE, changed_on=RESTORED,
                               reason="恢复党籍决定", actor=SYSTEM)
    return Member.objects.get(pk=member.pk)


def status_of(member: Member) -> str:
    return Member.objects.get(pk=member.pk).status


# --- 变更党籍状态 after a receipt ------------------------------------------------------------

def test_a_status_change_dated_before_the_members_last_receipt_is_refused(orgs):
    member = received_in_2025(orgs)
    with pytest.raises(ValidationError) as refused:
        services.member_set_status(member=member, status=MemberStatus.EXPELLED, changed_on=datetime.date(2020, 1, 1),
                                   reason="除名决定", actor=SYSTEM)
    assert refused.value.message_dict == {"status_changed_on": [BEFORE_RECEIPT]}
    assert status_of(member) == MemberStatus.ACTIVE
    services.member_set_status(member=member, status=MemberStatus.EXPELLED, changed_on=RECEIVED,
                               reason="除名决定", actor=SYSTEM)  # the day of the receipt itself
    assert status_of(member) == MemberStatus.EXPELLED


def test_the_status_step_refuses_a_date_before_the_last_receipt_under_its_field(orgs, client_for, county_a_clerk):
    member = received_in_2025(orgs)
    page = client_for(county_a_clerk).post(f"/admin/members/member/{member.pk}/status/", {
        "status": "expelled", "changed_on": "2020-01-01", "reason": "除名决定"})
    assert page.status_code == 200
    assert page.context["form"].errors["changed_on"] == [BEFORE_RECEIPT]
    assert status_of(member) == MemberStatus.ACTIVE


def test_the_roster_batch_action_refuses_a_date_before_a_members_last_receipt(orgs, client_for, county_a_clerk):
    member = received_in_2025(orgs)
    page = client_for(county_a_clerk).post(reverse("admin:members_member_changelist"), {
        "action": "set_status", "_selected_action": [member.pk], "apply": "1", "status": "expelled",
        "changed_on": "2020-01-01", "reason": "除名决定"}, follow=True)
    assert BEFORE_RECEIPT in page.content.decode()
    assert status_of(member) == MemberStatus.ACTIVE


# --- a transfer started while off the roll -----------------------------------------------

def test_a_transfer_started_before_the_member_came_back_on_the_roll_is_refused(orgs):
    member = back_on_the_roll(orgs)
    with pytest.raises(ValidationError) as refused:
        services.transfer_start(member=member, destination="陕西省西安市某党支部", letter_number="甘转〔2023〕1号",
                                started_on=WHILE_OFF_THE_ROLL, actor=SYSTEM)
    assert refused.value.message_dict == {"started_on": [BEFORE_RESTORED]}
    assert not Transfer.objects.filter(member=member).exists()
    services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="城组转〔2024〕6号",
                            started_on=RESTORED, actor=SYSTEM)  # the day he came back itself
    assert Transfer.objects.filter(member=member).exists()


def test_the_transfer_form_refuses_a_start_before_the_member_came_back_on_the_roll(orgs, client_for, county_a_clerk):
    member = back_on_the_roll(orgs)
    page = client_for(county_a_clerk).post(reverse("admin:members_transfer_add"), {
        "member": member.pk, "to_branch": orgs["county_b"].pk, "destination": "", "letter_number": "甘转〔2023〕2号",
        "started_on": WHILE_OFF_THE_ROLL.isoformat()})
    assert page.status_code == 200
    assert page.context["adminform"].form.errors["started_on"] == [BEFORE_RESTORED]
    assert not Transfer.objects.filter(member=member).exists()


def test_the_members_transfer_step_refuses_a_start_before_the_member_came_back_on_the_roll(
        orgs, client_for, county_a_clerk):
    member = back_on_the_roll(orgs)
    page = client_for(county_a_clerk).post(f"/admin/members/member/{member.pk}/transfer/", {
        "to_branch": orgs["county_b"].pk, "letter_number": "甘转〔2023〕3号",
        "started_on": WHILE_OFF_THE_ROLL.isoformat()})
    assert page.status_code == 200
    assert page.context["form"].errors["started_on"] == [BEFORE_RESTORED]
    assert not Transfer.objects.filter(member=member).exists()
