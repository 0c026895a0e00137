from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cadres import lrmx
from orgwork.accounts.models import User
from orgwork.audit.context import acting_as
from orgwork.units.scope import units_visible_to


class Command(BaseCommand):
    help = (
        "导入任免审批表文件（.lrmx）：按身份证号匹配 --user 管辖范围内的干部，已登记的更新，未登记的新增。"
        "不加 --commit 时只检查并列出变更，不写入。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help=".lrmx 文件路径")
        parser.add_argument("--user", required=True, help="以哪位工作人员的身份和管辖范围导入（用户名）")
        parser.add_argument("--unit", default="", help="新干部登记到的单位代码（默认为该工作人员所在单位）")
        parser.add_argument("--commit", action="store_true", help="确认写入；不加时为试导入")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).select_related("unit").first()
        if user is None:
            raise CommandError(f"没有名为「{options['user']}」的在用工作人员账号。")
        unit = None
        if options["unit"]:
            unit = units_visible_to(user).filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"单位「{options['unit']}」不存在或不在 {user.username} 的管辖范围内。")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}。")
        with acting_as(user, source="command"):
            try:
                person = lrmx.parse(path.read_bytes())
                outcome = lrmx.import_person(person, user=user, unit=unit, commit=options["commit"])
            except ValidationError as exc:
                raise CommandError("文件未导入：\n" + "\n".join(f"  - {m}" for m in exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(outcome.summary()) if outcome.committed else outcome.summary())
        if not outcome.committed:
            self.stdout.write("确认无误后加 --commit 重新执行以写入。")
