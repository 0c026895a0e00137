"""Reading the sheets people really send (读取上报表格).

``open_sheet(path, filename, resource_class)`` checks the file (size, type by its
first bytes, zip bombs, XML entity tricks, macros), chooses the sheet to read (the first
visible one with data, ``choose_sheet``), finds the header row below any title rows, maps
headers and their aliases to the resource's columns, and returns a :class:`Sheet` whose
``rows()`` yields ``(sheet row number, {column header: value})``. What the clerk does not
see or cannot tell apart is refused rather than read: a second sheet of data, hidden rows
and columns of data, merged cells, a column named twice, data under an empty header cell.

Every refusal is a :class:`FileError` with a Chinese message for the person who
uploaded the file; nothing about a bad file reaches the validation engine.

Limits (settings, with their defaults): ``IMPORT_MAX_UPLOAD_MB`` (20),
``IMPORT_MAX_ZIP_ENTRIES`` (2,000), ``IMPORT_MAX_UNCOMPRESSED_MB`` (400),
``IMPORT_MAX_COMPRESSION_RATIO`` (200), ``IMPORT_MAX_COLUMNS`` (200 columns with content),
``IMPORT_MAX_ROWS`` (100,000 data rows) and ``IMPORT_MAX_CELLS`` (5,000,000: rows × columns
of the area the sheet read uses). The spreadsheet library allocates that whole
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


NOTES_SHEET = "填写说明"  # the template's second sheet (``exporting.template_xlsx``), never read


class Checked(NamedTuple):
    """What the container checks found of the sheet to read (:func:`choose_sheet`)."""

    formulas: extent.FormulaCells  # its formula and error cells
    sheet: str | None  # its name; None for the first
    hidden: extent.Hidden  # its hidden rows and columns
    where: str  # the sheet as messages name it (``sheet_named``)


FIRST_SHEET = "第一个工作表"


def sheet_named(sheets: list[extent.SheetEntry], chosen: extent.SheetEntry | None) -> str:
    """The sheet read as a message names it: 第一个工作表, or by its name when a sheet
    before it (a hidden 说明) is not read."""
    return FIRST_SHEET if chosen is None or chosen == sheets[0] else f"工作表「{chosen.name}」"


def choose_sheet(sheets: list[extent.SheetEntry],
                 holds_values: Callable[[extent.SheetEntry], bool]) -> extent.SheetEntry | None:
    """读取哪个工作表: the first visible sheet that holds data, the template's own 填写说明
    left aside; a hidden sheet (a 说明 hidden in front of the data) is never read. Two
    visible sheets with data are refused, naming them: a row on the second would be
    dropped without a word, or the wrong sheet read. None when the workbook lists none."""
    shown = [sheet for sheet in sheets if sheet.visible]
    candidates = [sheet for sheet in shown if sheet.name != NOTES_SHEET] or shown or sheets[:1]
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    with_data = [sheet for sheet in candidates if holds_values(sheet)]
    if len(with_data) > 1:
        raise FileError(f"工作簿中有多个工作表有数据（{'、'.join(sheet.name for sheet in with_data)}）：请把要导入的数据"
                        "放在一个工作表中，删除或清空其他工作表后重新上传，全部未导入。")
    return (with_data or candidates)[0]


def check_xlsx_container(path: str) -> Checked:
    """Refuse zip bombs, truncated archives, macros, XML with a DTD and formulas without
    their saved result (or whose result the workbook disowns) before parsing; the sheet
    to read (:func:`choose_sheet`), its formula and error cells and its hidden rows and
    columns."""
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
            checked = _check_xlsx_area(archive)
            refuse_uncomputed_formulas(checked.formulas, checked.where)
            return checked
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


def _check_xlsx_area(archive: zipfile.ZipFile) -> Checked:
    """Refuse a sheet to read reaching too far; return it with its formula and error
    cells and its hidden rows and columns (from one pass over its XML, ``extent.xlsx_scan``)."""
    last_row = limit("IMPORT_MAX_ROWS", MAX_ROWS) + ROW_ALLOWANCE
    # Narrower than this, no sheet within the row limit can exceed the cell limit.
    wide_from = max(1, min(limit("IMPORT_MAX_COLUMNS", MAX_COLUMNS), limit("IMPORT_MAX_CELLS", MAX_CELLS) // last_row))
    try:
        sheets = extent.xlsx_sheets(archive)
        chosen = choose_sheet(sheets, lambda sheet: sheet.where is not None
                              and extent.xlsx_holds_values(archive, sheet.where))
        reach, formulas, hidden = extent.xlsx_scan(archive, rows_over=last_row, columns_over=wide_from,
                                                   part=chosen.where if chosen else None)
    except extent.UnsafeXML:
        raise FileError("工作簿的 XML 中含有 DTD/实体声明，疑似恶意文件，已拒绝。") from None
    except extent.Unreadable:
        raise FileError("工作簿的 XML 格式错误，文件可能已损坏。请用 Excel 重新保存后再导入。") from None
    except extent.TooLarge:
        raise FileError("工作簿的结构信息（工作表和名称的清单）异常大，疑似恶意文件，已拒绝。"
                        "请把需要导入的数据复制到新工作簿后再导入。") from None
    _check_area(reach)
    return Checked(formulas, chosen.name if chosen else None, hidden, sheet_named(sheets, chosen))


def cells_named(cells: list[str], count: int) -> str:
    """「C5」, 「C5、C6」 or 「C5、C6、C7 等 12 个」 (the message adds 单元格)."""
    return "、".join(cells) + (f" 等 {count} 个" if count > len(cells) else " ")


def refuse_uncomputed_formulas(formulas: extent.FormulaCells, where: str = FIRST_SHEET) -> None:
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
        raise FileError(f"{where}的 {named}单元格是公式，但文件由程序生成，标明要在打开时重新计算，文件中为{them}"
                        "保存的结果（多为 0 或空白）不是 Excel 或 WPS 计算出来的，不能作为数据导入，全部未导入。"
                        "请在 Excel 或 WPS 中打开，等公式计算出结果后保存，再上传；或把公式复制后“选择性粘贴为数值”。")
    raise FileError(f"{where}的 {named}单元格是公式，但文件中没有{them}的计算结果（文件由程序生成，"
                    f"未在 Excel 或 WPS 中打开保存过），无法读取其中的值，全部未导入。请在 Excel 或 WPS 中打开、"
                    "保存后再上传，或把公式复制后“选择性粘贴为数值”。")


def check_xls_container(path: str) -> Checked:
    """The .xls counterpart of the area check, from the sheet's cell records; the sheet
    to read (:func:`choose_sheet`), its formula and error cells, its hidden rows and columns."""
    with open(path, "rb") as fh:
        data = fh.read()
    formulas = extent.FormulaCells()
    hidden = extent.Hidden()
    try:
        sheets = extent.xls_sheets(data)
        chosen = choose_sheet(sheets, lambda sheet: extent.xls_holds_values(data, sheet.where))
        _check_area(extent.xls_extent(data, formulas, start=chosen.where if chosen else None, hidden=hidden))
    except extent.Unreadable:
        raise FileError("文件已损坏或不是有效的 Excel 97-2003 工作簿，无法打开。请重新保存后上传。") from None
    return Checked(formulas, chosen.name if chosen else None, hidden, sheet_named(sheets, chosen))


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
    # The column indexes with a header cell (``Header.titled``); None: every column has one.
    titled: frozenset[int] | None = field(repr=False, default=None)
    where: str = FIRST_SHEET  # the sheet as messages name it (``sheet_named``)
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
        naming the cells (``refuse_error_cells``), and a value below the header in a column
        whose header cell is empty (``refuse_untitled_data``). The rows read holding a
        formula's saved result are kept for ``formula_cells_read``.
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
        titled = self.titled
        # Columns without a header: those before the last titled one with an empty header
        # cell, and any beyond it. Looked at only in a sheet that has such a column.
        edge = max(titled) + 1 if titled else 0
        untitled = [i for i in range(edge) if i not in titled] if titled is not None else []
        for number, raw in self._raw_rows():
            if number <= self.header_row or not raw:
                continue
            width = len(raw)
            if titled is not None and (width > edge or untitled):
                self.refuse_untitled_data(number, raw, untitled, edge)
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
            refuse_error_cells(*formulas.among("errors", read_columns, read), where=self.where)

    def refuse_untitled_data(self, number: int, raw: list[Any], untitled: list[int], edge: int) -> None:
        """没有列名的列: a value in a column whose header cell is empty would be dropped
        without a word (a column the clerk added, or a header deleted by mistake). Refused,
        naming the column and the row."""
        width = len(raw)
        for i in [*untitled, *range(edge, width)]:
            if i < width and not is_blank(raw[i]):
                letters = column_letters(i + 1 + self.first_column)
                raise FileError(f"第{letters}列有数据（第 {number} 行）但没有列名：这一列不会被导入，全部未导入。"
                                f"请在表头填写模板中的列名，或删除该列的数据后重新上传。")

    def formula_cells_read(self, *, skip: Collection[str] = ()) -> tuple[list[str], int]:
        """The cells of the rows ``records`` read, in the columns read (less ``skip``),
        whose value is a formula's saved result: the first few (``C5``) and how many."""
        if self.formulas is None or not self._formula_rows_read:
            return [], 0
        columns = [i + 1 + self.first_column for i, header in self.columns.items() if header not in skip]
        return self.formulas.among("computed", columns, self._formula_rows_read)


