"""Spreadsheet cell widget for values from a reference code set (民族, 学历, 职务层次…)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from import_export.widgets import Widget

from . import lookup


class CodeWidget(Widget):
    """A name, code or alias from ``code_set``; stored as the canonical name, or, when
    ``choices`` are given (a ``TextChoices`` the set mirrors), as the choice value."""

    def __init__(self, code_set: str, label: str = "", choices: Iterable[tuple[str, str]] | None = None) -> None:
        super().__init__(coerce_to_string=True)
        self.code_set = code_set
        self.label = label
        self.choices = list(choices) if choices is not None else None

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        name = lookup.resolve(self.code_set, value, label=self.label)
        if not name or self.choices is None:
            return name
        for stored, text in self.choices:
            if name in (stored, text):
                return stored
        # Each choice in its own quotes: a choice may hold a comma (「考察合格，同意入库」).
        allowed = "".join(f"「{text}」" for _, text in self.choices)
        raise ValidationError(f"{self.label or '取值'}「{name}」不是可选值，可选：{allowed}。", code="invalid_choice")

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if self.choices is not None:
            return dict(self.choices).get(value, value or "")
        return value or ""
