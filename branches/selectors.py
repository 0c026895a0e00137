"""Read side of the branches app: lists, rates and statistics, computed in SQL.

Everything takes ``units`` — a queryset of :class:`~orgwork.units.models.Unit`, normally
``units_visible_to(user)`` or a sub-tree of it — and never reaches records outside it.
Figures are computed per unit in SQL and rolled up to sub-trees in Python (a few
hundred unit rows at most), so one query answers a whole province.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Avg, BooleanField, Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from orgwork.dashboard import once_per_drawing
from orgwork.units.models import Unit
from orgwork.units.scope import scope_queryset, units_visible_to

from .cadence import Period, required_slots
from orgwork.common import dates

from .models import (
    CADENCE,
    DUE_SOON_MONTHS,
    ELECTION_HOLDER_KINDS,
    SENIOR_HIGH_OR_ABOVE,
    VENUE_MINIMUM_AREA,
    BranchAssessment,
    Cadence,
    Domain,
    Meeting,
    MeetingKind,
    OrgKind,
    PartyOrganisation,
    StandardVersion,
    TermElection,
    TermStatus,
    WeakBranchCase,
    WeakCaseState,
    placed_name,
)

HUNDRED = Decimal(100)


def percent(part: int | float | Decimal, whole: int | float | Decimal) -> Decimal | None:
    """``part / whole`` as a percentage with one decimal (99.1), ``None`` when nothing is due."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------
# Grouping units into sub-trees
# ---------------------------------------------------------------------------


@dataclass
class UnitGroup:
    """One row of a sub-tree report: a unit and everything below it (or only the unit itself)."""

    unit_id: int | None
    label: str
    path: str
    own_only: bool = False

    def covers(self, unit_path: str) -> bool:
        return unit_path == self.path if self.own_only else unit_path.startswith(self.path)


def unit_groups(units: QuerySet[Unit], root: Unit | None = None) -> tuple[list[UnitGroup], dict[int, str]]:
    """The sub-tree rows under ``root`` (its children, plus 本级 for its own records), and
    ``{unit id: path}`` for every unit in ``units``. Without a root, the top of ``units``
    is used; when that is a single unit it is opened one level."""
    paths = dict(units.order_by().values_list("id", "path"))
    if root is None:
        tops = _tops(paths)
        if len(tops) != 1:
            names = dict(Unit.objects.filter(id__in=tops).values_list("id", "name"))
            return [UnitGroup(uid, names.get(uid, ""), paths[uid]) for uid in sorted(tops, key=paths.get)], paths
        root_id = tops[0]
    else:
        root_id = root.pk
    root_path = paths.get(root_id, root.path if root is not None else "")
    children = Unit.objects.filter(parent_id=root_id, id__in=list(paths)).order_by("sort_order", "path")
    root_name = root.name if root is not None else Unit.objects.filter(pk=root_id).values_list("name", flat=True).first()
    groups = [UnitGroup(root_id, f"{root_name}（本级）", root_path, own_only=True)]
    groups += [UnitGroup(c.pk, c.name, c.path) for c in children]
    return groups, paths


def _tops(paths: dict[int, str]) -> list[int]:
    ordered = sorted(paths.items(), key=lambda item: item[1])
    tops: list[int] = []
    last = None
    for uid, path in ordered:
        if last is not None and path.startswith(last):
            continue
        tops.append(uid)
        last = path
    return tops


def _units_sql(units: QuerySet[Unit]) -> tuple[str, tuple[Any, ...]]:
    try:
        sql, params = units.order_by().values("id").query.sql_with_params()
    except EmptyResultSet:  # no units at all (an account without a home unit): SQL that matches none
        return "SELECT CAST(NULL AS BIGINT) WHERE 1 = 0", ()
    return sql, tuple(params)


# ---------------------------------------------------------------------------
# 三会一课: rates and missing lists
# ---------------------------------------------------------------------------


@dataclass
class KindRate:
    kind: int
    held: int
    required: int

    @property
    def label(self) -> str:
        return MeetingKind(self.kind).label

    @property
    def rate(self) -> Decimal | None:
        return percent(self.held, self.required)


@dataclass
class RateRow:
    """开展率一行：一个单位（含下级）或一个党支部."""

    key: int | None
    label: str
    branches: int = 0
    held: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    period: Period | None = None
    unit_label: str = ""

    def kinds(self) -> list[KindRate]:
        assert self.period is not None
        return [KindRate(k, self.held.get(k, 0), self.branches * required_slots(k, self.period)) for k in MeetingKind.values]

    def rate(self, kind: int) -> Decimal | None:
        assert self.period is not None
        return percent(self.held.get(kind, 0), self.branches * required_slots(kind, self.period))


