"""How far the sheet an import reads reaches (使用区域), measured before it is opened, with
the workbook's list of sheets (which is shown, which holds data) and the sheet's hidden
rows and columns, read on the same pass.

The spreadsheet library behind the reader allocates a sheet's whole used area at once,
empty cells included: two cells, A1 and XFD1048576, in a 5 KB .xlsx would ask it for 17
billion cells, and A1 and IV65536 in an .xls for a gigabyte. So the reader first asks
this module how many rows and columns the cells *with a value* reach, and refuses the
file when that is too much. Formatted empty cells (Excel's phantom rows) do not count,
as the library skips them too.

* ``.xlsx``: the sheet's XML is streamed in pieces. Cells written the usual way
  (``<c r="B7" …>``, as by Excel, WPS, LibreOffice and the Python writers) are checked
  with regular expressions at C speed; anything else (cells without a reference, another
  attribute first, a namespace prefix) with an XML parser, exactly but more slowly.
* ``.xls``: the cell records of the first sheet in the compound document.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
from array import array
from collections.abc import Container, Iterable, Iterator
from functools import lru_cache
from typing import Any, NamedTuple
from xml.etree.ElementTree import Element
from xml.parsers import expat

from defusedxml import ElementTree

SCAN_CHUNK = 1 << 20


class UnsafeXML(Exception):
    """The sheet declares a DTD or entities."""


class Unreadable(Exception):
    """The sheet's XML, or the .xls compound document, is malformed."""


