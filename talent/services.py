"""Every change of state in talent work goes through a function here.

Each follows the write contract (``orgwork.common.contract``): it needs an actor (a
staff account, or the named system actor of a command), checks the actor's permission,
locks the row it changes inside the actor's jurisdiction, returns early when nothing
would change (so commands and repeated clicks are idempotent), raises
``ValidationError`` with a Chinese message for a broken rule, saves with
``update_fields`` and writes exactly one audit row in the same transaction.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from orgwork.common.display import already
from orgwork.audit.models import AuditAction
from orgwork.common.contract import delete_audited, lock_in_scope, require_permission, save_audited, user_of
from orgwork.common.versioning import bump_version
from orgwork.imports.probing import refuse_new_near_miss

from .models import (
    OPEN_REQUEST_STATUSES,
    BenefitArea,
    Enrollment,
    EnrollmentStatus,
    ExitReason,
    Funding,
    GreenChannelRequest,
    Person,
    Programme,
    RequestStatus,
    ReviewGrade,
    Reward,
    ServiceCard,
    TermReview,
    standard_deadline,
)


def today() -> datetime.date:
    return timezone.localdate()


# ---------------------------------------------------------------- enrollments (入选人员)


@transaction.atomic
def person_save(*, person: Person, actor: Any) -> Person:
    """Create or update a talent's profile; the ID number is normalised and checked."""
    require_permission(actor, "talent.change_person" if person.pk else "talent.add_person",
                       "修改人才信息" if person.pk else "新增人才信息")
    if person.pk:
        lock_in_scope(Person.objects.all(), person.pk, actor, what="人才")
    _unit_in_scope(person.unit_id, actor)
    person.full_clean()
    refuse_new_near_miss(person, actor)
    save_audited(person, actor=actor)
    return person


@transaction.atomic
def programme_save(*, programme: Programme, actor: Any) -> Programme:
    """新增或修改人才计划: actor, permission, the owning unit in the actor's jurisdiction,
    the row locked (enrollments into its batches wait for it, ``enrollment_create``).
    The 每批名额 and the yearly funding range are not set under what is already recorded
    (``Programme.quota_below_batches``, ``Programme.range_outside_grants``). Nothing
    different: nothing written; otherwise one audit row."""
    creating = programme.pk is None
    require_permission(actor, "talent.add_programme" if creating else "talent.change_programme",
                       "新增人才计划" if creating else "修改人才计划")
    _unit_in_scope(programme.unit_id, actor)
    if creating:
        programme.full_clean()
        save_audited(programme, actor=actor)
        return programme
    locked = lock_in_scope(Programme.objects.all(), programme.pk, actor, what="人才计划")
    fields = _edited_onto(locked, programme, [f.attname for f in Programme._meta.concrete_fields if not f.primary_key])
    if not fields:
        return locked
    locked.full_clean()
    save_audited(locked, actor=actor, fields=fields)
    return locked


def _edited_onto(locked: Any, edited: Any, names: list[str]) -> list[str]:
    """The fields of ``names`` in which the ``edited`` copy differs from the ``locked`` row,
    copied onto it: what the save then writes (none: nothing to write)."""
    fields = [name for name in names if getattr(locked, name) != getattr(edited, name)]
    for name in fields:
        setattr(locked, name, getattr(edited, name))
    return fields


def _unit_in_scope(unit_id: int | None, actor: Any) -> None:
    from orgwork.units.models import Unit

    if unit_id is not None:
        lock_in_scope(Unit.objects.all(), unit_id, actor, what="单位")


def enrollment_quota_error(*, programme: Programme, batch_year: int, exclude_pk: int | None = None) -> str | None:
    """The message when the batch is full, else None. Exited enrollees keep their place:
    the quota counts who was chosen, and a vacancy is filled by a supplementary batch."""
    if programme.quota_per_batch is None:
        return None
    taken = Enrollment.objects.filter(programme=programme, batch_year=batch_year)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.count() >= programme.quota_per_batch:
        return f"「{programme}」{batch_year}年批次名额为 {programme.quota_per_batch} 人，已满。"
    return None


