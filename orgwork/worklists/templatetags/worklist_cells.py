"""How a 台账 table shows its cells (台账单元格)."""

from __future__ import annotations

import datetime
from typing import Any

from django import template

from orgwork.common.display import is_long_text

register = template.Library()


@register.filter
def cell_class(value: Any) -> str:
    """The class of a cell: ``nowrap`` for a date or a time, which broken at its hyphen
    (2025- / 03-10) is misread; ``wrap`` for long text, as on the admin's lists
    (:func:`orgwork.common.display.is_long_text`); none for the rest."""
    if isinstance(value, (datetime.date, datetime.time)):
        return "nowrap"
    if is_long_text(value):
        return "wrap"
    return ""
