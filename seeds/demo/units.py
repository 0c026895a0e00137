"""Demo jurisdiction: 甘肃省, its 14 cities and 86 counties, townships per county."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from orgwork.units.models import Unit, UnitLevel, UnitType
from orgwork.units.services import unit_save

from . import DemoContext

DATA = Path(__file__).resolve().parent.parent / "data" / "gansu_divisions.json"


def ensure_unit(code: str, name: str, parent: Unit | None, unit_type: str, level: str, cache: dict[str, Unit],
                actor: Any) -> Unit:
    unit = cache.get(code)
    if unit is not None and unit.name == name and unit.parent_id == (parent.pk if parent else None):
        return unit
    unit = unit or Unit(code=code)
    unit.name, unit.parent, unit.unit_type, unit.level = name, parent, unit_type, level
    unit_save(unit=unit, actor=actor)
    cache[code] = unit
    return unit


def build(ctx: DemoContext) -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    cache = {u.code: u for u in Unit.objects.all()}
    before = len(cache)
    province = ensure_unit(
        data["province"]["code"], data["province"]["name"], None, UnitType.PARTY_COMMITTEE, UnitLevel.PROVINCE, cache,
        ctx.actor,
    )
    for code, name, unit_type in data["provincial_departments"]:
        ensure_unit(code, name, province, unit_type, UnitLevel.PROVINCE, cache, ctx.actor)
    stems = data["township_stems"]
    per_county = ctx.settings.townships_per_county
    for city_data in data["cities"]:
        city = ensure_unit(city_data["code"], city_data["name"], province, UnitType.PARTY_COMMITTEE, UnitLevel.CITY, cache, ctx.actor)
        # A city without counties (嘉峪关) governs its towns directly.
        for town_code, town_name in city_data.get("towns", []):
            ensure_unit(town_code, town_name, city, UnitType.TOWNSHIP, UnitLevel.TOWNSHIP, cache, ctx.actor)
        for county_code, county_name in city_data["counties"]:
            county = ensure_unit(county_code, county_name, city, UnitType.PARTY_COMMITTEE, UnitLevel.COUNTY, cache, ctx.actor)
            for i in range(per_county):
                stem = stems[i % len(stems)] + ("" if i < len(stems) else str(i // len(stems) + 1))
                kind = "镇" if i % 3 != 2 else "乡"
                ensure_unit(f"{county_code}{i + 1:03d}", f"{stem}{kind}", county, UnitType.TOWNSHIP, UnitLevel.TOWNSHIP, cache, ctx.actor)
    ctx.data["province"] = province
    ctx.say(f"单位：共 {len(cache)} 个（新增 {len(cache) - before} 个）")