@dataclass
class RatesReport:
    period: Period
    total: RateRow
    rows: list[RateRow]


KIND_VALUES: tuple[int, ...] = tuple(MeetingKind.values)  # the enum rebuilds the list on every access
KINDS = len(KIND_VALUES)  # five bits per month: 12 months × 5 kinds fit a bigint


def _bit(kind: int, month_index: int) -> int:
    return 1 << (month_index * KINDS + kind - 1)


def _slots_sql(kind: int, period: Period, column: str = "h.mask") -> str:
    """Cadence slots of ``kind`` held, from the organisation's bit mask for the period
    (bit ``i * 5 + kind - 1`` = a meeting of that kind in the i-th month)."""
    if CADENCE[kind] == Cadence.MONTHLY:
        if connection.vendor == "postgresql":
            # One popcount instead of a term per month: this expression runs once per branch.
            bits = sum(_bit(kind, i) for i in range(period.months))
            return f"bit_count(({column} & {bits})::bit(64))"
        return " + ".join(f"(({column} >> {i * KINDS + kind - 1}) & 1)" for i in range(period.months))
    if period.quarters == 0:
        return "0"
    quarter_bits = [_bit(kind, 3 * q) | _bit(kind, 3 * q + 1) | _bit(kind, 3 * q + 2) for q in range(period.quarters)]
    return " + ".join(f"(CASE WHEN ({column} & {bits}) <> 0 THEN 1 ELSE 0 END)" for bits in quarter_bits)


def _covers_most_units(units: QuerySet[Unit]) -> bool:
    """Whether the scope holds at least half of all units (a province officer): asked by
    several of the dashboard's panels, counted once per drawing."""
    return once_per_drawing((_covers_most_units, *_units_sql(units)),
                            lambda: units.order_by().count() * 2 >= Unit.objects.count())


def _held_cte(units: QuerySet[Unit], period: Period, source: str | None = None,
              founded_by: datetime.date | None = None) -> tuple[str, tuple[Any, ...]]:
    """CTEs ``branch`` (党支部 in scope that existed when the period began: 成立日期 blank
    or not after its first day — or not after ``founded_by``, for a caller that reads the
    year's months or quarters one by one and asks each of a branch only from its 成立日期)
    and ``held`` (per organisation, one bit mask of months × kinds held in the period).

    On PostgreSQL ``held`` reads the yearly roll-up (``MeetingYear``, one row per
    organisation and year, kept by triggers): no grouping at all. Elsewhere, or with
    ``source="meetings"``, the meeting table itself — the same mask, aggregated from
    some sixty times as many rows. For a scope that is most of the tree the roll-up is
    read unfiltered and narrowed by the join to the branches in scope (cheaper than
    probing the unit list per row). Either way a meeting nobody was expected at (应到人数 0,
    written before the rule) is not one held (migration ``branches.0012``)."""
    units_sql, units_params = _units_sql(units)
    if source is None:
        source = "summary" if connection.vendor == "postgresql" else "meetings"
    first = period.first_month_no
    unit_filter, held_params = "", (period.first_month_no, period.last_month_no)
    if source == "summary":
        if not _covers_most_units(units):
            unit_filter, held_params = f" AND s.unit_id IN ({units_sql})", units_params
        else:
            held_params = ()
        # Bits of the months before the period are shifted out; those after it are never read.
        held = f"""
  SELECT s.organisation_id AS org_id, (s.mask >> {KINDS * (period.first_month - 1)}) AS mask
  FROM branches_meetingyear s
  WHERE s.year = {int(period.year)}{unit_filter}"""
    else:
        # The SUM of DISTINCT powers of two is their bitwise OR, on any database.
        held = f"""
  SELECT m.organisation_id AS org_id,
         CAST(SUM(DISTINCT CAST(1 AS BIGINT) << ((m.month_no - {first}) * {KINDS} + m.kind - 1)) AS BIGINT) AS mask
  FROM branches_meeting m
  WHERE m.month_no BETWEEN %s AND %s AND m.expected >= 1 AND m.unit_id IN ({units_sql})
  GROUP BY m.organisation_id"""
        held_params = held_params + units_params
    sql = f"""
WITH branch AS (
  SELECT o.id, o.unit_id, o.founded_on FROM branches_partyorganisation o
  WHERE o.kind = %s AND o.unit_id IN ({units_sql}) AND (o.founded_on IS NULL OR o.founded_on <= %s)
),
held AS ({held}
)"""
    return sql, (OrgKind.BRANCH,) + units_params + (founded_by or period.start,) + held_params


