from typing import Any

from django.core.management.base import BaseCommand

from orgwork.audit.context import acting_as
from seeds.reference import load_reference


class Command(BaseCommand):
    help = "载入代码表（民族、学历、学位、政治面貌、职务层次、职级、考核等次、管理权限、健康状况），可重复执行。"

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_as(None, source="command"):
            result = load_reference()
        self.stdout.write(self.style.SUCCESS(
            f"代码表已就绪：{result.sets} 个代码集，新增 {result.created} 项，更新 {result.updated} 项，未变 {result.unchanged} 项。"
        ))
