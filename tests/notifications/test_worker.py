"""The reminder pass in a real ``db_worker`` process, mailing through a real SMTP server:
the daily task delivers the digest; a failed mail is retried by the worker on its own
once the server is back."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone

from orgwork.accounts.models import User
from orgwork.notifications.models import Delivery, DeliveryStatus, ReminderRule
from orgwork.notifications.tasks import send_reminders
from orgwork.rectification.models import RectificationItem
from tests.imports.conftest import manage_py, media, start_worker  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def wait_for(check: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the worker")


@pytest.fixture
def worker_mail_env(smtp: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The worker process mails through the test's SMTP server and retries after a second."""
    for name, value in {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                        "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port), "EMAIL_TIMEOUT": "5",
                        "ORGWORK_MAIL_RETRY_SECONDS": "1", "DEBUG": "0"}.items():
        monkeypatch.setenv(name, value)
    yield smtp


@pytest.fixture
def rules() -> None:
    # A transactional test may follow another one's flush, which empties the seeded rules.
    if not ReminderRule.objects.filter(source="rectification_item").exists():
        ReminderRule.objects.create(name="整改清单事项到期提醒", source="rectification_item",
                                    roles=["干部监督", "基层党建", "人才工作"], days_before=7, escalate_after_days=3)


def test_the_worker_sends_the_daily_digest_and_retries_a_failed_mail_until_it_is_delivered(
        worker_mail_env: Any, start_worker: Any, rules: None, with_mail: dict[str, User],
        open_item: Callable[..., RectificationItem]) -> None:
    smtp = worker_mail_env
    open_item(deadline=timezone.localdate() + datetime.timedelta(days=3))
    smtp.stop()
    start_worker()
    send_reminders.enqueue()
    wait_for(lambda: Delivery.objects.filter(status=DeliveryStatus.RETRYING).exists())
    delivery = Delivery.objects.get()
    assert delivery.recipient == with_mail["county_a_clerk"] and delivery.last_error

    smtp.start()
    wait_for(lambda: Delivery.objects.filter(status=DeliveryStatus.SENT).exists(), seconds=90)
    delivery.refresh_from_db()
    assert delivery.attempts >= 2
    assert len(smtp.mailbox.to("county_a_clerk@example.cn")) == 1
    assert "还有3天" in smtp.mailbox.messages[0].get_content()
