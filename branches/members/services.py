"""Every change to members, transfers, applicants and dues (写入约定: actor, permission,
lock in scope, rule from :mod:`branches.members.rules`, ``update_fields``, one audit row)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery

from branches.models import PartyOrganisation
from orgwork.common.display import already
from orgwork.audit.models import AuditAction
from orgwork.common import dates, freetext
from orgwork.common.contract import (audit_rows, delete_audited, lock_in_scope, perform, require_permission,
                                     save_audited)
from orgwork.imports.probing import refuse_new_near_miss
from orgwork.units.scope import in_scope, scope_queryset

from . import rules, selectors
from .models import (DUES_OWED, MISSING_INCOME_BASE, ActivistReview, Applicant, Appraisal, CorrectionResult, Disposal,
                     DuesRecord, LeavingOutcome, Member, MemberCategory, MemberStatus, Stage, Transfer, TransferState)

SHEET_REVIEW = "据发展党员表登记的培养考察。"
ARREARS_SOURCE = "other"  # 问题来源 of the 自行脱党 review items on the rectification checklist
# 整改时限 of a 自行脱党 review: the branch talks with the member and decides within three months.
ARREARS_TERM = datetime.timedelta(days=90)


def _require_branch_in_scope(branch: PartyOrganisation, actor: Any, field: str = "branch") -> None:
    if not in_scope(branch, actor):
        raise ValidationError({field: f"党支部「{branch}」不在您的管辖范围内。"})


def _not_future(day: datetime.date, field: str, label: str) -> None:
    message = rules.future_error(day, label, dates.today())
    if message:
        raise ValidationError({field: message})


# --- 党员名册 ---------------------------------------------------------------------------

# What the roster takes from a member's 发展党员 file: 入党日期 is the 支部大会's vote,
# 转正 and the category follow the file's steps.
FILE_HELD = ("category", "joined_on", "full_on")


def file_held_errors(member: Member, stored: dict[str, Any]) -> dict[str, str]:
    """The roster fields of a member admitted through the pipeline that differ from
    ``stored`` (the values on record): the file holds them, the form and the sheet may not
    change them."""
    changed = [name for name in FILE_HELD if stored.get(name) != getattr(member, name)]
    if not changed or not Applicant.objects.filter(member_id=member.pk).exists():
        return {}
    return {name: f"该党员经发展党员程序接收，{Member._meta.get_field(name).verbose_name}以其发展党员档案为准"
                  "（入党日期为支部大会讨论接收之日，转正须经支部大会讨论），不能在名册中修改。" for name in changed}


def joined_on_record_errors(member: Member) -> dict[str, str]:
    """A 入党日期 written now on a member on record (the page or the roster sheet) that
    comes after his earliest transfer, 民主评议 or 党费 month: those would be refused
    against it if recorded afresh (:func:`rules.joined_after_record_error`)."""
    if member.pk is None or not isinstance(member.joined_on, datetime.date):
        return {}
    if message := rules.joined_after_record_error(joined_on=member.joined_on,
                                                  **vars(selectors.record_firsts(member))):
        return {"joined_on": message}
    return {}


def member_save(*, member: Member, actor: Any) -> Member:
    """Add a member to the roster or correct one: the model's rules, the branch in scope,
    and a 入党日期 changed now held to what is on record (:func:`joined_on_record_errors`)."""
    adding = member._state.adding
    require_permission(actor, "members.add_member" if adding else "members.change_member", "维护党员名册")
    with transaction.atomic():
        if not adding:
            stored = lock_in_scope(Member.objects.all(), member.pk, actor, what="党员")
            if stored.branch_id != member.branch_id:
                raise ValidationError({"branch": "党员转到其他党支部须办理组织关系转接。"})
            if stored.status != member.status:
                raise ValidationError({"status": "党籍状态通过“变更党籍状态”或组织关系转接办理。"})
            if held := file_held_errors(member, {name: getattr(stored, name) for name in FILE_HELD}):
                raise ValidationError(held)
        if member.branch_id:
            _require_branch_in_scope(member.branch, actor)
        member.full_clean()
        if not adding and stored.joined_on != member.joined_on and (errors := joined_on_record_errors(member)):
            raise ValidationError(errors)
        refuse_new_near_miss(member, actor)
        save_audited(member, actor=actor)
    return member


def _disposal_not_carried_out(member: Member) -> Appraisal | None:
    """The member's 民主评议 result that says he leaves (劝其退党、除名, or 未改正) and
    whose disposal has not been carried out with the higher organisation's approval."""
    leaving = Q(disposal__in=[Disposal.PERSUADE, Disposal.REMOVE]) | Q(review_result=CorrectionResult.NOT_CORRECTED)
    return member.appraisals.filter(leaving, approved_on__isnull=True).order_by("-year").first()


STATUS_FIELDS = ["status", "status_changed_on", "status_reason"]


def transfer_open_error(member: Member) -> str:
    """A member whose transfer is not finished (待转出确认 or 在途) keeps his standing until
    it is received or its letter sent back: his 党籍状态 (:func:`member_set_status`) and,
    for a 预备党员, the 转正 or 取消 of his file (:func:`file_member_error`) wait."""
    if Transfer.objects.filter(member=member, state__in=[TransferState.PENDING, TransferState.IN_TRANSIT]).exists():
        return f"「{member}」有未办结的组织关系转接，请先办结或退回介绍信。"
    return ""


def member_set_status(*, member: Member, status: str, changed_on: datetime.date | None, actor: Any,
                      reason: str = "") -> Member:
    """变更党籍状态 (出党、停止党籍、去世, or back 在册); 转出 only through a transfer.

    The day of the change (变更日期, ``changed_on``) and its reason or grounds (变更原因/依据,
    ``reason``: a decision's 文号, how a death was learnt) are kept on the member and in
    the one audit row, by :func:`rules.status_change_errors`. Coming back 在册 records the
    day and grounds of that change in the same fields (the change it undoes stays in the
    audit trail). A member who leaves has his unpaid dues after leaving removed in the same
    transaction (:func:`dues_close_on_leaving`): the member's audit row says which months
    (:func:`dues_deleted_note`), and so may the step that called, from the returned
    member's ``dues_deleted`` (their months)."""
    if status == MemberStatus.TRANSFERRED_OUT:
        raise ValidationError({"status": "转出须通过组织关系转接办理。"})
    reason = (reason or "").strip()

    def apply(locked: Member) -> list[str]:
        if locked.status == status:  # said, not passed over: the clerk meant a change
            raise ValidationError({"status": f"「{locked}」的党籍状态已是{MemberStatus(status).label}，未作变更。"})
        if locked.status == MemberStatus.TRANSFERRED_OUT:
            raise ValidationError({"status": f"「{locked}」的组织关系已转出，党籍状态随转接办理，不能在此变更。"})
        if locked.status == MemberStatus.DECEASED:
            raise ValidationError({"status": f"「{locked}」已登记去世，党籍状态不能再变更。"})
        if locked.status == MemberStatus.EXPELLED and status != MemberStatus.ACTIVE:
            raise ValidationError({"status": rules.left_the_party_error(name=str(locked),
                                                                        left_on=locked.status_changed_on)})
        if message := transfer_open_error(locked):
            raise ValidationError({"status": message})
        if status == MemberStatus.EXPELLED and (pending := _disposal_not_carried_out(locked)) is not None:
            raise ValidationError({"status": f"「{locked}」{pending.year}年度民主评议的组织处置"
                                             f"（{pending.get_disposal_display() or pending.get_review_result_display()}）"
                                             "尚未落实：出党请在该民主评议结果页面办理「落实组织处置（出党）」，"
                                             "登记上级党组织批准日期和批准机关。"})
        if status == MemberStatus.ACTIVE and Applicant.objects.filter(member_id=locked.pk, stage=Stage.CANCELLED).exists():
            raise ValidationError({"status": f"「{locked}」已被取消预备党员资格，不能恢复为在册。"})
        errors = rules.status_change_errors(status=status, changed_on=changed_on, reason=reason,
                                            joined_on=locked.joined_on, previous_on=locked.status_changed_on,
                                            received_on=selectors.last_received_on(locked), today=dates.today())
        if errors:
            raise ValidationError(errors)
        open_file = (Applicant.objects.select_for_update().filter(member_id=locked.pk, stage=Stage.PROBATIONARY).first()
                     if locked.category == MemberCategory.PROBATIONARY else None)
        if open_file is not None:
            # The file and the roster move together: 取消预备党员资格 closes both.
            if status != MemberStatus.DECEASED:
                raise ValidationError({"status": f"「{locked}」是预备党员，其发展党员档案尚未办结："
                                                 "取消预备党员资格请在发展党员档案中办理。"})
            # Past the 支部大会, a closed file is 取消 (as rules.file_stage reads it on the sheet).
            open_file.stage, open_file.closed_reason = Stage.DECEASED, rules.DIED_REASON
            save_audited(open_file, actor=actor, fields=["stage", "closed_reason"], message="预备党员去世，发展程序终止")
        if status != MemberStatus.ACTIVE:
            assert changed_on is not None
            gone[:] = _dues_gone(member_id=locked.pk, status=status, left_on=changed_on)
        locked.status, locked.status_changed_on, locked.status_reason = status, changed_on, reason
        return STATUS_FIELDS

    gone: list[DuesRecord] = []  # found under the member's lock, before his audit row is written
    with transaction.atomic():
        done = perform(Member.objects.all(), member.pk, actor=actor, permission="members.change_member",
                       label="维护党员名册", what="党员", apply=apply,
                       message=lambda _: "；".join(filter(None, ["变更党籍状态", dues_deleted_note(gone)])))
        if gone:
            assert changed_on is not None
            dues_close_on_leaving(member=done, status=status, left_on=changed_on, actor=actor, rows=gone)
        done.dues_deleted = [row.month for row in gone]
    return done


# --- 民主评议党员 ------------------------------------------------------------------------

APPRAISAL_KEPT = ("member_id", "year", "grade", "decided_on", "disposal", "correct_by", "note")


def appraisal_kept_error(stored: dict[str, Any], appraisal: Appraisal) -> str:
    """A result whose 限期改正 has had its 期满评定, or whose disposal has been carried out
    with the higher organisation's approval, is closed: it changes no more."""
    if not any(stored.get(name) != getattr(appraisal, name) for name in APPRAISAL_KEPT):
        return ""
    if stored.get("approved_on"):
        return "该党员的组织处置已经上级党组织批准落实，民主评议结果不能再修改。"
    if stored.get("reviewed_on"):
        return "该党员的限期改正已作期满评定，民主评议结果不能再修改。"
    return ""


