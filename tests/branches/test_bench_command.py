"""bench_branches at CI size: it builds its data, reuses it, and ends with the summary line."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from branches.models import Meeting, MeetingYear, PartyOrganisation


@pytest.mark.django_db(transaction=True)
def test_bench_branches_generates_then_reuses_and_prints_the_timings() -> None:
    out = io.StringIO()
    call_command("bench_branches", branches=60, months=2, stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    match = re.fullmatch(r"rates_ms=(\d+) missing_ms=(\d+) branches=(\d+) meetings=(\d+)", last)
    assert match, last
    assert int(match.group(3)) == 60
    meetings = int(match.group(4))
    assert meetings == Meeting.objects.count() > 60 * 2 * 3 * 0.9
    assert MeetingYear.objects.count() == 60
    again = io.StringIO()
    call_command("bench_branches", branches=60, months=2, stdout=again)
    assert "新增党组织 0，新增会议 0" in again.getvalue()
    assert again.getvalue().strip().splitlines()[-1].endswith(f"branches=60 meetings={meetings}")
    assert PartyOrganisation.objects.filter(code__startswith="BB").count() == 60
