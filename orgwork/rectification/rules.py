"""整改事项的规则: what an edit of an item on the books may change.

One function, :func:`check_item_edit`, called by every path that edits an item — the
admin form and the checklist's inline rows (their ``clean``), the service that saves
the edit (:func:`orgwork.rectification.services.rectification_item_update`, on the
locked row) and the sheet import (the resource's ``prepare_instance``):

- from 申请销号 on the content is frozen (内容锁定): the reviewer signs off on what was
  asked, and a struck-off item is history; only 回头看 (reopen) reopens it;
- the deadline of an item that has one moves only by 延期, with a reason
  (:func:`orgwork.rectification.services.rectification_extend_deadline`);
- an item stays on the checklist it was put on the books with (its page shows the
  checklist read only; a sheet that names the item by its 事项编号 cannot move it).

延期 (:func:`check_extension`): the new deadline lies after today and at most
:data:`MAX_EXTENSION_MONTHS` months after the later of today and the current deadline
(one extension buys at most half a year; a longer one is a new decision, taken again
after that half year); an item already extended is extended again only within
:data:`FURTHER_EXTENSION_WINDOW` of its deadline or after it; an item of a checklist that
a unit above the actor's issued is extended only with the issuing level's approval
(批准单位及文号: the unit and the document's number or date, :func:`looks_like_approval`),
written into the trail.

Every item on the books carries a 整改时限: one opened by another module without its own
deadline gets :data:`DEFAULT_TERM` from the day it is opened (:func:`default_deadline`).

And one for a new item, :func:`check_new_item_checklist`: it goes on a checklist of the
actor's jurisdiction. A county works on its items of the city's checklist (it changes
them as above) but does not add to it: the city puts its items on the books, and names
their 责任单位, which the county does not change (:func:`check_responsible_unit_edit`).

谁交办谁销号 (:func:`review_refusal`): the reviewer's steps, 销号 and 退回, are taken
neither by the one who asked for 销号 nor by the responsible unit of an item on a checklist
issued above it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError

from orgwork.common import dates

from orgwork.units.scope import home_unit, sees_everything

from .models import Checklist, ItemState, RectificationItem

FROZEN_STATES = (ItemState.CLOSURE_REQUESTED, ItemState.CLOSED)
# 问题、责任、措施、时限 and the written account the reviewer reads.
CONTENT_FIELDS = ("checklist", "problem", "measure", "responsible_unit", "responsible_person", "lead_leader",
                  "deadline", "account")
EXTEND_HINT = "调整整改时限请使用「延期」并说明理由。"
STAYS_ON_CHECKLIST = "整改事项挂账后不能改到其他问题清单；属于其他清单的问题，请在该清单下作为新事项挂账。"

# 整改时限 of an item another module opens without one: three months, the term the
# assessments (年度考核、政治素质考核) and 民主评议 give theirs.
DEFAULT_TERM = datetime.timedelta(days=90)
MAX_EXTENSION_MONTHS = 6
# An item extended once is extended again only near its new deadline (or past it): three
# extensions in a minute would make the half-year cap no cap at all.
FURTHER_EXTENSION_WINDOW = datetime.timedelta(days=30)
APPROVAL_INCOMPLETE = ("批准单位及文号填写不完整：请写明同意延期的单位和批准文件的文号或日期，"
                       "如「省委组织部 甘组函〔2026〕12号」或「兰州市委组织部 2026年6月1日复函」。")

_ATTNAMES = {name: RectificationItem._meta.get_field(name).attname for name in CONTENT_FIELDS}


def content_values(item: RectificationItem) -> dict[str, Any]:
    """The content fields of ``item`` by attname, as ``_audit_loaded`` holds them."""
    return {attname: getattr(item, attname) for attname in _ATTNAMES.values()}


def _same(a: Any, b: Any) -> bool:
    # A browser sends a textarea's line breaks as CRLF: the same text, not an edit.
    if isinstance(a, str) and isinstance(b, str):
        return a.replace("\r\n", "\n") == b.replace("\r\n", "\n")
    return a == b


def changed_content(stored: Mapping[str, Any], proposed: Mapping[str, Any]) -> list[str]:
    """The content fields (by name) whose proposed value differs from the stored one."""
    return [name for name, attname in _ATTNAMES.items()
            if attname in proposed and not _same(proposed[attname], stored.get(attname))]


def frozen_message(state: str) -> str:
    label = ItemState(state).label
    after = ("只有「回头看：重新挂账」后才能修改。" if state == ItemState.CLOSED
             else "如需修改，须由审核人退回后再改。")
    return (f"该事项当前状态为「{label}」，问题描述、整改措施、责任单位、责任人、牵头领导、整改时限和整改情况说明"
            f"均不能修改；{after}")


def check_item_edit(*, stored: Mapping[str, Any] | None, proposed: Mapping[str, Any],
                    by_source: bool = False) -> None:
    """Refuse an edit of a stored item (``stored``: its values by attname, including
    ``state`` and ``source_content_type_id``; None for a new item) to ``proposed`` (the
    values by attname that the edit would write). The fields its source record writes
    (:func:`.closing.governed_refusals`) change only ``by_source``. Raises
    ``ValidationError({field: 中文})``."""
    from .closing import governed_refusals

    if not stored:
        return
    changed = changed_content(stored, proposed)
    if not changed:
        return
    errors = {"checklist": STAYS_ON_CHECKLIST} if "checklist" in changed else {}
    if not by_source:
        errors.update(governed_refusals(stored.get("source_content_type_id"), changed))
    state = stored.get("state")
    if state in FROZEN_STATES:
        message = frozen_message(state)
        errors.update({name: message for name in changed if name not in errors})
    elif "deadline" in changed and stored.get(_ATTNAMES["deadline"]) is not None:
        errors["deadline"] = EXTEND_HINT
    if errors:
        raise ValidationError(errors)


def check_new_item_checklist(*, checklist: Checklist, actor: Any) -> None:
    """Refuse a new item on a checklist that a unit above the actor's issued (the county's
    clerk on the city's list). Raises ``ValidationError({"checklist": 中文})``."""
    if sees_everything(actor):
        return
    home = home_unit(actor)
    if home is not None and checklist.unit.is_within(home):
        return
    raise ValidationError({"checklist": f"问题清单「{checklist}」由{checklist.unit}印发：上级印发的清单，"
                                        "其整改事项由清单所属单位导入；本单位负责的已有事项可以修改。"},
                          code="higher_checklist")