def appraisal_save(*, appraisal: Appraisal, actor: Any) -> Appraisal:
    """登记民主评议结果 or correct one: the member on the roll and in scope, the rules of
    :func:`rules.appraisal_errors` (the model's ``clean``), one result a member a year."""
    adding = appraisal._state.adding
    require_permission(actor, "members.add_appraisal" if adding else "members.change_appraisal", "登记民主评议结果")
    with transaction.atomic():
        if not adding:
            stored = lock_in_scope(Appraisal.objects.all(), appraisal.pk, actor, what="民主评议结果")
            if stored.member_id != appraisal.member_id:
                raise ValidationError({"member": "民主评议结果不能改记到其他党员名下。"})
            if message := appraisal_kept_error(stored._audit_loaded, appraisal):
                raise ValidationError(message)
        if appraisal.member_id:
            # The member as the roll holds them now (a status changed meanwhile counts), held still.
            appraisal.member = Member.objects.select_for_update().get(pk=appraisal.member_id)
            _require_branch_in_scope(appraisal.member.branch, actor, field="member")
        appraisal.note = appraisal.note.strip()
        appraisal.full_clean()
        save_audited(appraisal, actor=actor)
    return appraisal


def _appraised_on_the_roll(appraisal: Appraisal, then: str = "") -> None:
    """A step on a result needs its member on the roll (as the roll stands)."""
    member = appraisal.member
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError({"status": f"「{member}」{already(member.get_status_display())}，不在党员名册中。{then}"})


def appraisal_review(*, appraisal: Appraisal, reviewed_on: datetime.date, corrected: bool, actor: Any) -> Appraisal:
    """限期改正期满评定: the 支部大会 discusses, once the period has ended, whether the
    member has corrected; one who has not is persuaded to leave the Party."""
    def apply(locked: Appraisal) -> list[str]:
        if locked.disposal != Disposal.CORRECT:
            raise ValidationError({"disposal": "只有限期改正的党员才作期满评定。"})
        if locked.reviewed_on is not None:
            raise ValidationError({"reviewed_on": f"已于 {locked.reviewed_on:%Y-%m-%d} 作期满评定。"})
        _appraised_on_the_roll(locked, "无须作期满评定。")
        message = rules.correction_review_error(correct_by=locked.correct_by, reviewed_on=reviewed_on,
                                                today=dates.today())
        if message:
            raise ValidationError({"reviewed_on": message})
        locked.reviewed_on = reviewed_on
        locked.review_result = CorrectionResult.CORRECTED if corrected else CorrectionResult.NOT_CORRECTED
        return ["reviewed_on", "review_result"]

    return perform(Appraisal.objects.all(), appraisal.pk, actor=actor, permission="members.change_appraisal",
                   label="限期改正期满评定", what="民主评议结果", apply=apply, action=AuditAction.TRANSITION,
                   message="限期改正期满评定")


def leaves_the_party(appraisal: Appraisal) -> bool:
    """The result says the member leaves: 劝其退党 or 除名, or a 限期改正 found 未改正."""
    return (appraisal.disposal in (Disposal.PERSUADE, Disposal.REMOVE)
            or appraisal.review_result == CorrectionResult.NOT_CORRECTED)


def appraisal_carry_out(*, appraisal: Appraisal, outcome: str, approved_on: datetime.date, approved_by: str,
                        actor: Any) -> Appraisal:
    """落实组织处置: the higher Party organisation has approved that a member found 不合格
    leaves, by 退党 (one persuaded who agrees) or by 除名. The approval is recorded on the
    result and the member leaves the roll (出党) in the same transaction."""
    require_permission(actor, ["members.change_appraisal", "members.change_member"], "落实组织处置")

    def apply(locked: Appraisal) -> list[str]:
        if not leaves_the_party(locked):
            raise ValidationError({"disposal": "只有组织处置为劝其退党、除名，或期满评定为未改正的，才落实出党。"})
        if locked.approved_on is not None:
            raise ValidationError({"approved_on": f"已于 {locked.approved_on:%Y-%m-%d} 经批准落实。"})
        _appraised_on_the_roll(locked)
        if outcome not in LeavingOutcome.values:
            raise ValidationError({"outcome": "请选择处置落实结果。"})
        if outcome == LeavingOutcome.WITHDRAWN and locked.disposal == Disposal.REMOVE:
            raise ValidationError({"outcome": "组织处置为除名的，落实结果只能是除名。"})
        if not approved_by.strip():
            raise ValidationError({"approved_by": "请填写批准机关。"})
        message = rules.carry_out_error(decided_on=locked.decided_on, reviewed_on=locked.reviewed_on,
                                        approved_on=approved_on, today=dates.today())
        if message:
            raise ValidationError({"approved_on": message})
        locked.outcome, locked.approved_on, locked.approved_by = outcome, approved_on, approved_by.strip()
        return ["outcome", "approved_on", "approved_by"]

    with transaction.atomic():
        done = perform(Appraisal.objects.select_related("member"), appraisal.pk, actor=actor,
                       permission="members.change_appraisal", label="落实组织处置", what="民主评议结果", apply=apply,
                       action=AuditAction.TRANSITION, message="落实组织处置")
        done.member = member_set_status(member=done.member, status=MemberStatus.EXPELLED, changed_on=approved_on,
                                        reason=f"民主评议不合格，{LeavingOutcome(outcome).label}"
                                               f"（{approved_by.strip()}批准）"[:rules.STATUS_REASON_MAX], actor=actor)
    return done


# --- 组织关系转接 ------------------------------------------------------------------------

# The step each transfer's audit row names (办理记录 reads 「接收组织关系」 above the changes),
# in the words of the buttons and list actions that take it.
TRANSFER_STARTED = "申请组织关系转接（开具介绍信）"
TRANSFER_SENT = "确认转出（开出介绍信）"
TRANSFER_RECEIVED = "接收组织关系"
TRANSFER_RETURNED = "退回介绍信"
TRANSFER_CAME_BACK = "介绍信被退回（省外党组织未接收）"  # a letter out of the province, come back
TRANSFER_IN = "登记省外转入"


def _letter_in_use(letter_number: str, origin: str = "") -> None:
    """A letter number is one transfer's (:class:`Transfer`'s constraints): the province's
    own letters among themselves, a letter from outside per issuing organisation; a letter
    sent back (退回) frees its number."""
    letters = Transfer.objects.exclude(state=TransferState.RETURNED).filter(letter_number=letter_number)
    if origin:
        if letters.filter(from_branch__isnull=True, origin=origin).exists():
            raise ValidationError({"letter_number": f"「{origin}」开出的介绍信「{letter_number}」已登记转入，"
                                                    "不能重复登记，请核对编号。"})
    elif letters.filter(from_branch__isnull=False).exists():
        raise ValidationError({"letter_number": f"介绍信编号「{letter_number}」已被其他组织关系转接使用，"
                                                "同一编号只能用于一份介绍信（退回的除外），请核对编号。"})


def transfer_start(*, member: Member, letter_number: str, started_on: datetime.date, actor: Any,
                   to_branch: PartyOrganisation | None = None, destination: str = "") -> Transfer:
    """开具介绍信的申请: a transfer 待转出确认 from the member's current branch."""
    require_permission(actor, "members.add_transfer", "办理组织关系转接")
    with transaction.atomic():
        locked = lock_in_scope(Member.objects.all(), member.pk, actor, what="党员")
        if locked.status != MemberStatus.ACTIVE:
            raise ValidationError({"member": f"「{locked}」不是在册党员，不能转接组织关系。"})
        if not letter_number.strip():
            raise ValidationError({"letter_number": "请填写介绍信编号。"})
        _not_future(started_on, "started_on", "申请日期")
        # Nor before he came to the branch he leaves, nor before he was last back on the
        # roll: the trail of his moves and of his standing runs forward.
        if message := rules.transfer_started_error(started_on=started_on, joined_on=locked.joined_on,
                                                   received_on=selectors.last_received_on(locked),
                                                   status_changed_on=locked.status_changed_on):
            raise ValidationError({"started_on": message})
        if Transfer.objects.filter(member=locked, state__in=[TransferState.PENDING, TransferState.IN_TRANSIT]).exists():
            raise ValidationError({"member": "该党员已有未办结的组织关系转接。"})
        _letter_in_use(letter_number.strip())
        transfer = Transfer(member=locked, from_branch_id=locked.branch_id, to_branch=to_branch,
                            destination=destination.strip(), letter_number=letter_number.strip(), started_on=started_on)
        transfer.full_clean(exclude=["member", "from_branch", "to_branch"])
        save_audited(transfer, actor=actor, message=TRANSFER_STARTED)
    return transfer


def transfer_send(*, transfer: Transfer, sent_on: datetime.date, actor: Any, valid_days: int | None,
                  dues_exception: str = "") -> Transfer:
    """转出确认: the sending branch issues the letter; the transfer is 在途.

    ``valid_days``: the 有效期 the letter states, required (1–90 days); only the letters
    issued before it was recorded (migration ``members.0021``) have none. The member has
    paid every month before the letter's month by its day (党员转出前应交清党费, the letter
    states 党费交至); otherwise the letter is refused, naming the months, unless
    ``dues_exception`` gives the reason for the exception (困难党员经批准减免), which is
    kept on the transfer and in its audit row with the months it covers. Those months
    stay unpaid in the sending branch's ledger, marked as let through by this letter
    (:func:`_dues_excuse`): unpaid with a recorded reason, not in arrears."""
    if message := rules.letter_valid_days_required_error(valid_days):
        raise ValidationError({"valid_days": message})
    exception = (dues_exception or "").strip()
    if len(exception) > rules.DUES_EXCEPTION_MAX:
        raise ValidationError({"dues_exception": f"例外原因不能超过{rules.DUES_EXCEPTION_MAX}字。"})
    unpaid: list[datetime.date] = []  # the months the exception covers, for the audit row

    def apply(locked: Transfer) -> list[str]:
        if locked.state != TransferState.PENDING:
            raise ValidationError({"state": f"只有「待转出确认」的转接可以确认转出，当前为「{locked.get_state_display()}」。"})
        _on_the_roll(locked.member)
        _not_future(sent_on, "sent_on", "开出介绍信日期")
        if sent_on < locked.started_on:
            raise ValidationError({"sent_on": "开出介绍信日期不能早于申请日期。"})
        unpaid[:] = selectors.dues_unpaid_before_letter(locked.member, sent_on)
        if message := rules.dues_unsettled_error(unpaid, sent_on, exception):
            raise ValidationError({"dues_exception": message})
        # The letter says how far the dues are paid (党费交到X年X月), read from the ledger.
        locked.state, locked.sent_on, locked.valid_days = TransferState.IN_TRANSIT, sent_on, valid_days
        locked.dues_paid_to = selectors.dues_paid_to(locked.member, as_of=sent_on)
        # Kept only on a letter it let through: a reason typed for a batch is not written on
        # the letters of members who owed nothing.
        locked.dues_exception = exception if unpaid else ""
        if unpaid:
            _dues_excuse(locked, unpaid)  # in the step's transaction, under its lock
        return ["state", "sent_on", "valid_days", "dues_paid_to", "dues_exception"]

    done = perform(Transfer.objects.all(), transfer.pk, actor=actor,
                   permission="members.change_transfer", label="办理组织关系转接", what="组织关系转接", apply=apply,
                   action=AuditAction.TRANSITION,
                   message=lambda _: "；".join(filter(None, [TRANSFER_SENT, dues_exception_note(unpaid)])))
    done.dues_unsettled = list(unpaid) if done.dues_exception else []  # for the step's message
    done.exception_unused = bool(exception) and not unpaid  # typed, and nothing for it to cover
    return done