def refuse_error_cells(cells: list[str], count: int, *, where: str = FIRST_SHEET) -> None:
    """错误值: a cell holding #N/A, #REF!, #VALUE!… (most often a lookup that found
    nothing) reads as empty, so an empty rank or a missing name would be imported or
    reported in its place. Refused, naming the cells; a row holding nothing else (a
    lookup filled down below the data) is no data row and is left alone."""
    if not count:
        return
    raise FileError(f"{where}的 {cells_named(cells, count)}单元格是错误值（如 #N/A、#REF!、#VALUE!，"
                    "多是查找公式没有找到对应的内容），无法读取，全部未导入。请在 Excel 或 WPS 中改正公式或填写"
                    "正确的内容后再上传。")


def _excel_rows(path: str, sheet_name: str | None = None) -> tuple[Any, int, list[Any], int]:
    """Rows of the sheet ``sheet_name`` (by default the first; the checks choose it:
    :func:`choose_sheet`), its reported height (phantom rows included), its merged
    ranges (``((top, left), (bottom, right))``, counted from 0) and its first column
    (counted from 0: a sheet that starts at column B reads its cells from there)."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(path)
        # A name the library spells otherwise (an odd code page) leaves the first sheet, as before.
        known = sheet_name is not None and sheet_name in workbook.sheet_names
        sheet = workbook.get_sheet_by_name(sheet_name) if known else workbook.get_sheet_by_index(0)
        height = int(sheet.end[0] + 1) if sheet.end else 0
    except Exception as exc:  # calamine raises its own error types for broken files
        raise FileError(f"无法读取工作簿：文件已损坏或格式不受支持（{type(exc).__name__}）。") from None

    def rows() -> Iterator[tuple[int, list[Any]]]:
        # iter_rows starts at the sheet's first row, so the position is the row number.
        yield from enumerate(sheet.iter_rows(), start=1)

    first_column = int(sheet.start[1]) if sheet.start else 0
    return rows, height, list(sheet.merged_cell_ranges or []), first_column


def refuse_merged_data_cells(merged: list[Any], header_row: int, where: str = FIRST_SHEET) -> None:
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
        raise FileError(f"{where}的 {named}{more} 是合并单元格：合并后只有左上角一格有内容，其余各行各列会被读成空白。"
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


class Header(NamedTuple):
    row: int  # 1-based sheet row number of the (last) header row
    columns: dict[int, str]  # column index → canonical column header
    unknown: list[str]  # header texts that name no column of the template
    titled: frozenset[int]  # column indexes with a header cell, known or not


def find_header(raw_rows: Any, lookup: dict[str, str], *, hint: str = "", first_column: int = 0) -> Header:
    """The row among the first ones that matches the most known headers.

    A two-level header (a merged group title above the real headers) is merged: columns
    the chosen row leaves unmatched are taken from the row below when that row names them.
    A column named twice (「公民身份号码」 twice, or beside its alias 「身份证号」) is
    refused (``refuse_repeated_headers``): which of the two to read would be a guess.
    ``first_column``: the sheet's first column (counted from 0), for the letters a message names.
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
    header_rows = [head[best_index][1]]
    if best_index + 1 < len(head):
        below = _match(head[best_index + 1][1], lookup)
        extra = {i: h for i, h in below.items() if i not in best and h not in best.values()}
        if extra:
            best = {**best, **extra}
            header_row = head[best_index + 1][0]
            header_rows.append(head[best_index + 1][1])
    refuse_repeated_headers(header_rows, lookup, first_column)
    unknown = [
        str(cell).strip() for i, cell in enumerate(head[best_index][1])
        if isinstance(cell, str) and cell.strip() and i not in best
    ]
    titled = frozenset(i for raw in header_rows for i, cell in enumerate(raw) if not is_blank(cell)) | set(best)
    return Header(header_row, dict(sorted(best.items())), unknown, titled)


