"""Loading the reference code sets (代码表) from ``seeds/data/reference/*.json``.

Idempotent: items are matched by (code set, code); a changed name, alias list or order
is updated, an unchanged item is left alone (no audit noise), and nothing is deleted,
since records may still carry an old name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from orgwork.codes import lookup
from orgwork.codes.models import CodeItem

DATA_DIR = Path(__file__).resolve().parent / "data" / "reference"


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    sets: int = 0


def reference_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.json"))


@transaction.atomic
def load_reference(paths: list[Path] | None = None) -> LoadResult:
    result = LoadResult()
    for path in paths or reference_files():
        data = json.loads(path.read_text(encoding="utf-8"))
        code_set = data["code_set"]
        existing = {item.code: item for item in CodeItem.objects.select_for_update().filter(code_set=code_set)}
        result.sets += 1
        for order, entry in enumerate(data["items"], start=1):
            wanted = {"name": entry["name"], "aliases": list(entry.get("aliases", [])), "sort_order": order}
            item = existing.get(entry["code"])
            if item is None:
                CodeItem.objects.create(code_set=code_set, code=entry["code"], **wanted)
                result.created += 1
                continue
            changed = [field for field, value in wanted.items() if getattr(item, field) != value]
            if not changed:
                result.unchanged += 1
                continue
            for field in changed:
                setattr(item, field, wanted[field])
            item.save(update_fields=changed)
            result.updated += 1
    lookup.cache_clear()
    return result