@transaction.atomic
def enrollment_create(*, person: Person, programme: Programme, batch_year: int, term_start: datetime.date,
                      actor: Any, term_end: datetime.date | None = None, training_plan: str = "") -> Enrollment:
    """入选: put a person in one batch of a programme, within the batch quota."""
    require_permission(actor, "talent.add_enrollment", "新增入选人员")
    lock_in_scope(Person.objects.all(), person.pk, actor, what="人才")
    # Locking the programme serialises concurrent enrollments into the same quota.
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if not programme.is_active:
        raise ValidationError({"programme": f"「{programme}」已停止实施，不能新增入选人员。"})
    message = enrollment_quota_error(programme=programme, batch_year=batch_year)
    if message:
        raise ValidationError({"batch_year": message})
    enrollment = Enrollment(person=person, programme=programme, batch_year=batch_year, term_start=term_start,
                            term_end=term_end, training_plan=training_plan)
    enrollment.full_clean()
    save_audited(enrollment, actor=actor)
    return enrollment


@transaction.atomic
def enrollment_update(*, enrollment: Enrollment, actor: Any) -> Enrollment:
    """修改入选人员: the batch, the term and the training plan that ``enrollment`` carries,
    saved onto the locked row. The person and the programme stay as registered
    (``Enrollment.clean``, ``ENROLLEE_FIXED``): the funding and the reviews hang from this
    row. A batch moved keeps to its quota, in a programme still running. Nothing different:
    nothing written; otherwise one audit row."""
    require_permission(actor, "talent.change_enrollment", "修改入选人员")
    locked = _lock(enrollment, actor)
    fields = _edited_onto(locked, enrollment,
                          ["person_id", "programme_id", "batch_year", "term_start", "term_end", "training_plan"])
    if not fields:
        return locked
    locked.full_clean()
    if "batch_year" in fields:
        if not locked.programme.is_active:
            raise ValidationError({"programme": f"「{locked.programme}」已停止实施，不能新增入选人员。"})
        message = enrollment_quota_error(programme=locked.programme, batch_year=locked.batch_year,
                                         exclude_pk=locked.pk)
        if message:
            raise ValidationError({"batch_year": message})
    save_audited(locked, actor=actor, fields=[*fields, *bump_version(locked)])
    enrollment.version = locked.version
    return locked


def _lock(enrollment: Enrollment, actor: Any) -> Enrollment:
    locked = lock_in_scope(Enrollment.objects.all(), enrollment.pk, actor, what="入选人员")
    # The programme and person for messages and consequences; the lock stays on the enrollment.
    return Enrollment.objects.select_related("programme", "person").get(pk=locked.pk)


@transaction.atomic
def enrollment_exit(*, enrollment: Enrollment, reason: str, exit_date: datetime.date, actor: Any,
                    note: str = "") -> Enrollment:
    """退出机制: take an enrollee off the roster on a day that has come and lies in the term
    (``Enrollment.exit_date_error``). Already exited: nothing changes."""
    require_permission(actor, "talent.change_enrollment", "办理退出")
    enrollment = _lock(enrollment, actor)
    if enrollment.status == EnrollmentStatus.EXITED:
        return enrollment
    if reason not in ExitReason.values:
        raise ValidationError({"exit_reason": "请选择退出原因。"})
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise ValidationError({"status": f"「{enrollment}」{already(enrollment.get_status_display())}，不能再办理退出。"})
    if message := enrollment.exit_date_error(exit_date):
        raise ValidationError({"exit_date": message})
    enrollment.status = EnrollmentStatus.EXITED
    enrollment.exit_reason, enrollment.exit_date, enrollment.exit_note = reason, exit_date, note
    save_audited(enrollment, actor=actor, action=AuditAction.TRANSITION, message=f"退出：{ExitReason(reason).label}",
                 fields=["status", "exit_reason", "exit_date", "exit_note", *bump_version(enrollment)])
    return enrollment


