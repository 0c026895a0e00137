"""Numbers as a clerk types them (数字): digits, a sign, a decimal point. ``Decimal``
also reads scientific notation (``1e3`` is a thousand), which no one means on a dues
form or in a sheet's amount column: such text is refused, on a form and in a sheet
alike, instead of being stored as a number nobody typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


def not_a_number(value: Any) -> ValidationError:
    return ValidationError(f"「{value}」不是数字。")


def refuse_exponent(text: str, shown: Any) -> None:
    """Text in scientific notation (``1e3``, ``1.5E+2``) is not a number here."""
    if "e" in text.lower():
        raise not_a_number(shown)


class PlainDecimalField(forms.DecimalField):
    """A form's decimal field that takes plain decimals only (see the module)."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            refuse_exponent(value.strip(), value.strip())
        return super().to_python(value)
