"""The import engine (数据导入校验与入库): validate a sheet, then upsert it in bulk.

One pass over the sheet in chunks keeps memory bounded:

1. every cell goes through its column's widget (ID numbers, dates, choices, scoped
   foreign keys — looked up once per chunk, never per row);
2. each row becomes a model instance — the existing record with the new values, or a
   new one — checked with ``clean_fields``/``clean`` (uniqueness is checked in bulk:
   duplicates within the file, existing records by natural key, or by the system number
   a row gives, ``SystemNumber``: in a key cell, or in the resource's read-only number
   column, ``Meta.number_field``, where the row's natural key must still describe the
   record the number names);
3. an existing record or a target unit outside the uploader's jurisdiction is a row error;
4. with ``commit=True`` the new and changed rows of a chunk are written at once (COPY on
   PostgreSQL) with their audit rows; unchanged rows are not touched. The whole run is
   one transaction: a single bad row anywhere rolls everything back.
"""

from __future__ import annotations

import copy
import datetime
import gc
import hashlib
import itertools
import logging
import threading
import unicodedata
from contextlib import contextmanager
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Lookup, Q
from django.db.models.functions import Upper
from django.utils.text import Truncator
from import_export.widgets import CharWidget, DecimalWidget, FloatWidget, IntegerWidget, Widget

from orgwork.audit.context import acting_as, current_actor
from orgwork.audit.models import AuditSource
from orgwork.audit.recorder import REDACTED, jsonable, unit_path_of
from orgwork.common import checks, freetext, secrets
from orgwork.common.numbers import HAS_EXPONENT, refuse_excel_scientific, typed_text
from orgwork.units.scope import home_unit, sees_everything

from .probing import NEAR_MISS_MESSAGE, ProbeRefused, audit_elsewhere, refuse_near_misses
from .reader import FileError, Sheet, is_blank, picker
from .widgets import IDNumberWidget, KeptMasked, ScopedForeignKeyWidget, SystemNumber, number_for
from .writer import BulkWriter, ValueCheck, audit_fields, dumps_json

CHUNK_SIZE = 5000
MAX_STORED_ERRORS = 10000
PREVIEW_ROWS = 50
PREVIEW_COLUMNS = 5
# Columns that name a row's record, shown in the preview beside its key (see ``preview_headers``).
NAME_HEADERS = frozenset({"姓名", "单位名称", "组织名称", "清单名称", "书记姓名", "问题描述", "职务名称"})
logger = logging.getLogger(__name__)
REQUIRED_MESSAGE = "此项为必填项，不能为空。"
# Headers a sheet carries for its reader, not data: not worth a warning.
NOT_DATA_HEADERS = frozenset({"序号", "备注", "错误说明"})  # 错误说明: the error workbook's own column
CHANGED_MESSAGE = "校验后数据已有变化，请重新校验"
SCOPE_PATH = "_import_scope_path"
_SIMPLE_TYPES = frozenset({str, int, float, bool, type(None)})
CELL_CACHE_LIMIT = 20000
GC_THRESHOLD = 200_000  # allocations between young-generation collections during a run (default 700)
_MISS = object()
_TEXT_OR_BLANK = frozenset({str, type(None)})
_REDACTED_JSON = dumps_json(REDACTED) + "]"
_CACHED_JSON_FIELDS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField,
                       models.DateField, models.ForeignKey)  # DateTimeField excepted: equal instants, other zones


class _CellError:
    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


class _SheetRef:
    """A cell naming a record that an earlier row of the same sheet creates (a unit
    whose parent is listed above it): resolved to that row's instance when built."""

    __slots__ = ("key",)

    def __init__(self, key: tuple[Any, ...]) -> None:
        self.key = key


class DataChanged(FileError):
    """The records a confirmed sheet would write are no longer those its validation saw:
    a record was added, changed or removed meanwhile. Nothing is written."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"{CHANGED_MESSAGE}（{detail}）。")


# Each speed trick below is kept because it pays at least a tenth. Measured with
# bench_import's cadre sheet (50,000 rows, committed), seven rounds alternating the engine
# with every trick and the engine without one, on two cores shared with other work: the
# median of each round's ratio (without / with) and the range.


# Without it: 0.81 (0.68–1.39) — Cadre() costs 53 µs, the factory 2.8 µs.
def instance_factory(model: type[models.Model]) -> Callable[[], models.Model]:
    """New unsaved instances with their defaults, tens of times faster than ``Model()``.

    ``Model.__init__`` walks every field for every row; here it runs once and later rows
    copy its attribute dictionary (mutable defaults are copied, not shared). Models with
    ``post_init`` receivers (image fields…) keep the ordinary constructor.
    """
    if models.signals.post_init.has_listeners(model):
        return model
    template = model()
    base = {k: v for k, v in template.__dict__.items() if k != "_state"}
    mutable = [k for k, v in base.items() if isinstance(v, (list, dict, set))]
    state_class = type(template._state)
    new = model.__new__

    def make() -> models.Model:
        obj = new(model)
        obj.__dict__.update(base)
        for key in mutable:
            obj.__dict__[key] = copy.copy(base[key])
        obj._state = state_class()
        return obj

    return make


_gc_runs = 0  # imports running in this process (threads): the first sets, the last restores
_gc_lock = threading.Lock()
_gc_threshold: tuple[int, ...] = ()


# Without it: 0.75 (0.45–1.30).
@contextmanager
def _fewer_collections() -> Iterator[None]:
    """An import allocates millions of short-lived objects that form no cycles: the
    cyclic collector then runs thousands of times for nothing, and each full pass walks
    every object the process holds. During the run, what existed before is left out of
    its passes (``gc.freeze``) and it runs less often; both are restored afterwards,
    when the last import running in the process ends."""
    global _gc_runs, _gc_threshold
    with _gc_lock:
        if _gc_runs == 0 and gc.isenabled():
            _gc_threshold = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(GC_THRESHOLD, *_gc_threshold[1:])
        _gc_runs += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_runs -= 1
            if _gc_runs == 0 and _gc_threshold:
                gc.set_threshold(*_gc_threshold)
                gc.unfreeze()
                _gc_threshold = ()


class EqualsAny(Lookup):
    """``column = ANY(%s)`` with one array parameter (PostgreSQL): thousands of keys
    without thousands of placeholders to build and bind."""

    lookup_name = "equals_any"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]


class _Abort(Exception):
    """Raised inside the transaction to roll back a commit that met a row error."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportResult:
    rows: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    error_rows: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False
    # Per chunk, a digest of the stored records the rows' keys found (see ``_digest``).
    fingerprint: list[str] = field(default_factory=list)
    # A validation's first rows (``PREVIEW_ROWS``), as ``ImportEngine._preview_row`` makes them.
    preview: list[dict[str, Any]] = field(default_factory=list)
    # Headers of the sheet that are not imported (``ImportEngine.ignored_headers``), and
    # those of them that are the template's own columns shown for the reader (党籍状态).
    ignored_headers: list[str] = field(default_factory=list)
    shown_only_headers: list[str] = field(default_factory=list)
    # The cells read whose value is a formula's saved result: the first few, and how many
    # (``Sheet.formula_cells_read``).
    formula_cells: list[str] = field(default_factory=list)
    formula_count: int = 0
    # A commit's written rows: the primary keys of the new and of the changed records.
    new_pks: list[Any] = field(default_factory=list)
    updated_pks: list[Any] = field(default_factory=list)
    # What a commit's consequences did beyond the rows, one line each, for the job's message
    # (a resource's ``after_import_commit`` may return them).
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(error)

    def report(self) -> dict[str, Any]:
        """The JSON report of ``import_sheet --report`` and of the job page."""
        return {
            "rows": self.rows,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
        }


@dataclass
class Column:
    header: str
    attribute: str
    model_field: models.Field
    widget: Any
    kind: str  # "fk", "number", "widget" or "plain"
    # Cleaned values by raw cell: sheets repeat the same months, codes and units
    # thousands of times, and a widget's answer depends on the cell alone.
    cache: dict[tuple[type, Any], Any] | None = None
    text: bool = False  # a plain text column: cleaned inline by the engine
    failed: bool = False  # some cell of it has failed: cached answers may be errors
    # The kind of personal data the column holds (``ScopedModelResource.masked_kind``): a
    # cell still masked after the restore (``orgwork.imports.restore``) is refused.
    masked: str | None = None

    def __post_init__(self) -> None:
        self.text = (self.kind == "plain" and isinstance(self.model_field, (models.CharField, models.TextField))
                     and self.masked is None)

    @property
    def attname(self) -> str:
        return self.model_field.attname


def _json_item(prefix: str, new: Any) -> str:
    """One field of a new row's audit JSON (``"name": [null, value]``); "" when empty."""
    if new is None or new == "":
        return ""
    kind = type(new)
    if kind is str:
        return prefix + encode_basestring(new) + "]"
    if kind is int:
        return prefix + int.__repr__(new) + "]"
    if kind is bool:
        return prefix + ("true]" if new else "false]")
    if kind is datetime.date:
        return prefix + '"' + new.isoformat() + '"]'
    return prefix + dumps_json(jsonable(new)) + "]"


