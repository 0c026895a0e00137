"""Lists leave the system as .xlsx sheets (台账): a title row, a header row, the rows."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook

from orgwork.imports.exporting import escape_cell


def safe_cell(value: Any) -> Any:
    # openpyxl writes a text starting with "=" as a formula; any other text is a text cell.
    return escape_cell(value)


def xlsx_response(filename: str, header: Sequence[str], rows: Sequence[Sequence[Any]], title: str = "") -> HttpResponse:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=(title or "Sheet1")[:31].replace("/", "-"))
    if title:
        sheet.append([title])
    sheet.append(list(header))
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


__all__ = ["xlsx_response"]
