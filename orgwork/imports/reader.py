"""Reading the sheets people really send (读取上报表格).

``open_sheet(path, filename, resource_class)`` checks the file (size, type by its
first bytes, zip bombs, XML entity tricks, macros), finds the header row below any
title rows, maps headers and their aliases to the resource's columns, and returns a
:class:`Sheet` whose ``rows()`` yields ``(sheet row number, {column header: value})``.

Every refusal is a :class:`FileError` with a Chinese message for the person who
uploaded the file; nothing about a bad file reaches the validation engine.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist

from .widgets import is_blank

HEADER_SEARCH_ROWS = 20
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
XML_PROLOG_BYTES = 4096
_HEADER_NOISE = re.compile(r"[\s\u3000*＊:：]+")


class FileError(Exception):
    """The whole file cannot be read; the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def normalise_header(text: Any) -> str:
    """Header cells as people type them: spaces, line breaks, ``*`` for required, a colon."""
    return _HEADER_NOISE.sub("", str(text or ""))


# --- file checks -------------------------------------------------------------------

def check_upload_size(size: int) -> None:
    max_mb = limit("IMPORT_MAX_UPLOAD_MB", 20)
    if size > max_mb * 1024 * 1024:
        raise FileError(f"文件大小为 {size / 1024 / 1024:.1f} MB，超过上限 {max_mb} MB。请拆分后分批导入。")
    if size == 0:
        raise FileError("文件是空的。")


def check_extension(filename: str) -> str:
    """The lower-case extension if it is one we read; ``FileError`` otherwise."""
    ext = os.path.splitext(filename.lower())[1]
    if ext in {".xlsm", ".xltm", ".xlam", ".xlsb"}:
        raise FileError("不接受带宏或二进制格式的工作簿（.xlsm/.xlsb）。请另存为“Excel 工作簿 (.xlsx)”后再导入。")
    if ext not in {".xlsx", ".xls", ".csv"}:
        raise FileError("只能导入 .xlsx、.xls 或 .csv 文件。")
    return ext


def sniff_kind(path: str, filename: str) -> str:
    """``xlsx``, ``xls`` or ``csv`` from the extension, confirmed by the first bytes."""
    ext = check_extension(filename)
    with open(path, "rb") as fh:
        head = fh.read(8)
    if ext == ".xlsx":
        if not head.startswith(ZIP_MAGIC):
            raise FileError("文件扩展名是 .xlsx，但内容不是 Excel 工作簿（可能是改了扩展名的其他文件）。")
        return "xlsx"
    if ext == ".xls":
        if not head.startswith(OLE_MAGIC):
            raise FileError("文件扩展名是 .xls，但内容不是 Excel 97-2003 工作簿（可能是改了扩展名的其他文件）。")
        return "xls"
    if ext == ".csv":
        if head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC):
            raise FileError("文件扩展名是 .csv，但内容是 Excel 工作簿。请把扩展名改回 .xlsx/.xls 或另存为 CSV。")
        return "csv"
    raise FileError("只能导入 .xlsx、.xls 或 .csv 文件。")  # unreachable: check_extension


