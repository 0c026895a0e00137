"""Reference code sets first: the cadre and branch steps validate against them."""

from __future__ import annotations

from seeds.reference import load_reference

from . import DemoContext


def build(ctx: DemoContext) -> None:
    result = load_reference()
    ctx.say(f"代码表：{result.sets} 个代码集（新增 {result.created} 项，更新 {result.updated} 项）")
