"""A masked number typed into a step's reason is refused by the service's one write door
(``save_audited``), on the record page's step, the list's batch action and the service
alike: a 退回原因 with 联系人 139****5678 copied from the roster would keep its stars."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members import services
from branches.members.models import Transfer, TransferState
from orgwork.common import secrets

from .test_step_wording import OUTSIDE, sent, step_url

pytestmark = pytest.mark.django_db
COPIED = "介绍信抬头有误，请联系 139****5678"


def test_a_send_back_reason_holding_a_masked_phone_is_refused_by_the_service(orgs, member, county_a_clerk):
    t = sent(member, destination=OUTSIDE)
    with pytest.raises(ValidationError) as refused:
        services.transfer_return(transfer=t, reason=COPIED, actor=county_a_clerk)
    assert refused.value.message_dict == {"returned_reason": [secrets.MASKED_IN_TYPED_TEXT]}
    assert Transfer.objects.get(pk=t.pk).state == TransferState.IN_TRANSIT


def test_the_record_pages_came_back_step_shows_the_refusal_and_changes_nothing(orgs, member, client_for,
                                                                             county_a_clerk):
    t = sent(member, destination=OUTSIDE)
    response = client_for(county_a_clerk).post(step_url(t, "came-back"), {"reason": COPIED}, follow=True)
    assert secrets.MASKED_IN_TYPED_TEXT in response.content.decode()
    stored = Transfer.objects.get(pk=t.pk)
    assert (stored.state, stored.returned_reason) == (TransferState.IN_TRANSIT, "")


def test_the_lists_send_back_refuses_a_masked_number_for_each_letter(orgs, member, client_for, county_a_clerk):
    t = sent(member, destination=OUTSIDE)
    response = client_for(county_a_clerk).post(
        reverse("admin:members_transfer_changelist"),
        {"action": "send_back", "_selected_action": [t.pk], "apply": "1", "reason": "退回：620102********123X 不符"},
        follow=True)
    assert secrets.MASKED_IN_TYPED_TEXT in response.content.decode()
    assert Transfer.objects.get(pk=t.pk).state == TransferState.IN_TRANSIT


def test_a_reason_with_the_whole_number_is_taken(orgs, member, county_a_clerk):
    t = sent(member, destination=OUTSIDE)
    services.transfer_return(transfer=t, reason="介绍信抬头有误，请联系 13912345678", actor=county_a_clerk)
    assert Transfer.objects.get(pk=t.pk).state == TransferState.RETURNED
