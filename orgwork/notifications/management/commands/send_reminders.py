"""``python manage.py send_reminders``: the daily reminder pass (daily: deploy/orgwork-send-reminders.timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from orgwork.common.contract import SystemActor

from ...services import deliveries_send, reminders_send


class Command(BaseCommand):
    help = "按提醒规则生成站内消息，每人每天汇总发送一封提醒邮件，并重试发送失败的邮件。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--deliver-only", action="store_true", help="只重试待发送的邮件，不生成新的提醒。")
        parser.add_argument("--enqueue", action="store_true", help="交给任务处理进程（db_worker）执行，立即返回。")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = SystemActor("send_reminders")
        if options["enqueue"]:
            from ...tasks import deliver_mail, send_reminders

            result = (deliver_mail if options["deliver_only"] else send_reminders).enqueue()
            self.stdout.write(f"已交给任务处理进程：{result.id}")
            return
        if options["deliver_only"]:
            counts = deliveries_send(actor=actor)
            self.stdout.write(f"邮件：发送{counts['sent']}封，失败待重试{counts['failed']}封。")
            return
        counts = reminders_send(actor=actor)
        self.stdout.write(
            f"新增站内消息{counts['notifications']}条，生成提醒邮件{counts['digests']}封；"
            f"发送{counts['sent']}封，失败待重试{counts['failed']}封。")
