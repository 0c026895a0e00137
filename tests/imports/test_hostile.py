"""Hostile files: each is refused with a clear Chinese message (or read correctly), writes
nothing, and stays within bounded time and memory.

Memory is measured in a child process (the spreadsheet library allocates outside
Python's tracked heap), under an address-space limit so that a regression fails the
test instead of the machine.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from cadres.models import Cadre
from orgwork.audit.models import AuditLog
from orgwork.imports import services
from orgwork.imports.engine import run_import
from orgwork.imports.exporting import export_queryset
from orgwork.imports.models import ImportJob, JobStatus
from orgwork.imports.reader import FileError, decode_csv, open_sheet

from .conftest import HEAD, grant, person
from .resources import CadreSheet
from .sheets import csv_file, quoted_csv, rewrite_zip, workbook_bytes, xls, xlsx

BOUND_MB = 200
BOUND_SECONDS = 60
# One child process reads every file the tests hand it, one per line on stdin; before
# each, the peak-memory mark is reset (clear_refs 5), so each answer carries that file's peak.
PROBE = r"""
import json, resource, sys, time
limit = 2 * 1024 ** 3
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import django
django.setup()
from orgwork.imports.reader import FileError, open_sheet
from tests.imports.resources import CadreSheet

def peak_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024

for line in sys.stdin:
    path, name = json.loads(line)
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")
    start = time.monotonic()
    try:
        sheet = open_sheet(path, name, CadreSheet)
        outcome = {"rows": sum(1 for _ in sheet.rows())}
    except FileError as exc:
        outcome = {"refused": exc.message}
    outcome["seconds"] = time.monotonic() - start
    outcome["peak_mb"] = peak_mb()
    print(json.dumps(outcome, ensure_ascii=False), flush=True)
"""
PAYLOADS = ["=1+1", "+cmd|' /C calc'!A0", "@SUM(1)", '=HYPERLINK("http://x","y")', "-2+3"]


class Prober:
    """The reading child process, started on first use and again after a crash."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None

    def __call__(self, path: Path) -> dict[str, Any]:
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen([sys.executable, "-c", PROBE], cwd=django_settings.BASE_DIR, text=True,
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps([str(path), path.name]) + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], BOUND_SECONDS * 2)
        answer = self.process.stdout.readline() if ready else ""
        if not answer:
            self.process.kill()
            raise AssertionError(f"the reader died or hung on {path.name}: {self.process.communicate()[1][-2000:]}")
        outcome: dict[str, Any] = json.loads(answer)
        assert outcome["peak_mb"] < BOUND_MB, outcome
        assert outcome["seconds"] < BOUND_SECONDS, outcome
        return outcome

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.communicate(input="", timeout=30)


@pytest.fixture(scope="module")
def probe() -> Any:
    """Open a file and read every row in a separate process: outcome, seconds, peak memory."""
    prober = Prober()
    yield prober
    prober.close()


def refused(path: Path) -> str:
    with pytest.raises(FileError) as info:
        sheet = open_sheet(str(path), path.name, CadreSheet)
        list(sheet.rows())
    return info.value.message


# --- workbooks written by hand, as an attacker would -------------------------------

def cell(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def data_rows(count: int) -> bytes:
    """The header and ``count`` valid people as inline-string cells, rows 1…count+1."""
    rows = [HEAD] + [person(i) for i in range(1, count + 1)]
    return b"".join(
        f'<row r="{r}">'.encode() + b"".join(cell(f"{chr(65 + c)}{r}", str(v)) for c, v in enumerate(row)) + b"</row>"
        for r, row in enumerate(rows, start=1))


def workbook(tmp_path: Path, name: str, sheet_data: bytes, dimension: str = "A1") -> Path:
    base = xlsx(tmp_path / "base.xlsx", [["x"]])
    part = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + f'<dimension ref="{dimension}"/>'.encode() + b"<sheetData>" + sheet_data + b"</sheetData></worksheet>")
    return rewrite_zip(base, tmp_path / name, replace={"xl/worksheets/sheet1.xml": part})