def check_xlsx_container(path: str) -> None:
    """Refuse zip bombs, truncated archives, macros and XML with a DTD before parsing."""
    max_entries = limit("IMPORT_MAX_ZIP_ENTRIES", 2000)
    max_total = limit("IMPORT_MAX_UNCOMPRESSED_MB", 400) * 1024 * 1024
    max_ratio = limit("IMPORT_MAX_COMPRESSION_RATIO", 200)
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > max_entries:
                raise FileError(f"工作簿内部包含 {len(entries)} 个部件，超过上限，疑似恶意文件，已拒绝。")
            total = sum(info.file_size for info in entries)
            if total > max_total:
                raise FileError("工作簿解压后过大，疑似压缩炸弹，已拒绝。请检查文件或拆分后导入。")
            for info in entries:
                # Spreadsheet XML compresses 5–30×; a bomb compresses hundreds of times.
                if info.file_size > 1024 * 1024 and info.file_size > max_ratio * max(info.compress_size, 1):
                    raise FileError("工作簿的压缩比异常，疑似压缩炸弹，已拒绝。")
            names = {info.filename.lower() for info in entries}
            if any(name.endswith("vbaproject.bin") for name in names):
                raise FileError("工作簿包含宏（VBA），不予导入。请另存为不含宏的 .xlsx 文件。")
            if "[content_types].xml" not in names:
                raise FileError("文件不是有效的 Excel 工作簿（缺少内容类型清单）。")
            for info in entries:
                if not info.filename.lower().endswith((".xml", ".rels")):
                    continue
                with archive.open(info) as part:
                    prolog = part.read(XML_PROLOG_BYTES)
                if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
                    raise FileError("工作簿的 XML 中含有 DTD/实体声明，疑似恶意文件，已拒绝。")
                if info.filename == "[Content_Types].xml" and b"macroEnabled" in prolog:
                    raise FileError("工作簿是启用宏的格式，不予导入。请另存为 .xlsx 文件。")
    except zipfile.BadZipFile:
        raise FileError("文件已损坏或不完整（可能上传中断），无法打开。请重新保存后上传。") from None
    except (EOFError, zlib.error):
        raise FileError("文件已损坏或不完整（可能上传中断），无法打开。请重新保存后上传。") from None


# --- decoding CSV ------------------------------------------------------------------

def decode_csv(data: bytes) -> str:
    """Strict UTF-8 (with or without BOM), then GB18030 (a superset of GBK), then a guess."""
    if b"\x00" in data[:8192]:
        raise FileError("文件内容不是文本表格（含有二进制数据）。")
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    # A sample cut mid-character confuses the detector: cut at a line end.
    sample = data[:65536]
    cut = sample.rfind(b"\n")
    best = from_bytes(sample[: cut + 1] if cut > 0 else sample).best()
    if best is not None:
        try:
            return data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    raise FileError("无法识别 CSV 文件的字符编码。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入。")


# --- the sheet ---------------------------------------------------------------------

