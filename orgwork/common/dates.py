"""The one date parser for every form, sheet and file.

Accepts what Chinese paperwork and Excel produce: ``1975.06``, ``1975.6``, ``1975年6月``,
``1975年6月1日``, ``1975-06-01``, ``1975/6/1``, ``1975-06``, ``19750601``, ``197506``,
and ``date``/``datetime`` objects. A month without a day is the first of that month,
unless the field needs the day (``need_day``: an application, a meeting, a deadline),
where it is refused rather than made up.

Digits are never read as an Excel serial (``75.06`` and ``20150`` are not days of 1900 or
1955), whether typed as text or into a number cell: the sheet reader gives a cell with a
date format (Excel's, WPS's, ``yyyy"年"m"月"d"日"``) as a ``date``, so a number reaching
the parser is what the clerk typed, and reads as the same digits typed as text.
"""

from __future__ import annotations

import calendar
import datetime
import re
import time
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from orgwork.common.numbers import foreign_digits

MIN_YEAR, MAX_YEAR = 1900, 2100
# The one range every stored date lies in (日期范围), whichever path wrote it: the parser
# refuses another year, and ``Audited.clean_fields`` and the write door refuse a date a
# form's own field or a command let through (0001-01-01 is a date to Python, not to a file).
FLOOR, CEILING = datetime.date(MIN_YEAR, 1, 1), datetime.date(MAX_YEAR, 12, 31)

_PATTERNS = [
    re.compile(r"^(?P<y>\d{4})[.\-/年](?P<m>\d{1,2})(?:[.\-/月](?P<d>\d{1,2})日?|月)?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})?$"),
]


_today: tuple[datetime.date | None, float] = (None, 0.0)


def today() -> datetime.date:
    """Today in Beijing (Asia/Shanghai, the project's TIME_ZONE).

    Remembered until the next Beijing midnight: checks that run once per imported
    cell ask for it hundreds of thousands of times, and ``timezone.localdate()`` costs
    microseconds each time.
    """
    global _today
    now = time.time()
    day, until = _today
    if day is not None and now < until:
        return day
    local = timezone.localtime(timezone=timezone.get_default_timezone())
    midnight = (local + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    _today = (local.date(), min(midnight.timestamp(), now + 3600))
    return local.date()


def _build(year: int, month: int, day: int | None, raw: Any, need_day: bool = False) -> datetime.date:
    if not 1 <= month <= 12:  # named first: 9999.99 has no month 99, whatever its year
        raise ValidationError(f"日期「{raw}」的月份「{month}」不存在，月份应为1到12。", code="invalid_date")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(f"日期「{raw}」的年份超出范围。", code="invalid_date")
    if day is None and need_day:
        raise ValidationError(f"日期「{raw}」只写到月，请写到日，如 {year}-{month:02d}-15。", code="need_day")
    try:
        return datetime.date(year, month, day or 1)
    except ValueError:
        raise ValidationError(f"日期「{raw}」不存在。", code="invalid_date") from None


def _unrecognised(value: Any, need_day: bool = False) -> ValidationError:
    # A field that needs the day refuses a month alone: its suggestions are whole dates.
    spellings = "2026-03-15 或 2026年3月15日" if need_day else "1975.06、1975年6月 或 1975-06-01"
    return ValidationError(f"无法识别的日期「{value}」，请写成 {spellings}。", code="invalid_date")


def _from_number(value: float | int, need_day: bool = False) -> datetime.date:
    if isinstance(value, int) or float(value).is_integer():
        return parse_date(str(int(value)), need_day=need_day)  # 20150301.0 is 20150301
    # A year.month typed into a numeric cell: 1975.06 is kept, but 1975.10 became 1975.1.
    text = repr(float(value))
    year_text, _, fraction = text.partition(".")
    if MIN_YEAR <= int(year_text) <= MAX_YEAR:
        if fraction == "1":
            raise ValidationError(
                f"日期「{text}」被 Excel 存成了数字，无法区分1月和10月；请把该列设为“文本”后填写 {year_text}.01 或 {year_text}.10。",
                code="ambiguous_month",
            )
        if len(fraction) <= 2:
            return _build(int(year_text), int(fraction.ljust(1, "0")), None, text, need_day)
    raise _unrecognised(text, need_day)


def parse_date(value: Any, *, need_day: bool = False) -> datetime.date:
    """A ``date`` from any accepted spelling; ``ValidationError`` with a Chinese message
    otherwise. ``need_day``: a month without its day is refused."""
    if isinstance(value, datetime.date):
        # A date cell holds any day Excel can (to 9999-12-31): the same years as typed text.
        day = value.date() if isinstance(value, datetime.datetime) else value
        if not in_range(day):
            raise ValidationError(range_error(day), code="invalid_date")
        return day
    if isinstance(value, datetime.time):
        raise _time_error(value)
    if value is None:
        raise ValidationError("日期不能为空。", code="required")
    if isinstance(value, bool):
        # A cell Excel shows as TRUE/FALSE (a check box, a formula's result) is no date.
        raise ValidationError(f"「{'TRUE' if value else 'FALSE'}」是逻辑值（是/否），不是日期，请填写日期，如 2026-06-15。",
                              code="invalid_date")
    if isinstance(value, (int, float)):
        return _from_number(value, need_day)
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
    if not text:
        raise ValidationError("日期不能为空。", code="required")
    if foreign_digits(str(value)):
        # ٢٠٢٤ or ²⁰²⁴: NFKC and ``\d`` would read them as 2024, which no one typed.
        raise _unrecognised(value, need_day)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]?\d{2}:\d{2}(:\d{2})?", text[:19]) and len(text) >= 16:
        text = text[:10]
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            day = match.group("d")
            return _build(int(match.group("y")), int(match.group("m")), int(day) if day else None, value, need_day)
    if text.isdigit() and len(text) == 4 and MIN_YEAR <= int(text) <= MAX_YEAR:
        example = f"{text}-06-15" if need_day else f"{text}.06"
        raise ValidationError(f"日期「{value}」只有年份，请写到{'日' if need_day else '月份'}，如 {example}。",
                              code="invalid_date")
    raise _unrecognised(value, need_day)


