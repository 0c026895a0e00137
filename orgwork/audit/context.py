"""Who is acting right now: set per request by the middleware, per command or task by
``acting_as``. The audit recorder reads it so that a save anywhere is attributed."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any = None
    source: str = "system"
    ip: str | None = None


_current: ContextVar[Actor] = ContextVar("orgwork_audit_actor", default=Actor())


def current_actor() -> Actor:
    return _current.get()


@contextlib.contextmanager
def acting_as(user: Any, *, source: str, ip: str | None = None) -> Iterator[Actor]:
    actor = Actor(user=user, source=source, ip=ip)
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)
