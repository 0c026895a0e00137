"""Numbers as a clerk types them (数字): digits, a sign, a decimal point. ``Decimal``
also reads scientific notation (``1e3`` is a thousand), Python's underscores (``8_8`` is
88) and any script's digits (``٩٠`` is 90), which no one means on a dues form or in a
sheet's amount column: such text is refused, on a form and in a sheet alike
(:func:`plain_number_text`), instead of being stored as a number nobody typed."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError


def floor_message(field: Any) -> str | None:
    """The words for a number below a count field's floor (应到人数 at least 1, 实到人数 not
    below 0), declared once on the model field — its ``MinValueValidator`` and
    ``error_messages={"min_value": …}`` — and given alike by the admin forms and inlines
    (``orgwork.admin_base.ScopedFormFieldsMixin``), the step forms that ask the same count
    and the sheets (``orgwork.imports.widgets.number_for`` runs the field's validators).
    None for a field that declares none (Django's 「不能小于 0。」 then stands)."""
    message = (getattr(field, "error_messages", None) or {}).get("min_value")
    return None if message is None else str(message)


def count_floor(label: str) -> str:
    """The floor words of a count that may be 0 (实到人数, 赞成人数): a whole number of people."""
    return f"{label}应为不小于0的整数。"


# Excel keeps 15 significant digits of a number typed into a cell: from the 16th on it
# stores zeros (and a double cannot hold every integer past 2**53 anyway).
EXCEL_DIGITS = 15


def excel_number_message(label: str, what: str = "") -> str:
    """The words for a number Excel stored as a number and cut short (an ID number, a
    phone, a 文号 typed into a cell formatted 常规): ``what`` is what to type again."""
    return f"{label}被 Excel 存成了数字，后几位已丢失：请把该列设为“文本”后重新填写{what or '完整内容'}。"


def typed_text(value: int | float, label: str) -> str:
    """A number cell of a text column (姓名, 联系电话, 文号, 备注) as the digits that were
    typed: 13912345678.0 is ``13912345678``, 12.5 is ``12.5`` and 1e-07 ``0.0000001``,
    never a float's ``.0`` or exponent. A number Excel cannot hold exactly — more than 15
    significant digits, which a typed number loses (an 18-digit number, a 16-digit card)
    and a computed one carries (0.1+0.2) — is refused (``excel_number_message``), not
    stored as digits nobody typed."""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise not_a_number(value)
        if not value.is_integer():
            exact = Decimal(repr(value))  # the shortest text that reads back as this float
            if len(exact.as_tuple().digits) > EXCEL_DIGITS:
                raise ValidationError(excel_number_message(label), code="excel_number")
            return format(exact, "f")
        value = int(value)
    if abs(value) >= 10**EXCEL_DIGITS:
        raise ValidationError(excel_number_message(label), code="excel_number")
    return str(value)


# A number as Excel and WPS show it when its digits do not fit (6.20102E+17, 1.23457E+11):
# what a CSV saved from a number cell holds, the digits past the sixth gone.
_EXCEL_SCIENTIFIC = re.compile(r"[+-]?\d(\.\d+)?E\+\d+")
HAS_EXPONENT = re.compile(r"\dE\+\d")  # a quick look for a column of cells


def refuse_excel_scientific(text: str, label: str) -> None:
    """Text that is a number in Excel's scientific form (``6.20102E+17``) in a text column:
    a CSV saved from a sheet whose number cell Excel had already cut short. Refused in the
    words a number cell gets (``typed_text``)."""
    if _EXCEL_SCIENTIFIC.fullmatch(text):
        raise ValidationError(excel_number_message(label), code="excel_number")


def not_a_number(value: Any) -> ValidationError:
    return ValidationError(f"「{shown(value)}」不是数字。", code="not_a_number")


def shown(value: Any) -> str:
    """A cell as a message names it: a spreadsheet's number as it was typed (-1, not the
    float -1.0 the workbook holds; 2.5; 0.0000001, not 1e-07), anything else as it is."""
    if isinstance(value, float) and value == value and value not in (float("inf"), float("-inf")):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    return str(value)


def refuse_exponent(text: str, shown: Any) -> None:
    """Text in scientific notation (``1e3``, ``1.5E+2``) is not a number here."""
    if "e" in text.lower():
        raise not_a_number(shown)


# A sign, digits, at most one point with digits on both sides; commas only between
# thousands (1,234,567.5). ASCII only: ``\d`` alone would take any script's digits.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?", re.ASCII)
_TYPED_DIGITS = frozenset("0123456789０１２３４５６７８９")


def foreign_digits(text: str) -> bool:
    """``text`` holds a digit other than 0–9 and their full-width forms (Arabic-Indic
    ``٩``, superscript ``²``, circled ``①``), which NFKC or ``Decimal`` would read as one."""
    return any(ch.isdigit() and ch not in _TYPED_DIGITS for ch in text)


def plain_number_text(value: str, shown: Any = None) -> str:
    """Text typed as a number, as ``Decimal`` and ``int`` read it (``1,234.5`` → ``1234.5``;
    full-width digits, point, comma and minus read as typed), or ``not_a_number``: what
    is no plain number — a comma outside thousands (``9,2``, ``85,5``), an underscore,
    another script's digits, an exponent, a bare point (``85.``, ``.5``). ``shown``
    is the cell the message names (the text as typed by default)."""
    shown = value if shown is None else shown
    text = unicodedata.normalize("NFKC", value).strip()
    if foreign_digits(value) or not _PLAIN_NUMBER.fullmatch(text):
        raise not_a_number(shown)
    return text.replace(",", "")


class PlainDecimalField(forms.DecimalField):
    """A form's decimal field that takes plain decimals only, as a sheet's number cell
    does (see the module)."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.strip():
            value = plain_number_text(value, value.strip())
        return super().to_python(value)


class PlainIntegerField(forms.IntegerField):
    """A form's integer field that takes plain numbers only, as a sheet's number cell does
    (``8_8`` and ``٩٠`` are no count; ``1,234`` is one)."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.strip():
            value = plain_number_text(value, value.strip())
        return super().to_python(value)
