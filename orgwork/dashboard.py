"""The dashboard (工作台): figures leaders read, as the admin index, scoped to the user.

A domain app registers panels in ``AppConfig.ready``::

    from orgwork.dashboard import Panel, PanelData, Series, register
    register(Panel(slug="cadre_age", title="干部年龄结构", permission="cadres.view_cadre",
                   compute=cadre_age_panel, order=30))

``compute(user)`` aggregates in SQL within the user's scope and returns a ``PanelData``:
category labels, one or more series of numbers, and for every figure the URL of the list
behind it. The page draws each panel as an SVG chart (no script, nothing fetched from
outside) with its numbers as a table beneath, exportable to xlsx. A ``deferred`` panel is
drawn by a request of its own once the page is shown.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

Result = TypeVar("Result")

# While the dashboard is drawn: what the figures shared by several cards and charts came to.
_drawing: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("dashboard_drawing", default=None)


@contextmanager
def one_drawing() -> Iterator[None]:
    """Draw the dashboard's cards and charts as one: a figure several of them read is
    worked out once (:func:`shared`)."""
    token = _drawing.set({})
    try:
        yield
    finally:
        _drawing.reset(token)


def once_per_drawing(key: tuple[Any, ...], compute: Callable[[], Result]) -> Result:
    """``compute()``, worked out once per ``key`` while the dashboard is drawn
    (:func:`one_drawing`), and each time anywhere else."""
    drawn = _drawing.get()
    if drawn is None:
        return compute()
    if key not in drawn:
        drawn[key] = compute()
    return drawn[key]


def shared(func: Callable[..., Result]) -> Callable[..., Result]:
    """A selector several cards and charts read (a jurisdiction's 后备干部 totals): worked
    out once per user and arguments while the dashboard is drawn (:func:`one_drawing`);
    called anywhere else (a 台账, an export, a command), it computes each time."""
    @functools.wraps(func)
    def once(user: Any, *args: Any, **kwargs: Any) -> Result:
        key = (func, getattr(user, "pk", None), args, tuple(sorted(kwargs.items())))
        return once_per_drawing(key, lambda: func(user, *args, **kwargs))
    return once


@dataclass
class Series:
    name: str
    values: list[float | int]
    links: list[str | None] = field(default_factory=list)
    # A column of the table only, in a unit of its own (占比 % beside the counts it is a
    # share of): not drawn, since a share and a count on one axis read as the same thing.
    unit: str | None = None
    drawn: bool = True
    # For a rate: what each value is a share of (the meetings due each month), so that a
    # chart folding several series into one weighs them by it instead of a simple mean.
    weights: list[float] | None = None

    def link(self, index: int) -> str | None:
        return self.links[index] if index < len(self.links) else None


@dataclass
class PanelData:
    labels: list[str]
    series: list[Series]
    kind: str = "bar"  # bar | line
    unit: str = ""
    link: str | None = None  # the list behind the whole panel
    note: str = ""
    empty: str = "管辖范围内暂无数据。"  # said instead of a chart with nothing on it
    # A rate where low needs attention (三会一课开展率): a chart with more series than it can
    # tell apart keeps the lowest, not the highest.
    lowest_first: bool = False

    @property
    def is_empty(self) -> bool:
        """Nothing to draw: no labels, or counts that are all 0 (an axis from 0 to 1 and no
        bar reads as a broken chart). A rate of 0 % is a value and is drawn."""
        if not self.labels:
            return True
        return self.unit != "%" and not any(value for s in self.drawn_series for value in s.values)

    @property
    def drawn_series(self) -> list[Series]:
        return [s for s in self.series if s.drawn]

    def rows(self) -> list[list[Any]]:
        """The table under the chart: one row per label, one column per series."""
        return [[label, *[s.values[i] for s in self.series]] for i, label in enumerate(self.labels)]

    def shown_rows(self) -> list[list[Any]]:
        """The table as the page shows it: each figure with its series' unit (12人, 25.0%)."""
        units = [self.unit if s.unit is None else s.unit for s in self.series]
        return [[label, *[f"{value}{unit}" for value, unit in zip(values, units)]]
                for label, *values in self.rows()]

    @property
    def headers(self) -> list[str]:
        return ["", *[s.name for s in self.series]]


@dataclass(frozen=True)
class Panel:
    slug: str
    title: str
    permission: str
    compute: Callable[[Any], PanelData]
    order: int = 100
    # Drawn after the page (``admin:dashboard_panel``): a panel whose figure takes a scan
    # of every record in the jurisdiction (a province's 1.7 million members) would hold
    # up the whole 工作台 until it is counted; the page shows its place and fills it in.
    deferred: bool = False

    def visible_to(self, user: Any) -> bool:
        return bool(user.is_active and user.is_staff and user.has_perm(self.permission))


@dataclass(frozen=True)
class Figure:
    """A key figure (关键指标) shown as a card above the charts: one number in the user's
    scope and the list it comes from. ``compute(user)`` returns (value, link)."""

    slug: str
    label: str
    permission: str
    compute: Callable[[Any], tuple[int, str | None]]
    order: int = 100
    # Cards that count something to act on (逾期, 影响期内) are drawn as warnings when non-zero.
    alert: bool = False

    def visible_to(self, user: Any) -> bool:
        return bool(user.is_active and user.is_staff and user.has_perm(self.permission))


_PANELS: dict[str, Panel] = {}
_FIGURES: dict[str, Figure] = {}


def register_figure(figure: Figure) -> Figure:
    _FIGURES[figure.slug] = figure
    return figure


def figures_for(user: Any) -> list[tuple[Figure, int, str | None]]:
    """The key figures the user may see, computed in their scope, in order."""
    shown = sorted((f for f in _FIGURES.values() if f.visible_to(user)), key=lambda f: (f.order, f.slug))
    return [(f, *f.compute(user)) for f in shown]


def register(panel: Panel) -> Panel:
    _PANELS[panel.slug] = panel
    return panel


def get(slug: str) -> Panel | None:
    return _PANELS.get(slug)


def panels_for(user: Any) -> list[Panel]:
    return sorted((p for p in _PANELS.values() if p.visible_to(user)), key=lambda p: (p.order, p.slug))


def panel_export_content(panel: Panel, user: Any) -> tuple[bytes, int]:
    """The panel's table as a workbook for ``user`` (the worker builds it: ``orgwork.exports``),
    and its row count; the export is written to the audit trail."""
    from orgwork.audit.models import AuditAction
    from orgwork.audit.recorder import record
    from orgwork.imports.exporting import escape_cell, write_xlsx

    data = panel.compute(user)
    rows = [[escape_cell(v) for v in row] for row in data.rows()]
    headers = [panel.title, *data.headers[1:]]
    record(None, action=AuditAction.EXPORT, actor=user, message=f"导出统计「{panel.title}」",
           changes={"panel": panel.slug, "rows": len(rows)},
           unit_path=getattr(getattr(user, "unit", None), "path", "") or "")
    return write_xlsx(headers, rows), len(rows)
