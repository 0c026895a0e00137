"""An error workbook corrected and uploaded as it is (错误标注表直接改正后上传).

A clerk without the right to full personal data downloads the annotated error workbook
with its ID numbers masked (``620102********1234``). The clerk corrects the red cells and
uploads the workbook itself, which is what anybody would do. Its masked numbers cannot be
imported as they stand, and the clerk cannot type them in: they never saw them.

So the workbook says where it came from. A masked workbook carries a very hidden sheet
with the signed number of its import job (:func:`mark`). When a job's upload carries that
mark, the worker, before validating, looks up the earlier job's stored upload. That job
must be of the same sheet type, still hold its file, be within the uploader's
jurisdiction and be one the uploader may import. Every cell the workbook masked is put
back: each masked cell of a personal-data column (an ID number, a phone, a talent's birth
date shown as its month ``1980.05``, which has no star) is matched with the value of the
same column in the original whose mask is that text, as is another column's text whose
numbers were masked, and the upload is rewritten with the values put back
(:func:`restore_masked`).
The workbook keeps the original's rows where they were (its row 7 is the original's row 7),
so a row is first put back from its own row of the original (:class:`OriginalRows`): when
the row is still that row — every cell the job did not mark red reads as the workbook
wrote it, a number typed whole is the original's — or, moved, reads as exactly one row of
the original without red cells, each masked cell comes back from that row's value if its
mask is that value's, and a mask that is not (a changed tail) is refused, never looked for
elsewhere. So two numbers of one county that mask alike (620102********9035) come back
each from its own row. Only a row that cannot be tied to one of the original's (a cell not
marked red changed, a moved row that reads as two) is matched with the whole original by
its mask, as before.
Nothing is shown to anyone. The job's message says how many were put back, and which
could not be (a mask that two different numbers share, for a row not tied to its own; a
mask that is not its row's; or a number the original does not hold: an original that
was itself a masked sheet gives no number back; a birth month two talents share). Those
cells stay masked and the row is refused as the original sheet's would be.

An export (导出) made for a user without the right is uploaded again the same way: the
weekly "export the ledger, fill in the payments, upload it". Its very hidden sheet
carries a signed mark (:func:`mark_export`) naming the sheet type, the exporting user and,
per column, the declared field it shows and each masked text (a birth date's month
too) with the record(s) it was made from. On upload the mark must be signed by this system, younger than
``EXPORT_MARK_VALID``, of the job's sheet type and the uploader's own; each masked cell
whose text names one record is given that record's value (an ID number, a talent's
phone), read from the database, if the record is in the uploader's jurisdiction and its
value still masks to that text. A text two records share is not guessed. As for an
error workbook, nothing is shown and no 查看敏感信息 is written: nobody sees a number.

A 任免审批表 ``.lrmx`` exported with its ID number masked carries the same signed mark
(:func:`export_token`) in an element of its own, and is imported back on the same
conditions through :func:`exported_values` (``cadres.lrmx``).
"""

from __future__ import annotations

import datetime
import hashlib
import os
import tempfile
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core import signing
from django.core.exceptions import ValidationError

from orgwork.common import idnumber, secrets
from orgwork.units.scope import in_scope, scope_queryset

from . import registry
from .access import job_kind_visible
from .models import ImportJob
from .reader import ESCAPED_FORMULA_STARTS, FileError, open_sheet, refuse_error_cells, sniff_kind

MARKER_SHEET = "orgwork-来源"
_SALT = "orgwork.imports.error-workbook"
_AMBIGUOUS = object()  # two different originals share the mask
_GONE = object()  # the exported record is out of the uploader's jurisdiction, or its number changed

EXPORT_MARKER_SHEET = "orgwork-导出"
_EXPORT_SALT = "orgwork.imports.export"
EXPORT_MARK_VALID = datetime.timedelta(days=7)
_CELL = 32000  # a cell holds at most 32,767 characters: a long mark takes several rows


def mark(workbook: Any, job: ImportJob) -> None:
    """Add to a (write-only) workbook the very hidden sheet naming ``job``, after the
    sheets the reader reads (it reads the first)."""
    sheet = workbook.create_sheet(MARKER_SHEET)
    sheet.sheet_state = "veryHidden"
    sheet.append([signing.dumps(job.pk, salt=_SALT)])


