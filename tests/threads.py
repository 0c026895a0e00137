"""Two transactions at once, on two database connections of the test's own threads."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction


def second_waits_for_first(first: Callable[[], Any], second: Callable[[], Any]) -> tuple[bool, Any]:
    """``first`` runs in a transaction held open; ``second`` starts meanwhile in another.
    Returns whether ``second`` was still waiting 1.5 s later, and what it returned — or
    the ``ValidationError`` it raised — once ``first`` had committed. Needs a
    transactional test (``django_db(transaction=True)``)."""
    written, let_commit, outcome = threading.Event(), threading.Event(), {}

    def run_first() -> None:
        try:
            with transaction.atomic():
                first()
                written.set()
                let_commit.wait(timeout=30)
        finally:
            connection.close()

    def run_second() -> None:
        try:
            outcome["result"] = second()
        except ValidationError as refused:
            outcome["result"] = refused
        finally:
            connection.close()

    holder = threading.Thread(target=run_first)
    holder.start()
    assert written.wait(timeout=30)
    waiter = threading.Thread(target=run_second)
    waiter.start()
    waiter.join(timeout=1.5)
    waited = waiter.is_alive()
    let_commit.set()
    holder.join(timeout=30)
    waiter.join(timeout=30)
    return waited, outcome.get("result")
