"""Reading code sets: canonical names, aliases, validation of typed values.

Each set is read once per process and kept for ``TTL`` seconds (a save or delete of a
``CodeItem`` in this process clears it at once), so validating a million rows costs
one query per set, not one per cell.
"""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

TTL = 300.0


@dataclass(frozen=True)
class CodeSet:
    code_set: str
    names: tuple[str, ...]
    codes: dict[str, str]  # name → code
    lookup: dict[str, str]  # name, code or alias → name

    def resolve(self, value: Any, *, label: str = "") -> str:
        """The canonical name for ``value`` (a name, code or alias); "" for blank.

        An empty set (not loaded yet by ``seed_reference``) checks nothing and keeps
        the value as typed.
        """
        if value in self.codes:  # already the canonical name: the common case on import
            return value  # type: ignore[no-any-return]
        if value is None or value == "":
            return ""
        text = normalise(value)
        if not text:
            return ""
        if not self.names:
            return text
        found = self.lookup.get(text)
        if found is None:
            shown = "、".join(self.names[:12]) + ("等" if len(self.names) > 12 else "")
            raise ValidationError(
                f"{label or '取值'}「{text}」不在代码表中，可填写：{shown}。", code="invalid_code"
            )
        return found

    def code_of(self, name: str) -> str:
        return self.codes.get(name, "")


_cache: dict[str, tuple[float, CodeSet]] = {}


def normalise(value: Any) -> str:
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")


def code_set(name: str) -> CodeSet:
    hit = _cache.get(name)
    now = time.monotonic()
    if hit is not None and now - hit[0] < TTL:
        return hit[1]
    from .models import CodeItem

    rows = list(CodeItem.objects.filter(code_set=name).order_by("sort_order", "code").values_list("code", "name", "aliases"))
    lookup: dict[str, str] = {}
    for code, item_name, aliases in rows:
        lookup[code] = item_name
        for alias in aliases or ():
            lookup.setdefault(normalise(alias), item_name)
    for _, item_name, _ in rows:  # a name always wins over someone else's alias
        lookup[item_name] = item_name
    loaded = CodeSet(name, tuple(r[1] for r in rows), {r[1]: r[0] for r in rows}, lookup)
    _cache[name] = (now, loaded)
    return loaded


def resolve(set_name: str, value: Any, *, label: str = "") -> str:
    return code_set(set_name).resolve(value, label=label)


def resolve_fields(instance: Any, fields: tuple[tuple[str, str, str], ...]) -> dict[str, str]:
    """Each ``(field, code set, label)`` of ``instance`` set to its canonical name, as a
    model's ``clean`` does before the field validators run; returns ``{field: message}``
    for values that are in no code set. A value already canonical (what a form's or a
    sheet's widget has resolved), or blank, is left as it is at the cost of one lookup."""
    errors: dict[str, str] = {}
    for field, set_name, label in fields:
        value = getattr(instance, field)
        if value == "":  # blank stays blank (None still becomes "")
            continue
        known = code_set(set_name)
        if value in known.codes:
            continue
        try:
            setattr(instance, field, known.resolve(value, label=label))
        except ValidationError as exc:
            errors[field] = exc.messages[0]
    return errors


def cache_clear() -> None:
    _cache.clear()


def on_change(**kwargs: Any) -> None:
    cache_clear()
