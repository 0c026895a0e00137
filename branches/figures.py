"""Key figures of grass-roots Party building on the dashboard: 缺会支部 and 软弱涣散."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from orgwork import dashboard

from .cadence import Period
from .filters import last_full_month
from .models import WeakCaseState
from .selectors import count_branches_missing_meetings, weak_cases_visible_to


def missing_meetings(user: Any) -> tuple[int, str | None]:
    month = last_full_month()
    count = count_branches_missing_meetings(period=Period.of_month(month.year, month.month), user=user)
    link = reverse("admin:worklist", args=["branches_missing_meetings"]) + "?" + urlencode(
        {"year": month.year, "month": month.month})
    return count, link


def weak_in_rectification(user: Any) -> tuple[int, str | None]:
    count = weak_cases_visible_to(user).filter(state=WeakCaseState.RECTIFYING).count()
    return count, reverse("admin:branches_weakbranchcase_changelist") + f"?state__exact={WeakCaseState.RECTIFYING}"


def register_figures() -> None:
    dashboard.register_figure(dashboard.Figure(
        slug="branches_missing_meetings", label="上月缺会党支部", permission="branches.view_meeting",
        compute=missing_meetings, order=40, alert=True))
    dashboard.register_figure(dashboard.Figure(
        slug="branches_weak", label="软弱涣散整顿中", permission="branches.view_weakbranchcase",
        compute=weak_in_rectification, order=50, alert=True))
