"""Fixtures of the export-file tests: many cadres at once, a wait for the worker, and a
database session of the test's own (it holds locks, as a live worker would)."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from django.db import connection

from cadres.models import Cadre
from orgwork.units.models import Unit
from tests.imports.sheets import id_for
from tests.samples.names import numbered


def wait_for(check: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the worker")


@pytest.fixture
def many_cadres(tree: dict[str, Unit]) -> Callable[..., int]:
    """``many_cadres(n, unit=...)``: n cadres with valid, distinct ID numbers, written at once."""

    def make(count: int, unit: Unit | None = None, start: int = 0) -> int:
        rows = []
        for i in range(start, start + count):
            born = datetime.date(1960, 1, 1) + datetime.timedelta(days=i // 500)
            rows.append(Cadre(name=numbered("干部", i, 5), gender="1", birth_month=born.replace(day=1),
                              id_number=id_for(born, i), unit=unit or tree["county_a"]))
        Cadre.objects.bulk_create(rows, batch_size=5000)
        return count

    return make


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    """Files above 3 rows go to the worker (the rule is the same at 5,000)."""
    from orgwork.exports import services

    monkeypatch.setattr(services, "INLINE_LIMIT", 3)
    return 3


@pytest.fixture
def other_session() -> Iterator[psycopg.Connection[Any]]:
    """A database session beside Django's: it holds locks as a worker would, and sees what
    the worker's session holds."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    session = psycopg.connect(**params, autocommit=True)
    yield session
    session.close()
