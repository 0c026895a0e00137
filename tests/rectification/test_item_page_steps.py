"""The workflow steps on the item's own page: the buttons its state allows, each through the service."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from orgwork.audit.models import AuditAction, AuditLog
from orgwork.rectification.models import ItemState, RectificationItem
from tests.steps import assert_step_unavailable

pytestmark = pytest.mark.django_db


def page(item: RectificationItem) -> str:
    return reverse("admin:rectification_rectificationitem_change", args=[item.pk])


def step_url(item: RectificationItem, name: str) -> str:
    return reverse(f"admin:rectification_rectificationitem_{name}", args=[item.pk])


def test_an_item_in_progress_offers_closure_and_extension_on_its_page_and_nothing_else(
        item_in: Any, county_a_clerk: Any, client_for: Any) -> None:
    item = item_in(ItemState.IN_PROGRESS)
    html = client_for(county_a_clerk).get(page(item)).content.decode()
    assert step_url(item, "request_closure_step") in html and step_url(item, "extend_step") in html
    for absent in ("approve_step", "reopen_step", "start_step", "send_back_step"):
        assert step_url(item, absent) not in html


def test_closure_is_requested_from_the_items_page_with_one_audit_row(item_in: Any, county_a_clerk: Any,
                                                                     client_for: Any) -> None:
    item = item_in(ItemState.IN_PROGRESS)
    client = client_for(county_a_clerk)
    assert client.get(step_url(item, "request_closure_step")).status_code == 200
    last = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.post(step_url(item, "request_closure_step"), {"account": "已修订议事规则并印发执行。"})
    assert response.status_code == 302 and response["Location"] == page(item)
    item.refresh_from_db()
    assert item.state == ItemState.CLOSURE_REQUESTED
    rows = AuditLog.objects.filter(pk__gt=last, object_id=str(item.pk))
    assert [r.action for r in rows] == [AuditAction.TRANSITION]


def test_an_extension_without_a_reason_comes_back_on_its_form(item_in: Any, county_a_clerk: Any,
                                                              client_for: Any) -> None:
    item = item_in(ItemState.IN_PROGRESS)
    response = client_for(county_a_clerk).post(step_url(item, "extend_step"),
                                               {"new_deadline": "2026-09-30", "reason": ""})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    item.refresh_from_db()
    assert item.deadline == datetime.date(2026, 6, 30)


def test_a_step_the_state_does_not_allow_is_refused_even_by_its_url(item_in: Any, city_officer: Any,
                                                                   client_for: Any) -> None:
    item = item_in(ItemState.IN_PROGRESS)
    assert_step_unavailable(client_for(city_officer), step_url(item, "approve_step"), {"note": ""})
    item.refresh_from_db()
    assert item.state == ItemState.IN_PROGRESS


def test_the_reviewer_strikes_off_from_the_items_page(
        item_in: Any, city_officer: Any, county_a_clerk: Any, client_for: Any) -> None:
    item = item_in(ItemState.CLOSURE_REQUESTED)
    response = client_for(city_officer).post(step_url(item, "approve_step"), {"note": "核实到位"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == ItemState.CLOSED


def test_a_clerk_of_another_county_cannot_open_a_step_of_the_item(item_in: Any, county_b_clerk: Any,
                                                                  client_for: Any) -> None:
    item = item_in(ItemState.IN_PROGRESS)
    assert client_for(county_b_clerk).get(step_url(item, "request_closure_step")).status_code in (403, 404)


def test_an_overdue_item_reads_as_overdue_in_red_words_not_a_green_tick(item_in: Any, county_a_clerk: Any,
                                                                       client_for: Any) -> None:
    item_in(ItemState.IN_PROGRESS, deadline=datetime.date(2026, 3, 2))
    html = client_for(county_a_clerk).get(reverse("admin:rectification_rectificationitem_changelist")).content.decode()
    assert '<span class="orgwork-warning">已逾期</span>' in html
    assert "icon-yes" not in html
