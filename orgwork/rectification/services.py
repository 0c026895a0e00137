"""挂账销号: every state change of a checklist item happens here.

Every service keeps the write contract (:mod:`orgwork.common.contract`): an actor is
required (a ``SystemActor`` for commands and seeders; none is refused), the permission
is checked, the item is locked inside the actor's jurisdiction, the step is looked up
in :mod:`.transitions` (anything else is refused with a message that says why), and the
row is saved with ``update_fields`` and the version bumped, with exactly one audit row
(TRANSITION, carrying the step's message) and the per-item timeline row, in one
transaction. Edits of an item's content obey :mod:`.rules`.

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
from orgwork.common import dates, freetext, secrets
from orgwork.common.contract import lock_in_scope, require_actor, require_permission, save_audited, user_of
from orgwork.common.versioning import bump_version
from orgwork.units.models import Unit

from . import closing, rules
from . import transitions as T
from .models import Checklist, ChecklistSource, Evidence, ItemState, ItemTransition, RectificationItem

OPEN_STATES = (ItemState.ON_BOOKS, ItemState.IN_PROGRESS, ItemState.CLOSURE_REQUESTED, ItemState.REOPENED)
CHANGE_PERMISSION = "rectification.change_rectificationitem"
ADD_PERMISSION = "rectification.add_rectificationitem"
WHAT = "整改事项"


def _transition_message(label: str, from_state: str, to_state: str) -> str:
    from_label = ItemState(from_state).label if from_state else "—"
    return f"{label}：{from_label} → {ItemState(to_state).label}"


def _timeline(item: RectificationItem, *, name: str, label: str, from_state: str, actor: Any,
              note: str = "") -> ItemTransition:
    """The per-item timeline row (整改流转记录); the audit row is the step's save. Its note
    never carries an ID or mobile number, as the audit row's message does not
    (:func:`orgwork.common.secrets.mask_text`)."""
    return ItemTransition.objects.create(item=item, name=name, label=label, from_state=from_state,
                                         to_state=item.state, actor=user_of(actor), at=timezone.now(),
                                         note=secrets.mask_text(note))


# ---------------------------------------------------------------------------
# 挂账: opening an item (also the link the domain apps use)
# ---------------------------------------------------------------------------

def checklist_standing_for(*, source: str, unit: Unit, year: int) -> Checklist:
    """The standing checklist (常设清单) for a source, unit and year, created on first use,
    titled with the unit's full name (兰州市城关区·西川乡2026年年度考核问题清单): the 西川乡 of
    each county has one, and a list or a choice of checklists must tell them apart."""
    label = ChecklistSource(source).label
    checklist, _ = Checklist.objects.get_or_create(
        source=source, unit=unit, year=year, is_standing=True,
        defaults={"title": f"{unit}{year}年{label}问题清单"},
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
    so callers may call this on every save of their record. Without ``deadline`` the
    item gets :data:`rules.DEFAULT_TERM` from today: nothing is on the books without a
    整改时限, or it could never be overdue nor reminded. The responsible unit
    defaults to ``unit``. Callers check their own permissions: this is the seam other
    services use, not a button; the actor is still required (a command's is a
    ``SystemActor``) and named in the audit row.
    """
    require_actor(actor)
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
        # Every item on the books has a 整改时限: a module that gives none gets the default term.
        deadline=deadline or rules.default_deadline(dates.today()),
        state=ItemState.ON_BOOKS,
        source_content_type=ct,
        source_object_id=object_id,
    )
    try:
        with transaction.atomic():
            return _put_on_books(item, actor=actor)
    except IntegrityError:
        # Someone opened an item for the same record a moment ago: theirs is the item.
        if ct is None:
            raise
        existing = _open_item_for_source(ct, object_id)
        if existing is None:
            raise
        return existing


def rectification_item_prepare(*, item: RectificationItem, actor: Any) -> None:
    """The fields a new item takes from its opening, whichever path writes it (the form,
    a checklist's inline rows, a sheet): 挂账 state, the checklist's source, who put it on
    the books and the original deadline."""
    if item.deadline is None:
        # Without a 整改时限 an item is never overdue nor reminded: 挂账 sets one.
        raise ValidationError({"deadline": "请填写整改时限：挂账的问题须有整改时限。"}, code="no_deadline")
    item.state = ItemState.ON_BOOKS
    if not item.source and item.checklist_id:
        item.source = item.checklist.source
    if item.created_by_id is None:
        item.created_by = user_of(actor)
    item.original_deadline = item.deadline


