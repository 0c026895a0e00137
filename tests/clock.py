"""Today (今天) in Beijing, asked for by each test when it runs.

A date fixed when a test module is imported goes stale when the suite crosses Beijing
midnight: the code under test then counts from the new day while the test expects the
old one. ``timezone.localdate`` rather than ``orgwork.common.dates.today``: several
tests move the code's today by patching the latter and still expect the real day here.
"""

from __future__ import annotations

import datetime

from django.utils import timezone


def today() -> datetime.date:
    return timezone.localdate()
