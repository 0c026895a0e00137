"""The one date parser (orgwork.common.dates): what it reads, what it refuses and never
guesses: digits typed as text are not Excel serials, and a field that needs the day does
not get the first of the month made up for it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from orgwork.common.dates import parse_date

D = datetime.date


@pytest.mark.parametrize(("value", "day"), [
    ("1975.06", D(1975, 6, 1)), ("1975年6月", D(1975, 6, 1)), ("1975-06-01", D(1975, 6, 1)),
    ("1975/6/1", D(1975, 6, 1)), ("197506", D(1975, 6, 1)), ("19750601", D(1975, 6, 1)),
    (1975.06, D(1975, 6, 1)), (19750601, D(1975, 6, 1)), (19750601.0, D(1975, 6, 1)), (197506, D(1975, 6, 1)),
])
def test_the_usual_spellings_read_as_dates(value: object, day: datetime.date) -> None:
    assert parse_date(value) == day


@pytest.mark.parametrize("value", ["75.06", "05.02", "20150", "1", "45000", 75.06, 5.02, 1, 500])
def test_short_numbers_are_refused_not_read_as_days_of_1900(value: object) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_date(value)
    assert "无法识别的日期" in refused.value.messages[0]


@pytest.mark.parametrize("value", [20150, 20150.0, 27181, 45000.0, "20150", "27181"])
def test_a_number_cell_is_never_an_excel_serial(value: object) -> None:
    # A cell with a date format reaches the parser as a date; a number is what was typed.
    with pytest.raises(ValidationError) as refused:
        parse_date(value)
    digits = str(int(float(value)))
    assert refused.value.messages == [f"无法识别的日期「{digits}」，请写成 1975.06、1975年6月 或 1975-06-01。"]


@pytest.mark.parametrize("value", [2015, 2015.0, "2015"])
def test_a_year_alone_is_refused_alike_as_a_number_and_as_text(value: object) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_date(value)
    assert refused.value.messages == ["日期「2015」只有年份，请写到月份，如 2015.06。"]


@pytest.mark.parametrize("value", ["2026-10", "2026.10", "2026年10月", "202610", 202610, 2015.07])
def test_a_field_that_needs_the_day_refuses_a_month_alone(value: object) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_date(value, need_day=True)
    assert "只写到月，请写到日" in refused.value.messages[0]
    assert parse_date(value).day == 1  # a month field takes it as the month


def test_a_field_that_needs_the_day_reads_a_whole_date_in_every_spelling() -> None:
    for value in ("2026-10-15", "2026年10月15日", "20261015", 20261015, D(2026, 10, 15)):
        assert parse_date(value, need_day=True) == D(2026, 10, 15)


@pytest.mark.parametrize(("value", "month"), [("9999.99", 99), ("2026.13", 13), ("2026-00-10", 0), (2026.13, 13)])
def test_a_month_that_does_not_exist_is_named_before_the_year(value: object, month: int) -> None:
    # 9999.99 has no month 99 whatever its year: the clerk is told which part to correct first.
    with pytest.raises(ValidationError) as refused:
        parse_date(value)
    assert refused.value.messages == [f"日期「{value}」的月份「{month}」不存在，月份应为1到12。"]


def test_a_year_out_of_range_with_a_real_month_is_named_as_the_year() -> None:
    with pytest.raises(ValidationError) as refused:
        parse_date("3026.06")
    assert refused.value.messages == ["日期「3026.06」的年份超出范围。"]
