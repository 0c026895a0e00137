from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from orgwork.audit.models import AuditLog

MIN_RETENTION_DAYS = 180


class Command(BaseCommand):
    help = "删除早于指定天数的审计日志（不少于180天）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--older-than-days", type=int, required=True)
        parser.add_argument("--yes", action="store_true", help="确认删除（否则只统计）")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["older_than_days"]
        if days < MIN_RETENTION_DAYS:
            raise CommandError(f"审计日志至少保留 {MIN_RETENTION_DAYS} 天，不能删除 {days} 天以内的记录。")
        cutoff = timezone.now() - timedelta(days=days)
        old = AuditLog.objects.filter(at__lt=cutoff)
        count = old.count()
        if not options["yes"]:
            self.stdout.write(f"将删除 {count} 条早于 {cutoff:%Y-%m-%d} 的审计日志；加 --yes 执行。")
            return
        deleted, _ = old.delete()
        self.stdout.write(f"已删除 {deleted} 条早于 {cutoff:%Y-%m-%d} 的审计日志。")
