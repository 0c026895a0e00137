from typing import Any

from django.core.management.base import BaseCommand

from orgwork.accounts.roles import setup_roles


class Command(BaseCommand):
    help = "创建或刷新角色（用户组）及其权限，可重复执行。"

    def handle(self, *args: Any, **options: Any) -> None:
        for role, count in setup_roles().items():
            self.stdout.write(f"{role}: {count} 项权限")
