"""Writing checked rows in bulk (批量入库): COPY on PostgreSQL, bulk_create/bulk_update
elsewhere, with the audit rows of every new and changed record."""

from __future__ import annotations

import datetime
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import Q

from orgwork.audit.models import AuditAction, AuditLog
from orgwork.common import secrets
from orgwork.audit.recorder import entry_for, record_many

from .reader import picker

if TYPE_CHECKING:
    from .engine import Column

VERSION_FIELD = "version"
REQUIRED_MESSAGE = "此项为必填项，不能为空。"
dumps_json = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(…, ensure_ascii=False)
_MISSING = object()
_NONE_TYPE = type(None)
# Field families whose database preparation (``get_db_prep_save``) on PostgreSQL gives a
# value of the given type back unchanged: such values go to COPY as they are. Checked in
# this order (a DateTimeField is a DateField; an AutoField an IntegerField).
_PASS_THROUGH: tuple[tuple[type[models.Field], type], ...] = (
    (models.DateTimeField, datetime.datetime), (models.DateField, datetime.date), (models.BooleanField, bool),
    (models.BigAutoField, int), (models.SmallAutoField, int), (models.AutoField, int), (models.IntegerField, int),
    (models.CharField, str), (models.TextField, str),
)
_PREPARATION = ("get_prep_value", "get_db_prep_value", "get_db_prep_save")


def pass_through_type(field: models.Field) -> type | None:
    """The Python type whose values of ``field`` need no preparation for the database
    (None: every value goes through ``get_db_prep_save``, e.g. JSON, decimals). A
    subclass that prepares values its own way is never passed through."""
    target = field.target_field if field.many_to_one else field
    for family, kind in _PASS_THROUGH:
        if isinstance(target, family):
            if all(getattr(type(target), name) is getattr(family, name) for name in _PREPARATION):
                return kind
            return None
    return None


class ValueCheck:
    """Whether the database will take each written field's value, as the model field
    prepares it (``get_db_prep_save``): of a type it can be made into, within the
    column's range and length, not empty where the column requires a value.

    A column whose values are all of the field's own type and in bounds is passed at C
    speed (a type set, a min/max); otherwise each value is prepared, and one that is
    of another type but convertible (a date given as text) is replaced on the instance
    by its prepared value, so that COPY receives what the ORM would have written."""

    def __init__(self, model: type[models.Model]) -> None:
        self.fields = [f for f in model._meta.concrete_fields
                       if not f.primary_key and not getattr(f, "generated", False)
                       and not getattr(f, "auto_now", False) and not getattr(f, "auto_now_add", False)
                       and f.db_default is models.NOT_PROVIDED]
        self.getters = [itemgetter(f.attname) for f in self.fields]
        self.kinds = [pass_through_type(f) for f in self.fields]
        self.ranges = [connection.ops.integer_field_range((f.target_field if f.many_to_one else f).get_internal_type())
                       if kind is int else (None, None) for f, kind in zip(self.fields, self.kinds)]

    def failures(self, instances: list[models.Model]) -> dict[int, list[tuple[models.Field, str]]]:
        """Per position in ``instances``, the fields whose value the database would refuse."""
        stored = [instance.__dict__ for instance in instances]
        found: dict[int, list[tuple[models.Field, str]]] = {}
        for f, get, kind, bounds in zip(self.fields, self.getters, self.kinds, self.ranges):
            try:
                values = list(map(get, stored))  # a column at a time, at C speed
            except KeyError:  # a deferred field: not loaded, so not written
                values = [row.get(f.attname, _MISSING) for row in stored]
            if kind is not None and self._passes(f, kind, bounds, values):
                continue
            for position, value in enumerate(values):
                if value is _MISSING:
                    continue
                message = self._check(f, kind, bounds, value, stored[position])
                if message:
                    found.setdefault(position, []).append((f, message))
        return found

    @staticmethod
    def _passes(f: models.Field, kind: type, bounds: tuple[int | None, int | None], values: Any) -> bool:
        kinds = set(map(type, values))
        if _NONE_TYPE in kinds:  # (not ``None in values``: that compares every value)
            if not f.null:
                return False
            kinds.discard(_NONE_TYPE)
            values = [v for v in values if v is not None]
        if not kinds:
            return True
        if not all(_is_kind(k, kind) for k in kinds):
            return False
        if kind is str:
            return not f.max_length or max(map(len, values)) <= f.max_length
        if kind is int:
            low, high = bounds
            return (low is None or min(values) >= low) and (high is None or max(values) <= high)
        if kind is datetime.datetime:
            return all(v.tzinfo is not None for v in values)
        return True

    @staticmethod
    def _check(f: models.Field, kind: type | None, bounds: tuple[int | None, int | None], value: Any,
               stored: dict[str, Any]) -> str:
        label = str(f.verbose_name)
        if value is None:
            return "" if f.null else REQUIRED_MESSAGE
        if kind is not None and (not _is_kind(type(value), kind)
                                 or (kind is datetime.datetime and value.tzinfo is None)):
            try:
                prepared = f.get_prep_value(value)  # the Python side: a date from its text…
                f.get_db_prep_save(prepared, connection)  # …and the database side takes it
            except Exception:
                prepared = _MISSING
            if prepared is None or prepared is _MISSING or not _is_kind(type(prepared), kind):
                return _wrong_type(f, label, value)
            stored[f.attname] = value = prepared
        elif kind is None:
            try:
                f.get_db_prep_save(value, connection)
            except Exception:
                return _wrong_type(f, label, value)
            return ""
        if kind is str and f.max_length and len(value) > f.max_length:
            return f"最多 {f.max_length} 个字符（现有 {len(value)} 个）。"
        if kind is int:
            low, high = bounds
            if (low is not None and value < low) or (high is not None and value > high):
                return f"{label}「{value}」超出允许的范围。"
        return ""


