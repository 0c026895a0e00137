"""``bench_import`` runs at a small size and leaves nothing behind."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command

from orgwork.audit.models import AuditLog
from orgwork.units.models import Unit

pytestmark = pytest.mark.django_db


def test_the_benchmark_prints_its_summary_line_with_the_tuned_rate_and_rolls_back(tree: Any) -> None:
    units, audit = Unit.objects.count(), AuditLog.objects.count()
    out = io.StringIO()
    call_command("bench_import", "--rows", "40", "--stock-rows", "20", "--tuned-rows", "30", stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    assert re.fullmatch(r"engine=\d+ tuned=\d+ stock=\d+ ratio_tuned=[\d.]+ ratio=[\d.]+ copy=\d+ peak_rss_mb=\d+",
                        last), last
    assert (Unit.objects.count(), AuditLog.objects.count()) == (units, audit)