def expiry_day_error(on: datetime.date) -> str:
    """Why ``on`` may not be the day 期满 is judged on ("" when it may): a day that has come.
    Judged on a later day, a term still running would be marked 期满 (and drop off the
    roster and its funding) before it ends."""
    if on <= today():
        return ""
    return (f"期满判断日期 {on.isoformat()} 晚于今天（{today().isoformat()}）：聘期期满按已经到来的日期判断，"
            "聘期尚未结束的人员不能提前标记为期满。")


@transaction.atomic
def enrollment_complete_term(*, enrollment: Enrollment, actor: Any, on: datetime.date | None = None) -> bool:
    """期满: an active enrollee whose term has ended (before ``on``, today or a day that has
    come: ``expiry_day_error``) leaves the roster as 期满. Returns whether anything changed
    (the expiry command runs every day)."""
    require_permission(actor, "talent.change_enrollment", "聘期期满")
    on = on or today()
    if message := expiry_day_error(on):
        raise ValidationError(message)
    enrollment = _lock(enrollment, actor)
    if enrollment.status != EnrollmentStatus.ACTIVE:
        return False
    if enrollment.term_end >= on:
        raise ValidationError({"term_end": f"「{enrollment}」聘期至 {enrollment.term_end}，尚未期满。"})
    enrollment.status = EnrollmentStatus.COMPLETED
    save_audited(enrollment, actor=actor, action=AuditAction.TRANSITION, message="聘期期满",
                 fields=["status", *bump_version(enrollment)])
    return True


def enrollments_expire_terms(*, actor: Any, on: datetime.date | None = None) -> int:
    """Mark every active enrollee whose term ended before ``on`` (a day that has come) as
    期满; returns how many."""
    on = on or today()
    if message := expiry_day_error(on):
        raise ValidationError(message)
    due = Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE, term_end__lt=on).order_by("pk")
    return sum(enrollment_complete_term(enrollment=e, on=on, actor=actor) for e in due)


# ---------------------------------------------------------------- funding (资助经费)


@transaction.atomic
def funding_grant(*, enrollment: Enrollment, year: int, amount: Decimal, actor: Any,
                  granted_on: datetime.date | None = None, note: str = "") -> Funding:
    """拨付年度资助: one grant per enrollee per year, within the programme's range and
    the term, paid on a day that has come and not before its year, only to someone on
    the roster (``Funding.clean``). Granting the same amount again changes nothing."""
    require_permission(actor, "talent.add_funding", "拨付资助经费")
    enrollment = _lock(enrollment, actor)
    existing = Funding.objects.select_for_update().filter(enrollment=enrollment, year=year).first()
    if existing is not None and existing.amount == Decimal(amount):
        return existing
    funding = existing or Funding(enrollment=enrollment, person=enrollment.person, programme=enrollment.programme,
                                  year=year)
    funding.amount, funding.granted_on, funding.note = Decimal(amount), granted_on, note
    funding.full_clean()
    save_audited(funding, actor=actor, fields=None if funding.pk is None else ["amount", "granted_on", "note"])
    return funding


@transaction.atomic
def funding_update(*, funding: Funding, year: int, amount: Decimal, actor: Any,
                   granted_on: datetime.date | None = None, note: str = "") -> Funding:
    """更正资助经费: the record a page shows, corrected in place — its 资助年度, amount,
    拨付日期 or 备注. It stays the same enrollee's (the grant is theirs); the grant's rules
    hold (``Funding.clean``: the programme's range, the year in the term, one record a
    year, a 拨付日期 not ahead, in the term and not before its year). Nothing different:
    nothing written; otherwise one audit row with what changed."""
    require_permission(actor, "talent.change_funding", "修改资助经费")
    locked = lock_in_scope(Funding.objects.all(), funding.pk, actor, what="资助经费")
    proposed = {"year": year, "amount": Decimal(amount), "granted_on": granted_on, "note": note}
    fields = [name for name, value in proposed.items() if getattr(locked, name) != value]
    if not fields:
        return locked
    for name in fields:
        setattr(locked, name, proposed[name])
    locked.full_clean()
    save_audited(locked, actor=actor, fields=fields)
    return locked


