"""Building the sheets people send: xlsx with title rows, CSV in several encodings, and
hostile files (zip bombs, entity bombs, renamed binaries)."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from orgwork.common import idnumber
from orgwork.imports.engine import ImportResult, run_import
from orgwork.imports.reader import open_sheet


def id_for(birth: datetime.date, seq: int, male: bool = True) -> str:
    """A valid 18-digit number in 620102 born on ``birth``."""
    sequence = seq % 500 * 2 + (1 if male else 0)
    first17 = f"620102{birth:%Y%m%d}{sequence:03d}"
    return first17 + idnumber.check_character(first17)


def xlsx(path: Path, rows: Sequence[Sequence[Any]], *, title: str | None = None,
         merge_title: bool = True, text_columns: Sequence[int] = ()) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    offset = 0
    if title:
        sheet.cell(row=1, column=1, value=title)
        if merge_title and rows:
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
        offset = 2  # the title, then an empty row
    for r, row in enumerate(rows, start=1 + offset):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if c - 1 in text_columns:
                cell.number_format = "@"
    workbook.save(path)
    return path


def xls(path: Path, cells: dict[tuple[int, int], Any]) -> Path:
    """An Excel 97-2003 workbook with ``cells`` at (row, column), from 0; a date is written
    as a date cell (a number with a date format), as Excel saves one."""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("干部")
    day = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for (row, column), value in cells.items():
        if isinstance(value, datetime.date):
            sheet.write(row, column, value, day)
        else:
            sheet.write(row, column, value)
    book.save(str(path))
    return path


def xls_rows(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    return xls(path, {(r, c): value for r, row in enumerate(rows) for c, value in enumerate(row) if value is not None})


def csv_bytes(rows: Sequence[Sequence[Any]]) -> str:
    return "\r\n".join(",".join("" if v is None else str(v) for v in row) for row in rows) + "\r\n"


def csv_file(path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> Path:
    path.write_bytes(csv_bytes(rows).encode(encoding))
    return path


def quoted_csv(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    """A UTF-8 CSV quoted as a spreadsheet program saves one (a cell holding a comma or a
    quote is quoted); a "=…" cell stays text, as a clerk's pasted formula arrives."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def example_sheet(path: Path, resource_class: Any, rows: Sequence[dict[str, Any]]) -> Path:
    """A CSV (:func:`quoted_csv`) of ``resource_class``'s example columns, each row its
    ``example_row`` with the cells ``rows`` change."""
    headers = list(resource_class.example_row)
    return quoted_csv(path, [headers, *([{**resource_class.example_row, **row}[h] for h in headers] for row in rows)])


def run_example_sheet(tmp_path: Path, resource_class: Any, user: Any, rows: Sequence[dict[str, Any]]) -> ImportResult:
    """An :func:`example_sheet` of ``rows`` imported by ``user``, committing if it is valid."""
    path = example_sheet(tmp_path / f"{resource_class.__name__}.csv", resource_class, rows)
    return run_import(resource_class, user, open_sheet(str(path), path.name, resource_class), commit=True)


def rewrite_zip(source: Path, target: Path, *, extra: dict[str, bytes] | None = None,
                replace: dict[str, bytes] | None = None) -> Path:
    """Copy an xlsx, replacing or adding parts."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = (replace or {}).get(info.filename, src.read(info.filename))
            dst.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return target


def zip_bomb(source: Path, target: Path, megabytes: int = 30) -> Path:
    return rewrite_zip(source, target, extra={"xl/media/padding.bin": b"\0" * (megabytes * 1024 * 1024)})


BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    b"<si><t>&lol3;</t></si></sst>"
)


# openpyxl and XlsxWriter, which write formulas without working them out, ask for a full
# calculation on opening; Excel and WPS calculate, and save their own calculation properties.
EXCEL_CALC_PR = b'<calcPr calcId="191029"/>'


def as_excel_saves(workbook_xml: bytes) -> bytes:
    """``xl/workbook.xml`` with the calculation properties as Excel saves them, for a test
    that writes into a sheet the results Excel would save."""
    saved, found = re.subn(rb"<calcPr\b[^>]*/>", EXCEL_CALC_PR, workbook_xml)
    assert found == 1
    return saved


def truncated(source: Path, target: Path) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return target


def workbook_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def validated_job(user: Any, resource: str, content: bytes, name: str) -> Any:
    """An import job of ``content`` uploaded as ``name``, validated in this process."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from orgwork.imports import services

    job = services.job_create(user=user, resource=resource, uploaded=SimpleUploadedFile(name, content))
    services.job_validate(job_id=job.pk)
    job.refresh_from_db()
    return job


def downloaded_error_workbook(client: Any, job: Any) -> Any:
    """The job's error workbook as the clerk downloads it, opened."""
    from django.urls import reverse
    from openpyxl import load_workbook

    answer = client.get(reverse("admin:imports_importjob_errors", args=[job.pk]))
    assert answer.status_code == 200
    return load_workbook(io.BytesIO(b"".join(answer.streaming_content) if answer.streaming else answer.content))
