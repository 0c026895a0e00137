from typing import Any

from django.core.management.base import BaseCommand

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
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
