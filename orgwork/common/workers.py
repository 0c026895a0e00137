"""Telling a live worker from a dead one (后台进程是否仍在运行), for rows a worker claims.

A worker can die mid-step (killed, its machine gone, its database connection cut) and
leave its row 运行中 with nobody to end it. On PostgreSQL the worker holds a
session-level advisory lock on the row (a :class:`WorkerLock`: namespace, row id) from
its claim to the end of its step; the database drops it with the session. A row still
running whose lock is free has lost its worker. Elsewhere (SQLite) there are no such
locks, and the caller falls back on the row's last progress time.

Used by the import jobs (``orgwork.imports.services``) and the export files
(``orgwork.exports.services``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import DatabaseError, connection

# A dead worker's session ends within this time, even while it waits on a lock.
CLIENT_CHECK_INTERVAL = "5s"


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


class WorkerLock:
    """The advisory lock a worker holds on one row while it works on it."""

    def __init__(self, namespace: int) -> None:
        self.namespace = namespace

    def key(self, pk: int) -> tuple[int, int]:
        """(classid, objid) of the lock, as ``pg_locks`` shows it."""
        return self.namespace, pk & 0x7FFFFFFF

    def take(self, pk: int) -> bool:
        """Take the lock for this session (the worker's claim); False if someone holds it.
        Always True off PostgreSQL."""
        if not on_postgres():
            return True
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", self.key(pk))
            taken = bool(cursor.fetchone()[0])
            if taken:
                cursor.execute(f"SET client_connection_check_interval = '{CLIENT_CHECK_INTERVAL}'")
        return taken

    def release(self, pk: int) -> None:
        if not on_postgres():
            return
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", self.key(pk))
        except DatabaseError:
            pass  # the session is gone, and its locks with it

    def worker_gone(self, pk: int) -> bool:
        """True if nobody holds the lock (PostgreSQL only; call inside a transaction that
        holds the row). Taken for this transaction only: a claim in progress holds the
        row, so it cannot be between its two steps here."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", self.key(pk))
            return bool(cursor.fetchone()[0])


class WorkerLost(Exception):
    """The worker running a task stopped without ending it (killed, its machine gone)."""


def fail_lost_task_results(*, tasks: Iterable[Any], args: list[Any], message: str) -> int:
    """The task queue's own record of a lost step, still 运行中 (RUNNING) since nobody was
    left to end it, is marked failed too, so the queue's admin tells the same story as the
    row. Only with the database task backend, which keeps such records. Returns how many."""
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):
        return 0
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    lost = WorkerLost(message)
    results = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING,
                                          task_path__in=[t.module_path for t in tasks], args_kwargs__args=args)
    count = 0
    for result in results:
        result.set_failed(lost)
        count += 1
    return count
