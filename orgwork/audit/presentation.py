"""The audit trail in plain Chinese (变更记录): field labels, display values, no internals.

A kept change is ``{field name: [old, new]}`` with raw values (codes, ids, booleans).
:func:`readable_changes` turns it into rows a clerk reads — 「职务层次：乡科级副职 →
乡科级正职」 — leaving out the columns the system keeps for itself (version counters,
materialised paths, pinyin sort keys). Personal data stays masked
(``orgwork.common.secrets.shown_value``). A foreign key reads as the record it names, by
its ``str()`` (a unit by its full name), through the same door: an ID or mobile number
in that name is masked. A field a model lists in ``month_fields`` (a month kept as its
first day) reads as its page writes it, 1980.05. A value the model keeps in its own
terms (an import's resource key, a draw's population of ids) reads through the model's
``audit_shown`` (field name → function of the kept value), and the notes a workflow adds
beside the fields (``unmasked``, ``fields``…) by :data:`NOTE_LABELS`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Permission
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from orgwork.common import secrets
from orgwork.common.fields import AsciiKeyField

# Kept by the system for itself; a reader of the trail learns nothing from them (the
# record's own key included: the entry is already about that record).
INTERNAL_FIELDS = frozenset({"id", "version", "updated_at", "path", "full_name"})
EMPTY = "（空）"


# What a workflow records beside a model's fields (an export's row count, the fields a
# full view showed), by name: none of them is a field whose verbose_name could say it.
NOTE_LABELS = {
    "unmasked": "含完整个人信息",
    "fields": "字段",
    "ids": "记录编号",
    "rows": "行数",
    "format": "文件格式",
    "filters": "筛选条件",
    "kind": "类型",
    "params": "导出条件",
    "retry_of": "重新生成自",
    "worklist": "台账",
    "panel": "统计",
    "file": "文件",
}


@dataclass(frozen=True)
class ChangeRow:
    label: str
    old: str
    new: str


def is_internal(field: models.Field[Any, Any] | None, name: str, model: type[models.Model]) -> bool:
    if name in INTERNAL_FIELDS or name in getattr(model, "audit_hidden_fields", ()):
        return True
    return isinstance(field, AsciiKeyField)


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any] | None:
    try:
        return model._meta.get_field(name)  # type: ignore[return-value]
    except FieldDoesNotExist:
        for f in model._meta.concrete_fields:
            if f.attname == name:
                return f
        return None


def _points_at_one(field: models.Field[Any, Any] | None) -> bool:
    """A foreign key or a one-to-one key of the record itself: its id is shown as the
    record it names (an applicant's 党员名册记录 as the member, not 305)."""
    return field is not None and field.concrete and field.is_relation and (field.many_to_one or field.one_to_one)


def _field_names(model: type[models.Model], value: Any) -> Any:
    """``fields`` of a full view (``["id_number"]``) by their labels (身份证号)."""
    if not isinstance(value, list):
        return value
    return [str(field.verbose_name) if (field := _field(model, str(name))) is not None else name for name in value]


def _plain(value: Any, field: models.Field[Any, Any] | None, related: dict[Any, str],
           shown: Any = None) -> str:
    value = secrets.shown_value(value)
    if value is None or value == "" or value == []:
        return EMPTY
    if shown is not None:
        return str(shown(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if _points_at_one(field):
        return related.get(value, related.get(str(value), f"编号 {value}"))
    if field is not None and field.choices:
        labels = {str(k): str(v) for k, v in field.flatchoices}
        if isinstance(value, list):
            return "、".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{v}" for k, v in value.items())
    if (field is not None and field.name in getattr(field.model, "month_fields", ())
            and isinstance(value, str) and len(value) == 10):
        return f"{value[:4]}.{value[5:7]}"  # a month kept as its first day: 2026.09, as its page writes it
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        try:  # a timestamp kept as ISO text
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        from django.utils import timezone

        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _related_names(model: type[models.Model], entries: Iterable[Any], user: Any) -> dict[str, dict[Any, str]]:
    """For each foreign key named in the entries, the display names of the ids they hold
    (one query per related model for the whole page). Records are named only inside the
    reader's jurisdiction; units by their place wherever they are (a place is no secret),
    as is any model that declares ``named_in_any_trail`` (its names are public)."""
    from orgwork.units.models import Unit
    from orgwork.units.scope import is_scoped, scope_queryset

    wanted: dict[str, set[Any]] = defaultdict(set)
    for entry in entries:
        for name, pair in (entry.changes or {}).items():
            field = _field(model, name)
            if _points_at_one(field) and isinstance(pair, list):
                wanted[name].update(v for v in pair if v not in (None, ""))
    names: dict[str, dict[Any, str]] = {}
    for name, ids in wanted.items():
        field = _field(model, name)
        target = field.related_model  # type: ignore[union-attr]
        rows = target._default_manager.filter(pk__in=list(ids))
        if is_scoped(target) and target is not Unit and not getattr(target, "named_in_any_trail", False):
            rows = scope_queryset(rows, user)
        # Names through the one door: a name that is free text (a problem's first line)
        # may hold an ID or mobile number typed into it.
        found = {obj.pk: str(secrets.mask_text(str(obj))) for obj in rows}
        names[name] = {**found, **{str(k): v for k, v in found.items()}}
    names.update(_rights_named_in(model, [entry.changes for entry in entries]))
    return names


def _is_grant(change: Any) -> bool:
    return isinstance(change, dict) and set(change) == {"action", "items"}


def _names_rights(field: models.Field[Any, Any] | None) -> bool:
    return field is not None and field.is_relation and field.related_model is Permission


def _rights_named(labels: set[str]) -> dict[Any, str]:
    """Rights kept as ``app.codename`` by their Chinese names (``roles.permission_display``):
    one query for all the labels of a page."""
    from orgwork.accounts.roles import permission_display, permission_label

    rights = Permission.objects.select_related("content_type").filter(
        codename__in={label.partition(".")[2] for label in labels})
    return {permission_label(p): permission_display(p) for p in rights}


def _rights_named_in(model: type[models.Model], kept: Iterable[dict[str, Any] | None]) -> dict[str, dict[Any, str]]:
    """For each rights field whose grants the changes hold, its rights' Chinese names."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for changes in kept:
        for name, change in (changes or {}).items():
            if _is_grant(change) and _names_rights(_field(model, name)):
                wanted[name].update(str(item) for item in change["items"])
    return {name: _rights_named(labels) for name, labels in wanted.items()}


def _granted(change: dict[str, Any], names: dict[Any, str]) -> str:
    """Roles or rights granted or taken (``orgwork.accounts.signals``: ``{"action": "授予",
    "items": [...]}``) as 「授予：基层党建」, a right by its name in ``names``."""
    items = [names.get(str(item), str(item)) for item in change["items"]]
    return f"{change['action']}：{'、'.join(items) or EMPTY}"


def choice_labels(choices: Any) -> Any:
    """A presenter for ``audit_shown``: a list of choice codes kept in a JSON field (软弱涣散
    类型, 可享受服务事项) read by their labels, 「组织生活不正常、制度不落实」 not ``rules``."""
    labels = {str(code): str(label) for code, label in choices.choices}

    def shown(value: Any) -> str:
        return "、".join(labels.get(str(item), str(item)) for item in (value if isinstance(value, list) else [value]))

    return shown


def readable_changes(model: type[models.Model], changes: dict[str, Any] | None,
                     related: dict[str, dict[Any, str]] | None = None) -> list[ChangeRow]:
    rows = []
    related = related if related is not None else _rights_named_in(model, [changes])
    presenters = getattr(model, "audit_shown", {})
    for name, pair in (changes or {}).items():
        field = _field(model, name)
        if is_internal(field, name, model):
            continue
        names = related.get(name, {})
        shown = presenters.get(name)
        label = str(field.verbose_name) if field is not None else NOTE_LABELS.get(name, name)
        if field is None and name == "fields":
            pair = _field_names(model, pair)
        if not isinstance(pair, list) or len(pair) != 2 or (field is None and name in NOTE_LABELS):
            value = _granted(pair, names) if _is_grant(pair) else _plain(pair, field, {}, shown)
            rows.append(ChangeRow(label, "", value))
            continue
        rows.append(ChangeRow(label, _plain(pair[0], field, names, shown), _plain(pair[1], field, names, shown)))
    return rows


def readable_entries(model: type[models.Model], entries: Iterable[Any], user: Any) -> list[tuple[Any, list[ChangeRow]]]:
    """Each audit row of a record with its changes in plain Chinese, as ``user`` may read them."""
    entries = list(entries)
    related = _related_names(model, entries, user)
    return [(entry, readable_changes(model, entry.changes, related)) for entry in entries]
