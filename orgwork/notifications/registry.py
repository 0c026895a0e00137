"""Deadline sources (到期事项来源): the lists whose items fall due, registered by their apps.

The kernel never imports a domain app; each app registers its sources from its
``AppConfig.ready`` (its worklists module), as it does its panels::

    from orgwork.notifications.registry import DeadlineSource, DueItem, register
    register(DeadlineSource(key="branches_weak_case", title="软弱涣散党组织整顿",
                            list_url=lambda: reverse(...), due=weak_cases_due,
                            permission="branches.view_weakbranchcase"))

``due(until)`` returns every open item whose deadline is on or before ``until`` (overdue
ones included), as :class:`DueItem` rows; a :class:`ReminderRule` decides who hears of
which, and when. A reminder names a record (a cadre's spot check, a member's transfer):
only a clerk who may view such records hears of it, whatever roles a rule names
(``permission``; an item may need another right, :attr:`DueItem.permission`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class DueItem:
    """One item with a deadline: its key within the source, a short description (no ID
    numbers: it goes into mails), the deadline, the responsible unit and its page."""

    pk: int
    title: str
    deadline: datetime.date
    unit_id: int
    link: str
    # The right to be told of this item when it is not the source's (an item of the
    # 整改清单 raised from a record is seen by those who may view that kind of record).
    permission: str = ""


@dataclass(frozen=True)
class DeadlineSource:
    key: str
    title: str
    list_url: Callable[[], str]
    due: Callable[[datetime.date], Iterable[DueItem]]
    # The right ("app_label.codename") a clerk holds to be told of the source's items: the
    # right to view the records they name.
    permission: str


_SOURCES: dict[str, DeadlineSource] = {}


def register(source: DeadlineSource) -> DeadlineSource:
    _SOURCES[source.key] = source
    return source


def get(key: str) -> DeadlineSource | None:
    return _SOURCES.get(key)


def all_sources() -> list[DeadlineSource]:
    return sorted(_SOURCES.values(), key=lambda s: s.key)


def choices() -> list[tuple[str, str]]:
    return [(s.key, s.title) for s in all_sources()]
