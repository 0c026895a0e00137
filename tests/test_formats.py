"""Dates read one way on every page: 2026-03-01, months 1975.06."""

from __future__ import annotations

import datetime

from django.utils import formats, translation


def test_a_date_is_written_year_month_day_with_hyphens() -> None:
    with translation.override("zh-hans"):
        assert formats.date_format(datetime.date(2022, 9, 1)) == "2022-09-01"
        assert formats.date_format(datetime.date(2022, 9, 1), "SHORT_DATE_FORMAT") == "2022-09-01"


def test_a_timestamp_is_written_to_the_minute() -> None:
    with translation.override("zh-hans"):
        moment = datetime.datetime(2026, 3, 1, 14, 5)
        assert formats.date_format(moment, "DATETIME_FORMAT") == "2026-03-01 14:05"


def test_a_date_typed_with_slashes_or_chinese_is_still_read() -> None:
    from django import forms

    with translation.override("zh-hans"):
        field = forms.DateField()
        assert field.clean("2022/09/01") == field.clean("2022年09月01日") == datetime.date(2022, 9, 1)


def test_a_state_reads_with_one_already() -> None:
    from orgwork.common.display import already

    assert already("已通过") == "已通过" and already("出党") == "已出党"