def column_letters(number: int) -> str:
    """1 → ``A``, 200 → ``GR``, 16384 → ``XFD``."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


# --- .xlsx ---------------------------------------------------------------------------

_CELL_REF = rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"'
_ODD_CELL = re.compile(rb'<c(?:[>/\t\n\r]| (?!r="[A-Z]{1,3}[1-9][0-9]{0,6}"))')
_PREFIXED = re.compile(rb':(?:c|row)[\s>/]')
_ANY_CELL = re.compile(_CELL_REF + rb'[^>]*?(/?)>')


def _greater_than(text: str, first: str, rest: str, longest: int) -> str:
    """A regex for the words over ``rest`` (``first`` at the start) of at most ``longest``
    characters that come after ``text`` in (length, alphabetical) order — the order of
    column letters and of numbers without leading zeros."""
    top = rest[-1]
    options = []
    if len(text) < longest:
        options.append(f"[{first}][{rest}]{{{len(text)},{longest - 1}}}")
    for i, char in enumerate(text):
        if char != top:
            tail = len(text) - i - 1
            options.append(text[:i] + f"[{chr(ord(char) + 1)}-{top}]" + (f"[{rest}]{{{tail}}}" if tail else ""))
    return "(?:" + "|".join(options) + ")" if options else "(?!)"


@lru_cache(maxsize=8)
def _outlier(rows_over: int, columns_over: int) -> re.Pattern[bytes]:
    """A cell with a value (not ``<c …/>``) right of ``columns_over`` or below ``rows_over``."""
    wide = _greater_than(column_letters(columns_over), "A-Z", "A-Z", 3)
    tall = _greater_than(str(rows_over), "1-9", "0-9", 7)
    return re.compile(f'<c r="(?:{wide}[1-9][0-9]{{0,6}}|[A-Z]{{1,3}}{tall})"[^>]*(?<!/)>'.encode())


# xl/workbook.xml and its relations are read whole, as a tree: a few kilobytes as
# spreadsheet programs write them (thousands of defined names make a few hundred).
WORKBOOK_PART_LIMIT = 4 << 20


class TooLarge(Exception):
    """A part read whole (the workbook's list of sheets, or its relations) is larger than
    any spreadsheet program writes one."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _small_part(archive: zipfile.ZipFile, name: str) -> Element | None:
    """The part ``name`` as a tree, read at most ``WORKBOOK_PART_LIMIT`` bytes (``TooLarge``
    beyond); None when it is missing or malformed: the spreadsheet library will say so."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    with archive.open(info) as part:
        data = part.read(WORKBOOK_PART_LIMIT + 1)
    if len(data) > WORKBOOK_PART_LIMIT:
        raise TooLarge(name)
    try:
        return ElementTree.fromstring(data)
    except Exception:  # malformed XML, or entities (defusedxml's own error types)
        return None


def first_sheet_parts(archive: zipfile.ZipFile, workbook: Element | None = None) -> list[str]:
    """The part holding the first sheet (the one the reader opens); every worksheet part
    when the workbook (``xl/workbook.xml``'s tree) does not say which it is."""
    names = {info.filename for info in archive.infolist()}
    worksheets = sorted(n for n in names if "worksheets/" in n.lower() and n.lower().endswith(".xml"))
    relations = _small_part(archive, "xl/_rels/workbook.xml.rels") if workbook is not None else None
    if workbook is None or relations is None:
        return worksheets
    first = next((e for e in workbook.iter() if _local(e.tag) == "sheet"), None)
    rel_id = next((v for k, v in (first.attrib.items() if first is not None else [])
                   if _local(k) == "id"), None)
    for relation in relations.iter():
        if rel_id is not None and relation.attrib.get("Id") == rel_id:
            target = relation.attrib.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
            if path in names:
                return [path]
    return worksheets


class SheetEntry(NamedTuple):
    """A sheet as the workbook lists it, in its order: its name, whether it is shown
    (not ``hidden`` or ``veryHidden``), and where it is: an .xlsx's part (None when the
    workbook's relations do not name one), an .xls's offset of its first record."""

    name: str
    visible: bool
    where: Any


def _part_path(target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)


def xlsx_sheets(archive: zipfile.ZipFile) -> list[SheetEntry]:
    """The workbook's sheets in order (``xl/workbook.xml``); [] when it cannot say."""
    workbook = _small_part(archive, "xl/workbook.xml")
    if workbook is None:
        return []
    relations = _small_part(archive, "xl/_rels/workbook.xml.rels")
    names = {info.filename for info in archive.infolist()}
    parts: dict[str, str] = {}
    for relation in relations.iter() if relations is not None else ():
        path = _part_path(relation.attrib.get("Target", ""))
        if relation.attrib.get("Id") and path in names:
            parts[relation.attrib["Id"]] = path
    sheets = []
    for element in workbook.iter():
        if _local(element.tag) != "sheet":
            continue
        rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
        state = element.attrib.get("state", "visible")
        sheets.append(SheetEntry(element.attrib.get("name", ""), state not in {"hidden", "veryHidden"},
                                 parts.get(rel_id)))
    return sheets


# A value of a cell: ``<v>`` with text, or an inline string.
_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]|<(?:\w+:)?is>")


def xlsx_holds_values(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether the sheet ``part`` has a cell with a value; read up to its first one."""
    return any(_VALUE.search(chunk) is not None for chunk in _chunks(archive, part))


class Hidden:
    """隐藏行和隐藏列: the rows and the spans of columns (1-based) the sheet marks hidden;
    a filter hides rows so, and so does 隐藏 on a row's or a column's menu."""

    def __init__(self) -> None:
        self.rows: set[int] = set()
        self.column_spans: list[tuple[int, int]] = []

    def __bool__(self) -> bool:
        return bool(self.rows or self.column_spans)

    def column(self, number: int) -> bool:
        return any(first <= number <= last for first, last in self.column_spans)

    def feed(self, chunk: bytes) -> None:
        """Take the hidden rows and columns of an .xlsx sheet's chunk of XML."""
        if b'hidden="' not in chunk:
            return
        for match in _HIDDEN_ROW.finditer(chunk):
            number = _ROW_NUMBER.search(match.group(0))
            if number:
                self.rows.add(int(number.group(1)))
        for match in _HIDDEN_COLUMNS.finditer(chunk):
            first, last = _COL_MIN.search(match.group(0)), _COL_MAX.search(match.group(0))
            if first and last:
                self.column_spans.append((int(first.group(1)), int(last.group(1))))


_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\shidden="(?:1|true)"[^>]*>')
_ROW_NUMBER = re.compile(rb'\sr="([0-9]{1,7})"')
_HIDDEN_COLUMNS = re.compile(rb'<(?:\w+:)?col\b[^>]*?\shidden="(?:1|true)"[^>]*>')
_COL_MIN = re.compile(rb'\smin="([0-9]{1,5})"')
_COL_MAX = re.compile(rb'\smax="([0-9]{1,5})"')


def recalculates_on_opening(workbook: Element | None) -> bool:
    """The workbook asks to be calculated in full when it is opened (``<calcPr
    fullCalcOnLoad="1">``): the results it holds for its formulas are not to be taken as
    results. A program that writes formulas without working them out says so (XlsxWriter
    saves 0, or whatever value it is given, as every formula's result; openpyxl saves none).
    Excel calculates such a workbook as it opens it and saves it without the request.

    The other calculation properties say nothing of the saved results' worth: ``calcMode``
    (manual) and ``forceFullCalc`` say how the program calculates, and ``calcCompleted="0"``
    (Excel in manual mode, saved without calculating) leaves what Excel showed when it saved."""
    if workbook is None:
        return False
    for element in workbook:  # calcPr is a child of <workbook>
        if _local(element.tag) == "calcPr":
            return element.attrib.get("fullCalcOnLoad", "").strip() in {"1", "true"}
    return False


def _chunks(archive: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    """The part in pieces that end before a ``<``, so that no tag is cut in two."""
    carry = b""
    with archive.open(name) as part:
        while True:
            block = part.read(SCAN_CHUNK)
            if not block:
                if carry:
                    yield carry
                return
            block = carry + block
            cut = block.rfind(b"<")
            if cut <= 0:
                carry = block
                continue
            carry = block[cut:]
            yield block[:cut]


def xlsx_scan(archive: zipfile.ZipFile, *, rows_over: int, columns_over: int,
              part: str | None = None) -> tuple[tuple[int, int] | None, FormulaCells, Hidden]:
    """One pass over the XML of the sheet ``part`` (by default the first) for what must be
    known before it is opened:

    * how far it reaches: ``None`` when no cell with a value lies below row ``rows_over``
      or right of column ``columns_over`` (the sheet then fits in that rectangle),
      otherwise the rows and columns its cells with a value reach;
    * its formula cells and its cells holding an error value (``FormulaCells``); in a
      workbook that asks to be recalculated on opening (``recalculates_on_opening``) a
      formula's saved result is none;
    * its hidden rows and columns (``Hidden``)."""
    reach: tuple[int, int] | None = None
    hidden = Hidden()
    workbook = _small_part(archive, "xl/workbook.xml")
    disowned = recalculates_on_opening(workbook)
    formulas = FormulaCells(results_disowned=disowned)
    outlier = _outlier(rows_over, columns_over)
    for name in [part] if part else first_sheet_parts(archive, workbook):
        odd = beyond = False
        found_here = FormulaCells(results_disowned=disowned)
        watch = _FormulaWatch(found_here)
        for chunk in _chunks(archive, name):
            if _ODD_CELL.search(chunk) or _PREFIXED.search(chunk):
                odd = True
                break
            beyond = beyond or outlier.search(chunk) is not None
            watch.feed(chunk)
            hidden.feed(chunk)
        if odd:
            found = _parsed_extent(archive, name)
            # The pass stopped early: watch the whole part again, on its own.
            found_here = FormulaCells(results_disowned=disowned)
            watch = _FormulaWatch(found_here, _ANY_HINTS)
            for chunk in _chunks(archive, name):
                watch.feed(chunk)
                hidden.feed(chunk)
        formulas.merge(found_here)
        if not odd:
            if not beyond:
                continue
            found = _matched_extent(archive, name)
        reach = (max(found[0], reach[0]), max(found[1], reach[1])) if reach else found
    return reach, formulas, hidden


class FormulaCells:
    """公式单元格: the first sheet's cells holding a formula, by whether the file holds
    the formula's result, and its cells holding an error value (#N/A, #REF!…, most often
    a lookup that found nothing). The spreadsheet library reads an error, and a formula
    without its result, as an empty cell; a formula with its result as the result.

    In a workbook that disowns its saved results (``results_disowned``: it asks to be
    recalculated on opening) every formula cell is ``uncomputed``; those that held a
    result nonetheless (a 0 a program wrote, or an error value) are counted as
    ``disowned_count`` too.

    Rows are kept per column (1-based, in the order of the sheet), four bytes a cell."""

    SHOWN = 3  # cells a message names

    def __init__(self, *, results_disowned: bool = False) -> None:
        self.computed: dict[int, array] = {}
        self.errors: dict[int, array] = {}
        self.uncomputed: list[tuple[int, int]] = []  # the first ``SHOWN``; (0, 0) for a cell without a reference
        self.uncomputed_count = 0
        self.results_disowned = results_disowned
        self.disowned_count = 0
        self.spread_budget = 1_000_000  # cells array formulas may fill, all told

    def merge(self, other: FormulaCells) -> None:
        """Add another part's cells (a workbook that does not say which part is its first sheet)."""
        for mine, theirs in ((self.computed, other.computed), (self.errors, other.errors)):
            for column, rows in theirs.items():
                mine.setdefault(column, array("L")).extend(rows)
        self.uncomputed = (self.uncomputed + other.uncomputed)[:self.SHOWN]
        self.uncomputed_count += other.uncomputed_count
        self.disowned_count += other.disowned_count

    def add(self, kind: str, row: int, column: int) -> None:
        if kind in {"uncomputed", "disowned"}:
            self.disowned_count += kind == "disowned"
            self.uncomputed_count += 1
            if len(self.uncomputed) < self.SHOWN:
                self.uncomputed.append((row, column))
        elif row and column:
            target = self.computed if kind == "computed" else self.errors
            target.setdefault(column, array("L")).append(row)

    @property
    def uncomputed_named(self) -> list[str]:
        return [f"{column_letters(c)}{r}" if r else "?" for r, c in self.uncomputed]

    def among(self, kind: str, columns: Iterable[int], rows: Container[int]) -> tuple[list[str], int]:
        """The ``kind`` cells (``computed`` or ``errors``) in ``columns`` (1-based) whose
        row is in ``rows``: the first ``SHOWN`` by position in the sheet, and how many."""
        cells = self.computed if kind == "computed" else self.errors
        count, first = 0, []
        for column in columns:
            taken = [row for row in cells.get(column, ()) if row in rows]
            count += len(taken)
            first += [(row, column) for row in taken[:self.SHOWN]]
        return [f"{column_letters(c)}{r}" for r, c in sorted(first)[:self.SHOWN]], count

    def rows_of(self, kind: str, columns: Iterable[int]) -> set[int]:
        cells = self.computed if kind == "computed" else self.errors
        return {row for column in columns for row in cells.get(column, ())}


# A cell holding a formula: ``<f>…</f>`` (or a shared one's ``<f …/>``), then its result
# ``<v>…</v>``, empty or missing when the file holds none. Excel and WPS save each
# formula's result; a workbook written by a program and never opened in one holds none.
# A text result may be empty (``=IF(A2="","",…)``): ``t="str"`` with an empty ``<v>`` is
# a result. Namespace prefixes are allowed (``<x:c>``), and attributes in any order.
_FORMULA_CELL = re.compile(rb'<((?:\w+:)?)c\b((?: r="([A-Z]{1,3})([1-9][0-9]{0,6})")?[^>]*)>\s*<\1f\b([^>]*?)'
                           rb"(?:/>|>[^<]*</\1f>)\s*(?:<\1v\s*/>|<\1v>([^<]*)</\1v>)?\s*</\1c>")
# A cell holding an error value (a formula's, or one pasted as a value): ``t="e"``.
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\bt="e"[^>]*>')
_REF = re.compile(rb'\br="([A-Z]{1,3})([1-9][0-9]{0,6})"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_ARRAY_RANGE = re.compile(rb'\bref="([A-Z]{1,3})([1-9][0-9]{0,6}):([A-Z]{1,3})([1-9][0-9]{0,6})"')
# No formula tag without ``<f``, or ``:f`` with a namespace prefix (a sheet written that
# way takes the parser's path, ``_PREFIXED``, and is watched on its own); most sheets have none.
_PLAIN_HINTS = (b"<f",)
_ANY_HINTS = (b"<f", b":f")
_ERROR_HINT = b't="e"'
_TAIL_LIMIT = 1 << 16


def _position(attributes: bytes) -> tuple[int, int]:
    match = _REF.search(attributes)
    return (int(match.group(2)), column_number(match.group(1).decode())) if match else (0, 0)


class _FormulaWatch:
    """Fed a sheet's chunks in order, records its formula and error cells. The patterns
    run only where such a cell can be (a plain byte search otherwise), on the chunk with
    what followed the last whole cell of the one before, where a cell cut in two begins."""

    def __init__(self, found: FormulaCells, hints: tuple[bytes, ...] = _PLAIN_HINTS) -> None:
        self.found = found
        self.columns: dict[bytes, int] = {}  # column letters → number, met again on every row
        self.tail = b""
        self.hints = hints

    def feed(self, chunk: bytes) -> None:
        window = self.tail + chunk
        # Only whole cells are read here; what follows the last one is read with the next chunk.
        last = window.rfind(b"c>")
        whole = max(last + 2 if last >= 0 else 0, len(window) - _TAIL_LIMIT)
        self.tail = window[whole:]
        formulas = any(hint in window for hint in self.hints)
        errors = _ERROR_HINT in window
        if formulas:
            found, columns = self.found, self.columns
            for match in self._formula_cells(window, whole):
                _, attributes, letters, digits, formula, result = match.groups()
                kind = _TYPE.search(attributes) if b"t=" in attributes else None
                kind = kind.group(1) if kind else b"n"
                if kind == b"e" and not found.results_disowned:
                    continue  # an error value: below
                if letters is not None:  # r= first, as every writer puts it
                    column = columns.get(letters) or columns.setdefault(letters, column_number(letters.decode()))
                    row = int(digits)
                else:
                    row, column = _position(attributes)
                computed = result is not None and (kind in {b"str", b"e"} or bool(result.strip()))
                state = ("disowned" if found.results_disowned else "computed") if computed else "uncomputed"
                spread = _ARRAY_RANGE.search(formula) if b"array" in formula else None
                if spread and row:  # an array formula's result fills its range; only its first cell holds the <f>
                    top, left = int(spread.group(2)), column_number(spread.group(1).decode())
                    # A range beyond any sheet the limits allow is cut to what the budget leaves.
                    right = min(column_number(spread.group(3).decode()), left + 255)
                    width = right - left + 1
                    bottom = min(int(spread.group(4)), top + max(found.spread_budget // width, 1) - 1)
                    area = (bottom - top + 1) * width
                    if area > found.spread_budget:
                        continue
                    found.spread_budget -= area
                    for r in range(top, bottom + 1):
                        for c in range(left, right + 1):
                            found.add(state, r, c)
                else:
                    found.add(state, row, column)
        if errors:
            for match in _ERROR_CELL.finditer(window, 0, whole):
                self.found.add("errors", *_position(match.group(0)))

    def _formula_cells(self, window: bytes, whole: int) -> Iterator[re.Match[bytes]]:
        """The formula cells of ``window[:whole]``. Without namespace prefixes, from each
        ``<f`` back to its cell's ``<c``: the pattern then starts at a few places, not at
        every tag of the sheet (three times faster on a column of formulas)."""
        if self.hints is not _PLAIN_HINTS:
            yield from _FORMULA_CELL.finditer(window, 0, whole)
            return
        at = window.find(b"<f", 0, whole)
        while at >= 0:
            start = window.rfind(b"<c", 0, at)
            match = _FORMULA_CELL.match(window, start, whole) if start >= 0 else None
            if match is not None and match.end() > at:
                yield match
                at = window.find(b"<f", match.end(), whole)
            else:  # a <formula> of a rule, not a cell's
                at = window.find(b"<f", at + 2, whole)


def _matched_extent(archive: zipfile.ZipFile, name: str) -> tuple[int, int]:
    rows = columns = 0
    for chunk in _chunks(archive, name):
        for letters, digits, closed in _ANY_CELL.findall(chunk):
            if not closed:
                rows = max(rows, int(digits))
                columns = max(columns, column_number(letters.decode()))
    return rows, columns


class _Parsed:
    """Cells placed as spreadsheet programs place them: a cell without a reference
    continues from the previous one, a row without one follows the previous row."""

    def __init__(self) -> None:
        self.row = self.column = self.rows = self.columns = 0
        self.cell: tuple[int, int] | None = None
        self.valued = False

    @staticmethod
    def _reference(attrs: dict[str, str]) -> str:
        for key, value in attrs.items():
            if key.rsplit(":", 1)[-1] == "r":
                return value.strip().upper()
        return ""

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        kind = tag.rsplit(":", 1)[-1]
        if kind == "row":
            ref = self._reference(attrs)
            self.row = int(ref) if ref.isdigit() else self.row + 1
            self.column = 0
        elif kind == "c":
            match = re.fullmatch(r"([A-Z]+)([0-9]+)", self._reference(attrs))
            if match:
                self.column, self.row = column_number(match.group(1)), int(match.group(2))
            else:
                self.column += 1
            self.cell, self.valued = (self.row, self.column), False
        elif self.cell is not None and kind in {"v", "is", "f"}:
            self.valued = True

    def end(self, tag: str) -> None:
        if self.cell is not None and tag.rsplit(":", 1)[-1] == "c":
            if self.valued:
                self.rows = max(self.rows, self.cell[0])
                self.columns = max(self.columns, self.cell[1])
            self.cell = None


def _parsed_extent(archive: zipfile.ZipFile, name: str) -> tuple[int, int]:
    parsed = _Parsed()

    def refuse(*args: object) -> None:
        raise UnsafeXML

    parser = expat.ParserCreate()
    parser.StartElementHandler = parsed.start
    parser.EndElementHandler = parsed.end
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        for chunk in _chunks(archive, name):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise Unreadable from None
    return parsed.rows, parsed.columns


# --- .xls ----------------------------------------------------------------------------

# BIFF records of cells with a value; BLANK and MULBLANK (formatting only) do not count.
_XLS_VALUE_CELLS = frozenset({0x0006, 0x00BD, 0x00D6, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E})
_XLS_MULRK, _XLS_BOF, _XLS_EOF, _XLS_BOUNDSHEET = 0x00BD, 0x0809, 0x000A, 0x0085
_XLS_FORMULA, _XLS_BOOLERR = 0x0006, 0x0205
_XLS_ROW, _XLS_COLINFO, _XLS_CODEPAGE = 0x0208, 0x007D, 0x0042


def _xls_stream(data: bytes) -> bytes:
    from xlrd.compdoc import CompDoc

    try:
        document = CompDoc(data, logfile=io.StringIO())
        stream = document.get_named_stream("Workbook") or document.get_named_stream("Book")
    except Exception:  # the compound-document reader has no error type of its own for every case
        stream = None
    if not stream:
        raise Unreadable
    return stream


def xls_sheets(data: bytes) -> list[SheetEntry]:
    """The workbook's sheets in order (its BOUNDSHEET records: where each begins, whether
    it is shown, its name); a chart, macro or module sheet counts as not shown, having no
    cells to import. [] when it lists none."""
    stream = _xls_stream(data)
    sheets = []
    biff8, codepage = True, "cp1252"
    for kind, body, length in _records(stream, 0):
        if kind == _XLS_EOF:
            break
        if kind == _XLS_BOF and length >= 2:
            biff8 = struct.unpack_from("<H", stream, body)[0] >= 0x0600
        elif kind == _XLS_CODEPAGE and length >= 2:
            # Excel 95 writes names in the workbook's code page (936 in China), Excel 97 and
            # later in UTF-16 or its low bytes.
            number = struct.unpack_from("<H", stream, body)[0]
            codepage = f"cp{number}" if number not in {1200, 32768, 32769} else codepage
        elif kind == _XLS_BOUNDSHEET and length >= 7:
            start, state, sheet_type, count = struct.unpack_from("<IBBB", stream, body)
            if biff8 and length >= 8:
                wide = stream[body + 7] & 1
                raw = stream[body + 8:body + 8 + count * (2 if wide else 1)]
                name = raw.decode("utf-16-le" if wide else "latin-1", "replace")
            else:
                try:
                    name = stream[body + 7:body + 7 + count].decode(codepage, "replace")
                except LookupError:
                    name = stream[body + 7:body + 7 + count].decode("latin-1")
            sheets.append(SheetEntry(name, state & 3 == 0 and sheet_type == 0, start))
    return sheets


def xls_extent(data: bytes, formulas: FormulaCells | None = None, *, start: int | None = None,
               hidden: Hidden | None = None) -> tuple[int, int]:
    """The rows and columns the cells with a value reach of the sheet beginning at
    ``start`` (by default the first; every sheet's, when the workbook's list of sheets
    cannot be read); its formula and error cells into ``formulas``, its hidden rows and
    columns into ``hidden``. A FORMULA record always holds a result: Excel and WPS save
    the one they show, and a program (xlwt) an empty text, which reads as an empty cell."""
    stream = _xls_stream(data)
    whole = False
    if start is None:
        start, whole = 0, True
        for kind, body, length in _records(stream, 0):
            if kind == _XLS_BOUNDSHEET and length >= 4:
                start, whole = struct.unpack_from("<I", stream, body)[0], False
                break
            if kind == _XLS_EOF:
                break
    rows = columns = depth = 0
    for kind, body, length in _records(stream, start):
        if kind == _XLS_BOF:
            depth += 1
        elif kind == _XLS_EOF and not whole:
            depth -= 1
            if depth <= 0:
                break
        elif kind in _XLS_VALUE_CELLS and length >= 4:
            row, column = struct.unpack_from("<HH", stream, body)
            if formulas is not None:
                _xls_formula(formulas, kind, stream, body, length, row, column)
            if kind == _XLS_MULRK and length >= 6:  # several cells: the last column ends the record
                column = struct.unpack_from("<H", stream, body + length - 2)[0]
            rows, columns = max(rows, row + 1), max(columns, column + 1)
        elif hidden is not None and kind == _XLS_ROW and length >= 14:
            if struct.unpack_from("<H", stream, body + 12)[0] & 0x20:  # fDyZero: the row is hidden
                hidden.rows.add(struct.unpack_from("<H", stream, body)[0] + 1)
        elif hidden is not None and kind == _XLS_COLINFO and length >= 10:
            first, last = struct.unpack_from("<HH", stream, body)
            if struct.unpack_from("<H", stream, body + 8)[0] & 0x01:  # fHidden
                hidden.column_spans.append((first + 1, last + 1))
    return rows, columns


def xls_holds_values(data: bytes, start: int) -> bool:
    """Whether the sheet beginning at ``start`` has a cell with a value."""
    stream = _xls_stream(data)
    depth = 0
    for kind, _, length in _records(stream, start):
        if kind == _XLS_BOF:
            depth += 1
        elif kind == _XLS_EOF:
            depth -= 1
            if depth <= 0:
                return False
        elif kind in _XLS_VALUE_CELLS and length >= 4:
            return True
    return False


def _xls_formula(formulas: FormulaCells, kind: int, stream: bytes, body: int, length: int,
                 row: int, column: int) -> None:
    """A FORMULA record (its result an error when the result's last two bytes are FFFF
    and its first is 2), or a BOOLERR record holding an error."""
    if kind == _XLS_FORMULA and length >= 14:
        error = stream[body + 12:body + 14] == b"\xff\xff" and stream[body + 6] == 2
        formulas.add("errors" if error else "computed", row + 1, column + 1)
    elif kind == _XLS_BOOLERR and length >= 8 and stream[body + 7] == 1:
        formulas.add("errors", row + 1, column + 1)


def _records(stream: bytes, start: int) -> Iterator[tuple[int, int, int]]:
    """(record type, body offset, body length) from ``start`` to the end of the stream."""
    position = start
    while position + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, position)
        yield kind, position + 4, min(length, len(stream) - position - 4)
        position += 4 + length
