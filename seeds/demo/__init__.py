"""The demo data builder, one step per app, run in order by ``seed_demo``.

Each step module has ``build(ctx)``; it must be idempotent (natural keys, get-or-create)
and go through the same services as the admin so that rules and audit rows hold.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

# Order matters: later steps use the units and accounts of earlier ones.
STEPS = [
    "seeds.demo.reference",
    "seeds.demo.units",
    "seeds.demo.accounts",
    "seeds.demo.rectification",
    "seeds.demo.cadres",
    "seeds.demo.supervision",
    "seeds.demo.branches",
    "seeds.demo.talent",
]

SCALES = {
    # townships per county, and a multiplier the domain steps use for their volumes
    "small": {"townships_per_county": 3, "factor": 1},
    "medium": {"townships_per_county": 6, "factor": 10},
    "province": {"townships_per_county": 17, "factor": 400},
}


@dataclass
class DemoContext:
    scale: str
    stdout: Any
    seed: int = 20260101
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def settings(self) -> dict[str, int]:
        return SCALES[self.scale]

    def say(self, text: str) -> None:
        self.stdout.write(text)


def run(ctx: DemoContext) -> None:
    for name in STEPS:
        module = importlib.import_module(name)
        module.build(ctx)
