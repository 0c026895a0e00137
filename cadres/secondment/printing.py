"""The assignments as lines of the 任免审批表 简历 (registered with ``cadres.extensions``): the
printed form and the exported ``.lrmx`` carry them; an imported ``.lrmx`` does not store them."""

from __future__ import annotations

import datetime

from cadres.models import Cadre
from orgwork.common import dates

from .models import Assignment, AssignmentKind, AssignmentStatus


def resume_text(a: Assignment) -> str:
    if a.kind == AssignmentKind.SECONDMENT:
        return f"挂任{a.host_unit.full_name if a.host_unit_id else ''}{a.post}"
    role = "第一书记" if a.kind == AssignmentKind.FIRST_SECRETARY else "驻村工作队员"
    return f"选派任{a.township.full_name if a.township_id else ''}{a.village}{role}"


def resume_lines(cadre: Cadre) -> list[tuple[datetime.date, str]]:
    """(start day, line) in the 任免审批表's own form: ``2024.03--2026.03  挂任榆中县县委副书记``;
    an assignment still in post has no end (``2024.03--  …``)."""
    lines = []
    for a in Assignment.objects.filter(cadre=cadre).select_related("host_unit", "township").order_by("starts_on"):
        end = "" if a.status == AssignmentStatus.ACTIVE else dates.format_month(a.left_on or a.ends_on)
        lines.append((a.starts_on, f"{dates.format_month(a.starts_on)}--{end}  {resume_text(a)}"))
    return lines
