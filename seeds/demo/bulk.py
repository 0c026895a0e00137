"""Writing demo volume in bulk (批量写入): new rows, each with its 新增 audit row.

Callers pass plain tuples: at province size (millions of rows) building model
instances would cost more than writing them. On PostgreSQL the primary keys are drawn
from the table's sequence first, so the rows, the rows that point to them and all
their audit rows go in with COPY and nothing is read back. Elsewhere (the SQLite demo
of ``bin/demo``) ``bulk_create`` and ``record_many`` write the same rows.

An audit row is the one a create through the admin writes (``recorder.diff(obj,
None)``): actor and source from the context, ``{field: [None, value]}`` for every
field that is set, the record's text and its unit path.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from json.encoder import encode_basestring
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone

from orgwork.audit.models import AuditAction, AuditLog
from orgwork.audit.recorder import REDACTED, entry_for, jsonable, kept, record_many
from orgwork.common import secrets
from orgwork.imports.writer import copy_rows, reserve_pks

MESSAGE = "演示数据"


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _column_default(f: models.Field) -> Any:
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return timezone.now()
    value = f.get_default()
    return json.dumps(value, ensure_ascii=False) if isinstance(f, models.JSONField) else value


def insert(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]], *,
           reprs: Sequence[str], unit_paths: Sequence[str], message: str = MESSAGE) -> list[int]:
    """Insert ``rows`` (values of ``fields``, by field name; every other stored field takes
    its default) and one audit row each; returns the new primary keys in row order.

    ``reprs`` and ``unit_paths`` are what ``str(obj)`` and the object's unit path would
    be, passed in so that no related row is fetched per record. Run inside a transaction.
    """
    if not rows:
        return []
    opts = model._meta
    given = [opts.get_field(name) for name in fields]
    stored = [f for f in opts.concrete_fields if not f.primary_key and not getattr(f, "generated", False)]
    rest = [f for f in stored if f not in given]
    defaults = [_column_default(f) for f in rest]
    if is_postgres():
        pks = reserve_pks(model, len(rows))
        columns = [opts.pk.column] + [f.column for f in given] + [f.column for f in rest]
        copy_rows(opts.db_table, columns, ((pk, *row, *defaults) for pk, row in zip(pks, rows)))
    else:
        attnames = [f.attname for f in given] + [f.attname for f in rest]
        instances = [model(**dict(zip(attnames, (*row, *[f.get_default() for f in rest])))) for row in rows]
        pks = [o.pk for o in model._default_manager.bulk_create(instances, batch_size=500)]
    _audit(model, given, rest, pks, rows, reprs, unit_paths, message)
    return pks


def _json_text(f: models.Field) -> Callable[[Any], str]:
    """The JSON text of ``jsonable(value)`` for values of ``f``, written directly (for
    millions of rows ``json.dumps`` of a dict is the slowest part of an audit row)."""
    if isinstance(f, models.BooleanField):
        return lambda v: "true" if v else "false"
    if isinstance(f, models.ForeignKey):
        return _json_text(f.target_field)
    if isinstance(f, (models.IntegerField, models.AutoField)):
        return lambda v: str(int(v))
    if isinstance(f, (models.CharField, models.TextField)):
        return encode_basestring
    if isinstance(f, (models.DateField, models.DecimalField)):  # DateTimeField is a DateField
        return lambda v: encode_basestring(jsonable(v))
    return lambda v: json.dumps(jsonable(v), ensure_ascii=False)


def _audit(model: type[models.Model], given: list[models.Field], rest: list[models.Field], pks: list[int],
           rows: Sequence[Sequence[Any]], reprs: Sequence[str], unit_paths: Sequence[str], message: str) -> None:
    sensitive = secrets.sensitive_fields(model)
    redacted = set(getattr(model, "audit_redacted_fields", ())) - set(sensitive)
    ignored = set(getattr(model, "audit_ignored_fields", ()))
    keep = [(n, f) for n, f in enumerate(given) if f.name not in ignored]
    # The defaults are the same on every row: their part of the change record is built once.
    constant = {f.name: [None, REDACTED if f.name in redacted else jsonable(f.get_default())]
                for f in rest if f.name not in ignored and f.get_default() not in (None, "")}
    fields = [f for f in AuditLog._meta.concrete_fields if not f.primary_key]
    template = entry_for(None, action=AuditAction.CREATE, message=message,
                         content_type=ContentType.objects.get_for_model(model))
    base = [getattr(template, f.attname) for f in fields]
    position = {f.attname: n for n, f in enumerate(fields)}
    oid, orepr, path, delta = (position[a] for a in ("object_id", "object_repr", "unit_path", "changes"))

    if not is_postgres():
        def changes(row: Sequence[Any]) -> dict[str, Any]:
            result = {f.name: [None, REDACTED if f.name in redacted else kept(row[n], sensitive.get(f.name))]
                      for n, f in keep if row[n] is not None and row[n] != ""}
            return {**result, **constant}

        entries = []
        for pk, row, text, unit_path in zip(pks, rows, reprs, unit_paths):
            entry = base.copy()
            entry[oid], entry[orepr], entry[path], entry[delta] = str(pk), text[:200], unit_path, changes(row)
            entries.append(AuditLog(**dict(zip([f.attname for f in fields], entry))))
        record_many(entries)
        return

    # {"name": [null, value], …} as text: a key prefix and an encoder per field.
    encoders = [(n, f'{encode_basestring(f.name)}: [null, ', f.name in redacted,
                 _json_text(f) if f.name not in sensitive else secrets.audit_json_maker(sensitive[f.name]))
                for n, f in keep]
    tail = json.dumps(constant, ensure_ascii=False)[1:-1]
    hidden = encode_basestring(REDACTED)

    def changes_text(row: Sequence[Any]) -> str:
        parts = [prefix + (hidden if secret else encode(row[n])) + "]" for n, prefix, secret, encode in encoders
                 if row[n] is not None and row[n] != ""]
        if tail:
            parts.append(tail)
        return "{" + ", ".join(parts) + "}"

    def audit_rows() -> Iterable[list[Any]]:
        for pk, row, text, unit_path in zip(pks, rows, reprs, unit_paths):
            entry = base.copy()
            entry[oid], entry[orepr], entry[path], entry[delta] = str(pk), text[:200], unit_path, changes_text(row)
            yield entry

    copy_rows(AuditLog._meta.db_table, [f.column for f in fields], audit_rows())