def funding_delete_refusal(funding: Funding) -> str:
    """Why a funding record may not be deleted ("" when it may): money already paid out
    (拨付日期 set) is on the books — the programme's and the unit's 累计资助 count it — and
    is corrected on its record, never removed. A grant not yet disbursed may be withdrawn."""
    if funding.granted_on is not None:
        return (f"「{funding}」已于 {funding.granted_on:%Y-%m-%d} 拨付，计入累计资助，已拨付的资助经费不能删除；"
                "金额或年度有误的，请在原记录上更正并在备注中说明。")
    return ""


@transaction.atomic
def funding_delete(*, funding: Funding, actor: Any) -> None:
    """撤销未拨付的资助: actor, permission, scope, only while nothing is disbursed, one
    audit row with the values it held."""
    require_permission(actor, "talent.delete_funding", "删除资助经费")
    locked = lock_in_scope(Funding.objects.all(), funding.pk, actor, what="资助经费")
    refusal = funding_delete_refusal(locked)
    if refusal:
        raise ValidationError(refusal)
    delete_audited(locked, actor=actor)


# ---------------------------------------------------------------- term reviews (聘期考核)


@transaction.atomic
def term_review_record(*, enrollment: Enrollment, review_year: int, grade: str, reviewed_on: datetime.date,
                       actor: Any, comment: str = "") -> TermReview:
    """登记聘期考核 and apply its consequences in the same transaction:
    优秀 → the programme's one-off reward; 不合格 → the exit mechanism.

    Recording the same grade again returns the existing review; a different grade for a
    year already reviewed is refused (its consequences have already been applied).
    """
    require_permission(actor, "talent.add_termreview", "登记聘期考核")
    enrollment = _lock(enrollment, actor)
    if grade not in ReviewGrade.values:
        raise ValidationError({"grade": "请选择考核等次：优秀、合格或不合格。"})
    existing = TermReview.objects.filter(enrollment=enrollment, review_year=review_year).first()
    if existing is not None:
        if existing.grade != grade:
            raise ValidationError({"grade": f"「{enrollment}」{review_year}年聘期考核已登记为"
                                            f"「{existing.get_grade_display()}」，不能改为「{ReviewGrade(grade).label}」。"})
        return existing
    review = TermReview(enrollment=enrollment, person=enrollment.person, programme=enrollment.programme,
                        review_year=review_year, grade=grade, reviewed_on=reviewed_on, comment=comment)
    review.full_clean()
    save_audited(review, actor=actor)
    term_review_apply_consequences(review=review, actor=actor)
    return review


def term_review_apply_consequences(*, review: TermReview, actor: Any) -> None:
    """The reward for 优秀, the exit for 不合格; safe to call again."""
    enrollment = review.enrollment
    if review.grade == ReviewGrade.EXCELLENT:
        amount = enrollment.programme.excellent_reward
        if amount and not Reward.objects.filter(review=review).exists():
            save_audited(Reward(enrollment=enrollment, review=review, amount=amount, awarded_on=review.reviewed_on),
                         actor=actor, message=f"{review.review_year}年聘期考核优秀，给予一次性奖励")
    elif review.grade == ReviewGrade.UNQUALIFIED and enrollment.status == EnrollmentStatus.ACTIVE:
        # An exit lies in the term: a review held after the term's last day (its year is
        # in the term) exits the enrollee on that last day.
        exit_date = min(review.reviewed_on, enrollment.term_end)
        enrollment_exit(enrollment=enrollment, reason=ExitReason.FAILED_REVIEW, exit_date=exit_date,
                        note=f"{review.review_year}年聘期考核不合格。", actor=actor)


