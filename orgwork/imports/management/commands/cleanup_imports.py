"""``python manage.py cleanup_imports``: close abandoned or interrupted import jobs and
remove their uploaded files. Run it daily (cron/systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from orgwork.audit.context import acting_as
from orgwork.audit.models import AuditSource
from orgwork.imports.services import jobs_cleanup


class Command(BaseCommand):
    help = "关闭超时未完成的导入任务并删除遗留的上传文件。"

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_as(None, source=AuditSource.COMMAND):
            count = jobs_cleanup()
        self.stdout.write(f"已关闭 {count} 个超时的导入任务。")
