"""挂账销号: every state change of a checklist item happens here.

Each step locks the item, checks the actor's permission and jurisdiction, looks the
step up in :mod:`.transitions` (anything else is refused with a message that says
why), saves with ``update_fields`` and the version bumped, and writes the per-item
timeline row and the audit TRANSITION row in the same transaction.

Other modules (cadres, branches, …) put problems on the books through
:func:`rectification_open_item`; the link back to their record is generic, so this
kernel app never imports them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import entry_for, record, record_many
from orgwork.common.contract import SystemActor
from orgwork.common.versioning import bump_version
from orgwork.units.models import Unit
from orgwork.units.scope import scope_queryset

from . import transitions as T
from .models import Checklist, ChecklistSource, Evidence, ItemState, ItemTransition, RectificationItem

OPEN_STATES = (ItemState.ON_BOOKS, ItemState.IN_PROGRESS, ItemState.CLOSURE_REQUESTED, ItemState.REOPENED)


def _actor_user(actor: Any) -> Any:
    # A SystemActor (a command, the seeder) is authenticated but is not an account.
    if actor is None or isinstance(actor, SystemActor) or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def _transition_message(label: str, from_state: str, to_state: str) -> str:
    from_label = ItemState(from_state).label if from_state else "—"
    return f"{label}：{from_label} → {ItemState(to_state).label}"


def _log_transition(item: RectificationItem, *, name: str, label: str, from_state: str, actor: Any, note: str = "",
                    changes: dict[str, Any] | None = None) -> None:
    user = _actor_user(actor)
    ItemTransition.objects.create(item=item, name=name, label=label, from_state=from_state, to_state=item.state,
                                  actor=user, at=timezone.now(), note=note)
    message = _transition_message(label, from_state, item.state) + (f"。{note}" if note else "")
    record(item, action=AuditAction.TRANSITION, message=message, actor=user,
           changes={"state": [from_state or None, item.state], **(changes or {})})


# ---------------------------------------------------------------------------
# 挂账: opening an item (also the link the domain apps use)
# ---------------------------------------------------------------------------

def checklist_standing_for(*, source: str, unit: Unit, year: int) -> Checklist:
    """The standing checklist (常设清单) for a source, unit and year, created on first use."""
    label = ChecklistSource(source).label
    checklist, _ = Checklist.objects.get_or_create(
        source=source, unit=unit, year=year, is_standing=True,
        defaults={"title": f"{unit.name}{year}年{label}问题清单"},
    )
    return checklist


def _open_item_for_source(ct: ContentType, object_id: str) -> RectificationItem | None:
    return (
        RectificationItem.objects.select_for_update(of=("self",))
        .filter(source_content_type=ct, source_object_id=object_id, state__in=OPEN_STATES)
        .order_by("id")
        .first()
    )


@transaction.atomic
def rectification_open_item(
    *,
    unit: Unit,
    source: str,
    problem: str,
    actor: Any,
    source_object: models.Model | None = None,
    measure: str = "",
    deadline: datetime.date | None = None,
    responsible_unit: Unit | None = None,
    responsible_person: str = "",
    lead_leader: str = "",
    checklist: Checklist | None = None,
) -> RectificationItem:
    """挂账: put a problem on the books and return the item.

    Without ``checklist`` the item goes into the standing checklist of (source, unit,
    current year). ``source_object`` is the record that raised the problem; while an
    item opened for it is not struck off, opening again returns that item unchanged,
    so callers may call this on every save of their record. The responsible unit
    defaults to ``unit``. Callers check their own permissions: this is the seam other
    services use, not a button.
    """
    if source not in ChecklistSource.values:
        raise ValidationError({"source": f"问题来源「{source}」无效，可选：{'、'.join(ChecklistSource.labels)}。"})
    ct: ContentType | None = None
    object_id = ""
    if source_object is not None:
        if source_object.pk is None:
            raise ValidationError({"source_object": "来源记录尚未保存，不能关联整改事项。"})
        ct = ContentType.objects.get_for_model(type(source_object))
        object_id = str(source_object.pk)
        existing = _open_item_for_source(ct, object_id)
        if existing is not None:
            return existing
    if checklist is None:
        checklist = checklist_standing_for(source=source, unit=unit, year=timezone.localdate().year)
    elif checklist.source != source:
        raise ValidationError({"source": f"问题来源「{ChecklistSource(source).label}」与清单「{checklist}」的来源"
                                         f"「{checklist.get_source_display()}」不一致。"})
    item = RectificationItem(
        checklist=checklist,
        source=source,
        problem=problem,
        responsible_unit=responsible_unit or unit,
        responsible_person=responsible_person,
        lead_leader=lead_leader,
        measure=measure,
        deadline=deadline,
        state=ItemState.ON_BOOKS,
        source_content_type=ct,
        source_object_id=object_id,
    )
    try:
        with transaction.atomic():
            return rectification_item_create(item=item, actor=actor)
    except IntegrityError:
        # Someone opened an item for the same record a moment ago: theirs is the item.
        if ct is None:
            raise
        existing = _open_item_for_source(ct, object_id)
        if existing is None:
            raise
        return existing


@transaction.atomic
def rectification_item_create(*, item: RectificationItem, actor: Any) -> RectificationItem:
    """挂账 of an item filled in by hand (the admin form, a checklist's inline rows)."""
    item.state = ItemState.ON_BOOKS
    if not item.source and item.checklist_id:
        item.source = item.checklist.source
    if item.created_by_id is None:
        item.created_by = _actor_user(actor)
    item.full_clean()
    item.save()
    _log_transition(item, name="open", label="挂账", from_state="", actor=actor)
    return item


def rectification_items_log_opened(*, items: models.QuerySet[RectificationItem], actor: Any) -> int:
    """挂账 rows for items a bulk path wrote itself (a sheet import): each item without a
    timeline gets its 挂账 entry, and the audit log its transition, in two statements.
    Returns how many items were logged."""
    user = _actor_user(actor)
    now = timezone.now()
    # The unit comes along: each audit row carries its unit path.
    opened = list(items.filter(transitions__isnull=True, state=ItemState.ON_BOOKS).select_related("responsible_unit"))
    ItemTransition.objects.bulk_create(
        [ItemTransition(item=item, name="open", label="挂账", from_state="", to_state=item.state, actor=user, at=now)
         for item in opened], batch_size=2000)
    message = _transition_message("挂账", "", ItemState.ON_BOOKS)
    record_many(entry_for(item, action=AuditAction.TRANSITION, message=message, actor=user,
                          changes={"state": [None, item.state]}) for item in opened)
    return len(opened)


# ---------------------------------------------------------------------------
# Transitions
# ---------------------------------------------------------------------------

def _run(
    transition: T.Transition,
    *,
    item: RectificationItem,
    actor: Any,
    apply: Callable[[RectificationItem], list[str]] | None = None,
    note: str = "",
) -> RectificationItem:
    """Lock, check, apply, save, log. ``apply`` sets the step's own fields and returns their names."""
    if actor is None or not actor.has_perm(transition.permission):
        raise ValidationError({"state": f"您没有「{transition.label}」的权限。"}, code="permission")
    locked = (
        scope_queryset(RectificationItem.objects.filter(pk=item.pk), actor)
        .select_for_update(of=("self",))
        .first()
    )
    if locked is None:
        raise ValidationError({"state": "该整改事项不存在或不在您的管辖范围内。"}, code="scope")
    if locked.state not in transition.sources:
        raise ValidationError({"state": T.refusal(transition, locked.state)}, code="illegal_transition")
    from_state = locked.state
    before = {"version": locked.version}
    fields = apply(locked) if apply is not None else []
    locked.state = transition.target
    fields = [*fields, "state", "updated_at", *bump_version(locked)]
    locked.save(update_fields=fields)
    _log_transition(locked, name=transition.name, label=transition.label, from_state=from_state, actor=actor,
                    note=note, changes={"version": [before["version"], locked.version]})
    # The caller's instance reflects the new state without another query.
    for name in fields:
        setattr(item, name, getattr(locked, name))
    item._audit_loaded = getattr(locked, "_audit_loaded", None)
    return locked


@transaction.atomic
def rectification_start(*, item: RectificationItem, actor: Any) -> RectificationItem:
    """开始整改: 挂账 or 重新挂账 → 整改中."""
    return _run(T.START, item=item, actor=actor)


@transaction.atomic
def rectification_request_closure(*, item: RectificationItem, actor: Any, account: str = "") -> RectificationItem:
    """申请销号: 整改中 → 申请销号. Needs evidence: an attachment or a written account."""
    account = (account or "").strip()

    def apply(locked: RectificationItem) -> list[str]:
        fields = ["requested_by", "requested_at"]
        if account:
            locked.account = account
            fields.append("account")
        if not locked.account.strip() and not locked.evidence.exists():
            raise ValidationError(
                {"account": "申请销号须有佐证材料：请上传附件或填写书面整改情况说明。"}, code="no_evidence"
            )
        locked.requested_by = actor
        locked.requested_at = timezone.now()
        return fields

    return _run(T.REQUEST_CLOSURE, item=item, actor=actor, apply=apply)


@transaction.atomic
def rectification_approve_closure(*, item: RectificationItem, actor: Any, note: str = "") -> RectificationItem:
    """销号: 申请销号 → 已销号, signed off by a reviewer who is not the requester."""

    def apply(locked: RectificationItem) -> list[str]:
        if locked.requested_by_id is not None and locked.requested_by_id == actor.pk:
            raise ValidationError(
                {"reviewed_by": "不能销号：审核人不能是销号申请人本人，请由其他同志审核。"}, code="self_review"
            )
        now = timezone.now()
        locked.reviewed_by = actor
        locked.reviewed_at = now
        locked.closed_at = now
        return ["reviewed_by", "reviewed_at", "closed_at"]

    return _run(T.APPROVE, item=item, actor=actor, apply=apply, note=note.strip())


def _require_reason(reason: str, label: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": f"{label}须填写原因。"}, code="reason_required")
    return reason


@transaction.atomic
def rectification_send_back(*, item: RectificationItem, actor: Any, reason: str) -> RectificationItem:
    """退回: 申请销号 → 整改中, with the reason the evidence was not enough."""
    reason = _require_reason(reason, "退回")

    def apply(locked: RectificationItem) -> list[str]:
        locked.return_reason = reason
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        return ["return_reason", "reviewed_by", "reviewed_at"]

    return _run(T.SEND_BACK, item=item, actor=actor, apply=apply, note=f"退回原因：{reason}")


@transaction.atomic
def rectification_reopen(*, item: RectificationItem, actor: Any, reason: str) -> RectificationItem:
    """回头看重新挂账: 已销号 → 重新挂账, when a look-back finds the problem again."""
    reason = _require_reason(reason, "重新挂账")

    def apply(locked: RectificationItem) -> list[str]:
        if locked.source_content_type_id is not None:
            other = (
                RectificationItem.objects.filter(
                    source_content_type_id=locked.source_content_type_id,
                    source_object_id=locked.source_object_id,
                    state__in=OPEN_STATES,
                )
                .exclude(pk=locked.pk)
                .first()
            )
            if other is not None:
                raise ValidationError(
                    {"state": f"不能重新挂账：同一来源记录已有未销号的整改事项「{other}」，请在该事项中继续整改。"},
                    code="duplicate_open",
                )
        locked.reopen_reason = reason
        locked.reopen_count += 1
        locked.closed_at = None
        locked.requested_by = None
        locked.requested_at = None
        locked.reviewed_by = None
        locked.reviewed_at = None
        return ["reopen_reason", "reopen_count", "closed_at", "requested_by", "requested_at", "reviewed_by",
                "reviewed_at"]

    return _run(T.REOPEN, item=item, actor=actor, apply=apply, note=f"回头看：{reason}")


STEP_SERVICES: dict[str, Callable[..., RectificationItem]] = {
    T.START.name: rectification_start,
    T.REQUEST_CLOSURE.name: rectification_request_closure,
    T.APPROVE.name: rectification_approve_closure,
    T.SEND_BACK.name: rectification_send_back,
    T.REOPEN.name: rectification_reopen,
}


# ---------------------------------------------------------------------------
# Evidence
# ---------------------------------------------------------------------------

@transaction.atomic
def rectification_add_evidence(*, item: RectificationItem, actor: Any, file: File, description: str = "") -> Evidence:
    """Attach a 佐证材料 file; refused once closure has been requested or granted."""
    if actor is None or not actor.has_perm("rectification.change_rectificationitem"):
        raise ValidationError({"file": "您没有上传佐证材料的权限。"}, code="permission")
    locked = (
        scope_queryset(RectificationItem.objects.filter(pk=item.pk), actor).select_for_update(of=("self",)).first()
    )
    if locked is None:
        raise ValidationError({"file": "该整改事项不存在或不在您的管辖范围内。"}, code="scope")
    if locked.state in (ItemState.CLOSURE_REQUESTED, ItemState.CLOSED):
        raise ValidationError(
            {"file": f"该事项当前状态为「{locked.get_state_display()}」，不能再添加佐证材料。"}, code="locked"
        )
    evidence = Evidence(item=locked, file=file, description=description.strip(), uploaded_by=_actor_user(actor))
    evidence.full_clean()
    evidence.save()
    return evidence