def _dues_excuse(transfer: Transfer, months: Sequence[datetime.date]) -> None:
    """The months a letter let through by its exception are marked on the ledger as its
    (``DuesRecord.excused_by``) and leave the arrears counter. A derived mark, written
    with the letter's own audit row (which names the months), not one of its own."""
    DuesRecord.objects.filter(member_id=transfer.member_id, month__in=list(months)).update(excused_by=transfer)
    dues_recount([transfer.member_id])


def _dues_unexcuse(transfer: Transfer) -> list[datetime.date]:
    """A letter that does not go takes its exception with it: the months it let through
    are back in arrears (those still unpaid). Returns the months, oldest first."""
    rows = DuesRecord.objects.filter(member_id=transfer.member_id, excused_by=transfer)
    months = sorted(rows.values_list("month", flat=True))
    if months:
        rows.update(excused_by=None)
        dues_recount([transfer.member_id])
    return months


def _months_counted(months: Sequence[datetime.date]) -> str:
    """2个月（2026.08、2026.09）: how the notes below name a run of months."""
    return f"{len(months)}个月（{'、'.join(f'{m:%Y.%m}' for m in months)}）"


def dues_unexcused_note(months: Sequence[datetime.date]) -> str:
    """What sending a letter back did to the months its exception let through, for its
    audit row: 按例外开出时未交清的2个月（2026.08、2026.09）不再按例外处理."""
    return f"按例外开出时未交清的{_months_counted(months)}不再按例外处理" if months else ""


def dues_exception_note(months: Sequence[datetime.date]) -> str:
    """What 确认转出 let through by its exception, for the audit row and the step's message:
    党费未交清2个月（2026.08、2026.09），按例外原因开出介绍信; nothing when all were paid."""
    return f"党费未交清{_months_counted(months)}，按例外原因开出介绍信" if months else ""


def _on_the_roll(member: Member) -> None:
    """A relationship moves only for a member on the roll (not one who died or left the
    Party while the letter was on its way)."""
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError({"member": f"「{member}」的党籍状态为{member.get_status_display()}，组织关系不能转接；"
                                         "请退回介绍信。"})


def _lock_for_receiver(transfer: Transfer, actor: Any) -> Transfer:
    """The receiving side: inside the province the receiving branch's jurisdiction, out of
    it the sending branch's (which records the returned receipt)."""
    base = Transfer.objects.select_related("to_branch__unit", "member")
    row = base.filter(pk=transfer.pk).first()
    if row is not None and row.to_branch_id is not None:
        visible = scope_queryset(PartyOrganisation.objects.filter(pk=row.to_branch_id), actor).exists()
        if visible:
            return base.select_for_update(of=("self",)).get(pk=transfer.pk)
        if row.from_branch_id is not None and scope_queryset(
                PartyOrganisation.objects.filter(pk=row.from_branch_id), actor).exists():
            # The sending side, which sees the transfer in its own list: told who receives it.
            raise ValidationError(f"转入党支部「{row.to_branch.placed_name}」不在您的管辖范围内："
                                  "组织关系由转入方接收，转出方不能代为接收。", code="scope")
        raise ValidationError("该组织关系转接不存在或转入党支部不在您的管辖范围内。", code="scope")
    return lock_in_scope(base, transfer.pk, actor, what="组织关系转接")


def _dues_follow(transfer: Transfer) -> None:
    """The receiving branch collects the months from the letter's on that are still unpaid
    (党员转出前应交清党费: the months before it are the sending branch's, paid or excused);
    the rest of the ledger stays with the branch that collected it. A derived owner, set
    with the receipt's own audit row, not one of its own."""
    letter_month = month_start(transfer.sent_on or transfer.started_on)
    DuesRecord.objects.filter(member_id=transfer.member_id, paid_on__isnull=True,
                              month__gte=letter_month).update(branch_id=transfer.to_branch_id)


# What a receipt did to a 预备党员's open file, for the transfer's audit row and the step's message.
FILE_FOLLOWS = "预备党员的发展党员档案随之转入"


def _open_file(member: Member) -> Applicant | None:
    """The 发展党员 file of a 预备党员 not yet closed (转正 or 取消 still to come), locked."""
    return Applicant.objects.select_for_update().filter(member_id=member.pk, stage=Stage.PROBATIONARY).first()


def _file_follows(file: Applicant | None, *, branch_id: int, actor: Any, why: str) -> bool:
    """A 预备党员's open file goes where his relationship goes, in the receipt's transaction
    (转正 and 取消 are taken where he now is, :func:`file_member_error`): its branch moves,
    with the file's own audit row. Not scoped by the sending branch: the receiving side
    acts. Returns whether it moved."""
    if file is None or file.branch_id == branch_id:
        return False
    file.branch_id = branch_id
    save_audited(file, actor=actor, fields=["branch"], message=f"{why}，发展党员档案随之转入")
    return True


def transfer_receive(*, transfer: Transfer, received_on: datetime.date, actor: Any) -> Transfer:
    """接收: the receiving branch confirms; the member moves there (or, out of the
    province, leaves the roster as 转出). A 预备党员's open 发展党员 file moves with him
    (:func:`_file_follows`); the transfer's audit row and the result's ``file_followed``
    say so."""
    require_permission(actor, ["members.change_transfer", "members.change_member"], "接收组织关系")
    with transaction.atomic():
        locked = _lock_for_receiver(transfer, actor)
        if locked.state != TransferState.IN_TRANSIT:
            raise ValidationError({"state": f"只有「在途」的转接可以接收，当前为「{locked.get_state_display()}」。"})
        # Out of the province the date is that of the receipt (回执) the organisation outside returned.
        label = "回执日期" if locked.leaves_province else "接收日期"
        _not_future(received_on, "received_on", label)
        if received_on < (locked.sent_on or locked.started_on):
            raise ValidationError({"received_on": f"{label}不能早于开出介绍信日期"
                                                  f"（{locked.sent_on or locked.started_on:%Y-%m-%d}）。"})
        # The member hands the letter in within its validity, inside the province and out of
        # it alike; a receipt dated after it means the letter ran out and comes back.
        check = rules.receipt_expired_error if locked.leaves_province else rules.letter_expired_error
        if message := check(locked.valid_until, received_on):
            raise ValidationError({"received_on": message})
        member = Member.objects.select_for_update().get(pk=locked.member_id)
        _on_the_roll(member)
        if locked.to_branch_id is None and (message := rules.left_by_letter_error(
                name=str(member), sent_on=locked.sent_on or locked.started_on, joined_on=member.joined_on,
                previous_on=member.status_changed_on)):
            # Dated by the letter, the 转出 would come before what is on the member's record.
            raise ValidationError({"received_on": message})
        open_file = _open_file(member) if locked.to_branch_id is not None else None
        follows = open_file is not None and open_file.branch_id != locked.to_branch_id
        locked.state, locked.received_on = TransferState.RECEIVED, received_on
        save_audited(locked, actor=actor, fields=["state", "received_on"], action=AuditAction.TRANSITION,
                     message="；".join(filter(None, [TRANSFER_RECEIVED, FILE_FOLLOWS if follows else ""])))
        if locked.to_branch_id is not None:
            member.branch_id = locked.to_branch_id
            why = f"组织关系转入（介绍信 {locked.letter_number}）"
            save_audited(member, actor=actor, fields=["branch"], message=why)
            _dues_follow(locked)
            locked.file_followed = _file_follows(open_file, branch_id=locked.to_branch_id, actor=actor, why=why)
        else:
            # One leaving date: the relationship left with the letter (开出介绍信日期), the
            # month of leaving for the dues too; the receipt's date stays on the transfer.
            left_on = locked.sent_on or locked.started_on
            member.status, member.status_changed_on = MemberStatus.TRANSFERRED_OUT, left_on
            member.status_reason = f"组织关系转往{locked.destination}（介绍信 {locked.letter_number}）"[:rules.STATUS_REASON_MAX]
            gone = _dues_gone(member_id=member.pk, status=MemberStatus.TRANSFERRED_OUT, left_on=left_on)
            save_audited(member, actor=actor, fields=STATUS_FIELDS,
                         message="；".join(filter(None, [f"组织关系转出本省（介绍信 {locked.letter_number}）",
                                                         dues_deleted_note(gone)])))
            dues_close_on_leaving(member=member, status=MemberStatus.TRANSFERRED_OUT, left_on=left_on, actor=actor,
                                  rows=gone)
            locked.dues_deleted = [row.month for row in gone]  # for the step's message
    return locked


def transfer_return(*, transfer: Transfer, reason: str, actor: Any) -> Transfer:
    """退回: the receiving side sends the letter back (wrong branch, missing papers, past
    its validity); out of the province the sending clerk records the letter come back
    unreceived (介绍信被退回). A letter issued by an exception takes it with it: the months
    it let through are in arrears again (the member is still the sending branch's), named
    in the return's audit row."""
    require_permission(actor, "members.change_transfer", "办理组织关系转接")
    if not reason.strip():
        raise ValidationError({"returned_reason": "请写明退回原因。"})
    with transaction.atomic():
        locked = _lock_for_receiver(transfer, actor)
        if locked.state != TransferState.IN_TRANSIT:
            raise ValidationError({"state": f"只有「在途」的转接可以退回，当前为「{locked.get_state_display()}」。"})
        locked.state, locked.returned_reason = TransferState.RETURNED, reason.strip()
        back = _dues_unexcuse(locked)
        save_audited(locked, actor=actor, fields=["state", "returned_reason"], action=AuditAction.TRANSITION,
                     message="；".join(filter(None, [TRANSFER_CAME_BACK if locked.leaves_province else TRANSFER_RETURNED,
                                                     dues_unexcused_note(back)])))
    return locked


