"""Where the cadre domain's own subpackages (cadres.secondment, …) add to the cadre page
and the 任免审批表 without the registry importing them: each registers from its
``AppConfig.ready``.

- :func:`register_cadre_inline`: a (read-only) inline shown on the cadre's page;
- :func:`register_resume_lines`: ``f(cadre) -> [(start day, line)]``, lines merged into
  the printed 简历 in date order among the typed ones.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

CADRE_INLINES: list[type[Any]] = []
RESUME_SOURCES: list[Callable[[Any], list[tuple[datetime.date, str]]]] = []

_LINE_START = re.compile(r"^\s*(\d{4})[.．](\d{1,2})")


def register_cadre_inline(inline: type[Any]) -> None:
    if inline not in CADRE_INLINES:
        CADRE_INLINES.append(inline)


def register_resume_lines(source: Callable[[Any], list[tuple[datetime.date, str]]]) -> None:
    if source not in RESUME_SOURCES:
        RESUME_SOURCES.append(source)


def merge_resume(typed: list[str], cadre: Any) -> list[str]:
    """The typed 简历 lines with each registered line put before the first typed line that
    starts later (a line without a leading ``YYYY.MM`` stays with the line above it);
    a registered line already typed word for word is not repeated."""
    extra = [(day, line) for source in RESUME_SOURCES for day, line in source(cadre)]
    if not extra:
        return typed
    present = {" ".join(t.split()) for t in typed}
    merged: list[str] = []
    pending = sorted((item for item in extra if " ".join(item[1].split()) not in present), key=lambda i: i[0])
    for line in typed:
        match = _LINE_START.match(line)
        if match:
            start = datetime.date(int(match[1]), min(max(int(match[2]), 1), 12), 1)
            while pending and pending[0][0] < start:
                merged.append(pending.pop(0)[1])
        merged.append(line)
    merged.extend(line for _, line in pending)
    return merged
