"""三会一课 cadence (频次) and reporting periods (月、季度、年度).

A period is a run of whole calendar months in local time (Asia/Shanghai). A monthly
kind needs one meeting in every month of the period; a quarterly kind one in every
whole quarter the period covers — so a single month asks nothing of 党员大会 and 党课,
a quarter asks one each, a year four each.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import CADENCE, Cadence, MeetingKind, month_number


@dataclass(frozen=True)
class Period:
    """统计期间：某年、某季度或某月."""

    year: int
    quarter: int | None = None
    month: int | None = None

    def __post_init__(self) -> None:
        if self.month is not None and self.quarter is not None:
            raise ValidationError("统计期间只能选月份或季度之一。")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValidationError("月份应为1至12。")
        if self.quarter is not None and not 1 <= self.quarter <= 4:
            raise ValidationError("季度应为1至4。")
        if not 2000 <= self.year <= 2100:
            raise ValidationError("年度超出范围。")

    @classmethod
    def of_month(cls, year: int, month: int) -> Period:
        return cls(year=year, month=month)

    @classmethod
    def of_quarter(cls, year: int, quarter: int) -> Period:
        return cls(year=year, quarter=quarter)

    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls(year=year)

    @property
    def first_month(self) -> int:
        if self.month is not None:
            return self.month
        if self.quarter is not None:
            return self.quarter * 3 - 2
        return 1

    @property
    def months(self) -> int:
        return 1 if self.month is not None else 3 if self.quarter is not None else 12

    @property
    def first_month_no(self) -> int:
        return self.year * 12 + self.first_month - 1

    @property
    def last_month_no(self) -> int:
        return self.first_month_no + self.months - 1

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, self.first_month, 1)

    @property
    def end(self) -> datetime.date:
        n = self.last_month_no + 1
        return datetime.date(n // 12, n % 12 + 1, 1) - datetime.timedelta(days=1)

    @property
    def quarters(self) -> int:
        """Whole quarters inside the period."""
        return 0 if self.month is not None else self.months // 3

    def contains(self, day: datetime.date | datetime.datetime) -> bool:
        return self.first_month_no <= month_number(local_date(day)) <= self.last_month_no

    @property
    def label(self) -> str:
        if self.month is not None:
            return f"{self.year}年{self.month}月"
        if self.quarter is not None:
            return f"{self.year}年第{self.quarter}季度"
        return f"{self.year}年"

    @property
    def slug(self) -> str:
        if self.month is not None:
            return f"{self.year}-{self.month:02d}"
        if self.quarter is not None:
            return f"{self.year}-Q{self.quarter}"
        return str(self.year)

    def __str__(self) -> str:
        return self.label


def local_date(value: datetime.date | datetime.datetime) -> datetime.date:
    """The calendar day in local time (Asia/Shanghai): 2026-03-31 17:00 UTC is 1 April."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def required_slots(kind: int, period: Period) -> int:
    """How many cadence slots (months or quarters) of ``kind`` the period asks for."""
    return period.months if CADENCE[kind] == Cadence.MONTHLY else period.quarters


def required_kinds(period: Period) -> list[int]:
    return [kind for kind in MeetingKind.values if required_slots(kind, period) > 0]


def slots_held(kind: int, period: Period, held_dates: list[datetime.date]) -> int:
    """Cadence slots of ``period`` covered by meetings on ``held_dates`` (for one branch,
    one kind): the Python twin of the SQL in ``selectors`` used on single records."""
    months = {month_number(local_date(d)) - period.first_month_no for d in held_dates if period.contains(d)}
    if CADENCE[kind] == Cadence.MONTHLY:
        return len(months)
    return len({m // 3 for m in months if m // 3 < period.quarters})


def periods_ending_between(first: datetime.date, last: datetime.date) -> list[Period]:
    """The months and quarters whose last day falls on ``first`` … ``last`` (both
    included), oldest first, a quarter after its last month: the cadence slots that
    fell due in that span (a monthly kind is due by the month's last day, a quarterly
    kind by the quarter's)."""
    periods: list[Period] = []
    for number in range(month_number(first), month_number(last) + 1):
        month = Period.of_month(number // 12, number % 12 + 1)
        if not first <= month.end <= last:
            continue
        periods.append(month)
        if month.month % 3 == 0:
            periods.append(Period.of_quarter(month.year, month.month // 3))
    return periods
