"""The first reminder pass over the demo data (到期提醒): messages in the demo accounts'
inboxes, and their digests printed by the console mail backend under ``bin/demo``."""

from __future__ import annotations

from orgwork.common.contract import SystemActor
from orgwork.notifications.services import reminder_rules_ensure_defaults, reminders_send

from . import DemoContext


def build(ctx: DemoContext) -> None:
    reminder_rules_ensure_defaults(actor=ctx.actor)
    counts = reminders_send(actor=SystemActor("send_reminders"))
    ctx.say(f"  站内消息 {counts['notifications']} 条，提醒邮件 {counts['digests']} 封"
            f"（发送 {counts['sent']} 封，待重试 {counts['failed']} 封）")
