"""Audit lists (台账): named, scoped lists of the cases staff act on.

A domain app registers its lists in ``AppConfig.ready``::

    from orgwork.worklists.registry import Column, WorkList, register
    register(WorkList(slug="low_political_score", title="政治素质测评低于80分", section="干部监督",
                      permission="cadres.view_assessment", queryset=low_scores_visible_to,
                      filterset_class=LowScoreFilter, columns=(Column("姓名", "cadre.name"), …)))

``queryset(user)`` must already be scoped (selectors call ``scope_queryset``);
``filterset_class`` is a django-filter FilterSet over it. Rows may be model instances or
dicts (for aggregated lists); a column reads a dotted attribute or key path, or calls a
function. Sensitive columns (ID numbers) are masked unless the user holds
``unmask_permission``. ``screen_columns``, where given, are what the page shows in place
of ``columns`` (a wide register shows a date and its reason in one cell, so that every
column fits the window); the exported sheet always has ``columns``, one value a cell. ``expected_empty`` marks an integrity check: any row is a fault.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class Column:
    header: str
    value: str | Callable[[Any], Any]
    sensitive: bool = False

    def read(self, row: Any) -> Any:
        if callable(self.value):
            return self.value(row)
        current = row
        for part in self.value.split("."):
            if current is None:
                return None
            current = current.get(part) if isinstance(current, dict) else getattr(current, part, None)
            if callable(current) and part.startswith("get_") and part.endswith("_display"):
                current = current()
        return current


@dataclass(frozen=True)
class WorkList:
    slug: str
    title: str
    section: str
    permission: str
    queryset: Callable[[Any], QuerySet[Any]]
    columns: tuple[Column, ...]
    description: str = ""
    filterset_class: Any = None
    row_link: Callable[[Any], str] | None = None
    unmask_permission: str | None = None
    expected_empty: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    screen_columns: tuple[Column, ...] = ()

    @property
    def shown_columns(self) -> tuple[Column, ...]:
        """The page's columns (the sheet's are ``columns``)."""
        return self.screen_columns or self.columns

    def visible_to(self, user: Any) -> bool:
        return bool(user.is_active and user.is_staff and user.has_perm(self.permission))


_LISTS: dict[str, WorkList] = {}


def register(worklist: WorkList) -> WorkList:
    existing = _LISTS.get(worklist.slug)
    if existing is not None and existing != worklist:
        raise ValueError(f"台账 {worklist.slug} 已注册")
    _LISTS[worklist.slug] = worklist
    return worklist


def get(slug: str) -> WorkList | None:
    return _LISTS.get(slug)


def all_lists() -> list[WorkList]:
    return list(_LISTS.values())


def lists_for(user: Any) -> list[WorkList]:
    return [w for w in _LISTS.values() if w.visible_to(user)]