def transfer_in_from_outside(*, member: Member, to_branch: PartyOrganisation | None, origin: str, letter_number: str,
                             sent_on: datetime.date | None, valid_days: int | None, received_on: datetime.date | None,
                             actor: Any, dues_paid_to: datetime.date | None = None) -> Transfer:
    """省外转入: a member's relationship comes from a Party organisation outside the
    province, which issued the letter (``sent_on``, its 开出日期) valid ``valid_days``
    days (its 有效期, required: the registrations before it was recorded have none); the
    receiving branch confirms receipt (``received_on``), on or after the letter's day and
    within its validity (:func:`rules.letter_from_outside_errors`). A member the
    registry holds as 转出 (who left the province earlier) comes back on that record, 在册
    in the receiving branch; a new person (``member`` not yet saved) enters the roster
    there. The transfer is recorded as received, with its letter, in the same transaction.

    ``dues_paid_to``: the letter's 党费交至 (any day of the month), kept on the transfer;
    he owes dues from the month after it (:func:`rules.dues_first_owed`, the arrears
    follow him), or from the receipt's month when the letter names none. The result
    carries ``dues_owed_from`` for the step's message."""
    adding = member._state.adding
    require_permission(actor, ["members.add_transfer", "members.add_member" if adding else "members.change_member"],
                       "办理省外转入")
    errors: dict[str, str] = {}
    if to_branch is None:
        errors["to_branch"] = "请选择转入党支部。"
    if not origin.strip():
        errors["origin"] = "请填写转出单位（省外党组织）。"
    if not letter_number.strip():
        errors["letter_number"] = "请填写介绍信编号。"
    if sent_on is None:
        errors["sent_on"] = "请填写省外介绍信的开出日期。"
    if message := rules.letter_valid_days_required_error(valid_days, rules.LETTER_FROM_OUTSIDE_VALID_DAYS_MISSING):
        errors["valid_days"] = message
    if received_on is None:
        errors["received_on"] = "请填写接收日期。"
    if errors:
        raise ValidationError(errors)
    assert to_branch is not None and sent_on is not None and received_on is not None and valid_days is not None
    _require_branch_in_scope(to_branch, actor, "to_branch")
    if message := rules.branch_error(to_branch):
        raise ValidationError({"to_branch": message})
    _not_future(sent_on, "sent_on", "开出介绍信日期")
    _not_future(received_on, "received_on", "接收日期")
    if errors := rules.letter_from_outside_errors(sent_on=sent_on, valid_days=valid_days, received_on=received_on):
        raise ValidationError(errors)
    if dues_paid_to is not None:
        dues_paid_to = month_start(dues_paid_to)
        joined_on = member.joined_on if isinstance(member.joined_on, datetime.date) else None
        if message := rules.dues_paid_to_error(dues_paid_to, received_on, joined_on):
            raise ValidationError({"dues_paid_to": message})
    if adding and isinstance(member.joined_on, datetime.date) and sent_on < member.joined_on:
        # As a letter issued in the province (transfer_start): only a member's relationship moves.
        raise ValidationError({"sent_on": f"开出介绍信日期不能早于入党日期（{member.joined_on:%Y-%m-%d}）。"})
    _letter_in_use(letter_number.strip(), origin.strip())
    with transaction.atomic():
        message = f"组织关系由省外转入（{origin.strip()}，介绍信 {letter_number.strip()}）"
        if adding:
            # Recorded as a returning member's 省外转入 is: he is on the roll from the receipt,
            # and owes dues from its month on (_dues_pending), not for the months before.
            member.branch, member.status, member.status_changed_on = to_branch, MemberStatus.ACTIVE, received_on
            member.status_reason = message[:rules.STATUS_REASON_MAX]
            member.full_clean()
            refuse_new_near_miss(member, actor)
            save_audited(member, actor=actor, message=message)
            locked = member
        else:
            # Not scoped by the old branch: one who left the province is taken back wherever he arrives.
            locked = Member.objects.select_for_update().get(pk=member.pk)
            if locked.status != MemberStatus.TRANSFERRED_OUT:
                raise ValidationError({"member": f"「{locked}」的党籍状态为{locked.get_status_display()}，"
                                                 "只有组织关系已转出本省的党员可以办理省外转入。"})
            gone = locked.transfers.filter(state=TransferState.RECEIVED).aggregate(day=Max("received_on"))["day"]
            if gone is not None and sent_on < gone:
                raise ValidationError({"sent_on": f"开出介绍信日期不能早于该党员转出本省的日期（{gone:%Y-%m-%d}）。"})
            locked.branch, locked.status, locked.status_changed_on = to_branch, MemberStatus.ACTIVE, received_on
            locked.status_reason = message[:rules.STATUS_REASON_MAX]
            save_audited(locked, actor=actor, fields=["branch", *STATUS_FIELDS], message=f"{message}，恢复在册")
        # A 预备党员 who left the province with his file open comes back to it: the file follows.
        follows = not adding and _file_follows(_open_file(locked), branch_id=to_branch.pk, actor=actor, why=message)
        transfer = Transfer(member=locked, from_branch=None, origin=origin.strip(), to_branch=to_branch,
                            letter_number=letter_number.strip(), state=TransferState.RECEIVED, started_on=sent_on,
                            sent_on=sent_on, valid_days=valid_days, received_on=received_on, dues_paid_to=dues_paid_to)
        transfer.full_clean(exclude=["member", "to_branch"])
        save_audited(transfer, actor=actor, message="；".join(filter(None, [TRANSFER_IN, FILE_FOLLOWS if follows else ""])))
        transfer.file_followed = follows
    transfer.dues_owed_from = rules.dues_first_owed(received_on=received_on, paid_to=dues_paid_to)
    return transfer


def dues_owed_note(transfer: Transfer, today: datetime.date | None = None) -> str:
    """What a 省外转入 left him owing, for the step's message: the months up to this one
    (生成应交党费 adds them, 已生成的月份再生成一次即补上), or when the first month is to come."""
    first = getattr(transfer, "dues_owed_from", None)
    if first is None:
        return ""
    this_month = month_start(today or dates.today())
    paid = f"介绍信注明党费交至{transfer.dues_paid_to:%Y.%m}，" if transfer.dues_paid_to else ""
    if first > this_month:
        return f"{paid}自{first:%Y.%m}起交纳党费，目前不欠缴"
    months = []
    month = first
    while month <= this_month:
        months.append(month)
        month = rules.add_months(month, 1)
    shown = "、".join(f"{m:%Y.%m}" for m in months) if len(months) <= 6 else (
        f"{months[0]:%Y.%m}至{months[-1]:%Y.%m}")
    return (f"{paid}应交党费{len(months)}个月（{shown}），生成各月应交党费时列入（已生成的月份再生成一次即补上）")


# --- 发展党员 --------------------------------------------------------------------------

def applicant_apply(*, applicant: Applicant, actor: Any) -> Applicant:
    """入党申请: register the application (age ≥ 18 on the day, checked by ``clean``)."""
    require_permission(actor, "members.add_applicant", "发展党员")
    with transaction.atomic():
        if applicant.branch_id:
            _require_branch_in_scope(applicant.branch, actor)
        applicant.stage = Stage.APPLIED
        applicant.full_clean()
        refuse_new_near_miss(applicant, actor)
        save_audited(applicant, actor=actor)
    return applicant


# The stages a file goes through in order, and those in which a step is taken (its page,
# its batch action and the applicants' sheet). A closed file has passed them all.
STAGE_ORDER = (Stage.APPLIED, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY)
TALK = "谈话"
REVIEW = "培养考察"
REVIEW_STAGES = (Stage.ACTIVIST, Stage.CANDIDATE)
PREPARATION = "登记政审、培训、公示"
PREPARATION_STAGES = (Stage.CANDIDATE,)
PREPARATION_FIELDS = ("political_review_on", "training_days", "training_hours", "publicity_on")
APPROVED = "上级党委已审批。"


def stage_error(applicant: Applicant, stage: str, stages: Sequence[str], label: str) -> str:
    """Why the step ``label``, taken at ``stages``, is not taken on ``applicant``'s file at
    ``stage``: one wording for the step pages, the batch actions and the sheet."""
    if stage in stages:
        return ""
    shown = "、".join(Stage(s).label for s in stages)
    return f"「{label}」须在{shown}阶段办理，「{applicant}」当前为{Stage(stage).label}。"


def stage_passed_error(applicant: Applicant, stage: str, stages: Sequence[str], label: str) -> str:
    """:func:`stage_error` for a file whose ``stage`` is past ``stages``: a sheet row
    carries a file forward through the stages, taking each step on its way (a 考察 of an
    applicant it makes an 积极分子 in the same row), never back to a stage it has passed."""
    last = max(STAGE_ORDER.index(s) for s in stages)
    if stage in STAGE_ORDER and STAGE_ORDER.index(stage) <= last:
        return ""
    return stage_error(applicant, stage, stages, label)


def talk_recorded_error(talked_on: datetime.date) -> str:
    return f"已于 {talked_on:%Y-%m-%d} 登记谈话，不能再次登记。"


def _step(applicant: Applicant, actor: Any, expected: str | Sequence[str], apply: Any, label: str) -> Applicant:
    stages = [expected] if isinstance(expected, str) else list(expected)

    def guarded(locked: Applicant) -> list[str]:
        if message := stage_error(locked, locked.stage, stages, label):
            raise ValidationError({"stage": message})
        return apply(locked)

    return perform(Applicant.objects.all(), applicant.pk, actor=actor, permission="members.change_applicant",
                   label="发展党员", what="入党申请人", apply=guarded, action=AuditAction.TRANSITION, message=label)


def file_member_error(applicant: Applicant, member: Member | None, actor: Any) -> str:
    """Why ``actor`` may not move the roster record of a 预备党员's file (转正, 取消预备党员
    资格): the member is handled where his relationship now is, and only while on the
    roll, and not while a transfer of his is open (:func:`transfer_open_error`: the
    letter would go with one standing and the roster hold another). One rule for the step
    pages and batch actions (:func:`_file_member`) and the applicants' sheet
    (``ApplicantResource.prepare_instance``, :func:`applicants_to_roster`)."""
    if member is None or not in_scope(member, actor):
        return f"「{applicant}」的组织关系已转至其他党组织，请由其现所在党组织办理。"
    if member.status != MemberStatus.ACTIVE:
        return f"「{applicant}」在党员名册中的党籍状态为{member.get_status_display()}，不能办理。"
    return transfer_open_error(member)


def _file_member(applicant: Applicant, actor: Any) -> Member:
    """The roster record of a 预备党员's file, locked, if :func:`file_member_error` lets
    ``actor`` move it."""
    member = Member.objects.select_for_update().filter(pk=applicant.member_id).first()
    if message := file_member_error(applicant, member, actor):
        raise ValidationError({"stage": message})
    assert member is not None
    return member


def applicant_talk(*, applicant: Applicant, talked_on: datetime.date, actor: Any, late_reason: str = "") -> Applicant:
    """谈话: within one month of the application, or later with the reason recorded."""
    def apply(locked: Applicant) -> list[str]:
        if locked.talked_on is not None:
            raise ValidationError({"talked_on": talk_recorded_error(locked.talked_on)})
        _not_future(talked_on, "talked_on", "谈话日期")
        message = rules.talk_error(locked.applied_on, talked_on, late_reason)
        if message:
            raise ValidationError({"talked_on": message})
        locked.talked_on, locked.talk_late_reason = talked_on, late_reason.strip()
        return ["talked_on", "talk_late_reason"]

    return _step(applicant, actor, Stage.APPLIED, apply, TALK)


