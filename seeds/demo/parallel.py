"""Splitting a big demo step over worker processes (并行写入), as ``pg_restore -j`` does.

A province's cadres and meetings are millions of rows; one process alternates between
building rows and waiting for the database to index them, so it keeps barely one core
busy. Forked workers, each with its own connection, keep both busy. Each part commits
on its own, exactly as it would in one process, so a failed run is completed by the
next one. Only on PostgreSQL, and never inside a transaction (a test's, say): the
workers could not see its rows.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connection, connections

T = TypeVar("T")


def tune_session() -> None:
    """Session settings for a bulk build: demo data can be rebuilt, so a commit need not
    wait for the disk (thousands of small commits in the workflow services)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")


def split(items: Sequence[T], parts: int) -> list[list[T]]:
    """``parts`` contiguous slices of about equal size."""
    size, extra = divmod(len(items), parts)
    result, start = [], 0
    for n in range(parts):
        end = start + size + (1 if n < extra else 0)
        result.append(list(items[start:end]))
        start = end
    return [r for r in result if r]


def run_parts(parts: Sequence[T], work: Callable[[T], int], workers: int) -> int:
    """``sum(work(part) for part in parts)``, with up to ``workers`` processes at a time."""
    if workers <= 1 or len(parts) <= 1 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return sum(work(part) for part in parts)
    connections.close_all()  # a forked child must not share the parent's socket
    context = multiprocessing.get_context("fork")
    total, failed = 0, 0
    for start in range(0, len(parts), workers):
        running = []
        for part in parts[start:start + workers]:
            result = context.Value("q", 0)
            process = context.Process(target=_child, args=(work, part, result))
            process.start()
            running.append((process, result))
        for process, result in running:
            process.join()
            if process.exitcode == 0:
                total += result.value
            else:
                failed += 1
    tune_session()
    if failed:
        raise RuntimeError(f"{failed} 个并行写入进程失败（已完成的部分已提交，重新运行即可补齐）。")
    return total


def _child(work: Callable[[T], int], part: T, result: Any) -> None:
    try:
        tune_session()
        result.value = work(part)
        connections.close_all()
    except BaseException:
        traceback.print_exc(file=sys.stderr)
        sys.stderr.flush()
        os._exit(1)
