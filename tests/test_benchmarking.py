"""The benchmark commands' shared parts, and bench_admin at a tiny size."""

from __future__ import annotations

import io
import os
import re

import pytest
from django.core.management import call_command

from cadres.models import Cadre
from orgwork.benchmarking import pinned


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


def test_bench_admin_keeps_djangos_defaults_on_its_stock_admin_and_times_the_fastest_stock_options_beside_it() -> None:
    from django.contrib.admin import ModelAdmin

    from cadres.benchmarks import FastStockCadreAdmin, StockCadreAdmin, fast_site, stock_site
    from orgwork.admin_base import ScopedModelAdmin

    stock, fast = stock_site._registry[Cadre], fast_site._registry[Cadre]
    assert type(stock) is StockCadreAdmin and type(fast) is FastStockCadreAdmin
    assert stock.show_full_result_count is True and stock.list_per_page == ModelAdmin.list_per_page
    assert fast.show_full_result_count is False and fast.list_per_page == ScopedModelAdmin.list_per_page


@pytest.mark.django_db(transaction=True)
def test_bench_admin_fills_the_table_and_ends_with_its_summary_line() -> None:
    out = io.StringIO()
    call_command("bench_admin", rows=120, repeat=1, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert re.fullmatch(r"p50_ms=[\d.]+ stock_p50_ms=[\d.]+ ratio=[\d.]+ queries=\d+", lines[-1]), out.getvalue()
    assert re.fullmatch(r"原生选项最快的 ModelAdmin（不另计全表总数、每页 50 行）：p50 [\d.]+ 毫秒，为本系统列表的 [\d.]+ 倍",
                        lines[-2]), lines[-2]
    assert Cadre.objects.count() == 120
    for scenario in ("plain", "filtered", "search", "deep"):
        assert any(re.fullmatch(rf"{scenario}\s+ours_p50_ms=[\d.]+ stock_p50_ms=[\d.]+ fast_stock_p50_ms=[\d.]+", line)
                   for line in lines), scenario


@pytest.mark.parametrize("command", ["bench_members", "bench_admin", "bench_branches", "bench_import",
                                     "bench_cadre_work"])
def test_a_benchmark_on_a_database_never_migrated_says_to_migrate_first_and_writes_nothing(command: str) -> None:
    """A new database named in DATABASE_URL, no migration run: the command stops with a
    Chinese message before its first query, not with a traceback about a missing table."""
    import subprocess
    import sys
    import uuid

    import psycopg
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the benchmarks run on PostgreSQL only")
    params = connection.get_connection_params()
    name = f"orgwork_unmigrated_{uuid.uuid4().hex[:8]}"
    admin_dsn = {key: params[key] for key in ("host", "port", "user", "password") if params.get(key)}
    with psycopg.connect(dbname="postgres", autocommit=True, **admin_dsn) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = "postgres://{user}@{host}:{port}/{name}".format(
            user=params.get("user", "postgres"), host=params.get("host", "127.0.0.1"), port=params.get("port", 5432),
            name=name)
        run = subprocess.run([sys.executable, "manage.py", command], cwd=settings.BASE_DIR, text=True,
                             capture_output=True, env={**os.environ, "DATABASE_URL": url}, timeout=120)
        assert run.returncode == 1, run.stderr
        assert "数据库尚未迁移" in run.stderr and "python manage.py migrate" in run.stderr
        assert "Traceback" not in run.stderr
        with psycopg.connect(dbname=name, **admin_dsn) as fresh:
            assert fresh.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (0,)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin_dsn) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