def _is_kind(value_type: type, kind: type) -> bool:
    """A value of ``value_type`` goes to a ``kind`` column as it is: text and number
    choices (``TextChoices`` members are strings) too, but not a datetime as a date."""
    if kind is datetime.date:
        return value_type is datetime.date
    return issubclass(value_type, kind) and not (kind is int and value_type is bool)


def _wrong_type(f: models.Field, label: str, value: Any) -> str:
    redacted = set(getattr(f.model, "audit_redacted_fields", ()))
    if f.name in redacted:
        return f"{label}的值格式不正确，无法写入。"
    shown = str(value)
    shown = shown if len(shown) <= 40 else shown[:40] + "…"
    return f"「{shown}」不是有效的{label}，无法写入。"


class Pending(NamedTuple):
    """A checked row waiting for its chunk's write: the instance, its audit changes
    (a dictionary, JSON text, or None for a new row whose JSON ``new_changes`` makes
    with its chunk's) and its unit's path, which the engine read for the scope check and
    the audit row records."""

    instance: models.Model
    changes: dict[str, Any] | str | None
    unit_path: str


def audit_fields(model: type[models.Model]) -> list[tuple[models.Field, bool | str]]:
    """The fields an audit row's ``changes`` covers, each with how its value is kept:
    the kind of personal data it holds (kept masked and hashed, ``orgwork.common.secrets``),
    True when redacted, False when kept as it is. Concrete, not generated, not ignored;
    the version counter is bookkeeping."""
    ignored = set(getattr(model, "audit_ignored_fields", ())) | {VERSION_FIELD}
    redacted = set(getattr(model, "audit_redacted_fields", ()))
    sensitive = secrets.sensitive_fields(model)
    return [(f, sensitive.get(f.name) or f.name in redacted) for f in model._meta.concrete_fields
            if not getattr(f, "generated", False) and f.name not in ignored]


