"""A refused number cell is named as the clerk typed it: -1, not the float -1.0 the
workbook holds (real xlsx workbooks through the import engine)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from branches.models import Meeting
from branches.resources import MeetingResource
from orgwork.common import numbers
from orgwork.imports.engine import run_import
from orgwork.imports.reader import open_sheet
from tests.imports.sheets import xlsx

from .test_rules_on_every_path import MEETING_HEADER, errors_of


def test_a_meetings_sheet_names_a_negative_count_as_it_was_typed(tmp_path: Path, orgs: Any, county_a_clerk: Any) -> None:
    today = timezone.localdate().isoformat()
    path = xlsx(tmp_path / "会议.xlsx", [MEETING_HEADER, ["A-SQ", "主题党日", today, "主题党日", -1, 0, ""],
                                        ["A-SQ", "支委会", today, "研究工作", 5, 2.5, ""]])
    result = run_import(MeetingResource, county_a_clerk, open_sheet(str(path), path.name, MeetingResource), commit=True)
    messages = [message for _, _, message in errors_of(result)]
    assert "应到人数「-1」应为不小于0的整数。" in messages and "实到人数「2.5」应为不小于0的整数。" in messages
    assert not any("-1.0" in m for m in messages)
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(("cell", "typed"), [(-1.0, "-1"), (12.0, "12"), (2.5, "2.5"), (1e-07, "0.0000001"),
                                             ("十二", "十二"), (7, "7")])
def test_a_cell_is_named_as_typed(cell: Any, typed: str) -> None:
    assert numbers.shown(cell) == typed