def applicant_make_activist(*, applicant: Applicant, decided_on: datetime.date, contacts: Sequence[Member],
                            actor: Any) -> Applicant:
    """确定入党积极分子: after the talk, by the branch committee; one or two 正式党员 as 培养联系人."""
    def apply(locked: Applicant) -> list[str]:
        errors = rules.activist_error(locked.talked_on, decided_on)
        if errors:
            raise ValidationError(errors)
        _not_future(decided_on, "activist_on", "确定日期")
        fresh = {m.pk: m for m in scope_queryset(Member.objects.filter(pk__in=[c.pk for c in contacts]), actor)}
        if len(fresh) != len({c.pk for c in contacts}):
            raise ValidationError({"contact_1": "培养联系人不在您的管辖范围内。"})
        message = rules.contacts_error([fresh[c.pk] for c in contacts], on=decided_on)
        if message:
            raise ValidationError({"contact_1": message})
        locked.stage, locked.activist_on = Stage.ACTIVIST, decided_on
        locked.contact_1 = contacts[0]
        locked.contact_2 = contacts[1] if len(contacts) > 1 else None
        return ["stage", "activist_on", "contact_1", "contact_2"]

    return _step(applicant, actor, Stage.APPLIED, apply, "确定为入党积极分子")


def applicant_review(*, applicant: Applicant, reviewed_on: datetime.date, summary: str, actor: Any) -> ActivistReview:
    """考察: a half-yearly assessment of an 入党积极分子 (or 发展对象)."""
    require_permission(actor, "members.change_applicant", "发展党员")
    with transaction.atomic():
        locked = lock_in_scope(Applicant.objects.all(), applicant.pk, actor, what="入党申请人")
        if message := stage_error(locked, locked.stage, REVIEW_STAGES, REVIEW):
            raise ValidationError({"stage": message})
        if message := rules.review_date_error(locked.activist_on, reviewed_on, locked.vote_on):
            raise ValidationError({"reviewed_on": message})
        _not_future(reviewed_on, "reviewed_on", "考察日期")
        if not summary.strip():
            raise ValidationError({"summary": "请填写考察意见。"})
        review = ActivistReview(applicant=locked, reviewed_on=reviewed_on, summary=summary.strip())
        save_audited(review, actor=actor, message="培养考察")
        _follow_reviews([locked.pk])
    return review


def _follow_reviews(applicant_ids: Sequence[int]) -> None:
    """最近一次培养考察日期 follows the 考察记录: a derived copy, covered by the audit row
    of the review that moved it."""
    latest = (ActivistReview.objects.filter(applicant=OuterRef("pk")).order_by().values("applicant")
              .annotate(last=Max("reviewed_on")).values("last"))
    Applicant.objects.filter(pk__in=applicant_ids).update(reviewed_on=Subquery(latest))


def applicant_reviews_from_sheet(*, applicant_ids: Iterable[int], actor: Any,
                                 earlier: dict[int, Sequence[datetime.date]] | None = None) -> int:
    """The 考察 a sheet row carries (最近一次培养考察日期, and ``earlier``: every date the
    row's cell gave, by file) becomes a 考察记录 when the file has none of that day, one
    audit row each; the date stays the latest of the file's records. A day a 考察 may not
    have (:func:`rules.review_date_error`: before the 积极分子 designation, on or after the
    支部大会 vote) is refused, as on the step's page. Returns how many records were added."""
    require_permission(actor, "members.change_applicant", "发展党员")
    with transaction.atomic():
        found = scope_queryset(Applicant.objects.filter(pk__in=list(applicant_ids), reviewed_on__isnull=False), actor)
        files = {pk: (name, day, activist_on, vote_on) for pk, name, day, activist_on, vote_on in found.order_by("pk")
                 .values_list("pk", "name", "reviewed_on", "activist_on", "vote_on")}
        kept = set(ActivistReview.objects.filter(applicant_id__in=list(files))
                   .values_list("applicant_id", "reviewed_on"))
        given = {(pk, file[1]) for pk, file in files.items()}
        given.update((pk, day) for pk in files for day in (earlier or {}).get(pk, ()))
        new = [ActivistReview(applicant_id=pk, reviewed_on=day, summary=SHEET_REVIEW)
               for pk, day in sorted(given) if (pk, day) not in kept]
        for review in new:  # the sheet refuses such a row first (ApplicantResource.step_errors)
            name, _, activist_on, vote_on = files[review.applicant_id]
            if message := rules.review_date_error(activist_on, review.reviewed_on, vote_on):
                raise ValidationError({"reviewed_on": f"「{name}」{review.reviewed_on:%Y-%m-%d}的培养考察：{message}"})
        ActivistReview.objects.bulk_create(new)
        audit_rows(((review, {"reviewed_on": [None, f"{review.reviewed_on:%Y-%m-%d}"]}) for review in new),
                   actor=actor, action=AuditAction.CREATE, message="发展党员表登记的培养考察")
        _follow_reviews(list(files))
    return len(new)


def applicant_make_candidate(*, applicant: Applicant, decided_on: datetime.date, actor: Any,
                             late_reason: str = "") -> Applicant:
    """确定发展对象: after at least a year as 积极分子, with the half-yearly 考察 kept
    (a longer stretch without one only with its reason recorded)."""
    def apply(locked: Applicant) -> list[str]:
        _not_future(decided_on, "candidate_on", "确定日期")
        errors = rules.candidate_errors(activist_on=locked.activist_on, candidate_on=decided_on)
        if errors:
            raise ValidationError(errors)
        reviews = list(locked.reviews.values_list("reviewed_on", flat=True))
        if not any(day <= decided_on for day in reviews):
            raise ValidationError({"candidate_on": rules.NO_REVIEW})
        if message := rules.review_gap_error(locked.activist_on, reviews, decided_on, late_reason):
            raise ValidationError({"candidate_on": message})
        locked.stage, locked.candidate_on, locked.review_late_reason = Stage.CANDIDATE, decided_on, late_reason.strip()
        return ["stage", "candidate_on", "review_late_reason"]

    return _step(applicant, actor, Stage.ACTIVIST, apply, "确定为发展对象")


# Every stage a file reaches once its 发展对象 decision is on record.
PAST_CANDIDATE = (Stage.CANDIDATE, Stage.PROBATIONARY, Stage.FULL, Stage.CANCELLED, Stage.WITHDRAWN, Stage.DECEASED)
REVIEW_GAP_NONE = "该档案确定为发展对象前的培养考察间隔均未超过六个月，无需补记考察逾期原因。"


def review_gap_reason_error(*, activist_on: datetime.date | None, candidate_on: datetime.date | None,
                            reviews: Iterable[datetime.date]) -> str:
    """A 考察逾期原因 recorded after the 发展对象 decision explains a stretch of more than six
    months without a 考察 (:func:`rules.review_gap`): where there was none, it is refused."""
    if activist_on is None or candidate_on is None or rules.review_gap(activist_on, reviews, candidate_on) is None:
        return REVIEW_GAP_NONE
    return ""


def applicant_explain_review_gap(*, applicant: Applicant, reason: str, actor: Any) -> Applicant:
    """补记考察逾期原因: a file whose 发展对象 decision was recorded, before the half-yearly
    rule was held, with a stretch of more than six months without a 考察 and no reason
    (:func:`rules.review_gap`) takes the reason afterwards, at any later stage (发展党员质量
    检查). The decision stands; the reason is recorded once and audited."""
    def apply(locked: Applicant) -> list[str]:
        if locked.review_late_reason.strip():
            raise ValidationError({"review_late_reason": f"已填写考察逾期原因（{locked.review_late_reason}），不能再次补记。"})
        if message := review_gap_reason_error(activist_on=locked.activist_on, candidate_on=locked.candidate_on,
                                              reviews=locked.reviews.values_list("reviewed_on", flat=True)):
            raise ValidationError({"review_late_reason": message})
        if not reason.strip():
            raise ValidationError({"review_late_reason": "请填写考察逾期原因。"})
        locked.review_late_reason = reason.strip()
        return ["review_late_reason"]

    return _step(applicant, actor, PAST_CANDIDATE, apply, "补记考察逾期原因")


def applicant_record_preparation(*, applicant: Applicant, actor: Any, political_review_on: datetime.date | None = None,
                                 training_days: int | None = None, training_hours: int | None = None,
                                 publicity_on: datetime.date | None = None) -> Applicant:
    """政治审查、集中培训、公示: the 发展对象's checks before the 支部大会. A value left out
    (None) is not given; one on record is kept, as the sheet keeps it
    (``ApplicantResource.check_kept``): given again as it stands it changes nothing,
    cleared (a count of 0) or rewritten it is refused under its field."""
    given = (("political_review_on", political_review_on), ("training_days", training_days),
             ("training_hours", training_hours), ("publicity_on", publicity_on))

    def apply(locked: Applicant) -> list[str]:
        if kept := {name: rules.kept_error(Applicant._meta.get_field(name).verbose_name, getattr(locked, name))
                    for name, value in given
                    if value is not None and getattr(locked, name) not in (None, 0) and getattr(locked, name) != value}:
            raise ValidationError(kept)
        changed = []
        for name, value in given:
            if value is not None and getattr(locked, name) != value:
                Applicant._meta.get_field(name).run_validators(value)  # 天数、学时 within bounds
                if isinstance(value, datetime.date):
                    label = Applicant._meta.get_field(name).verbose_name
                    _not_future(value, name, label)
                    message = rules.preparation_error(locked.candidate_on, value, label)
                    if message:
                        raise ValidationError({name: message})
                setattr(locked, name, value)
                changed.append(name)
        if not changed:
            raise ValidationError({"political_review_on": "没有填写新的政审、培训或公示情况。"})
        return changed

    return _step(applicant, actor, PREPARATION_STAGES, apply, PREPARATION)


def sheet_steps_passed_errors(*, applicant: Applicant, stored: dict[str, Any], reviews: Sequence[datetime.date],
                              reviews_on_record: Iterable[datetime.date] = ()) -> dict[str, str]:
    """What a row of the applicants' sheet gives a stored file (``stored``: its values as
    loaded) that the steps' services would refuse it now, by the field: a 考察 (``reviews``,
    the days the row adds) once the file has passed the 积极分子 and 发展对象 stages, 政审、
    培训、公示 once it has passed the 发展对象 stage (:func:`stage_passed_error`, the words
    of the step's page); a 逾期谈话原因 or an 审批逾期原因 filled in after the 谈话 or the
    approval it goes with is on record; a 考察逾期原因 after the 发展对象 decision where
    there was no stretch to explain (:func:`review_gap_reason_error`, through the 考察 on
    record, ``reviews_on_record``, and the row's). A row may carry what the file holds as
    it is: only a change is refused (a value on record the row rewrites is
    ``ApplicantResource.check_kept``'s)."""
    stage = stored["stage"]
    errors: dict[str, str] = {}
    if reviews and (message := stage_passed_error(applicant, stage, REVIEW_STAGES, REVIEW)):
        errors["reviewed_on"] = message
    for name in PREPARATION_FIELDS:
        if getattr(applicant, name) != stored.get(name) and (
                message := stage_passed_error(applicant, stage, PREPARATION_STAGES, PREPARATION)):
            errors[name] = message

    def given(name: str) -> bool:
        return bool(getattr(applicant, name)) and getattr(applicant, name) != (stored.get(name) or "")

    if given("talk_late_reason") and stored.get("talked_on"):
        errors["talk_late_reason"] = (stage_passed_error(applicant, stage, (Stage.APPLIED,), TALK)
                                      or talk_recorded_error(stored["talked_on"]))
    if given("approval_late_reason") and stored.get("approved_on"):
        errors["approval_late_reason"] = APPROVED
    if given("review_late_reason") and stored.get("candidate_on") and (message := review_gap_reason_error(
            activist_on=stored.get("activist_on"), candidate_on=stored["candidate_on"],
            reviews=[*reviews_on_record, *reviews])):
        errors["review_late_reason"] = message
    return errors


