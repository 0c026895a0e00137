"""Reading the sheets people really send (读取上报表格).

``open_sheet(path, filename, resource_class)`` checks the file (size, type by its
first bytes, zip bombs, XML entity tricks, macros), finds the header row below any
title rows, maps headers and their aliases to the resource's columns, and returns a
:class:`Sheet` whose ``rows()`` yields ``(sheet row number, {column header: value})``.

Every refusal is a :class:`FileError` with a Chinese message for the person who
uploaded the file; nothing about a bad file reaches the validation engine.

Limits (settings, with their defaults): ``IMPORT_MAX_UPLOAD_MB`` (20),
``IMPORT_MAX_ZIP_ENTRIES`` (2,000), ``IMPORT_MAX_UNCOMPRESSED_MB`` (400),
``IMPORT_MAX_COMPRESSION_RATIO`` (200), ``IMPORT_MAX_COLUMNS`` (200 columns with content),
``IMPORT_MAX_ROWS`` (100,000 data rows) and ``IMPORT_MAX_CELLS`` (5,000,000: rows × columns
of the area a workbook's first sheet uses). The spreadsheet library allocates that whole
area at once, so a workbook is measured first (``extent``).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist

from . import extent
from .extent import column_letters
from .widgets import is_blank

HEADER_SEARCH_ROWS = 20
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
XML_PROLOG_BYTES = 65536
_HEADER_NOISE = re.compile(r"[\s\u3000*＊:：]+")
MAX_COLUMNS = 200
MAX_ROWS = 100_000
MAX_CELLS = 5_000_000
# Rows a sheet may use beyond its data rows: titles, the header, blank separator rows.
ROW_ALLOWANCE = 1000
# A cell our export escaped (``'=1+1``) reads back as what was stored (``=1+1``).
ESCAPED_FORMULA_STARTS = ("=", "+", "-", "@")


class FileError(Exception):
    """The whole file cannot be read; the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def picker(keys: list[Any]) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving a sequence's or a dictionary's items at ``keys``, always as a
    tuple (``itemgetter`` gives a lone item bare)."""
    if len(keys) > 1:
        return itemgetter(*keys)
    if keys:
        only = keys[0]
        return lambda values: (values[only],)
    return lambda values: ()


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


def check_xlsx_container(path: str) -> extent.FormulaCells:
    """Refuse zip bombs, truncated archives, macros, XML with a DTD and formulas without
    their saved result (or whose result the workbook disowns) before parsing; the first
    sheet's formula and error cells."""
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
                _check_prolog(prolog)
                if info.filename == "[Content_Types].xml" and b"macroEnabled" in prolog:
                    raise FileError("工作簿是启用宏的格式，不予导入。请另存为 .xlsx 文件。")
            formulas = _check_xlsx_area(archive)
            refuse_uncomputed_formulas(formulas)
            return formulas
    except zipfile.BadZipFile:
        raise FileError("文件已损坏或不完整（可能上传中断），无法打开。请重新保存后上传。") from None
    except (EOFError, zlib.error):
        raise FileError("文件已损坏或不完整（可能上传中断），无法打开。请重新保存后上传。") from None


_XML_COMMENT = re.compile(rb"<!--.*?-->", re.S)
_XML_ELEMENT = re.compile(rb"<[A-Za-z_]")


def _check_prolog(prolog: bytes) -> None:
    """No DTD before the root element, however much comment padding precedes it."""
    if b"\x00" in prolog[:64] or prolog.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileError("工作簿的 XML 不是 UTF-8 编码，疑似被篡改，已拒绝。请用 Excel 重新保存后再导入。")
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
        raise FileError("工作簿的 XML 中含有 DTD/实体声明，疑似恶意文件，已拒绝。")
    if len(prolog) == XML_PROLOG_BYTES and _XML_ELEMENT.search(_XML_COMMENT.sub(b"", prolog)) is None:
        # Tens of kilobytes of comments before the root: nothing a spreadsheet program writes.
        raise FileError("工作簿的 XML 结构异常，疑似恶意文件，已拒绝。")