def settle_original_deadline(item: RectificationItem) -> list[str]:
    """A deadline given for the first time is also the original one (按期 is measured by
    it). Returns the field names set."""
    if item.deadline is not None and item.original_deadline is None:
        item.original_deadline = item.deadline
        return ["original_deadline"]
    return []


def default_deadline(opened_on: datetime.date) -> datetime.date:
    """The 整改时限 of an item opened on ``opened_on`` without one of its own."""
    return opened_on + DEFAULT_TERM


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the month's last day when it has fewer)."""
    return dates.add_months(day, months)


def issued_above(*, checklist: Checklist, actor: Any) -> bool:
    """The checklist was issued by a unit above the actor's own (the province's list, read
    by a county). A system actor and a superuser act for every level."""
    if sees_everything(actor):
        return False
    home = home_unit(actor)
    return home is not None and not checklist.unit.is_within(home)


def self_review_refusal(*, item: RectificationItem, actor: Any, step: str = "销号") -> str | None:
    """Why ``actor`` may not review ``item``'s closure request (销号, or its 退回: ``step``),
    or None. An item on a checklist issued above the actor (:func:`issued_above`) whose
    责任单位 is the actor's own unit is the actor's own rectification: the level that issued
    the list, or one between it and the responsible unit, signs it off (谁交办谁销号), not the
    responsible unit itself. The 延期 of such an item likewise needs the issuing unit's
    approval (:func:`check_extension`)."""
    checklist = item.checklist
    if not issued_above(checklist=checklist, actor=actor):
        return None
    home = home_unit(actor)
    if home is None or not home.is_within(item.responsible_unit):
        return None
    return (f"问题清单「{checklist}」由上级印发（所涉单位：{checklist.unit}），本事项的责任单位"
            f"「{item.responsible_unit}」就是您所在单位：销号须由清单印发单位或责任单位的上级审核，"
            f"责任单位不能自行{step}。")


def review_refusal(*, item: RectificationItem, actor: Any, step: str) -> str | None:
    """Why ``actor`` may not take the reviewer's step ``step`` (销号 or 退回) on ``item``, or
    None: the one who asked for 销号 does not review the request, and the responsible unit
    does not review its own item on a checklist issued above it (:func:`self_review_refusal`)."""
    if item.requested_by_id is not None and item.requested_by_id == getattr(actor, "pk", None):
        return f"不能{step}：审核人不能是销号申请人本人，请由其他同志审核。"
    return self_review_refusal(item=item, actor=actor, step=step)