def refuse_repeated_headers(header_rows: list[list[Any]], lookup: dict[str, str], first_column: int = 0) -> None:
    """重复的列: two header cells naming one column of the template (the same name twice,
    or a name and its alias) in different columns. Refused, naming both: the reader
    would read one and drop the other's data as a column not in the template."""
    found: dict[str, dict[int, str]] = {}
    for raw in header_rows:
        for index, cell in enumerate(raw):
            if isinstance(cell, str) and (header := lookup.get(normalise_header(cell))):
                found.setdefault(header, {}).setdefault(index, cell.strip())
    for header, cells in found.items():
        if len(cells) < 2:
            continue
        letters = [column_letters(i + 1 + first_column) for i in sorted(cells)]
        spellings = list(dict.fromkeys(cells[i] for i in sorted(cells)))
        if len(spellings) == 1:
            what = f"「{spellings[0]}」列出现了{'两' if len(cells) == 2 else len(cells)}次（{'、'.join(letters)}列）"
        else:
            named = "和".join(f"「{cells[i]}」（{column_letters(i + 1 + first_column)}列）" for i in sorted(cells))
            what = f"{named}是同一列（{header}），重复了"
        raise FileError(f"表头中{what}：无法确定该导入哪一列，全部未导入。请删除多余的列或改正列名后重新上传。")


