"""A date refused for its year says so, in the words a clerk reads: a sheet cell Excel
holds as a time, an ID number's birth date before 1900, year 1 zero-padded."""

from __future__ import annotations

import datetime

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from python_calamine import CalamineWorkbook

from orgwork.common import dates, idnumber
from orgwork.common.dates import DateFormField, parse_date

EARLY = ("单元格中没有日期，只有时间「00:00:00」：早于1900年的日期（如 1899-12-31）Excel 会存成这样。"
         "日期应在1900年至2100年之间，请核对后重填。")


def cells_read_back(tmp_path, *values: object) -> list[object]:
    book = openpyxl.Workbook()
    for value in values:
        book.active.append([value])
    book.save(tmp_path / "dates.xlsx")
    return [row[0] for row in CalamineWorkbook.from_path(str(tmp_path / "dates.xlsx")).get_sheet_by_index(0).iter_rows()]


@pytest.mark.parametrize("day", [datetime.date(1899, 12, 31), datetime.date(1850, 1, 1)])
def test_a_sheet_date_before_1900_is_named_as_out_of_range_not_unrecognised(tmp_path, day) -> None:
    (cell,) = cells_read_back(tmp_path, day)
    assert cell == datetime.time(0, 0)  # what Excel's serial 0 (or less) reads back as
    with pytest.raises(ValidationError) as refused:
        parse_date(cell)
    assert refused.value.messages == [EARLY]


def test_a_time_in_a_date_cell_asks_for_a_date(tmp_path) -> None:
    (cell,) = cells_read_back(tmp_path, datetime.time(8, 30))
    with pytest.raises(ValidationError) as refused:
        parse_date(cell, need_day=True)
    assert refused.value.messages == ["单元格中没有日期，只有时间「08:30:00」，请填写日期，如 2026-03-15。"]


def test_year_one_on_a_form_is_shown_zero_padded() -> None:
    with pytest.raises(ValidationError) as refused:
        DateFormField().clean("0001-01-01")
    assert refused.value.messages == ["日期「0001-01-01」的年份超出范围，应在1900年至2100年之间。"]
    assert dates.range_error(datetime.date(9999, 12, 31)).startswith("日期「9999-12-31」")


def number_born(born: str) -> str:
    first17 = f"620102{born}001"
    return first17 + idnumber.check_character(first17)


def test_an_id_number_born_before_1900_says_the_date_is_out_of_range() -> None:
    with pytest.raises(ValidationError) as refused:
        idnumber.validate(number_born("18990805"))
    assert refused.value.messages == ["身份证号中的出生日期「18990805」早于1900年，超出范围，请核对号码是否抄错。"]


def test_an_id_number_born_after_today_says_so_and_a_date_that_does_not_exist_still_does() -> None:
    later = (dates.today() + datetime.timedelta(days=1)).strftime("%Y%m%d")
    with pytest.raises(ValidationError) as refused:
        idnumber.validate(number_born(later))
    assert refused.value.messages == [f"身份证号中的出生日期「{later}」晚于今天，请核对号码是否抄错。"]
    with pytest.raises(ValidationError) as refused:
        idnumber.validate(number_born("19990231"))
    assert refused.value.messages == ["身份证号中的出生日期「19990231」不存在。"]


@pytest.mark.parametrize(("value", "shown"), [(True, "TRUE"), (False, "FALSE")])
def test_a_true_or_false_cell_is_named_as_no_date_not_as_empty(tmp_path, value, shown) -> None:
    (cell,) = cells_read_back(tmp_path, value)
    assert cell is value
    with pytest.raises(ValidationError) as refused:
        parse_date(cell)
    assert refused.value.messages == [f"「{shown}」是逻辑值（是/否），不是日期，请填写日期，如 2026-06-15。"]
