"""Resident identity numbers (公民身份号码, GB 11643-1999): the one validator.

Eighteen characters: a six-digit area code, the birth date ``YYYYMMDD``, a
three-digit sequence whose last digit is odd for men and even for women, and an ISO
7064 MOD 11-2 check character (``0``–``9`` or ``X``).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from operator import mul
from typing import Any

from django.core.exceptions import ValidationError

from . import dates, names, numbers

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CODES = "10X98765432"
MALE, FEMALE = "1", "2"  # GB/T 2261.1 sex codes, as stored on profiles

VALID_CACHE_SIZE = 20_000
_valid: set[str] = set()
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
_SPACES = re.compile(r"[\s\u00a0\u3000]+")

# Not the value: a number above 2**53 cannot hold 18 digits exactly, so whatever it
# reads back as (620102198910186752 for 620102198910186810) are digits nobody typed.
EXCEL_NUMBER_MESSAGE = numbers.excel_number_message("身份证号", "完整的18位号码")
# The words a name holding a zero-width space gets (``names.INVISIBLE``).
INVISIBLE_MESSAGE = names.INVISIBLE.format(label="身份证号")


# A masked number (``mask``) typed or pasted back: the words depend on where it came in.
# A sheet or a file copied it from a list, an export or an error workbook and is mended
# in the original; a form (admin page, step page) simply wants the whole number.
MASKED_ON_SHEET = ("这是列表、导出文件或错误标注表中遮盖过的身份证号（中间以 * 代替）："
                   "请在原表中改正后上传，或填写完整的18位身份证号。")
MASKED_ON_FORM = "身份证号不能是遮蔽后的号码，请填写完整的18位身份证号。"


_DIGIT_OFFSET = ord("0") * sum(WEIGHTS)  # the weighted sum of the digits' code points, less this


def check_character(first17: str) -> str:
    """The check character for 17 ASCII digits."""
    total = sum(map(mul, first17.encode("ascii"), WEIGHTS)) - _DIGIT_OFFSET
    return CHECK_CODES[total % 11]


def _canonical(text: str) -> bool:
    """Already in normal form: 17 ASCII digits and a digit or ``X`` (the common case)."""
    return len(text) == 18 and text.isascii() and text[:17].isdigit() and (text[17] == "X" or text[17].isdigit())


def normalise(raw: Any) -> str:
    """Full-width digits to ASCII, spaces removed, ``x`` upper-cased.

    A number (an Excel numeric cell, whatever its size) or scientific notation is
    refused: Excel keeps 15 significant digits, so the last digits are already gone.
    Spaces of every kind (a no-break space, an ideographic space) are removed as plain
    ones are; a character that cannot be seen and is no space (a zero-width space, the
    BOM, a direction mark) is refused in the words a name gets (``names.name_error``).
    """
    if raw is None:
        return ""
    if isinstance(raw, bool):
        raise ValidationError("身份证号格式不正确。", code="invalid")
    if isinstance(raw, (int, float)):
        raise ValidationError(EXCEL_NUMBER_MESSAGE, code="excel_number")
    if type(raw) is str and _canonical(raw):
        return raw
    text = _SPACES.sub("", unicodedata.normalize("NFKC", str(raw))).upper()
    if not text.isprintable() and names.holds_unseen(text):
        raise ValidationError(INVISIBLE_MESSAGE, code="invisible")
    if _SCIENTIFIC.match(text):
        raise ValidationError(EXCEL_NUMBER_MESSAGE, code="excel_number")
    return text


def birth_date_of(value: str) -> datetime.date | None:
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def gender_of(value: str) -> str:
    return MALE if int(value[16]) % 2 == 1 else FEMALE


def validate(value: str, *, on_sheet: bool = False) -> str:
    """Raise ``ValidationError`` with a Chinese message unless ``value`` is a valid
    18-character number in normal form; return it. ``on_sheet``: the value is a cell of
    an uploaded sheet or file (its masked-number wording says to mend the original);
    otherwise it was typed on a form, the wording a model's ``clean`` gives too.

    Valid numbers are remembered (a sheet's row is checked by its widget and again by
    the model): a number valid once stays valid, its birth date only recedes.
    """
    if value in _valid:
        return value
    if "*" in value:  # copied from a list, an export or an error workbook, which show numbers masked (``mask``)
        raise ValidationError(MASKED_ON_SHEET if on_sheet else MASKED_ON_FORM, code="masked")
    if len(value) == 15 and value.isdigit():
        raise ValidationError("这是15位旧身份证号，请填写18位身份证号。", code="old_format")
    if len(value) != 18:
        raise ValidationError(f"身份证号应为18位，现为{len(value)}位。", code="length")
    if not _SHAPE.match(value):
        raise ValidationError("身份证号前17位必须是数字，最后一位是数字或 X。", code="invalid")
    born = birth_date_of(value)
    if born is None:
        raise ValidationError(f"身份证号中的出生日期「{value[6:14]}」不存在。", code="birth_date")
    # The date exists: say which way it is wrong, not that it does not exist.
    if born.year < dates.MIN_YEAR:
        raise ValidationError(f"身份证号中的出生日期「{value[6:14]}」早于{dates.MIN_YEAR}年，超出范围，请核对号码是否抄错。",
                              code="birth_date")
    if born > dates.today():
        raise ValidationError(f"身份证号中的出生日期「{value[6:14]}」晚于今天，请核对号码是否抄错。", code="birth_date")
    expected = check_character(value[:17])
    if value[17] != expected:
        raise ValidationError("身份证号校验位不正确，请核对号码是否抄错。", code="check_digit")
    if len(_valid) >= VALID_CACHE_SIZE:
        _valid.clear()
    _valid.add(value)
    return value


def clean(raw: Any, *, on_sheet: bool = False) -> str:
    """Normalise then validate: the path for form fields and (``on_sheet``) spreadsheet cells."""
    return validate(normalise(raw), on_sheet=on_sheet)


def mask(value: str | None) -> str:
    """``620102********123X``: area code and last four, the birth date hidden.

    A number holding a character nobody sees (a zero-width space pasted with it, refused
    by ``normalise``) is masked as the number the clerk sees, in the form it is kept:
    masked as typed, its 19 characters would show a tail that is not the number's and
    read as some other number on a job page or in an error workbook."""
    if not value:
        return ""
    if not value.isprintable():
        value = _SPACES.sub("", unicodedata.normalize("NFKC", names.without_unseen(value))).upper()
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def consistency_errors(value: str, *, birth: datetime.date | None, gender: str | None,
                       month_only: bool = True) -> dict[str, str]:
    """Errors where the profile disagrees with what the number encodes.

    Profiles record the birth month (``1975.06``), so by default only year and month
    are compared. The message names the number's birth month, never its day: the masked
    number (620102********0033) hides exactly its birth date, so a message that gave the
    day, beside the masked number on a job page or in an error workbook, would give the
    whole number back.
    """
    errors: dict[str, str] = {}
    born = birth_date_of(value)
    if birth is not None and born is not None:
        if (born.year, born.month) != (birth.year, birth.month):
            errors["birth"] = f"出生年月与身份证号不一致：身份证号中为 {born:%Y.%m}。"
        elif not month_only and born != birth:
            errors["birth"] = f"出生日期与身份证号不一致：身份证号中为 {born:%Y.%m} 的另一日，请核对。"
    if gender in (MALE, FEMALE) and gender_of(value) != gender:
        errors["gender"] = "性别与身份证号不一致：身份证号第17位{}数表示{}。".format(
            "奇" if gender_of(value) == MALE else "偶", "男" if gender_of(value) == MALE else "女"
        )
    return errors