def _put_on_books(item: RectificationItem, *, actor: Any) -> RectificationItem:
    require_actor(actor)
    rectification_item_prepare(item=item, actor=actor)
    item.full_clean()
    save_audited(item, actor=actor, action=AuditAction.TRANSITION, message=_transition_message("挂账", "", item.state))
    _timeline(item, name="open", label="挂账", from_state="", actor=actor)
    return item


@transaction.atomic
def rectification_item_create(*, item: RectificationItem, actor: Any) -> RectificationItem:
    """挂账 of an item filled in by hand (the admin form, a checklist's inline rows), on a
    checklist of the actor's jurisdiction: one audit row and the 挂账 entry of its timeline."""
    require_permission(actor, ADD_PERMISSION, "新增整改事项")
    rules.check_new_item_checklist(checklist=item.checklist, actor=actor)
    return _put_on_books(item, actor=actor)


@transaction.atomic
def rectification_item_update(*, item: RectificationItem, actor: Any) -> RectificationItem:
    """修改整改事项: save the content ``item`` carries (问题、责任、措施、时限、整改情况说明)
    onto the locked row, under :func:`rules.check_item_edit` — nothing changes from
    申请销号 on, and a deadline moves only by 延期 — and
    :func:`rules.check_responsible_unit_edit` — the 责任单位 of an item on a checklist issued
    above the actor is the issuing unit's to set. One audit row."""
    require_permission(actor, CHANGE_PERMISSION, "修改整改事项")
    locked = lock_in_scope(RectificationItem.objects.all(), item.pk, actor, what=WHAT)
    proposed = rules.content_values(item)
    rules.check_item_edit(stored={**rules.content_values(locked), "state": locked.state,
                                  "source_content_type_id": locked.source_content_type_id}, proposed=proposed)
    rules.check_responsible_unit_edit(checklist=locked.checklist, stored_unit_id=locked.responsible_unit_id,
                                      proposed_unit_id=item.responsible_unit_id, actor=actor)
    fields = rules.changed_content(rules.content_values(locked), proposed)
    if not fields:
        return locked
    for name in fields:
        setattr(locked, name, getattr(item, name))
    fields += rules.settle_original_deadline(locked)
    locked.full_clean()
    fields += bump_version(locked)
    save_audited(locked, actor=actor, fields=fields, action=AuditAction.UPDATE)
    _copy_back(locked, item, [*fields, "updated_at"])
    return locked


def rectification_item_follow_source(*, item_id: int, values: dict[str, Any], actor: Any, because: str) -> None:
    """整改事项随来源记录更新: write onto the item the fields its source record governs
    (:func:`closing.governed_fields`), from ``values`` (field → value), in the caller's
    transaction. The item's own edit rule holds (nothing changes from 申请销号 on); one
    audit row says ``because``. Called by the source record's service only: the item's
    page and sheet refuse these fields."""
    require_actor(actor)
    locked = RectificationItem.objects.select_for_update().get(pk=item_id)
    governed = closing.governed_fields(locked.source_content_type_id)
    unknown = sorted(set(values) - set(governed))
    if unknown:
        raise ValueError(f"fields not governed by the item's source: {unknown}")
    proposed = {RectificationItem._meta.get_field(name).attname: value for name, value in values.items()}
    rules.check_item_edit(stored={**rules.content_values(locked), "state": locked.state}, proposed=proposed,
                          by_source=True)
    fields = rules.changed_content(rules.content_values(locked), proposed)
    if not fields:
        return
    for name in fields:
        setattr(locked, name, values[name])
    locked.full_clean()
    fields += bump_version(locked)
    save_audited(locked, actor=actor, fields=fields, action=AuditAction.UPDATE, message=because)


def rectification_items_log_opened(*, items: models.QuerySet[RectificationItem], actor: Any) -> int:
    """挂账 entries of the timeline for items a bulk path wrote itself (a sheet import,
    whose engine has written each new row's one audit row): each item without a
    timeline gets its 挂账 entry, in one statement. Returns how many items were logged."""
    require_actor(actor)
    user = user_of(actor)
    now = timezone.now()
    opened = list(items.filter(transitions__isnull=True, state=ItemState.ON_BOOKS).only("pk", "state"))
    ItemTransition.objects.bulk_create(
        [ItemTransition(item=item, name="open", label="挂账", from_state="", to_state=item.state, actor=user, at=now)
         for item in opened], batch_size=2000)
    return len(opened)


