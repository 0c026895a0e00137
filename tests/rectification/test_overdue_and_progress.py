"""Overdue arithmetic (end of the deadline day in Beijing) and progress against hand counts."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orgwork.rectification.models import ItemState, RectificationItem
from orgwork.rectification.selectors import (
    checklists_with_progress,
    items_with_overdue,
    rectification_progress,
    rectification_totals,
)
from orgwork.units.models import Unit

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = datetime.timezone.utc


def at_shanghai(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def overdue(item: RectificationItem, now: datetime.datetime) -> bool:
    return items_with_overdue(RectificationItem.objects.filter(pk=item.pk), now=now).get().is_overdue


def set_closed_at(item: RectificationItem, when: datetime.datetime) -> None:
    # Test set-up only: pin the sign-off moment that the service stamped with "now".
    RectificationItem.objects.filter(pk=item.pk).update(closed_at=when)


JUNE_30 = datetime.date(2026, 6, 30)


@pytest.mark.parametrize(("now", "expected"), [
    (at_shanghai(2026, 6, 30, 9, 0), False),               # deadline today: not overdue
    (at_shanghai(2026, 6, 30, 23, 59, 59), False),         # the last second of the deadline day
    (at_shanghai(2026, 7, 1, 0, 0, 0), True),              # the deadline day has ended in Beijing
    (datetime.datetime(2026, 6, 30, 16, 30, tzinfo=UTC), True),   # 00:30 on 1 July in Beijing, still 30 June in UTC
    (datetime.datetime(2026, 6, 30, 15, 59, tzinfo=UTC), False),  # 23:59 on 30 June in Beijing
    (at_shanghai(2026, 7, 2, 10, 0), True),                # deadline was yesterday
    (at_shanghai(2026, 5, 1, 10, 0), False),               # long before
], ids=["today", "last-second", "midnight-beijing", "just-past-midnight-beijing-vs-utc", "before-midnight-beijing",
        "yesterday", "before"])
def test_an_item_is_overdue_once_its_deadline_day_has_ended_in_beijing(item_in, now, expected):
    item = item_in(ItemState.IN_PROGRESS, deadline=JUNE_30)
    assert overdue(item, now) is expected


def test_the_answer_does_not_depend_on_the_active_time_zone(item_in):
    item = item_in(ItemState.ON_BOOKS, deadline=JUNE_30)
    now = datetime.datetime(2026, 6, 30, 16, 30, tzinfo=UTC)
    with timezone.override(UTC):
        assert overdue(item, now) is True
    with timezone.override(ZoneInfo("America/Los_Angeles")):
        assert overdue(item, now) is True


@pytest.mark.parametrize("state", [ItemState.ON_BOOKS, ItemState.IN_PROGRESS, ItemState.CLOSURE_REQUESTED,
                                   ItemState.REOPENED])
def test_every_state_short_of_struck_off_can_be_overdue(item_in, state):
    assert overdue(item_in(state, deadline=JUNE_30), at_shanghai(2026, 7, 5)) is True


def test_a_struck_off_item_and_an_item_without_deadline_are_never_overdue(item_in):
    assert overdue(item_in(ItemState.CLOSED, deadline=JUNE_30), at_shanghai(2027, 1, 1)) is False
    assert overdue(item_in(ItemState.ON_BOOKS, deadline=None, problem="无时限"), at_shanghai(2027, 1, 1)) is False


@pytest.fixture
def progress_items(item_in, tree) -> dict[str, RectificationItem]:
    """Seven items of the city checklist (hand counts in the tests below), deadline 30 June.

    county A: a struck off on 30 June 23:30 Beijing (on time), b struck off 1 July 00:10
              Beijing (late, although still 30 June in UTC), c in progress, d reopened
    township A: e on the books
    county B: f struck off without a deadline (on time), g awaiting sign-off
    """
    items = {
        "a": item_in(ItemState.CLOSED, problem="a"),
        "b": item_in(ItemState.CLOSED, problem="b"),
        "c": item_in(ItemState.IN_PROGRESS, problem="c"),
        "d": item_in(ItemState.REOPENED, problem="d"),
        "e": item_in(ItemState.ON_BOOKS, problem="e", unit=tree["township_a"]),
        "f": item_in(ItemState.CLOSED, problem="f", unit=tree["county_b"], deadline=None),
        "g": item_in(ItemState.CLOSURE_REQUESTED, problem="g", unit=tree["county_b"]),
    }
    set_closed_at(items["a"], at_shanghai(2026, 6, 30, 23, 30))
    set_closed_at(items["b"], datetime.datetime(2026, 6, 30, 16, 10, tzinfo=UTC))
    set_closed_at(items["f"], at_shanghai(2026, 8, 1, 9, 0))
    return items


NOW = at_shanghai(2026, 7, 15, 10, 0)


def test_checklist_progress_matches_the_hand_count(progress_items, city_checklist):
    row = checklists_with_progress(now=NOW).get(pk=city_checklist.pk)
    # found 7; rectified a, b, f; on time a, f; overdue c, d, e, g; 3 / 7 = 42.9 %
    assert (row.found, row.rectified, row.on_time, row.overdue) == (7, 3, 2, 4)
    assert row.rate == pytest.approx(42.9)


def test_unit_subtree_progress_matches_the_hand_count(progress_items, tree):
    units = Unit.objects.filter(code__in=["6201", "620102", "620102001", "620103", "6205"])
    rows = {u.code: (u.found, u.rectified, u.on_time, u.overdue, u.rate)
            for u in rectification_progress(units=units, now=NOW)}
    assert rows == {
        "6201": (7, 3, 2, 4, pytest.approx(42.9)),
        "620102": (5, 2, 1, 3, pytest.approx(40.0)),     # a b c d + township e
        "620102001": (1, 0, 0, 1, pytest.approx(0.0)),
        "620103": (2, 1, 1, 1, pytest.approx(50.0)),
        "6205": (0, 0, 0, 0, None),                       # nothing found: no rate rather than 0 %
    }


def test_totals_of_any_item_list(progress_items, tree):
    county_a = RectificationItem.objects.filter(responsible_unit__path__startswith=tree["county_a"].path)
    assert rectification_totals(county_a, now=NOW) == {"found": 5, "rectified": 2, "on_time": 1, "extended": 0,
                                                       "overdue": 3, "rate": 40.0}


def test_unit_progress_costs_one_query_however_many_units(progress_items, tree):
    with CaptureQueriesContext(connection) as few:
        list(rectification_progress(units=Unit.objects.filter(code="6201"), now=NOW))
    with CaptureQueriesContext(connection) as many:
        list(rectification_progress(units=Unit.objects.all(), now=NOW))
    assert len(few) == len(many) == 1


def test_progress_at_demo_scale_reads_like_the_provincial_report(item_in):
    """1,731 found and 514 rectified is a rate of 29.7 %: the same arithmetic on a small scale."""
    for i in range(3):
        item_in(ItemState.CLOSED, problem=f"已整改{i}")
    for i in range(7):
        item_in(ItemState.IN_PROGRESS, problem=f"整改中{i}")
    totals = rectification_totals(RectificationItem.objects.all())
    assert (totals["found"], totals["rectified"], totals["rate"]) == (10, 3, 30.0)
