"""The header decides which column is read: a column named twice, or data under an
empty header cell, refuse the file rather than read one and drop the other without a
word (orgwork.imports.reader: ``refuse_repeated_headers``, ``Sheet.refuse_untitled_data``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cadres.models import Cadre
from orgwork.imports.reader import FileError, open_sheet

from .conftest import HEAD, person
from .resources import CadreSheet
from .sheets import csv_file, xlsx

pytestmark = pytest.mark.django_db


def refusal(path: Path, user: Any = None, run_sheet: Any = None) -> str:
    with pytest.raises(FileError) as refused:
        if run_sheet is None:
            open_sheet(str(path), path.name, CadreSheet)
        else:
            run_sheet(path, user, commit=True)
    return refused.value.message


def test_a_header_typed_twice_is_refused_as_repeated_not_as_unknown(tmp_path: Path) -> None:
    head = [h if h != "身份证号" else "公民身份号码" for h in HEAD] + ["公民身份号码"]
    path = xlsx(tmp_path / "dup.xlsx", [head, person(1) + [person(2)[3]]])
    message = refusal(path)
    assert message.startswith("表头中「公民身份号码」列出现了两次（D、H列）：无法确定该导入哪一列")
    assert "不在导入模板中" not in message


def test_a_header_beside_its_alias_is_refused_naming_both(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "dup.xlsx", [HEAD + ["公民身份号码"], person(1) + [person(2)[3]]])
    assert refusal(path).startswith("表头中「身份证号」（D列）和「公民身份号码」（H列）是同一列（身份证号），重复了")


def test_data_under_an_empty_header_cell_is_refused_naming_the_column(tmp_path: Path, county_a_clerk: Any,
                                                                     run_sheet: Any) -> None:
    head = HEAD[:3] + [None] + HEAD[3:]
    row = person(1)
    path = xlsx(tmp_path / "gap.xlsx", [head, row[:3] + [None] + row[3:], row[:3] + ["多余"] + row[3:]])
    message = refusal(path, county_a_clerk, run_sheet)
    assert message.startswith("第D列有数据（第 3 行）但没有列名")
    assert not Cadre.objects.exists()


def test_data_right_of_the_last_header_is_refused_as_well(tmp_path: Path, county_a_clerk: Any,
                                                          run_sheet: Any) -> None:
    path = csv_file(tmp_path / "gap.csv", [HEAD, person(1) + ["", "备忘"]])
    assert refusal(path, county_a_clerk, run_sheet).startswith("第I列有数据（第 2 行）但没有列名")
    assert not Cadre.objects.exists()


def test_an_empty_header_cell_over_an_empty_column_is_left_alone(tmp_path: Path, county_a_clerk: Any,
                                                                run_sheet: Any) -> None:
    head = HEAD[:3] + [None] + HEAD[3:]
    row = person(1)
    result = run_sheet(xlsx(tmp_path / "gap.xlsx", [head, row[:3] + [None] + row[3:]]), county_a_clerk)
    assert (result.rows, result.error_count) == (1, 0)


def test_a_two_level_header_is_not_taken_for_empty_header_cells(tmp_path: Path, county_a_clerk: Any,
                                                                run_sheet: Any) -> None:
    # 姓名 … 入党时间 merged down over both header rows (their value in the upper cell only),
    # the unit's columns titled by a group above them.
    upper = HEAD[:5] + ["任职情况", None]
    lower = [None] * 5 + HEAD[5:]
    result = run_sheet(xlsx(tmp_path / "two.xlsx", [upper, lower, person(1)]), county_a_clerk)
    assert (result.rows, result.error_count) == (1, 0)
