"""Talent service cards (人才服务卡) and green-channel requests (绿色通道)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from talent import services

from .conftest import SYSTEM
from talent.models import BenefitArea, RequestStatus
from talent.selectors import requests_overdue

pytestmark = pytest.mark.django_db


def submit(card, area=BenefitArea.SCHOOLING, on=datetime.date(2026, 3, 1), **kwargs):
    return services.green_request_submit(card=card, area=area, content="子女就近入学", submitted_on=on, **kwargs, actor=SYSTEM)


def test_the_deadline_defaults_to_the_areas_promise(make_card) -> None:
    card = make_card()
    assert submit(card, BenefitArea.MEDICAL).deadline == datetime.date(2026, 3, 4)
    assert submit(card, BenefitArea.HOUSEHOLD).deadline == datetime.date(2026, 3, 11)


def test_a_deadline_sooner_than_the_areas_promise_may_be_set_by_hand(make_card) -> None:
    assert submit(make_card(), deadline=datetime.date(2026, 3, 15)).deadline == datetime.date(2026, 3, 15)


def test_a_request_on_an_expired_card_is_refused_with_the_expiry_date(make_card) -> None:
    card = make_card(expires_on=datetime.date(2026, 2, 28))
    with pytest.raises(ValidationError, match="已于 2026-02-28 过期"):
        submit(card)


def test_a_request_before_the_card_was_issued_is_refused(make_card) -> None:
    with pytest.raises(ValidationError, match="此前不能提交"):
        submit(make_card(), on=datetime.date(2024, 12, 31))


def test_a_request_in_an_area_the_card_does_not_open_is_refused(make_card) -> None:
    card = make_card(areas=[BenefitArea.MEDICAL, BenefitArea.TAX])
    with pytest.raises(ValidationError) as error:
        submit(card, BenefitArea.SPOUSE)
    assert "未开通「配偶安置」" in str(error.value) and "已开通：税收、就医" in str(error.value)


def test_a_revoked_card_opens_nothing(make_card) -> None:
    card = make_card()
    card.is_revoked = True
    card.save()
    with pytest.raises(ValidationError, match="已注销"):
        submit(card)


def test_a_card_must_expire_after_it_is_issued(make_card) -> None:
    with pytest.raises(ValidationError, match="有效期必须晚于发卡日期"):
        make_card(issued_on=datetime.date(2026, 1, 1), expires_on=datetime.date(2026, 1, 1))


def test_a_request_is_accepted_completed_and_not_completed_twice(make_card, county_a_clerk) -> None:
    request = submit(make_card())
    services.green_request_accept(request=request, handler=county_a_clerk, actor=SYSTEM)
    services.green_request_complete(request=request, result="已协调入学", on=datetime.date(2026, 3, 10), actor=SYSTEM)
    services.green_request_complete(request=request, result="再次办结", on=datetime.date(2026, 3, 12), actor=SYSTEM)
    request.refresh_from_db()
    assert (request.status, request.handler, request.closed_on, request.result) == (
        RequestStatus.DONE, county_a_clerk, datetime.date(2026, 3, 10), "已协调入学")
    with pytest.raises(ValidationError, match="已办结，不能退回"):
        services.green_request_return(request=request, reason="材料不全", actor=SYSTEM)


def test_a_return_needs_a_reason(make_card) -> None:
    with pytest.raises(ValidationError, match="退回必须说明理由"):
        services.green_request_return(request=submit(make_card()), reason=" ", actor=SYSTEM)


def test_the_overdue_list_holds_open_requests_past_their_deadline(make_card, province_officer) -> None:
    card = make_card()
    late = submit(card, BenefitArea.MEDICAL, on=datetime.date(2026, 3, 1))            # due 03-04
    late_in_hand = submit(card, BenefitArea.TAX, on=datetime.date(2026, 2, 1))        # due 02-21
    services.green_request_accept(request=late_in_hand, actor=SYSTEM)
    done = submit(card, BenefitArea.TRAVEL, on=datetime.date(2026, 3, 1))             # due 03-06
    services.green_request_complete(request=done, actor=SYSTEM)
    returned = submit(card, BenefitArea.HOUSEHOLD, on=datetime.date(2026, 2, 1))
    services.green_request_return(request=returned, reason="不符合条件", actor=SYSTEM)
    not_yet = submit(card, BenefitArea.SETTLING, on=datetime.date(2026, 3, 1))        # due 03-31
    overdue = list(requests_overdue(province_officer, on=datetime.date(2026, 3, 10)))
    assert overdue == [late_in_hand, late]
    assert not_yet.is_overdue_on(datetime.date(2026, 3, 10)) is False
