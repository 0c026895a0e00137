"""影响期 arithmetic: calendar months, clamped to the month's last day.

A period of ``months`` starting on ``decided_on`` runs up to and including
``influence_end(decided_on, months)``: the same day ``months`` calendar months later, or
that month's last day when it is shorter (2026-08-31 + 6 months → 2027-02-28).
"""

from __future__ import annotations

import datetime

from orgwork.common import dates


def add_months(day: datetime.date, months: int) -> datetime.date:
    return dates.add_months(day, months)


def influence_end(decided_on: datetime.date, months: int) -> datetime.date | None:
    """The last day of the influence period, or None for a handling type without one."""
    if months <= 0:
        return None
    return add_months(decided_on, months)