@dataclass
class Sheet:
    """A readable sheet: where the header is, which column holds which header."""

    kind: str
    header_row: int  # 1-based sheet row number of the (last) header row
    columns: dict[int, str]  # column index → canonical column header
    unknown_headers: list[str]
    estimated_rows: int
    _raw_rows: Any = field(repr=False, default=None)

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Data rows below the header; empty rows (Excel's phantom rows) are skipped."""
        columns = list(self.columns.items())
        for number, raw in self._raw_rows():
            if number <= self.header_row:
                continue
            row: dict[str, Any] = {}
            empty = True
            width = len(raw)
            for index, header in columns:
                value = raw[index] if index < width else None
                if isinstance(value, str):
                    value = value.strip()
                    if not value:
                        value = None
                if value is not None:
                    empty = False
                row[header] = value
            if not empty:
                yield number, row


def _excel_rows(path: str) -> tuple[Any, int]:
    """Rows of the first sheet, and its reported height (phantom rows included)."""
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
        height = int(sheet.end[0] + 1) if sheet.end else 0
    except Exception as exc:  # calamine raises its own error types for broken files
        raise FileError(f"无法读取工作簿：文件已损坏或格式不受支持（{type(exc).__name__}）。") from None

    def rows() -> Iterator[tuple[int, list[Any]]]:
        # iter_rows starts at the sheet's first row, so the position is the row number.
        yield from enumerate(sheet.iter_rows(), start=1)

    return rows, height


def _csv_rows(text: str) -> Any:
    def rows() -> Iterator[tuple[int, list[Any]]]:
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            for index, raw in enumerate(reader, start=1):
                yield index, raw
        except csv.Error as exc:
            raise FileError(f"CSV 文件格式错误：{exc}") from None

    return rows


def header_lookup(resource_class: Any) -> dict[str, str]:
    """Normalised header spelling → canonical ``column_name`` (aliases included)."""
    lookup: dict[str, str] = {}
    resource = resource_class()
    for fld in resource.get_import_fields():
        if fld.column_name:
            lookup[normalise_header(fld.column_name)] = fld.column_name
    for alias, target in getattr(resource_class, "header_aliases", {}).items():
        lookup.setdefault(normalise_header(alias), target)
    return lookup


def _match(raw: list[Any], lookup: dict[str, str]) -> dict[int, str]:
    found: dict[int, str] = {}
    taken: set[str] = set()
    for index, cell in enumerate(raw):
        if isinstance(cell, str):
            header = lookup.get(normalise_header(cell))
            if header and header not in taken:
                found[index] = header
                taken.add(header)
    return found


def find_header(raw_rows: Any, lookup: dict[str, str]) -> tuple[int, dict[int, str], list[str]]:
    """The row among the first ones that matches the most known headers.

    A two-level header (a merged group title above the real headers) is merged: columns
    the chosen row leaves unmatched are taken from the row below when that row names them.
    """
    head: list[tuple[int, list[Any]]] = []
    for number, raw in raw_rows():
        head.append((number, raw))
        if len(head) >= HEADER_SEARCH_ROWS + 1:
            break
    best_index, best = -1, {}
    for i, (_, raw) in enumerate(head[:HEADER_SEARCH_ROWS]):
        found = _match(raw, lookup)
        if len(found) > len(best):
            best_index, best = i, found
    if best_index < 0:
        raise FileError("在前 20 行中没有找到表头行。请使用下载的导入模板，表头须为模板中的列名。")
    header_row = head[best_index][0]
    if best_index + 1 < len(head):
        below = _match(head[best_index + 1][1], lookup)
        extra = {i: h for i, h in below.items() if i not in best and h not in best.values()}
        if extra:
            best = {**best, **extra}
            header_row = head[best_index + 1][0]
    unknown = [
        str(cell).strip() for i, cell in enumerate(head[best_index][1])
        if isinstance(cell, str) and cell.strip() and i not in best
    ]
    return header_row, dict(sorted(best.items())), unknown


def open_sheet(path: str, filename: str, resource_class: Any) -> Sheet:
    """Check ``path`` and locate its header; ``FileError`` if it cannot be imported."""
    try:
        size = os.path.getsize(path)
    except OSError:
        raise FileError("上传的文件已不存在，请重新上传。") from None
    check_upload_size(size)
    kind = sniff_kind(path, filename)
    if kind == "xlsx":
        check_xlsx_container(path)
    if kind in {"xlsx", "xls"}:
        raw_rows, estimated = _excel_rows(path)
    else:
        with open(path, "rb") as fh:
            text = decode_csv(fh.read())
        raw_rows = _csv_rows(text)
        estimated = text.count("\n") + 1
    lookup = header_lookup(resource_class)
    header_row, columns, unknown = find_header(raw_rows, lookup)
    required = _key_headers(resource_class)
    missing = [h for h in required if h not in columns.values()]
    if missing:
        raise FileError(f"表头缺少必需的列：{'、'.join(missing)}。请使用下载的导入模板。")
    return Sheet(kind=kind, header_row=header_row, columns=columns, unknown_headers=unknown,
                 estimated_rows=max(0, estimated - header_row), _raw_rows=raw_rows)


def _key_headers(resource_class: Any) -> list[str]:
    """The natural key's columns, then every column a new record cannot do without."""
    resource = resource_class()
    model = resource._meta.model
    by_attr = {fld.attribute: fld.column_name for fld in resource.get_import_fields()}
    required = [by_attr.get(name, name) for name in resource._meta.import_id_fields]
    for attribute, header in by_attr.items():
        if not attribute or "__" in attribute or header in required:
            continue
        try:
            field = model._meta.get_field(attribute)
        except FieldDoesNotExist:
            continue
        if not field.blank and not field.null and not field.has_default():
            required.append(header)
    return required
