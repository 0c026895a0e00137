"""The first reminder pass over the demo data (到期提醒): messages in the demo accounts'
inboxes, their digests printed by the console mail backend under ``bin/demo``, and 短信
to the demo accounts' mobile numbers, which the logging backend only writes to the log.

Every registered deadline source has items due in the demo data (each app's demo step
makes them), so this pass has messages from each. The rule for 整改清单事项 asks for 短信
in the demo, so that the 短信 path shows too.
"""

from __future__ import annotations

from orgwork.common.contract import SystemActor
from orgwork.notifications.models import ReminderRule
from orgwork.notifications.services import reminder_rule_save, reminder_rules_ensure_defaults, reminders_send

from . import DemoContext

SMS_SOURCE = "rectification_item"


def build(ctx: DemoContext) -> None:
    reminder_rules_ensure_defaults(actor=ctx.actor)
    rules = ReminderRule.objects.filter(source=SMS_SOURCE, is_active=True).order_by("pk")
    rule = rules.first()
    if rule is not None and not rules.filter(send_sms=True).exists():
        rule.send_sms = True
        reminder_rule_save(rule=rule, actor=ctx.actor)
    counts = reminders_send(actor=SystemActor("send_reminders"))
    ctx.say(f"  站内消息 {counts['notifications']} 条，提醒邮件 {counts['digests']} 封，短信 {counts['texts']} 条"
            f"（发送 {counts['sent']} 封/条，待重试 {counts['failed']} 封/条）")