def rectification_item_check_row(*, item: RectificationItem, original: RectificationItem | None, actor: Any) -> None:
    """A sheet's row, before the engine writes it: a new item goes on a checklist of the
    actor's jurisdiction and is prepared as any 挂账 is; an existing one (the county's
    item on the city's checklist too) may change only what :func:`rules.check_item_edit`
    allows, and not its 责任单位 on a checklist issued above the actor
    (:func:`rules.check_responsible_unit_edit`)."""
    if original is None:
        rectification_item_prepare(item=item, actor=actor)
        if item.checklist_id is not None:
            rules.check_new_item_checklist(checklist=item.checklist, actor=actor)
        return
    # The engine loaded the row from the database: what it held is kept beside the new cells.
    rules.check_item_edit(stored=original._audit_loaded, proposed=rules.content_values(item))
    stored_unit = original._audit_loaded.get(RectificationItem._meta.get_field("responsible_unit").attname)
    rules.check_responsible_unit_edit(checklist=original.checklist, stored_unit_id=stored_unit,
                                      proposed_unit_id=item.responsible_unit_id, actor=actor)
    if not item.source and item.checklist_id:
        item.source = item.checklist.source
    rules.settle_original_deadline(item)


def _copy_back(locked: RectificationItem, item: RectificationItem, fields: list[str]) -> None:
    """The caller's instance reflects the saved row without another query."""
    for name in fields:
        setattr(item, name, getattr(locked, name))
    item._audit_loaded = getattr(locked, "_audit_loaded", None)


# ---------------------------------------------------------------------------
# Transitions
# ---------------------------------------------------------------------------

def _run(
    transition: T.Transition,
    *,
    item: RectificationItem,
    actor: Any,
    apply: Callable[[RectificationItem], list[str]] | None = None,
    note: str | Callable[[], str] = "",
) -> RectificationItem:
    """The write contract for one step: actor and permission, the row locked in the
    actor's jurisdiction, the step looked up in the table, ``apply`` (which checks the
    step's own rule, sets its fields and returns their names), the save with one audit
    row (TRANSITION, with the step's message), and the timeline row — one transaction."""
    require_permission(actor, transition.permission, transition.label)
    with transaction.atomic():
        locked = lock_in_scope(RectificationItem.objects.all(), item.pk, actor, what=WHAT)
        if locked.state not in transition.sources:
            raise ValidationError({"state": T.refusal(transition, locked.state)}, code="illegal_transition")
        from_state = locked.state
        fields = apply(locked) if apply is not None else []
        locked.state = transition.target_from(from_state)
        fields = [*fields, "state", *bump_version(locked)]
        note = note() if callable(note) else note
        message = _transition_message(transition.label, from_state, locked.state) + (f"。{note}" if note else "")
        save_audited(locked, actor=actor, fields=fields, action=AuditAction.TRANSITION, message=message)
        _timeline(locked, name=transition.name, label=transition.label, from_state=from_state, actor=actor, note=note)
    _copy_back(locked, item, [*fields, "updated_at"])
    return locked


@transaction.atomic
def rectification_start(*, item: RectificationItem, actor: Any) -> RectificationItem:
    """开始整改: 挂账 or 重新挂账 → 整改中."""
    return _run(T.START, item=item, actor=actor)


@transaction.atomic
def rectification_request_closure(*, item: RectificationItem, actor: Any, account: str = "") -> RectificationItem:
    """申请销号: 整改中 → 申请销号. Needs evidence: an attachment or a written account,
    and, for an item whose source record has a closing rule of its own (a 软弱涣散 branch's
    测评, :mod:`.closing`), that rule to hold. From here on the item's content is frozen
    (see :mod:`.rules`)."""
    account = _free_text(account, "account")
    source = closing.lock_source(item)

    def apply(locked: RectificationItem) -> list[str]:
        _require_source_rule(source, T.REQUEST_CLOSURE)
        fields = ["requested_by", "requested_at"]
        if account:
            locked.account = account
            fields.append("account")
        if not locked.account.strip() and not locked.evidence.exists():
            raise ValidationError(
                {"account": "申请销号须有佐证材料：请上传附件或填写书面整改情况说明。"}, code="no_evidence"
            )
        locked.requested_by = user_of(actor)
        locked.requested_at = timezone.now()
        # A new request after a return starts a new review: the page shows no 审核人 or
        # 退回原因 of the round before (the trail keeps them) as if this one were reviewed.
        if locked.reviewed_by_id or locked.return_reason:
            locked.reviewed_by, locked.reviewed_at, locked.return_reason = None, None, ""
            fields += ["reviewed_by", "reviewed_at", "return_reason"]
        return fields

    return _run(T.REQUEST_CLOSURE, item=item, actor=actor, apply=apply)


