"""The demo: accounts with e-mail addresses and mobile numbers, items due in every deadline
source, reminders in the inboxes, digests mailed (to the test outbox here; to the console
under bin/demo) and 短信 handed to the logging backend."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from orgwork.accounts.models import User, validate_mobile
from orgwork.notifications import registry
from orgwork.notifications.models import Channel, Delivery, DeliveryStatus, Notification
from seeds.demo.accounts import ACCOUNTS

pytestmark = pytest.mark.django_db

FULL_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")


def test_the_demo_seeds_addresses_reminders_and_digests_and_a_second_seeding_sends_nothing_new(
        settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out = StringIO()
    call_command("seed_demo", stdout=out)
    clerk = User.objects.get(username="chengguan_cadre")
    assert clerk.email == "chengguan_cadre@demo.orgwork.cn"
    assert Notification.objects.filter(recipient=clerk).exists()
    assert "站内消息" in out.getvalue()
    sent = len(mail.outbox)
    assert sent == Delivery.objects.filter(channel=Channel.MAIL, status=DeliveryStatus.SENT).count() > 0
    for message in mail.outbox:
        assert not FULL_ID.search(message.body)
        # A county clerk's digest names nothing of the other county.
        if message.to == ["chengguan_cadre@demo.orgwork.cn"]:
            assert "七里河区" not in message.body

    # Every deadline source has something due on a fresh demo: its messages are there.
    sources = {s.key for s in registry.all_sources()}
    assert len(sources) >= 8
    assert sources <= set(Notification.objects.values_list("source", flat=True)), (
        sources - set(Notification.objects.values_list("source", flat=True)))
    # Every demo account has a plainly fictitious mobile number of its own; a rule asks for
    # 短信, which go to those numbers (the logging backend: nothing leaves).
    mobiles = dict(User.objects.filter(username__in=[a[0] for a in ACCOUNTS]).values_list("username", "mobile"))
    assert mobiles == {a[0]: a[4] for a in ACCOUNTS}
    assert len(set(mobiles.values())) == len(mobiles) and all(m.startswith("1390000") for m in mobiles.values())
    for number in mobiles.values():
        validate_mobile(number)
    texts = Delivery.objects.filter(channel=Channel.SMS)
    assert texts.exists() and set(texts.values_list("address", flat=True)) <= set(mobiles.values())
    assert set(texts.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    counts = (Notification.objects.count(), Delivery.objects.count())

    call_command("seed_demo", stdout=StringIO())
    assert len(mail.outbox) == sent
    assert (Notification.objects.count(), Delivery.objects.count()) == counts
    assert dict(User.objects.filter(username__in=mobiles).values_list("username", "mobile")) == mobiles
