"""talent_expire_terms: mark enrollees whose term has ended as 期满 (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from orgwork.audit.context import acting_as
from orgwork.audit.models import AuditSource
from orgwork.common.contract import SystemActor
from orgwork.common.dates import parse_date
from talent.services import enrollments_expire_terms


class Command(BaseCommand):
    help = "把聘期已结束的在册人员标记为期满（可重复运行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", help="按此日期判断是否期满（默认今天，不能晚于今天），如 2026-12-31。")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            on = parse_date(options["on"], need_day=True) if options.get("on") else None
        except ValidationError as error:
            raise CommandError(f"--on 不是有效的日期：{' '.join(error.messages)}") from None
        actor = SystemActor("talent_expire_terms")
        try:
            with acting_as(actor, source=AuditSource.COMMAND):
                count = enrollments_expire_terms(on=on, actor=actor)
        except ValidationError as error:
            # A day not yet come (services.expiry_day_error): nothing is marked.
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"聘期期满：{count} 人。")
