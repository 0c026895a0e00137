"""A letter out of the province in its own words: its receipt is dated as the 回执 in the
transfer's trail too, and a letter that comes back unreceived is 介绍信被退回 (no branch here
sends it back), on its page, its form and its trail; the list's 退回介绍信 still takes it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from branches.members import services
from branches.members.models import Member, Transfer, TransferState

from .conftest import days_ago
from .test_step_wording import OUTSIDE, buttons, page, sent, step_url

pytestmark = pytest.mark.django_db


def trail(client: Any, t: Transfer) -> str:
    html = page(client, t)
    return html[html.index('id="record-timeline"'):]


def test_the_trail_of_a_transfer_out_of_the_province_dates_its_receipt_as_the_receipt(orgs, member, client_for,
                                                                                    county_a_clerk):
    client = client_for(county_a_clerk)
    t = sent(member, destination=OUTSIDE)
    services.transfer_receive(transfer=t, received_on=days_ago(2), actor=county_a_clerk)
    shown = trail(client, t)
    assert f"回执日期：（空） → {days_ago(2):%Y-%m-%d}" in shown and "接收日期" not in shown


def test_the_trail_of_a_transfer_inside_the_province_keeps_its_date_of_receipt(orgs, member, client_for,
                                                                              county_b_clerk):
    t = sent(member, to_branch=orgs["county_b"])
    services.transfer_receive(transfer=t, received_on=days_ago(2), actor=county_b_clerk)
    shown = trail(client_for(county_b_clerk), t)
    assert f"接收日期：（空） → {days_ago(2):%Y-%m-%d}" in shown and "回执日期" not in shown


def test_a_letter_out_of_the_province_that_comes_back_is_recorded_as_come_back(orgs, member, client_for,
                                                                             county_a_clerk):
    client = client_for(county_a_clerk)
    t = sent(member, destination=OUTSIDE)
    assert buttons(page(client, t)) == ["receipt", "came-back"]
    form = client.get(step_url(t, "came-back")).content.decode()
    assert "介绍信被退回" in form and "省外党组织未接收" in form and 'value="确认登记介绍信被退回"' in form
    done = client.post(step_url(t, "came-back"), {"reason": "接收单位查无此人"})
    assert done.status_code == 302
    stored = Transfer.objects.get(pk=t.pk)
    assert (stored.state, stored.returned_reason) == (TransferState.RETURNED, "接收单位查无此人")
    assert Member.objects.get(pk=member.pk).branch_id == orgs["community"].pk  # still on this roll
    shown = trail(client, t)
    assert services.TRANSFER_CAME_BACK in shown and "退回介绍信" not in shown


def test_a_letter_inside_the_province_is_still_sent_back_by_the_receiving_branch(orgs, member, client_for,
                                                                               county_b_clerk):
    client = client_for(county_b_clerk)
    t = sent(member, to_branch=orgs["county_b"])
    assert buttons(page(client, t)) == ["receive", "send-back"]
    assert client.get(step_url(t, "came-back")).status_code == 302  # not its step: back to its page
    form = client.get(step_url(t, "send-back")).content.decode()
    assert "退回原因" in form and "已过有效期" in form
    client.post(step_url(t, "send-back"), {"reason": "介绍信抬头有误"})
    assert services.TRANSFER_RETURNED in trail(client, t)


def test_the_lists_send_back_takes_letters_inside_and_out_of_the_province(orgs, member, client_for, county_a_clerk,
                                                                        county_b_clerk):
    away = sent(member, destination=OUTSIDE)
    client = client_for(county_a_clerk)
    client.post(reverse("admin:members_transfer_changelist"),
                {"action": "send_back", "_selected_action": [away.pk], "apply": "1", "reason": "省外党组织未接收"})
    assert Transfer.objects.get(pk=away.pk).state == TransferState.RETURNED
    assert services.TRANSFER_CAME_BACK in trail(client, away)

