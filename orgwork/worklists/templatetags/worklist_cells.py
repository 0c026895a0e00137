"""How a 台账 table shows its cells (台账单元格)."""

from __future__ import annotations

import datetime
from typing import Any

from django import template

register = template.Library()


@register.filter
def one_line(value: Any) -> bool:
    """Whether a cell stays on one line: a date or a time broken at its hyphen (2025- /
    03-10) is misread and doubles the height of its row."""
    return isinstance(value, (datetime.date, datetime.time))