def _through_cache(cache: dict[Any, Any], keys: list[Any], make: Callable[[int], Any]) -> list[Any]:
    """The value for each of ``keys``: those in ``cache`` looked up at C speed, the
    others made one by one (``make(position)``) and remembered."""
    values = list(map(cache.get, keys, repeat(_MISS, len(keys))))
    if _MISS in values:
        for position in [p for p, value in enumerate(values) if value is _MISS]:
            key = keys[position]
            value = cache.get(key, _MISS)  # an earlier row of this same batch may have made it
            if value is _MISS:
                value = cache[key] = make(position)
            values[position] = value
    return values


def _messages(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return joined(exc.messages)
    return str(exc) or "格式不正确。"


def joined(messages: Sequence[Any]) -> str:
    """Several messages of one cell in one sentence: 不能大于 100；数字总共不能超过 5 位。"""
    parts = [str(m).rstrip("。") for m in messages if str(m)]
    return "；".join(parts) + "。" if parts else ""


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        # 620102 typed into a numeric cell arrives as 620102.0. Beyond 2**53 a float no
        # longer holds every integer: an ID number typed as a number (620102198910186810)
        # reads back as 620102198910186752, digits nobody typed; it is shown as Excel
        # shows it (6.20102E+17), never as those digits.
        return str(int(value)) if abs(value) < 2**53 else repr(value)
    return str(value).strip()


def _one_line_break(text: str) -> str:
    """Text with its line breaks written alike: an .xlsx gives back a page's \r\n as \n
    (XML keeps no \r)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


_NAME_DOTS = str.maketrans("", "", "·•‧・．.")


def _name_key(name: str) -> str:
    """A person's name as compared: without spaces (王  明, padded in Excel) and without
    the dot between the parts of a name, which sheets write in half a dozen ways."""
    return "".join(name.split()).translate(_NAME_DOTS)


def _cell_text(value: Any) -> str:
    """A cell as the preview shows it: as typed, an Excel date as 2026-03-01."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ", "minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return _text(value)


def preview_headers(resource: Any) -> list[str]:
    """The columns a job's preview shows for a resource: its ``preview_columns`` (sheet
    headers) if it declares them; otherwise, in the sheet's order, the columns of its
    key, the ones that name the record (姓名, 单位名称…) and the ones naming a unit —
    at most ``PREVIEW_COLUMNS``."""
    declared = getattr(resource, "preview_columns", None)
    if declared:
        return list(declared)
    from orgwork.units.models import Unit

    keys = {name.split("__")[0] for name in resource._meta.import_id_fields}
    by_name = dict(resource.fields.items())
    keys |= {by_name[name].attribute.split("__")[0] for name in list(keys) if name in by_name and by_name[name].attribute}
    model = resource._meta.model
    chosen = []
    for fld in resource.get_import_fields():
        header, attribute = fld.column_name, (fld.attribute or "").split("__")[0]
        if not header:
            continue
        try:
            target = model._meta.get_field(attribute).related_model if attribute else None
        except Exception:
            target = None
        if attribute in keys or header in NAME_HEADERS or target is Unit:
            chosen.append(str(header))
    return chosen[:PREVIEW_COLUMNS]


# Rows whose record is found by a pair of columns are looked up this many a query.
PAIRS_PER_QUERY = 400


class ImportEngine:
    """Validate (and optionally commit) one sheet for one user with one resource."""

    def __init__(self, resource_class: type[Any], user: Any, *, chunk_size: int = CHUNK_SIZE,
                 progress: Callable[[int, int], None] | None = None, fingerprint: list[str] | None = None,
                 audited_people: set[Any] | None = None) -> None:
        self.resource = resource_class(user=user)
        # The validation's digests, which a commit compares chunk by chunk (None: not compared).
        self.expected_fingerprint = fingerprint
        self.user = user
        self.model: type[models.Model] = self.resource._meta.model
        self.chunk_size = chunk_size
        self.progress = progress
        self.columns = self._columns()
        by_name = {name: fld for name, fld in self.resource.fields.items()}
        self.key_attributes = [by_name[name].attribute if name in by_name else name
                               for name in self.resource._meta.import_id_fields]
        self.key_headers = {c.attribute: c.header for c in self.columns}
        # A code kept unique whatever its case (``Meta.import_id_any_case``, a 单位代码 or
        # 组织代码 under a UniqueConstraint on its upper case): a row finds its record
        # whatever the case it is typed in, and an update keeps the stored spelling.
        self._key_any_case = (bool(getattr(self.resource._meta, "import_id_any_case", False))
                              and len(self.key_attributes) == 1)
        self.home = home_unit(user)
        self.everything = sees_everything(user)
        scope_field = getattr(self.model, "scope_field", None)
        if scope_field is None:
            raise FileError(f"{self.model._meta.verbose_name}没有声明管辖范围，不能导入。")
        self.scope_path_lookup = "path" if scope_field == "" else f"{scope_field}__path"
        self._new_instance = instance_factory(self.model)
        audited = audit_fields(self.model)
        self._audit_columns = [(f.name, f.attname, redacted) for f, redacted in audited]
        # New rows' audit JSON, per field: the text before the value, the attname and
        # whether redacted; and a cache of each value's text for fields whose equal values
        # are written alike (not 1.0 and 1.00, nor JSON values, which do not hash), None
        # for the others and once a field's values have proved mostly distinct.
        self._json_columns = [(dumps_json(f.name)[:-1] + '": [null, ', f.attname, redacted) for f, redacted in audited]
        self._json_caches: list[dict[Any, str] | None] = [
            {} if isinstance(f, _CACHED_JSON_FIELDS) and not isinstance(f, models.DateTimeField) else None
            for f, _ in audited]
        self._json_values = picker([attname for _, attname, _ in self._json_columns])
        # Plans for the columns of the sheet being run (see ``_run``).
        self._assign: tuple[Callable[[tuple[Any, ...]], tuple[Any, ...]], list[str],
                            list[tuple[int, str, str, bool, str | None]]] = (tuple, [], [])
        self._plain: tuple[list[tuple[str, str, int | None, bool]], set[str]] = ([], set())
        self._required_columns: list[tuple[str, str]] = []
        self._new_changes_wanted = self._new_changes_as_json = False
        # Columns whose stored value must match the record the key finds (``Meta.identity_check``):
        # (attname, header) of those in the sheet.
        self._identity_names = tuple(getattr(self.resource._meta, "identity_check", ()) or ())
        self._identity: list[tuple[str, str]] = []
        # Columns naming a record of this model by its key (a unit's parent): positions in
        # the sheet's columns; the rows created so far by key, and their row numbers.
        self._self_refs: list[int] = []
        self._sheet_new: dict[tuple[Any, ...], models.Model] = {}
        self._seen: dict[tuple[Any, ...], int] = {}
        self._provisional = itertools.count(-1, -1)
        self._value_check = ValueCheck(self.model)
        self._header_order: dict[str, int] = {}
        self._present: list[Column] = []
        self._key_widget: Any = None
        # Key columns whose cells may name a record by its system number: positions in the
        # sheet's columns (see ``SystemNumber``).
        self._numbering: list[int] = []
        # The read-only column that gives each row's record by its system number
        # (``Meta.number_field``, a 事项编号 the export writes): its header and position in
        # the sheet's records, when the sheet has it.
        self._number_name = getattr(self.resource._meta, "number_field", None)
        self._number_column: tuple[str, int] | None = None
        self._by_number = False  # rows may name their record by number (either way above)
        self._matched: dict[Any, int] = {}  # with numbers: the row that found each record
        self._ambiguous: set[tuple[Any, ...]] = set()  # natural keys that find several records
        # A sheet keyed by a declared ID number (a roster, not a 党费 sheet, which names its
        # people through ByIdNumberWidget); the new numbers of the run's earlier chunks.
        self._registers_by_id_number = (self.key_attributes == ["id_number"] and
                                        secrets.sensitive_fields(self.model).get("id_number") == secrets.ID_NUMBER)
        self._registered: set[str] = set()
        # People outside the importer's jurisdiction whose numbers the sheet holds: each
        # try is audited on the person once the run is over (nothing left to roll back),
        # and not again by the run's next attempt after a conflict (``audited_people``, shared).
        self._elsewhere: dict[Any, models.Model] = {}
        self._audited = audited_people if audited_people is not None else set()
        self._digest_values = picker([f.attname for f in self.model._meta.concrete_fields])
        # The preview (a validation only): the shown columns as (header, position in the
        # sheet's records, attribute of a unit column or None), and the first rows as read.
        self._preview_wanted = False
        self._preview_columns: list[tuple[str, int, str | None]] = []
        self._preview_records: dict[int, list[Any]] = {}

    # --- set-up ---------------------------------------------------------------

    def _columns(self) -> list[Column]:
        columns = []
        for fld in self.resource.get_import_fields():
            # A read-only column is shown for the reader (a 党籍状态, a 计入学时 the system
            # works out): the sheet never writes it.
            if fld.readonly or not fld.attribute or not fld.column_name or "__" in fld.attribute:
                continue
            model_field = self.model._meta.get_field(fld.attribute)
            if isinstance(fld.widget, ScopedForeignKeyWidget):
                kind = "fk"
            elif (isinstance(fld.widget, (IntegerWidget, DecimalWidget, FloatWidget))
                  and isinstance(model_field, (models.IntegerField, models.DecimalField))):
                kind = "number"  # read strictly (number_for): never rounded, never a crash
            elif fld.widget is None or type(fld.widget) in (Widget, CharWidget):
                kind = "plain"
            else:
                kind = "widget"
            cache = {} if kind != "plain" and not isinstance(fld.widget, IDNumberWidget) else None
            columns.append(Column(fld.column_name, fld.attribute, model_field, fld.widget, kind, cache,
                                  masked=self.resource.masked_kind(fld)))
        return columns

    # --- cells ------------------------------------------------------------------

    def _clean_plain(self, column: Column, value: Any) -> Any:
        mf = column.model_field
        if isinstance(mf, (models.CharField, models.TextField)):
            if type(value) is float or type(value) is int:
                # A phone, a 文号 or a name typed into a number cell: its digits, or refused
                # when Excel has cut them short (never 6.2e+17 stored as text).
                return typed_text(value, column.header)
            if value is None:
                return ""
            text = _text(value)
            refuse_excel_scientific(text, column.header)
            return text
        if value is None:
            return None
        if isinstance(mf, models.BooleanField):
            text = _text(value)
            if text in {"是", "1", "True", "true", "Y", "y"}:
                return True
            if text in {"否", "0", "False", "false", "N", "n"}:
                return False
            raise ValidationError(f"「{text}」应填写“是”或“否”。")
        if isinstance(mf, (models.IntegerField, models.DecimalField, models.FloatField)) and isinstance(value, str):
            value = value.strip()
        return mf.to_python(value)

    def _clean_cell(self, column: Column, value: Any) -> Any:
        if column.masked is not None and (
                refused := secrets.masked_refusal(value, column.masked, column.header, on_sheet=True)):
            if column.kind == "fk" and getattr(column.widget, "keeps_masked", False):
                return KeptMasked(str(value).strip(), refused)  # the record on file, if it is its mask (_build)
            # A masked phone beside an ID number typed in full would be stored as its mask.
            raise ValidationError(refused, code="masked")
        if column.kind == "plain":
            return self._clean_plain(column, value)
        if is_blank(value):
            # Blank text is ""; a blank date, number or link is None, so that the required
            # check reports it instead of a model's clean() tripping over "".
            mf = column.model_field
            return "" if isinstance(mf, (models.CharField, models.TextField)) and not mf.null else None
        if column.kind == "number":
            return number_for(column.model_field, value)
        if ((type(value) is float or type(value) is int) and column.kind == "widget"
                and isinstance(column.model_field, (models.CharField, models.TextField))
                and not isinstance(column.widget, IDNumberWidget)):
            # A text field's own widget (a 文号, a choice) reads the number's digits, not
            # 2026001.0; an ID number keeps its own words for a number cell.
            value = typed_text(value, column.header)
        return column.widget.clean(value)

    @staticmethod
    def _scientific_error(column: Column, text: str) -> str:
        """Why a text cell cannot be kept: a number in Excel's scientific form
        (``6.20102E+17``, a CSV saved from a number cell); "" otherwise."""
        try:
            refuse_excel_scientific(text, column.header)
        except ValidationError as exc:
            return _messages(exc)
        return ""

    def _clean_column(self, column: Column, raws: list[Any]) -> list[Any]:
        """One column of a chunk, cleaned: a list as long as ``raws``. A cell that fails
        holds a ``_CellError`` with its message (see ``_cell_errors``)."""
        if column.text:
            # A column that records a reason also refuses a word that gives none (无, N/A).
            field = column.model_field
            reason = freetext.records_a_reason(field)
            # Plain text: the reader has stripped it and made blanks None.
            if set(map(type, raws)) <= _TEXT_OR_BLANK:
                texts = ["" if raw is None else raw for raw in raws]
                # Excel's scientific form looked for in the column's text joined first: one scan.
                checked = reason or any(map(freetext.may_hold_something_refused, texts)) or (
                    "E+" in "\x1f".join(texts) and any(map(HAS_EXPONENT.search, texts)))
            else:
                # Number cells among them: each as its digits, or a _CellError when Excel
                # has cut it short (numbers.typed_text).
                texts = ["" if raw is None else raw if type(raw) is str else self._clean_or_error(column, raw)
                         for raw in raws]
                checked = True
            if checked:
                # A number masked in a list, an export or an error workbook whose text could
                # not be put back (orgwork.imports.restore) would be stored with its stars;
                # a cell of unseen characters only would count as written (orgwork.common.freetext).
                for position, text in enumerate(texts):
                    if type(text) is str and (message := freetext.field_text_error(field, text, typed=False)
                                              or self._scientific_error(column, text)):
                        texts[position] = _CellError(message)
                        column.failed = True
            return texts
        cache = column.cache
        if cache is None:
            cells = [self._clean_or_error(column, raw) for raw in raws]
        else:
            # Cells seen before come from the cache at C speed, new ones are cleaned one by one.
            # Text and blank cells are their own keys; others are keyed with their type,
            # so that 1, 1.0 and True stay apart.
            if set(map(type, raws)) <= _TEXT_OR_BLANK:
                keys = raws
            else:
                keys = [raw if type(raw) in _TEXT_OR_BLANK else (type(raw), raw) for raw in raws]
            cells = _through_cache(cache, keys, lambda position: self._clean_or_error(column, raws[position]))
            if len(cache) > CELL_CACHE_LIMIT:
                column.cache = None  # a column of mostly distinct values: stop caching
        return cells

    @staticmethod
    def _cell_errors(cells: list[list[Any]], present: list[Column], numbers: list[int]) -> dict[int, list[RowError]]:
        """The failed cells of a chunk, by position of their row in the chunk."""
        errors: dict[int, list[RowError]] = {}
        for column, values in zip(present, cells):
            if column.failed:  # some cell of this column failed, in this chunk or before
                for position, cell in enumerate(values):
                    if type(cell) is _CellError:
                        errors.setdefault(position, []).append(RowError(numbers[position], column.header, cell.message))
        return errors

    def _refer_to_earlier_rows(self, cells: list[list[Any]], raw_columns: list[list[Any]], key_position: int) -> None:
        """A reference to this model that the database does not know, but that names the
        key of an earlier row of the sheet (a unit tree in one file: each parent listed
        before its children), becomes a ``_SheetRef`` to that row. A code the column's
        widget finds whatever its case (``any_case``) names the row in any case too."""
        keys = cells[key_position]
        for column_position in self._self_refs:
            fold = getattr(self._present[column_position].widget, "_key", None) or str
            here: dict[str, tuple[int, str]] = {}
            for position, key in enumerate(keys):
                if type(key) is str and key:
                    here.setdefault(fold(key), (position, self._own_key(key)))
            before = {fold(k[0]): k[0] for k in self._seen if type(k[0]) is str} if self._seen else {}
            values, raws = cells[column_position], raw_columns[column_position]
            for position, value in enumerate(values):
                if type(value) is not _CellError or is_blank(raws[position]):
                    continue
                typed = fold(_text(raws[position]))
                earlier, key = here.get(typed, (position, ""))
                if typed in before:
                    values[position] = _SheetRef((before[typed],))
                elif earlier < position:
                    values[position] = _SheetRef((key,))

    def _clean_or_error(self, column: Column, raw: Any) -> Any:
        """The cleaned cell, or a ``_CellError`` with its message (the column is then
        marked as having failed)."""
        try:
            return self._clean_cell(column, raw)
        except (ValidationError, ValueError, TypeError) as exc:
            column.failed = True
            return _CellError(_messages(exc))

    # --- chunks -----------------------------------------------------------------

    def _chunks(self, sheet: Sheet, present: list[Column]) -> Iterator[tuple[list[int], list[list[Any]]]]:
        """The sheet in chunks: the rows' numbers, and the cells of each ``present``
        column (a list per column, in the order of the rows). The first chunks are
        smaller (a fifth, then doubling): the database starts writing as soon as a
        few rows are checked instead of idling through a whole chunk."""
        # The named columns' cells (see ``_named_columns``) come after the present ones,
        # then the number column's.
        positions = [sheet.headers.index(c.header) for c in present] + [p for _, p, _ in self._named]
        if self._number_column is not None:
            positions.append(self._number_column[1])
        numbers: list[int] = []
        records: list[list[Any]] = []
        size = max(1, self.chunk_size // 5)
        for number, cells in sheet.records():
            numbers.append(number)
            records.append(cells)
            if len(records) >= size:
                if self._preview_wanted and len(self._preview_records) < PREVIEW_ROWS:
                    self._keep_for_preview(numbers, records)
                yield numbers, self._by_column(records, positions)
                numbers, records = [], []
                size = min(size * 2, self.chunk_size)
        if records:
            if self._preview_wanted and len(self._preview_records) < PREVIEW_ROWS:
                self._keep_for_preview(numbers, records)
            yield numbers, self._by_column(records, positions)

    def _keep_for_preview(self, numbers: list[int], records: list[list[Any]]) -> None:
        room = PREVIEW_ROWS - len(self._preview_records)
        self._preview_records.update(zip(numbers[:room], records[:room]))

    @staticmethod
    def _by_column(records: list[list[Any]], positions: list[int]) -> list[list[Any]]:
        by_column = list(zip(*records))
        return [list(by_column[p]) for p in positions]

    def _prefetch(self, columns: list[list[Any]], present: list[Column]) -> None:
        for column, raws in zip(present, columns):
            if column.kind == "fk":
                column.widget.prefetch(set(raws))

    def _existing(self, keys: list[tuple[Any, ...]], lock: bool) -> dict[tuple[Any, ...], Any]:
        if self._by_number:
            numbered = [key for key in keys if type(key[0]) is SystemNumber]
            if numbered:
                keys = [key for key in keys if type(key[0]) is not SystemNumber]
                return {**self._existing(keys, lock), **self._numbered(numbered, lock)}
        if not keys:
            return {}
        manager = self.model._default_manager
        if self._key_any_case:
            # Served by the index of the constraint on the code's upper case.
            qs = (manager.annotate(_import_own_key=Upper(self.key_attributes[0]))
                  .filter(_import_own_key__in=[k[0] for k in keys]))
        elif len(self.key_attributes) == 1 and connection.vendor == "postgresql":
            attname = self.model._meta.get_field(self.key_attributes[0]).attname
            qs = manager.filter(EqualsAny(F(attname), [getattr(k[0], "pk", k[0]) for k in keys]))
        elif len(self.key_attributes) == 1:
            qs = manager.filter(**{f"{self.key_attributes[0]}__in": [k[0] for k in keys]})
        else:
            # A pair of columns (a member and a month): an OR of the pairs, a slice of them a
            # query. A county's year of dues in one OR is past SQLite's expression depth (1000).
            slices = []
            for start in range(0, len(keys), PAIRS_PER_QUERY):
                condition = Q()
                for key in keys[start:start + PAIRS_PER_QUERY]:
                    condition |= Q(**dict(zip(self.key_attributes, key)))
                slices.append(manager.filter(condition))
            return self._found(slices, lock)
        return self._found([qs], lock)

    def _found(self, slices: list[Any], lock: bool) -> dict[tuple[Any, ...], Any]:
        """The records the queries ``slices`` find, by the rows' key; a key two records share
        is left to ``_ambiguity``."""
        found = []
        for qs in slices:
            # Unscoped on purpose: a record outside the scope must be found to be refused.
            qs = qs.annotate(**{SCOPE_PATH: F(self.scope_path_lookup)})
            if lock:
                qs = qs.select_for_update(of=("self",))
            found.extend(qs)
        attnames = [self.model._meta.get_field(a).attname for a in self.key_attributes]
        existing = {tuple(self._own_key(getattr(obj, a)) for a in attnames): obj for obj in found}
        if len(existing) < len(found):
            # A natural key the table does not keep unique (an item's checklist and problem):
            # a row cannot tell which record it is (see ``_ambiguity``).
            counted: dict[tuple[Any, ...], int] = {}
            for obj in found:
                key = tuple(self._own_key(getattr(obj, a)) for a in attnames)
                counted[key] = counted.get(key, 0) + 1
            shared = {key for key, count in counted.items() if count > 1}
            self._ambiguous |= shared
            existing = {key: obj for key, obj in existing.items() if key not in shared}
        return existing

    def _refuse_near_misses(self, keys: list[tuple[Any, ...]], existing: dict[tuple[Any, ...], Any]) -> None:
        """A sheet that registers people by ID number (党员名册, 发展党员, 人才, 干部): the
        numbers of its new rows, for a user without the right to whole numbers, must not
        resemble a person of his jurisdiction (:func:`probing.refuse_near_misses`), or
        「新增」 and 「未变」 tell the candidates apart."""
        if not self._registers_by_id_number:
            return
        new = [key[0] for key in keys if type(key[0]) is str and key not in existing]
        refuse_near_misses(self.model, self.user, new, registered=self._registered)
        self._registered.update(new)

    def _own_key(self, value: Any) -> Any:
        """A cell of the record's own key as the run compares it: a code kept unique
        whatever its case in upper case (``_key_any_case``), any other as it is."""
        return value.upper() if self._key_any_case and type(value) is str else value

    def _numbered(self, keys: list[tuple[Any, ...]], lock: bool) -> dict[tuple[Any, ...], Any]:
        """The records that rows name by their system number, among the importer's own
        (the resource's scoped queryset): a number elsewhere finds nothing, as a number
        that does not exist."""
        qs = self.resource.get_queryset().filter(pk__in=[key[0].value for key in keys])
        qs = qs.annotate(**{SCOPE_PATH: F(self.scope_path_lookup)})
        if lock:
            qs = qs.select_for_update(of=("self",))
        return {(SystemNumber(obj.pk),): obj for obj in qs}

    def _in_scope(self, path: str | None) -> bool:
        if self.everything:
            return True
        return bool(self.home is not None and path and path.startswith(self.home.path))

    def _scope_path_of(self, instance: models.Model) -> str:
        return unit_path_of(instance)

    # --- the run ----------------------------------------------------------------

    def run(self, sheet: Sheet, *, commit: bool = False) -> ImportResult:
        result = ImportResult(ignored_headers=self.ignored_headers(sheet), shown_only_headers=self.shown_only_headers(sheet))
        actor = current_actor()
        source = AuditSource.IMPORT
        with acting_as(self.user if actor.user is None else actor.user, source=source, ip=actor.ip), \
                _fewer_collections():
            try:
                if not commit:
                    self._run(sheet, result, commit=False)
                    self._formulas_read(sheet, result)
                    return result
                with transaction.atomic():
                    self._run(sheet, result, commit=True)
                    self._formulas_read(sheet, result)
                    if not result.ok:
                        raise _Abort
            except ProbeRefused as refused:  # audited once nothing of the run is left to roll back
                refused.audit()
                raise FileError(NEAR_MISS_MESSAGE) from None
            except _Abort:
                result.new = result.updated = 0
                return result
            except IntegrityError as exc:
                # Checked rows can still collide with a change made meanwhile, or with a
                # constraint the row checks do not cover: the transaction is rolled back.
                raise FileError("写入数据库时违反了数据约束" + _constraint_named(exc) + "（可能有人同时修改了数据），全部未导入。"
                                "请重新校验后再导入。") from None
            finally:
                self._audit_elsewhere()
            result.committed = True
        return result

    def _audit_elsewhere(self) -> None:
        """The failed 查看敏感信息 row on each person outside the importer's jurisdiction whose
        number the sheet held (:func:`probing.held_elsewhere`), written once per run."""
        for key, person in self._elsewhere.items():
            if key not in self._audited:
                audit_elsewhere(person, self.user)
                self._audited.add(key)
        self._elsewhere.clear()

    def _formulas_read(self, sheet: Sheet, result: ImportResult) -> None:
        result.formula_cells, result.formula_count = sheet.formula_cells_read(skip=result.shown_only_headers)

    def ignored_headers(self, sheet: Sheet) -> list[str]:
        """The sheet's headers the import leaves alone: headers the template does not know
        (a misspelt 党费计算基数) and the template's read-only columns (党籍状态), except
        those it checks (the 姓名 beside an ID number, ``_named_columns``)."""
        return [h for h in sheet.unknown_headers if h not in NOT_DATA_HEADERS] + self.shown_only_headers(sheet)

    def shown_only_headers(self, sheet: Sheet) -> list[str]:
        """The template's read-only columns the sheet has (党籍状态, 应交金额): shown for the
        reader, never read back."""
        read_only = {f.column_name for name, f in self.resource.fields.items()
                     if f.readonly and name not in self._identity_names and name != self._number_name}
        return [h for h in sheet.columns.values() if h in read_only]

    def _run(self, sheet: Sheet, result: ImportResult, *, commit: bool) -> None:
        present = [c for c in self.columns if c.header in sheet.columns.values()]
        self._present = present
        self._assign = self._assignments(present)
        self._identity = [(c.attname, c.header) for c in present if c.attribute in self._identity_names]
        self._named = self._named_columns(sheet)
        self._key_widget = next((c.widget for c in present if c.attribute == self.key_attributes[0]), None)
        self._numbering = [position for position, c in enumerate(present)
                           if c.attribute in self.key_attributes and getattr(c.widget, "gives_system_numbers", False)]
        number_field = self.resource.fields.get(self._number_name) if self._number_name else None
        self._number_column = ((number_field.column_name, sheet.headers.index(number_field.column_name))
                               if number_field is not None and number_field.column_name in sheet.headers else None)
        self._by_number = bool(self._numbering or self._number_column)
        self._self_refs = [position for position, c in enumerate(present)
                           if c.kind == "fk" and c.model_field.related_model is self.model
                           and len(self.key_attributes) == 1 and getattr(c.widget, "field", None) == self.key_attributes[0]]
        self._seen, self._sheet_new, self._matched, self._ambiguous = {}, {}, {}, set()
        self._registered = set()
        self._header_order = {header: position for position, header in enumerate(sheet.headers)}
        self._plain = self._plain_checks(present)
        self._required_columns = self._required(present)
        self._preview_wanted = not commit
        self._preview_columns = [] if commit else self._preview_plan(sheet)
        self._preview_records = {}
        key_columns = [c for c in present if c.attribute in self.key_attributes]
        if len(key_columns) < len(self.key_attributes):  # open_sheet refuses such a sheet first
            found = {c.attribute for c in key_columns}
            missing = [self.key_headers.get(a, a) for a in self.key_attributes if a not in found]
            raise FileError(f"表头缺少必需的列：{'、'.join(missing)}。请使用下载的导入模板。")
        hook = getattr(self.resource, "after_import_commit", None)
        # A row found by its number may change the natural key's other columns (a checklist's unit).
        writer = BulkWriter(self.model, present, self.key_attributes, new_changes=self._new_changes_json_many,
                            update_keys=self._by_number) if commit else None
        self._new_changes_wanted = writer is not None
        self._new_changes_as_json = writer is not None and writer.takes_json_changes
        if writer is None:
            self._chunk_loop(sheet, result, present, key_columns, None)
        else:
            with writer.pipelined():
                self._chunk_loop(sheet, result, present, key_columns, writer)
                if result.ok:
                    writer.finish()
        # Errors in the order of the sheet: by row, then by column.
        last = len(self._header_order)
        result.errors.sort(key=lambda e: (e.row, self._header_order.get(e.column, last)))
        if writer is not None and result.ok:
            result.new_pks, result.updated_pks = writer.new_pks, writer.updated_pks
        if writer is not None and result.ok and hook is not None and writer.written_pks:
            # Consequences a resource attaches to its rows (a review's reward or exit) run
            # in the same transaction: the import and its consequences stand or fall together.
            # Those the clerk must be told of come back as lines for the job's message.
            result.notes = list(hook(self.model._default_manager.filter(pk__in=writer.written_pks)) or [])
        if self.progress is not None:
            self.progress(result.rows, result.rows)

    def _chunk_loop(self, sheet: Sheet, result: ImportResult, present: list[Column], key_columns: list[Column],
                    writer: BulkWriter | None) -> None:
        """Per chunk: clean the cells, look up the existing records, then build and check
        the rows — every row, those with a bad cell too, so that a row's errors are all
        reported at once. The previous chunk's writes start after this chunk's queries,
        so that they run in the database while this chunk is built."""
        seen = self._seen
        key_headers = {c.header for c in key_columns}
        attributes = [c.attribute for c in present]
        key_positions = [attributes.index(a) for a in self.key_attributes]
        total = sheet.estimated_rows
        expected = self.expected_fingerprint
        chunks = 0
        for numbers, raw_columns in self._chunks(sheet, present):
            named = raw_columns[len(present):len(present) + len(self._named)]
            typed_numbers = raw_columns[-1] if self._number_column is not None else None
            self._prefetch(raw_columns, present)
            cells = [self._clean_column(column, raws) for column, raws in zip(present, raw_columns)]
            if self._self_refs:
                self._refer_to_earlier_rows(cells, raw_columns, key_positions[0])
            cell_errors = self._cell_errors(cells, present, numbers)
            rows: list[tuple[int, tuple[Any, ...], tuple[Any, ...] | None, list[RowError], Any, str]] = []
            for index, (number, row_cells) in enumerate(zip(numbers, zip(*cells))):
                result.rows += 1
                errors = cell_errors.get(index) or []
                key: tuple[Any, ...] | None = tuple([row_cells[p] for p in key_positions])
                if self._key_any_case:
                    key = (self._own_key(key[0]),)
                # The cell that names the row's record by its number, if one does, and its header.
                named_by = None
                bad_number = False
                if typed_numbers is not None and not is_blank(typed_numbers[index]):
                    named_by = self._number_in_column(number, typed_numbers[index], errors)
                    bad_number = named_by is None
                elif self._numbering:
                    named_by = self._named_by_number(row_cells)
                by_number = named_by[0] if named_by is not None else ""
                if named_by is not None:
                    # The number decides which record the row is: the other key cells are its values.
                    key = (named_by[1],)
                    if key in seen:
                        errors.append(RowError(number, by_number, f"与第 {seen[key]} 行重复（{by_number}「{key[0].cell}」）。"))
                        key = None
                    else:
                        seen[key] = number
                elif bad_number or (errors and any(e.column in key_headers for e in errors)):
                    key = None
                elif any(map(is_blank, key)):
                    blank = next(a for a, k in zip(self.key_attributes, key) if is_blank(k))
                    errors.append(RowError(number, self.key_headers.get(blank) or key_columns[0].header,
                                           REQUIRED_MESSAGE))
                    key = None
                elif key in seen:
                    # A person found by ID number is named by the masked number the column holds:
                    # a row message never prints an ID in full.
                    # The cells as typed (办结, 2026-03-15), not the stored codes (admonishment).
                    typed = [_cell_text(raw_columns[p][index]) for p in key_positions]
                    shown = secrets.mask_text("、".join(str(getattr(k, "masked_id_number", None) or t)
                                                       for k, t in zip(key, typed)))
                    headers = "、".join(present[p].header for p in key_positions)  # in the values' order
                    errors.append(RowError(number, key_columns[0].header,
                                           f"与第 {seen[key]} 行重复（{headers}「{shown}」）。"))
                else:
                    seen[key] = number
                rows.append((number, row_cells, key, errors, [column[index] for column in named] if named else (),
                             by_number))
            keys = list({key: None for _, _, key, _, _, _ in rows if key is not None})
            existing = self._existing(keys, lock=writer is not None)
            self._refuse_near_misses(keys, existing)
            self.resource.prepare_chunk(list(existing.values()))
            digest = self._digest(existing)
            result.fingerprint.append(digest)
            if expected is not None and (chunks >= len(expected) or expected[chunks] != digest):
                raise DataChanged(f"第 {numbers[0]}–{numbers[-1]} 行对应的记录在校验后有新增、修改或删除")
            chunks += 1
            if writer is not None and result.ok:
                writer.reserve(len(keys) - len(existing))
                writer.start()
            errors_before = len(result.errors)
            built = []
            for number, values, key, errors, names, by_number in rows:
                original = existing.get(self._db_key(key)) if key is not None else None
                if by_number and key is not None and original is None:
                    # Worded alike whether the number exists elsewhere or not at all.
                    errors.append(RowError(number, by_number, f"「{key[0].cell}」所指的{self.model._meta.verbose_name}"
                                                              "不存在或不在您的管辖范围内。"))
                elif by_number and original is not None and (
                        otherwise := self._described_otherwise(by_number, key, values, original, key_positions)):
                    # Not written onto the record the number names, which may be another one.
                    errors.append(RowError(number, by_number, otherwise))
                    original = None
                elif by_number == "" and self._ambiguous and key is not None and self._db_key(key) in self._ambiguous:
                    errors.append(RowError(number, key_columns[0].header, self._ambiguity(key_positions)))
                elif self._by_number and original is not None:
                    # One record, two rows: one naming it by its number, one by its natural key.
                    first = self._matched.setdefault(original.pk, number)
                    if first != number:
                        errors.append(RowError(number, by_number or key_columns[0].header,
                                               f"与第 {first} 行是同一条{self.model._meta.verbose_name}。"))
                        original = None
                outcome = self._build(number, values, original, errors, result, names)
                if outcome is None:
                    continue
                if self._self_refs and outcome[0] == "new" and key is not None:
                    # Later rows may name this one: it needs its key now (see _refer_to_earlier_rows).
                    self._sheet_new[key] = outcome[1]
                    if writer is not None:
                        writer.assign_pk(outcome[1])
                built.append((number, outcome))
            checked = self._check_values(built, result)
            if self._preview_wanted and len(result.preview) < PREVIEW_ROWS:
                self._collect_preview(result, numbers, checked, errors_before)
            for number, (action, instance, changes, unit_path) in checked:
                if action == "unchanged":
                    result.unchanged += 1
                    continue
                if action == "new":
                    result.new += 1
                else:
                    result.updated += 1
                if writer is not None and result.ok:
                    writer.add(action, instance, changes, unit_path)
            if writer is not None and result.ok:
                writer.flush()
            if self.progress is not None:
                self.progress(result.rows, max(total, result.rows))
        if expected is not None and chunks != len(expected):
            raise DataChanged("文件的行数与校验时不同")

    # --- the preview -----------------------------------------------------------

    def _preview_plan(self, sheet: Sheet) -> list[tuple[str, int, str | None]]:
        """The columns the preview shows (``preview_headers``), found in the sheet: each
        as (header, position in a record, the attribute when it names a unit)."""
        from orgwork.units.models import Unit

        positions = {header: position for position, header in enumerate(sheet.headers)}
        units = {c.header: c.attribute for c in self.columns
                 if c.kind == "fk" and c.model_field.related_model is Unit}
        return [(header, positions[header], units.get(header))
                for header in preview_headers(self.resource) if header in positions]

    def _collect_preview(self, result: ImportResult, numbers: list[int], checked: list[tuple[int, Any]],
                         errors_from: int) -> None:
        """The chunk's first rows for the preview, from what the chunk's checks found:
        the outcome of each valid row and the errors added since ``errors_from``. Runs
        only until ``PREVIEW_ROWS`` rows are kept: the first chunk holds them all at
        the usual chunk sizes, so the row loop pays nothing for it."""
        room = PREVIEW_ROWS - len(result.preview)
        wanted = [n for n in numbers[:room] if n in self._preview_records]
        if not wanted:
            return
        last_wanted = wanted[-1]
        outcomes = {number: outcome for number, outcome in checked if number <= last_wanted}
        errors: dict[int, list[RowError]] = {}
        for error in result.errors[errors_from:]:
            if error.row <= last_wanted:
                errors.setdefault(error.row, []).append(error)
        last = len(self._header_order)
        for number in wanted:
            row_errors = sorted(errors.get(number, []), key=lambda e: self._header_order.get(e.column, last))
            result.preview.append(self._preview_row(number, outcomes.get(number), row_errors))

    def _preview_row(self, number: int, outcome: Any, errors: list[RowError]) -> dict[str, Any]:
        """One preview row: its number, what it would do (new, updated, unchanged or
        error), its shown cells as read (a unit by its place once found), for an updated
        row its changes as the audit trail keeps them, and its errors."""
        record = self._preview_records.get(number, [])
        instance = outcome[1] if outcome is not None else None
        cells = []
        for header, position, unit_attribute in self._preview_columns:
            value = record[position] if position < len(record) else None
            if unit_attribute and instance is not None:
                unit = getattr(instance, unit_attribute, None)
                shown = "" if unit is None else str(unit)
            elif unit_attribute:
                # A row with errors has no record to read the unit from: its code still
                # shown by the unit's place when it is found (the lookup is cached), as
                # is done on a good row; as typed only when it is not.
                shown = self._unit_shown(unit_attribute, value)
            else:
                shown = _cell_text(value)
            cells.append([header, shown])
        action = "error" if errors or outcome is None else outcome[0]
        return {
            "row": number,
            "action": action,
            "cells": cells,
            "changes": outcome[2] if action == "updated" and isinstance(outcome[2], dict) else {},
            "errors": [{"column": e.column, "message": e.message} for e in errors],
        }

    def _unit_shown(self, attribute: str, value: Any) -> str:
        column = next((c for c in self.columns if c.attribute == attribute and c.kind == "fk"), None)
        if column is not None and not is_blank(value):
            try:
                unit = column.widget.clean(value)
            except (ValidationError, ValueError, TypeError):
                unit = None
            if unit is not None:
                return str(unit)
        return _cell_text(value)

    def _digest(self, existing: dict[tuple[Any, ...], Any]) -> str:
        """What the rows' keys found in the database, as a short digest: every stored
        value of every record found (by primary key), so that a commit can tell whether
        a record was added, changed or removed since the validation. A new key that now
        finds a record changes it as well. Records are loaded anyway; this costs a repr."""
        values = self._digest_values
        found = sorted((obj.pk, values(obj.__dict__)) for obj in existing.values())
        return hashlib.blake2b(repr(found).encode(), digest_size=16).hexdigest()

    def _check_values(self, built: list[tuple[int, Any]], result: ImportResult) -> list[tuple[int, Any]]:
        """The rows whose values the database takes as the model's fields prepare them
        (``get_db_prep_save``); a value of the wrong type, out of range or too long is a
        row error naming its column, instead of a failed COPY."""
        if not built:
            return built
        failures = self._value_check.failures([outcome[1] for _, outcome in built])
        if not failures:
            return built
        kept = []
        for position, (number, outcome) in enumerate(built):
            problems = failures.get(position)
            if not problems:
                kept.append((number, outcome))
                continue
            result.error_rows += 1
            for fld, message in problems:
                result.add_error(RowError(number, self._header_of(fld.name), message))
        return kept

    def _header_of(self, name: str) -> str:
        """The sheet's header for a field, else its Chinese name; "" for the row."""
        if not name:
            return self.key_headers.get(self.key_attributes[0], "")
        if name in self.key_headers:
            return self.key_headers[name]
        try:
            return str(self.model._meta.get_field(name).verbose_name)
        except Exception:
            return self.key_headers.get(self.key_attributes[0], "")

    def _db_key(self, key: tuple[Any, ...]) -> tuple[Any, ...]:
        if len(key) == 1 and type(key[0]) in _SIMPLE_TYPES:
            return key
        return tuple(getattr(k, "pk", k) for k in key)

    def _build(self, number: int, cells: tuple[Any, ...], original: Any, errors: list[RowError],
               result: ImportResult,
               names: Sequence[Any] = ()) -> tuple[str, models.Model, dict[str, Any] | None, str] | None:
        """The row's instance (``cells`` in the order of the sheet's columns), checked.
        ``errors`` are the row's errors found so far (its cells, its key): the row is
        still built from its good cells and checked, so that every error is reported.
        ``names``: the row's cells of the named columns (``_named_columns``)."""
        key_header = self.key_headers.get(self.key_attributes[0], "")
        self.resource.row_number = number  # for a hook that names the sheet's rows
        if original is not None and not self._in_scope(getattr(original, SCOPE_PATH, "")):
            # Worded like any other refusal of the key: it does not tell that the record
            # exists elsewhere, nor where; unless the resource words it itself
            # (``out_of_scope_error``: a 党费 month of a member in scope, collected before
            # his transfer by the branch he left).
            header, message = (getattr(self.resource, "out_of_scope_error", None)
                               or (key_header, secrets.unavailable_message(key_header or "编号")))
            errors.append(RowError(number, header, message))
            if self._registers_by_id_number and self.user is not None and not secrets.may_unmask(self.user, self.model):
                self._elsewhere.setdefault(original.pk, original)  # audited after the run (probing.held_elsewhere)
            original = None  # the rest is checked as for a new record: nothing stored shows
        elif original is not None and errors:
            # A row in error changes nothing shared (a repeated key finds the same record).
            original = copy.copy(original)
        if errors or self._self_refs:
            cells = self._usable_cells(number, cells, errors)
        if self._numbering:
            cells = self._numbers_as_stored(cells, original)
        failed = {e.column for e in errors}
        instance = original if original is not None else self._new_instance()
        stored = instance.__dict__
        # gs01a updates GS01A and leaves its code as stored (a new spelling would be a new path).
        kept = (self.key_attributes[0], stored[self.key_attributes[0]]) if self._key_any_case and original else None
        plain, plain_attnames, others = self._assign
        stored.update(zip(plain_attnames, plain(cells)))
        for position, attribute, attname, keeps_default, target in others:
            value = cells[position]
            if keeps_default and (value is None or value == ""):
                continue  # a required column left blank keeps the default / the stored value
            if target is None:
                stored[attname] = value
            elif type(value) is KeptMasked:
                # Kept as on file, or refused as a masked cell: never a record looked up by it.
                if not self._keeps_on_file(original, position, value):
                    header = self._present[position].header
                    errors.append(RowError(number, header, value.refusal))
                    failed.add(header)
            elif target:
                # What the foreign-key descriptor does for a many-to-one: the key and the
                # cached object (the unit's path is read from it for the scope check).
                stored[attname] = None if value is None else getattr(value, target)
                instance._state.fields_cache[attribute] = value
            else:
                setattr(instance, attribute, value)  # a one-to-one: its descriptor links both ways
        if kept is not None:
            stored[kept[0]] = kept[1]
        if original is not None and self._identity:
            self._check_identity(number, stored, original, failed, errors)
        if names:
            self._check_names(number, instance, names, errors)
        if (original is not None and not errors and self._as_kept(instance)
                and not self._changes(instance, getattr(original, "_audit_loaded", {}))):
            # The sheet gives the record as it stands: nothing to write, and nothing to ask
            # of it. A rule made stricter after the record was kept refuses its own change,
            # not a re-upload of the list the record is on.
            return "unchanged", instance, {}, getattr(original, SCOPE_PATH, "")
        for attr, message in self._model_errors(instance, original, tolerant=bool(errors)):
            header = self._header_of(attr)
            if attr and header in failed:
                continue  # the cell's own error says it already
            errors.append(RowError(number, header, message))
        unit_path = "" if errors else self._scope_path_of(instance)
        if not errors and not self._in_scope(unit_path):
            errors.append(RowError(number, key_header, "所属单位不在您的管辖范围内。"))
        if errors:
            result.error_rows += 1
            for error in errors:
                result.add_error(error)
            return None
        if original is None:
            # A dry run records nothing: a new row's audit changes are built on commit only.
            if not self._new_changes_wanted:
                return "new", instance, {}, unit_path
            if self._new_changes_as_json:
                return "new", instance, None, unit_path  # made for the chunk at once, see BulkWriter
            return "new", instance, self._changes(instance, None), unit_path
        # Asked again after the rules, not taken from the as_kept test above: a model's
        # clean() may derive fields, and those changes are recorded too.
        changes = self._changes(instance, getattr(original, "_audit_loaded", {}))
        if not changes:
            return "unchanged", instance, {}, unit_path
        return "updated", instance, changes, unit_path

    def _as_kept(self, instance: models.Model) -> bool:
        """Whether a row whose columns equal its record's passes as unchanged without the
        rules being asked again: only for a resource that says so (``as_kept``, which
        also gives blank cells the values its records keep for them)."""
        as_kept = getattr(self.resource, "as_kept", None)
        return bool(as_kept is not None and as_kept(instance))

    def _keeps_on_file(self, original: Any, position: int, cell: KeptMasked) -> bool:
        """Whether a masked cell (:class:`KeptMasked`) is the record the row's record holds
        in that column: its number masks to the cell's text. The record is read whatever
        the importer's scope (a 培养联系人 moved to another county stays the contact);
        nothing of it is shown."""
        if original is None:
            return False
        column = self._present[position]
        on_file = getattr(original, column.attribute, None)
        number = getattr(on_file, column.widget.field, None) if on_file is not None else None
        return bool(number) and secrets.mask(number, column.masked or secrets.ID_NUMBER) == cell.text

    def _usable_cells(self, number: int, cells: tuple[Any, ...], errors: list[RowError]) -> tuple[Any, ...]:
        """The row's cells with failed ones blank and references to earlier rows resolved."""
        usable = [None if type(value) is _CellError else value for value in cells]
        for position in self._self_refs:
            ref = usable[position]
            if type(ref) is not _SheetRef:
                continue
            target = self._sheet_new.get(ref.key)
            if target is None:
                header = self._present[position].header
                errors.append(RowError(number, header, f"「{ref.key[0]}」对应本表第 {self._seen.get(ref.key, '?')} 行，该行有误。"))
                usable[position] = None
                continue
            if target.pk is None:
                # Not written in this run (a validation): a stand-in key that no stored row has.
                target.pk = next(self._provisional)
            usable[position] = target
        return tuple(usable)

    def _number_in_column(self, row: int, cell: Any, errors: list[RowError]) -> tuple[str, SystemNumber] | None:
        """The number column's cell (``Meta.number_field``) as (its header, the number); a
        cell that is not a number is the row's error."""
        assert self._number_column is not None
        header = self._number_column[0]
        text = _text(cell)
        digits = unicodedata.normalize("NFKC", text)
        if digits.isdigit() and len(digits) <= 18 and int(digits) > 0:
            return header, SystemNumber(int(digits), text)
        errors.append(RowError(row, header, f"{header}「{text}」不是系统中的编号：导出表中的行请保留原编号，新增的行此列留空。"))
        return None

    def _described_otherwise(self, header: str, key: tuple[Any, ...], cells: tuple[Any, ...], original: Any,
                             key_positions: list[int]) -> str:
        """A row that names its record by number must describe that record: the natural
        key's own text (an item's 问题描述) must be the record's. If not, the number was
        mistyped and names another record (another item of the same checklist), or the text
        was edited, which is done on the record's page. "" when the row agrees. A key cell
        naming another record (the item's 清单) is left to the domain's rules."""
        differing: list[tuple[str, Any]] = []
        for p in key_positions:
            column, typed = self._present[p], cells[p]
            if column.kind == "fk" or type(typed) is not str or not typed:
                continue
            stored = getattr(original, column.attname)
            if _one_line_break(typed) != _one_line_break(str(stored)):
                differing.append((column.header, stored))
        if not differing:
            return ""
        headers = "、".join(h for h, _ in differing)
        return (f"{header} {key[0].cell} 是「{Truncator(str(differing[0][1])).chars(40)}」的编号，与本行的{headers}不一致；"
                f"请核对{header}，修改{headers}请在{self.model._meta.verbose_name}页面办理。")

    def _ambiguity(self, key_positions: list[int]) -> str:
        """A row whose natural key finds several records (``_existing``) is refused, and
        told how to name the one it means."""
        headers = "、".join(self._present[p].header for p in key_positions)
        what = self.model._meta.verbose_name
        number_field = self.resource.fields.get(self._number_name) if self._number_name else None
        hint = (f"：请填写「{number_field.column_name}」（导出的{what}表中有此列）" if number_field is not None else "")
        return f"{headers}相同的{what}在系统中不止一条，不能确定是哪一条{hint}。"

    def _named_by_number(self, cells: tuple[Any, ...]) -> tuple[str, SystemNumber] | None:
        for position in self._numbering:
            if type(cells[position]) is SystemNumber:
                return self._present[position].header, cells[position]
        return None

    def _numbers_as_stored(self, cells: tuple[Any, ...], original: Any) -> tuple[Any, ...]:
        """A key cell that named the record by its number stands for what the record
        holds there (a checklist's empty 文号); for a row that found none, a blank."""
        if not any(type(cells[p]) is SystemNumber for p in self._numbering):
            return cells
        usable = list(cells)
        for position in self._numbering:
            if type(usable[position]) is SystemNumber:
                column = self._present[position]
                if original is not None:
                    usable[position] = getattr(original, column.attname)
                else:
                    usable[position] = "" if column.text or not column.model_field.null else None
        return tuple(usable)

    def _check_identity(self, number: int, stored: dict[str, Any], original: Any, failed: set[str],
                        errors: list[RowError]) -> None:
        """A row whose key finds a record must describe that record: a name that differs
        from the stored one (an ID number typed into the wrong row) is refused. Only the
        first character of the stored value is shown."""
        loaded = getattr(original, "_audit_loaded", None) or {}
        for attname, header in self._identity:
            new, old = stored.get(attname), loaded.get(attname)
            if header in failed or new in (None, "") or old in (None, "") or new == old:
                continue
            key_label = "身份证号码" if isinstance(self._key_widget, IDNumberWidget) else \
                self.key_headers.get(self.key_attributes[0], "")
            shown = str(old)[0] + "*"
            errors.append(RowError(number, header, f"{header}与系统中该{key_label}的{self.model._meta.verbose_name}"
                                                   f"不一致（系统中为 {shown}）"))

    def _named_columns(self, sheet: Sheet) -> list[tuple[str, int, list[str]]]:
        """The read-only columns of ``Meta.identity_check`` in the sheet: a name shown
        beside the key of the person the row is about (the 姓名 beside a member's or a
        cadre's ID number). Each as (header, position of its cell in a record, the path
        to the name from the row's record, ``cadre__name`` split)."""
        named = []
        for name in self._identity_names:
            fld = self.resource.fields.get(name)
            if fld is None or not fld.readonly or not fld.attribute or fld.column_name not in sheet.headers:
                continue
            named.append((fld.column_name, sheet.headers.index(fld.column_name), fld.attribute.split("__")))
        return named

    def _check_names(self, number: int, instance: models.Model, cells: Sequence[Any], errors: list[RowError]) -> None:
        """A name the row shows must be the name on record of the person its key cell
        found (an ID number typed into the wrong row is refused, not filed under someone
        else). Spaces and the dot inside a name do not count (王  明 is 王明, 阿不都·热合曼
        is 阿不都热合曼); a blank cell is not checked. Only the first character of the name
        on record is shown."""
        for (header, _, path), cell in zip(self._named, cells):
            written = _name_key(_text(cell)) if not is_blank(cell) else ""
            person = instance
            for step in path[:-1]:
                person = getattr(person, step, None)  # cached by the key cell's widget
                if person is None:
                    break
            if not written or person is None:
                continue  # no name given, or the key cell failed and says so itself
            on_record = getattr(person, path[-1], "") or ""
            if written == _name_key(on_record):
                continue
            label = next((c.header for c in self._present if c.attribute == path[0]), "编号")
            errors.append(RowError(number, header, f"{header}与系统中该{label}的{person._meta.verbose_name}不一致"
                                                   f"（系统中为 {on_record[:1]}*）"))

    def _assignments(self, present: list[Column]) -> tuple[Callable[[tuple[Any, ...]], tuple[Any, ...]], list[str],
                                                            list[tuple[int, str, str, bool, str | None]]]:
        """How a row's cells go onto its instance. Plain fields are set in the instance's
        dictionary, as their descriptors would: those a blank cell may overwrite all at
        once (a picker of their cells and their attnames). The rest one by one, as
        (position, attribute, attname, whether a blank keeps the default, how): a plain
        field (None), a many-to-one key by the related field's attname, any other
        relation ("") through its descriptor."""
        plain: list[int] = []
        attnames: list[str] = []
        others = []
        for position, column in enumerate(present):
            f = column.model_field
            keeps_default = not f.blank and f.has_default()
            target = (f.related_fields[0][1].attname if f.many_to_one else "") if f.is_relation else None
            if target is None and not keeps_default:
                plain.append(position)
                attnames.append(f.attname)
            else:
                others.append((position, column.attribute, f.attname, keeps_default, target))
        return picker(plain), attnames, others

    def _new_changes_json(self, instance: models.Model) -> str:
        """A new row's audit changes as the JSON text ``json.dumps(self._changes(instance,
        None))`` gives, written directly: a sheet's hundred thousand new rows would build
        and then encode a hundred thousand dictionaries."""
        return self._new_changes_json_many([instance])[0]

    # Without it (a dictionary per row, then json.dumps): 0.84 (0.54–0.95).
    def _new_changes_json_many(self, instances: list[models.Model]) -> list[str]:
        """``_new_changes_json`` of each instance, made a column at a time: a column's
        cells repeat (units, months, codes), and each distinct cell's JSON is made once."""
        stored = [instance.__dict__ for instance in instances]
        try:
            by_column = list(zip(*map(self._json_values, stored)))
        except KeyError:  # not from the factory: a field may be missing
            by_column = [[values.get(attname) for values in stored] for _, attname, _ in self._json_columns]
        columns = []
        for index, ((prefix, _, redacted), values) in enumerate(zip(self._json_columns, by_column)):
            cache = self._json_caches[index]
            if redacted is True:
                items = ["" if v is None or v == "" else prefix + _REDACTED_JSON for v in values]
            elif redacted:  # personal data: its masked form and keyed hash, one call a cell
                make = secrets.audit_json_maker(redacted)
                items = ["" if v is None or v == "" else prefix + make(v) + "]" for v in values]
            elif cache is None:
                items = [_json_item(prefix, v) for v in values]
            else:
                items = _through_cache(cache, values, lambda position: _json_item(prefix, values[position]))
                if len(cache) > CELL_CACHE_LIMIT:
                    self._json_caches[index] = None  # mostly distinct values: stop caching
            if any(items):  # a field empty on every row of the chunk has no part in it
                columns.append(items)
        return ["{" + ", ".join(filter(None, row)) + "}" for row in zip(*columns)] if columns else ["{}"] * len(stored)

    def _changes(self, instance: models.Model, before: dict[str, Any] | None) -> dict[str, list[Any]]:
        """``{field: [old, new]}`` as the audit recorder writes it; database-generated
        columns are skipped (they have no value on an unsaved instance)."""
        values = instance.__dict__
        simple = _SIMPLE_TYPES
        if before is None:
            return {name: [None, (REDACTED if redacted is True else secrets.audit_value(new, redacted)) if redacted
                           else new if type(new) in simple else jsonable(new)]
                    for name, attname, redacted in self._audit_columns
                    if (new := values.get(attname)) is not None and new != ""}
        changes: dict[str, list[Any]] = {}
        for name, attname, redacted in self._audit_columns:
            new = values.get(attname)
            old = before.get(attname)
            if old == new:
                continue
            if redacted is True:
                changes[name] = [REDACTED if old not in (None, "") else old, REDACTED]
            elif redacted:
                changes[name] = [secrets.audit_value(old, redacted), secrets.audit_value(new, redacted)]
            else:
                changes[name] = [old if type(old) in simple else jsonable(old),
                                 new if type(new) in simple else jsonable(new)]
        return changes

    def _plain_checks(self, present: list[Column]) -> tuple[list[tuple[str, str, int | None, bool]], set[str]]:
        """How the sheet's plain columns are checked: text columns with only a length
        limit are checked inline (Field.clean costs microseconds a cell, for every row);
        the rest go through ``clean_fields``. Widget columns were validated already."""
        inline: list[tuple[str, str, int | None, bool]] = []
        full: set[str] = set()
        for column in present:
            if column.kind != "plain":
                continue
            f = column.model_field
            extra = [v for v in f.validators
                     if not isinstance(v, (MaxLengthValidator, ProhibitNullCharactersValidator))]
            if isinstance(f, (models.CharField, models.TextField)) and not f.choices and not extra:
                inline.append((f.name, f.attname, f.max_length, f.blank))
            else:
                full.add(f.name)
        return inline, {f.name for f in self.model._meta.fields if f.name not in full}

    def _required(self, present: list[Column]) -> list[tuple[str, str]]:
        """The required widget columns (plain ones are checked with their length)."""
        return [(c.attribute, c.attname) for c in present if c.kind != "plain" and not c.model_field.blank]

    def _clean(self, instance: models.Model) -> None:
        """``instance.clean()``. A value of the wrong type (a hook's text in a date field)
        makes a comparison in it fail: that value is then reported as its field would
        refuse it, or, if the field converts it, replaced and the check run again."""
        try:
            instance.clean()
        except (TypeError, ValueError, AttributeError):
            problems = self._value_check.failures([instance]).get(0)
            if problems:
                raise ValidationError({f.name: [message] for f, message in problems}) from None
            instance.clean()

    def _model_errors(self, instance: models.Model, original: Any, tolerant: bool = False) -> list[tuple[str, str]]:
        """The row's required, length, field and model checks, as (field name, message).
        ``tolerant``: the row has errors already and some of its values are missing, so
        a check that trips over a missing value (rather than report it) is passed over."""
        errors: list[tuple[str, str]] = []
        values = instance.__dict__
        for attribute, attname in self._required_columns:
            value = values.get(attname)
            if value is None or value == "":
                errors.append((attribute, REQUIRED_MESSAGE))
        try:
            prepare = getattr(self.resource, "prepare_instance", None)
            if prepare is not None:
                prepare(instance, original)
            inline, exclude = self._plain
            for name, attname, max_length, blank in inline:
                value = values.get(attname)
                if value is None or value == "":
                    if not blank:
                        errors.append((name, REQUIRED_MESSAGE))
                elif max_length is not None and len(value) > max_length:
                    errors.append((name, f"最多 {max_length} 个字符（现有 {len(value)} 个）。"))
            # Uniqueness is checked in bulk (natural keys), not with a query per row.
            if len(exclude) < len(self.model._meta.fields):
                instance.clean_fields(exclude=exclude)
            self._clean(instance)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, messages in exc.message_dict.items():
                    name = "" if name == NON_FIELD_ERRORS else name
                    if name == "" or not errors or all(e[0] != name for e in errors):
                        errors.extend((name, m) for m in messages)
            else:
                errors.extend(("", m) for m in exc.messages)
        except Exception:
            if not tolerant:
                raise
        # The table's CHECK constraints, here rather than as a failed commit (checks); a
        # constraint that says what the model's check said already, under another of its
        # columns, is not said twice.
        refused = {e[0] for e in errors if e[0]}
        # A value the resource derives from a refused one (a period from its start date) is
        # not asked about either: its constraint would blame a column the sheet may not have.
        refused |= {name for name, sources in getattr(self.resource, "derived_from", {}).items()
                    if refused.intersection(sources)}
        errors.extend((name, message) for name, message in checks.broken(instance, refused)
                      if all(e[1] != message for e in errors))
        return errors


def _constraint_named(error: IntegrityError) -> str:
    """「message」 of the project constraint the database names in ``error``, or "" (the
    database's own English is logged, not shown)."""
    text = str(error)
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if constraint.name in text and getattr(constraint, "violation_error_message", None):
                message = str(constraint.get_violation_error_message())
                if "%(" not in message and "约束" not in message:
                    return f"「{message.rstrip('。')}」"
    logger.warning("import commit refused by the database: %s", text.splitlines()[0][:300])
    return ""


def run_import(resource_class: type[Any], user: Any, sheet: Sheet, *, commit: bool,
               progress: Callable[[int, int], None] | None = None,
               fingerprint: list[str] | None = None, audited_people: set[Any] | None = None) -> ImportResult:
    """Validate (``commit=False``) or import a sheet. ``fingerprint``: the validation's
    ``ImportResult.fingerprint``; the commit then refuses (``DataChanged``, nothing
    written) if a record the rows touch changed since. ``audited_people``: one set for every
    attempt of a run retried outside a transaction (``import_sheet``), so that a person
    whose number the sheet holds outside the jurisdiction is audited once, not per attempt."""
    return ImportEngine(resource_class, user, progress=progress, fingerprint=fingerprint,
                        audited_people=audited_people).run(sheet, commit=commit)
