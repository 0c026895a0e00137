"""Key figures of cadre work on the dashboard (关键指标): 在册干部 and 影响期内."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from orgwork import dashboard
from orgwork.admin_base import StateFilter
from orgwork.units.scope import scope_queryset

from .models import Cadre, CadreStatus
from .supervision.selectors import cadres_under_influence


def serving(user: Any) -> tuple[int, str | None]:
    count = scope_queryset(Cadre.objects.filter(status=CadreStatus.ACTIVE), user).count()
    return count, reverse("admin:cadres_cadre_changelist") + f"?status__exact={CadreStatus.ACTIVE}"


def under_influence(user: Any) -> tuple[int, str | None]:
    # The cadres, not one of the two kinds of record: the list behind the figure holds
    # those under a 组织处理 and those under a 党纪政务处分, as the count does.
    count = cadres_under_influence(user, on=timezone.localdate()).count()
    # Of any 状态: a cadre 免职 by the 组织处理 itself is still within its period.
    return count, reverse("admin:cadres_cadre_changelist") + f"?influence=running&status__exact={StateFilter.EVERYONE}"


def register_figures() -> None:
    dashboard.register_figure(dashboard.Figure(
        slug="cadres_serving", label="在册干部", permission="cadres.view_cadre", compute=serving, order=10))
    dashboard.register_figure(dashboard.Figure(
        slug="cadres_under_influence", label="影响期内干部", permission="supervision.view_handlingrecord",
        compute=under_influence, order=20, alert=True))
