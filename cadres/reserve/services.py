"""Every state change of 后备干部 happens here, through the write contract
(``orgwork.common.contract``): actor, permission, the row locked in scope, the rule
(a Chinese ``ValidationError``), ``save_audited`` — one audit row per change.

The rules of entry are written once (:func:`entry_refusals`) and asked by the services,
by the admin's recommendation form and by the sheet (:func:`member_sheet_prepare`):

- the cadre is 在职, in the pool's unit or below it, and not over the pool's age limit;
- no 影响期 of a 组织处理 (``cadres.supervision``) runs on the day;
- one cadre is in one pool per level at a time (also a database constraint);
- 在库 only after a passing 考察, and never beyond the pool's 名额.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cadres.models import Cadre, CadreStatus
from cadres.supervision.models import DisciplineFinding
from orgwork.common.display import already
from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import concrete_values
from orgwork.common.contract import lock_in_scope, require_permission, save_audited
from orgwork.units.scope import scope_queryset, units_visible_to

from .models import ExitReason, InspectionConclusion, MemberStatus, ReserveMember, ReservePool
from .selectors import (
    ExitProposal,
    adjustment_proposals,
    age_on,
    in_pool_count,
    influence_running,
    other_active_membership,
)


# ---------------------------------------------------------------------------
# The rules of entry
# ---------------------------------------------------------------------------

def entry_refusals(*, pool: ReservePool, cadre: Cadre, on: datetime.date, exclude_pk: int | None = None,
                   entering: bool = False, already_entering: int = 0,
                   sheet_levels: set[tuple[int, str]] | None = None) -> dict[str, list[str]]:
    """Why ``cadre`` may not be recommended to ``pool`` on ``on`` (``entering``: may not be
    taken into it after 考察), by field; empty when nothing stands in the way.
    ``already_entering``: members the same sheet takes in before this row;
    ``sheet_levels``: (cadre, level) pairs the same sheet already recommends."""
    errors: dict[str, list[str]] = {}
    if not cadre.unit.path.startswith(pool.unit.path):
        errors.setdefault("cadre", []).append(f"{cadre.name}不在{pool.unit}（含下级）的干部范围内。")
    if cadre.status != CadreStatus.ACTIVE:
        errors.setdefault("cadre", []).append(f"{cadre.name}{already(cadre.get_status_display())}，不能进入后备干部库。")
    age = age_on(cadre.birth_month, on)
    if age > pool.age_limit:
        errors.setdefault("cadre", []).append(
            f"{cadre.name}在{'考察日期' if entering else '推荐日期'}（{on:%Y-%m-%d}）已满{age}岁，"
            f"超过本库年龄上限{pool.age_limit}岁。")
    record = influence_running(cadre.pk, on)
    if isinstance(record, DisciplineFinding):
        errors.setdefault("cadre", []).append(
            f"{cadre.name}受到{record.get_kind_display()}处分，不得推荐入库。" if record.for_good else
            f"{cadre.name}受到{record.get_kind_display()}处分，影响期至{record.influence_ends_on:%Y-%m-%d}"
            f"届满，期间不得推荐入库。")
    elif record is not None:
        errors.setdefault("cadre", []).append(
            f"{cadre.name}受到{record.get_handling_type_display()}处理，影响期至{record.influence_ends_on:%Y-%m-%d}"
            f"届满，期间不得推荐入库。")
    if not entering:
        other = other_active_membership(cadre.pk, pool.level, exclude_pk)
        if other is not None:
            errors.setdefault("cadre", []).append(
                f"{cadre.name}已在{other.pool}（{other.get_status_display()}），同一层次只能进入一个后备干部库。")
        elif sheet_levels is not None and (cadre.pk, pool.level) in sheet_levels:
            errors.setdefault("cadre", []).append(
                f"{cadre.name}在本表中已被推荐进入另一{pool.get_level_display()}后备干部库，同一层次只能进入一个库。")
    if entering:
        taken = in_pool_count(pool.pk, exclude_pk) + already_entering
        if taken >= pool.quota:
            errors.setdefault("inspection_conclusion", []).append(
                f"{pool}名额{pool.quota}名已满（在库{taken}名），不能再入库；请先动态调整或调整名额。")
    return errors


def _refuse(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _lock_pool(pool_id: Any, actor: Any) -> ReservePool:
    try:
        return lock_in_scope(ReservePool.objects.select_related("unit"), pool_id, actor, what="后备干部库")
    except ValidationError as exc:
        raise ValidationError({"pool": exc.messages[0]}, code="scope") from None


def _lock_member(member: ReserveMember, actor: Any) -> ReserveMember:
    try:
        locked = lock_in_scope(ReserveMember.objects.all(), member.pk, actor, what="后备干部")
    except ValidationError as exc:
        raise ValidationError({"status": exc.messages[0]}, code="scope") from None
    locked._audit_loaded = concrete_values(locked)
    return locked


def _copy_back(target: ReserveMember, source: ReserveMember, fields: list[str]) -> None:
    for name in fields:
        setattr(target, name, getattr(source, name))


# ---------------------------------------------------------------------------
# Pools
# ---------------------------------------------------------------------------

@transaction.atomic
def reserve_pool_save(*, pool: ReservePool, actor: Any) -> ReservePool:
    """建库 or change a pool's 名额 and age limit. Lowering the 名额 below the members in
    the pool is allowed: the pool then shows on the 名额 list until the adjustment."""
    adding = pool._state.adding or pool.pk is None
    require_permission(actor, "reserve.add_reservepool" if adding else "reserve.change_reservepool", "维护后备干部库")
    if not units_visible_to(actor).filter(pk=pool.unit_id).exists():
        raise ValidationError({"unit": "该单位不存在或不在您的管辖范围内。"}, code="scope")
    if not adding:
        stored = lock_in_scope(ReservePool.objects.all(), pool.pk, actor, what="后备干部库")
        if stored.level != pool.level and stored.members.exists():
            raise ValidationError({"level": "库中已有干部，不能再改后备层次。"})
        if getattr(pool, "_audit_loaded", None) is None:
            pool._audit_loaded = concrete_values(stored)
    pool.full_clean()
    save_audited(pool, actor=actor)
    return pool


# ---------------------------------------------------------------------------
# Members: 推荐, 考察, 出库
# ---------------------------------------------------------------------------

@transaction.atomic
def reserve_recommend(*, pool: ReservePool, cadre: Cadre, recommended_by: str, recommended_on: datetime.date,
                      recommendation: str = "", actor: Any) -> ReserveMember:
    """推荐: the cadre is put forward for the pool and waits for 考察 (not yet 在库)."""
    require_permission(actor, "reserve.add_reservemember", "推荐后备干部")
    locked_pool = _lock_pool(pool.pk, actor)
    # The cadre's row is locked: two recommendations to pools of one level cannot interleave.
    found = (scope_queryset(Cadre.objects.filter(pk=cadre.pk), actor).select_related("unit")
             .select_for_update(of=("self",)).first())
    if found is None:
        raise ValidationError({"cadre": "该干部不存在或不在您的管辖范围内。"}, code="scope")
    member = ReserveMember(pool=locked_pool, cadre=found, level=locked_pool.level,
                           recommended_by=(recommended_by or "").strip(), recommended_on=recommended_on,
                           recommendation=(recommendation or "").strip())
    member.full_clean(exclude=["pool", "cadre"])
    _refuse(entry_refusals(pool=locked_pool, cadre=found, on=recommended_on))
    save_audited(member, actor=actor)
    return member


@transaction.atomic
def reserve_inspect(*, member: ReserveMember, inspected_on: datetime.date, conclusion: str, opinion: str = "",
                    actor: Any) -> ReserveMember:
    """考察: a passing conclusion takes the cadre into the pool (在库) if the 名额 allows and
    nothing stands in the way on the day; a failing one closes the recommendation."""
    require_permission(actor, "reserve.change_reservemember", "登记考察")
    locked = _lock_member(member, actor)
    if locked.status != MemberStatus.RECOMMENDED:
        raise ValidationError({"status": f"该干部{locked.get_status_display()}，不能再登记考察。"}, code="state")
    if conclusion not in InspectionConclusion.values:
        raise ValidationError({"inspection_conclusion": "请选择考察结论。"})
    if inspected_on is None:
        raise ValidationError({"inspected_on": "请填写考察日期。"})
    if inspected_on > timezone.localdate():
        raise ValidationError({"inspected_on": "考察日期不能晚于今天。"})
    # The pool is locked: two passing inspections cannot both take the last place.
    pool = _lock_pool(locked.pool_id, actor)
    locked.inspected_on = inspected_on
    locked.inspection_conclusion = conclusion
    locked.inspection_opinion = (opinion or "").strip()
    if conclusion == InspectionConclusion.PASSED:
        cadre = Cadre.objects.select_related("unit").get(pk=locked.cadre_id)
        _refuse(entry_refusals(pool=pool, cadre=cadre, on=inspected_on, exclude_pk=locked.pk, entering=True))
        locked.status = MemberStatus.IN_POOL
        locked.entered_on = inspected_on
    else:
        locked.status = MemberStatus.NOT_PASSED
    locked.full_clean(exclude=["pool", "cadre"])
    fields = ["inspected_on", "inspection_conclusion", "inspection_opinion", "status", "entered_on"]
    save_audited(locked, actor=actor, fields=fields, action=AuditAction.TRANSITION,
                 message="考察合格，入库" if locked.status == MemberStatus.IN_POOL else "考察不合格")
    _copy_back(member, locked, fields)
    return locked


@transaction.atomic
def reserve_exit(*, member: ReserveMember, reason: str, exited_on: datetime.date, note: str = "",
                 actor: Any) -> ReserveMember:
    """调整出库 with a reason (提拔使用, 年龄超限, 考核不称职, 受处分, 其他)."""
    require_permission(actor, "reserve.change_reservemember", "调整出库")
    locked = _lock_member(member, actor)
    if locked.status != MemberStatus.IN_POOL:
        raise ValidationError({"status": f"该干部{locked.get_status_display()}，不在库中，不能调整出库。"}, code="state")
    if reason not in ExitReason.values:
        raise ValidationError({"exit_reason": "请选择出库原因。"})
    note = (note or "").strip()
    if reason == ExitReason.OTHER and not note:
        raise ValidationError({"exit_note": "出库原因为“其他”的，须写明调整说明。"})
    if exited_on is None:
        raise ValidationError({"exited_on": "请填写出库日期。"})
    if exited_on > timezone.localdate():
        raise ValidationError({"exited_on": "出库日期不能晚于今天。"})
    if exited_on < locked.entered_on:
        raise ValidationError({"exited_on": f"出库日期不能早于入库日期（{locked.entered_on:%Y-%m-%d}）。"})
    locked.status = MemberStatus.EXITED
    locked.exit_reason = reason
    locked.exited_on = exited_on
    locked.exit_note = note
    fields = ["status", "exit_reason", "exited_on", "exit_note"]
    save_audited(locked, actor=actor, fields=fields, action=AuditAction.TRANSITION,
                 message=f"调整出库：{ExitReason(reason).label}")
    _copy_back(member, locked, fields)
    return locked


@transaction.atomic
def reserve_adjust(*, pool: ReservePool, actor: Any, on: datetime.date | None = None,
                   exited_on: datetime.date | None = None) -> list[ExitProposal]:
    """年度动态调整: take out every member :func:`selectors.adjustment_proposals` names,
    each with its reason and the explanation as the note (one audit row per member)."""
    require_permission(actor, "reserve.change_reservemember", "年度动态调整")
    locked_pool = _lock_pool(pool.pk, actor)
    on = on or timezone.localdate()
    proposals = adjustment_proposals(locked_pool, on=on)
    for proposal in proposals:
        reserve_exit(member=proposal.member, reason=proposal.reason, exited_on=exited_on or on,
                     note=proposal.explanation, actor=actor)
    return proposals


# ---------------------------------------------------------------------------
# The sheet
# ---------------------------------------------------------------------------

class SheetState:
    """What one sheet run has taken so far: entries per pool, (cadre, level) pairs."""

    def __init__(self) -> None:
        self.entering: dict[int, int] = {}
        self.levels: set[tuple[int, str]] = set()


# What the record page keeps read-only on a stored recommendation (``ReserveMemberAdmin.
# get_readonly_fields``, whatever the status): the 推荐 changes through none of its steps,
# the 考察 only through 登记考察, which takes 考察日期, 考察结论 and 考察意见 together and
# only while 待考察. 后备干部库, 身份证号 and 推荐日期 are the row's key: they find the record.
RECOMMENDATION_FIELDS = ("recommended_by", "recommendation")
INSPECTION_FIELDS = ("inspected_on", "inspection_conclusion", "inspection_opinion")


def _kept_on_the_books(member: ReserveMember, original: ReserveMember) -> dict[str, list[str]]:
    """Why a sheet row may not write its cells onto the stored recommendation ``original``
    (the same object as ``member``, the row's cells written on it), by field: each field
    the record page keeps read-only that the row changes. A cell that repeats the stored
    value (a re-upload of the exported list) changes nothing and passes."""
    loaded = getattr(original, "_audit_loaded", None) or {}  # the values as loaded, before the row

    def changed(name: str) -> bool:
        return (getattr(member, name) or "") != (loaded.get(name) or "")

    def label(name: str) -> str:
        return str(ReserveMember._meta.get_field(name).verbose_name)

    errors: dict[str, list[str]] = {}
    for name in RECOMMENDATION_FIELDS:
        if changed(name):
            errors[name] = [f"该推荐已登记，{label(name)}不能通过表格修改。"]
    status = original.status
    if status == MemberStatus.RECOMMENDED and member.inspection_conclusion:
        return errors  # 登记考察: the rules of 考察 follow
    for name in INSPECTION_FIELDS:
        if not changed(name):
            continue
        if status == MemberStatus.RECOMMENDED:
            if name == "inspection_opinion":  # a 考察日期 alone is refused by clean()
                errors[name] = ["考察意见随考察结论一并登记，不能单独填写或修改。"]
        else:
            errors[name] = [f"该干部{original.get_status_display()}，{label(name)}不能再通过表格修改。"]
    return errors


def member_sheet_prepare(member: ReserveMember, original: ReserveMember | None, state: SheetState) -> None:
    """A sheet row of 推荐/考察 through the same rules as :func:`reserve_recommend` and
    :func:`reserve_inspect`: a new row is a recommendation, a 考察结论 on it (or on a stored
    recommendation) the inspection. A stored record keeps its 推荐, and once it has left
    待考察 its 考察 (:func:`_kept_on_the_books`)."""
    if member.pool_id is None or member.cadre_id is None or member.recommended_on is None:
        return  # the cell errors say it
    pool, cadre = member.pool, member.cadre
    member.level = pool.level
    errors: dict[str, list[str]] = {}
    if original is None:
        errors.update(entry_refusals(pool=pool, cadre=cadre, on=member.recommended_on, sheet_levels=state.levels))
    else:
        errors.update(_kept_on_the_books(member, original))
        if errors or original.status != MemberStatus.RECOMMENDED:
            _refuse(errors)
            return
    if member.inspection_conclusion:
        if member.inspected_on and member.inspected_on > timezone.localdate():
            errors.setdefault("inspected_on", []).append("考察日期不能晚于今天。")
        if member.inspection_conclusion == InspectionConclusion.PASSED and member.inspected_on:
            for field, messages in entry_refusals(
                    pool=pool, cadre=cadre, on=member.inspected_on, exclude_pk=member.pk, entering=True,
                    already_entering=state.entering.get(pool.pk, 0)).items():
                errors.setdefault(field, []).extend(m for m in messages if m not in errors.get(field, []))
            member.status = MemberStatus.IN_POOL
            member.entered_on = member.inspected_on
        else:
            member.status = MemberStatus.NOT_PASSED
            member.entered_on = None
    else:
        member.status = MemberStatus.RECOMMENDED
        member.entered_on = None
    _refuse(errors)
    state.levels.add((cadre.pk, pool.level))
    if member.status == MemberStatus.IN_POOL:
        state.entering[pool.pk] = state.entering.get(pool.pk, 0) + 1