def in_range(value: datetime.date | None) -> bool:
    """``value`` is empty or lies within :data:`FLOOR`–:data:`CEILING` (a datetime by its day)."""
    if value is None:
        return True
    day = value.date() if isinstance(value, datetime.datetime) else value
    return FLOOR <= day <= CEILING


def range_error(value: datetime.date) -> str:
    # isoformat, not %Y: strftime writes year 1 as "1", so 0001-01-01 read as 「1-01-01」.
    day = value.date() if isinstance(value, datetime.datetime) else value
    return f"日期「{day.isoformat()}」的年份超出范围，应在{MIN_YEAR}年至{MAX_YEAR}年之间。"


def _time_error(value: datetime.time) -> ValidationError:
    # A date cell holding less than one day reads back as a time of day: 1899-12-31 is
    # stored by Excel as 0 and shows as 00:00:00. Say so, rather than 「无法识别的日期「00:00:00」」.
    shown = value.strftime("%H:%M:%S")
    if value == datetime.time():
        return ValidationError(
            f"单元格中没有日期，只有时间「{shown}」：早于{MIN_YEAR}年的日期（如 1899-12-31）Excel 会存成这样。"
            f"日期应在{MIN_YEAR}年至{MAX_YEAR}年之间，请核对后重填。", code="invalid_date")
    return ValidationError(f"单元格中没有日期，只有时间「{shown}」，请填写日期，如 2026-03-15。", code="invalid_date")


def validate_in_range(value: Any) -> None:
    """A form field's validator: the date lies within :data:`FLOOR`–:data:`CEILING`."""
    if isinstance(value, datetime.date) and not in_range(value):
        raise ValidationError(range_error(value), code="invalid_date")


class DateFormField(forms.DateField):
    """A step's or an action's date (日期): Django's date field, held to the years a file
    holds, so the service behind it never computes from year 1 or 9999."""

    default_validators = [validate_in_range]


class MonthFormField(forms.DateField):
    """A month (出生年月, 入党时间, 参加工作时间) typed the way forms write it (1975.06,
    1975年6月, 1975-06-01…) and kept as the first of the month. Always a text box with its
    example: the admin gives every date field its day calendar, whose 今天 and picked day
    (2026-12-11) a month has no use for, and whose input drops the example."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["widget"] = forms.TextInput(attrs={"placeholder": "如 1975.06", "size": 10})
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime.date | None:
        if value in self.empty_values:
            return None
        return parse_date(value).replace(day=1)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime.date):
            return format_month(value)
        return value


def written_date_errors(instance: Any, names: Any = None) -> dict[str, str]:
    """The date fields of a model ``instance`` (those in ``names``, or all) written now
    (``written_now``: a new record, or a value changed) that lie outside the range, each
    with its message. A value on record before is left alone, so that a step on an older
    record does not fail for it."""
    from django.db import models

    written_now = getattr(instance, "written_now", None)
    wanted = None if names is None else set(names)
    errors: dict[str, str] = {}
    for f in instance._meta.concrete_fields:
        if not isinstance(f, models.DateField) or (wanted is not None and f.name not in wanted):
            continue
        value = getattr(instance, f.attname)
        if (isinstance(value, datetime.date) and not in_range(value)
                and (written_now is None or written_now(f.name))):
            errors[f.name] = range_error(value)
    return errors


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` earlier (29 February to the 28th); never before the first
    day Python holds, so a date near year 1 is compared, not an error."""
    if day.year - years < datetime.MINYEAR:
        return datetime.date.min
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later (29 February to the 28th); the last day Python holds
    at most."""
    if day.year + years > datetime.MAXYEAR:
        return datetime.date.max
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months later, or earlier for a negative number (the
    month's last day when it is shorter: 2026-08-31 + 6 → 2027-02-28); the first or last
    day Python holds at most, so arithmetic near year 1 or 9999 compares, not fails."""
    index = day.year * 12 + day.month - 1 + months
    if index < datetime.MINYEAR * 12:
        return datetime.date.min
    if index >= (datetime.MAXYEAR + 1) * 12:
        return datetime.date.max
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def after_today(value: datetime.date | None) -> bool:
    """A date in the future (a month field compares its first day)."""
    return value is not None and value > today()


def months_between(earlier: datetime.date, later: datetime.date) -> int:
    """Whole months from ``earlier`` to ``later`` (1990.05 to 2008.05: 216)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)


def parse_optional_date(value: Any) -> datetime.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_date(value)


def format_month(value: datetime.date | None) -> str:
    """``1975.06``: how forms write a month."""
    return f"{value:%Y.%m}" if value else ""
