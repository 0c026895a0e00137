"""How list cells are laid out by what they hold (列表单元格的排版), shared by the admin's
changelists (:mod:`orgwork.admin_list`) and the 台账 tables (the ``cell_class`` filter)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString

# Text longer than this many characters (a checklist's full title, a unit's full name)
# wraps; shorter text (乡科级正职, 城关区第1党支部) stays whole.
LONG_TEXT = 12
# Longer than an ID number (18), a 组织代码 or a document number: text, however written.
LONG_LATIN = 40


def is_long_text(value: Any) -> bool:
    """Whether ``value`` is plain Chinese text (not markup, not a date) long enough to wrap.
    Its cell takes the class ``wrap`` (``admin.css``): it breaks at a space or a punctuation
    mark where it can and between any two characters where a run is still too long for its
    column, instead of holding the column as wide as the whole text on one line (Django
    keeps a related record's name on one line, and the lists keep Chinese words whole).
    Text without Chinese (an ID number, a code) breaks only at spaces either way, unless it
    runs longer than any code (a destination typed in Latin letters without a space would
    hold its column, and the table, wider than the page)."""
    if type(value) is not str or len(value) <= LONG_TEXT:
        return False
    return len(value) > LONG_LATIN or any("\u4e00" <= ch <= "\u9fff" for ch in value)


def cell_class(value: Any) -> str:
    """The class of a 台账 cell holding ``value``: ``nowrap`` for a date or a time, which
    broken at its hyphen (2025- / 03-10) is misread; ``wrap`` for long Chinese text, as on
    the admin's lists; none for the rest."""
    if isinstance(value, (datetime.date, datetime.time)):
        return "nowrap"
    return "wrap" if is_long_text(value) else ""


def dated(day: datetime.date | None, what: str) -> SafeString | str:
    """A date and what happened on it, in one 台账 cell ("2025-05-20 考察合格"): the date
    stays whole and the words wrap under it. Blank while nothing has happened."""
    if day is None:
        return ""
    return format_html('<span class="nowrap">{}</span> {}', f"{day:%Y-%m-%d}", what)


def already(state: str) -> str:
    """A state in the sentence 「该审查已…」: 已 before it, unless the label has its own
    (已通过, 已终止): not 已已通过."""
    return state if state.startswith("已") else f"已{state}"
