"""Cell widgets for spreadsheet import and export (django-import-export).

Every widget raises ``ValueError``/``ValidationError`` with a Chinese message that
names what is wrong with the cell; the import engine reports it against the row number
and column header.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from import_export.widgets import ForeignKeyWidget, Widget

from orgwork.common import dates, idnumber
from orgwork.units.models import Unit
from orgwork.units.scope import scope_queryset


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class DateWidget(Widget):
    """Any date spelling the kernel parser accepts; rendered as ``1975.06`` or ``1975-06-01``."""

    def __init__(self, month_only: bool = False) -> None:
        super().__init__(coerce_to_string=True)
        self.month_only = month_only

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> datetime.date | None:
        if is_blank(value):
            return None
        return dates.parse_date(value)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if not value:
            return ""
        return dates.format_month(value) if self.month_only else value.isoformat()


class IDNumberWidget(Widget):
    """身份证号: normalised (full-width, spaces, lower-case x) and validated; an Excel
    number is refused with instructions to re-type the column as text."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        if is_blank(value):
            return ""
        return idnumber.clean(value)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value or ""


class ChoiceWidget(Widget):
    """A choice by its Chinese label (or an alias, or the stored value)."""

    def __init__(self, choices: Iterable[tuple[str, str]], aliases: dict[str, str] | None = None,
                 label: str = "") -> None:
        super().__init__(coerce_to_string=True)
        self.choices = list(choices)
        self.label = label
        self.lookup: dict[str, str] = {}
        for value, text in self.choices:
            self.lookup[str(value)] = value
            self.lookup[str(text)] = value
        for alias, target in (aliases or {}).items():
            self.lookup[alias] = self.lookup.get(target, target)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        if is_blank(value):
            return ""
        key = str(value).strip()
        if key in self.lookup:
            return self.lookup[key]
        allowed = "、".join(text for _, text in self.choices)
        raise ValidationError(f"「{key}」不是可选值，可选：{allowed}。", code="invalid_choice")

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return dict(self.choices).get(value, value or "")


class ScopedForeignKeyWidget(ForeignKeyWidget):
    """A foreign key looked up only among the records the importing user may reach.

    The resource binds the user (``bind_user``); a value outside the scope is reported
    exactly like one that does not exist, so a sheet cannot probe other jurisdictions.
    Looked-up values are cached per import.
    """

    not_found_message = "「{value}」不存在或不在您的管辖范围内。"

    def __init__(self, model: type[models.Model], field: str = "pk", **kwargs: Any) -> None:
        super().__init__(model, field=field, **kwargs)
        self.user: Any = None
        self._cache: dict[str, Any] = {}

    def bind_user(self, user: Any) -> None:
        self.user = user
        self._cache = {}

    def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any) -> models.QuerySet[Any]:
        return scope_queryset(self.model._default_manager.all(), self.user)

    def lookup(self, value: str, row: Any) -> Any:
        try:
            return self.get_queryset(value, row).get(**{self.field: value})
        except self.model.DoesNotExist:
            raise ValidationError(self.not_found_message.format(value=value), code="not_found") from None

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if is_blank(value):
            return None
        key = str(value).strip()
        if key not in self._cache:
            self._cache[key] = self.lookup(key, row)
        return self._cache[key]


class UnitWidget(ScopedForeignKeyWidget):
    """单位: a unit code, or a full name that is unique within the user's scope."""

    not_found_message = "单位「{value}」不存在或不在您的管辖范围内。"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Unit, field="code", **kwargs)

    def lookup(self, value: str, row: Any) -> Unit:
        visible = self.get_queryset(value, row)
        unit = visible.filter(code=value).first()
        if unit is not None:
            return unit
        named = list(visible.filter(name=value)[:2])
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            raise ValidationError(f"单位名称「{value}」在您的管辖范围内不唯一，请填写单位代码。", code="ambiguous")
        raise ValidationError(self.not_found_message.format(value=value), code="not_found")

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.code if value else ""