def refuse_hidden_data(raw_rows: Any, hidden: extent.Hidden, header_row: int, columns: dict[int, str],
                       first_column: int) -> None:
    """隐藏行、隐藏列: a row hidden below the header (most often filtered out on purpose,
    or forgotten) that holds data in a column read, and a column read that is hidden and
    holds data, are refused, naming them: the clerk sees neither, and either would be
    imported as if shown. Read once more only when the sheet hides something."""
    hidden_columns = {i for i in columns if hidden.column(i + 1 + first_column)}
    rows: list[int] = []
    shown_columns: set[int] = set()
    if not any(number > header_row for number in hidden.rows) and not hidden_columns:
        return
    for number, raw in raw_rows():
        if number <= header_row:
            continue
        width = len(raw)
        if number in hidden.rows and any(i < width and not is_blank(raw[i]) for i in columns):
            rows.append(number)
        for i in hidden_columns:
            if i < width and not is_blank(raw[i]):
                shown_columns.add(i)
    if rows:
        named = "、".join(map(str, rows[:5])) + (f"行等 {len(rows)} 行" if len(rows) > 5 else "行")
        them = "该行" if len(rows) == 1 else "这些行"
        raise FileError(f"第{named}是隐藏行：隐藏的行多是筛选掉或暂不导入的数据，导入时却会和其他行一样写入，"
                        f"全部未导入。请取消隐藏（或清除筛选）并确认要导入，或删除{them}后重新上传。")
    if shown_columns:
        named = "、".join(f"{column_letters(i + 1 + first_column)}列（{columns[i]}）" for i in sorted(shown_columns))
        them = "该列" if len(shown_columns) == 1 else "这些列"
        raise FileError(f"第{named}是隐藏列：隐藏的列中的数据也会导入，全部未导入。"
                        f"请取消隐藏并确认要导入，或删除{them}后重新上传。")


