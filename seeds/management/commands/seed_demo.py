from typing import Any

from django.core.management.base import BaseCommand

from orgwork.audit.context import acting_as
from seeds.demo import SCALES, DemoContext, run


class Command(BaseCommand):
    help = "生成演示数据（可重复执行）：演示省份、各级单位、每个角色一个演示账号及各业务演示数据。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="small", help="数据规模（默认 small）")

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_as(None, source="command"):
            run(DemoContext(scale=options["scale"], stdout=self.stdout))
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
