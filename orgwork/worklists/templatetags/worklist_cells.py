"""How a 台账 table shows its cells (台账单元格)."""

from __future__ import annotations

import datetime
from typing import Any

from django import template

register = template.Library()

# Text longer than this many characters (a checklist's full title, a unit's full name) may
# break between any two characters; shorter text (乡科级正职, 城关区第1党支部) stays whole.
LONG_TEXT = 12


@register.filter
def cell_class(value: Any) -> str:
    """The class of a cell: ``nowrap`` for a date or a time, which broken at its hyphen
    (2025- / 03-10) is misread; ``wrap`` for long text, which would otherwise hold its
    column as wide as the whole text; none for the rest."""
    if isinstance(value, (datetime.date, datetime.time)):
        return "nowrap"
    if isinstance(value, str) and len(value) > LONG_TEXT:
        return "wrap"
    return ""