# --- 16,384 columns ------------------------------------------------------------------

def test_a_sheet_16384_columns_wide_is_refused_in_bounded_memory(tmp_path: Path, probe: Any) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in [HEAD, person(1), person(2)]:
        sheet.append(row + [f"备注{i}" for i in range(16384 - len(row))])
    book.save(tmp_path / "wide.xlsx")
    outcome = probe(tmp_path / "wide.xlsx")
    assert "第 16384 列（XFD 列），超过 200 列的上限" in outcome["refused"]


def test_two_cells_at_the_far_corners_do_not_make_the_reader_allocate_the_whole_sheet(tmp_path: Path, probe: Any) -> None:
    # Five kilobytes on disk; read naively, 17 billion cells.
    corner = workbook(tmp_path, "corner.xlsx", data_rows(1) + b'<row r="1048576">' + cell("XFD1048576", "x")
                      + b"</row>", dimension="A1:XFD1048576")
    assert corner.stat().st_size < 10_000
    assert "XFD 列" in probe(corner)["refused"]


def test_cells_written_without_references_or_with_prefixes_are_measured_too(tmp_path: Path) -> None:
    unreferenced = b'<row r="3">' + b'<c t="inlineStr"><is><t>x</t></is></c>' * 300 + b"</row>"
    assert "第 300 列" in refused(workbook(tmp_path, "plain.xlsx", data_rows(1) + unreferenced))
    reordered = b'<row r="3"><c t="inlineStr" r="ZZ3"><is><t>x</t></is></c></row>'
    assert "ZZ 列" in refused(workbook(tmp_path, "order.xlsx", data_rows(1) + reordered))
    prefixed = (b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
                b'<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c>'
                b'<x:c r="XFD1048576" t="inlineStr"><x:is><x:t>b</x:t></x:is></x:c></x:row>'
                b"</x:sheetData></x:worksheet>")
    base = xlsx(tmp_path / "base.xlsx", [["x"]])
    target = rewrite_zip(base, tmp_path / "prefixed.xlsx", replace={"xl/worksheets/sheet1.xml": prefixed})
    assert "XFD 列" in refused(target)


def test_a_sheet_within_the_column_limit_but_too_large_an_area_is_refused(tmp_path: Path, settings: Any) -> None:
    settings.IMPORT_MAX_CELLS = 1000
    far = b'<row r="200"><c r="BH200" t="inlineStr"><is><t>x</t></is></c></row>'  # 200 rows × 60 columns
    assert "200 行 × 60 列，超过 1000 个单元格的上限" in refused(workbook(tmp_path, "area.xlsx", data_rows(2) + far))


def test_an_old_xls_workbook_is_measured_before_it_is_opened(tmp_path: Path, probe: Any) -> None:
    rows = {(r, c): v for r, row in enumerate([HEAD, person(1), person(2)]) for c, v in enumerate(row)}
    assert probe(xls(tmp_path / "good.xls", rows))["rows"] == 2
    # Five kilobytes; the whole 65,536 × 256 grid (a gigabyte) if opened as it is.
    outcome = probe(xls(tmp_path / "corner.xls", {**rows, (65535, 255): "x"}))
    assert "第 256 列（IV 列）" in outcome["refused"]


def test_a_csv_wider_than_the_column_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(HEAD) + "," * 16384 + "备注\r\n" + ",".join(person(1)) + "\r\n", encoding="utf-8")
    assert "超过 200 列的上限" in refused(path)


# --- a million empty rows ------------------------------------------------------------

def test_a_million_phantom_rows_in_a_workbook_are_skipped_quickly(tmp_path: Path, probe: Any) -> None:
    # Formatted but empty cells down to Excel's last row, and a dimension that claims them.
    phantom = b"".join(f'<row r="{r}"><c r="G{r}" s="0"/></row>'.encode() for r in range(5, 1_048_577))
    path = workbook(tmp_path, "phantom.xlsx", data_rows(3) + phantom, dimension="A1:G1048576")
    assert probe(path)["rows"] == 3


