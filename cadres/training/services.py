"""Every state change of 教育培训 happens here, through the write contract
(``orgwork.common.contract``): an actor (a ``SystemActor`` for commands and the demo
seeder), its permission, the row locked inside its jurisdiction, the rule refusing with a
Chinese ``ValidationError``, one audit row, in one transaction.

The rules of one roster line (:func:`attendance_check_and_credit`) are shared with the
roster sheet, which hands every row to it (``resources.ClassAttendanceResource``); the
credit of an online completion (:func:`online_completion_credit`) with the online-learning
sheet (``resources.OnlineCompletionResource``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.db import transaction

from cadres.models import Cadre
from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import concrete_values
from orgwork.common.contract import is_system, lock_in_scope, require_permission, save_audited
from orgwork.units.models import Unit
from orgwork.units.scope import home_unit, scope_queryset, sees_everything

from .models import (
    AttendanceStatus,
    ClassAttendance,
    ClassStatus,
    OnlineCompletion,
    OnlineCourse,
    TrainingClass,
    TrainingMinimum,
)

# Fields of a class that its roster's credited hours depend on.
CREDIT_FIELDS = ("starts_on", "ends_on", "hours")


def _require_in_scope(model: type, pk: Any, actor: Any, field: str, what: str) -> None:
    if pk is None or not scope_queryset(model._default_manager.filter(pk=pk), actor).exists():
        raise ValidationError({field: f"该{what}不存在或不在您的管辖范围内。"}, code="scope")


def _remember_stored(obj: Any, actor: Any, what: str) -> Any:
    """Lock the stored row in scope; keep its values so the audit row shows old → new."""
    stored = lock_in_scope(type(obj)._default_manager.all(), obj.pk, actor, what=what)
    if getattr(obj, "_audit_loaded", None) is None:
        obj._audit_loaded = concrete_values(stored)
    return stored


# ---------------------------------------------------------------------------
# 年度学时要求
# ---------------------------------------------------------------------------

def keeps_the_minimum_table(actor: Any) -> bool:
    """The yearly minimum is province-wide: set by the province's own staff (the root
    unit), or by the system; a city or county office reads it."""
    if is_system(actor) or sees_everything(actor):
        return True
    unit = home_unit(actor)
    return unit is not None and unit.parent_id is None


@transaction.atomic
def training_minimum_save(*, minimum: TrainingMinimum, actor: Any) -> TrainingMinimum:
    """Set the yearly minimum 学时 of one rank (年度学时要求)."""
    adding = minimum._state.adding or minimum.pk is None
    require_permission(actor, "training.add_trainingminimum" if adding else "training.change_trainingminimum",
                       "设定年度学时要求")
    if not keeps_the_minimum_table(actor):
        raise ValidationError({"hours": "年度学时要求由省级组织部门统一设定，市县只能查阅。"}, code="province_only")
    if not adding:
        stored = TrainingMinimum.objects.select_for_update().filter(pk=minimum.pk).first()
        if stored is None:
            raise ValidationError({"rank": "该学时要求不存在。"})
        if stored.rank != minimum.rank:
            raise ValidationError({"rank": "职务层次不能修改；请另行新增该职务层次的要求。"})
        if getattr(minimum, "_audit_loaded", None) is None:
            minimum._audit_loaded = concrete_values(stored)
    minimum.basis = (minimum.basis or "").strip()
    minimum.full_clean()
    save_audited(minimum, actor=actor, fields=None if adding else ["hours", "basis"])
    return minimum


# ---------------------------------------------------------------------------
# 培训班
# ---------------------------------------------------------------------------

@transaction.atomic
def training_class_save(*, training_class: TrainingClass, actor: Any) -> TrainingClass:
    """Open or correct a class. Once its roster has attendance, its dates and 学时 stay as
    they are (the credited hours were computed from them); a closed class is not edited."""
    adding = training_class._state.adding or training_class.pk is None
    require_permission(actor, "training.add_trainingclass" if adding else "training.change_trainingclass",
                       "登记培训班")
    _require_in_scope(Unit, training_class.unit_id, actor, "unit", "主办单位")
    if not adding:
        stored = _remember_stored(training_class, actor, "培训班")
        if stored.status == ClassStatus.CLOSED:
            raise ValidationError({"name": "该培训班已结业，不能再修改。"}, code="closed")
        changed = [f for f in CREDIT_FIELDS if getattr(stored, f) != getattr(training_class, f)]
        if changed and stored.attendances.exists():
            labels = "、".join(str(TrainingClass._meta.get_field(f).verbose_name) for f in changed)
            raise ValidationError({changed[0]: f"该培训班已登记学员考勤，{labels}不能再修改。"}, code="has_roster")
        training_class.status = stored.status
        training_class.closed_on = stored.closed_on
    training_class.code = training_class.code.strip()
    training_class.full_clean()
    save_audited(training_class, actor=actor)
    return training_class


@transaction.atomic
def training_class_close(*, training_class: TrainingClass, closed_on: datetime.date, actor: Any) -> TrainingClass:
    """结业: the roster is final from now on. Not before the last class day, and not for a
    class with no attendance recorded."""
    require_permission(actor, "training.change_trainingclass", "培训班结业")
    locked = lock_in_scope(TrainingClass.objects.all(), training_class.pk, actor, what="培训班")
    if locked.status == ClassStatus.CLOSED:
        raise ValidationError({"status": "该培训班已结业。"}, code="state")
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": "结业办理日期不能晚于今天。"})
    if closed_on < locked.ends_on:
        raise ValidationError({"closed_on": f"结业办理日期不能早于培训班结业日期（{locked.ends_on:%Y-%m-%d}）。"})
    if not locked.attendances.exists():
        raise ValidationError({"status": "该培训班尚未登记学员考勤，不能结业。"}, code="empty")
    locked.status = ClassStatus.CLOSED
    locked.closed_on = closed_on
    save_audited(locked, actor=actor, fields=["status", "closed_on"], action=AuditAction.TRANSITION,
                 message="培训班结业")
    training_class.status, training_class.closed_on = locked.status, locked.closed_on
    return locked


# ---------------------------------------------------------------------------
# 班次学员考勤
# ---------------------------------------------------------------------------

def credited_hours_for(training_class: TrainingClass, day: datetime.date, status: str) -> Decimal:
    """Only a day attended is credited, with that day's share of the class's 学时
    (``TrainingClass.hours_on``); 缺勤 and 请假 count nothing."""
    return training_class.hours_on(day) if status == AttendanceStatus.ATTENDED else Decimal("0")


def attendance_check_and_credit(attendance: ClassAttendance) -> None:
    """The rules of one roster line, on every path (form, inline, sheet, seeder): the class
    is still open, the day lies within the class dates; and the credited hours follow
    the attendance. Raises ``ValidationError`` keyed by field."""
    training_class = attendance.training_class
    if training_class.status == ClassStatus.CLOSED:
        raise ValidationError({"training_class": f"「{training_class.name}」已结业，学员名单和考勤不能再修改。"},
                              code="closed")
    if attendance.day is not None and attendance.day > timezone.localdate():
        raise ValidationError({"day": "考勤日期不能晚于今天：培训当天或之后再登记。"}, code="future")
    if attendance.day is not None and not training_class.covers(attendance.day):
        raise ValidationError({"day": f"考勤日期须在培训班日期之内（{training_class.starts_on:%Y-%m-%d} 至 "
                                      f"{training_class.ends_on:%Y-%m-%d}）。"}, code="outside_dates")
    if attendance.day is not None:
        attendance.credited_hours = credited_hours_for(training_class, attendance.day, attendance.status)


@transaction.atomic
def attendance_save(*, attendance: ClassAttendance, actor: Any, validate: bool = True) -> ClassAttendance:
    """Put a cadre on a class's roster for one day, or correct the attendance."""
    adding = attendance._state.adding or attendance.pk is None
    require_permission(actor, "training.add_classattendance" if adding else "training.change_classattendance",
                       "登记学员考勤")
    _require_in_scope(Cadre, attendance.cadre_id, actor, "cadre", "干部")
    _require_in_scope(TrainingClass, attendance.training_class_id, actor, "training_class", "培训班")
    # The class row is locked: a 结业 meanwhile must not slip between the check and the save.
    attendance.training_class = TrainingClass.objects.select_for_update().get(pk=attendance.training_class_id)
    if not adding:
        stored = _remember_stored(attendance, actor, "考勤记录")
        if stored.training_class_id != attendance.training_class_id and stored.training_class.status == ClassStatus.CLOSED:
            raise ValidationError({"training_class": "原培训班已结业，考勤不能再修改。"}, code="closed")
    attendance_check_and_credit(attendance)
    if validate:
        attendance.full_clean()
    save_audited(attendance, actor=actor)
    return attendance