class BulkWriter:
    """Writes new and changed instances of one chunk, and their audit rows, at once.

    On PostgreSQL a chunk's writes run in a background thread on the transaction's own
    connection while the engine checks the next chunk: the database and the Python
    checks each keep a core busy. The engine's queries wait for the write in flight
    (``before_query``, installed with ``pipelined``), so statements never interleave,
    and an error of the write is raised at the next query or at ``finish``.
    Elsewhere every step runs at once, in order, through the ORM.
    """

    def __init__(self, model: type[models.Model], present: list[Column], key_attributes: list[str],
                 new_changes: Callable[[list[models.Model]], list[str]] | None = None, keep_pks: bool = False,
                 update_keys: bool = False) -> None:
        self.model = model
        # New rows' audit changes as JSON text, for a chunk at once (``takes_json_changes``).
        self.new_changes = new_changes
        self.opts = model._meta
        self.present = present
        self.key_attnames = [self.opts.get_field(a).attname for a in key_attributes]
        # A changed row is found by its key and leaves the key alone, unless rows may be
        # found by their number instead (``update_keys``): then its key columns are values too.
        self.kept_attnames = [] if update_keys else self.key_attnames
        self.new: list[Pending] = []
        self.updated: list[Pending] = []
        self.keep_pks = keep_pks
        # The keys of the rows written, new and changed apart: the job's links to them
        # (``ImportJobRow``) and the resource's after_import_commit. A list per chunk.
        self.new_pks: list[Any] = []
        self.updated_pks: list[Any] = []
        self.insert_fields = [f for f in self.opts.concrete_fields
                              if not f.primary_key and not getattr(f, "generated", False)]
        imported = {c.attname for c in present}
        self.update_fields = [f for f in self.insert_fields
                              if (f.attname in imported and f.attname not in self.kept_attnames)
                              or getattr(f, "auto_now", False)]
        self.versioned = any(f.name == VERSION_FIELD for f in self.insert_fields)
        self.update_fields = [f for f in self.update_fields if f.name != VERSION_FIELD]
        self.postgres = connection.vendor == "postgresql"
        self.content_type = ContentType.objects.get_for_model(model)
        # Keys drawn from the sequence ahead of the rows (see ``reserve``), and whether a
        # chunk's writes can go to the background (its keys need no reading back).
        self.auto_pk = isinstance(self.opts.pk, models.AutoField)
        # The background writer: without it (each chunk written in the engine's thread)
        # 0.77 (0.57–1.06), measured as the tricks in engine.py.
        self.background = self.postgres and self.auto_pk
        # Type of each column, for binary COPY (see ``_copy_step``).
        self.column_types = column_types(self.opts.db_table) if self.postgres else {}
        self._pks: list[int] = []
        self._pending: list[list[tuple[Any, ...]]] = []
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def rows(self, fields: list[models.Field], instances: list[models.Model], add: bool) -> list[Any]:
        """The column values of ``instances`` for COPY. ``auto_now`` fields (and
        ``auto_now_add`` on insert) take one moment for the chunk, set on every instance
        as ``pre_save`` would. Values of the types ``pass_through_type`` names go as
        they are (the engine's ``ValueCheck`` has seen to it); the others (JSON,
        decimals…) as the field prepares them (``get_db_prep_save``)."""
        if not instances:
            return []
        _stamp(fields, instances, add)
        names = [f.attname for f in fields]
        try:
            # Read from the instances' dictionaries, as the fields' descriptors would,
            # without looking each name up on the class first.
            stored = picker(names)
            rows = [stored(instance.__dict__) for instance in instances]
        except KeyError:  # a deferred field: the descriptors load it
            rows = [tuple(getattr(instance, name) for name in names) for instance in instances]
        prepared = [(n, f.get_db_prep_save) for n, f in enumerate(fields) if pass_through_type(f) is None]
        if not prepared:
            return rows
        rows = [list(row) for row in rows]
        for row in rows:
            for n, prepare in prepared:
                if row[n] is not None:
                    row[n] = prepare(row[n], connection)
        return rows

    # --- the engine's side ---------------------------------------------------------

    @contextmanager
    def pipelined(self) -> Iterator[None]:
        """The engine's run: its queries wait for the write in flight; on the way out
        (an error included) no write is left running on the connection."""
        if not self.background:
            yield
            return
        checked = self._checked_while_copying()
        try:
            with connection.execute_wrapper(self.before_query):
                yield
        finally:
            self._join()
        if checked:
            with connection.cursor() as cursor:
                cursor.execute(f"SET CONSTRAINTS {checked} DEFERRED")

    def _checked_while_copying(self) -> str:
        """Foreign keys checked as rows arrive instead of at COMMIT (Django declares them
        DEFERRABLE INITIALLY DEFERRED): the model's keys to other tables, whose targets
        the engine has looked up already. The checks then run in the database during the
        background COPY instead of one after another at the end. A key to the model's own
        table keeps waiting for COMMIT: a sheet may list a child before its parent. (The
        audit trail's keys are checked per statement by a trigger, see AuditLog.actor.)"""
        names = []
        table = self.opts.db_table
        with connection.cursor() as cursor:
            for name, info in connection.introspection.get_constraints(cursor, table).items():
                target = info.get("foreign_key")
                if target and target[0] != table:
                    names.append(connection.ops.quote_name(name))
            if names:
                cursor.execute(f"SET CONSTRAINTS {', '.join(names)} IMMEDIATE")
        return ", ".join(names)

    def before_query(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.wait()
        return execute(sql, params, many, context)

    @property
    def written_pks(self) -> list[Any]:
        return self.new_pks + self.updated_pks

    @property
    def takes_json_changes(self) -> bool:
        """Whether ``add`` may be given a new row's changes as None, to be made as JSON
        text with ``new_changes`` for the whole chunk (COPY writes text; the ORM path
        builds AuditLog instances from dictionaries)."""
        return self.postgres and self.new_changes is not None

    def reserve(self, count: int) -> None:
        """Draw keys for up to ``count`` new rows of the next chunk now, while no write
        is running, so that preparing the chunk's writes needs no query."""
        if self.background and count > len(self._pks):
            self._pks += reserve_pks(self.model, count - len(self._pks))

    def assign_pk(self, instance: models.Model) -> None:
        """Give a new row its key now (from those reserved), for later rows of the sheet
        that refer to it (a unit's parent). Where keys are not drawn ahead (the ORM
        path) the insert gives them, see ``_write_orm``."""
        if self.background and instance.pk is None:
            if not self._pks:
                self._pks += reserve_pks(self.model, 1)
            instance.pk = self._pks.pop()

    def add(self, action: str, instance: models.Model, changes: dict[str, Any] | str | None, unit_path: str) -> None:
        (self.new if action == "new" else self.updated).append(Pending(instance, changes, unit_path))

    def flush(self) -> None:
        """Prepare the chunk's writes (keys, column values, audit rows). In the background
        mode they start with the next ``start`` (after the next chunk's queries) or
        ``finish``; otherwise they are written now."""
        if not self.new and not self.updated:
            return
        if not self.postgres:
            self._write_orm()
        else:
            steps = self._steps()
            if self.background:
                self._pending.append(steps)
            else:
                _run_steps(steps)
        self.new_pks += [p.instance.pk for p in self.new]
        self.updated_pks += [p.instance.pk for p in self.updated]
        self.new, self.updated = [], []

    def start(self) -> None:
        """Start the prepared writes in the background (after the previous ones)."""
        if not self._pending:
            return
        self.wait()
        steps = [step for job in self._pending for step in job]
        self._pending = []
        raw = connection.connection
        self._thread = threading.Thread(target=self._work, args=(raw, steps), name="import-writer", daemon=True)
        self._thread.start()

    def finish(self) -> None:
        """Write what is prepared and wait for it: everything is in the transaction."""
        self.start()
        self.wait()

    def wait(self) -> None:
        self._join()
        if self._error is not None:
            error, self._error = self._error, None
            with connection.wrap_database_errors:
                raise error

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _work(self, raw: Any, steps: list[tuple[Any, ...]]) -> None:
        try:
            _run_steps(steps, raw)
        except BaseException as exc:  # raised again in the engine's thread by wait()
            self._error = exc

    # --- PostgreSQL: COPY steps ------------------------------------------------------

    def _copy_step(self, table: str, fields: list[models.Field], rows: list[Any]) -> tuple[Any, ...]:
        """A COPY of ``rows`` into ``table`` (the model's table or its staging copy, whose
        columns have the same types). Binary: model values go to the server as they are,
        without being written out as text and parsed back, several times cheaper on both
        sides (JSON too: the prepared values are psycopg's JSON wrappers)."""
        columns = [f.column for f in fields]
        return ("copy", table, columns, rows, [self.column_types[c] for c in columns])

    def _steps(self) -> list[tuple[Any, ...]]:
        steps: list[tuple[Any, ...]] = []
        if self.new:
            steps += self._insert_steps([p.instance for p in self.new])
        if self.updated:
            steps += self._update_steps([p.instance for p in self.updated],
                                        {name for p in self.updated for name in p.changes})
        steps.append(self._audit_step())
        return steps

    def _audit_step(self) -> tuple[Any, ...]:
        """The rows ``entry_for`` would build, as COPY text: the columns that are the same
        for every row of an action (from one template row) written out once, then the
        four that differ."""
        varying = ["object_id", "object_repr", "unit_path", "changes"]
        fields = [f for f in AuditLog._meta.concrete_fields if not f.primary_key and f.attname not in varying]
        fixed = len(fields)
        fields += [AuditLog._meta.get_field(name) for name in varying]
        lines: list[str] = []
        for action, items in ((AuditAction.CREATE, self.new), (AuditAction.UPDATE, self.updated)):
            if not items:
                continue
            template = entry_for(None, action=action, content_type=self.content_type)
            prefix = "".join(copy_text(getattr(template, f.attname)) + "\t" for f in fields[:fixed])
            texts = [changes if changes is None or type(changes) is str else dumps_json(changes)
                     for _, changes, _ in items]
            if None in texts:
                assert self.new_changes is not None
                made = iter(self.new_changes([p.instance for p, text in zip(items, texts) if text is None]))
                texts = [next(made) if text is None else text for text in texts]
            paths: dict[str, str] = {}
            lines += [f"{prefix}{copy_text(str(instance.pk))}\t{copy_text(str(instance)[:200])}\t"
                      f"{paths.get(path) or paths.setdefault(path, copy_text(path))}\t{_json_copy_text(text)}\n"
                      for (instance, _, path), text in zip(items, texts)]
        return ("copy_text", AuditLog._meta.db_table, [f.column for f in fields], "".join(lines))

    def _insert_steps(self, instances: list[models.Model]) -> list[tuple[Any, ...]]:
        table = self.opts.db_table
        if self.auto_pk:
            # Numbers drawn from the table's own sequence before the COPY, so nothing
            # has to be read back by natural key afterwards.
            keyless = [i for i in instances if i.pk is None]  # not given one by assign_pk
            if len(self._pks) < len(keyless):
                self._pks += reserve_pks(self.model, len(keyless) - len(self._pks))
            numbers, self._pks = self._pks[:len(keyless)], self._pks[len(keyless):]
            for instance, number in zip(keyless, numbers):
                instance.pk = number
            fields = [self.opts.pk, *self.insert_fields]
            return [self._copy_step(table, fields, self.rows(fields, instances, True))]
        fields = self.insert_fields
        _run_steps([self._copy_step(table, fields, self.rows(fields, instances, True))])
        self._read_back_pks(instances)
        return []

    def _read_back_pks(self, instances: list[models.Model]) -> None:
        """COPY returns nothing: read the new primary keys back by natural key."""
        if len(self.key_attnames) > 1:
            condition = Q()
            for i in instances:
                condition |= Q(**{a: getattr(i, a) for a in self.key_attnames})
            pks = {tuple(r[1:]): r[0] for r in self.model._default_manager.filter(condition)
                   .values_list("pk", *self.key_attnames)}
            for i in instances:
                i.pk = pks.get(tuple(getattr(i, a) for a in self.key_attnames))
            return
        key_attname = self.key_attnames[0]
        key_column = self.opts.get_field(key_attname).column
        by_key = {getattr(i, key_attname): i for i in instances}
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT "{self.opts.pk.column}", "{key_column}" FROM "{self.opts.db_table}" WHERE "{key_column}" = ANY(%s)',
                [list(by_key)],
            )
            for pk, key in cursor.fetchall():
                by_key[key].pk = pk

    def _changed_fields(self, changed: set[str]) -> list[models.Field]:
        """The imported columns, plus any field a resource's hook derived from them (a
        cadre's pinyin keys from the name, an organisation's path from its parent) that
        changed on some row of the chunk."""
        return list(self.update_fields) + [
            f for f in self.insert_fields
            if f.name in changed and f not in self.update_fields and f.name != VERSION_FIELD
            and f.attname not in self.kept_attnames
        ]

    def _move_versions(self, instances: list[models.Model]) -> None:
        """The stored counter plus one, whatever a resource hook did to the instance."""
        if self.versioned:
            for i in instances:
                i.version = (i._audit_loaded.get(VERSION_FIELD) or 0) + 1

    def _update_steps(self, instances: list[models.Model], changed: set[str]) -> list[tuple[Any, ...]]:
        fields = self._changed_fields(changed)
        self._move_versions(instances)
        stage = f"import_stage_{self.opts.db_table}"[:63]
        pk = self.opts.pk
        columns = [pk.column] + [f.column for f in fields]
        quoted = ", ".join(f'"{c}"' for c in columns)
        assignments = ", ".join(f'"{f.column}" = s."{f.column}"' for f in fields)
        if self.versioned:
            assignments += f', "{VERSION_FIELD}" = t."{VERSION_FIELD}" + 1'
        return [
            # A staging table per chunk: the derived fields that changed differ by chunk.
            ("execute", f'DROP TABLE IF EXISTS "{stage}"'),
            ("execute", f'CREATE TEMP TABLE "{stage}" ON COMMIT DROP AS '
                        f'SELECT {quoted} FROM "{self.opts.db_table}" WITH NO DATA'),
            self._copy_step(stage, [pk, *fields], self.rows([pk, *fields], instances, False)),
            ("execute", f'UPDATE "{self.opts.db_table}" AS t SET {assignments} FROM "{stage}" AS s '
                        f'WHERE t."{pk.column}" = s."{pk.column}"'),
        ]

    # --- other databases: the ORM --------------------------------------------------

    def _write_orm(self) -> None:
        if self.new:
            self._insert_orm([p.instance for p in self.new])
        if self.updated:
            instances = [p.instance for p in self.updated]
            fields = self._changed_fields({name for p in self.updated for name in p.changes})
            self._move_versions(instances)
            if self.versioned:
                fields.append(self.opts.get_field(VERSION_FIELD))
            _stamp(fields, instances, False)
            self.model._default_manager.bulk_update(instances, [f.name for f in fields], batch_size=1000)
        entries = [entry_for(p.instance, action=AuditAction.CREATE, changes=p.changes) for p in self.new]
        entries += [entry_for(p.instance, action=AuditAction.UPDATE, changes=p.changes) for p in self.updated]
        record_many(entries)


    def _insert_orm(self, instances: list[models.Model]) -> None:
        """``bulk_create`` in the sheet's order. A row naming another new row of the
        sheet (a unit's parent) holds a stand-in key from the validation or none: it is
        inserted after that row, in a later batch, and takes its real key."""
        own = [f for f in self.insert_fields if f.many_to_one and f.related_model is self.model]
        if not own:
            self.model._default_manager.bulk_create(instances, batch_size=1000)
            return
        batch: list[models.Model] = []
        members: set[int] = set()
        for instance in instances:
            if isinstance(instance.pk, int) and instance.pk < 0:
                instance.pk = None  # a stand-in given during the checks
            targets = [instance._state.fields_cache.get(f.name) for f in own]
            if batch and any(id(t) in members for t in targets if t is not None):
                self.model._default_manager.bulk_create(batch)
                batch, members = [], set()
            for f, target in zip(own, targets):
                if target is not None and target.pk is not None:
                    setattr(instance, f.attname, target.pk)
            batch.append(instance)
            members.add(id(instance))
        if batch:
            self.model._default_manager.bulk_create(batch)


