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
    # A negative count reads as the form says it (the field's floor); a fraction names the cell.
    assert "应到人数至少为1：没有应到人员的会议不算开展，请填写应参加会议的人数。" in messages
    assert "实到人数「2.5」应为不小于0的整数。" in messages
    assert not any("-1.0" in m for m in messages)
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(("cell", "typed"), [(-1.0, "-1"), (12.0, "12"), (2.5, "2.5"), (1e-07, "0.0000001"),
                                             ("十二", "十二"), (7, "7")])
def test_a_cell_is_named_as_typed(cell: Any, typed: str) -> None:
    assert numbers.shown(cell) == typed


def test_a_meetings_sheet_refuses_infinity_and_scientific_notation_in_a_count_as_no_number(
        tmp_path: Path, orgs: Any, county_a_clerk: Any) -> None:
    today = timezone.localdate().isoformat()
    path = xlsx(tmp_path / "会议.xlsx", [MEETING_HEADER, ["A-SQ", "主题党日", today, "主题党日", "Infinity", 3, ""],
                                        ["A-SQ", "支委会", today, "研究工作", "1e1", "5E0", ""],
                                        ["A-SQ", "党课", today, "党课", 12, 10, ""]])
    result = run_import(MeetingResource, county_a_clerk, open_sheet(str(path), path.name, MeetingResource), commit=True)
    assert errors_of(result) == [(2, "应到人数", "应到人数「Infinity」不是数字。"), (3, "应到人数", "应到人数「1e1」不是数字。"),
                                 (3, "实到人数", "实到人数「5E0」不是数字。")]
    assert not result.committed and not Meeting.objects.exists()


@pytest.mark.parametrize(("cell", "message"), [("Infinity", "应到人数「Infinity」不是数字。"), ("-Infinity", "应到人数「-Infinity」不是数字。"),
                                               ("NaN", "应到人数「NaN」不是数字。"), ("1e1", "应到人数「1e1」不是数字。"),
                                               ("5E0", "应到人数「5E0」不是数字。"), ("2.5", "应到人数「2.5」应为不小于0的整数。"),
                                               ("40000", "应到人数「40000」：不能大于 32767。")])
def test_a_count_cell_is_read_by_the_one_number_reader_of_the_sheets(cell: str, message: str) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        MeetingResource.fields["expected"].widget.clean(cell)
    assert refused.value.messages == [message]


@pytest.mark.parametrize(("cell", "count"), [("12", 12), (12.0, 12), ("１２", 12), (0, 0)])
def test_a_count_cell_typed_as_a_whole_number_is_read_as_before(cell: Any, count: int) -> None:
    assert MeetingResource.fields["present"].widget.clean(cell) == count  # 0 is a count 实到人数 may be
