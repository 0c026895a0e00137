"""The members lists' filters of their own: the roster's 党籍状态, 在册 unless another is
picked, the 发展党员 list's 发展阶段 and the 组织关系转接 list's 转接状态, each 未办结 unless
another is picked; and 年龄段 and
党龄段, the bands of 党员队伍结构 (``structure``), so a figure of the dashboard's panel and
the roster it links to are the same members.

Each band is a range on a date column. No index of its own: the roster's page reads its
fifty rows in the list's order from the 党籍状态 index (the roster filters 在册 until
another state is picked) and stops, which beats collecting a band of a tenth of the roll
and sorting it."""

from __future__ import annotations

import datetime
from typing import Any, Callable

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from orgwork.admin_base import StateFilter
from orgwork.common import dates

from .. import structure
from ..models import MemberStatus, Stage, TransferState


class StatusFilter(StateFilter):
    """党籍状态, 在册 until another state or 全部 is picked."""

    default = MemberStatus.ACTIVE.value


OPEN = "open"  # 未办结: an application file or a transfer letter still in hand


class StageFilter(StateFilter):
    """发展阶段 of an application file, 未办结 (入党申请人 to 预备党员) until another stage or
    全部 is picked: the 发展党员 list is of the files in hand; one closed by 转正 (the member
    is on the roster since), 取消预备党员资格, 终止培养 or death is one pick away, and a
    search finds it without one."""

    field = "stage"
    default = OPEN
    groups = {OPEN: ("未办结", (Stage.APPLIED.value, Stage.ACTIVIST.value, Stage.CANDIDATE.value,
                               Stage.PROBATIONARY.value))}


class TransferStateFilter(StateFilter):
    """转接状态 of a transfer, 未办结 (待转出确认 and 在途) until another state or 全部 is
    picked: the 组织关系转接 list is of the letters in hand, those still to be issued or
    confirmed; one received or sent back is one pick away, and a search (a letter's number,
    a member's name) finds it without one."""

    field = "state"
    default = OPEN
    groups = {OPEN: ("未办结", (TransferState.PENDING.value, TransferState.IN_TRANSIT.value))}


class BandFilter(admin.SimpleListFilter):
    """A filter by one of ``structure``'s bands, and the line counted apart after them."""

    bands: dict[str, structure.Band]
    apart: tuple[str, str]  # (key, label)
    condition: Callable[[str, datetime.date], Q | None]

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [*((key, band.label) for key, band in self.bands.items()), self.apart]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.value():
            return queryset
        condition = type(self).condition(self.value(), dates.today())
        if condition is None:
            # A key that is no band (an edited or stale link): the list is shown unfiltered
            # with a message saying so (HonouredChangeList), as for any filter value that
            # cannot be applied, not as if it were the band.
            raise IncorrectLookupParameters(f"{self.title}「{self.value()}」不是可选的分段")
        return queryset.filter(condition)


class AgeBandFilter(BandFilter):
    title = "年龄段"
    parameter_name = "age"
    bands = structure.AGE_BANDS
    apart = (structure.AGE_UNKNOWN, structure.AGE_UNKNOWN_LABEL)
    condition = staticmethod(structure.age_condition)


class StandingBandFilter(BandFilter):
    title = "党龄段"
    parameter_name = "standing"
    bands = structure.STANDING_BANDS
    apart = (structure.PROBATION, structure.PROBATION_LABEL)
    condition = staticmethod(structure.standing_condition)