def _stamp(fields: list[models.Field], instances: list[models.Model], add: bool) -> None:
    """``auto_now`` fields (and ``auto_now_add`` ones when adding) set to one moment for
    all ``instances``, the value ``pre_save`` gives the first."""
    for f in fields:
        if instances and (getattr(f, "auto_now", False) or (add and getattr(f, "auto_now_add", False))):
            moment = f.pre_save(instances[0], add)
            for instance in instances:
                setattr(instance, f.attname, moment)


def _run_steps(steps: list[tuple[Any, ...]], raw: Any = None) -> None:
    """Run prepared statements and COPYs on the driver's connection (the transaction's
    own when ``raw`` is None), with Django's error wrapper in the engine's thread: a
    unique violation arrives as django.db.IntegrityError, which the engine turns into a
    message."""
    if raw is None:
        connection.ensure_connection()
        with connection.wrap_database_errors:
            _run_steps(steps, connection.connection)
        return
    with raw.cursor() as cursor:
        for step in steps:
            if step[0] == "copy":
                _, table, columns, rows, types = step
                with cursor.copy(_copy_sql(table, columns, binary=types is not None)) as copy:
                    if types is not None:
                        copy.set_types(types)
                    for row in rows:
                        copy.write_row(row)
            elif step[0] == "copy_text":
                _, table, columns, text = step
                with cursor.copy(_copy_sql(table, columns, binary=False)) as copy:
                    copy.write(text)
            else:
                cursor.execute(*step[1:])


