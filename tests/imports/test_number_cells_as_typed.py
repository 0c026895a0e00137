"""A number is read alike in a sheet's cell (``number_for``) and in a page's field
(``PlainDecimalField``, ``PlainIntegerField``): ASCII or full-width digits, a sign, at most
one point, commas only between thousands. Whatever else ``Decimal`` or ``int`` would make
a number of — ``9,2`` as 92, ``8_8`` as 88, ``٩٠`` as 90 — is 「不是数字」 on both paths."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from orgwork.common.numbers import PlainDecimalField, PlainIntegerField
from orgwork.imports.widgets import number_for

SCORE = models.DecimalField("政治素质测评得分", name="political_score", max_digits=10, decimal_places=2)
DAYS = models.IntegerField("天数", name="days")

NO_NUMBERS = [
    "9,2", "85,5", "1,23", "８５，５", "1,2345", ",123", "1,,234", "1.234,5", "1,234.5,6",  # commas out of place
    "8_8", "1_00",  # Python's underscores
    "٩٠", "٨٥", "۹۰", "९०", "𝟗𝟎", "²", "①",  # other scripts' digits
    "85.", ".5", "-.5", "1..2", "+-5",
]
NUMBERS = [
    ("1,234", Decimal("1234")), ("1,234,567.5", Decimal("1234567.5")), ("-1,234.25", Decimal("-1234.25")),
    ("１，２３４", Decimal("1234")), ("999,999", Decimal("999999")),
]


def page_value(field: forms.Field, text: str) -> object:
    try:
        return field.clean(text)
    except ValidationError as error:
        return error.messages


def sheet_value(field: models.Field, text: str) -> object:
    try:
        return number_for(field, text)
    except ValidationError as error:
        return error.messages


@pytest.mark.parametrize("text", NO_NUMBERS)
def test_a_decimal_that_is_no_plain_number_is_refused_alike_by_the_sheet_and_the_page(text: str) -> None:
    words = [f"「{text}」不是数字。"]
    assert sheet_value(SCORE, text) == page_value(PlainDecimalField(max_digits=10, decimal_places=2), text) == words


@pytest.mark.parametrize("text", NO_NUMBERS)
def test_a_count_that_is_no_plain_number_is_refused_alike_by_the_sheet_and_the_page(text: str) -> None:
    words = [f"「{text}」不是数字。"]
    assert sheet_value(DAYS, text) == page_value(PlainIntegerField(), text) == words


@pytest.mark.parametrize(("text", "number"), NUMBERS)
def test_a_decimal_with_thousands_separators_is_read_alike_by_the_sheet_and_the_page(text: str, number: Decimal) -> None:
    assert sheet_value(SCORE, text) == page_value(PlainDecimalField(max_digits=10, decimal_places=2), text) == number


@pytest.mark.parametrize(("text", "number"), [(t, int(n)) for t, n in NUMBERS if n == n.to_integral_value()])
def test_a_count_with_thousands_separators_is_read_alike_by_the_sheet_and_the_page(text: str, number: int) -> None:
    assert sheet_value(DAYS, text) == page_value(PlainIntegerField(), text) == number


@pytest.mark.parametrize(("text", "number"), [("８５", 85), ("８５．５", Decimal("85.5")), ("－５", -5), (" 85 ", 85), ("+85", 85)])
def test_full_width_digits_a_sign_and_spaces_around_are_still_read_as_typed_on_both_paths(text: str, number: Decimal) -> None:
    assert sheet_value(SCORE, text) == page_value(PlainDecimalField(max_digits=10, decimal_places=2), text) == number


def test_a_fraction_in_a_count_is_refused_on_both_paths() -> None:
    assert sheet_value(DAYS, "1,234.5") == ["「1,234.5」应填写整数。"]
    assert page_value(PlainIntegerField(), "1,234.5") != 1234


@pytest.mark.parametrize("text", ["8_8", "٩٠", "9,2"])
def test_an_admin_form_reads_a_models_count_as_the_sheet_does(text: str) -> None:
    from branches.models import Meeting
    from orgwork.admin_base import ScopedFormFieldsMixin

    class Plain:
        def formfield_for_dbfield(self, db_field: models.Field, request: object, **kwargs: object) -> forms.Field:
            return db_field.formfield(**kwargs)

    class Admin(ScopedFormFieldsMixin, Plain):
        pass

    present = Meeting._meta.get_field("present")
    field = Admin().formfield_for_dbfield(present, None)
    assert page_value(field, text) == sheet_value(present, text) == [f"「{text}」不是数字。"]