def assignment_refusal(*, checklist: Checklist, actor: Any) -> str | None:
    """Why ``actor`` may not change the 责任单位 of an item of ``checklist``, or None. On a
    checklist issued above the actor (:func:`issued_above`) the issuing side assigns each
    item (交办): a unit below it that moved its item to one of its own units would then
    review that item itself and walk around 谁交办谁销号 (:func:`self_review_refusal`)."""
    if not issued_above(checklist=checklist, actor=actor):
        return None
    return (f"问题清单「{checklist}」由「{checklist.unit}」交办，事项的责任单位由交办单位确定，不能在此改动；"
            "确需调整的，请报交办单位调整。")


def check_responsible_unit_edit(*, checklist: Checklist, stored_unit_id: Any, proposed_unit_id: Any,
                                actor: Any) -> None:
    """Refuse a change of an item's 责任单位 from ``stored_unit_id`` to ``proposed_unit_id``
    by ``actor`` (:func:`assignment_refusal`). Raises ``ValidationError({"responsible_unit": 中文})``."""
    if proposed_unit_id == stored_unit_id:
        return
    if refused := assignment_refusal(checklist=checklist, actor=actor):
        raise ValidationError({"responsible_unit": refused}, code="assigned_above")


def check_extension(*, item: RectificationItem, new_deadline: datetime.date, today: datetime.date,
                    approval: str, actor: Any) -> None:
    """Refuse a 延期 of ``item`` (its current deadline, its checklist) to ``new_deadline``.
    Raises ``ValidationError({field: 中文})``."""
    if item.deadline is None:
        raise ValidationError({"new_deadline": "该事项尚未确定整改时限，请在事项中填写整改时限，无需延期。"},
                              code="no_deadline")
    if item.is_extended and item.deadline - today > FURTHER_EXTENSION_WINDOW:
        opens = item.deadline - FURTHER_EXTENSION_WINDOW
        raise ValidationError(
            {"new_deadline": f"该事项已延期过（原定整改时限 {item.original_deadline:%Y-%m-%d}，现整改时限 "
                             f"{item.deadline:%Y-%m-%d}）：再次延期须在现整改时限前{FURTHER_EXTENSION_WINDOW.days}天内"
                             f"或逾期后申请，即 {opens:%Y-%m-%d} 起可再次申请延期。"}, code="extended_recently")
    if new_deadline <= item.deadline:
        raise ValidationError(
            {"new_deadline": f"延期后的整改时限须晚于现整改时限 {item.deadline:%Y-%m-%d}。"}, code="not_later")
    if new_deadline <= today:
        raise ValidationError(
            {"new_deadline": f"延期后的整改时限 {new_deadline:%Y-%m-%d} 不晚于今天（{today:%Y-%m-%d}），"
                             "延期后仍已逾期：请填写今后的日期。"}, code="not_future")
    start = max(today, item.deadline)
    latest = add_months(start, MAX_EXTENSION_MONTHS)
    if new_deadline > latest:
        raise ValidationError(
            {"new_deadline": f"每次延期最长{MAX_EXTENSION_MONTHS}个月：延期后的整改时限最晚为 {latest:%Y-%m-%d}"
                             f"（自{'今天' if start == today else '现整改时限'}起算）；确需更长时间的，到期前再次申请延期。"},
            code="too_long")
    checklist = item.checklist
    approval = (approval or "").strip()
    if not approval and issued_above(checklist=checklist, actor=actor):
        raise ValidationError(
            {"approval": f"问题清单「{checklist}」是上级清单（所涉单位：{checklist.unit}）：延期须经清单印发单位同意，"
                         "请填写批准单位及文号（如：省委组织部 甘组函〔2026〕12号）。"}, code="approval_required")
    if approval and not looks_like_approval(approval):
        raise ValidationError({"approval": APPROVAL_INCOMPLETE}, code="approval_incomplete")


_CHINESE = re.compile(r"[\u3400-\u9fff\U00020000-\U0003ffff]")


def looks_like_approval(approval: str) -> bool:
    """批准单位及文号 as an approval is written: at least four characters, the approving unit
    in Chinese and a number (the document's 文号 or its date)."""
    text = approval.strip()
    return len(text) >= 4 and _CHINESE.search(text) is not None and any(char.isdigit() for char in text)