def vote_count_errors(kind: str, *, branch_id: int, day: datetime.date, expected: int | None, present: int | None,
                      in_favour: int | None) -> dict[str, str]:
    """Why the 支部大会's count for ``kind`` (``admit``, ``full``) on ``day`` does not carry
    its resolution (``rules.vote_tally_errors``), or counts more members with a vote than
    the branch can have had (``selectors.voters_at_most``): one check for the step pages,
    the batch actions and the sheet."""
    if errors := rules.vote_tally_errors(kind, expected, present, in_favour):
        return errors
    assert expected is not None
    if expected > (bound := selectors.voters_at_most(branch_id, day)):
        return {rules.VOTE_FIELDS[kind][0]: (
            f"应到会有表决权的党员{expected}人，多于该党支部当时可能有的正式党员（至多{bound}人：现在册的正式党员，"
            f"加上{day:%Y-%m-%d}以后离开本支部的）：请核对人数，预备党员没有表决权。")}
    return {}


def review_on_record_error(applicant: Applicant, vote_on: datetime.date) -> str:
    """Why the 支部大会 may not vote on ``vote_on``: a 考察 on record (its 考察记录, or the
    最近一次培养考察日期 they leave) on or after that day, in the words the sheet gives
    under that date (:func:`rules.review_vote_error`)."""
    latest = applicant.reviews.aggregate(latest=Max("reviewed_on"))["latest"]
    days = [day for day in (latest, applicant.reviewed_on) if day is not None]
    if days and (message := rules.review_vote_error(max(days), vote_on)):
        return f"档案中已有{max(days):%Y-%m-%d}的培养考察：{message}"
    return ""


def applicant_admit(*, applicant: Applicant, vote_on: datetime.date, expected: int | None, present: int | None,
                    in_favour: int | None, actor: Any) -> Applicant:
    """支部大会讨论接收预备党员: checks done, every 考察 on record before the meeting
    (:func:`review_on_record_error`), and the meeting's count carries the resolution
    (``rules.vote_tally_errors``); the applicant enters the roster as 预备党员."""
    def apply(locked: Applicant) -> list[str]:
        _not_future(vote_on, "vote_on", "支部大会日期")
        if errors := vote_count_errors("admit", branch_id=locked.branch_id, day=vote_on, expected=expected,
                                       present=present, in_favour=in_favour):
            raise ValidationError(errors)
        errors = rules.admission_errors(political_review_on=locked.political_review_on,
                                        training_days=locked.training_days, training_hours=locked.training_hours,
                                        publicity_on=locked.publicity_on, vote_on=vote_on,
                                        candidate_on=locked.candidate_on)
        if "vote_on" not in errors and (message := review_on_record_error(locked, vote_on)):
            errors["vote_on"] = message
        if errors:
            raise ValidationError(errors)
        if Member.objects.filter(id_number=locked.id_number).exists():
            raise ValidationError({"id_number": "该身份证号已在党员名册中。"})
        member = Member(name=locked.name, id_number=locked.id_number, gender=locked.gender,
                        birth_date=locked.birth_date, branch_id=locked.branch_id,
                        category=MemberCategory.PROBATIONARY, joined_on=vote_on)
        member.admitted_by = locked
        member.full_clean()
        save_audited(member, actor=actor, message="支部大会接收为预备党员")
        locked.stage, locked.vote_on, locked.member = Stage.PROBATIONARY, vote_on, member
        locked.vote_expected, locked.vote_present, locked.vote_for = expected, present, in_favour
        return ["stage", "vote_on", "member", *rules.VOTE_FIELDS["admit"]]

    return _step(applicant, actor, Stage.CANDIDATE, apply, "接收为预备党员")


def applicant_approve(*, applicant: Applicant, approved_on: datetime.date, actor: Any,
                      late_reason: str = "") -> Applicant:
    """上级党委审批: within three months of the 支部大会, later only with its reason."""
    def apply(locked: Applicant) -> list[str]:
        if locked.approved_on:
            raise ValidationError({"approved_on": APPROVED})
        _not_future(approved_on, "approved_on", "审批日期")
        message = rules.approval_error(locked.vote_on, approved_on, late_reason)
        if message:
            raise ValidationError({"approved_on": message})
        locked.approved_on, locked.approval_late_reason = approved_on, late_reason.strip()
        return ["approved_on", "approval_late_reason"]

    return _step(applicant, actor, Stage.PROBATIONARY, apply, "上级党委审批")


def applicant_oath(*, applicant: Applicant, oath_on: datetime.date, actor: Any) -> Applicant:
    """入党宣誓: after the higher committee's approval. (A 转正 meeting on record closes the
    file's 预备期, so no oath is recorded after one: :func:`applicant_make_full` holds
    the order, :func:`rules.full_after_oath_error`.)"""
    def apply(locked: Applicant) -> list[str]:
        if locked.oath_on is not None:
            raise ValidationError({"oath_on": f"已于 {locked.oath_on:%Y-%m-%d} 入党宣誓，不能再次登记。"})
        message = rules.oath_error(locked.approved_on, oath_on)
        if message:
            raise ValidationError({"oath_on": message})
        _not_future(oath_on, "oath_on", "宣誓日期")
        locked.oath_on = oath_on
        return ["oath_on"]

    return _step(applicant, actor, Stage.PROBATIONARY, apply, "入党宣誓")


def applicant_make_full(*, applicant: Applicant, decided_on: datetime.date, expected: int | None,
                        present: int | None, in_favour: int | None, actor: Any) -> Applicant:
    """转正: by the 支部大会 when the 预备期 has ended, never before, and on or after the day
    of the 入党宣誓 (:func:`rules.full_after_oath_error`), with a count that carries the
    resolution; 转正日期 is the day it ended, the meeting's date and count are recorded
    with it."""
    def apply(locked: Applicant) -> list[str]:
        if errors := vote_count_errors("full", branch_id=locked.branch_id, day=decided_on, expected=expected,
                                       present=present, in_favour=in_favour):
            raise ValidationError(errors)
        if locked.approved_on is None:
            raise ValidationError({"approved_on": "上级党委尚未审批，不能讨论转正。"})
        if locked.oath_on is None:
            raise ValidationError({"oath_on": rules.NO_OATH})
        if message := rules.full_after_oath_error(locked.oath_on, decided_on):
            raise ValidationError({"full_meeting_on": message})
        ends = locked.probation_ends_on
        message = rules.full_error(ends, decided_on)
        if message:
            raise ValidationError({"full_on": message})
        _not_future(decided_on, "full_on", "支部大会日期")
        member = _file_member(locked, actor)
        member.category, member.full_on = MemberCategory.FULL, ends
        save_audited(member, actor=actor, fields=["category", "full_on"], message="预备党员转正")
        locked.stage, locked.full_on, locked.full_meeting_on = Stage.FULL, ends, decided_on
        locked.full_vote_expected, locked.full_vote_present, locked.full_vote_for = expected, present, in_favour
        return ["stage", "full_on", "full_meeting_on", *rules.VOTE_FIELDS["full"]]

    return _step(applicant, actor, Stage.PROBATIONARY, apply, "预备党员转正")


def applicant_extend_probation(*, applicant: Applicant, months: int, decided_on: datetime.date,
                               actor: Any) -> Applicant:
    """延长预备期: 6 to 12 months, once, decided by the 支部大会 when the year has ended; the
    meeting's date is recorded."""
    def apply(locked: Applicant) -> list[str]:
        if locked.approved_on is None:
            raise ValidationError({"approved_on": rules.EXTENSION_NOT_APPROVED})
        message = rules.extension_error(months, locked.probation_extended_months)
        if message:
            raise ValidationError({"probation_extended_months": message})
        if message := rules.extension_meeting_error(locked.vote_on, months, decided_on):
            raise ValidationError({"extension_meeting_on": message})
        _not_future(decided_on, "extension_meeting_on", "支部大会日期")
        locked.probation_extended_months, locked.extension_meeting_on = months, decided_on
        return ["probation_extended_months", "extension_meeting_on"]

    return _step(applicant, actor, Stage.PROBATIONARY, apply, "延长预备期")


def cancel_status_error(member: Member, decided_on: datetime.date) -> str:
    """取消预备党员资格 makes the member 出党 on the day of its 支部大会: that day is his
    党籍状态变更日期, held by :func:`rules.status_change_errors` as 变更党籍状态 holds it (not
    before his last change, nor before his last transfer was received), in its words. One
    rule for :func:`applicant_cancel` and the applicants' sheet
    (``ApplicantResource.prepare_instance``, :func:`applicants_to_roster`)."""
    # The reason is the 取消's own, checked with it: only the day is asked here.
    errors = rules.status_change_errors(status=MemberStatus.EXPELLED, changed_on=decided_on, reason="取消预备党员资格",
                                        joined_on=member.joined_on, previous_on=member.status_changed_on,
                                        received_on=selectors.last_received_on(member), today=dates.today())
    return errors.get("status_changed_on", "")


def applicant_cancel(*, applicant: Applicant, reason: str, actor: Any,
                     decided_on: datetime.date | None = None) -> Applicant:
    """取消预备党员资格 of a 预备党员, decided by the 支部大会 on ``decided_on`` (during the
    预备期 or after it, not before the vote that admitted him; reported to the higher
    committee), or 终止培养 of an applicant not yet admitted (no 支部大会 date). The
    reason is recorded."""
    if not reason.strip():
        raise ValidationError({"closed_reason": "请写明原因。"})

    def apply(locked: Applicant) -> list[str]:
        if locked.stage != Stage.PROBATIONARY:
            locked.stage, locked.closed_reason = Stage.WITHDRAWN, reason.strip()
            return ["stage", "closed_reason"]
        if message := rules.death_cancel_error(reason):
            raise ValidationError({"closed_reason": message})
        if decided_on is None:
            raise ValidationError({"cancel_meeting_on": rules.CANCEL_MEETING_MISSING})
        _not_future(decided_on, "cancel_meeting_on", "支部大会日期")
        if message := rules.cancel_meeting_error(locked.vote_on, decided_on,
                                                 {field: getattr(locked, field) for field, _ in rules.CANCEL_AFTER}):
            raise ValidationError({"cancel_meeting_on": message})
        member = _file_member(locked, actor)
        if message := cancel_status_error(member, decided_on):
            raise ValidationError({"cancel_meeting_on": message})
        member.status, member.status_changed_on = MemberStatus.EXPELLED, decided_on
        member.status_reason = f"取消预备党员资格：{reason.strip()}"[:rules.STATUS_REASON_MAX]
        gone = _dues_gone(member_id=member.pk, status=MemberStatus.EXPELLED, left_on=decided_on)
        save_audited(member, actor=actor, fields=STATUS_FIELDS,
                     message="；".join(filter(None, [f"取消预备党员资格：{reason.strip()}", dues_deleted_note(gone)])))
        dues_close_on_leaving(member=member, status=MemberStatus.EXPELLED, left_on=decided_on, actor=actor, rows=gone)
        locked.stage, locked.closed_reason, locked.cancel_meeting_on = Stage.CANCELLED, reason.strip(), decided_on
        locked.dues_deleted = [row.month for row in gone]  # for the step's message
        return ["stage", "closed_reason", "cancel_meeting_on"]

    # A 支部大会 date is a 取消 of a 预备党员: an earlier stage is refused, not closed (终止培养).
    if decided_on is not None:
        return _step(applicant, actor, Stage.PROBATIONARY, apply, "取消预备党员资格")
    return _step(applicant, actor, [Stage.APPLIED, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY], apply,
                 "取消资格或终止培养")


