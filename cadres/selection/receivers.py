"""Receivers of the cadre domain's signals (connected in ``SelectionConfig.ready``)."""

from __future__ import annotations

from typing import Any

from .services import look_back_open, look_back_withdraw


def open_look_back(sender: Any, *, record: Any, actor: Any, **kwargs: Any) -> None:
    """A 组织处理 or a 党纪政务处分 was recorded: open the 带病提拔倒查 (idempotent: one per record)."""
    look_back_open(record=record, actor=actor)


def withdraw_look_back(sender: Any, *, record: Any, actor: Any, **kwargs: Any) -> None:
    """A 组织处理 or a 党纪政务处分 was corrected to another cadre: the look-back it opened on
    the first cadre is withdrawn while still open, or refuses the correction once concluded."""
    look_back_withdraw(record=record, actor=actor)