def open_sheet(path: str, filename: str, resource_class: Any) -> Sheet:
    """Check ``path`` and locate its header; ``FileError`` if it cannot be imported."""
    try:
        size = os.path.getsize(path)
    except OSError:
        raise FileError("上传的文件已不存在，请重新上传。") from None
    check_upload_size(size)
    kind, raw_rows, estimated, merged, formulas, first_column, hidden, where = _checked_rows(path, filename)
    lookup = header_lookup(resource_class)
    # A CSV in another encoding reads as mojibake, and its header matches nothing.
    hint = f"如果表头看起来正确，可能是字符编码不对：{ENCODING_ADVICE}" if kind == "csv" else ""
    header_row, columns, unknown, titled = find_header(raw_rows, lookup, hint=hint, first_column=first_column)
    refuse_merged_data_cells(merged, header_row, where)
    if hidden:
        refuse_hidden_data(raw_rows, hidden, header_row, columns, first_column)
    required = _key_headers(resource_class)
    missing = [h for h in required if h not in columns.values()]
    if missing:
        raise FileError(f"表头缺少必需的列：{'、'.join(missing)}。请使用下载的导入模板。")
    return Sheet(kind=kind, header_row=header_row, columns=columns, unknown_headers=unknown,
                 estimated_rows=max(0, estimated - header_row), _raw_rows=raw_rows,
                 formulas=formulas, first_column=first_column, titled=titled, where=where)


class RawSheet(NamedTuple):
    """A file's sheet to read once its container has been checked (:func:`_checked_rows`)."""

    kind: str
    rows: Any  # a callable giving (row number, cells)
    estimated: int  # rows, phantom ones included
    merged: list[Any]  # merged ranges (none in a CSV)
    formulas: extent.FormulaCells | None  # formula and error cells (none in a CSV)
    first_column: int
    hidden: extent.Hidden  # hidden rows and columns (none in a CSV)
    where: str  # the sheet as messages name it


def _checked_rows(path: str, filename: str) -> RawSheet:
    """The file's sheet to read (:func:`choose_sheet`), once its container has been checked."""
    kind = sniff_kind(path, filename)
    if kind in {"xlsx", "xls"}:
        checked = check_xlsx_container(path) if kind == "xlsx" else check_xls_container(path)
        rows, estimated, merged, first_column = _excel_rows(path, checked.sheet)
        return RawSheet(kind, rows, estimated, merged, checked.formulas, first_column, checked.hidden, checked.where)
    with open(path, "rb") as fh:
        # Blank lines at the end (a million of them, or commas only) are not rows.
        text = decode_csv(fh.read()).rstrip("\r\n\t ,")
    return RawSheet(kind, _csv_rows(text), text.count("\n") + 1, [], None, 0, extent.Hidden(), FIRST_SHEET)


def sheet_to_read(path: str, kind: str) -> str | None:
    """The name of the sheet an .xlsx or .xls upload is read from (:func:`choose_sheet`),
    for a reader that does not check the file again (the error workbook)."""
    try:
        if kind == "xlsx":
            with zipfile.ZipFile(path) as archive:
                chosen = choose_sheet(extent.xlsx_sheets(archive), lambda sheet: sheet.where is not None
                                      and extent.xlsx_holds_values(archive, sheet.where))
        else:
            with open(path, "rb") as fh:
                data = fh.read()
            chosen = choose_sheet(extent.xls_sheets(data), lambda sheet: extent.xls_holds_values(data, sheet.where))
    except (FileError, zipfile.BadZipFile, extent.Unreadable, extent.TooLarge, OSError):
        return None
    return chosen.name if chosen else None


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