class RosterFollow(NamedTuple):
    """What :func:`applicants_to_roster` did: how many members it added or changed, and a
    line for each member whose unpaid months a 取消 deleted (「…」：删除未交党费…)."""

    count: int
    notes: list[str]


def applicants_to_roster(*, applicant_ids: Iterable[int], actor: Any) -> RosterFollow:
    """The roster follows application files brought in whole by the applicants' sheet
    (their dates checked there by :func:`rules.file_errors`, the rules of the steps
    above): a file past the 支部大会 vote without a roster record gets one, as
    :func:`applicant_admit` makes it (预备党员 from the day of the vote), already 正式
    if the sheet also carries the 转正 and 出党 if it carries the 取消; a file already on
    the roster moves its member on as :func:`applicant_make_full` and
    :func:`applicant_cancel` do. One audit row per member added or changed."""
    require_permission(actor, ["members.change_applicant", "members.add_member", "members.change_member"], "发展党员")
    admitted = (Stage.PROBATIONARY, Stage.FULL, Stage.CANCELLED, Stage.DECEASED)
    with transaction.atomic():
        files = list(scope_queryset(Applicant.objects.filter(pk__in=list(applicant_ids), stage__in=admitted), actor)
                     .select_for_update(of=("self",)).order_by("pk"))
        if not files:
            return RosterFollow(0, [])
        linked = {m.pk: m for m in Member.objects.select_for_update().filter(
            pk__in=[a.member_id for a in files if a.member_id])}
        new: list[tuple[Applicant, Member]] = []
        changed: list[tuple[Member, dict[str, Any]]] = []
        notes: list[str] = []
        for applicant in files:
            category = MemberCategory.FULL if applicant.stage == Stage.FULL else MemberCategory.PROBATIONARY
            full_on = applicant.full_on if applicant.stage == Stage.FULL else None
            cancelled = applicant.stage == Stage.CANCELLED
            status = MemberStatus.EXPELLED if cancelled else MemberStatus.ACTIVE
            # 取消预备党员资格: left on the day of the 支部大会 (the sheet requires it), for the reason
            # given; a file closed before the date was kept leaves the member's record as it is.
            changed_on = applicant.cancel_meeting_on if cancelled else None
            reason = f"取消预备党员资格：{applicant.closed_reason}"[:rules.STATUS_REASON_MAX] if changed_on else ""
            member = linked.get(applicant.member_id) if applicant.member_id else None
            if member is None:
                member = Member(name=applicant.name, id_number=applicant.id_number, gender=applicant.gender,
                                birth_date=applicant.birth_date, branch_id=applicant.branch_id, category=category,
                                joined_on=applicant.vote_on, full_on=full_on, status=status,
                                status_changed_on=changed_on, status_reason=reason)
                member.full_clean(validate_unique=False)  # the sheet checked the number against the roster
                new.append((applicant, member))
                continue
            # 转正 and 取消 move a member on; a file still 预备 leaves the member as it is.
            target = {"category": category if applicant.stage == Stage.FULL else member.category,
                      "full_on": full_on if applicant.stage == Stage.FULL else member.full_on,
                      "status": status if cancelled else member.status,
                      "status_changed_on": changed_on or member.status_changed_on,
                      "status_reason": reason if changed_on else member.status_reason}
            changes = {name: [str(getattr(member, name)), str(value)] for name, value in target.items()
                       if getattr(member, name) != value}
            if changes and (message := file_member_error(applicant, member, actor)):
                raise ValidationError({"stage": message})  # the sheet refuses the row first (prepare_instance)
            if "status" in changes and changed_on and (message := cancel_status_error(member, changed_on)):
                raise ValidationError({"cancel_meeting_on": message})  # likewise
            if changes:
                for name in changes:
                    setattr(member, name, target[name])
                member.full_clean(validate_unique=False)
                changed.append((member, changes))
        created = Member.objects.bulk_create([m for _, m in new])
        for (applicant, _), member in zip(new, created):
            applicant.member = member
        Applicant.objects.bulk_update([a for a, _ in new], ["member"])
        audit_rows(((m, {"category": [None, m.category], "joined_on": [None, str(m.joined_on)],
                         **({"status": [None, m.status], "status_changed_on": [None, str(m.status_changed_on)],
                             "status_reason": [None, m.status_reason]} if m.status != MemberStatus.ACTIVE else {})})
                    for m in created),
                   actor=actor, action=AuditAction.CREATE, message="发展党员表导入：支部大会接收为预备党员")
        if changed:
            Member.objects.bulk_update([m for m, _ in changed], ["category", "full_on", *STATUS_FIELDS])
            audit_rows(changed, actor=actor, message="发展党员表导入：预备党员转正或取消预备党员资格")
            for member, changes in changed:
                if "status" in changes and member.status != MemberStatus.ACTIVE and member.status_changed_on:
                    gone = _dues_gone(member_id=member.pk, status=member.status, left_on=member.status_changed_on)
                    dues_close_on_leaving(member=member, status=member.status, left_on=member.status_changed_on,
                                          actor=actor, rows=gone)
                    if gone:
                        notes.append(f"「{member.batch_label}」：{dues_deleted_note(gone)}")
    return RosterFollow(len(created) + len(changed), notes)


# --- 党费 -------------------------------------------------------------------------------

def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def dues_recount(member_ids: Iterable[int]) -> None:
    """Bring the derived ``unpaid_months`` counter back in line with the ledger (a counter,
    not a business value: not audited). Only months that have ended count: a member pays
    within the month, so the current month is not yet in arrears; nor do the months a
    letter let through by its exception (unpaid with a recorded reason)."""
    ids = list(member_ids)
    if not ids:
        return
    counts = dict(DuesRecord.objects.filter(DUES_OWED, member_id__in=ids, month__lt=month_start(dates.today()))
                  .values("member_id").annotate(n=Count("id")).values_list("member_id", "n"))
    changed = [m for m in Member.objects.filter(pk__in=ids).only("pk", "unpaid_months")
               if m.unpaid_months != counts.get(m.pk, 0)]
    for member in changed:
        member.unpaid_months = counts.get(member.pk, 0)
    Member.objects.bulk_update(changed, ["unpaid_months"], batch_size=2000)


def dues_recount_ended_month() -> int:
    """When a month ends its unpaid dues fall into arrears: the members with an unpaid row
    for the month just ended get their counter recounted. Run daily by
    ``members_check_arrears`` (idempotent: a member already counted is not written again).
    Returns how many members were looked at."""
    ended = rules.add_months(month_start(dates.today()), -1)
    ids = list(DuesRecord.objects.filter(DUES_OWED, month=ended).values_list("member_id", flat=True))
    for start in range(0, len(ids), GENERATE_CHUNK):
        with transaction.atomic():
            dues_recount(ids[start:start + GENERATE_CHUNK])
    return len(ids)


LEAVING_WORDS = {MemberStatus.TRANSFERRED_OUT: "组织关系转出本省", MemberStatus.EXPELLED: "出党",
                 MemberStatus.SUSPENDED: "停止党籍", MemberStatus.DECEASED: "去世"}


def _dues_gone(*, member_id: int, status: str, left_on: datetime.date) -> list[DuesRecord]:
    """The unpaid months of a member who leaves that are no longer asked for (from
    :func:`rules.dues_first_month_gone` on), locked, oldest first."""
    first = rules.dues_first_month_gone(status=status, left_on=left_on)
    return list(DuesRecord.objects.select_for_update(of=("self",)).select_related("member", "branch__unit")
                .filter(member_id=member_id, paid_on__isnull=True, month__gte=first).order_by("month"))


def dues_deleted_note(rows: Sequence[DuesRecord | datetime.date]) -> str:
    """What leaving did to the ledger, for the member's audit row and the step's message:
    删除未交党费2个月（2026.10、2026.11）; nothing when no month was deleted."""
    months = [row.month if isinstance(row, DuesRecord) else row for row in rows]
    if not months:
        return ""
    return f"删除未交党费{len(months)}个月（{'、'.join(f'{m:%Y.%m}' for m in months)}）"


def dues_close_on_leaving(*, member: Member, status: str, left_on: datetime.date, actor: Any,
                          rows: list[DuesRecord] | None = None) -> int:
    """党费 of a member who leaves the roll (离开名册后的党费), in the caller's transaction,
    on a member the caller holds locked: his unpaid months from
    :func:`rules.dues_first_month_gone` on are no longer asked for and are deleted, each
    with its audit row (删除) naming the actor and why; months paid are kept, and so is the
    month of leaving for one who transfers out, is expelled or suspended (he pays up to
    and including it). The arrears counter is recounted. ``rows``: those months as
    :func:`_dues_gone` found them already (for the member's audit row to name them).
    Returns the rows deleted."""
    if rows is None:
        rows = _dues_gone(member_id=member.pk, status=status, left_on=left_on)
    words = LEAVING_WORDS.get(status, MemberStatus(status).label)
    for row in rows:
        delete_audited(row, actor=actor, message=f"党员{words}（{left_on:%Y-%m-%d}），"
                                                 f"{row.month:%Y年%m月}党费不再收缴，删除未交的应交党费")
    if rows:
        dues_recount([member.pk])
        member.unpaid_months = Member.objects.values_list("unpaid_months", flat=True).get(pk=member.pk)
    return len(rows)


# Off the roll, yet owing the month they left in (and any before it not generated then).
LEFT_OWING_THE_MONTH = (MemberStatus.EXPELLED, MemberStatus.SUSPENDED)


