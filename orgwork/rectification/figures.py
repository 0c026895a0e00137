"""Key figure of the rectification checklists on the dashboard: 逾期整改."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from orgwork import dashboard
from orgwork.units.scope import scope_queryset

from .models import RectificationItem
from .selectors import deadline_today, overdue_q


def overdue(user: Any) -> tuple[int, str | None]:
    count = scope_queryset(RectificationItem.objects.filter(overdue_q(today=deadline_today())), user).count()
    return count, reverse("admin:rectification_rectificationitem_changelist") + "?overdue=yes"


def register_figures() -> None:
    dashboard.register_figure(dashboard.Figure(
        slug="rectification_overdue", label="逾期未整改事项", permission="rectification.view_rectificationitem",
        compute=overdue, order=30, alert=True))