class ExportSources:
    """What a masked export collects as it writes: per column, the declared field it
    shows (model label, field name), and each masked text with the records (pks) whose
    value it masks. A ledger repeats a member on many rows; each text is kept once."""

    def __init__(self) -> None:
        self.columns: dict[str, tuple[str, str, dict[str, set[Any]]]] = {}

    def add(self, header: str, label: str, field: str, masked: str, pk: Any) -> None:
        self.columns.setdefault(header, (label, field, {}))[2].setdefault(masked, set()).add(pk)

    def payload(self) -> dict[str, Any]:
        return {header: [label, field, {text: sorted(pks)[0] if len(pks) == 1 else sorted(pks)
                                        for text, pks in texts.items()}]
                for header, (label, field, texts) in self.columns.items()}


def export_token(*, resource: str, user: Any, sources: ExportSources) -> str:
    """The signed mark of a masked export: its sheet type (or file kind), its user and the
    records behind its masked numbers. A workbook keeps it in a very hidden sheet
    (:func:`mark_export`), a 任免审批表 ``.lrmx`` in an element of its own (``cadres.lrmx``)."""
    return signing.dumps({"r": resource, "u": user.pk, "c": sources.payload()}, salt=_EXPORT_SALT, compress=True)


def mark_export(workbook: Any, *, resource: str, user: Any, sources: ExportSources) -> None:
    """Add to a (write-only) export workbook the very hidden sheet naming its sheet type,
    its user and the records behind its masked numbers, signed; nothing when none was masked."""
    if not sources.columns:
        return
    token = export_token(resource=resource, user=user, sources=sources)
    sheet = workbook.create_sheet(EXPORT_MARKER_SHEET)
    sheet.sheet_state = "veryHidden"
    for start in range(0, len(token), _CELL):
        sheet.append([token[start:start + _CELL]])


