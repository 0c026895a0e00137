"""Sheets that leave the system (导出、导入模板、错误标注表).

A cell that a spreadsheet would read as a formula is written with a leading apostrophe:
in a CSV, which has no types, a field starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return; in an .xlsx, where a text cell is text whatever it starts with, only a
text starting with ``=`` (which openpyxl would write as a formula). So -100 or +86 in an
.xlsx stays as typed. Personal data (the
fields ``orgwork.common.secrets`` declares) is masked unless the user holds the model's
right; every export and every error workbook is written to the audit trail.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import record
from orgwork.common import secrets

from . import registry
from .access import can_unmask, governing_model
from .models import ImportJob
from .engine import joined
from .restore import ExportSources, mark, mark_export
from .reader import (NOTES_SHEET, FileError, _csv_rows, _excel_rows, decode_csv, find_header, header_lookup,
                     sheet_to_read, sniff_kind)
from .widgets import IDNumberWidget

CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_FORMULA_START = "="
TEXT_FORMAT = "@"
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
HEADER_FONT = Font(bold=True)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def escape_cell(value: Any) -> Any:
    """An .xlsx cell: ``'=1+1`` (openpyxl writes a text starting with ``=`` as a formula);
    any other text is a text cell and is kept as typed."""
    if isinstance(value, str) and value.startswith(XLSX_FORMULA_START):
        return "'" + value
    return value


def escape_csv_cell(value: Any) -> Any:
    """A CSV field: ``'-1+2``, ``'@SUM(A1)`` (a CSV has no text type: Excel evaluates them)."""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_STARTS):
        return "'" + value
    return value


def _text_columns(resource: Any) -> set[int]:
    fields = resource.get_export_fields()
    return {i for i, f in enumerate(fields)
            if isinstance(f.widget, IDNumberWidget) or f.attribute in resource.masked_fields
            or resource.masked_kind(f) is not None}


def _number_keys(resource: Any, fields: list[Any]) -> dict[int, tuple[str, str, str]]:
    """The export columns whose masked personal data names a record's declared field:
    position → (the record's model label, that field, the dotted attributes of a row that
    lead to the record's pk). An ID number, and a phone and a birth date beside it: a
    masked phone uploaded again must come back too, or it would be written over the real
    one, and a birth date shown as its month would refuse the row. A column that finds its
    record through another (在岗抽查's 身份证号 names the cadre of an assignment) follows
    the widget's path to the record that declares the field."""
    model = resource._meta.model
    keys: dict[int, tuple[str, str, str]] = {}
    for i, f in enumerate(fields):
        if resource.unmask or resource.masked_kind(f) is None:
            continue
        if f.attribute in secrets.sensitive_fields(model):
            keys[i] = (model._meta.label_lower, f.attribute, "pk")
            continue
        target = getattr(f.widget, "model", None)
        try:
            attname = model._meta.get_field(f.attribute or "").attname
        except FieldDoesNotExist:
            continue
        if target is None:
            continue
        *through, field = str(getattr(f.widget, "field", "")).split("__")
        try:
            for position, name in enumerate(through):
                relation = target._meta.get_field(name)
                target = relation.related_model
                attname = ".".join([str(f.attribute), *through[:position], relation.attname])
        except FieldDoesNotExist:
            continue
        if field in secrets.sensitive_fields(target):
            keys[i] = (target._meta.label_lower, field, attname)
    return keys


def _pk_of(obj: Any, attribute: str) -> Any:
    """The pk a dotted path of attributes leads to from a row's object; None on the way stops it."""
    for name in attribute.split("."):
        obj = getattr(obj, name)
        if obj is None:
            return None
    return obj


def export_rows(resource: Any, queryset: models.QuerySet[Any],
                sources: ExportSources | None = None) -> tuple[list[str], Iterable[list[Any]]]:
    """The header and the rows of an export; ``sources`` collects the records behind its
    masked numbers (for the mark that lets the file be uploaded again)."""
    headers = [str(h) for h in resource.get_export_headers()]
    fields = resource.get_export_fields()
    model = queryset.model
    keys = _number_keys(resource, fields) if sources is not None else {}
    kinds = {i: secrets.sensitive_fields(label)[field] for i, (label, field, _) in keys.items()}
    related = set()
    for f in fields:
        # One join instead of a query per row for every foreign key the sheet renders.
        path = (f.attribute or "").split("__")
        try:
            if model._meta.get_field(path[0]).many_to_one:
                related.add("__".join(p for p in path[:-1]) if len(path) > 1 else path[0])
        except FieldDoesNotExist:
            continue
    if related:
        queryset = queryset.select_related(*sorted(related))

    def rows() -> Iterable[list[Any]]:
        for obj in queryset.iterator(chunk_size=2000):
            row = [resource.export_field(f, obj) for f in fields]  # escaped by the writer of the format
            for i, (label, field, attribute) in keys.items():
                pk = _pk_of(obj, attribute)
                if pk is not None and secrets.is_masked(row[i], kinds[i]):
                    sources.add(headers[i], label, field, row[i], pk)  # type: ignore[union-attr]
            yield row

    return headers, rows()


def write_xlsx(headers: list[str], rows: Iterable[list[Any]], text_columns: set[int] | None = None,
               finish: Callable[[Any], None] | None = None) -> bytes:
    """``finish(workbook)`` adds what follows the rows (another sheet) before it is saved."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sheet1")
    sheet.append([_header_cell(sheet, h) for h in headers])
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            cell = WriteOnlyCell(sheet, value="" if value is None else escape_cell(value))
            if text_columns and i in text_columns:
                cell.number_format = TEXT_FORMAT
            cells.append(cell)
        sheet.append(cells)
    if finish is not None:
        finish(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header_cell(sheet: Any, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = HEADER_FONT
    return cell


def write_csv(headers: list[str], rows: Iterable[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else escape_csv_cell(v) for v in row])
    # With a BOM, Excel opens the Chinese text correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_queryset(*, resource_class: type[Any], user: Any, queryset: models.QuerySet[Any], fmt: str,
                    filters: dict[str, Any], progress: Callable[[int], None] | None = None) -> bytes:
    """The export file of ``queryset`` (already scoped and filtered); the audit row is written here.
    ``progress(rows done)`` is called as the rows are written (the worker's progress bar)."""
    model = resource_class._meta.model
    governing = governing_model(resource_class)
    unmask = governing is not None and can_unmask(user, governing)
    resource = resource_class(user=user, unmask=unmask)
    # A masked .xlsx names the records behind its masks, so that it can be filled in and
    # uploaded as it is (orgwork.imports.restore); a CSV has nowhere to carry it.
    sources = ExportSources() if fmt != "csv" and not unmask and getattr(resource_class, "slug", "") else None
    headers, rows = export_rows(resource, queryset, sources)
    counted: list[int] = [0]

    def counting(source: Iterable[list[Any]]) -> Iterable[list[Any]]:
        for row in source:
            counted[0] += 1
            if progress is not None:
                progress(counted[0])
            yield row

    if fmt == "csv":
        content = write_csv(headers, counting(rows))
    else:
        content = write_xlsx(headers, counting(rows), _text_columns(resource), finish=None if sources is None else (
            lambda workbook: mark_export(workbook, resource=resource_class.slug, user=user, sources=sources)))
    record(
        None,
        action=AuditAction.EXPORT,
        content_type=ContentType.objects.get_for_model(model),
        message=f"导出{model._meta.verbose_name} {counted[0]} 条（{fmt}）" + ("，含完整个人信息" if unmask else ""),
        changes={"rows": counted[0], "format": fmt, "filters": filters, "unmasked": unmask},
        unit_path=getattr(getattr(user, "unit", None), "path", "") or "",
    )
    if unmask:  # the largest full view of all: found under 查看敏感信息 with the pages and workbooks
        secrets.record_full_view(user=user, model=governing,
                                 purpose=f"导出{model._meta.verbose_name} {counted[0]} 条（{fmt}）")
    return content


SHOWN_ONLY_NOTE = "仅供查看，导入时不读取：在此列填写或修改不会改变系统中的记录，请在系统中办理相应手续。"


def column_notes(resource_class: type[Any]) -> dict[str, str]:
    """Header → what 填写说明 says of the column, for the columns the import treats apart:
    a read-only column is not read (:data:`SHOWN_ONLY_NOTE`), except a name of
    ``Meta.identity_check``, which the import checks against the person its key cell
    finds; a written name of ``Meta.identity_check`` may not rename a record on file.
    A resource's own ``column_notes`` say what else its import refuses (a 党支部代码
    that would move a member)."""
    resource = resource_class()
    model = resource_class._meta.model
    checked = tuple(getattr(resource._meta, "identity_check", ()) or ())
    by_attribute = {f.attribute: f.column_name for f in resource.get_import_fields() if f.attribute}
    notes: dict[str, str] = {}
    for name, f in resource.fields.items():
        if not f.column_name:
            continue
        if name not in checked:
            if f.readonly:
                notes[f.column_name] = SHOWN_ONLY_NOTE
            continue
        path = (f.attribute or name).split("__")
        person = model
        if len(path) > 1:
            try:
                person = model._meta.get_field(path[0]).related_model
            except FieldDoesNotExist:
                pass
        key = by_attribute.get(path[0]) if len(path) > 1 else next(
            (by_attribute.get(k) for k in resource._meta.import_id_fields if by_attribute.get(k)), None)
        who = f"该{key or '编号'}的{person._meta.verbose_name}"
        if f.readonly:
            notes[f.column_name] = (f"导入时核对：须是系统中{who}的{f.column_name}，不一致的行不导入；"
                                    f"可以不填，但填写或修改本列不会改变系统中的{f.column_name}。")
        else:
            notes[f.column_name] = (f"新增的{person._meta.verbose_name}填写其{f.column_name}；已在系统中的，须与系统中{who}的{f.column_name}一致，"
                                    f"不一致的行不导入（本表不能修改{f.column_name}，请在系统中该记录的页面修改）。")
    notes.update(getattr(resource_class, "column_notes", {}) or {})
    return notes


def template_xlsx(resource_class: type[Any]) -> bytes:
    """导入模板: the header row and empty rows below it, every column formatted as text so
    that Excel keeps ID numbers and months (1975.10) exactly as typed.

    The example is not a row: a row under the header would be imported (a real member
    named 王建国) or refused, whichever it is. Each header cell carries its example as a
    comment, and a second sheet, 填写说明, lists every column with its example. The
    import never reads 填写说明 (``reader.choose_sheet``)."""
    resource = resource_class()
    # The number column (``Meta.number_field``) is the export's: a new row has none, and a
    # 事项编号 column in a blank template would be filled in as 1, 2, 3.
    number = resource.fields.get(getattr(resource._meta, "number_field", None) or "")
    headers = [f.column_name for f in resource.get_import_fields() if f.column_name and f is not number]
    # Columns an export shows and an upload never reads (党籍状态: changed by its step), and
    # those it checks (the 姓名 beside an ID number).
    said = column_notes(resource_class)
    example = getattr(resource_class, "example_row", {}) or {}
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(resource_class.verbose_name)[:31]
    for col, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=col, value=header)
        cell.font = HEADER_FONT
        cell.number_format = TEXT_FORMAT
        if said.get(header) == SHOWN_ONLY_NOTE:
            cell.comment = Comment(SHOWN_ONLY_NOTE, "导入模板")
        elif said.get(header):
            cell.comment = Comment((f"示例：{example[header]}\n" if example.get(header) else "") + said[header],
                                   "导入模板")
        elif example.get(header):
            cell.comment = Comment(f"示例：{example[header]}", "导入模板")
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(12, len(header) * 2 + 4)
        sheet.column_dimensions[letter].number_format = TEXT_FORMAT
    # The rows people fill in keep the text format (the column style alone is not enough).
    for row in range(2, 1002):
        for col in range(1, len(headers) + 1):
            sheet.cell(row=row, column=col).number_format = TEXT_FORMAT
    notes = workbook.create_sheet(NOTES_SHEET)
    notes.append([_header_cell(notes, "列名"), _header_cell(notes, "示例"), _header_cell(notes, "说明")])
    for header in headers:
        notes.append([header, str(example.get(header, "")), said.get(header, "")])
    notes.append([])
    notes.append(["在第一个工作表的表头下面逐行填写，从第 2 行开始；不要填写示例行。本说明页不导入。"])
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 40
    notes.column_dimensions["C"].width = 48
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sensitive_headers(job: ImportJob) -> dict[str, str]:
    """Header → kind for the columns of the job's sheet that carry personal data: the
    declared fields of the model it writes, the key column naming a declared record,
    their aliases, and the usual Chinese names (``secrets.SENSITIVE_HEADERS``)."""
    headers = dict(secrets.SENSITIVE_HEADERS)
    try:
        resource_class = registry.get(job.resource)
    except KeyError:
        return headers
    resource = resource_class()
    model = resource_class._meta.model
    declared = secrets.sensitive_fields(model)
    for f in resource.get_import_fields():
        target = getattr(f.widget, "model", None)
        kind = declared.get(f.attribute or "") or (
            secrets.sensitive_fields(target).get(getattr(f.widget, "field", "")) if target is not None else None)
        if kind and f.column_name:
            headers[str(f.column_name)] = kind
    for alias, column in getattr(resource_class, "header_aliases", {}).items():
        if column in headers:
            headers[alias] = headers[column]
    return headers


def error_workbook(job: ImportJob, *, user: Any = None, unmask: bool = False,
                   progress: Callable[[int], None] | None = None) -> bytes:
    """The uploaded sheet again, each wrong cell filled red with a comment, and a last
    column 错误说明 listing the row's messages.

    Unless ``unmask``, personal data is masked: the declared columns whole, and any ID
    or mobile number in another cell or in a message. Each download is written to the
    audit trail (导出), and a full one as a 查看敏感信息 as well. ``progress(rows read)``
    is called as it goes (when the worker builds it, ``orgwork.exports``)."""
    content = _error_workbook(job, unmask=unmask, progress=progress)
    record(job, action=AuditAction.EXPORT, actor=user,
           message="下载错误标注表" + ("，含完整个人信息" if unmask else "，个人信息已遮蔽"),
           changes={"rows": len({e["row"] for e in job.errors}), "unmasked": unmask})
    if unmask:
        model = governing_model(registry.get(job.resource))
        secrets.record_full_view(user=user, model=model, purpose=f"导入任务 {job.pk} 的错误标注表")
    return content


def _error_workbook(job: ImportJob, *, unmask: bool, progress: Callable[[int], None] | None = None) -> bytes:
    by_row: dict[int, list[dict[str, Any]]] = {}
    for error in job.errors:
        by_row.setdefault(int(error["row"]), []).append(error)
    path = job.file.path
    kind = sniff_kind(path, job.original_name)
    if kind == "csv":
        with open(path, "rb") as fh:
            raw_rows = _csv_rows(decode_csv(fh.read()))
    else:
        raw_rows = _excel_rows(path, sheet_to_read(path, kind))[0]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("错误标注")
    header_cells: dict[str, int] = {}
    width = 0
    # The header row as the import found it, its cells by the column names errors use
    # (an alias such as 公民身份号码 stands for 身份证号).
    try:
        header_row, columns = find_header(raw_rows, header_lookup(registry.get(job.resource)))[:2]
    except (FileError, KeyError):
        header_row, columns = 0, {}
    sensitive = {} if unmask else _sensitive_headers(job)
    kinds: dict[int, str] = {}
    shown = (lambda text: text) if unmask else secrets.mask_text
    for number, raw in raw_rows():
        if progress is not None:
            progress(number)
        errors = by_row.get(number, [])
        if number == header_row:
            header_cells = {str(c).strip(): i for i, c in enumerate(raw) if isinstance(c, str)}
            header_cells.update({h: i for i, h in columns.items()})
            kinds = {i: sensitive[h] for h, i in header_cells.items() if h in sensitive}
            width = len(raw)
            sheet.append([_header_cell(sheet, "" if c is None else c) for c in raw]
                         + [_header_cell(sheet, "错误说明")])
            continue
        bad: dict[int | None, str] = {}
        for e in errors:  # a cell with several errors shows them all
            position = header_cells.get(e["column"])
            message = shown(e["message"])
            bad[position] = f"{bad[position].rstrip('。')}；{message}" if position in bad else message
        cells = []
        for i, value in enumerate(raw):
            if not unmask:
                value = secrets.mask_cell(value, kinds.get(i))
            cell = WriteOnlyCell(sheet, value=escape_cell(value) if value != "" else None)
            if i in bad:
                cell.fill = ERROR_FILL
                cell.comment = Comment(bad[i], "导入校验")
            cells.append(cell)
        message = shown(joined([f"{e['column']}：{e['message']}" if e.get("column") else e["message"]
                                for e in errors]))
        if message:
            cells.extend(WriteOnlyCell(sheet, value=None) for _ in range(width - len(cells)))
            note = WriteOnlyCell(sheet, value=message)
            note.fill = ERROR_FILL
            cells.append(note)
        sheet.append(cells)
    if not unmask:  # so that the workbook, corrected, can be uploaded as it is (restore)
        mark(workbook, job)
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as tmp:
        name = tmp.name
    try:
        workbook.save(name)
        with open(name, "rb") as fh:
            return fh.read()
    finally:
        os.unlink(name)