def _dues_pending(*, month: datetime.date, actor: Any, branch: PartyOrganisation | None) -> Any:
    """The members on the roster in scope (one branch of it) still without the month's row.
    One back on the roll (恢复在册, 省外转入) owes from the month he came back, not for the
    months he was away (his ``status_changed_on`` is the day he came back); one whose
    letter from outside names its 党费交至, from the month after it. One whose
    letter out of the province is on its way (在途) owes up to the letter's month: he is
    still 在册 until the receipt, but has left with the letter; if it comes back (退回)
    he stays, and generating a later month again adds his row. One expelled (出党, 取消预备
    党员资格 included) or suspended (停止党籍) in the month or after it still owes it: he pays
    up to and including the month he left (:func:`rules.dues_first_month_gone`), whether
    the month was generated before he left or after; one who died after the month, the
    months before his death."""
    next_month = rules.add_months(month, 1)
    leaving = Transfer.objects.filter(member=OuterRef("pk"), state=TransferState.IN_TRANSIT, to_branch__isnull=True,
                                      from_branch__isnull=False, sent_on__lt=month)
    # Back on the roll by a 省外转入 whose letter names its 党费交至: he owes from the month
    # after it instead (rules.dues_first_owed), before the receipt's month or after it. His
    # arrival is his last change of standing (a later one starts from its own month).
    arrived = Transfer.objects.filter(member=OuterRef("pk"), from_branch__isnull=True, state=TransferState.RECEIVED,
                                      received_on=OuterRef("status_changed_on"), dues_paid_to__isnull=False)
    back = (Q(status_changed_on__isnull=True) | Q(status_changed_on__lt=next_month)) & ~Exists(arrived)
    on_roll = (back | Exists(arrived.filter(dues_paid_to__lt=month))) & Q(status=MemberStatus.ACTIVE)
    left_since = (Q(status__in=LEFT_OWING_THE_MONTH, status_changed_on__gte=month)
                  | Q(status=MemberStatus.DECEASED, status_changed_on__gte=next_month))
    members = scope_queryset(Member.objects.filter(on_roll | left_since, joined_on__lt=next_month)
                             .exclude(Exists(leaving)), actor)
    if branch is not None:
        _require_branch_in_scope(branch, actor)
        members = members.filter(branch=branch)
    return members.exclude(dues__month=month)


def dues_without_base(*, month: datetime.date, actor: Any, branch: PartyOrganisation | None = None) -> int:
    """How many 在职党员 the month's generation passes over for want of a 党费计算基数."""
    return _dues_pending(month=month_start(month), actor=actor, branch=branch).filter(MISSING_INCOME_BASE).count()


DUES_BASE_WHERE = ("请在党员名册中为其填写党费计算基数（工作清单“在职、离退休党员未填写党费计算基数”列出这些党员），"
                   "再生成一次即补上。")


def dues_generate_month(*, month: datetime.date, actor: Any, branch: PartyOrganisation | None = None) -> int:
    """生成当月应交党费: one ledger row per member in the roster (在册) who has none for the
    month, the amount from :func:`rules.monthly_dues`. Idempotent. Returns rows added.

    Chunk by chunk (a province has 1.7 million members): the rows with one audit row
    each, and each new unpaid month added to its member's arrears counter."""
    require_permission(actor, "members.add_duesrecord", "党费收缴")
    month = month_start(month)
    message = rules.dues_month_error(month, dates.today())
    if message:
        raise ValidationError({"month": message})
    # 在职、离退休党员 without a 党费计算基数 get no row (never 应交 0.00): dues_without_base counts them.
    pending = (_dues_pending(month=month, actor=actor, branch=branch).exclude(MISSING_INCOME_BASE)
               .values_list("pk", "branch_id", "dues_category", "income_base").order_by("pk"))
    added = 0
    # Each row's branch and its unit, read once per branch: the audit row is scoped by them.
    branches: dict[int, PartyOrganisation] = {}
    with transaction.atomic():
        chunk: list[DuesRecord] = []
        for pk, branch_id, category, income in pending.iterator(chunk_size=GENERATE_CHUNK):
            if branch_id not in branches:
                branches[branch_id] = PartyOrganisation.objects.select_related("unit").get(pk=branch_id)
            chunk.append(DuesRecord(member_id=pk, branch=branches[branch_id], month=month,
                                    due=rules.monthly_dues(category=category, income_base=income)))
            if len(chunk) == GENERATE_CHUNK:
                added += _write_dues(chunk, month, actor)
                chunk = []
        added += _write_dues(chunk, month, actor)
    return added


GENERATE_CHUNK = 5000


def _write_dues(rows: list[DuesRecord], month: datetime.date, actor: Any) -> int:
    if not rows:
        return 0
    # No ignore_conflicts: a month generated meanwhile by someone else fails this run whole.
    created = DuesRecord.objects.bulk_create(rows)
    audit_rows(((r, {"due": [None, str(r.due)]}) for r in created), actor=actor, action=AuditAction.CREATE,
               message=f"生成{month:%Y年%m月}应交党费")
    # A derived counter, not a business value: kept set-wise, not audited. The current
    # month is not in arrears yet (dues_recount_ended_month counts it when it ends).
    if month < month_start(dates.today()):
        owing = [r.member_id for r in created if r.due > 0]  # a month of 0.00 owes nothing (DUES_OWED)
        Member.objects.filter(pk__in=owing).update(unpaid_months=F("unpaid_months") + 1)
    return len(created)


DUES_CORRECT_WHERE = "登记有误的，请在该党费记录的页面更正。"


def dues_recorded_error(*, record: DuesRecord, paid: Decimal | None, paid_on: datetime.date | None,
                        where: str = "") -> str:
    """A payment on record is not recorded again nor changed by the batch action or the
    sheet; it is corrected on the record's page (``where`` says so)."""
    stored = getattr(record, "_audit_loaded", {})
    paid_before, amount_before = stored.get("paid_on", record.paid_on), stored.get("paid", record.paid)
    if paid_before is None or (paid_before, amount_before) == (paid_on, paid):
        return ""
    return f"{record.month:%Y年%m月}党费已于 {paid_before:%Y-%m-%d} 交纳 {amount_before} 元，未重复登记。{where}"


def dues_pay(*, record: DuesRecord, paid: Decimal, paid_on: datetime.date, actor: Any,
             unpaid_only: bool = False, confirmed: bool = False) -> DuesRecord:
    """交纳党费: the full amount due, on a day not in the future. ``unpaid_only``: a month
    already paid is refused instead of corrected. ``confirmed``: an amount far above the
    amount due was confirmed as 自愿多交 (:func:`rules.dues_amount_error`)."""
    def apply(locked: DuesRecord) -> list[str]:
        if unpaid_only and locked.paid_on is not None:
            raise ValidationError(dues_recorded_error(record=locked, paid=None, paid_on=None))
        message = dues_payment_error(due=locked.due, paid=paid, paid_on=paid_on, month=locked.month,
                                     paid_before=locked.paid_on, confirmed=confirmed)
        if message:
            raise ValidationError(message)
        if locked.paid_on == paid_on and locked.paid == paid:
            return []
        locked.paid, locked.paid_on = paid, paid_on
        return ["paid", "paid_on"]

    with transaction.atomic():
        locked = perform(DuesRecord.objects.all(), record.pk, actor=actor, permission="members.change_duesrecord",
                         label="党费收缴", what="党费记录", apply=apply)
        dues_recount([locked.member_id])
    return locked


def dues_pay_in_full(*, record: DuesRecord, paid_on: datetime.date, actor: Any) -> DuesRecord:
    """足额交纳 of a month not yet paid (the list's batch action): a month already paid
    keeps its payment."""
    return dues_pay(record=record, paid=record.due, paid_on=paid_on, actor=actor, unpaid_only=True)


def dues_payment_error(*, due: Decimal, paid: Decimal | None, paid_on: datetime.date | None,
                       month: datetime.date, paid_before: datetime.date | None = None,
                       confirmed: bool = False, read_on: str = "") -> dict[str, str]:
    """The rule of one payment, for the form, the service and the sheet. ``paid_before``:
    the day a payment on record was made; blank cells or fields never erase it.
    ``read_on``: where the message is read ("page": the record's page, where what to do is
    done; "sheet": a row of the dues sheet), so that it says what to do from there."""
    if paid is None and paid_on is None:
        if paid_before is not None:
            where = "" if read_on == "page" else "在该党费记录的页面"
            return {"paid": f"该月党费已于 {paid_before:%Y-%m-%d} 登记交纳，不能留空清除；"
                            f"登记有误的，请{where}改填正确的金额和日期。"}
        return {}
    if paid is not None and paid < 0:
        return {"paid": f"实交金额不能为负数（{paid}）。"}
    if paid is None or paid_on is None:
        return {"paid" if paid is None else "paid_on": "实交金额和交纳日期须同时填写。"}
    if paid < due:
        return {"paid": f"实交 {paid} 元少于应交 {due} 元：党费应按月足额交纳。"}
    if message := rules.dues_amount_error(due=due, paid=paid, confirmed=confirmed, read_on=read_on):
        return {"paid": message}
    if paid_on > dates.today():
        return {"paid_on": "交纳日期不能晚于今天。"}
    if paid_on < rules.add_months(month, -12):
        return {"paid_on": "交纳日期早于所属月份一年以上，请核对。"}
    return {}


def members_check_arrears(*, actor: Any, member_ids: Iterable[int] | None = None) -> int:
    """自行脱党 review: a member with six consecutive months unpaid and no recorded reason
    goes on the rectification checklist (once per member while the item is open). A month
    a letter let through by its exception has its reason recorded: it is not one of them.
    Returns the number of members on the checklist for this reason."""
    from orgwork.rectification.services import rectification_open_item

    require_permission(actor, "members.view_member", "党费欠缴检查")
    # A 欠缴原因 is read below: one that gives none (无, 不详) is no reason (freetext.gives_no_reason).
    candidates = scope_queryset(Member.objects.filter(unpaid_months__gte=rules.ARREARS_LAPSE_MONTHS,
                                                      status=MemberStatus.ACTIVE), actor)
    if member_ids is not None:
        candidates = candidates.filter(pk__in=list(member_ids))
    candidates = list(candidates.select_related("branch", "branch__unit"))
    unpaid: dict[int, list[datetime.date]] = {}
    for member_id, month in DuesRecord.objects.filter(DUES_OWED, member__in=candidates).values_list(
            "member_id", "month"):
        unpaid.setdefault(member_id, []).append(month)
    opened = 0
    for member in candidates:
        if rules.longest_unpaid_run(unpaid.get(member.pk, []), dates.today()) < rules.ARREARS_LAPSE_MONTHS:
            continue
        if member.arrears_reason and not freetext.gives_no_reason(member.arrears_reason):
            continue  # a reason recorded: not a lapse
        rectification_open_item(
            unit=member.branch.unit, source=ARREARS_SOURCE, source_object=member, actor=actor,
            problem=f"党员{member.name}（{member.branch}）连续{rules.ARREARS_LAPSE_MONTHS}个月以上不交纳党费且无正当理由，"
                    "应按自行脱党审查处理。",
            measure="支部谈话了解情况，经教育仍不交纳的，按自行脱党予以除名。",
            deadline=dates.today() + ARREARS_TERM,
        )
        opened += 1
    return opened

