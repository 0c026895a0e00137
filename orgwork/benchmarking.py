"""What the benchmark commands share (基准测试公用).

Both contestants of a benchmark are timed in one process. On Linux that process is kept
on one CPU while they are: the scheduler moving it between the cores of a small virtual
machine doubles a request's time now and then, and that would decide the result.
PostgreSQL's processes stay free to use every CPU.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator

from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from orgwork.admin_base import ScopedModelAdmin


def require_migrated() -> None:
    """Refuse, in Chinese, to build or time anything on a database that has not been
    migrated (a new database named in ``DATABASE_URL``): the first query would otherwise
    end in a traceback about a missing table."""
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise CommandError(f"数据库尚未迁移（{len(pending)} 个迁移未执行）：请先对同一数据库运行 "
                           "python manage.py migrate，再运行本命令。")


@contextlib.contextmanager
def pinned(pin: bool, say: Callable[[str], None]) -> Iterator[None]:
    """Keep this process on its last CPU inside the block (when ``pin`` and the system
    allows it, with two CPUs or more), and say so through ``say``."""
    cpus = sorted(os.sched_getaffinity(0)) if pin and hasattr(os, "sched_setaffinity") else []
    if len(cpus) < 2:
        yield
        return
    os.sched_setaffinity(0, {cpus[-1]})
    say(f"计时期间本进程固定在 CPU {cpus[-1]} 上（--no-pin 可取消）。")
    try:
        yield
    finally:
        os.sched_setaffinity(0, cpus)


class FastStockOptions:
    """The stock ``ModelAdmin`` options that make a list fastest, for a stock contestant
    at its strongest: it counts the filtered rows once, not the whole table again, and
    shows as many rows a page as the project's lists."""

    show_full_result_count = False
    list_per_page = ScopedModelAdmin.list_per_page
