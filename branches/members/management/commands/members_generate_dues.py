"""members_generate_dues: the month's dues for every member on the roster (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from orgwork.common import dates
from orgwork.common.contract import SystemActor

from ...services import DUES_BASE_WHERE, dues_generate_month, dues_without_base


class Command(BaseCommand):
    help = "生成某月应交党费（默认本月；已生成的不重复生成）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--month", default="", help="月份，如 2026-03（默认本月）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = dates.parse_date(options["month"]) if options["month"] else dates.today()
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        actor = SystemActor("members_generate_dues")
        try:
            added = dues_generate_month(month=month, actor=actor)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        self.stdout.write(f"{month:%Y年%m月}应交党费：新增 {added} 条")
        if skipped := dues_without_base(month=month, actor=actor):
            self.stderr.write(f"有 {skipped} 名在职或离退休党员未填写党费计算基数，未生成其党费。{DUES_BASE_WHERE}")