def _check_area(reach: tuple[int, int] | None) -> None:
    """Refuse a first sheet whose cells with a value reach too far (see ``extent``)."""
    if reach is None:
        return
    rows, columns = reach
    max_columns = limit("IMPORT_MAX_COLUMNS", MAX_COLUMNS)
    max_rows = limit("IMPORT_MAX_ROWS", MAX_ROWS)
    max_cells = limit("IMPORT_MAX_CELLS", MAX_CELLS)
    if columns > max_columns:
        raise FileError(f"工作表的内容延伸到第 {columns} 列（{column_letters(columns)} 列），超过 {max_columns} 列的上限。"
                        "请删除右侧多余的列，或只把需要导入的列复制到新工作簿后再导入。")
    if rows > max_rows + ROW_ALLOWANCE:
        raise FileError(f"工作表第 {rows} 行仍有内容，超过导入上限（每次最多 {max_rows} 行数据）。"
                        "请拆分成多个文件；如果数据下方只是空白，请删除这些空行（包括只有空格或公式的行）后再导入。")
    if rows * columns > max_cells:
        raise FileError(f"工作表的使用区域为 {rows} 行 × {columns} 列，超过 {max_cells} 个单元格的上限。"
                        "请删除多余的行和列，或拆分成多个文件后再导入。")