def term_reviews_apply_pending(*, actor: Any, reviews: QuerySet[TermReview] | None = None) -> int:
    """Apply the consequences a review still lacks (reviews written in bulk by an
    import): 优秀 without its reward, 不合格 whose enrollee is still on the roster.
    Returns how many were applied; running it again applies none."""
    reviews = TermReview.objects.all() if reviews is None else reviews
    pending = reviews.filter(
        Q(grade=ReviewGrade.EXCELLENT, reward__isnull=True, enrollment__programme__excellent_reward__gt=0)
        | Q(grade=ReviewGrade.UNQUALIFIED, enrollment__status=EnrollmentStatus.ACTIVE)
    ).select_related("enrollment__programme").order_by("pk")
    applied = 0
    for review in pending:
        with transaction.atomic():
            term_review_apply_consequences(review=review, actor=actor)
        applied += 1
    return applied


# ---------------------------------------------------------------- service cards (人才服务卡)


def card_area_error(*, card: ServiceCard, area: str, on: datetime.date) -> str | None:
    """Why a green-channel request in ``area`` on ``on`` is refused, else None."""
    if card.is_revoked:
        return f"服务卡 {card} 已注销。"
    if on < card.issued_on:
        return f"服务卡 {card} 于 {card.issued_on} 发放，此前不能提交事项。"
    if on > card.expires_on:
        return f"服务卡 {card} 已于 {card.expires_on} 过期。"
    if area not in (card.areas or []):
        label = dict(BenefitArea.choices).get(area, area)
        return f"服务卡 {card} 未开通「{label}」服务事项（已开通：{card.areas_text or '无'}）。"
    return None


@transaction.atomic
def green_request_submit(*, card: ServiceCard, area: str, content: str, actor: Any,
                         submitted_on: datetime.date | None = None, deadline: datetime.date | None = None,
                         handler: Any = None) -> GreenChannelRequest:
    """提交绿色通道事项 on a valid card, in an area the card opens, submitted no later than
    today; the deadline defaults to the area's promise and is not later than it
    (``standard_deadline``, ``GreenChannelRequest.clean``)."""
    require_permission(actor, "talent.add_greenchannelrequest", "提交绿色通道事项")
    submitted_on = submitted_on or today()
    card = lock_in_scope(ServiceCard.objects.all(), card.pk, actor, what="服务卡")
    message = card_area_error(card=card, area=area, on=submitted_on)
    if message:
        raise ValidationError({"card": message})
    if deadline is None:
        deadline = standard_deadline(area, submitted_on)
    request = GreenChannelRequest(card=card, area=area, content=content, submitted_on=submitted_on,
                                  deadline=deadline, handler=handler)
    request.full_clean()
    save_audited(request, actor=actor)
    return request


@transaction.atomic
def green_request_update(*, request: GreenChannelRequest, content: str, actor: Any,
                         handler: Any = None) -> GreenChannelRequest:
    """修改绿色通道事项: the 办理诉求 and the 经办人 of an open request, saved onto the
    locked row. The 办结时限 is not among them (``REQUEST_DEADLINE_FIXED``); the card,
    area, dates, status and result move only by the steps below. Nothing different:
    nothing written; otherwise one audit row."""
    locked = _lock_request(request, actor, "修改绿色通道事项")
    proposed = {"content": content, "handler_id": getattr(handler, "pk", None)}
    fields = [name for name, value in proposed.items() if getattr(locked, name) != value]
    if not fields:
        return locked
    if locked.status not in OPEN_REQUEST_STATUSES:
        raise ValidationError({"status": f"事项「{locked}」{locked.get_status_display()}，不能修改。"})
    for name in fields:
        setattr(locked, name, proposed[name])
    locked.full_clean()
    save_audited(locked, actor=actor, fields=fields)
    return locked


