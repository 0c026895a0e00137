"""talent_apply_reviews: carry out what imported term reviews still lack (reward, exit)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from orgwork.audit.context import acting_as
from orgwork.audit.models import AuditSource
from orgwork.common.contract import SystemActor
from talent.services import term_reviews_apply_pending


class Command(BaseCommand):
    help = "为尚未执行结果的聘期考核发放优秀奖励、办理不合格退出（可重复运行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        actor = SystemActor("talent_apply_reviews")
        with acting_as(actor, source=AuditSource.COMMAND):
            count = term_reviews_apply_pending(actor=actor)
        self.stdout.write(f"已执行聘期考核结果：{count} 条。")
