"""短信 behind one interface: the logging backend by default, any class by setting."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from orgwork.accounts.models import User
from orgwork.common.contract import SystemActor
from orgwork.notifications import services, sms
from orgwork.notifications.models import Channel, Delivery, DeliveryStatus

pytestmark = pytest.mark.django_db
SENT: list[tuple[str, str]] = []


class RecordingGateway:
    fail = False

    def send(self, phone: str, text: str) -> None:
        if RecordingGateway.fail:
            raise ConnectionError("短信网关无响应")
        SENT.append((phone, text))


def test_the_default_sms_backend_only_logs_a_masked_number(caplog: Any) -> None:
    backend = sms.get_backend()
    assert isinstance(backend, sms.LoggingBackend)
    with caplog.at_level(logging.WARNING, logger="orgwork.sms"):
        backend.send("13912345678", "您有2条到期提醒")
    assert "139****5678" in caplog.text and "13912345678" not in caplog.text


def test_an_sms_delivery_goes_through_the_configured_gateway_and_is_retried_when_it_fails(
        settings: Any, county_a_clerk: User) -> None:
    settings.SMS_BACKEND = "tests.notifications.test_sms.RecordingGateway"
    SENT.clear()
    delivery = Delivery.objects.create(recipient=county_a_clerk, channel=Channel.SMS, address="13912345678",
                                       subject="提醒", body="您有2条到期提醒，请登录系统查看。")
    RecordingGateway.fail = True
    try:
        assert services.deliveries_send(actor=SystemActor("t"))["failed"] == 1
    finally:
        RecordingGateway.fail = False
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING and "短信网关无响应" in delivery.last_error
    services.deliveries_send(actor=SystemActor("t"), now=delivery.next_try_at)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert SENT == [("13912345678", "您有2条到期提醒，请登录系统查看。")]
