"""An error workbook corrected and uploaded as it is (错误标注表直接改正后上传).

A clerk without the right to full personal data downloads the annotated error workbook
with its ID numbers masked (``620102********1234``). The clerk corrects the red cells and
uploads the workbook itself, which is what anybody would do. Its masked numbers cannot be
imported as they stand, and the clerk cannot type them in: they never saw them.

So the workbook says where it came from. A masked workbook carries a very hidden sheet
with the signed number of its import job (:func:`mark`). When a job's upload carries that
mark, the worker, before validating, looks up the earlier job's stored upload. That job
must be of the same sheet type, still hold its file, be within the uploader's
jurisdiction and be one the uploader may import. Each masked cell of a personal-data
column is matched with the value of the same column in the original whose mask is that
text, and the upload is rewritten with the values put back (:func:`restore_masked`).
Nothing is shown to anyone. The job's message says how many were put back, and which
could not be (a mask that two different numbers share, or a number the original does not
hold). Those cells stay masked and the row is refused as the original sheet's would be.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from typing import Any

from django.core import signing

from orgwork.common import secrets
from orgwork.units.scope import in_scope

from . import registry
from .access import job_kind_visible
from .models import ImportJob
from .reader import FileError, _excel_rows, find_header, header_lookup, open_sheet, sniff_kind

MARKER_SHEET = "orgwork-来源"
_SALT = "orgwork.imports.error-workbook"
_AMBIGUOUS = object()  # two different originals share the mask


def mark(workbook: Any, job: ImportJob) -> None:
    """Add to a (write-only) workbook the very hidden sheet naming ``job``, after the
    sheets the reader reads (it reads the first)."""
    sheet = workbook.create_sheet(MARKER_SHEET)
    sheet.sheet_state = "veryHidden"
    sheet.append([signing.dumps(job.pk, salt=_SALT)])


def marked_job_id(path: str) -> int | None:
    """The job an uploaded workbook was annotated from, or None (no mark, or a mark that
    was not written by this system)."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(path)
        if MARKER_SHEET not in workbook.sheet_names:
            return None
        rows = workbook.get_sheet_by_name(MARKER_SHEET).to_python()
    except Exception:  # a workbook the reader will refuse in its own words
        return None
    token = rows[0][0] if rows and rows[0] else None
    try:
        return int(signing.loads(str(token), salt=_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def _source(job: ImportJob, source_id: int) -> ImportJob | None:
    source = ImportJob.objects.filter(pk=source_id, resource=job.resource).exclude(file="").first()
    uploader = job.uploader
    if source is None or source.pk == job.pk or not job_kind_visible(uploader, source) or not in_scope(source, uploader):
        return None
    if not os.path.exists(source.file.path):
        return None
    return source


def _originals(source: ImportJob, kinds: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Each personal-data column's masked texts in the source's upload → the value."""
    sheet = open_sheet(source.file.path, source.original_name, registry.get(source.resource))
    positions = [(i, header) for i, header in enumerate(sheet.headers) if header in kinds]
    found: dict[str, dict[str, Any]] = {header: {} for _, header in positions}
    for _, cells in sheet.records():
        for i, header in positions:
            value = cells[i]
            if value is None:
                continue
            masked = str(secrets.mask_cell(value, kinds[header]))
            known = found[header].get(masked)
            found[header][masked] = value if known is None or known == value else _AMBIGUOUS
    return found


def _write(path: str, rows: Iterable[list[Any]]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append([None if value == "" else value for value in row])
    handle, temporary = tempfile.mkstemp(suffix=".xlsx", dir=os.path.dirname(path))
    os.close(handle)
    try:
        workbook.save(temporary)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def restore_masked(job: ImportJob) -> str:
    """Put back the masked personal data of a corrected error workbook (see the module's
    docstring), rewriting the job's stored upload. Returns the sentence for the job's
    message, "" when the upload is not such a workbook."""
    from .exporting import _sensitive_headers  # it imports this module

    path = job.file.path
    if sniff_kind(path, job.original_name) != "xlsx":
        return ""
    source_id = marked_job_id(path)
    if source_id is None:
        return ""
    source = _source(job, source_id)
    if source is None:
        return (f"这是导入任务 {source_id} 的错误标注表，但该任务的原始文件已不可用（任务已完成或已放弃、超过保留期限，"
                "或不在您的管辖范围内），表中被遮蔽的号码无法还原：请在原表中改正后上传。")
    kinds = _sensitive_headers(job)
    try:
        originals = _originals(source, kinds)
    except FileError:
        return f"导入任务 {source_id} 的原始文件无法读取，表中被遮蔽的号码无法还原：请在原表中改正后上传。"
    resource_class = registry.get(job.resource)
    raw_rows, _ = _excel_rows(path)
    header_row, columns, _ = find_header(raw_rows, header_lookup(resource_class))
    targets = {i: originals[header] for i, header in columns.items() if header in originals}
    restored, missed = 0, []
    rows: list[list[Any]] = []
    for number, raw in raw_rows():
        row = list(raw)
        if number > header_row:
            for i, known in targets.items():
                cell = row[i] if i < len(row) else None
                if not isinstance(cell, str) or "*" not in cell:
                    continue
                value = known.get(cell.strip())
                if value is None or value is _AMBIGUOUS:
                    missed.append(f"第 {number} 行「{columns[i]}」")
                else:
                    row[i] = value
                    restored += 1
        rows.append(row)
    if restored:
        _write(path, rows)
    note = f"已按导入任务 {source_id} 的原始文件还原 {restored} 个被遮蔽的号码。" if restored else ""
    if missed:
        shown = "、".join(missed[:5]) + ("等" if len(missed) > 5 else "")
        note += (f"{shown}的号码无法还原（原表中没有，或有两个号码遮蔽后相同），请填写完整号码，"
                 "或在原表中改正后上传。")
    return note
