"""A green-channel request's 办结时限 is the promise made when it came in: once submitted
it is shown on the request's page, not typed over (an overdue request stays overdue), and
the page's other edits — the 办理诉求 and the 经办人 of an open request — are saved by
``services.green_request_update`` with one audit row."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgwork.audit.models import AuditAction, AuditLog
from talent import services
from talent.models import REQUEST_DEADLINE_FIXED, BenefitArea, GreenChannelRequest
from tests.test_versioning import form_data

from .conftest import SYSTEM
from .test_record_page_steps import audit_rows_since, last_audit_id

pytestmark = pytest.mark.django_db
D = datetime.date


def overdue(make_card: Any) -> GreenChannelRequest:
    """A 待受理 request whose 办结时限 (2026-03-04) has passed."""
    return services.green_request_submit(card=make_card(), area=BenefitArea.MEDICAL, content="预约专家门诊",
                                         submitted_on=D(2026, 3, 1), actor=SYSTEM)


def page(request: GreenChannelRequest) -> str:
    return reverse("admin:talent_greenchannelrequest_change", args=[request.pk])


def test_the_deadline_of_a_submitted_request_is_shown_read_only_with_the_reason(make_card, county_a_clerk,
                                                                                client_for) -> None:
    request = overdue(make_card)
    shown = client_for(county_a_clerk).get(page(request))
    assert "deadline" not in shown.context["adminform"].form.fields
    assert REQUEST_DEADLINE_FIXED in shown.content.decode()


def test_a_later_deadline_posted_on_the_requests_page_leaves_the_request_overdue(make_card, county_a_clerk,
                                                                                 client_for) -> None:
    request = overdue(make_card)
    client = client_for(county_a_clerk)
    data = {**form_data(client.get(page(request))), "deadline": "2027-12-31"}
    assert client.post(page(request), data).status_code == 302
    stored = GreenChannelRequest.objects.get(pk=request.pk)
    assert stored.deadline == D(2026, 3, 4) and stored.is_overdue_on(D(2026, 12, 1))
    overdue_list = client.get(reverse("admin:talent_greenchannelrequest_changelist") + "?overdue=yes")
    assert list(overdue_list.context["cl"].result_list) == [stored]


def test_the_requests_page_saves_its_content_through_the_service_with_one_audit_row(make_card, county_a_clerk,
                                                                                    client_for) -> None:
    request = overdue(make_card)
    client = client_for(county_a_clerk)
    data = {**form_data(client.get(page(request))), "content": "预约心内科专家门诊"}
    last = last_audit_id()
    assert client.post(page(request), data).status_code == 302
    assert GreenChannelRequest.objects.get(pk=request.pk).content == "预约心内科专家门诊"
    assert audit_rows_since(last) == [("greenchannelrequest", str(request.pk), AuditAction.UPDATE)]
    entry = AuditLog.objects.get(pk__gt=last)
    assert (set(entry.changes), entry.actor) == ({"content"}, county_a_clerk)


def test_the_request_record_refuses_a_moved_deadline_on_any_path(make_card) -> None:
    request = GreenChannelRequest.objects.get(pk=overdue(make_card).pk)
    request.deadline = D(2027, 12, 31)
    with pytest.raises(ValidationError) as refused:
        request.full_clean()
    assert refused.value.message_dict == {"deadline": [REQUEST_DEADLINE_FIXED]}


def test_the_update_service_writes_nothing_when_nothing_changed(make_card, county_a_clerk) -> None:
    request = overdue(make_card)
    last = last_audit_id()
    services.green_request_update(request=request, content=request.content, handler=None, actor=county_a_clerk)
    assert audit_rows_since(last) == []


def test_the_update_service_refuses_to_change_a_closed_request(make_card, county_a_clerk) -> None:
    request = services.green_request_complete(request=overdue(make_card), result="已安排就诊", actor=SYSTEM)
    with pytest.raises(ValidationError, match="已办结，不能修改"):
        services.green_request_update(request=request, content="另一诉求", handler=None, actor=county_a_clerk)
    assert GreenChannelRequest.objects.get(pk=request.pk).content == "预约专家门诊"
