"""Writing checked rows in bulk (批量入库): COPY on PostgreSQL, bulk_create/bulk_update
elsewhere, with the audit rows of every new and changed record."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

from orgwork.audit.models import AuditAction, AuditLog
from orgwork.audit.recorder import entry_for, record_many, unit_path_of

if TYPE_CHECKING:
    from .engine import Column

VERSION_FIELD = "version"


class BulkWriter:
    """Writes new and changed instances of one chunk, and their audit rows, at once."""

    def __init__(self, model: type[models.Model], present: list[Column], key_attributes: list[str]) -> None:
        self.model = model
        self.opts = model._meta
        self.present = present
        self.key_attnames = [self.opts.get_field(a).attname for a in key_attributes]
        self.new: list[tuple[models.Model, dict[str, Any]]] = []
        self.updated: list[tuple[models.Model, dict[str, Any]]] = []
        self.written_pks: list[Any] = []  # for the resource's after_import_commit
        self.insert_fields = [f for f in self.opts.concrete_fields
                              if not f.primary_key and not getattr(f, "generated", False)]
        imported = {c.attname for c in present}
        self.update_fields = [f for f in self.insert_fields
                              if (f.attname in imported and f.attname not in self.key_attnames)
                              or getattr(f, "auto_now", False)]
        self.versioned = any(f.name == VERSION_FIELD for f in self.insert_fields)
        self.update_fields = [f for f in self.update_fields if f.name != VERSION_FIELD]
        self.postgres = connection.vendor == "postgresql"
        self.content_type = ContentType.objects.get_for_model(model)

    def _getter(self, fields: list[models.Field], add: bool) -> Callable[[models.Model], list[Any]]:
        """Column values of one instance; plain attributes through one attrgetter."""
        special = {i: f for i, f in enumerate(fields)
                   if getattr(f, "auto_now", False) or (add and getattr(f, "auto_now_add", False))
                   or isinstance(f, models.JSONField)}
        names = [f.attname for f in fields]
        plain = attrgetter(*names) if len(names) > 1 else (lambda obj: (getattr(obj, names[0]),))
        if not special:
            return lambda obj: list(plain(obj))

        def values(obj: models.Model) -> list[Any]:
            row = list(plain(obj))
            for i, f in special.items():
                row[i] = self._value(f, obj, add)
            return row

        return values

    def add(self, action: str, instance: models.Model, changes: dict[str, Any]) -> None:
        (self.new if action == "new" else self.updated).append((instance, changes))

    def flush(self) -> None:
        if self.new:
            self._insert([i for i, _ in self.new])
        if self.updated:
            self._update([i for i, _ in self.updated], {name for _, c in self.updated for name in c})
        if self.postgres:
            self._audit_copy()
        else:
            entries = [entry_for(i, action=AuditAction.CREATE, changes=c) for i, c in self.new]
            entries += [entry_for(i, action=AuditAction.UPDATE, changes=c) for i, c in self.updated]
            record_many(entries)
        self.written_pks += [i.pk for i, _ in self.new] + [i.pk for i, _ in self.updated]
        self.new, self.updated = [], []

    def _audit_copy(self) -> None:
        """The rows ``entry_for`` would build, as COPY tuples: one template per action."""
        fields = [f for f in AuditLog._meta.concrete_fields if not f.primary_key]
        columns = [f.column for f in fields]
        position = {f.attname: n for n, f in enumerate(fields)}
        rows: list[list[Any]] = []
        for action, items in ((AuditAction.CREATE, self.new), (AuditAction.UPDATE, self.updated)):
            if not items:
                continue
            template = entry_for(None, action=action, content_type=self.content_type)
            base = [getattr(template, f.attname) for f in fields]
            for instance, changes in items:
                row = base.copy()
                row[position["object_id"]] = str(instance.pk)
                row[position["object_repr"]] = str(instance)[:200]
                row[position["unit_path"]] = unit_path_of(instance)
                row[position["changes"]] = json.dumps(changes, ensure_ascii=False)
                rows.append(row)
        copy_rows(AuditLog._meta.db_table, columns, rows)

    def _value(self, f: models.Field, instance: models.Model, add: bool) -> Any:
        if getattr(f, "auto_now", False) or (add and getattr(f, "auto_now_add", False)):
            return f.pre_save(instance, add)
        value = getattr(instance, f.attname)
        if isinstance(f, models.JSONField):
            return json.dumps(value, ensure_ascii=False)
        return value

    def _insert(self, instances: list[models.Model]) -> None:
        if not self.postgres:
            self.model._default_manager.bulk_create(instances, batch_size=1000)
            return
        table = self.opts.db_table
        if isinstance(self.opts.pk, models.AutoField):
            # Numbers drawn from the table's own sequence before the COPY, so nothing
            # has to be read back by natural key afterwards.
            for instance, number in zip(instances, reserve_pks(self.model, len(instances))):
                instance.pk = number
            fields = [self.opts.pk, *self.insert_fields]
            values = self._getter(fields, True)
            copy_rows(table, [f.column for f in fields], (values(i) for i in instances))
            return
        values = self._getter(self.insert_fields, True)
        copy_rows(table, [f.column for f in self.insert_fields], (values(i) for i in instances))
        # COPY returns nothing: read the new primary keys back by natural key.
        key_attname = self.key_attnames[0]
        key_column = self.opts.get_field(key_attname).column
        by_key = {getattr(i, key_attname): i for i in instances} if len(self.key_attnames) == 1 else None
        if by_key is None:
            self._fetch_pks_composite(instances)
            return
        pk_column = self.opts.pk.column
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT "{pk_column}", "{key_column}" FROM "{table}" WHERE "{key_column}" = ANY(%s)',
                [list(by_key)],
            )
            for pk, key in cursor.fetchall():
                by_key[key].pk = pk

    def _fetch_pks_composite(self, instances: list[models.Model]) -> None:
        condition = Q()
        for i in instances:
            condition |= Q(**{a: getattr(i, a) for a in self.key_attnames})
        pks = {tuple(r[1:]): r[0] for r in self.model._default_manager.filter(condition)
               .values_list("pk", *self.key_attnames)}
        for i in instances:
            i.pk = pks.get(tuple(getattr(i, a) for a in self.key_attnames))

    def _update(self, instances: list[models.Model], changed: set[str]) -> None:
        """The imported columns, plus any field a resource's hook derived from them (a
        cadre's pinyin keys from the name, an organisation's path from its parent) that
        changed on some row of the chunk."""
        fields = list(self.update_fields) + [
            f for f in self.insert_fields
            if f.name in changed and f not in self.update_fields and f.name != VERSION_FIELD
            and f.attname not in self.key_attnames
        ]
        if self.versioned:
            # The stored counter plus one, whatever a resource hook did to the instance.
            for i in instances:
                i.version = (i._audit_loaded.get(VERSION_FIELD) or 0) + 1
        if not self.postgres:
            if self.versioned:
                fields.append(self.opts.get_field(VERSION_FIELD))
            now = timezone.now()
            for i in instances:
                for f in fields:
                    if getattr(f, "auto_now", False):
                        setattr(i, f.attname, now)
            self.model._default_manager.bulk_update(instances, [f.name for f in fields], batch_size=1000)
            return
        stage = f"import_stage_{self.opts.db_table}"[:63]
        pk = self.opts.pk
        columns = [pk.column] + [f.column for f in fields]
        with connection.cursor() as cursor:
            cursor.execute(
                f'CREATE TEMP TABLE IF NOT EXISTS "{stage}" ON COMMIT DROP AS '
                f'SELECT {", ".join(chr(34) + c + chr(34) for c in columns)} FROM "{self.opts.db_table}" WITH NO DATA'
            )
            cursor.execute(f'TRUNCATE "{stage}"')
        values = self._getter(fields, False)
        copy_rows(stage, columns, ([i.pk, *values(i)] for i in instances))
        assignments = ", ".join(f'"{f.column}" = s."{f.column}"' for f in fields)
        if self.versioned:
            assignments += f', "{VERSION_FIELD}" = t."{VERSION_FIELD}" + 1'
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE "{self.opts.db_table}" AS t SET {assignments} FROM "{stage}" AS s '
                f'WHERE t."{pk.column}" = s."{pk.column}"'
            )


def reserve_pks(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys from the table's own sequence (PostgreSQL), so that
    rows written with COPY, and rows pointing to them, need nothing read back."""
    if count == 0:
        return []
    with connection.cursor() as cursor:
        # Looked up once: per row, pg_get_serial_sequence costs several times nextval.
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column])
        cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [cursor.fetchone()[0], count])
        return [row[0] for row in cursor.fetchall()]


def copy_rows(table: str, columns: list[str], rows: Iterable[list[Any]]) -> None:
    """PostgreSQL COPY … FROM STDIN through psycopg 3 (tens of thousands of rows a second)."""
    column_list = ", ".join(f'"{c}"' for c in columns)
    # The driver's own cursor, under Django's error wrapper: a unique violation arrives
    # as django.db.IntegrityError, which the engine turns into a message.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.cursor.copy(f'COPY "{table}" ({column_list}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
