"""Files that cannot be imported are refused as a whole, with a message that says why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cadres.models import Cadre
from orgwork.imports.reader import FileError, decode_csv, open_sheet

from .conftest import HEAD, person
from .resources import CadreSheet
from .sheets import BILLION_LAUGHS, as_excel_saves, rewrite_zip, truncated, xlsx, zip_bomb


def refused(path: Path, name: str | None = None) -> str:
    with pytest.raises(FileError) as info:
        open_sheet(str(path), name or path.name, CadreSheet)
    return info.value.message


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return xlsx(tmp_path / "good.xlsx", [HEAD, person(1)])


def test_a_zip_bomb_is_refused_before_parsing(tmp_path: Path, good: Path, settings: Any) -> None:
    settings.IMPORT_MAX_UNCOMPRESSED_MB = 10
    assert "压缩炸弹" in refused(zip_bomb(good, tmp_path / "bomb.xlsx", megabytes=30))


def test_an_abnormal_compression_ratio_is_refused_even_under_the_size_limit(tmp_path: Path, good: Path) -> None:
    assert "压缩" in refused(zip_bomb(good, tmp_path / "bomb.xlsx", megabytes=20))


def test_too_many_parts_are_refused(tmp_path: Path, good: Path, settings: Any) -> None:
    settings.IMPORT_MAX_ZIP_ENTRIES = 20
    parts = {f"xl/media/p{i}.xml": b"<a/>" for i in range(30)}
    assert "部件" in refused(rewrite_zip(good, tmp_path / "many.xlsx", extra=parts))


def test_an_entity_bomb_is_refused(tmp_path: Path, good: Path) -> None:
    bomb = rewrite_zip(good, tmp_path / "laughs.xlsx", extra={"xl/sharedStrings2.xml": BILLION_LAUGHS},
                       replace={"docProps/app.xml": BILLION_LAUGHS})
    assert "DTD" in refused(bomb)


def test_a_renamed_binary_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "photo.xlsx"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    assert "改了扩展名" in refused(fake)
    fake_xls = tmp_path / "x.xls"
    fake_xls.write_bytes(b"MZ\x90\x00" + b"\0" * 100)
    assert "改了扩展名" in refused(fake_xls)


def test_a_workbook_renamed_to_csv_is_refused(tmp_path: Path, good: Path) -> None:
    renamed = tmp_path / "sheet.csv"
    renamed.write_bytes(good.read_bytes())
    assert "Excel 工作簿" in refused(renamed)


def test_macro_workbooks_are_refused(tmp_path: Path, good: Path) -> None:
    xlsm = tmp_path / "macro.xlsm"
    xlsm.write_bytes(good.read_bytes())
    assert "宏" in refused(xlsm)
    hidden = rewrite_zip(good, tmp_path / "hidden.xlsx", extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 64})
    assert "宏" in refused(hidden)


def test_a_truncated_workbook_is_refused(tmp_path: Path, good: Path) -> None:
    assert "损坏或不完整" in refused(truncated(good, tmp_path / "cut.xlsx"))


def test_an_oversize_upload_is_refused(tmp_path: Path, good: Path, settings: Any) -> None:
    settings.IMPORT_MAX_UPLOAD_MB = 0
    assert "超过上限" in refused(good)


def test_other_file_types_are_refused(tmp_path: Path) -> None:
    doc = tmp_path / "a.docx"
    doc.write_bytes(b"PK\x03\x04")
    assert ".xlsx" in refused(doc)


@pytest.mark.django_db
def test_refused_files_write_nothing(tmp_path: Path, good: Path, county_a_clerk: Any, settings: Any) -> None:
    settings.IMPORT_MAX_UNCOMPRESSED_MB = 10
    refused(zip_bomb(good, tmp_path / "bomb.xlsx", megabytes=30))
    assert not Cadre.objects.exists()


def test_csv_encodings_are_detected() -> None:
    text = "姓名,身份证号\r\n䶮,1\r\n"
    assert decode_csv(text.encode("utf-8")) == text
    assert decode_csv(text.encode("utf-8-sig")) == text
    assert decode_csv(text.encode("gb18030")) == text
    assert decode_csv("姓名,单位\r\n王,城关区\r\n".encode("gbk")) == "姓名,单位\r\n王,城关区\r\n"


def test_binary_content_in_a_csv_is_refused() -> None:
    with pytest.raises(FileError):
        decode_csv(b"a,b\x00\x01\x02")


def test_a_formula_without_its_saved_result_is_refused_with_the_cell_named(tmp_path: Path) -> None:
    """A workbook written by a program and never opened in Excel or WPS holds its formulas
    but not their results; the reader would see those cells as empty (a name reported
    missing, a number taken as 0)."""
    import zipfile

    path = xlsx(tmp_path / "formulas.xlsx", [HEAD, person(1, 姓名="=CONCATENATE(\"张\",\"三\")")])
    sheet_xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    assert b"<f>" in sheet_xml  # openpyxl writes the formula and no result
    message = refused(path)
    assert "A2 单元格是公式，但文件中没有它的计算结果" in message and "打开、保存后再上传" in message
    saved = rewrite_zip(path, tmp_path / "saved.xlsx", replace={
        "xl/worksheets/sheet1.xml": sheet_xml.replace(b"<v />", b"<v>\xe5\xbc\xa0\xe4\xb8\x89</v>").replace(
            b"<c r=\"A2\">", b"<c r=\"A2\" t=\"str\">"),
        "xl/workbook.xml": as_excel_saves(zipfile.ZipFile(path).read("xl/workbook.xml"))})
    rows = list(open_sheet(str(saved), saved.name, CadreSheet).rows())
    assert rows[0][1]["姓名"] == "张三"  # the result Excel saved is read


def test_a_csv_separated_by_semicolons_is_read_like_one_separated_by_commas(tmp_path: Path) -> None:
    path = tmp_path / "分号.csv"
    path.write_text(";".join(HEAD) + "\n" + ";".join(str(v) for v in person(1)) + "\n", encoding="utf-8")
    rows = list(open_sheet(str(path), path.name, CadreSheet).rows())
    assert len(rows) == 1 and rows[0][1]["姓名"] == person(1)[0]


def test_a_cell_merged_over_two_peoples_rows_is_refused_naming_the_range(tmp_path: Path) -> None:
    """学历 merged over two rows: the second person's would be read blank, without a word."""
    from openpyxl import load_workbook

    path = xlsx(tmp_path / "merged.xlsx", [HEAD, person(1), person(2)], title="干部信息")
    book = load_workbook(path)
    column = HEAD.index("姓名") + 2  # the column after 姓名, whichever it is
    book.active.merge_cells(start_row=4, start_column=column, end_row=5, end_column=column)
    book.save(path)
    message = refused(path)
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[column - 1]
    assert message.startswith(f"第一个工作表的 {letter}4:{letter}5 是合并单元格") and "请取消合并" in message


def test_a_title_merged_above_the_header_is_read_as_before(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "title.xlsx", [HEAD, person(1)], title="干部信息", merge_title=True)
    sheet = open_sheet(str(path), path.name, CadreSheet)
    assert sheet.header_row == 3
