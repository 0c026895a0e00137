from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from orgwork.accounts.services import staff_create_or_update
from orgwork.audit.context import acting_as


class Command(BaseCommand):
    help = "创建或更新工作人员账号：create_staff <用户名> --unit <单位代码> --role <角色> [--password 密码]"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--unit", required=True, help="所属单位代码")
        parser.add_argument("--role", required=True, help="角色（用户组）名称")
        parser.add_argument("--password", help="初始密码或重置的密码（至少10位，含三类字符；本人下次登录须修改）")

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_as(None, source="command"):
            try:
                user, created = staff_create_or_update(
                    username=options["username"],
                    unit_code=options["unit"],
                    role=options["role"],
                    password=options["password"],
                )
            except ValidationError as exc:
                raise CommandError("；".join(exc.messages)) from exc
        verb = "已创建" if created else "已更新"
        self.stdout.write(f"{verb}账号 {user.username}（{user.unit}，{options['role']}）")
