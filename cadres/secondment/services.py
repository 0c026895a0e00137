"""Every state change of 挂职与驻村 happens here, through the write contract
(``orgwork.common.contract``): actor, permission, the row locked in the actor's
jurisdiction, the rule (``rules``) refusing in Chinese, ``save_audited`` with one audit
row, in one transaction.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cadres.models import Cadre
from orgwork.common.display import already
from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import concrete_values
from orgwork.common.contract import lock_in_scope, require_permission, save_audited
from orgwork.rectification.models import ChecklistSource
from orgwork.rectification.services import rectification_open_item
from orgwork.units.models import Unit
from orgwork.units.scope import scope_queryset, units_visible_to

from . import rules
from .models import (
    Assignment,
    AssignmentAssessment,
    AssignmentKind,
    AssignmentStatus,
    DutyCheck,
)

# 问题来源 of the items 在岗抽查 puts on the rectification checklist: the checks are 暗访.
ABSENCE_SOURCE = ChecklistSource.UNANNOUNCED_VISIT
# 整改时限 of an absence: the talk (约谈提醒) and the finding of why, within a month.
ABSENCE_TERM = datetime.timedelta(days=30)


def _require_cadre_in_scope(cadre_id: Any, actor: Any, field: str = "cadre") -> Cadre:
    cadre = scope_queryset(Cadre.objects.filter(pk=cadre_id), actor).select_related("unit").first()
    if cadre is None:
        raise ValidationError({field: "该干部不存在或不在您的管辖范围内。"}, code="scope")
    return cadre


def _require_units_in_scope(assignment: Assignment, actor: Any) -> None:
    """派出单位, 挂职单位 and 乡镇 lie in the actor's jurisdiction, as on the form and the sheet
    (a posting across counties is arranged by the level above both)."""
    named = {f: getattr(assignment, f"{f}_id") for f in ("sending_unit", "host_unit", "township")}
    wanted = {pk for pk in named.values() if pk is not None}
    visible = set(units_visible_to(actor).filter(pk__in=wanted).values_list("pk", flat=True))
    errors = {f: "该单位不存在或不在您的管辖范围内。" for f, pk in named.items() if pk is not None and pk not in visible}
    if errors:
        raise ValidationError(errors, code="scope")


def _lock(obj: Any, actor: Any, field: str) -> Any:
    try:
        return lock_in_scope(type(obj)._default_manager.all(), obj.pk, actor, what="记录")
    except ValidationError as exc:
        raise ValidationError({field: exc.messages[0]}, code="scope") from None


def check_assignment(assignment: Assignment) -> None:
    """Every rule of one assignment against what is stored: its shape, the cadre's other
    assignments, the village's other 第一书记, and (a correction) the 在岗抽查 and 年度考核
    already recorded on it, which its term must cover. Raises ``ValidationError``."""
    errors: dict[str, Any] = dict(rules.assignment_shape_errors(assignment))
    if not errors and assignment.cadre_id:
        mine = Assignment.objects.filter(cadre_id=assignment.cadre_id).select_related(
            "cadre", "host_unit", "township")
        if (message := rules.cadre_overlap_error(assignment, mine)) is not None:
            errors["starts_on"] = message
        if assignment.kind == AssignmentKind.FIRST_SECRETARY:
            village = Assignment.objects.filter(
                kind=AssignmentKind.FIRST_SECRETARY, township_id=assignment.township_id,
                village=assignment.village.strip()).select_related("cadre", "township")
            if (message := rules.village_first_secretary_error(assignment, village)) is not None:
                errors["village"] = message
    if not errors and assignment.pk is not None and assignment.starts_on and assignment.ends_on:
        left_out = _records_outside(assignment, assignment.starts_on, rules.period_end(assignment))
        if left_out is not None:
            side, record = left_out
            field, label, day = (("starts_on", "选派开始日期", assignment.starts_on) if side == "start"
                                 else ("ends_on", "选派期满日期", assignment.ends_on))
            errors[field] = rules.period_leaves_out(label, day, record, assignment.starts_on,
                                                    rules.period_end(assignment))
    if errors:
        raise ValidationError(errors)


def _records_outside(assignment: Assignment, start: datetime.date, end: datetime.date) -> tuple[str, str] | None:
    """The first 在岗抽查 or 年度考核 recorded on ``assignment`` that a term from ``start`` to
    ``end`` would leave out (``rules.records_outside_period_error``)."""
    checks = DutyCheck.objects.filter(assignment_id=assignment.pk).order_by("checked_on", "id")
    assessments = AssignmentAssessment.objects.filter(assignment_id=assignment.pk).order_by("year", "id")
    return rules.records_outside_period_error(start, end, checks=checks, assessments=assessments)


def _serialise(assignment: Assignment) -> None:
    """Hold the cadre (and the township of a village) while the overlap rules are read and
    the row written: two clerks registering the same person or village queue here."""
    Cadre.objects.select_for_update(of=("self",)).filter(pk=assignment.cadre_id).first()
    if assignment.township_id:
        Unit.objects.select_for_update(of=("self",)).filter(pk=assignment.township_id).first()


@transaction.atomic
def assignment_save(*, assignment: Assignment, actor: Any) -> Assignment:
    """选派登记 or its correction (while in post): every rule of :func:`check_assignment`."""
    adding = assignment._state.adding or assignment.pk is None
    require_permission(actor, "secondment.add_assignment" if adding else "secondment.change_assignment",
                       "登记选派干部")
    _require_cadre_in_scope(assignment.cadre_id, actor)
    if not adding:
        stored = _lock(assignment, actor, "cadre")
        if stored.status != AssignmentStatus.ACTIVE:
            raise ValidationError({"status": f"该选派{already(stored.get_status_display())}，不能再修改。"}, code="state")
        if stored.cadre_id != assignment.cadre_id:
            raise ValidationError({"cadre": "选派登记后不能更换干部；换人请办理轮换。"})
        if getattr(assignment, "_audit_loaded", None) is None:
            assignment._audit_loaded = concrete_values(stored)
    _require_units_in_scope(assignment, actor)
    assignment.village = (assignment.village or "").strip()
    assignment.post = (assignment.post or "").strip()
    _serialise(assignment)
    check_assignment(assignment)
    assignment.full_clean()
    save_audited(assignment, actor=actor)
    return assignment


# What ending a term writes on it (with the replacement, when one is named).
ENDED_FIELDS = ("status", "left_on", "end_reason", "held_accountable")


@transaction.atomic
def assignment_end(*, assignment: Assignment, status: str, left_on: datetime.date | None, actor: Any,
                   reason: str = "", held_accountable: bool = False, replacement_cadre: Cadre | None = None,
                   replacement_sending_unit: Unit | None = None) -> Assignment:
    """期满离岗, 召回 or 轮换. 召回 and 轮换 give a reason and may record 问责处理; 轮换 (and a
    召回 that names one) registers the replacement's assignment for the rest of the term,
    same place, under every rule of :func:`assignment_save`, and links it."""
    require_permission(actor, "secondment.change_assignment", "办理召回轮换")
    if status not in AssignmentStatus.values or status == AssignmentStatus.ACTIVE:
        raise ValidationError({"status": "请选择期满、召回或轮换。"})
    locked = _lock(assignment, actor, "status")
    reason = (reason or "").strip()
    errors = rules.end_errors(locked, status=status, left_on=left_on, reason=reason,
                              replacement_cadre=replacement_cadre)
    if replacement_cadre is not None and "replacement_cadre" not in errors:
        _require_cadre_in_scope(replacement_cadre.pk, actor, "replacement_cadre")
    if not errors and (left_out := _records_outside(locked, locked.starts_on, left_on)) is not None:
        # 离岗 ends the term on that day: what was recorded after it would fall outside.
        errors["left_on"] = rules.period_leaves_out("离岗日期", left_on, left_out[1], locked.starts_on, left_on)
    if errors:
        raise ValidationError(errors)
    if status == AssignmentStatus.COMPLETED:
        held_accountable = False
    locked.status = status
    locked.left_on = left_on
    locked.end_reason = reason
    locked.held_accountable = held_accountable
    fields = list(ENDED_FIELDS)
    message = f"{AssignmentStatus(status).label}：{reason}" if reason else AssignmentStatus(status).label
    if replacement_cadre is not None:
        if left_on >= locked.ends_on:
            raise ValidationError({"left_on": "选派期已满，不需接替；请办理期满离岗。"})
        # The successor's own checks read this term as ended: the end is put in place first,
        # in this transaction, and recorded with the replacement in the one audit row below.
        Assignment.objects.filter(pk=locked.pk).update(**{name: getattr(locked, name) for name in fields})
        successor = Assignment(
            kind=locked.kind, cadre=replacement_cadre,
            sending_unit=replacement_sending_unit or locked.sending_unit,
            host_unit=locked.host_unit, post=locked.post, township=locked.township, village=locked.village,
            starts_on=left_on, ends_on=locked.ends_on, remarks=f"接替{locked.cadre.name}",
        )
        try:
            assignment_save(assignment=successor, actor=actor)
        except ValidationError as exc:
            raise ValidationError({"replacement_cadre": exc.messages}) from None
        locked.replacement = successor
        fields.append("replacement")
    save_audited(locked, actor=actor, fields=fields, action=AuditAction.TRANSITION, message=message)
    for name in [*ENDED_FIELDS, "replacement_id"]:
        setattr(assignment, name, getattr(locked, name))
    return locked


def absences_in_year(assignment_id: int, year: int) -> int:
    return DutyCheck.objects.filter(assignment_id=assignment_id, present=False, checked_on__year=year).count()


@transaction.atomic
def duty_check_record(*, check: DutyCheck, actor: Any) -> DutyCheck:
    """在岗抽查: recorded within the time in post; 不在岗 the ``rules.absence_limit()``-th
    time in a year puts the assignment on the rectification checklist (once while open)."""
    require_permission(actor, "secondment.add_dutycheck", "登记在岗抽查")
    assignment = _lock(check.assignment, actor, "assignment")
    errors = rules.duty_check_errors(assignment, check.checked_on)
    if errors:
        raise ValidationError(errors)
    check.assignment = assignment
    check.checker = (check.checker or "").strip()
    check.note = (check.note or "").strip()
    check.full_clean()
    save_audited(check, actor=actor)
    if not check.present:
        absence_follow_up(assignment=assignment, year=check.checked_on.year, actor=actor)
    return check


def absence_follow_up(*, assignment: Assignment, year: int, actor: Any) -> bool:
    """Put an assignment absent ``rules.absence_limit()`` times in ``year`` on the checklist
    of its cadre's unit (the sending side answers for its cadre). True when it is there."""
    absences = absences_in_year(assignment.pk, year)
    if absences < rules.absence_limit():
        return False
    cadre = assignment.cadre
    rectification_open_item(
        unit=cadre.unit, source=ABSENCE_SOURCE, source_object=assignment, actor=actor,
        problem=(f"{assignment.get_kind_display()}{cadre.name}（{assignment.place}）{year}年在岗抽查"
                 f"不在岗{absences}次。"),
        measure="派出单位会同所在地组织部门约谈提醒，核实缺岗原因；仍不在岗的予以召回。",
        responsible_unit=assignment.sending_unit, responsible_person=cadre.name,
        deadline=timezone.localdate() + ABSENCE_TERM,
    )
    return True


@transaction.atomic
def assignment_assess(*, assessment: AssignmentAssessment, actor: Any) -> AssignmentAssessment:
    """年度考核 of an assignment: within its term; no 优秀 in a year of repeated absence."""
    adding = assessment._state.adding or assessment.pk is None
    require_permission(actor, "secondment.add_assignmentassessment" if adding
                       else "secondment.change_assignmentassessment", "登记选派干部年度考核")
    assignment = _lock(assessment.assignment, actor, "assignment")
    if not adding:
        stored = _lock(assessment, actor, "grade")
        if getattr(assessment, "_audit_loaded", None) is None:
            assessment._audit_loaded = concrete_values(stored)
    errors = rules.assessment_errors(assignment, year=assessment.year, grade=assessment.grade,
                                     absences=absences_in_year(assignment.pk, assessment.year or 0))
    if errors:
        raise ValidationError(errors)
    assessment.assignment = assignment
    assessment.full_clean()
    save_audited(assessment, actor=actor)
    return assessment