def _lock_request(request: GreenChannelRequest, actor: Any, label: str) -> GreenChannelRequest:
    require_permission(actor, "talent.change_greenchannelrequest", label)
    return lock_in_scope(GreenChannelRequest.objects.all(), request.pk, actor, what="绿色通道事项")


def _move(request: GreenChannelRequest, status: str, message: str, fields: list[str],
          actor: Any) -> GreenChannelRequest:
    request.status = status
    save_audited(request, actor=actor, action=AuditAction.TRANSITION, message=message, fields=["status", *fields])
    return request


@transaction.atomic
def green_request_accept(*, request: GreenChannelRequest, actor: Any, handler: Any = None) -> GreenChannelRequest:
    """受理: a pending request is taken on by a handler (the acting user by default)."""
    request = _lock_request(request, actor, "受理绿色通道事项")
    if request.status == RequestStatus.PROCESSING:
        return request
    if request.status != RequestStatus.PENDING:
        raise ValidationError({"status": f"事项「{request}」{request.get_status_display()}，不能受理。"})
    request.handler = handler or request.handler or user_of(actor)
    return _move(request, RequestStatus.PROCESSING, "受理", ["handler"], actor)


@transaction.atomic
def green_request_complete(*, request: GreenChannelRequest, actor: Any, result: str = "",
                           on: datetime.date | None = None) -> GreenChannelRequest:
    """办结."""
    request = _lock_request(request, actor, "办结绿色通道事项")
    if request.status == RequestStatus.DONE:
        return request
    if request.status not in OPEN_REQUEST_STATUSES:
        raise ValidationError({"status": f"事项「{request}」{request.get_status_display()}，不能办结。"})
    request.closed_on, request.result = on or today(), result or request.result
    return _move(request, RequestStatus.DONE, "办结", ["closed_on", "result"], actor)


@transaction.atomic
def green_request_extend(*, request: GreenChannelRequest, deadline: datetime.date, reason: str, actor: Any,
                         on: datetime.date | None = None) -> GreenChannelRequest:
    """延期: a request 办理中 gets a later 办结时限, once, before the one it had passes and
    with the reason (``GreenChannelRequest.extension_errors``); the 原办结时限 is kept. The
    same extension asked again (a second click) changes nothing."""
    request = _lock_request(request, actor, "延期绿色通道事项")
    reason = reason.strip()
    if (request.extended_on is not None and request.deadline == deadline
            and request.extension_reason == reason):
        return request
    on = on or today()
    errors = request.extension_errors(deadline=deadline, reason=reason, on=on)
    if errors:
        raise ValidationError(errors)
    request.original_deadline, request.deadline = request.deadline, deadline
    request.extended_on, request.extension_reason = on, reason
    request.full_clean()
    save_audited(request, actor=actor, action=AuditAction.TRANSITION,
                 message=f"延期：办结时限由 {request.original_deadline} 延至 {deadline}（{reason}）",
                 fields=["deadline", "original_deadline", "extended_on", "extension_reason"])
    return request


@transaction.atomic
def green_request_return(*, request: GreenChannelRequest, reason: str, actor: Any,
                         on: datetime.date | None = None) -> GreenChannelRequest:
    """退回, with the reason the holder is told."""
    request = _lock_request(request, actor, "退回绿色通道事项")
    if request.status == RequestStatus.RETURNED:
        return request
    if request.status not in OPEN_REQUEST_STATUSES:
        raise ValidationError({"status": f"事项「{request}」{request.get_status_display()}，不能退回。"})
    if not reason.strip():
        raise ValidationError({"result": "退回必须说明理由。"})
    request.closed_on, request.result = on or today(), reason
    return _move(request, RequestStatus.RETURNED, f"退回：{reason}", ["closed_on", "result"], actor)
