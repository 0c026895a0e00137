from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cadres import lrmx
from cadres.models import Cadre
from cadres.services import cadre_record_unmasked_view
from orgwork.audit.context import acting_as
from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import record
from orgwork.common import idnumber


class Command(BaseCommand):
    help = "把一名干部导出为任免审批表文件（.lrmx，含完整身份证号）：export_lrmx <身份证号> <文件>"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("id_number", help="干部的身份证号")
        parser.add_argument("file", help="写入的 .lrmx 文件路径")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            number = idnumber.clean(options["id_number"])
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from None
        cadre = Cadre.objects.filter(id_number=number).first()
        if cadre is None:
            raise CommandError(f"没有身份证号为 {idnumber.mask(number)} 的干部。")
        with acting_as(None, source="command"):
            Path(options["file"]).write_bytes(lrmx.export_person(cadre))
            record(cadre, action=AuditAction.EXPORT, message=f"命令行导出任免审批表到 {options['file']}")
            cadre_record_unmasked_view(cadre=cadre, purpose="命令行导出任免审批表")
        self.stdout.write(self.style.SUCCESS(f"已导出 {cadre.name} 的任免审批表到 {options['file']}。"))
