from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from orgwork.common.contract import SystemActor
from orgwork.exports.services import exports_purge


class Command(BaseCommand):
    help = "删除已过期（申请满7天）的导出文件。每日运行（deploy/orgwork-purge-exports.timer）。"

    def handle(self, *args: Any, **options: Any) -> None:
        purged = exports_purge(actor=SystemActor("purge_exports"))
        self.stdout.write(f"已删除过期导出文件 {purged} 个。")
