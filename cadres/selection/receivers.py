"""Receivers of the cadre domain's signals (connected in ``SelectionConfig.ready``)."""

from __future__ import annotations

from typing import Any

from .services import look_back_open, look_back_withdraw


def open_look_back(sender: Any, *, record: Any, actor: Any, **kwargs: Any) -> None:
    """A 组织处理 or a 党纪政务处分 was recorded: open the 带病提拔倒查 (idempotent: one per record)."""
    look_back_open(record=record, actor=actor)


def withdraw_look_back(sender: Any, *, record: Any, actor: Any, cadre_changed: bool, **kwargs: Any) -> None:
    """A 组织处理 or a 党纪政务处分 was corrected to another cadre or 决定日期: the look-back
    it opened is withdrawn while still open (and started again once the record is saved);
    one concluded stands, and refuses a change of cadre."""
    look_back_withdraw(record=record, actor=actor, cadre_changed=cadre_changed)
