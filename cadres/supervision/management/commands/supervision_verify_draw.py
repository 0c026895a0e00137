"""Re-run a recorded personal-matters draw from its stored seed and population, and each
of its 补充抽取 from its own seed and remaining population, and say whether the results
match what was drawn (抽查结果复核)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from orgwork.audit.context import acting_as

from ...models import SpotCheckDraw, SpotCheckSelection
from ...sampling import population_hash
from ...services import spot_check_redraw, spot_check_supplement_redraw


class Command(BaseCommand):
    help = "按记录的随机种子和抽取总体重新抽取，核对个人有关事项抽查结果。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("draw_id", type=int, help="抽查批次编号")

    def handle(self, *args: Any, draw_id: int, **options: Any) -> None:
        with acting_as(None, source="command"):
            draw = SpotCheckDraw.objects.filter(pk=draw_id).first()
            if draw is None:
                raise CommandError(f"抽查批次 {draw_id} 不存在。")
            if population_hash(draw.population) != draw.population_hash:
                raise CommandError("抽取总体与记录的摘要不一致：总体记录已被改动。")
            recorded = sorted(
                draw.checks.filter(selection=SpotCheckSelection.RANDOM, supplement__isnull=True)
                .values_list("cadre_id", flat=True)
            )
            again = spot_check_redraw(draw)
            if again != recorded:
                raise CommandError(f"重新抽取结果 {again} 与记录 {recorded} 不一致。")
            self.stdout.write(f"{draw}：总体 {draw.population_size} 人，重新抽取 {len(again)} 人，与记录一致。")
            for supplement in draw.supplements.order_by("sequence"):
                name = f"第{supplement.sequence}次补充抽取"
                if population_hash(supplement.population) != supplement.population_hash:
                    raise CommandError(f"{name}的抽取总体与记录的摘要不一致：总体记录已被改动。")
                recorded = sorted(supplement.checks.values_list("cadre_id", flat=True))
                again = spot_check_supplement_redraw(supplement)
                if again != recorded:
                    raise CommandError(f"{name}重新抽取结果 {again} 与记录 {recorded} 不一致。")
                self.stdout.write(f"{name}：尚未抽取的总体 {supplement.population_size} 人，"
                                  f"重新抽取 {len(again)} 人，与记录一致。")
