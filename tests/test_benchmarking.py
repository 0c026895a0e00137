"""The benchmark commands' shared parts, and bench_admin at a tiny size."""

from __future__ import annotations

import io
import os
import re

import pytest
from django.core.management import call_command

from cadres.models import Cadre
from orgwork.common.benchmarking import pinned


def test_pinned_keeps_the_process_on_its_last_cpu_inside_and_gives_every_cpu_back_after() -> None:
    cpus = os.sched_getaffinity(0)
    said: list[str] = []
    with pinned(True, said.append):
        inside = os.sched_getaffinity(0)
    assert os.sched_getaffinity(0) == cpus
    if len(cpus) >= 2:
        assert inside == {max(cpus)}
        assert said == [f"计时期间本进程固定在 CPU {max(cpus)} 上（--no-pin 可取消）。"]
    else:  # nothing to choose between: left as it is, and nothing said
        assert inside == cpus and said == []


def test_pinned_without_pin_leaves_the_process_free_and_says_nothing() -> None:
    cpus = os.sched_getaffinity(0)
    said: list[str] = []
    with pinned(False, said.append):
        assert os.sched_getaffinity(0) == cpus
    assert said == []


@pytest.mark.django_db(transaction=True)
def test_bench_admin_fills_the_table_and_ends_with_its_summary_line_against_the_fast_stock_admin() -> None:
    from cadres.benchmarks import stock_site
    from orgwork.admin_base import ScopedModelAdmin

    stock = stock_site._registry[Cadre]
    assert stock.show_full_result_count is False and stock.list_per_page == ScopedModelAdmin.list_per_page
    out = io.StringIO()
    call_command("bench_admin", rows=120, repeat=1, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert re.fullmatch(r"p50_ms=[\d.]+ stock_p50_ms=[\d.]+ ratio=[\d.]+ queries=\d+", lines[-1]), out.getvalue()
    assert Cadre.objects.count() == 120
    for scenario in ("plain", "filtered", "search", "deep"):
        assert any(re.fullmatch(rf"{scenario}\s+ours_p50_ms=[\d.]+ stock_p50_ms=[\d.]+", line) for line in lines)
