"""The rules of 挂职与驻村, each in one function that every path calls (the services, the
admin forms through them, the sheet's ``prepare_instance``, the demo seeder).

Periods are half-open: an assignment holds from ``starts_on`` up to the day it ends
(``left_on`` once it has ended, else ``ends_on``), so a replacement may start on the
day the one it replaces leaves.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone

from orgwork.common.display import already
from .models import AssessmentGrade, Assignment, AssignmentKind, AssignmentStatus, VILLAGE_KINDS

# 在岗抽查: this many 不在岗 findings in one calendar year put the assignment on the
# rectification checklist and bar an 优秀 for that year. The source documents give no
# number; ``SECONDMENT_ABSENCE_LIMIT`` overrides the default.
DEFAULT_ABSENCE_LIMIT = 2
# An assignment in post not checked for this many days is 抽查逾期 on the 台账
# (``SECONDMENT_CHECK_INTERVAL_DAYS``: once a quarter by default).
DEFAULT_CHECK_INTERVAL_DAYS = 90


def absence_limit() -> int:
    return int(getattr(settings, "SECONDMENT_ABSENCE_LIMIT", DEFAULT_ABSENCE_LIMIT))


def check_interval_days() -> int:
    return int(getattr(settings, "SECONDMENT_CHECK_INTERVAL_DAYS", DEFAULT_CHECK_INTERVAL_DAYS))


def period_end(assignment: Assignment) -> datetime.date:
    return assignment.left_on or assignment.ends_on


def overlaps(a_start: datetime.date, a_end: datetime.date, b_start: datetime.date, b_end: datetime.date) -> bool:
    return a_start < b_end and b_start < a_end


def _span(a: Assignment) -> str:
    return f"{a.starts_on:%Y-%m-%d}至{period_end(a):%Y-%m-%d}"


def assignment_shape_errors(a: Assignment) -> dict[str, str]:
    """挂职 names a host unit (and no village); 驻村 names a township and a village (and no
    host unit); the term ends after it starts, and starts no later than today."""
    errors: dict[str, str] = {}
    if a.kind == AssignmentKind.SECONDMENT:
        if not a.host_unit_id:
            errors["host_unit"] = "挂职须填写挂职单位。"
        if a.township_id or (a.village or "").strip():
            errors["village"] = "挂职不填写驻村的乡镇和村名。"
    elif a.kind in VILLAGE_KINDS:
        if not a.township_id:
            errors["township"] = "驻村须填写村所在的乡镇。"
        if not (a.village or "").strip():
            errors["village"] = "驻村须填写村名。"
        if a.host_unit_id:
            errors["host_unit"] = "驻村不填写挂职单位，请填写所在乡镇和村名。"
    if a.starts_on and a.ends_on and a.ends_on <= a.starts_on:
        errors["ends_on"] = "选派期满日期须晚于开始日期。"
    if a.starts_on and a.starts_on > timezone.localdate():  # it would count as 在岗 before it starts
        errors["starts_on"] = "选派开始日期不能晚于今天：干部到岗后再登记。"
    return errors


def cadre_overlap_error(a: Assignment, others: Iterable[Assignment]) -> str | None:
    """一名干部的选派期间不得重叠 (``others``: the cadre's other assignments)."""
    if not (a.starts_on and a.ends_on):
        return None
    for other in others:
        if other is a or (a.pk is not None and other.pk == a.pk):
            continue
        if overlaps(a.starts_on, period_end(a), other.starts_on, period_end(other)):
            # 已挂职 / 已任驻村第一书记: the village posts are held (任), a 挂职 is done.
            held = "" if other.kind == AssignmentKind.SECONDMENT else "任"
            return (f"{a.cadre.name}在{_span(other)}已{held}{other.get_kind_display()}（{other.place}），"
                    f"选派期间不能重叠。")
    return None


def village_first_secretary_error(a: Assignment, others: Iterable[Assignment]) -> str | None:
    """一个村同一时间只有一名第一书记 (``others``: the village's other 第一书记)."""
    if a.kind != AssignmentKind.FIRST_SECRETARY or not (a.starts_on and a.ends_on):
        return None
    for other in others:
        if other is a or (a.pk is not None and other.pk == a.pk):
            continue
        if overlaps(a.starts_on, period_end(a), other.starts_on, period_end(other)):
            return f"{a.place}在{_span(other)}已有第一书记{other.cadre.name}，同一时间只能有一名第一书记。"
    return None


def end_errors(a: Assignment, *, status: str, left_on: datetime.date | None, reason: str,
               replacement_cadre: Any) -> dict[str, str]:
    """期满/召回/轮换: only an assignment in post; a leaving day within the term, not in the
    future; 召回 and 轮换 give a reason; 轮换 names the replacement, who is someone else."""
    errors: dict[str, str] = {}
    if a.status != AssignmentStatus.ACTIVE:
        return {"status": f"该选派{already(a.get_status_display())}，不能再办理。"}
    if left_on is None:
        errors["left_on"] = "请填写离岗日期。"
    elif left_on <= a.starts_on:
        errors["left_on"] = f"离岗日期须晚于选派开始日期（{a.starts_on:%Y-%m-%d}）。"
    elif left_on > timezone.localdate():
        errors["left_on"] = "离岗日期不能晚于今天。"
    if status in (AssignmentStatus.RECALLED, AssignmentStatus.ROTATED) and not (reason or "").strip():
        errors["reason"] = f"{AssignmentStatus(status).label}须写明原因。"
    if status == AssignmentStatus.ROTATED and replacement_cadre is None:
        errors["replacement_cadre"] = "轮换须指定接替人选。"
    if replacement_cadre is not None and replacement_cadre.pk == a.cadre_id:
        errors["replacement_cadre"] = "接替人选不能是本人。"
    if status == AssignmentStatus.COMPLETED and replacement_cadre is not None:
        errors["replacement_cadre"] = "期满离岗不指定接替人选；需接替的请办理轮换。"
    return errors


def records_outside_period_error(start: datetime.date, end: datetime.date, *, checks: Iterable[Any],
                                 assessments: Iterable[Any]) -> tuple[str, str] | None:
    """A term covers what is recorded on it: the 在岗抽查 (``start`` ≤ day < ``end``, as
    :func:`duty_check_errors` admits them) and the 年度考核 (its year from ``start``'s to
    ``end``'s, as :func:`assessment_errors`). The first record left outside, as
    (``"start"`` or ``"end"``, its name), or None. ``checks`` and ``assessments`` in order."""
    for check in checks:
        if check.checked_on < start or check.checked_on >= end:
            side = "start" if check.checked_on < start else "end"
            return side, f"{check.checked_on:%Y-%m-%d}的在岗抽查（{check.get_present_display()}，抽查人{check.checker}）"
    for assessment in assessments:
        if not (start.year <= assessment.year <= end.year):
            side = "start" if assessment.year < start.year else "end"
            return side, f"{assessment.year}年度的年度考核（{assessment.get_grade_display()}）"
    return None


def period_leaves_out(label: str, day: datetime.date, record: str, start: datetime.date,
                      end: datetime.date) -> str:
    return (f"{label} {day:%Y-%m-%d} 使已登记的{record}落在选派期间（{start:%Y-%m-%d}至{end:%Y-%m-%d}）外："
            f"选派期间须覆盖已登记的在岗抽查和年度考核；确需调整的，请先更正这些记录。")


def duty_check_errors(a: Assignment, checked_on: datetime.date | None) -> dict[str, str]:
    """在岗抽查 falls within the assignment's time in post and not in the future."""
    if checked_on is None:
        return {"checked_on": "请填写抽查日期。"}
    if checked_on > timezone.localdate():
        return {"checked_on": "抽查日期不能晚于今天。"}
    if checked_on < a.starts_on or checked_on >= period_end(a):
        return {"checked_on": f"抽查日期不在该干部的在岗期间（{_span(a)}）内。"}
    return {}


def assessment_errors(a: Assignment, *, year: int | None, grade: str, absences: int) -> dict[str, str]:
    """The year lies within the term; 不在岗 found ``absence_limit()`` times that year bars 优秀."""
    errors: dict[str, str] = {}
    if year is None:
        return {"year": "请填写考核年度。"}
    if not (a.starts_on.year <= year <= period_end(a).year):
        errors["year"] = f"考核年度须在选派期间（{_span(a)}）内。"
    if grade == AssessmentGrade.EXCELLENT and absences >= absence_limit():
        errors["grade"] = f"{year}年在岗抽查不在岗{absences}次，不能评为优秀。"
    return errors
