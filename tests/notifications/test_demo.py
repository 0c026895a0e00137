"""The demo: accounts with e-mail addresses, deadlines due, reminders in the inboxes and
digests mailed (to the test outbox here; to the console under bin/demo)."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from orgwork.accounts.models import User
from orgwork.notifications.models import Delivery, DeliveryStatus, Notification

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
    assert sent == Delivery.objects.filter(status=DeliveryStatus.SENT).count() > 0
    for message in mail.outbox:
        assert not FULL_ID.search(message.body)
        # A county clerk's digest names nothing of the other county.
        if message.to == ["chengguan_cadre@demo.orgwork.cn"]:
            assert "七里河区" not in message.body

    call_command("seed_demo", stdout=StringIO())
    assert len(mail.outbox) == sent
