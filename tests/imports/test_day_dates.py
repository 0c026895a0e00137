"""A date a day-field cannot read is answered with whole dates to write, a month-field's
with months (orgwork.common.dates.parse_date, ``need_day``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from import_export import fields

from orgwork.imports.widgets import DateWidget

from .conftest import HEAD, person
from .resources import CadreSheet
from .sheets import xlsx

pytestmark = pytest.mark.django_db


class DaySheet(CadreSheet):
    """The test sheet with 入党时间 a day-field (as 交纳日期 is)."""

    party_joined_on = fields.Field(attribute="party_joined_on", column_name="入党时间",
                                   widget=DateWidget(need_day=True))


def errors_of(result: Any) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in result.errors]


def test_a_day_field_suggests_whole_dates_for_a_value_it_cannot_read(tmp_path: Path, county_a_clerk: Any,
                                                                     run_sheet: Any) -> None:
    path = xlsx(tmp_path / "day.xlsx", [HEAD, person(1, 入党时间=45915), person(2, 入党时间="去年七月")])
    result = run_sheet(path, county_a_clerk, resource=DaySheet)
    assert errors_of(result) == [
        (2, "入党时间", "无法识别的日期「45915」，请写成 2026-03-15 或 2026年3月15日。"),
        (3, "入党时间", "无法识别的日期「去年七月」，请写成 2026-03-15 或 2026年3月15日。"),
    ]


def test_a_day_field_given_a_year_alone_asks_for_the_day(tmp_path: Path, county_a_clerk: Any,
                                                        run_sheet: Any) -> None:
    result = run_sheet(xlsx(tmp_path / "day.xlsx", [HEAD, person(1, 入党时间="2015")]), county_a_clerk,
                       resource=DaySheet)
    assert errors_of(result) == [(2, "入党时间", "日期「2015」只有年份，请写到日，如 2015-06-15。")]


def test_a_month_field_still_suggests_month_spellings(tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    result = run_sheet(xlsx(tmp_path / "month.xlsx", [HEAD, person(1, 入党时间=45915)]), county_a_clerk)
    assert errors_of(result) == [(2, "入党时间", "无法识别的日期「45915」，请写成 1975.06、1975年6月 或 1975-06-01。")]