def _marker_token(path: str, name: str) -> str | None:
    """The text of a marker sheet's first column, its rows joined; None without the sheet."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(path)
        if name not in workbook.sheet_names:
            return None
        rows = workbook.get_sheet_by_name(name).to_python()
    except Exception:  # a workbook the reader will refuse in its own words
        return None
    return "".join(str(row[0]) for row in rows if row and row[0] not in (None, ""))


def marked_job_id(path: str) -> int | None:
    """The job an uploaded workbook was annotated from, or None (no mark, or a mark that
    was not written by this system)."""
    token = _marker_token(path, MARKER_SHEET)
    if token is None:
        return None
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


def _plain(value: Any) -> str:
    """A cell as text, for telling whether a row still reads as the workbook wrote it: a
    blank is "", a text stripped and unescaped (``'=1+1``) as the reader reads it, a date
    cell saved at midnight as its day, a whole number without its ``.0``."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value.strip()
        return text[1:] if text[:1] == "'" and text[1:2] in ESCAPED_FORMULA_STARTS else text
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class OriginalRows:
    """The original upload of an error workbook, row by row (错误标注表按原行还原).

    The workbook writes every row of the original where it was, so its row N is the
    original's row N as long as the clerk moved nothing. Kept per row: a digest of the
    cells outside the personal-data columns as the workbook wrote them (their numbers
    masked), leaving out the cells the job marked red, which the clerk is meant to change;
    and the values of the personal-data columns and of the texts whose numbers were masked.
    A row without red cells is also found by its digest wherever it has moved (rows sorted,
    a row deleted above it), when no other row of the original reads the same.
    """

    def __init__(self, *, header_row: int, headers: list[str], kinds: dict[str, str], errors: list[dict[str, Any]]):
        self.header_row = header_row
        self.kinds = kinds
        self.compared = [h for h in headers if h not in kinds]  # the digest's columns, in order
        self.red: dict[int, set[str]] = {}
        for error in errors:
            self.red.setdefault(int(error["row"]), set()).add(str(error.get("column") or ""))
        self.rows: dict[int, tuple[bytes, dict[str, Any]]] = {}
        self.by_content: dict[bytes, int | None] = {}  # None: two rows read the same

    def _digest(self, cell: Any, red: Any = ()) -> bytes:
        shown = "\x1f".join(_plain(cell(h)) for h in self.compared if h not in red)
        return hashlib.blake2b(shown.encode(), digest_size=16).digest()

    def add(self, number: int, cells: dict[str, Any]) -> None:
        values = {h: v for h, v in cells.items() if v is not None and (
            h in self.kinds or (isinstance(v, str) and secrets.mask_cell(v, None) != v))}
        digest = self._digest(lambda h: secrets.mask_cell(cells.get(h), None), self.red.get(number, ()))
        self.rows[number] = (digest, values)
        if number not in self.red:
            self.by_content[digest] = None if digest in self.by_content else number

    def tied(self, number: int, header_row: int, cell: Any) -> dict[str, Any] | None:
        """The original values of the upload's row ``number`` (``cell(header)`` reads it),
        if the row is still one row of the original: its own row, or the one row without
        red cells it reads as. None if it cannot be told (a cell not marked red changed, a
        row two rows of the original read as, a number not marked red typed over with
        another)."""
        own = self.rows.get(number) if header_row == self.header_row else None
        found: int | None = number
        if own is None or own[0] != self._digest(cell, self.red.get(number, ())):
            found = self.by_content.get(self._digest(cell))
        if found is None:
            return None
        values = self.rows[found][1]
        red = self.red.get(found, ())
        for header, kind in self.kinds.items():
            typed = cell(header)
            if header in red or secrets.is_masked(typed, kind):
                continue  # a mask is checked against the row's own value, when it is put back
            if _plain(typed).upper() != _plain(values.get(header)).upper():
                return None
        return values


class Originals:
    """What an error workbook's job held: each column's masked texts → value over the
    whole file (:func:`_originals`), the rows (:class:`OriginalRows`), and whether any
    personal-data cell of it was whole (an original that was a masked sheet had none)."""

    def __init__(self, texts: dict[str, dict[str, Any]], rows: OriginalRows, whole: bool) -> None:
        self.texts, self.rows, self.whole = texts, rows, whole


def _originals(source: ImportJob, kinds: dict[str, str]) -> Originals:
    """Each column's masked texts in the source's upload → the value, as the error
    workbook wrote them (``secrets.mask_cell``): a personal-data column's value masked
    whole (an ID number, a phone, a birth date as its month), any other text with the
    numbers in it masked. A value that was itself a mask (an original that was a masked
    sheet) gives nothing; a text with nothing masked is not kept. And the same, row by row."""
    sheet = open_sheet(source.file.path, source.original_name, registry.get(source.resource))
    found: dict[str, dict[str, Any]] = {header: {} for header in sheet.headers}
    positions = list(enumerate(sheet.headers))
    rows = OriginalRows(header_row=sheet.header_row, headers=sheet.headers,
                        kinds={h: k for h, k in kinds.items() if h in found}, errors=source.errors or [])
    whole = False
    for number, cells in sheet.records():
        kept: dict[str, Any] = {}
        for i, header in positions:
            value, kind = cells[i], kinds.get(header)
            if value is None or secrets.is_masked(value, kind):
                if value is not None and kind is None:
                    kept[header] = value  # a text that has stars of its own: compared as it is
                continue
            kept[header] = value
            whole = whole or kind is not None
            masked = secrets.mask_cell(value, kind)
            if kind is None and masked == value:  # a text with no number in it: nothing to put back
                continue
            masked = str(masked)
            known = found[header].get(masked)
            found[header][masked] = value if known is None or known == value else _AMBIGUOUS
        rows.add(number, kept)
    # A personal-data column is kept empty: its masks are then named as not put back.
    return Originals({header: texts for header, texts in found.items() if texts or header in kinds}, rows, whole)


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


def _exported(job: ImportJob, path: str) -> tuple[dict[str, dict[str, Any]] | None, str]:
    """What the mark of an uploaded export gives back (:func:`exported_values`)."""
    return exported_values(_marker_token(path, EXPORT_MARKER_SHEET), resource=job.resource, user=job.uploader)


def exported_values(token: str | None, *, resource: str, user: Any) -> tuple[dict[str, dict[str, Any]] | None, str]:
    """For the mark ``token`` of a masked export uploaded by ``user`` as ``resource``: each
    masked text of its columns → the value of its one record's declared field, read from
    the database within the user's jurisdiction (:func:`restored_value` reads one); or None
    and why the mark is refused ("" for no mark, or one this system did not sign)."""
    if not token:
        return None, ""
    try:
        signed = signing.loads(token, salt=_EXPORT_SALT, max_age=EXPORT_MARK_VALID)
        columns, signed_resource, user_id = signed["c"], signed["r"], signed["u"]
    except signing.SignatureExpired:
        return None, (f"这是 {EXPORT_MARK_VALID.days} 天以前导出的文件，已超过还原期限，表中被遮蔽的号码无法还原："
                      "请重新导出后填写上传，或填写完整号码。")
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None, ""
    if user_id != user.pk:
        return None, "这是其他用户导出的文件，表中被遮蔽的号码只能在导出人本人上传时还原：请自行导出后填写上传，或填写完整号码。"
    if signed_resource != resource:
        return None, "这个导出文件与本次选择的导入类型不符，表中被遮蔽的号码无法还原：请选择与导出列表相同的导入类型。"
    found: dict[str, dict[str, Any]] = {}
    for header, (label, field, texts) in columns.items():
        model = apps.get_model(label)
        kind = secrets.sensitive_fields(model).get(field)  # only a field the one declaration names
        if kind is None:
            continue
        single = {text: pk for text, pk in texts.items() if not isinstance(pk, list)}
        numbers = dict(scope_queryset(model._default_manager.filter(pk__in=set(single.values())), user)
                       .values_list("pk", field))
        known: dict[str, Any] = {}
        for text, pk in texts.items():
            if isinstance(pk, list):
                known[text] = _AMBIGUOUS
                continue
            number = numbers.get(pk)
            known[text] = number if number and secrets.mask(number, kind) == text else _GONE
        found[header] = known
    return found, ""


def restored_value(known: dict[str, Any], text: str) -> Any | None:
    """The value a masked ``text`` of an export's column comes back as (``known`` is that
    column of :func:`exported_values`); None when it cannot: a text two records share, a
    record out of the uploader's jurisdiction or whose value changed, a text the export
    did not hold."""
    value = known.get(text.strip())
    return None if value is None or value is _AMBIGUOUS or value is _GONE else value


def restore_masked(job: ImportJob) -> str:
    """Put back the masked personal data of a corrected error workbook or of a masked
    export (see the module's docstring), rewriting the job's stored upload. Returns the
    sentence for the job's message, "" when the upload is neither."""
    from .exporting import _sensitive_headers  # it imports this module

    path = job.file.path
    if sniff_kind(path, job.original_name) != "xlsx":
        return ""
    source_id = marked_job_id(path)
    if source_id is None:
        exported, refused = _exported(job, path)
        if exported is None:
            return refused
        return _put_back(job, path, exported, _sensitive_headers(job), "已按导出文件还原 {} 个被遮蔽的{}。",
                         "导出时有两个记录的{}遮蔽后相同",
                         "记录已不在您的管辖范围内、号码已更改，或导出文件中没有")[1]
    source = _source(job, source_id)
    if source is None:
        return (f"这是导入任务 {source_id} 的错误标注表，但该任务的原始文件已不可用（任务已完成或已放弃、超过保留期限，"
                "或不在您的管辖范围内），表中被遮蔽的号码无法还原：请在原表中改正后上传。")
    kinds = _sensitive_headers(job)
    try:
        originals = _originals(source, kinds)
    except FileError:
        return f"导入任务 {source_id} 的原始文件无法读取，表中被遮蔽的号码无法还原：请在原表中改正后上传。"
    restored, note = _put_back(job, path, originals.texts, kinds, f"已按导入任务 {source_id} 的原始文件还原 {{}} 个被遮蔽的{{}}。",
                               "有两个{}遮蔽后相同", "原表中没有", texts=True,
                               rows=originals.rows)
    if note and not restored and not originals.whole:  # an original that was itself a masked sheet
        note = f"导入任务 {source_id} 的原始文件中也没有完整号码，表中被遮蔽的号码无法还原。" + note
    return note


def _row_id_number(row: list[Any], found: dict[int, Any], column: int | None) -> str:
    """The row's ID number as it will be imported: put back, or typed whole."""
    if column is None:
        return ""
    value = found.get(column, row[column] if column < len(row) else None)
    try:
        return idnumber.validate(idnumber.normalise(value), on_sheet=True)
    except ValidationError:
        return ""


def _born_in(mask: str, number: str) -> datetime.date | None:
    """The birth date of the ID ``number`` when it falls in the month ``mask`` shows."""
    born = idnumber.birth_date_of(number) if number else None
    return born if born is not None and secrets.mask_birth_date(born.isoformat()) == mask.strip() else None


def _noun(kind: str | None) -> str:
    """What a masked cell of ``kind`` is called in the job's message."""
    return "日期" if kind == secrets.BIRTH_DATE else "号码" if kind is not None else "文字"


def _put_back(job: ImportJob, path: str, known: dict[str, dict[str, Any]], kinds: dict[str, str], done: str,
              ambiguous: str, missing: str, *, texts: bool = False,
              rows: OriginalRows | None = None) -> tuple[int, str]:
    """Rewrite the upload with each masked cell of a ``known`` column replaced by its
    value; the sentence says how many, and names the cells that keep their masks.

    A personal-data column's cell is masked when it reads as a mask of its kind
    (``kinds``; a birth date's month has no star). With ``texts`` (an error workbook),
    ``known`` holds other columns too, whose texts had numbers masked: there only a text
    ``known`` holds is one the workbook masked (the clerk's own text with a star
    in it is left alone). With ``rows`` (an error workbook), a row still tied to its own
    row of the original takes that row's values, and only those (:class:`OriginalRows`)."""
    resource_class = registry.get(job.resource)
    # The rewrite keeps the values the cells show of the one sheet read, and nothing of
    # their formulas, merges, hidden rows and columns or other sheets: the upload is
    # checked as the validation checks it first, or a formula without its result (or
    # with one the workbook disowns, a program's 0), a hidden row or a second sheet's
    # data would come out of it as a plain sheet the validation takes.
    sheet = open_sheet(path, job.original_name, resource_class)
    formulas, raw_rows, first_column = sheet.formulas, sheet._raw_rows, sheet.first_column
    header_row, columns = sheet.header_row, sheet.columns
    assert formulas is not None  # an .xlsx
    read_columns = [i + 1 + first_column for i in columns]
    data_rows: set[int] = set()
    targets = {i: (known[header], kinds.get(header), header in kinds or not texts)
               for i, header in columns.items() if header in known}
    # Birth dates last: one that cannot come back by its mask is read from the row's own ID
    # number, put back or typed whole, whose birth date falls in that month.
    targets = dict(sorted(targets.items(), key=lambda item: item[1][1] == secrets.BIRTH_DATE))
    id_column = next((i for i, header in columns.items() if kinds.get(header) == secrets.ID_NUMBER), None)
    # Columns naming another record the row holds (培养联系人): a mask that cannot come back
    # stays, standing for the record on file (widgets.KeptMasked), and keeps no other mask.
    on_file = {i for i, header in columns.items() if header in _kept_on_file(resource_class)}
    left: dict[str, list[str]] = {}
    restored = 0
    nouns: set[str] = set()
    missed: dict[tuple[str, str], list[str]] = {}
    unmoored = False  # a mask two originals share, in a row no longer tied to its own
    written: list[list[Any]] = []
    where = {header: i for i, header in columns.items()}
    for number, raw in raw_rows():
        row = list(raw)
        if number > header_row:
            if any(not (row[i] is None or (isinstance(row[i], str) and not row[i].strip()))
                   for i in columns if i < len(row)):
                data_rows.add(number)
            found: dict[int, Any] = {}
            whole = True
            own = None if rows is None else rows.tied(number, header_row, _reader(row, where))
            for i, (values, kind, declared) in targets.items():
                cell = row[i] if i < len(row) else None
                if own is not None and secrets.is_masked(cell, kind):
                    # The row's own original, or nothing: a mask that is not its own is refused.
                    value = own.get(columns[i])
                    if value is not None and str(secrets.mask_cell(value, kind)).strip() == cell.strip():
                        found[i] = value
                    elif i in on_file:
                        why = missing if value is None else f"与原表对应行的{_noun(kind)}不符"
                        left.setdefault(why, []).append(f"第 {number} 行「{columns[i]}」")
                    elif declared:
                        why = missing if value is None else f"与原表对应行的{_noun(kind)}不符"
                        missed.setdefault((why, _noun(kind)), []).append(f"第 {number} 行「{columns[i]}」")
                        whole = False
                    continue
                if not secrets.is_masked(cell, kind) or (not declared and cell.strip() not in values):
                    continue
                value = values.get(cell.strip())
                if kind == secrets.BIRTH_DATE and (value is None or value is _AMBIGUOUS or value is _GONE):
                    value = _born_in(cell, _row_id_number(row, found, id_column)) or value
                if (value is None or value is _AMBIGUOUS or value is _GONE) and i in on_file:
                    why = ambiguous.format(_noun(kind)) if value is _AMBIGUOUS else missing
                    left.setdefault(why, []).append(f"第 {number} 行「{columns[i]}」")
                elif value is None or value is _AMBIGUOUS or value is _GONE:
                    why = ambiguous.format(_noun(kind)) if value is _AMBIGUOUS else missing
                    unmoored = unmoored or (rows is not None and value is _AMBIGUOUS)
                    missed.setdefault((why, _noun(kind)), []).append(f"第 {number} 行「{columns[i]}」")
                    whole = False
                else:
                    found[i] = value
            # A row keeps all its masks if one cannot come back: each masked cell refuses it
            # (the engine refuses a mask in every personal-data column, a phone beside an ID
            # number typed in full too), rather than a masked phone being written as data.
            if whole:
                for i, value in found.items():
                    row[i] = value
                    nouns.add(_noun(targets[i][1]))
                restored += len(found)
        written.append(row)
    if restored:
        # An error value (#N/A) reads as empty, and would be written so: refused as the
        # validation refuses it, in a column read, in a data row.
        refuse_error_cells(*formulas.among("errors", read_columns, data_rows), where=sheet.where)
        _write(path, written)
    note = done.format(restored, "和".join(n for n in ("号码", "日期", "文字") if n in nouns)) if restored else ""
    for (why, noun), cells in missed.items():
        shown = "、".join(cells[:5]) + ("等" if len(cells) > 5 else "")
        if noun == "号码":
            note += f"{shown}的号码无法还原（{why}），所在行的号码均未还原：请填写完整号码，或在原表中改正后上传。"
        else:
            full = "完整的出生日期（年月日）" if noun == "日期" else "原来的文字"
            note += (f"{shown}的{noun}无法还原（{why}），所在行被遮蔽的号码和{noun}均未还原："
                     f"请填写{full}，或在原表中改正后上传。")
    for why, cells in left.items():
        shown = "、".join(cells[:5]) + ("等" if len(cells) > 5 else "")
        note += (f"{shown}的号码无法还原（{why}），按档案中已记录的人员核对：遮蔽后与之相同的，保留档案中的记录不变；"
                 "要更换的，请填写完整号码。")
    if unmoored:
        note += ("遮蔽后相同的号码只按原表中对应的行还原，以上各行在原表中找不到对应的行"
                 "（改动了未标红的单元格，或与别的行内容相同又移动了位置）。")
    return restored, note


def _kept_on_file(resource_class: Any) -> set[str]:
    """The headers of the columns whose masked cell stands for the record on file
    (``ByIdNumberWidget(keeps_masked=True)``: 培养联系人)."""
    return {str(f.column_name) for f in resource_class().get_import_fields()
            if getattr(f.widget, "keeps_masked", False) and f.column_name}


def _reader(row: list[Any], where: dict[str, int]) -> Any:
    """``cell(header)`` of an uploaded row: its cell in that column, None beyond its end."""
    def cell(header: str) -> Any:
        i = where.get(header)
        return row[i] if i is not None and i < len(row) else None
    return cell
