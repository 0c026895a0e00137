"""Demo 后备干部 data: in the supervision county (城关区 when present) a 乡科级正职 and a
乡科级副职 pool, and above it, in its city, a 县处级正职 and a 县处级副职 pool. Eligible cadres
are recommended last spring and inspected (most pass, one fails, the 名额 leaves some
waiting), some are promoted this year (提拔使用), and each pool goes through the yearly
动态调整 — all through the services, so the rules and audit rows hold.

Skipped once the county has a pool: a second run adds nothing. Works on SQLite.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from cadres.models import Cadre, CadreStatus, Rank
from cadres.reserve.models import ExitReason, InspectionConclusion, MemberStatus, ReservePool
from cadres.reserve.selectors import age_on
from cadres.reserve.services import (
    entry_refusals,
    reserve_adjust,
    reserve_exit,
    reserve_inspect,
    reserve_pool_save,
    reserve_recommend,
)
from orgwork.common.contract import SystemActor
from orgwork.units.models import Unit, UnitLevel

from . import DemoContext

SEED = SystemActor("seed_demo")

# (where: "county" or "city", level, quota, age limit)
# The deputies' pools are filled first, from the youngest; the chiefs' from the oldest.
POOLS = [
    ("county", Rank.TOWNSHIP_DEPUTY, 8, 40),
    ("city", Rank.COUNTY_DEPUTY, 5, 48),
    ("county", Rank.TOWNSHIP_CHIEF, 6, 45),
    ("city", Rank.COUNTY_CHIEF, 3, 50),
]


def _county() -> Unit | None:
    preferred = Unit.objects.filter(code__in=("620102", "620102000")).first()
    if preferred is not None:
        return preferred
    return Unit.objects.filter(level=UnitLevel.COUNTY).order_by("code").first()


def _fill(pool: ReservePool, candidates: list[Cadre], used: set[int], today: datetime.date) -> dict[str, int]:
    """Recommend up to the 名额 and two more; inspect all but the last; promote one."""
    recommended_on = datetime.date(today.year - 1, 3, 10)
    inspected_on = datetime.date(today.year - 1, 5, 20)
    counts = {"recommended": 0, "in_pool": 0, "promoted": 0}
    members = []
    for cadre in candidates:
        if counts["recommended"] >= pool.quota + 2:
            break
        if cadre.pk in used or any(entry_refusals(pool=pool, cadre=cadre, on=d) for d in (recommended_on, inspected_on)):
            continue
        members.append(reserve_recommend(pool=pool, cadre=cadre, recommended_by=f"{pool.unit.name}党委（党组）",
                                         recommended_on=recommended_on, recommendation="民主推荐、个别谈话推荐靠前",
                                         actor=SEED))
        used.add(cadre.pk)
        counts["recommended"] += 1
    for index, member in enumerate(members[:-1]):  # the last waits for its 考察
        conclusion = InspectionConclusion.FAILED if index == 2 else InspectionConclusion.PASSED
        if conclusion == InspectionConclusion.PASSED and counts["in_pool"] >= pool.quota:
            continue  # 名额已满: waits
        reserve_inspect(member=member, inspected_on=inspected_on, conclusion=conclusion,
                        opinion="政治坚定，敢于担当，群众公认" if conclusion == InspectionConclusion.PASSED
                        else "群众认可度不高，暂不入库", actor=SEED)
        counts["in_pool"] += member.status == MemberStatus.IN_POOL
    promoted = [m for m in members if m.status == MemberStatus.IN_POOL][:1]
    for member in promoted:
        reserve_exit(member=member, reason=ExitReason.PROMOTED, exited_on=today - datetime.timedelta(days=45),
                     note="经考察提拔任职", actor=SEED)
        counts["promoted"] += 1
    return counts


def build(ctx: DemoContext) -> None:
    county = _county()
    if county is None or county.parent_id is None:
        ctx.say("后备干部：没有县区，跳过。")
        return
    if ReservePool.objects.filter(unit=county).exists():
        ctx.say("后备干部：演示数据已存在。")
        return
    today = timezone.localdate()
    city = county.parent
    candidates = list(
        Cadre.objects.filter(unit__path__startswith=county.path, status=CadreStatus.ACTIVE)
        .select_related("unit").order_by("-birth_month", "id")[:400]
    )
    used: set[int] = set()
    totals = {"recommended": 0, "in_pool": 0, "promoted": 0, "adjusted": 0}
    with transaction.atomic():
        for where, level, quota, age_limit in POOLS:
            unit = county if where == "county" else city
            pool = reserve_pool_save(pool=ReservePool(unit=unit, level=level, quota=quota, age_limit=age_limit),
                                     actor=SEED)
            ordered = sorted(candidates, key=lambda c: age_on(c.birth_month, today),
                             reverse=level in (Rank.TOWNSHIP_CHIEF, Rank.COUNTY_CHIEF))
            for key, value in _fill(pool, ordered, used, today).items():
                totals[key] += value
            totals["adjusted"] += len(reserve_adjust(pool=pool, actor=SEED, on=today))
    ctx.say(f"后备干部：{county.name}及{city.name}后备干部库 {len(POOLS)} 个，推荐 {totals['recommended']} 人，"
            f"入库 {totals['in_pool']} 人，提拔使用 {totals['promoted']} 人，动态调整出库 {totals['adjusted']} 人。")
