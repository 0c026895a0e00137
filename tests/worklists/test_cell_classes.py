"""How a 台账 cell is laid out, by what it holds (``worklist_cells.cell_class``)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from orgwork.worklists.templatetags.worklist_cells import cell_class


@pytest.mark.parametrize("value,expected", [
    (datetime.date(2025, 3, 10), "nowrap"),
    (datetime.datetime(2025, 3, 10, 9, 30), "nowrap"),
    (datetime.time(9, 30), "nowrap"),
    ("城关区委常委班子专题民主生活会问题整改清单", "wrap"),
    ("甘南藏族自治州碌曲县·西川乡", "wrap"),
    ("城关区委组织部副部长助理", ""),  # twelve characters: whole
    ("乡科级正职", ""),
    ("620102********0965", ""),  # no Chinese: it breaks at spaces only, and has none
    (42, ""),
    (None, ""),
])
def test_dates_stay_on_one_line_long_texts_may_wrap_and_the_rest_is_left_as_it_is(value: Any, expected: str) -> None:
    assert cell_class(value) == expected
