"""A small per-process cache (进程内缓存) for derived values: each entry lives ``seconds``,
at most ``size`` entries are kept (the least recently stored go first), and threads of
one process may share it. None stands for "not cached", so it is never a stored value."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class TimedCache(Generic[V]):
    def __init__(self, seconds: float, size: int) -> None:
        self.seconds = seconds
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        """The value stored under ``key`` if it is fresh, else None."""
        with self._lock:
            hit = self._entries.get(key)
        if hit is not None and time.monotonic() - hit[0] <= self.seconds:
            return hit[1]
        return None

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def get_or_set(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value stored under ``key`` if it is fresh, else ``make()``, stored."""
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, value)
        return value