@transaction.atomic
def rectification_approve_closure(*, item: RectificationItem, actor: Any, note: str = "") -> RectificationItem:
    """销号: 申请销号 → 已销号, signed off by a reviewer who is not the requester, and only
    while the source record's own closing rule holds (:mod:`.closing`); the source record
    then follows (a 软弱涣散 case is closed with its item)."""
    note = _free_text(note, "note")
    source = closing.lock_source(item)

    def apply(locked: RectificationItem) -> list[str]:
        _require_source_rule(source, T.APPROVE)
        _require_reviewer(locked, actor, T.APPROVE)
        reviewer = user_of(actor)
        if reviewer is None:
            # 销号 is a person's sign-off (the table requires a reviewer for a closed item).
            raise ValidationError({"reviewed_by": "销号须由审核人本人签署，系统不能代为销号。"}, code="no_reviewer")
        now = timezone.now()
        locked.reviewed_by = reviewer
        locked.reviewed_at = now
        locked.closed_at = now
        return ["reviewed_by", "reviewed_at", "closed_at"]

    closed = _run(T.APPROVE, item=item, actor=actor, apply=apply, note=note.strip())
    closing.follow_struck_off(source, actor)  # a 软弱涣散 case is closed with its item
    return closed


def _require_reviewer(locked: RectificationItem, actor: Any, transition: T.Transition) -> None:
    """销号 and 退回 are the reviewer's (谁交办谁销号, :func:`rules.review_refusal`)."""
    if refused := rules.review_refusal(item=locked, actor=actor, step=transition.label):
        raise ValidationError({"reviewed_by": refused}, code="self_review")


def _require_source_rule(source: models.Model | None, transition: T.Transition) -> None:
    if refused := closing.refusal(source):
        raise ValidationError({"state": f"不能{transition.label}：{refused}"}, code="source_rule")


def _free_text(text: str, field: str) -> str:
    """A step's text that lives only in the timeline and the audit message (延期理由, 批准
    单位及文号, 审核意见): refused as any record's free text is
    (:func:`orgwork.common.freetext.text_error`: only punctuation, unseen characters, a
    masked or a whole ID number) and, as they are read in the trail, a character that turns
    the text's direction (:func:`orgwork.common.freetext.direction_control_error`)."""
    text = (text or "").strip()
    if message := freetext.text_error(text) or freetext.direction_control_error(text):
        raise ValidationError({field: message}, code="free_text")
    return text


def _require_reason(reason: str, label: str) -> str:
    reason = _free_text(reason, "reason")
    if not reason:
        raise ValidationError({"reason": f"{label}须填写原因。"}, code="reason_required")
    if freetext.gives_no_reason(reason):
        raise ValidationError({"reason": f"{label}须写明原因：「{reason}」不是原因。"},
                              code="reason_required")
    return reason


@transaction.atomic
def rectification_send_back(*, item: RectificationItem, actor: Any, reason: str) -> RectificationItem:
    """退回: 申请销号 → 整改中, with the reason the evidence was not enough; the reviewer's
    step, under the rule of 销号 (:func:`rules.review_refusal`)."""
    reason = _require_reason(reason, "退回")

    def apply(locked: RectificationItem) -> list[str]:
        _require_reviewer(locked, actor, T.SEND_BACK)
        locked.return_reason = reason
        locked.reviewed_by = user_of(actor)
        locked.reviewed_at = timezone.now()
        return ["return_reason", "reviewed_by", "reviewed_at"]

    return _run(T.SEND_BACK, item=item, actor=actor, apply=apply, note=f"退回原因：{reason}")


@transaction.atomic
def rectification_reopen(*, item: RectificationItem, actor: Any, reason: str) -> RectificationItem:
    """回头看重新挂账: 已销号 → 重新挂账, when a look-back finds the problem again; the
    source record follows (a 软弱涣散 case is reopened for a new survey, :mod:`.closing`)."""
    reason = _require_reason(reason, "重新挂账")
    source = closing.lock_source(item)

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

    reopened = _run(T.REOPEN, item=item, actor=actor, apply=apply, note=f"回头看：{reason}")
    closing.follow_reopened(source, actor)
    return reopened