def _copy_sql(table: str, columns: list[str], *, binary: bool) -> str:
    column_list = ", ".join(f'"{c}"' for c in columns)
    return f'COPY "{table}" ({column_list}) FROM STDIN' + (" (FORMAT BINARY)" if binary else "")


_COPY_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


def copy_text(value: Any) -> str:
    """One value as COPY's text format writes it: ``\\N`` for NULL, booleans as
    ``t``/``f``, dates and times in ISO form, text with backslash, tab and line breaks
    escaped (a string is scanned once per character it might hold, at C speed)."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    text = str(value)
    for char, escaped in _COPY_ESCAPES:
        if char in text:
            text = text.replace(char, escaped)
    return text


def _json_copy_text(text: str) -> str:
    """JSON text in COPY's text format. The JSON encoder already writes tabs and line
    breaks inside strings as escapes, so only its backslashes need doubling."""
    return text.replace("\\", "\\\\") if "\\" in text else text


def column_types(table: str) -> dict[str, int]:
    """Column name → PostgreSQL type (its OID), as the table has them."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} WHERE false")
        return {column.name: column.type_code for column in cursor.description}


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


def copy_rows(table: str, columns: list[str], rows: Iterable[Any], *, types: list[int] | None = None) -> None:
    """PostgreSQL COPY … FROM STDIN through psycopg 3 (tens of thousands of rows a second);
    with ``types`` (the columns' types, see ``column_types``) in the binary format, the
    values then matching those types."""
    _run_steps([("copy", table, columns, rows, types)])


def copy_lines(table: str, columns: list[str], text: str) -> None:
    """PostgreSQL COPY … FROM STDIN of ready COPY text (tab-separated lines): for rows of
    plain numbers, made with one join instead of a call per row."""
    _run_steps([("copy_text", table, columns, text)])