def _check_xlsx_area(archive: zipfile.ZipFile) -> extent.FormulaCells:
    """Refuse a first sheet reaching too far; return its formula and error cells (both
    from one pass over its XML, ``extent.xlsx_scan``)."""
    last_row = limit("IMPORT_MAX_ROWS", MAX_ROWS) + ROW_ALLOWANCE
    # Narrower than this, no sheet within the row limit can exceed the cell limit.
    wide_from = max(1, min(limit("IMPORT_MAX_COLUMNS", MAX_COLUMNS), limit("IMPORT_MAX_CELLS", MAX_CELLS) // last_row))
    try:
        reach, formulas = extent.xlsx_scan(archive, rows_over=last_row, columns_over=wide_from)
    except extent.UnsafeXML:
        raise FileError("工作簿的 XML 中含有 DTD/实体声明，疑似恶意文件，已拒绝。") from None
    except extent.Unreadable:
        raise FileError("工作簿的 XML 格式错误，文件可能已损坏。请用 Excel 重新保存后再导入。") from None
    except extent.TooLarge:
        raise FileError("工作簿的结构信息（工作表和名称的清单）异常大，疑似恶意文件，已拒绝。"
                        "请把需要导入的数据复制到新工作簿后再导入。") from None
    _check_area(reach)
    return formulas


def cells_named(cells: list[str], count: int) -> str:
    """「C5」, 「C5、C6」 or 「C5、C6、C7 等 12 个」 (the message adds 单元格)."""
    return "、".join(cells) + (f" 等 {count} 个" if count > len(cells) else " ")


def refuse_uncomputed_formulas(formulas: extent.FormulaCells) -> None:
    """公式没有计算结果: a workbook written by a program and never opened in Excel or WPS
    holds its formulas but not their results, and the reader would see those cells as
    empty (a name reported missing, a dues base taken as 0). Refused, naming the cells,
    wherever they are on the first sheet: one in the header row would hide a column.

    So is a workbook whose formulas hold a result it disowns (it asks to be recalculated
    on opening, ``extent.recalculates_on_opening``): a program wrote 0, or any value it
    was given, in place of each result, and the reader would take that for the data."""
    if not formulas.uncomputed_count:
        return
    named = cells_named(formulas.uncomputed_named, formulas.uncomputed_count)
    them = "它" if formulas.uncomputed_count == 1 else "它们"
    if formulas.disowned_count:
        raise FileError(f"第一个工作表的 {named}单元格是公式，但文件由程序生成，标明要在打开时重新计算，文件中为{them}"
                        "保存的结果（多为 0 或空白）不是 Excel 或 WPS 计算出来的，不能作为数据导入，全部未导入。"
                        "请在 Excel 或 WPS 中打开，等公式计算出结果后保存，再上传；或把公式复制后“选择性粘贴为数值”。")
    raise FileError(f"第一个工作表的 {named}单元格是公式，但文件中没有{them}的计算结果（文件由程序生成，"
                    f"未在 Excel 或 WPS 中打开保存过），无法读取其中的值，全部未导入。请在 Excel 或 WPS 中打开、"
                    "保存后再上传，或把公式复制后“选择性粘贴为数值”。")


def check_xls_container(path: str) -> extent.FormulaCells:
    """The .xls counterpart of the area check, from the sheet's cell records; the first
    sheet's formula and error cells."""
    with open(path, "rb") as fh:
        data = fh.read()
    formulas = extent.FormulaCells()
    try:
        _check_area(extent.xls_extent(data, formulas))
    except extent.Unreadable:
        raise FileError("文件已损坏或不是有效的 Excel 97-2003 工作簿，无法打开。请重新保存后上传。") from None
    return formulas


# --- decoding CSV ------------------------------------------------------------------

ENCODING_ADVICE = "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”（或 GB18030/GBK 编码的 CSV）后再导入。"


def decode_csv(data: bytes) -> str:
    """Strict UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030 (a superset of
    GBK). Nothing is guessed: a file in any other encoding is refused, never read as
    mojibake, and so is a file whose lines mix two encodings (the message names the odd
    lines: ``mixed_encoding_message``)."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                mixed = mixed_encoding_message(data[len(bom):], declared_utf8=True) if encoding == "utf-8" else ""
                raise FileError(mixed or f"CSV 文件标明的字符编码与内容不符，无法读取。{ENCODING_ADVICE}") from None
            if "\x00" in text:
                raise FileError("文件内容不是文本表格（含有二进制数据）。")
            return text
    if b"\x00" in data:
        sample = data[:4096]
        if sample.count(b"\x00") * 4 >= len(sample):  # every other byte: UTF-16 without its BOM
            raise FileError(f"CSV 文件似乎是没有 BOM 标记的 UTF-16 编码，无法可靠识别。{ENCODING_ADVICE}")
        raise FileError("文件内容不是文本表格（含有二进制数据）。")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    mixed = mixed_encoding_message(data)
    if mixed:
        raise FileError(mixed)
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise FileError(f"无法识别 CSV 文件的字符编码（只接受 UTF-8 和 GB18030/GBK）。{ENCODING_ADVICE}") from None


# A byte that is not UTF-8, as ``surrogateescape`` keeps it (no UTF-8 text holds one).
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
SHOWN_LINES = 5


def mixed_encoding_message(data: bytes, *, declared_utf8: bool = False) -> str:
    """The refusal of a CSV whose lines are in two encodings (a sheet pasted together from
    two sources: a GBK line in a UTF-8 file, or the other way round), naming the lines in
    the minority; "" for a file that is not such a mix. A line is UTF-8 when it decodes
    as UTF-8 with two or more Chinese characters (two in valid UTF-8 are practically never
    GBK text by chance), and of the other encoding when it does not decode as UTF-8.
    ``declared_utf8``: the file starts with a UTF-8 BOM (a spreadsheet opens it as UTF-8),
    so its lines that are not UTF-8 are the odd ones, however many.

    Lines are named as a spreadsheet numbers its rows, the header row counted (the rows
    every other message of the import names); where a cell holding a line break above
    makes a text editor's line number differ, that number is given as well."""
    text = data.decode("utf-8", "surrogateescape")
    lines = list(io.StringIO(text, newline=""))  # split where the CSV reader splits
    utf8: list[int] = []
    other: list[int] = []
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            continue
        if _NOT_UTF8.search(line):
            other.append(number)
        elif sum(1 for ch in line if ch >= "\u0800") >= 2:
            utf8.append(number)
    if not (other and utf8):
        return ""
    # The file's own encoding is its majority's; a tie goes to the encoding of the first such line.
    if declared_utf8 or len(utf8) > len(other) or (len(utf8) == len(other) and utf8[0] < other[0]):
        odd, kept = other, "UTF-8 编码"
        in_gbk = all(_is_gb18030(lines[n - 1].encode("utf-8", "surrogateescape")) for n in odd)
        what = "是 GBK（GB18030）编码" if in_gbk else "不是 UTF-8 编码"
    else:
        odd, kept, what = utf8, "GBK（GB18030）编码", "是 UTF-8 编码"
    where = _where(odd, _rows_of_lines(text, odd[:SHOWN_LINES]))
    this = "该行" if len(odd) == 1 else "这些行"
    return (f"CSV 文件混用了两种字符编码，按任何一种读取都会有乱码：文件其他行是 {kept}，{where}{what}"
            f"（可能是从另一个文件复制过来的）。一个 CSV 文件只能用一种编码：请重新录入{this}（或从原表格重新复制），"
            "再将整个文件另存为“CSV UTF-8（逗号分隔）”，或统一另存为 GBK 编码的 CSV，然后导入；"
            "也可以直接上传 .xlsx 文件。")


def _is_gb18030(data: bytes) -> bool:
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def _rows_of_lines(text: str, lines: list[int]) -> dict[int, int]:
    """The spreadsheet row of each of ``lines`` (text line numbers): the CSV record it
    belongs to, counted as the import counts rows. A quoted cell holding a line break
    spans several lines in one row. A line the CSV reader cannot reach (a broken quote
    above it) is left out."""
    rows: dict[int, int] = {}
    wanted, final = set(lines), max(lines)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    last = 0
    try:
        for row, _ in enumerate(reader, start=1):
            for line in wanted.intersection(range(last + 1, reader.line_num + 1)):
                rows[line] = row
            last = reader.line_num
            if last >= final:
                break
    except csv.Error:
        pass
    return rows


def _where(lines: list[int], rows: dict[int, int]) -> str:
    """「第 7 行」, 「第 7、9 行」 or 「第 7、9、11、13、15 行等 12 行」, by spreadsheet row; where a
    text editor numbers them otherwise, 「表格第 7 行（在记事本等文本编辑器中是第 8 行…）」."""
    shown = lines[:SHOWN_LINES]
    more = f"等 {len(lines)} 行" if len(lines) > len(shown) else ""
    if any(line not in rows for line in shown):
        return f"在记事本等文本编辑器中的第 {'、'.join(map(str, shown))} 行{more}"
    where = f"第 {'、'.join(str(rows[line]) for line in shown)} 行{more}"
    if any(rows[line] != line for line in shown):
        # The row as WPS or Excel shows it, and the line as a text editor does.
        where = (f"表格{where}（在记事本等文本编辑器中是第 {'、'.join(map(str, shown))} 行，"
                 "因为上面有单元格内换行）")
    return where


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
    # The first sheet's formula and error cells (.xlsx), and the rows holding one that
    # ``records`` has read as data.
    formulas: extent.FormulaCells | None = field(repr=False, default=None)
    # The library's rows start at the sheet's first column with content: index 0 is that column.
    first_column: int = 0
    _formula_rows_read: set[int] = field(repr=False, default_factory=set)

    @property
    def headers(self) -> list[str]:
        """The canonical headers found, in the order of ``records``' cells."""
        return list(self.columns.values())

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Data rows below the header as (sheet row number, {column header: value})."""
        headers = self.headers
        for number, cells in self.records():
            yield number, dict(zip(headers, cells))

    def records(self) -> Iterator[tuple[int, list[Any]]]:
        """Data rows below the header as (sheet row number, cells in the order of
        ``headers``); empty rows (Excel's phantom rows) are skipped. Text is stripped and
        blank cells are None.

        A text cell our export escaped (``'=1+1``) reads as the value it escaped, so an
        exported sheet imports unchanged. More than ``IMPORT_MAX_ROWS`` data rows, or a
        NUL character (which no database text column takes), refuse the whole file, and
        so does an error value (#N/A) in a column read, once every row has been read,
        naming the cells (``refuse_error_cells``). The rows read holding a formula's saved
        result are kept for ``formula_cells_read``.
        """
        indexes = list(self.columns)
        if not indexes:
            return
        headers = self.headers
        pick = picker(indexes)
        last = max(indexes)
        max_rows = limit("IMPORT_MAX_ROWS", MAX_ROWS)
        escaped = ESCAPED_FORMULA_STARTS
        count = 0
        formulas = self.formulas
        watched: set[int] = set()
        if formulas is not None:
            read_columns = [i + 1 + self.first_column for i in indexes]
            watched = formulas.rows_of("computed", read_columns) | formulas.rows_of("errors", read_columns)
        self._formula_rows_read = read = set()
        for number, raw in self._raw_rows():
            if number <= self.header_row or not raw:
                continue
            width = len(raw)
            picked = pick(raw) if width > last else [raw[i] if i < width else None for i in indexes]
            cells = [(value.strip() or None) if type(value) is str else value for value in picked]
            if cells.count(None) == len(cells):
                continue
            for position, value in enumerate(cells):
                if type(value) is str and (value[0] == "'" or "\x00" in value):
                    if value[0] == "'" and value[1:2] in escaped:
                        cells[position] = value = value[1:]
                    if "\x00" in value:
                        raise FileError(f"第 {number} 行「{headers[position]}」列含有空字符（\\x00），文件可能已损坏。"
                                        "请用 Excel 重新保存后再导入。")
            count += 1
            if count > max_rows:
                raise FileError(f"数据超过 {max_rows} 行的上限（第 {number} 行起超出），全部未导入。"
                                "请拆分成多个文件分批导入。")
            if watched and number in watched:
                read.add(number)
            yield number, cells
        if formulas is not None and read:
            refuse_error_cells(*formulas.among("errors", read_columns, read))

    def formula_cells_read(self, *, skip: Collection[str] = ()) -> tuple[list[str], int]:
        """The cells of the rows ``records`` read, in the columns read (less ``skip``),
        whose value is a formula's saved result: the first few (``C5``) and how many."""
        if self.formulas is None or not self._formula_rows_read:
            return [], 0
        columns = [i + 1 + self.first_column for i, header in self.columns.items() if header not in skip]
        return self.formulas.among("computed", columns, self._formula_rows_read)


def refuse_error_cells(cells: list[str], count: int) -> None:
    """错误值: a cell holding #N/A, #REF!, #VALUE!… (most often a lookup that found
    nothing) reads as empty, so an empty rank or a missing name would be imported or
    reported in its place. Refused, naming the cells; a row holding nothing else (a
    lookup filled down below the data) is no data row and is left alone."""
    if not count:
        return
    raise FileError(f"第一个工作表的 {cells_named(cells, count)}单元格是错误值（如 #N/A、#REF!、#VALUE!，"
                    "多是查找公式没有找到对应的内容），无法读取，全部未导入。请在 Excel 或 WPS 中改正公式或填写"
                    "正确的内容后再上传。")


def _excel_rows(path: str) -> tuple[Any, int, list[Any], int]:
    """Rows of the first sheet, its reported height (phantom rows included), its merged
    ranges (``((top, left), (bottom, right))``, counted from 0) and its first column
    (counted from 0: a sheet that starts at column B reads its cells from there)."""
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
        height = int(sheet.end[0] + 1) if sheet.end else 0
    except Exception as exc:  # calamine raises its own error types for broken files
        raise FileError(f"无法读取工作簿：文件已损坏或格式不受支持（{type(exc).__name__}）。") from None

    def rows() -> Iterator[tuple[int, list[Any]]]:
        # iter_rows starts at the sheet's first row, so the position is the row number.
        yield from enumerate(sheet.iter_rows(), start=1)

    first_column = int(sheet.start[1]) if sheet.start else 0
    return rows, height, list(sheet.merged_cell_ranges or []), first_column


def refuse_merged_data_cells(merged: list[Any], header_row: int) -> None:
    """合并单元格 below the header: a merged cell holds its value in its first cell only, so
    the rows it spans below the first would be read blank (学历 merged over two people's
    rows gives the second none). Refused, naming the ranges; a title merged above the
    header, as sheets arrive, is left alone."""
    spans = sorted((top + 1, left + 1, bottom + 1, right + 1)
                   for (top, left), (bottom, right) in merged if bottom + 1 > header_row)
    if spans:
        named = "、".join(f"{column_letters(left)}{top}:{column_letters(right)}{bottom}"
                         for top, left, bottom, right in spans[:3])
        more = f"等 {len(spans)} 处" if len(spans) > 3 else ""
        raise FileError(f"第一个工作表的 {named}{more} 是合并单元格：合并后只有左上角一格有内容，其余各行各列会被读成空白。"
                        "请取消合并，在每一行填写完整后重新上传（表头上方合并的标题行不受影响）。")


def _delimiter(text: str) -> str:
    # "Text (tab delimited)" saved with a .csv name: tabs and no commas in the first line;
    # a CSV from a European-locale Excel: semicolons and no commas.
    first = text[: text.find("\n")] if "\n" in text else text
    if "," in first:
        return ","
    return "\t" if "\t" in first else ";" if ";" in first else ","


def _csv_rows(text: str) -> Any:
    delimiter = _delimiter(text)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        index = 0
        try:
            for index, raw in enumerate(reader, start=1):
                yield index, raw
        except csv.Error:
            raise FileError(f"CSV 文件第 {index + 1} 行附近格式错误（引号不成对，或单元格超过 "
                            f"{csv.field_size_limit()} 个字符）。请用 Excel 重新保存后再导入。") from None

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


def find_header(raw_rows: Any, lookup: dict[str, str], *, hint: str = "") -> tuple[int, dict[int, str], list[str]]:
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
        raise FileError("在前 20 行中没有找到表头行。请使用下载的导入模板，表头须为模板中的列名。" + hint)
    max_columns = limit("IMPORT_MAX_COLUMNS", MAX_COLUMNS)
    for number, raw in head:
        used = next((i + 1 for i in range(len(raw) - 1, -1, -1) if not is_blank(raw[i])), 0)
        if used > max_columns:
            raise FileError(f"第 {number} 行的内容延伸到第 {used} 列（{column_letters(used)} 列），超过 {max_columns} 列"
                            "的上限。请删除右侧多余的列，或只把需要导入的列复制到新工作簿后再导入。")
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
    kind, raw_rows, estimated, merged, formulas, first_column = _checked_rows(path, filename)
    lookup = header_lookup(resource_class)
    # A CSV in another encoding reads as mojibake, and its header matches nothing.
    hint = f"如果表头看起来正确，可能是字符编码不对：{ENCODING_ADVICE}" if kind == "csv" else ""
    header_row, columns, unknown = find_header(raw_rows, lookup, hint=hint)
    refuse_merged_data_cells(merged, header_row)
    required = _key_headers(resource_class)
    missing = [h for h in required if h not in columns.values()]
    if missing:
        raise FileError(f"表头缺少必需的列：{'、'.join(missing)}。请使用下载的导入模板。")
    return Sheet(kind=kind, header_row=header_row, columns=columns, unknown_headers=unknown,
                 estimated_rows=max(0, estimated - header_row), _raw_rows=raw_rows,
                 formulas=formulas, first_column=first_column)


class RawSheet(NamedTuple):
    """A file's first sheet once its container has been checked (:func:`_checked_rows`)."""

    kind: str
    rows: Any  # a callable giving (row number, cells)
    estimated: int  # rows, phantom ones included
    merged: list[Any]  # merged ranges (none in a CSV)
    formulas: extent.FormulaCells | None  # formula and error cells (none in a CSV)
    first_column: int


def _checked_rows(path: str, filename: str) -> RawSheet:
    """The file's first sheet, once its container has been checked."""
    kind = sniff_kind(path, filename)
    formulas = None
    if kind == "xlsx":
        formulas = check_xlsx_container(path)
    elif kind == "xls":
        formulas = check_xls_container(path)
    if kind in {"xlsx", "xls"}:
        rows, estimated, merged, first_column = _excel_rows(path)
        return RawSheet(kind, rows, estimated, merged, formulas, first_column)
    with open(path, "rb") as fh:
        # Blank lines at the end (a million of them, or commas only) are not rows.
        text = decode_csv(fh.read()).rstrip("\r\n\t ,")
    return RawSheet(kind, _csv_rows(text), text.count("\n") + 1, [], None, 0)


def suggest_resource(path: str, filename: str, resource_classes: dict[str, Any]) -> tuple[str | None, dict[str, int]]:
    """导入类型识别: the kind whose headers the sheet's first rows match best, and how many
    headers each kind matched. None when no kind matches, or two match equally well."""
    raw_rows = _checked_rows(path, filename).rows
    head = []
    for _, raw in raw_rows():
        head.append(raw)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    scores = {}
    for slug, resource_class in resource_classes.items():
        lookup = header_lookup(resource_class)
        scores[slug] = max((len(_match(raw, lookup)) for raw in head), default=0)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None, scores
    return ranked[0][0], scores


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