def test_text_down_to_the_last_row_is_refused_with_what_to_delete(tmp_path: Path, probe: Any) -> None:
    # A formula returning "" dragged down the whole column leaves empty text in every cell.
    empties = b"".join(f'<row r="{r}"><c r="B{r}" t="str"><v></v></c></row>'.encode() for r in range(5, 1_048_577))
    outcome = probe(workbook(tmp_path, "dragged.xlsx", data_rows(3) + empties))
    assert "仍有内容，超过导入上限" in outcome["refused"] and "删除这些空行" in outcome["refused"]


@pytest.mark.parametrize("blank", ["\r\n", ",,,,,,\r\n"], ids=["empty lines", "commas only"])
def test_a_csv_with_a_million_blank_lines_reads_its_rows_only(tmp_path: Path, blank: str, probe: Any) -> None:
    path = tmp_path / "blank.csv"
    lines = [",".join(HEAD)] + [",".join(person(i)) for i in range(1, 4)]
    path.write_text("\r\n".join(lines) + "\r\n" + blank * 1_000_000, encoding="utf-8")
    outcome = probe(path)
    assert outcome["rows"] == 3
    assert open_sheet(str(path), path.name, CadreSheet).estimated_rows == 3


@pytest.mark.django_db
def test_more_data_rows_than_the_limit_refuse_the_whole_file(tmp_path: Path, county_a_clerk: Any, settings: Any,
                                                             media: Path, test_resource: Any) -> None:
    settings.IMPORT_MAX_ROWS = 3
    rows = [HEAD] + [person(i) for i in range(1, 5)]
    for path in (xlsx(tmp_path / "many.xlsx", rows), csv_file(tmp_path / "many.csv", rows)):
        sheet = open_sheet(str(path), path.name, CadreSheet)
        with pytest.raises(FileError, match="数据超过 3 行的上限（第 5 行起超出）"):
            run_import(CadreSheet, county_a_clerk, sheet, commit=True)
    assert not Cadre.objects.exists()
    job = services.job_create(user=county_a_clerk, resource="test_cadres",
                              uploaded=SimpleUploadedFile("many.xlsx", workbook_bytes(rows)))
    assert services.job_validate(job_id=job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert "数据超过 3 行的上限" in job.message and not job.file


def test_a_workbook_with_a_dtd_hidden_behind_padding_is_refused(tmp_path: Path) -> None:
    padded = (b'<?xml version="1.0" encoding="UTF-8"?>' + b"<!--" + b" " * 70_000 + b"-->"
              b'<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet/>')
    base = xlsx(tmp_path / "base.xlsx", [HEAD, person(1)])
    message = refused(rewrite_zip(base, tmp_path / "padded.xlsx", replace={"docProps/app.xml": padded}))
    assert "疑似恶意文件" in message


# --- encodings ---------------------------------------------------------------------

def people_csv(rows: list[list[Any]]) -> str:
    return "".join(",".join(str(v) for v in row) + "\r\n" for row in rows)


@pytest.mark.django_db
def test_utf16_with_a_bom_is_read_correctly(tmp_path: Path, county_a_clerk: Any) -> None:
    path = tmp_path / "utf16.csv"
    path.write_bytes(people_csv([HEAD, person(1, 姓名="䶮明")]).encode("utf-16"))
    result = run_import(CadreSheet, county_a_clerk, open_sheet(str(path), path.name, CadreSheet), commit=True)
    assert result.new == 1 and Cadre.objects.get().name == "䶮明"


@pytest.mark.parametrize(("encoding", "expected"), [
    ("utf-16-le", "没有 BOM 标记的 UTF-16"),
    ("utf-16-be", "没有 BOM 标记的 UTF-16"),
    ("shift_jis", "UTF-8"),
    ("big5", "UTF-8"),
])
def test_a_csv_in_another_encoding_is_refused_with_what_to_save_it_as(tmp_path: Path, encoding: str,
                                                                       expected: str) -> None:
    # Big5 bytes (and often Shift-JIS) decode as GB18030 without an error, as mojibake:
    # nothing in the header then matches, and the message names the encodings to save in.
    rows = {
        "big5": [["姓名", "性別", "出生年月", "身份證號", "入黨時間", "單位", "現任職務"],
                 ["張三", "男", "1975.06", "620102197506010033", "2000.07", "620102", "科員"]],
        "shift_jis": [["氏名", "性別", "生年月", "身分証番号", "入党日", "所属", "職務"],
                      ["山田太郎", "男", "1975.06", "620102197506010033", "2000.07", "620102", "係員"]],
    }
    text = people_csv(rows.get(encoding, [HEAD, person(1)]))
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(text.encode(encoding))
    message = refused(path)
    assert expected in message and "GB18030" in message


def test_a_csv_mixing_gbk_and_utf8_lines_is_refused_not_read_as_mojibake(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(people_csv([HEAD, person(1)]).encode("gbk") + people_csv([person(2, 姓名="李明")]).encode("utf-8"))
    message = refused(path)
    assert "第 3 行是 UTF-8" in message and "乱码" in message


def ten_rows_with_a_gbk_row(gbk_row: int, *, bom: bool = False, line_break_in_row: int = 0) -> bytes:
    """A header and nine cadres in UTF-8, except row ``gbk_row``, which is in GBK (a row
    pasted in from another file); ``line_break_in_row``: that row's 现任职务 is a quoted
    cell holding a line break, as Excel writes one typed with Alt+Enter."""
    rows = [HEAD] + [person(i) for i in range(1, 10)]
    lines = [",".join(str(v) for v in row) for row in rows]
    if line_break_in_row:
        lines[line_break_in_row - 1] = lines[line_break_in_row - 1].rsplit(",", 1)[0] + ',"科员\r\n兼团委书记"'
    data = b"".join(line.encode("gbk" if position == gbk_row else "utf-8") + b"\r\n"
                    for position, line in enumerate(lines, start=1))
    return (b"\xef\xbb\xbf" if bom else b"") + data


def test_a_gbk_line_in_a_utf8_csv_is_named_by_its_own_line_number(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(ten_rows_with_a_gbk_row(7))
    message = refused(path)
    assert "文件其他行是 UTF-8 编码，第 7 行是 GBK（GB18030）编码" in message
    assert "第 1 行" not in message and "乱码" in message
    assert "请重新录入该行" in message and "另存为“CSV UTF-8（逗号分隔）”，或统一另存为 GBK 编码的 CSV" in message


def test_a_gbk_line_in_a_csv_saved_as_utf8_with_a_bom_is_named_too(tmp_path: Path) -> None:
    # Excel's 「CSV UTF-8（逗号分隔）」 starts the file with a BOM.
    path = tmp_path / "mixed.csv"
    path.write_bytes(ten_rows_with_a_gbk_row(7, bom=True))
    message = refused(path)
    assert "第 7 行是 GBK（GB18030）编码" in message and "标明的字符编码与内容不符" not in message


def test_below_a_cell_with_a_line_break_the_row_is_named_as_a_spreadsheet_shows_it_and_the_text_line_beside_it(
        tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    # Row 3 takes two lines of text, so the GBK row 7 is the text's line 8.
    path.write_bytes(ten_rows_with_a_gbk_row(7, line_break_in_row=3))
    message = refused(path)
    assert "表格第 7 行（在记事本等文本编辑器中是第 8 行，因为上面有单元格内换行）是 GBK（GB18030）编码" in message
    # The same row, all in UTF-8, is the reader's row 7: the message counts rows as every row error does.
    path.write_bytes(ten_rows_with_a_gbk_row(0, line_break_in_row=3))
    sheet = open_sheet(str(path), path.name, CadreSheet)
    assert [number for number, row in sheet.rows() if row["姓名"] == "张六"] == [7]


def test_several_gbk_lines_are_all_named_up_to_five(tmp_path: Path) -> None:
    rows = [HEAD] + [person(i) for i in range(1, 20)]
    odd = {3, 5, 8, 9, 12, 15, 18}
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"".join(",".join(str(v) for v in row).encode("gbk" if n in odd else "utf-8") + b"\r\n"
                              for n, row in enumerate(rows, start=1)))
    message = refused(path)
    assert "第 3、5、8、9、12 行等 7 行是 GBK（GB18030）编码" in message and "请重新录入这些行" in message


@pytest.mark.django_db
def test_an_upload_with_a_gbk_line_fails_its_job_with_the_line_named(
        media: Path, test_resource: Any, county_a_clerk: Any) -> None:
    job = services.job_create(user=county_a_clerk, resource="test_cadres",
                              uploaded=SimpleUploadedFile("干部.csv", ten_rows_with_a_gbk_row(7)))
    assert services.job_validate(job_id=job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert "第 7 行是 GBK（GB18030）编码" in job.message and not Cadre.objects.exists()


def test_random_bytes_are_refused(tmp_path: Path) -> None:
    import random

    noise = random.Random(20260101)
    for i in range(20):
        path = tmp_path / f"noise{i}.csv"
        path.write_bytes(bytes(noise.randrange(256) for _ in range(2000)))
        assert refused(path)


def test_gbk_and_gb18030_still_decode() -> None:
    text = "姓名,身份证号\r\n䶮,1\r\n"
    assert decode_csv(text.encode("gb18030")) == text
    assert decode_csv("姓名,单位\r\n王,城关区\r\n".encode("gbk")) == "姓名,单位\r\n王,城关区\r\n"


# --- formulas ----------------------------------------------------------------------

@pytest.mark.django_db
def test_formula_payloads_are_imported_as_text_and_exported_escaped(tmp_path: Path, county_a_clerk: Any) -> None:
    user = grant(county_a_clerk, "cadres.view_unmasked_id_number")
    source = quoted_csv(tmp_path / "payloads.csv", [HEAD, *(person(i, 现任职务=p) for i, p in enumerate(PAYLOADS, start=1))])
    result = run_import(CadreSheet, user, open_sheet(str(source), source.name, CadreSheet), commit=True)
    assert result.committed and result.new == len(PAYLOADS)
    assert set(Cadre.objects.values_list("current_post", flat=True)) == set(PAYLOADS)

    exported = tmp_path / "exported.xlsx"
    exported.write_bytes(export_queryset(resource_class=CadreSheet, user=user, queryset=Cadre.objects.all(),
                                         fmt="xlsx", filters={}))
    sheet = load_workbook(exported).active
    header = [c.value for c in sheet[1]]
    posts = [row[header.index("现任职务")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    # In an .xlsx only a text starting with "=" would become a formula: the others are text cells.
    assert sorted(posts) == sorted(("'" + p) if p.startswith("=") else p for p in PAYLOADS)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)  # no formula cell at all
    text = export_queryset(resource_class=CadreSheet, user=user, queryset=Cadre.objects.all(), fmt="csv",
                           filters={}).decode("utf-8-sig")
    exported_rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["现任职务"] for r in exported_rows) == sorted("'" + p for p in PAYLOADS)

    # The export comes back as it went out: the escape is not added to the data.
    again = run_import(CadreSheet, user, open_sheet(str(exported), exported.name, CadreSheet), commit=True)
    assert (again.new, again.updated, again.unchanged) == (0, 0, len(PAYLOADS))
    assert set(Cadre.objects.values_list("current_post", flat=True)) == set(PAYLOADS)


@pytest.mark.django_db
def test_formula_payloads_in_the_name_column_are_refused_whole(tmp_path: Path, county_a_clerk: Any) -> None:
    """A name holds only letters (``orgwork.common.names``): a formula is no name, whatever it starts with."""
    source = quoted_csv(tmp_path / "payloads.csv", [HEAD, *(person(i, 姓名=p) for i, p in enumerate(PAYLOADS, start=1))])
    result = run_import(CadreSheet, county_a_clerk, open_sheet(str(source), source.name, CadreSheet), commit=True)
    assert not result.committed and not Cadre.objects.exists()
    assert [(e.row, e.column) for e in result.errors] == [(i, "姓名") for i in range(2, 2 + len(PAYLOADS))]
    assert all(e.message.startswith("姓名中不能有「") or e.message.startswith("姓名须以汉字或字母开头")
               for e in result.errors)


@pytest.mark.django_db
def test_a_nul_character_in_a_cell_refuses_the_file_and_writes_nothing(tmp_path: Path, county_a_clerk: Any) -> None:
    # Excel writes a NUL as the escape _x0000_; the database takes no NUL in text.
    row = b"".join(cell(f"{chr(65 + c)}2", str(v)) for c, v in enumerate(person(1, 姓名="张_x0000_三")))
    bad = workbook(tmp_path, "nul.xlsx", data_rows(0) + b'<row r="2">' + row + b"</row>")
    sheet = open_sheet(str(bad), bad.name, CadreSheet)
    with pytest.raises(FileError, match="空字符"):
        run_import(CadreSheet, county_a_clerk, sheet, commit=True)
    assert not Cadre.objects.exists() and not AuditLog.objects.filter(content_type__model="cadre").exists()


# --- fuzzing -----------------------------------------------------------------------

FUZZ = hypothesis.settings(max_examples=40, deadline=None, derandomize=True, database=None,
                           suppress_health_check=list(hypothesis.HealthCheck))
JUNK = st.one_of(
    st.none(),
    st.just(""),
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=6),  # control characters
    st.text(min_size=300, max_size=3000),  # longer than any of the columns
    st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2100, 1, 1)),
    st.sampled_from(PAYLOADS + ["6.20102E+17", "620102197506010033", "１９７５．０６", " ", "\u3000", "'", "'="]),
)


@st.composite
def fuzzed_rows(draw: Any) -> list[list[Any]]:
    """One to four people, each either valid or with one to three cells replaced by junk."""
    offset = draw(st.integers(min_value=1, max_value=400))
    rows = []
    for i in range(draw(st.integers(min_value=1, max_value=4))):
        row: list[Any] = person(offset + i)
        if draw(st.booleans()):
            for column in draw(st.lists(st.integers(0, len(HEAD) - 1), min_size=1, max_size=3, unique=True)):
                junk = draw(JUNK)
                row[column] = junk
        rows.append(row)
    return rows


def csv_content(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEAD)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8")


def xlsx_content(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEAD)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            target = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                target.data_type = "s"  # text, even when it starts with "="
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def written() -> tuple[int, int]:
    return Cadre.objects.count(), AuditLog.objects.filter(content_type__model="cadre").count()


@pytest.mark.django_db
def test_fuzzed_sheets_import_completely_or_not_at_all(tmp_path: Path, county_a_clerk: Any) -> None:
    outcomes: set[str] = set()

    @hypothesis.given(rows=fuzzed_rows())
    @FUZZ
    def check(rows: list[list[Any]]) -> None:
        for name, content in (("fuzz.csv", csv_content(rows)), ("fuzz.xlsx", xlsx_content(rows))):
            path = tmp_path / name
            path.write_bytes(content)
            cadres, audit = written()
            try:
                result = run_import(CadreSheet, county_a_clerk, open_sheet(str(path), name, CadreSheet), commit=True)
            except FileError as exc:
                assert exc.message
                outcomes.add("refused")
                assert written() == (cadres, audit)
                continue
            if result.committed:
                outcomes.add("committed")
                assert result.ok and result.rows == len(rows)
                assert written() == (cadres + result.new, audit + result.new + result.updated)
            else:
                outcomes.add("rejected")
                assert result.error_count > 0 and result.errors
                assert all(e.message for e in result.errors)
                assert written() == (cadres, audit)

    check()
    # Both ways out were taken: whole files written, and whole files refused for a row.
    assert {"committed", "rejected"} <= outcomes, outcomes


@pytest.mark.django_db
@pytest.mark.urls("tests.imports.urls")
def test_fuzzed_uploads_through_the_admin_never_answer_with_a_server_error(
        media: Path, test_resource: Any, county_a_clerk: Any, client_for: Any) -> None:
    client = client_for(county_a_clerk)
    add = reverse("admin:imports_importjob_add")
    names = st.sampled_from(["干部.csv", "干部.xlsx", "干部.xls", "干部.xlsm", "干部.txt", "干部"])
    contents = st.one_of(st.binary(min_size=1, max_size=3000), fuzzed_rows().map(csv_content),
                         fuzzed_rows().map(xlsx_content))
    seen: set[str] = set()

    @hypothesis.given(content=contents, name=names)
    @hypothesis.settings(FUZZ, max_examples=15)
    def upload(content: bytes, name: str) -> None:
        cadres, audit = written()
        answer = client.post(add, {"resource": "test_cadres", "file": SimpleUploadedFile(name, content)})
        assert answer.status_code in (200, 302)
        if answer.status_code == 200:  # refused at once: the form shows why
            assert "errorlist" in answer.content.decode()
            seen.add("refused at upload")
            return
        job = ImportJob.objects.latest("pk")
        status = services.job_validate(job_id=job.pk)
        assert status in (JobStatus.AWAITING, JobStatus.FAILED)
        for url in (reverse("admin:imports_importjob_change", args=[job.pk]),
                    reverse("admin:imports_importjob_progress", args=[job.pk])):
            assert client.get(url).status_code == 200
        job.refresh_from_db()
        assert job.message
        if job.can_confirm:
            assert client.post(reverse("admin:imports_importjob_confirm", args=[job.pk])).status_code == 302
            assert services.job_commit(job_id=job.pk) == JobStatus.DONE
            seen.add("imported")
        else:
            assert written() == (cadres, audit)
            seen.add(status)

    upload()
    assert len(seen) >= 2, seen


@pytest.mark.django_db
def test_a_blank_birth_month_is_a_row_error(tmp_path: Path, county_a_clerk: Any) -> None:
    path = csv_file(tmp_path / "blank.csv", [HEAD, person(1, 出生年月="")])
    result = run_import(CadreSheet, county_a_clerk, open_sheet(str(path), path.name, CadreSheet), commit=True)
    assert not result.committed and [e.column for e in result.errors] == ["出生年月"]
    assert not Cadre.objects.exists()


def test_a_formula_without_its_result_is_found_in_a_sheet_written_with_prefixes_too(tmp_path: Path) -> None:
    prefixed = (b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
                b'<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c></x:row>'
                b'<x:row r="2"><x:c r="A2"><x:f>1+1</x:f></x:c></x:row>'
                b"</x:sheetData></x:worksheet>")
    base = xlsx(tmp_path / "base.xlsx", [["x"]])
    target = rewrite_zip(base, tmp_path / "prefixed.xlsx", replace={"xl/worksheets/sheet1.xml": prefixed})
    assert "A2 单元格是公式，但文件中没有它的计算结果" in refused(target)


@pytest.mark.django_db
def test_a_text_cell_holding_a_masked_number_is_refused_not_stored_with_its_stars(tmp_path: Path,
                                                                                 county_a_clerk: Any) -> None:
    from orgwork.common import secrets

    path = csv_file(tmp_path / "干部.csv", [HEAD, person(1, 现任职务="科员（联系人 139****5678）"),
                                            person(2, 现任职务="科员（身份证 620102********123X 另附）"),
                                            person(3, 现任职务="五*星科员"), person(4, 现任职务="科员 13912345678")])
    result = run_import(CadreSheet, county_a_clerk, open_sheet(str(path), path.name, CadreSheet), commit=True)
    assert not result.committed
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "现任职务", secrets.MASKED_IN_TEXT), (3, "现任职务", secrets.MASKED_IN_TEXT)]
    assert not Cadre.objects.exists()