@transaction.atomic
def rectification_extend_deadline(*, item: RectificationItem, actor: Any, new_deadline: datetime.date,
                                  reason: str, approval: str = "") -> RectificationItem:
    """延期: move the deadline later, with the reason, as a step of its own (one audit
    row and a timeline entry). The original deadline stays: 按期整改 is counted by it.
    The new deadline and, for a checklist issued above the actor, the approval
    (批准单位及文号) obey :func:`rules.check_extension`; the approval is written into the
    trail with the reason. The source record follows (a 软弱涣散 case's 整顿时限, :mod:`.closing`)."""
    reason = _require_reason(reason, "延期")
    approval = _free_text(approval, "approval")
    if not isinstance(new_deadline, datetime.date):
        raise ValidationError({"new_deadline": "请填写延期后的整改时限。"}, code="required")

    said: list[str] = []

    def apply(locked: RectificationItem) -> list[str]:
        rules.check_extension(item=locked, new_deadline=new_deadline, today=dates.today(), approval=approval,
                              actor=actor)
        approved = f"；批准：{approval}" if approval else ""
        said.append(f"整改时限由 {locked.deadline:%Y-%m-%d} 延至 {new_deadline:%Y-%m-%d}，理由：{reason}{approved}")
        locked.deadline = new_deadline
        return ["deadline", *rules.settle_original_deadline(locked)]

    source = closing.lock_source(item)
    extended = _run(T.EXTEND, item=item, actor=actor, apply=apply, note=lambda: said[0])
    closing.follow_extended(source, actor)
    return extended


STEP_SERVICES: dict[str, Callable[..., RectificationItem]] = {
    T.START.name: rectification_start,
    T.REQUEST_CLOSURE.name: rectification_request_closure,
    T.APPROVE.name: rectification_approve_closure,
    T.SEND_BACK.name: rectification_send_back,
    T.REOPEN.name: rectification_reopen,
    T.EXTEND.name: rectification_extend_deadline,
}


# ---------------------------------------------------------------------------
# Evidence
# ---------------------------------------------------------------------------

def _lock_for_evidence(item_pk: Any, actor: Any) -> RectificationItem:
    require_permission(actor, CHANGE_PERMISSION, "上传佐证材料")
    locked = lock_in_scope(RectificationItem.objects.all(), item_pk, actor, what=WHAT)
    if locked.state in rules.FROZEN_STATES:
        raise ValidationError({"file": f"该事项当前状态为「{locked.get_state_display()}」，"
                                       "不能再添加佐证材料，也不能更换或删除已有材料。"}, code="locked")
    return locked


def _locked_evidence(evidence: Evidence, actor: Any) -> Evidence:
    locked_item = _lock_for_evidence(evidence.item_id, actor)
    stored = Evidence.objects.select_for_update().filter(pk=evidence.pk, item=locked_item).first()
    if stored is None:
        raise ValidationError({"file": "该佐证材料不存在或已被删除。"}, code="scope")
    return stored


@transaction.atomic
def rectification_add_evidence(*, item: RectificationItem, actor: Any, file: File, description: str = "") -> Evidence:
    """Attach a 佐证材料 file (checked by its content: see :mod:`.evidence`); refused once
    closure has been requested or granted. One audit row."""
    locked = _lock_for_evidence(item.pk, actor)
    evidence = Evidence(item=locked, file=file, description=(description or "").strip(), uploaded_by=user_of(actor))
    evidence.full_clean()
    save_audited(evidence, actor=actor, message="上传佐证材料")
    return evidence


@transaction.atomic
def rectification_change_evidence(*, evidence: Evidence, actor: Any, file: File | None = None,
                                  description: str | None = None) -> Evidence:
    """Replace a 佐证材料's file or description, under the same rules as adding one."""
    stored = _locked_evidence(evidence, actor)
    fields = []
    if file is not None and file != stored.file:
        stored.file = file
        fields.append("file")
    if description is not None and description.strip() != stored.description:
        stored.description = description.strip()
        fields.append("description")
    if not fields:
        return stored
    stored.full_clean()
    save_audited(stored, actor=actor, fields=fields, message="更换佐证材料")
    return stored


@transaction.atomic
def rectification_remove_evidence(*, evidence: Evidence, actor: Any) -> None:
    """Remove a 佐证材料 before closure is requested (the delete is audited)."""
    _locked_evidence(evidence, actor).delete()
