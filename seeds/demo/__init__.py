"""The demo data builder, one step per app, run in order by ``seed_demo``.

Each step module has ``build(ctx)``; it must be idempotent (natural keys, get-or-create)
and keep the rules and audit rows of the admin: workflows go through the services,
volume through the bulk paths (``seeds.demo.bulk``: COPY on PostgreSQL, each new row
with its audit row).
"""

from __future__ import annotations

import dataclasses
import importlib
import time
from dataclasses import dataclass, field
from typing import Any

from orgwork.common.contract import SystemActor

# Order matters: later steps use the units and accounts of earlier ones.
STEPS = [
    ("seeds.demo.reference", "代码表"),
    ("seeds.demo.units", "单位"),
    ("seeds.demo.accounts", "演示账号"),
    ("seeds.demo.rectification", "整改清单"),
    ("seeds.demo.cadres", "干部"),
    ("seeds.demo.supervision", "干部监督"),
    ("seeds.demo.selection", "选人用人监督"),
    ("seeds.demo.reserve", "后备干部"),
    ("seeds.demo.training", "教育培训"),
    ("seeds.demo.branches", "党组织"),
    ("seeds.demo.members", "党员与发展党员"),
    ("seeds.demo.talent", "人才工作"),
    ("seeds.demo.imports", "导入任务"),
    # After the import job: it takes the county's latest cadres, which the job adds to, and
    # must find the same number on a second run as on the first.
    ("seeds.demo.secondment", "挂职与驻村"),
    ("seeds.demo.reminders", "到期提醒"),
]


@dataclass(frozen=True)
class Scale:
    """The volumes of one demo size (数据规模), step by step."""

    townships_per_county: int
    cadres_per_county: int
    # Share of cadres whose latest political score is below 80: each opens a rectification item.
    low_score_share: float
    rectification_items: int  # on the demo checklists (the report's 1,731 at province size)
    branches_per_township: int
    branches_per_county: int  # in the county organs, schools, hospitals …
    assessed_branches: int  # standardisation assessed and reviewed through the services
    weak_cases: int
    talent_factor: int  # enrollees per programme = its small-scale number × this, within quotas
    service_cards: int
    liaison_pairs: int
    personal_reports: int  # personal-matters reports in the supervision county
    workers: int  # processes for the cadre and meeting volume (PostgreSQL; see seeds.demo.parallel)


SCALES = {
    "small": Scale(townships_per_county=3, cadres_per_county=15, low_score_share=0.03, rectification_items=58,
                   branches_per_township=2, branches_per_county=2, assessed_branches=300, weak_cases=3,
                   talent_factor=1, service_cards=20, liaison_pairs=12, personal_reports=100, workers=1),
    "medium": Scale(townships_per_county=6, cadres_per_county=150, low_score_share=0.03, rectification_items=577,
                    branches_per_township=20, branches_per_county=20, assessed_branches=3000, weak_cases=30,
                    talent_factor=10, service_cards=200, liaison_pairs=64, personal_reports=300, workers=2),
    # 14 cities, 86 counties, ~1,460 townships; ~400,000 cadres; ~77,000 organisations and
    # ~5 million 三会一课 records a year; ~3,000 talent enrollees; ~2,000 rectification items.
    "province": Scale(townships_per_county=17, cadres_per_county=4650, low_score_share=0.0008,
                      rectification_items=1731, branches_per_township=50, branches_per_county=20,
                      assessed_branches=1000, weak_cases=50, talent_factor=75, service_cards=150, liaison_pairs=64,
                      personal_reports=300, workers=2),
}


@dataclass
class DemoContext:
    scale: str
    stdout: Any
    seed: int = 20260101
    data: dict[str, Any] = field(default_factory=dict)
    # Per-field changes to the scale (tests run the province code paths at a tiny size).
    overrides: dict[str, Any] = field(default_factory=dict)
    # Who the demo data is written by: the system, named in every audit row.
    actor: Any = field(default_factory=lambda: SystemActor("seed_demo"))

    @property
    def settings(self) -> Scale:
        return dataclasses.replace(SCALES[self.scale], **self.overrides)

    def say(self, text: str) -> None:
        self.stdout.write(text)


def run(ctx: DemoContext) -> None:
    started = time.monotonic()
    for name, label in STEPS:
        module = importlib.import_module(name)
        step_started = time.monotonic()
        module.build(ctx)
        ctx.say(f"  {label}用时 {time.monotonic() - step_started:.0f} 秒")
    ctx.say(f"合计用时 {time.monotonic() - started:.0f} 秒")
