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

And one for a new item, :func:`check_new_item_checklist`: it goes on a checklist of the
actor's jurisdiction. A county works on its items of the city's checklist (it changes
them as above) but does not add to it: the city puts its items on the books.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError

from orgwork.units.scope import home_unit, sees_everything

from .models import Checklist, ItemState, RectificationItem

FROZEN_STATES = (ItemState.CLOSURE_REQUESTED, ItemState.CLOSED)
# 问题、责任、措施、时限 and the written account the reviewer reads.
CONTENT_FIELDS = ("checklist", "problem", "measure", "responsible_unit", "responsible_person", "lead_leader",
                  "deadline", "account")
EXTEND_HINT = "调整整改时限请使用「延期」并说明理由。"
STAYS_ON_CHECKLIST = "整改事项挂账后不能改到其他问题清单；属于其他清单的问题，请在该清单下作为新事项挂账。"

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


def check_item_edit(*, stored: Mapping[str, Any] | None, proposed: Mapping[str, Any]) -> None:
    """Refuse an edit of a stored item (``stored``: its values by attname, including
    ``state``; None for a new item) to ``proposed`` (the values by attname that the
    edit would write). Raises ``ValidationError({field: 中文})``."""
    if not stored:
        return
    changed = changed_content(stored, proposed)
    if not changed:
        return
    errors = {"checklist": STAYS_ON_CHECKLIST} if "checklist" in changed else {}
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
