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


# ---- the mobile number on the account, and the rules that ask for 短信 ----------------

MOBILE = "13912345678"


@pytest.fixture
def mobiles(personas: dict[str, User]) -> dict[str, User]:
    """County A's clerk with a mobile number; county B's clerk with one too."""
    for name, number in (("county_a_clerk", MOBILE), ("county_b_clerk", "13800001111")):
        personas[name].mobile = number
        personas[name].save(update_fields=["mobile"])
    return personas


@pytest.mark.parametrize("number", ["1391234567", "139123456789", "12912345678", "23912345678", "139-1234-567",
                                    "+8613912345678"])
def test_a_mobile_number_must_be_an_11_digit_mainland_number(number: str, personas: dict[str, User]) -> None:
    from django.core.exceptions import ValidationError

    from orgwork.accounts import services as accounts

    user = User.objects.get(pk=personas["county_a_clerk"].pk)
    user.mobile = number
    with pytest.raises(ValidationError, match="11位中国大陆手机号码"):
        accounts.account_save(actor=personas["system_admin"], user=user)


def test_the_system_administrator_records_a_valid_mobile_number_and_the_trail_keeps_it_masked(
        personas: dict[str, User]) -> None:
    from orgwork.accounts import services as accounts
    from orgwork.audit.models import AuditLog

    user = User.objects.get(pk=personas["county_a_clerk"].pk)
    user.mobile = MOBILE
    accounts.account_save(actor=personas["system_admin"], user=user)
    assert User.objects.get(pk=user.pk).mobile == MOBILE
    entry = AuditLog.objects.filter(object_id=str(user.pk), changes__has_key="mobile").latest("pk")
    assert MOBILE not in str(entry.changes)


def test_the_account_page_shows_the_mobile_masked_unless_the_right_is_granted(
        mobiles: dict[str, User], client_for: Any) -> None:
    from django.contrib.auth.models import Permission
    from django.urls import reverse

    from orgwork.audit.models import AuditAction, AuditLog

    page = reverse("admin:accounts_user_change", args=[mobiles["county_a_clerk"].pk])
    for name in ("system_admin", "city_officer", "security_admin"):
        html = client_for(mobiles[name]).get(page).content.decode()
        assert MOBILE not in html and "139****5678" in html, name
    admin_user = mobiles["system_admin"]
    admin_user.user_permissions.add(Permission.objects.get(codename="view_unmasked_mobile"))
    html = client_for(User.objects.get(pk=admin_user.pk)).get(page).content.decode()
    assert f'value="{MOBILE}"' in html  # editable by who may see it whole
    assert AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, actor=admin_user).count() == 1


def test_a_rule_that_asks_for_sms_texts_the_clerks_mobile_once_a_day_and_no_one_else(
        settings: Any, mobiles: dict[str, User], open_item: Any) -> None:
    import datetime

    from orgwork.notifications.models import ReminderRule

    settings.SMS_BACKEND = "tests.notifications.test_sms.RecordingGateway"
    SENT.clear()
    deadline = datetime.date(2026, 6, 30)
    open_item(deadline=deadline)
    day = deadline - datetime.timedelta(days=3)
    services.reminders_send(actor=SystemActor("t"), today=day)
    assert SENT == []  # the rule does not ask for 短信
    ReminderRule.objects.filter(source="rectification_item").update(send_sms=True)
    first = services.reminders_send(actor=SystemActor("t"), today=day + datetime.timedelta(days=3))
    second = services.reminders_send(actor=SystemActor("t"), today=day + datetime.timedelta(days=3))
    assert first["texts"] == 1 and second["texts"] == 0
    ((phone, text),) = SENT
    assert phone == MOBILE and "整改清单" in text and "1条" in text and "三重一大" not in text
    delivery = Delivery.objects.get(channel=Channel.SMS)
    assert delivery.recipient == mobiles["county_a_clerk"] and delivery.status == DeliveryStatus.SENT


def test_the_delivery_log_shows_a_texts_number_masked(settings: Any, mobiles: dict[str, User],
                                                      client_for: Any) -> None:
    from django.urls import reverse

    delivery = Delivery.objects.create(recipient=mobiles["county_a_clerk"], channel=Channel.SMS, address=MOBILE,
                                       subject="短信提醒", body="您今天有1条到期提醒")
    html = client_for(mobiles["system_admin"]).get(
        reverse("admin:notifications_delivery_change", args=[delivery.pk])).content.decode()
    assert "139****5678" in html and MOBILE not in html


def test_a_text_that_covers_only_the_rules_asking_for_sms_says_the_days_total_beside_them(
        settings: Any, mobiles: dict[str, User]) -> None:
    from orgwork.notifications.models import Notification, ReminderRule, Stage

    clerk = mobiles["county_a_clerk"]
    rectification = ReminderRule.objects.get(source="rectification_item")
    rectification.send_sms = True
    rectification.save()
    weak = ReminderRule.objects.get(source="branches_weak_case")
    for i in range(3):
        Notification.objects.create(recipient=clerk, rule=rectification, source="rectification_item",
                                    source_key=f"r:{i}", stage=Stage.DUE, title=f"整改{i}")
    for i in range(2):
        Notification.objects.create(recipient=clerk, rule=weak, source="branches_weak_case",
                                    source_key=f"w:{i}", stage=Stage.DUE, title=f"整顿{i}")
    assert services.sms_build(actor=SystemActor("t")) == 1
    text = Delivery.objects.get(channel=Channel.SMS, recipient=clerk).body
    assert text.startswith("【组织工作提醒】您今天有5条到期提醒，其中需短信提醒的3条（整改清单事项3条）")