def _slots_columns(period: Period, column: str = "h.mask") -> str:
    return ",\n".join(f"  COALESCE({_slots_sql(k, period, column)}, 0) AS s{k}" for k in KIND_VALUES)


def _run(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """Run a report query; its hash tables get room in memory for the length of the transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params)
        return cursor.fetchall()


def meeting_held_by_unit(units: QuerySet[Unit], period: Period, source: str | None = None) -> dict[int, tuple[int, dict[int, int]]]:
    """``{unit id: (branches, {kind: slots held})}`` for the 党支部 attached to each unit."""
    cte, params = _held_cte(units, period, source)
    sums = ", ".join(f"SUM(s{k})" for k in KIND_VALUES)
    sql = f"""{cte},
per_branch AS (
  SELECT b.unit_id,
{_slots_columns(period)}
  FROM branch b LEFT JOIN held h ON h.org_id = b.id
)
SELECT unit_id, COUNT(*), {sums} FROM per_branch GROUP BY unit_id"""
    result: dict[int, tuple[int, dict[int, int]]] = {}
    for unit_id, branches, *held in _run(sql, params):
        result[unit_id] = (branches, {k: int(v or 0) for k, v in zip(KIND_VALUES, held)})
    return result


def meeting_held_by_unit_and_month(units: QuerySet[Unit], months: Sequence[Period],
                                   source: str | None = None) -> dict[Period, dict[int, tuple[int, dict[int, int]]]]:
    """:func:`meeting_held_by_unit` of each one-month period in ``months``, keyed by it: one
    query per calendar year, reading the year's mask once and each month's bits out of it.
    Each month counts the branches founded by its first day, as its own report does."""
    if any(month.months != 1 for month in months):
        raise ValueError("meeting_held_by_unit_and_month takes one-month periods only")
    result: dict[Period, dict[int, tuple[int, dict[int, int]]]] = {}
    for year in sorted({month.year for month in months}):
        in_year = [month for month in months if month.year == year]
        # Every branch founded by the last month asked; each month counts those founded by its first day.
        cte, params = _held_cte(units, Period.of_year(year), source, founded_by=max(m.start for m in in_year))
        founded = "(b.founded_on IS NULL OR b.founded_on <= %s)"
        # The year's mask holds month m's kinds from bit (m - 1) * KINDS: shifted down, it is that month's mask.
        sums = ", ".join(
            f"SUM(CASE WHEN {founded} THEN 1 ELSE 0 END), "
            + ", ".join(f"SUM(CASE WHEN {founded} THEN {_slots_sql(k, month, f'(h.mask >> {KINDS * (month.first_month - 1)})')}"
                        f" ELSE 0 END)" for k in KIND_VALUES)
            for month in in_year)
        params += tuple(month.start for month in in_year for _ in range(1 + KINDS))
        sql = f"""{cte}
SELECT b.unit_id, {sums}
FROM branch b LEFT JOIN held h ON h.org_id = b.id
GROUP BY b.unit_id"""
        per_month: list[dict[int, tuple[int, dict[int, int]]]] = [{} for _ in in_year]
        for unit_id, *held in _run(sql, params):
            for index, found in enumerate(per_month):
                branches, *counts = held[index * (1 + KINDS):(index + 1) * (1 + KINDS)]
                if branches:
                    found[unit_id] = (int(branches), {k: int(v or 0) for k, v in zip(KIND_VALUES, counts)})
        result.update(zip(in_year, per_month))
    return result


def meeting_rates(*, units: QuerySet[Unit], period: Period, by: str = "subtree", root: Unit | None = None,
                  source: str | None = None) -> RatesReport:
    """三会一课开展率: held / required cadence slots per meeting kind, as percentages.

    ``by="subtree"``: one row per child unit of ``root`` (its whole sub-tree) plus 本级;
    ``by="branch"``: one row per 党支部. ``total`` covers all of ``units``.
    """
    if by == "branch":
        return _rates_by_branch(units, period, source)
    groups, paths = unit_groups(units, root)
    return _rates_by_subtree(meeting_held_by_unit(units, period, source), groups, paths, period)


def monthly_meeting_rates(*, units: QuerySet[Unit], months: Sequence[Period], source: str | None = None) -> list[RatesReport]:
    """``meeting_rates(by="subtree")`` of each of ``months`` (one-month periods), in their
    order: the units grouped once, and one query per calendar year instead of one per month."""
    groups, paths = unit_groups(units)
    held = meeting_held_by_unit_and_month(units, months, source)
    covering: dict[int, tuple[int, ...]] = {}
    return [_rates_by_subtree(held[month], groups, paths, month, covering) for month in months]


def _rates_by_subtree(per_unit: dict[int, tuple[int, dict[int, int]]], groups: list[UnitGroup],
                      paths: dict[int, str], period: Period,
                      covering: dict[int, tuple[int, ...]] | None = None) -> RatesReport:
    """One row per group of ``groups``, adding up each unit into the groups that cover it.
    ``covering`` keeps, per unit, which groups those are, for the next period's report."""
    if covering is None:
        covering = {}
    total = RateRow(None, "合计", period=period)
    rows = [RateRow(g.unit_id, g.label, period=period) for g in groups]
    for unit_id, (branches, held) in per_unit.items():
        found = covering.get(unit_id)
        if found is None:
            path = paths.get(unit_id, "")
            found = covering[unit_id] = tuple(i for i, g in enumerate(groups) if g.covers(path))
        for row in [total, *(rows[i] for i in found)]:
            row.branches += branches
            for kind, n in held.items():
                row.held[kind] += n
    rows = [row for row, g in zip(rows, groups) if not (g.own_only and row.branches == 0)]
    return RatesReport(period, total, rows)


def _rates_by_branch(units: QuerySet[Unit], period: Period, source: str | None) -> RatesReport:
    cte, params = _held_cte(units, period, source)
    sql = f"""{cte}
SELECT o.id, o.name, u.full_name,
{_slots_columns(period)}
FROM branch b
JOIN branches_partyorganisation o ON o.id = b.id
JOIN units_unit u ON u.id = b.unit_id
LEFT JOIN held h ON h.org_id = b.id
ORDER BY o.path"""
    total = RateRow(None, "合计", period=period)
    rows: list[RateRow] = []
    for org_id, name, unit_name, *held in _run(sql, params):
        row = RateRow(org_id, name, branches=1, period=period, unit_label=unit_name)
        for kind, n in zip(KIND_VALUES, held):
            row.held[kind] = int(n or 0)
            total.held[kind] += int(n or 0)
        total.branches += 1
        rows.append(row)
    return RatesReport(period, total, rows)


@dataclass
class MissingBranch:
    """缺会名单一行：一个没有按频次开展组织生活的党支部."""

    organisation_id: int
    code: str
    name: str
    unit_code: str
    unit_name: str
    held: dict[int, int]
    required: dict[int, int]

    @property
    def shortfalls(self) -> dict[int, int]:
        return {k: self.required[k] - self.held.get(k, 0) for k in self.required if self.held.get(k, 0) < self.required[k]}

    @property
    def shortfall_text(self) -> str:
        return "、".join(f"{MeetingKind(k).label}缺{n}次" for k, n in self.shortfalls.items())


def _missing_cte(units: QuerySet[Unit], period: Period, source: str | None) -> tuple[str, tuple[Any, ...], dict[int, int], str]:
    """The CTEs up to ``per_branch`` (slots held per 党支部 in scope), the cadence's
    required slots, and the condition a branch falls short of it on."""
    required = {k: required_slots(k, period) for k in KIND_VALUES if required_slots(k, period) > 0}
    cte, params = _held_cte(units, period, source)
    short = " OR ".join(f"s{k} < {n}" for k, n in required.items()) or "FALSE"
    sql = f"""{cte},
per_branch AS (
  SELECT b.id, b.unit_id,
{_slots_columns(period)}
  FROM branch b LEFT JOIN held h ON h.org_id = b.id
)"""
    return sql, params, required, short


def branches_missing_meetings(*, period: Period, units: QuerySet[Unit] | None = None, user: Any = None,
                              limit: int | None = None, source: str | None = None) -> list[MissingBranch]:
    """缺会名单: 党支部 in scope that have not held, in ``period``, what the cadence asks for
    (any monthly kind missing in any month, any quarterly kind missing in any whole
    quarter). Pass ``units`` or ``user`` (then the user's jurisdiction)."""
    if units is None:
        units = units_visible_to(user)
    cte, params, required, short = _missing_cte(units, period, source)
    sql = f"""{cte}
SELECT o.id, o.code, o.name, u.code, u.full_name, {", ".join(f"p.s{k}" for k in KIND_VALUES)}
FROM per_branch p
JOIN branches_partyorganisation o ON o.id = p.id
JOIN units_unit u ON u.id = p.unit_id
WHERE {short}
ORDER BY u.path, o.path"""
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [
        MissingBranch(org_id, code, name, unit_code, unit_name, {k: int(v or 0) for k, v in zip(KIND_VALUES, held)}, required)
        for org_id, code, name, unit_code, unit_name, *held in _run(sql, params)
    ]


def count_branches_missing_meetings(*, period: Period, user: Any, source: str | None = None) -> int:
    """How many 党支部 the 缺会名单 of ``period`` holds for ``user``, without reading their
    names or sorting them (the dashboard's figure)."""
    cte, params, _, short = _missing_cte(units_visible_to(user), period, source)
    return int(_run(f"{cte}\nSELECT COUNT(*) FROM per_branch WHERE {short}", params)[0][0])


@dataclass(frozen=True)
class MeetingGap:
    """一次缺会: a 党支部 that has not held ``kind`` in ``period`` (a month for a monthly
    kind, a quarter for a quarterly one), up to now."""

    organisation_id: int
    code: str
    placed_name: str
    unit_id: int
    kind: int
    period: Period


def _period_kinds(period: Period) -> list[int]:
    """The kinds a one-month or one-quarter period is the cadence slot of."""
    cadence = Cadence.MONTHLY if period.month is not None else Cadence.QUARTERLY
    return [k for k in KIND_VALUES if CADENCE[k] == cadence]


def _slot_bits(kind: int, period: Period) -> int:
    """The bits of a calendar year's mask that hold ``kind`` within ``period``."""
    return sum(_bit(kind, period.first_month - 1 + i) for i in range(period.months))


def meeting_gaps(*, periods: Sequence[Period], source: str | None = None) -> list[MeetingGap]:
    """Every 党支部 of the province that has not held, in each of ``periods`` (months and
    quarters), each kind whose cadence slot it is — the 缺会名单's rule, slot by slot,
    for the whole tree at once. One query per calendar year the periods fall in, whatever
    the number of branches: each branch's yearly mask is read once, the SQL returns only
    the branches short of something, and Python reads which slots from their masks. A
    slot whose period began before the branch's 成立日期 is not asked of it."""
    by_year: dict[int, list[Period]] = defaultdict(list)
    for period in periods:
        if period.months not in (1, 3):
            raise ValueError("meeting_gaps takes months and quarters only")
        by_year[period.year].append(period)
    gaps: list[MeetingGap] = []
    for year in sorted(by_year):
        slots = [(period, kind, _slot_bits(kind, period)) for period in by_year[year] for kind in _period_kinds(period)]
        # Every branch founded by the year's last slot; the slots before its 成立日期 are dropped below.
        latest = max(period.start for period in by_year[year])
        cte, params = _held_cte(Unit.objects.all(), Period.of_year(year), source, founded_by=latest)
        short = " OR ".join(f"(COALESCE(h.mask, 0) & {bits}) = 0" for _period, _kind, bits in slots)
        sql = f"""{cte}
SELECT o.id, o.code, o.name, o.unit_id, u.name, u.full_name, COALESCE(h.mask, 0), o.founded_on
FROM branch b
JOIN branches_partyorganisation o ON o.id = b.id
JOIN units_unit u ON u.id = b.unit_id
LEFT JOIN held h ON h.org_id = b.id
WHERE {short}
ORDER BY u.path, o.path"""
        for org_id, code, name, unit_id, unit_name, unit_full_name, mask, founded_on in _run(sql, params):
            placed = placed_name(name, unit_name, unit_full_name or unit_name)
            gaps += [MeetingGap(org_id, code, placed, unit_id, kind, period)
                     for period, kind, bits in slots
                     if not int(mask) & bits and (founded_on is None or founded_on <= period.start)]
    return gaps


# The order a reminder lists the kinds in: the monthly ones, then the quarterly.
GAP_KIND_ORDER = (MeetingKind.COMMITTEE_MEETING, MeetingKind.GROUP_MEETING, MeetingKind.THEME_DAY,
                  MeetingKind.MEMBERS_MEETING, MeetingKind.PARTY_LECTURE)


def periods_text(periods: Sequence[Period]) -> str:
    """Slots as a clerk writes them, oldest first, the year once per year: 「2026年9月、10月」,
    「2025年第4季度、2026年第1季度」; three or more in a row as a span, 「2025年12月至2026年11月」."""
    runs: list[list[Period]] = []
    for period in sorted(periods, key=lambda p: p.first_month_no):
        if runs and period.first_month_no == runs[-1][-1].last_month_no + 1:
            runs[-1].append(period)
        else:
            runs.append([period])
    words: list[str] = []
    year = None
    for run in runs:
        shown = [run[0], run[-1]] if len(run) >= 3 else run
        texts = []
        for period in shown:
            texts.append(period.label if period.year != year else period.label.removeprefix(f"{period.year}年"))
            year = period.year
        words.append("至".join(texts) if len(run) >= 3 else "、".join(texts))
    return "、".join(words)


@dataclass(frozen=True)
class BranchGaps:
    """一个党支部的缺会: every (kind, slot) of the periods asked that the 党支部 has not held."""

    organisation_id: int
    code: str
    placed_name: str
    unit_id: int
    gaps: tuple[tuple[int, Period], ...]

    @property
    def due(self) -> datetime.date:
        """The last day of the oldest slot not held: the reminder runs off the oldest gap."""
        return min(period.end for _kind, period in self.gaps)

    @property
    def missing_text(self) -> str:
        """「支委会2026年9月、10月；党课2026年第3季度」."""
        by_kind: dict[int, list[Period]] = defaultdict(list)
        for kind, period in self.gaps:
            by_kind[kind].append(period)
        return "；".join(f"{MeetingKind(kind).label}{periods_text(by_kind[kind])}"
                        for kind in GAP_KIND_ORDER if kind in by_kind)


def meeting_gaps_by_branch(*, periods: Sequence[Period], source: str | None = None) -> list[BranchGaps]:
    """:func:`meeting_gaps` gathered per 党支部: one row for each branch short of anything in
    ``periods``, with all it has not held. The same queries (one per calendar year); the
    grouping is done here, in memory, over the rows the SQL already limited to the short."""
    grouped: dict[int, list[MeetingGap]] = {}
    for gap in meeting_gaps(periods=periods, source=source):
        grouped.setdefault(gap.organisation_id, []).append(gap)
    return [BranchGaps(gaps[0].organisation_id, gaps[0].code, gaps[0].placed_name, gaps[0].unit_id,
                       tuple((g.kind, g.period) for g in gaps)) for gaps in grouped.values()]


def first_meeting_month() -> datetime.date | None:
    """The first day of the earliest month the system holds a 三会一课 record of (one index
    lookup), None before any is recorded."""
    number = Meeting.objects.order_by("month_no").values_list("month_no", flat=True).first()
    return None if number is None else datetime.date(number // 12, number % 12 + 1, 1)


def meetings_of_branch(organisation: PartyOrganisation, period: Period) -> QuerySet[Meeting]:
    return Meeting.objects.filter(
        organisation=organisation, month_no__gte=period.first_month_no, month_no__lte=period.last_month_no
    ).order_by("held_on")


# ---------------------------------------------------------------------------
# Secretaries and venues
# ---------------------------------------------------------------------------


@dataclass
class LeadershipRow:
    """书记队伍统计一行."""

    key: int | None
    label: str
    secretaries: int = 0
    birth_months_sum: int = 0
    senior_high_or_above: int = 0
    full_time: int = 0
    double_leaders: int = 0
    as_of: datetime.date = field(default_factory=timezone.localdate)

    @property
    def average_age(self) -> Decimal | None:
        if not self.secretaries:
            return None
        as_of_months = self.as_of.year * 12 + self.as_of.month - 1
        months = Decimal(as_of_months) - Decimal(self.birth_months_sum) / Decimal(self.secretaries)
        return (months / 12).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def education_share(self) -> Decimal | None:
        return percent(self.senior_high_or_above, self.secretaries)

    @property
    def full_time_share(self) -> Decimal | None:
        return percent(self.full_time, self.secretaries)

    @property
    def double_leader_share(self) -> Decimal | None:
        return percent(self.double_leaders, self.secretaries)


def leadership_statistics(*, units: QuerySet[Unit], root: Unit | None = None, as_of: datetime.date | None = None,
                          domain: str | None = None) -> tuple[LeadershipRow, list[LeadershipRow]]:
    """书记队伍: average age (on ``as_of``, in whole months), share with senior-high
    education or above, full-time share and 双带头人 share — total and per sub-tree."""
    from .models import Secretary

    as_of = as_of or timezone.localdate()
    qs = Secretary.objects.filter(organisation__unit__in=units.order_by().values("id"))
    if domain:
        qs = qs.filter(organisation__domain=domain)
    per_unit = (
        qs.values(unit_id=F("organisation__unit_id"))
        .annotate(
            n=Count("id"),
            months=Avg(ExtractYear("birth_month") * 12 + ExtractMonth("birth_month") - 1),
            educated=Count("id", filter=Q(education__in=SENIOR_HIGH_OR_ABOVE)),
            full=Count("id", filter=Q(is_full_time=True)),
            double=Count("id", filter=Q(is_double_leader=True)),
        )
        .order_by()
    )
    groups, paths = unit_groups(units, root)
    total = LeadershipRow(None, "合计", as_of=as_of)
    rows = [LeadershipRow(g.unit_id, g.label, as_of=as_of) for g in groups]
    for item in per_unit:
        path = paths.get(item["unit_id"], "")
        for row in [total] + [r for r, g in zip(rows, groups) if g.covers(path)]:
            row.secretaries += item["n"]
            row.birth_months_sum += round(float(item["months"] or 0) * item["n"])
            row.senior_high_or_above += item["educated"]
            row.full_time += item["full"]
            row.double_leaders += item["double"]
    return total, [r for r, g in zip(rows, groups) if not (g.own_only and r.secretaries == 0)]


@dataclass
class VenueRow:
    """活动场所达标一行（按领域）."""

    domain: str
    minimum: int
    recorded: int
    compliant: int

    @property
    def label(self) -> str:
        return Domain(self.domain).label

    @property
    def share(self) -> Decimal | None:
        return percent(self.compliant, self.recorded)


def venue_compliance(*, units: QuerySet[Unit]) -> list[VenueRow]:
    """活动场所面积达标率: among organisations with a recorded venue, the share whose area
    reaches its domain's minimum (村 ≥ 120㎡, 社区 ≥ 200㎡). One grouped query."""
    whens = Q()
    for domain, minimum in VENUE_MINIMUM_AREA.items():
        whens |= Q(domain=domain, venue_area__gte=minimum)
    data = (
        PartyOrganisation.objects.filter(
            unit__in=units.order_by().values("id"), domain__in=list(VENUE_MINIMUM_AREA), venue_area__isnull=False
        )
        .values("domain")
        .annotate(recorded=Count("id"), compliant=Count("id", filter=whens))
        .order_by()
    )
    found = {d["domain"]: d for d in data}
    return [
        VenueRow(domain, minimum, found.get(domain, {}).get("recorded", 0), found.get(domain, {}).get("compliant", 0))
        for domain, minimum in VENUE_MINIMUM_AREA.items()
    ]


# ---------------------------------------------------------------------------
# Standardisation
# ---------------------------------------------------------------------------


def standard_version_in_force(*, unit: Unit, domain: str, on: datetime.date) -> StandardVersion | None:
    """The version a branch of ``unit`` is assessed against on ``on``: the standard for its
    domain issued by the nearest unit at or above it, in its latest version whose
    施行日期 is not after ``on``."""
    ancestors = _ancestor_paths(unit.path)
    candidates = (
        StandardVersion.objects.filter(standard__domain=domain, standard__unit__path__in=ancestors, effective_from__lte=on)
        .select_related("standard__unit")
        .order_by("-effective_from")
    )
    best: StandardVersion | None = None
    for version in candidates:
        depth = version.standard.unit.path.count("/")
        if best is None or depth > best.standard.unit.path.count("/"):
            best = version
    return best


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def ancestor_paths(unit: Unit) -> list[str]:
    return _ancestor_paths(unit.path)


def model_branches_within(unit: Unit, year: int, exclude_pk: int | None = None) -> int:
    """示范党支部 named in ``unit``'s sub-tree for ``year``: 党支部 only (ASSESSED_KINDS), as
    the quota and its default share count them; a 党委 marked 示范 before the rule takes
    no place in it."""
    from .models import ASSESSED_KINDS, StandardStatus

    qs = BranchAssessment.objects.filter(year=year, status=StandardStatus.MODEL, organisation__unit__path__startswith=unit.path,
                                         organisation__kind__in=ASSESSED_KINDS)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.count()


def status_counts(*, units: QuerySet[Unit], year: int) -> dict[str, int]:
    """标准化评定结果分布 for one year."""
    rows = (
        BranchAssessment.objects.filter(organisation__unit__in=units.order_by().values("id"), year=year)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["status"] or "": r["n"] for r in rows}


def organisations_in(units: QuerySet[Unit]) -> QuerySet[PartyOrganisation]:
    return PartyOrganisation.objects.filter(unit__in=units.order_by().values("id"))


# ---------------------------------------------------------------------------
# 软弱涣散整顿
# ---------------------------------------------------------------------------


def weak_overdue_q(*, today: datetime.date, prefix: str = "") -> Q:
    """Still 整顿中 after the 整顿时限 has passed."""
    return Q(**{f"{prefix}state": WeakCaseState.RECTIFYING, f"{prefix}deadline__lt": today})


def weak_cases_visible_to(user: Any, *, today: datetime.date | None = None) -> QuerySet[WeakBranchCase]:
    """软弱涣散整顿台账 in ``user``'s scope, each annotated with ``is_overdue``."""
    today = today or timezone.localdate()
    return scope_queryset(WeakBranchCase.objects.all(), user).annotate(
        is_overdue=Case(When(weak_overdue_q(today=today), then=Value(True)), default=Value(False),
                        output_field=BooleanField())
    )


def weak_cases_by_domain(user: Any, *, today: datetime.date | None = None) -> dict[str, dict[str, int]]:
    """``{domain: {"rectifying": n, "overdue": n}}`` over the user's scope, one grouped query."""
    today = today or timezone.localdate()
    rows = (
        weak_cases_visible_to(user, today=today)
        .values("organisation__domain")
        .annotate(rectifying=Count("pk", filter=Q(state=WeakCaseState.RECTIFYING)),
                  overdue=Count("pk", filter=weak_overdue_q(today=today)))
        .order_by()
    )
    return {r["organisation__domain"]: {"rectifying": r["rectifying"], "overdue": r["overdue"]} for r in rows}


# ---------------------------------------------------------------------------
# 换届选举
# ---------------------------------------------------------------------------


def term_status_q(status: str, *, today: datetime.date) -> Q:
    """The elections in one :class:`TermStatus` as of ``today``, over a queryset annotated by
    :func:`with_term_status` (``succeeded``): the same words as ``TermElection.status``."""
    soon = dates.add_months(today, DUE_SOON_MONTHS)
    current = Q(succeeded=False)
    if status == TermStatus.SUCCEEDED:
        return Q(succeeded=True)
    if status == TermStatus.EXTENDED:
        return current & Q(extended_until__gte=today)
    if status == TermStatus.OVERDUE:
        return current & Q(due_on__lt=today)
    if status == TermStatus.DUE_SOON:
        return current & Q(extended_until__isnull=True, term_ends_on__gte=today, term_ends_on__lte=soon)
    return current & Q(extended_until__isnull=True, term_ends_on__gt=soon)


def with_term_status(queryset: QuerySet[TermElection], *, today: datetime.date | None = None) -> QuerySet[TermElection]:
    """Each election annotated with ``succeeded`` (a later election of its organisation is on
    record), ``due_on`` (延期至, or the 届满日期) and ``term_status`` (the status word's key),
    in SQL: one query whatever the page size."""
    today = today or timezone.localdate()
    later = TermElection.objects.filter(organisation_id=OuterRef("organisation_id"), elected_on__gt=OuterRef("elected_on"))
    annotated = queryset.annotate(succeeded=Exists(later), due_on=Coalesce("extended_until", "term_ends_on"))
    return annotated.annotate(term_status=Case(
        *(When(term_status_q(s, today=today), then=Value(s.value)) for s in
          (TermStatus.SUCCEEDED, TermStatus.EXTENDED, TermStatus.OVERDUE, TermStatus.DUE_SOON)),
        default=Value(TermStatus.SERVING.value), output_field=CharField()))


def term_elections_visible_to(user: Any, *, today: datetime.date | None = None) -> QuerySet[TermElection]:
    return with_term_status(scope_queryset(TermElection.objects.all(), user), today=today)


def current_terms(*, today: datetime.date | None = None) -> QuerySet[TermElection]:
    """Each organisation's latest election (its current term), unscoped: the reminders' source."""
    return with_term_status(TermElection.objects.all(), today=today).filter(succeeded=False)


def terms_overdue(user: Any, *, today: datetime.date | None = None) -> QuerySet[TermElection]:
    """届满未换届: the current term has ended, no later election, no approved extension
    covering today."""
    today = today or timezone.localdate()
    return term_elections_visible_to(user, today=today).filter(term_status_q(TermStatus.OVERDUE, today=today))


def terms_due_soon(user: Any, *, today: datetime.date | None = None) -> QuerySet[TermElection]:
    """半年内届满: the current term (or its approved extension) ends between today and
    :data:`DUE_SOON_MONTHS` months from now."""
    today = today or timezone.localdate()
    return term_elections_visible_to(user, today=today).filter(
        succeeded=False, due_on__gte=today, due_on__lte=dates.add_months(today, DUE_SOON_MONTHS))


def organisations_without_elections(user: Any) -> QuerySet[PartyOrganisation]:
    """The 党委、党总支、党支部 in scope with no 换届选举 on record."""
    return (scope_queryset(PartyOrganisation.objects.filter(kind__in=sorted(ELECTION_HOLDER_KINDS)), user)
            .filter(~Exists(TermElection.objects.filter(organisation_id=OuterRef("pk")))))
