from typing import Any

import time

from django.core.management.base import BaseCommand
from django.db import connection

from orgwork.audit.context import acting_as
from seeds.demo import SCALES, DemoContext, run
from seeds.demo.parallel import tune_session


class Command(BaseCommand):
    help = ("生成演示数据（可重复执行）：演示省份、各级单位、每个角色一个演示账号及各业务演示数据。"
            "--scale province 生成全省规模（约40万干部、500万条三会一课记录），需要 PostgreSQL 才能在10分钟内完成。")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="small", help="数据规模（默认 small）")

    def handle(self, *args: Any, **options: Any) -> None:
        tune_session()
        ctx = DemoContext(scale=options["scale"], stdout=self.stdout)
        with acting_as(ctx.actor, source="command"):
            run(ctx)
        if connection.vendor == "postgresql":
            # Millions of rows went in by COPY: without fresh statistics the first pages
            # are planned for empty tables (a province 台账 took 1.4 s instead of 0.2 s)
            # until autovacuum gets round to them.
            started = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            ctx.say(f"更新数据库统计信息用时 {time.monotonic() - started:.0f} 秒")
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
