"""Model fields shared by the domain apps."""

from __future__ import annotations

import functools
import json
from typing import Any

from django.db import models
from django.db.models import Lookup
from django.db.models.fields.json import KeyTransform, KeyTransformFactory


class AsciiKeyField(models.CharField):
    """A sort and search key of ASCII letters and digits (拼音检索键: ``zengguofan``,
    ``zgf``), stored in byte order on PostgreSQL (the ``C`` collation).

    In byte order one plain b-tree serves both ``ORDER BY`` and prefix search
    (``LIKE 'zeng%'``); under a language collation the prefix search needs a second
    index with the pattern operator class, which every insert pays for. For these keys
    byte order is alphabetical order. Other databases keep their own collation.
    """

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class LogJSONField(models.JSONField):
    """JSON kept as it was written, for append-only logs (审计日志的变更内容): the
    ``json`` type on PostgreSQL instead of ``jsonb``.

    ``jsonb`` takes every document apart into a binary tree on the way in and stores it
    larger; a log row is written once, read a few times and never searched inside by an
    index, and an import writes a hundred thousand of them at a time (measured: a third
    of the audit rows' COPY time). ``json`` still refuses malformed text and keeps the
    keys in the order they were written. Queries read the column as ``jsonb``, so every
    JSONField lookup (``changes__status``, ``changes__has_key``…) works as before.
    """

    def db_type(self, connection: Any) -> str | None:
        return "json" if connection.vendor == "postgresql" else super().db_type(connection)

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        """Saved as ``json`` text, as written (lookups compare ``jsonb`` values)."""
        if connection.vendor != "postgresql" or value is None or hasattr(value, "as_sql"):
            return super().get_db_prep_save(value, connection)
        from psycopg.types.json import Json

        return Json(self.get_prep_value(value), dumps=self._dumps)

    def _dumps(self, value: Any) -> str:
        return json.dumps(value, cls=self.encoder, ensure_ascii=False)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is not None and not isinstance(value, str):
            return value  # the driver decodes json itself (Django has it hand jsonb over as text)
        return super().from_db_value(value, expression, connection)

    def get_transform(self, name: str) -> Any:
        transform = super().get_transform(name)
        if isinstance(transform, KeyTransformFactory):
            return _JsonbKeyTransformFactory(name)
        return transform

    def get_lookup(self, lookup_name: str) -> Any:
        lookup = super().get_lookup(lookup_name)
        return _read_as_jsonb(lookup) if lookup is not None else None


def _as_jsonb(sql: str, connection: Any) -> str:
    return f"({sql})::jsonb" if connection.vendor == "postgresql" else sql


class _JsonbKeyTransform(KeyTransform):
    def preprocess_lhs(self, compiler: Any, connection: Any) -> tuple[str, Any, list[str]]:
        lhs, params, keys = super().preprocess_lhs(compiler, connection)
        return _as_jsonb(lhs, connection), params, keys


class _JsonbKeyTransformFactory(KeyTransformFactory):
    def __call__(self, *args: Any, **kwargs: Any) -> _JsonbKeyTransform:
        return _JsonbKeyTransform(self.key_name, *args, **kwargs)


@functools.cache
def _read_as_jsonb(lookup: type[Lookup]) -> type[Lookup]:
    """``lookup`` (exact, contains, has_key…) comparing the column read as jsonb."""

    def process_lhs(self: Any, compiler: Any, connection: Any, lhs: Any = None) -> tuple[str, Any]:
        sql, params = lookup.process_lhs(self, compiler, connection, lhs)
        return _as_jsonb(sql, connection), params

    return type(lookup.__name__, (lookup,), {"process_lhs": process_lhs})