# ---------------------------------------------------------------------------
# 网络课程与网络学习记录
# ---------------------------------------------------------------------------

@transaction.atomic
def online_course_save(*, course: OnlineCourse, actor: Any) -> OnlineCourse:
    """Publish or correct an online course; its 学时 stay once a completion is credited."""
    adding = course._state.adding or course.pk is None
    require_permission(actor, "training.add_onlinecourse" if adding else "training.change_onlinecourse",
                       "登记网络课程")
    _require_in_scope(Unit, course.unit_id, actor, "unit", "发布单位")
    if not adding:
        stored = _remember_stored(course, actor, "网络课程")
        if stored.hours != course.hours and stored.completions.exists():
            raise ValidationError({"hours": "已有学员完成该课程，学时不能再修改。"}, code="has_completions")
    course.full_clean()
    save_audited(course, actor=actor)
    return course


def online_completion_credit(completion: OnlineCompletion) -> None:
    """The 学时 a completion credits: its course's, once (every path: form, sheet, seeder)."""
    if completion.course_id is None:
        return  # no course: the course's own error says it
    completion.credited_hours = completion.course.hours


@transaction.atomic
def online_completion_save(*, completion: OnlineCompletion, actor: Any, validate: bool = True) -> OnlineCompletion:
    """Record that a cadre completed an online course: credited the course's 学时, once.
    The course catalogue is shared province-wide; the cadre must be in the actor's scope."""
    adding = completion._state.adding or completion.pk is None
    require_permission(actor, "training.add_onlinecompletion" if adding else "training.change_onlinecompletion",
                       "登记网络学习")
    _require_in_scope(Cadre, completion.cadre_id, actor, "cadre", "干部")
    if not adding:
        _remember_stored(completion, actor, "网络学习记录")
    online_completion_credit(completion)
    if validate:
        completion.full_clean()
    save_audited(completion, actor=actor)
    return completion
