"""SMS (短信) behind one small interface.

``get_backend()`` returns the backend named by ``settings.SMS_BACKEND`` (a dotted path
to a class with ``send(phone, text) -> None`` that raises on failure). The default,
:class:`LoggingBackend`, writes the message to the log and sends nothing. A real 短信
gateway plugs in as a class of its own (see README, 消息提醒).
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from orgwork.common.secrets import mask_phone, mask_text

logger = logging.getLogger("orgwork.sms")


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LoggingBackend:
    """Sends nothing: logs the masked number and the text."""

    def send(self, phone: str, text: str) -> None:
        logger.warning("短信（未发送，日志后端）%s：%s", mask_phone(phone), mask_text(text))


def get_backend() -> SmsBackend:
    path = getattr(settings, "SMS_BACKEND", "") or "orgwork.notifications.sms.LoggingBackend"
    return import_string(path)()
