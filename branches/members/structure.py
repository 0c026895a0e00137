"""党员队伍结构 (the structure of the membership, as the 党内统计 reports it): the 在册
党员 of a jurisdiction by 党员类别, 性别, 年龄段, 党龄段, 流动党员 and 失联党员, each count
with its share of the total.

The bands are defined once, here: the dashboard panel counts by them and the roster's
年龄段 and 党龄段 filters (``admin.filters``) list by them, so a figure and the roster it
links to are the same members. An age or a 党龄 is in whole years on the day counted
(:func:`rules.years_between`), which makes each band a range of birth dates or 转正日期
(:func:`rules.years_before`): a range on a column, never a function of it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from orgwork import dashboard
from orgwork.common import dates

from . import rules, selectors
from .models import Gender, MemberCategory, MemberStatus


@dataclass(frozen=True)
class Band:
    """Whole years from ``least`` to ``most`` (both counted; ``most=None`` has no end)."""

    label: str
    least: int
    most: int | None

    def condition(self, column: str, on: datetime.date) -> Q:
        """The rows whose ``column`` (a birth date, a 转正日期) is ``least`` to ``most``
        whole years before ``on``. The first band has no lower bound: a date after ``on``
        counts 0 years, as :func:`rules.standing_years` counts it."""
        condition = Q()
        if self.least > 0:
            condition &= Q(**{f"{column}__lte": rules.years_before(on, self.least)})
        if self.most is not None:
            condition &= Q(**{f"{column}__gt": rules.years_before(on, self.most + 1)})
        return condition


# 年龄段 of the 党内统计, by the key the roster's filter puts in its link.
AGE_BANDS: dict[str, Band] = {
    "-30": Band("30岁及以下", 0, 30),
    "31-35": Band("31至35岁", 31, 35),
    "36-40": Band("36至40岁", 36, 40),
    "41-45": Band("41至45岁", 41, 45),
    "46-50": Band("46至50岁", 46, 50),
    "51-55": Band("51至55岁", 51, 55),
    "56-60": Band("56至60岁", 56, 60),
    "61-": Band("61岁及以上", 61, None),
}
AGE_UNKNOWN = "unknown"
AGE_UNKNOWN_LABEL = "出生日期不详"

# 党龄段: 党龄 counts from 转正日期 (``Member.standing_years``); a 预备党员 has none yet and
# is counted apart (``PROBATION``).
STANDING_BANDS: dict[str, Band] = {
    "-4": Band("不满5年", 0, 4),
    "5-10": Band("5至10年", 5, 10),
    "11-20": Band("11至20年", 11, 20),
    "21-30": Band("21至30年", 21, 30),
    "31-40": Band("31至40年", 31, 40),
    "41-50": Band("41至50年", 41, 50),
    "51-": Band("51年及以上", 51, None),
}
PROBATION = "probation"
PROBATION_LABEL = "预备党员（不计党龄）"


def age_condition(key: str, on: datetime.date) -> Q | None:
    """The members of the 年龄段 ``key`` on ``on``; None for a key that is no band."""
    if key == AGE_UNKNOWN:
        return Q(birth_date__isnull=True)
    band = AGE_BANDS.get(key)
    return None if band is None else band.condition("birth_date", on)


def standing_condition(key: str, on: datetime.date) -> Q | None:
    """The members of the 党龄段 ``key`` on ``on``; None for a key that is no band."""
    if key == PROBATION:
        return Q(category=MemberCategory.PROBATIONARY)
    band = STANDING_BANDS.get(key)
    return None if band is None else Q(category=MemberCategory.FULL) & band.condition("full_on", on)


@dataclass(frozen=True)
class Line:
    """One line of the structure table: its label, the members it counts (None: all of
    them) and the roster filters that list exactly those members."""

    label: str
    condition: Q | None
    params: dict[str, str] = field(default_factory=dict)
    shown_when_zero: bool = True  # 出生日期不详 only when there are such members


def lines(on: datetime.date) -> list[Line]:
    """The lines of the table in the 党内统计's order, for the day ``on``."""
    return [
        Line("在册党员", None),
        *(Line(c.label, Q(category=c), {"category__exact": c.value}) for c in MemberCategory),
        *(Line(f"{g.label}党员", Q(gender=g), {"gender__exact": g.value}) for g in Gender),
        *(Line(band.label, age_condition(key, on), {"age": key}) for key, band in AGE_BANDS.items()),
        Line(AGE_UNKNOWN_LABEL, age_condition(AGE_UNKNOWN, on), {"age": AGE_UNKNOWN}, shown_when_zero=False),
        *(Line(f"党龄{band.label}", standing_condition(key, on), {"standing": key})
          for key, band in STANDING_BANDS.items()),
        Line(PROBATION_LABEL, standing_condition(PROBATION, on), {"standing": PROBATION}),
        Line("流动党员", Q(is_floating=True), {"is_floating__exact": "1"}),
        Line("失联党员", Q(is_lost=True), {"is_lost__exact": "1"}),
    ]


def structure_counts(user: Any, on: datetime.date) -> list[tuple[Line, int]]:
    """Every line with the number of 在册党员 it counts in ``user``'s jurisdiction: one
    aggregate query of conditional counts, whatever the number of members."""
    table = lines(on)
    counts = {f"line{i}": Count("pk") if line.condition is None else Count("pk", filter=line.condition)
              for i, line in enumerate(table)}
    found = (selectors.members_visible_to(user).filter(status=MemberStatus.ACTIVE).order_by()
             .aggregate(**counts))
    return [(line, found[f"line{i}"]) for i, line in enumerate(table)
            if line.shown_when_zero or found[f"line{i}"]]


def roster_link(params: dict[str, str]) -> str:
    """The roster (党员名册) of the 在册党员 the filters ``params`` pick."""
    query = {"status__exact": MemberStatus.ACTIVE.value, **params}
    return reverse("admin:members_member_changelist") + "?" + urlencode(query)


def share(count: int, total: int) -> float:
    """A count's share of the total, in per cent to one decimal (0 of nothing is 0)."""
    return round(100 * count / total, 1) if total else 0.0


def structure_panel(user: Any) -> dashboard.PanelData:
    """党员队伍结构: one bar per line, each linking to the roster of its members; the
    share of the total beside it in the table and the export."""
    on = dates.today()
    counted = structure_counts(user, on)
    total = counted[0][1]
    return dashboard.PanelData(
        labels=[line.label for line, _ in counted],
        series=[
            dashboard.Series("人数", [n for _, n in counted], [roster_link(line.params) for line, _ in counted]),
            dashboard.Series("占比（%）", [share(n, total) for _, n in counted], unit="%", drawn=False),
        ],
        unit="人", link=roster_link({}),
        note=f"在册党员，年龄、党龄按{on.year}年{on.month}月{on.day}日计算；党龄自转正之日起算，预备党员不计党龄。"
             "占比以在册党员总数为基数。点击各项查看党员名册。",
        empty="管辖范围内没有在册党员。",
    )
