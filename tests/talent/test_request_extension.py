"""延期 of a green-channel request: once, while 办理中, before its 办结时限 passes, with a
reason, no further than the area's promise again; the 原办结时限 is kept and shown. The
service, the button on the request's page and the list's batch action hold the same rule,
the record and the database refuse an extension without its parts, and the reminders
start again against the later 办结时限."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from orgwork.audit.models import AuditAction, AuditLog
from talent import services
from talent.models import REQUEST_DEADLINE_FIXED, BenefitArea, GreenChannelRequest, RequestStatus
from talent.worklists import green_requests_due
from tests.steps import assert_step_unavailable

from .conftest import SYSTEM
from .test_record_page_steps import audit_rows_since, last_audit_id, page, step_url

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
REASON = "需会同公安部门核实，延期办理并已告知持卡人。"


def today() -> datetime.date:
    return timezone.localdate()


def processing(make_card: Any, area: str = BenefitArea.HOUSEHOLD, submitted_on: datetime.date | None = None
               ) -> GreenChannelRequest:
    """A 户籍 request (10 days) submitted two days ago and accepted: due in eight days."""
    request = services.green_request_submit(card=make_card(), area=area, content="办理落户",
                                            submitted_on=submitted_on or today() - 2 * DAY, actor=SYSTEM)
    return services.green_request_accept(request=request, actor=SYSTEM)


def test_an_extension_moves_the_deadline_keeps_the_old_one_and_writes_one_audit_row(make_card) -> None:
    request = processing(make_card)
    promised = request.deadline
    last = last_audit_id()
    services.green_request_extend(request=request, deadline=promised + 5 * DAY, reason=f"  {REASON} ", actor=SYSTEM)
    stored = GreenChannelRequest.objects.get(pk=request.pk)
    assert (stored.deadline, stored.original_deadline, stored.extended_on, stored.extension_reason) == (
        promised + 5 * DAY, promised, today(), REASON)
    assert audit_rows_since(last) == [("greenchannelrequest", str(request.pk), AuditAction.TRANSITION)]
    entry = AuditLog.objects.get(pk__gt=last)
    assert entry.message == f"延期：办结时限由 {promised} 延至 {promised + 5 * DAY}（{REASON}）"
    assert set(entry.changes) == {"deadline", "original_deadline", "extended_on", "extension_reason"}


def test_the_same_extension_asked_twice_changes_nothing_the_second_time(make_card) -> None:
    request = processing(make_card)
    later = request.deadline + 3 * DAY
    services.green_request_extend(request=request, deadline=later, reason=REASON, actor=SYSTEM)
    last = last_audit_id()
    services.green_request_extend(request=request, deadline=later, reason=REASON, actor=SYSTEM)
    assert audit_rows_since(last) == []


def test_a_request_is_extended_once_only(make_card) -> None:
    request = processing(make_card)
    promised = request.deadline
    services.green_request_extend(request=request, deadline=promised + 3 * DAY, reason=REASON, actor=SYSTEM)
    with pytest.raises(ValidationError) as refused:
        services.green_request_extend(request=request, deadline=promised + 6 * DAY, reason="再延", actor=SYSTEM)
    assert refused.value.message_dict["status"] == [
        f"事项「{request}」已于 {today()} 延期一次（办结时限由 {promised} 延至 {promised + 3 * DAY}），不能再次延期。"]


def test_a_pending_or_settled_request_cannot_be_extended(make_card) -> None:
    pending = services.green_request_submit(card=make_card(), area=BenefitArea.HOUSEHOLD, content="落户",
                                            submitted_on=today(), actor=SYSTEM)
    with pytest.raises(ValidationError) as refused:
        services.green_request_extend(request=pending, deadline=pending.deadline + DAY, reason=REASON, actor=SYSTEM)
    assert refused.value.message_dict["status"] == [f"事项「{pending}」待受理，须先受理，办理中确需延长的才能延期。"]
    settled = services.green_request_complete(request=processing(make_card), result="已落户", actor=SYSTEM)
    with pytest.raises(ValidationError) as refused:
        services.green_request_extend(request=settled, deadline=settled.deadline + DAY, reason=REASON, actor=SYSTEM)
    assert refused.value.message_dict["status"] == [f"事项「{settled}」已办结，不能延期。"]


def test_an_overdue_request_cannot_be_extended_and_stays_overdue(make_card) -> None:
    request = processing(make_card, area=BenefitArea.MEDICAL, submitted_on=today() - 10 * DAY)  # due 7 days ago
    with pytest.raises(ValidationError) as refused:
        services.green_request_extend(request=request, deadline=today() + DAY, reason=REASON, actor=SYSTEM)
    assert refused.value.message_dict["extended_on"] == [
        f"事项「{request}」已于 {request.deadline} 超过办结时限，不能再延期：超期的事项如实显示为已超期，请尽快办结或退回。"]
    assert GreenChannelRequest.objects.get(pk=request.pk).is_overdue_on(today())


def test_on_its_last_day_a_request_can_still_be_extended(make_card) -> None:
    request = processing(make_card, area=BenefitArea.MEDICAL, submitted_on=today() - 3 * DAY)  # due today
    services.green_request_extend(request=request, deadline=today() + 2 * DAY, reason=REASON, actor=SYSTEM)
    assert GreenChannelRequest.objects.get(pk=request.pk).deadline == today() + 2 * DAY


def test_the_new_deadline_is_later_and_no_further_than_the_areas_promise_again(make_card) -> None:
    request = processing(make_card)  # 户籍: 10 days
    promised = request.deadline
    with pytest.raises(ValidationError) as refused:
        services.green_request_extend(request=request, deadline=promised, reason=REASON, actor=SYSTEM)
    assert refused.value.message_dict["deadline"] == [f"延期后的办结时限须晚于原办结时限 {promised}。"]
    with pytest.raises(ValidationError) as refused:
        services.green_request_extend(request=request, deadline=promised + 11 * DAY, reason=REASON, actor=SYSTEM)
    assert refused.value.message_dict["deadline"] == [
        f"延期不能超过「户籍」事项10天的办结承诺：原办结时限 {promised} 的事项至迟延至 {promised + 10 * DAY}。"]
    services.green_request_extend(request=request, deadline=promised + 10 * DAY, reason=REASON, actor=SYSTEM)


def test_an_extension_needs_a_reason_and_a_day_that_has_come(make_card) -> None:
    request = processing(make_card)
    with pytest.raises(ValidationError) as refused:
        services.green_request_extend(request=request, deadline=request.deadline + DAY, reason="  ", actor=SYSTEM)
    assert refused.value.message_dict == {"extension_reason": ["延期必须说明理由。"]}
    with pytest.raises(ValidationError) as refused:  # the checks of every text field hold here too
        services.green_request_extend(request=request, deadline=request.deadline + DAY, reason="。。。", actor=SYSTEM)
    assert list(refused.value.message_dict) == ["extension_reason"]
    with pytest.raises(ValidationError) as refused:
        services.green_request_extend(request=request, deadline=request.deadline + DAY, reason=REASON, actor=SYSTEM,
                                      on=today() + DAY)
    assert refused.value.message_dict == {"extended_on": ["延期日期不能晚于今天。"]}
    assert GreenChannelRequest.objects.get(pk=request.pk).extended_on is None


def test_the_record_and_the_database_refuse_a_deadline_moved_without_an_extension(make_card) -> None:
    request = GreenChannelRequest.objects.get(pk=processing(make_card).pk)
    request.deadline += 3 * DAY
    with pytest.raises(ValidationError) as refused:
        request.full_clean()
    assert refused.value.message_dict["deadline"] == [REQUEST_DEADLINE_FIXED]
    with pytest.raises(IntegrityError), transaction.atomic():  # an extension without its reason
        GreenChannelRequest.objects.filter(pk=request.pk).update(
            original_deadline=request.deadline - 3 * DAY, extended_on=today())


def test_the_requests_page_extends_it_by_its_button_and_shows_the_old_deadline(
        make_card, county_a_clerk, client_for) -> None:
    request = processing(make_card)
    promised = request.deadline
    client = client_for(county_a_clerk)
    assert step_url(request, "extend_step") in client.get(page(request)).content.decode()
    too_far = client.post(step_url(request, "extend_step"),
                          {"deadline": str(promised + 30 * DAY), "reason": REASON})
    assert too_far.status_code == 200
    assert "延期不能超过「户籍」事项10天的办结承诺" in too_far.content.decode()
    no_reason = client.post(step_url(request, "extend_step"), {"deadline": str(promised + DAY), "reason": ""})
    assert no_reason.status_code == 200 and "errorlist" in no_reason.content.decode()
    assert GreenChannelRequest.objects.get(pk=request.pk).extended_on is None
    done = client.post(step_url(request, "extend_step"), {"deadline": str(promised + 4 * DAY), "reason": REASON})
    assert done.status_code == 302
    html = client.get(page(request)).content.decode()
    assert "原办结时限" in html and str(promised) in html and REASON in html
    assert step_url(request, "extend_step") not in html  # once only
    listed = strip_tags(client.get(reverse("admin:talent_greenchannelrequest_changelist")).content.decode())
    assert f"{promised + 4 * DAY}（由 {promised} 延期）" in listed


def test_an_overdue_request_offers_no_extension_on_its_page(make_card, county_a_clerk, client_for) -> None:
    request = processing(make_card, area=BenefitArea.MEDICAL, submitted_on=today() - 10 * DAY)
    client = client_for(county_a_clerk)
    html = client.get(page(request)).content.decode()
    assert step_url(request, "extend_step") not in html and step_url(request, "complete_step") in html
    assert_step_unavailable(client, step_url(request, "extend_step"), {"deadline": str(today() + DAY), "reason": REASON})
    assert GreenChannelRequest.objects.get(pk=request.pk).extended_on is None


def test_the_lists_extend_action_reports_the_refused_request_by_name(make_card, county_a_clerk, client_for) -> None:
    accepted = processing(make_card)
    pending = services.green_request_submit(card=make_card(), area=BenefitArea.HOUSEHOLD, content="落户",
                                            submitted_on=today(), actor=SYSTEM)
    new_deadline = accepted.deadline + 2 * DAY
    response = client_for(county_a_clerk).post(reverse("admin:talent_greenchannelrequest_changelist"), {
        "action": "extend", "_selected_action": [accepted.pk, pending.pk], "apply": "1",
        "deadline": str(new_deadline), "reason": REASON})
    assert response.status_code == 302
    assert GreenChannelRequest.objects.get(pk=accepted.pk).deadline == new_deadline
    assert GreenChannelRequest.objects.get(pk=pending.pk).status == RequestStatus.PENDING
    (message,) = [strip_tags(str(m)) for m in get_messages(response.wsgi_request)]
    assert message.startswith("延期：已办理 1 条，未办理 1 条。") and "须先受理" in message


def test_an_extended_request_is_a_new_reminder_item_against_its_later_deadline(make_card) -> None:
    request = processing(make_card)
    promised = request.deadline
    assert [(item.pk, item.deadline) for item in green_requests_due(promised)] == [(request.pk, promised)]
    services.green_request_extend(request=request, deadline=promised + 5 * DAY, reason=REASON, actor=SYSTEM)
    assert list(green_requests_due(promised)) == []
    (item,) = green_requests_due(promised + 5 * DAY)
    assert (item.pk, item.deadline, item.title.endswith("（已延期）")) == (-request.pk, promised + 5 * DAY, True)
