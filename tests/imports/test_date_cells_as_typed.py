"""A date cell is read from the digits a clerk types — 0–9, or their full-width forms — and
from no other script's: ``٢٠٢٤-٠١-٠١`` is no date anyone typed on a Chinese form, and is
refused in the words any unreadable date gets, not read as 2024-01-01."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from orgwork.common.dates import MonthFormField
from orgwork.imports.widgets import DateWidget

OTHER_SCRIPTS = ["٢٠٢٤-٠١-٠١", "٢٠٢٤.٠١", "۲۰۲۴-۰۱-۰۱", "२०२४-०१-०१", "𝟐𝟎𝟐𝟒-𝟎𝟏-𝟎𝟏", "２０２４-٠١-٠١", "2024-01-0١",
                 "²⁰²⁴.⁰¹"]


@pytest.mark.parametrize("text", OTHER_SCRIPTS)
@pytest.mark.parametrize("widget", [DateWidget(), DateWidget(need_day=True), DateWidget(month_only=True)],
                         ids=["date", "day", "month"])
def test_a_date_cell_in_another_scripts_digits_is_refused_as_an_unreadable_date(widget: DateWidget, text: str) -> None:
    with pytest.raises(ValidationError) as refused:
        widget.clean(text)
    assert refused.value.messages[0].startswith(f"无法识别的日期「{text}」，请写成 ")


@pytest.mark.parametrize("text", OTHER_SCRIPTS)
def test_a_month_field_on_the_page_refuses_another_scripts_digits_as_the_sheet_does(text: str) -> None:
    with pytest.raises(ValidationError) as refused:
        MonthFormField().clean(text)
    assert refused.value.messages[0] == sheet_words(text)


def sheet_words(text: str) -> str:
    try:
        DateWidget().clean(text)
    except ValidationError as error:
        return error.messages[0]
    return ""


@pytest.mark.parametrize(("text", "day"), [("２０２４．０１．０１", datetime.date(2024, 1, 1)),
                                           ("２０２４年１月", datetime.date(2024, 1, 1))])
def test_full_width_digits_are_still_read_as_typed(text: str, day: datetime.date) -> None:
    assert DateWidget().clean(text) == MonthFormField().clean(text) == day
