"""Number cells in a text column (现任职务 here; a phone, a 文号, a name alike): the digits
that were typed, or, when Excel has cut them short, the row refused in the words an ID
number gets — never 6.2e+17 or 13912345678.0 stored as text (orgwork.common.numbers.typed_text)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cadres.models import Cadre
from orgwork.common import idnumber

from .conftest import HEAD, person
from .sheets import csv_file, xls_rows, xlsx

pytestmark = pytest.mark.django_db
POST = HEAD.index("现任职务")
CUT_SHORT = "现任职务被 Excel 存成了数字，后几位已丢失：请把该列设为“文本”后重新填写完整内容。"


def errors_of(result: Any) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in result.errors]


def posts() -> list[str]:
    return list(Cadre.objects.order_by("id_number").values_list("current_post", flat=True))


def test_a_number_excel_cut_short_in_a_text_column_is_refused_and_nothing_is_written(
        tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    # 620102198910186810 typed into a number cell: Excel keeps 620102198910186752 of it;
    # a 16-digit number keeps 15 digits and a 0; a decimal of 16 digits is more than Excel holds.
    rows = [HEAD, person(1, 现任职务=620102198910186810), person(2, 现任职务=1234567890123456),
            person(3, 现任职务=0.1234567890123456), person(4, 现任职务="科员")]
    result = run_sheet(xlsx(tmp_path / "posts.xlsx", rows), county_a_clerk, commit=True)
    assert errors_of(result) == [(2, "现任职务", CUT_SHORT), (3, "现任职务", CUT_SHORT), (4, "现任职务", CUT_SHORT)]
    assert not result.committed and not Cadre.objects.exists()


def test_whole_numbers_and_decimals_in_a_text_column_are_kept_as_typed(
        tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    rows = [HEAD, person(1, 现任职务=13912345678), person(2, 现任职务=2026001), person(3, 现任职务=12.5),
            person(4, 现任职务=999999999999999)]
    result = run_sheet(xlsx(tmp_path / "posts.xlsx", rows), county_a_clerk, commit=True)
    assert result.committed, errors_of(result)
    assert sorted(posts()) == sorted(["13912345678", "2026001", "12.5", "999999999999999"])


def test_an_xls_sheet_keeps_exact_numbers_in_a_text_column_and_refuses_one_cut_short(
        tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    kept = run_sheet(xls_rows(tmp_path / "kept.xls", [HEAD, person(1, 现任职务=13912345678.0),
                                                      person(2, 现任职务=12.5)]), county_a_clerk)
    assert errors_of(kept) == [] and kept.new == 2
    cut = run_sheet(xls_rows(tmp_path / "cut.xls", [HEAD, person(1, 现任职务=6.2e17)]), county_a_clerk, commit=True)
    assert errors_of(cut) == [(2, "现任职务", CUT_SHORT)] and not Cadre.objects.exists()


def test_a_csv_saved_from_number_cells_is_refused_where_excel_wrote_its_scientific_form(
        tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    # Excel writes a number too long for its cell as 6.20102E+17 into the CSV: the rest is gone.
    rows = [HEAD, person(1, 身份证号="6.20102E+17"), person(2, 现任职务="1.23457E+11"),
            person(3, 现任职务="13912345678"), person(4, 现任职务="E+1 号楼")]
    result = run_sheet(csv_file(tmp_path / "cut.csv", rows), county_a_clerk, commit=True)
    assert errors_of(result) == [(2, "身份证号", idnumber.EXCEL_NUMBER_MESSAGE), (3, "现任职务", CUT_SHORT)]
    assert not Cadre.objects.exists()
