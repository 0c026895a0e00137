"""members_check_arrears (daily): count the month just ended into arrears, then put members
six months behind with their dues on the checklist."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from orgwork.common.contract import SystemActor

from ...services import dues_recount_ended_month, members_check_arrears


class Command(BaseCommand):
    help = "连续6个月不交纳党费且无正当理由的党员，列入整改清单作自行脱党审查（可重复运行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        # Run daily (deploy/orgwork-members-arrears.timer): a month that has just ended
        # falls into arrears first, then the six-month check reads the counters.
        dues_recount_ended_month()
        count = members_check_arrears(actor=SystemActor("members_check_arrears"))
        self.stdout.write(f"连续6个月以上欠缴党费、已列入整改清单的党员：{count} 人")
