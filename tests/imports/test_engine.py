"""The engine: every bad cell is a named row error, nothing is written unless every row
is valid, re-importing changes nothing, and the scope holds."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from cadres.models import Cadre
from orgwork.audit.models import AuditAction, AuditLog, AuditSource
from orgwork.imports.engine import ImportEngine
from orgwork.imports.reader import FileError, open_sheet
from orgwork.imports.widgets import UnitWidget
from orgwork.units.models import Unit, UnitLevel, UnitType
from orgwork.units.resources import UnitResource
from tests.conftest import make_unit

from .conftest import HEAD, grant, person
from .resources import CadreSheet
from .sheets import csv_file, id_for, xls_rows, xlsx

pytestmark = pytest.mark.django_db


def errors_of(result: Any) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in result.errors]


def test_a_valid_sheet_is_imported_with_audit_rows_in_bulk(tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    path = xlsx(tmp_path / "a.xlsx", [HEAD] + [person(i) for i in range(5)])
    result = run_sheet(path, county_a_clerk, commit=True)
    assert (result.rows, result.new, result.error_count, result.committed) == (5, 5, 0, True)
    assert Cadre.objects.filter(unit__code="620102").count() == 5
    entries = AuditLog.objects.filter(action=AuditAction.CREATE, content_type__model="cadre")
    assert entries.count() == 5
    entry = entries.get(object_id=str(Cadre.objects.get(name="张三").pk))
    assert entry.source == AuditSource.IMPORT and entry.actor == county_a_clerk
    assert entry.changes["name"] == [None, "张三"]
    assert entry.unit_path == "62/6201/620102/"


def test_a_dry_run_writes_nothing(tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    path = xlsx(tmp_path / "a.xlsx", [HEAD] + [person(i) for i in range(3)])
    result = run_sheet(path, county_a_clerk)
    assert (result.new, result.committed) == (3, False)
    assert not Cadre.objects.exists()


def test_reimporting_the_same_file_changes_nothing(tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    path = xlsx(tmp_path / "a.xlsx", [HEAD] + [person(i) for i in range(4)])
    run_sheet(path, county_a_clerk, commit=True)
    before = AuditLog.objects.count()
    versions = dict(Cadre.objects.values_list("id_number", "version"))
    second = run_sheet(path, county_a_clerk, commit=True)
    assert (second.rows, second.new, second.updated, second.unchanged) == (4, 0, 0, 4)
    assert AuditLog.objects.count() == before
    assert dict(Cadre.objects.values_list("id_number", "version")) == versions


def test_changed_rows_are_updated_with_old_and_new_values(tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    run_sheet(xlsx(tmp_path / "a.xlsx", [HEAD] + [person(i) for i in range(3)]), county_a_clerk, commit=True)
    changed = [HEAD, person(0), person(1, 现任职务="副科长"), person(2, 单位="620102001")]
    result = run_sheet(xlsx(tmp_path / "b.xlsx", changed), county_a_clerk, commit=True)
    assert (result.new, result.updated, result.unchanged) == (0, 2, 1)
    cadre = Cadre.objects.get(name="张一")
    assert cadre.current_post == "副科长" and cadre.version == 2
    update = AuditLog.objects.get(action=AuditAction.UPDATE, object_id=str(cadre.pk))
    assert update.changes == {"current_post": ["科员", "副科长"]}
    moved = Cadre.objects.get(name="张二")
    assert moved.unit.code == "620102001"
    assert AuditLog.objects.get(action=AuditAction.UPDATE, object_id=str(moved.pk)).changes["unit"] == [
        Unit.objects.get(code="620102").pk, moved.unit_id]


def test_one_bad_row_means_nothing_is_written(tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    rows = [HEAD] + [person(i) for i in range(6)] + [person(7, 出生年月="不详")]
    result = run_sheet(xlsx(tmp_path / "a.xlsx", rows), county_a_clerk, commit=True)
    assert not result.committed and result.error_rows == 1
    assert errors_of(result)[0][:2] == (8, "出生年月")
    assert not Cadre.objects.exists()
    assert not AuditLog.objects.filter(content_type__model="cadre").exists()


def test_a_bad_row_in_a_later_chunk_rolls_back_earlier_chunks(tmp_path: Path, county_a_clerk: Any) -> None:
    from orgwork.imports.engine import ImportEngine

    rows = [HEAD] + [person(i) for i in range(30)] + [person(40, 性别="未知")]
    path = xlsx(tmp_path / "a.xlsx", rows)
    sheet = open_sheet(str(path), path.name, CadreSheet)
    result = ImportEngine(CadreSheet, county_a_clerk, chunk_size=10).run(sheet, commit=True)
    assert not result.committed and errors_of(result)[0][:2] == (32, "性别")
    assert not Cadre.objects.exists()


def test_a_bad_value_repeated_in_later_chunks_is_reported_on_every_row(tmp_path: Path, county_a_clerk: Any) -> None:
    """A column's answers are cached across chunks; a cached refusal still names each row."""
    from orgwork.imports.engine import ImportEngine

    rows = [HEAD] + [person(i, 性别="未知") if i in (1, 4, 12, 25) else person(i) for i in range(30)]
    sheet = open_sheet(str(xlsx(tmp_path / "a.xlsx", rows)), "a.xlsx", CadreSheet)
    result = ImportEngine(CadreSheet, county_a_clerk, chunk_size=10).run(sheet, commit=False)
    assert [(row, column) for row, column, _ in errors_of(result)] == [(3, "性别"), (6, "性别"), (14, "性别"), (27, "性别")]
    assert result.error_rows == 4 and result.new == 26


@pytest.mark.parametrize("cell, fragment", [
    (620102197506010015.0, "设为“文本”"),
    ("6.20102E+17", "设为“文本”"),
    ("620102197506010016", "校验位不正确"),
    ("62010219750601001", "应为18位"),
    ("62010219750601\u0660018", "必须是数字"),  # an Arabic-Indic zero: a digit to Unicode, not to the standard
])
def test_a_broken_id_number_is_a_row_error_that_says_what_to_do(tmp_path: Path, county_a_clerk: Any,
                                                              run_sheet: Any, cell: Any, fragment: str) -> None:
    result = run_sheet(xlsx(tmp_path / "a.xlsx", [HEAD, person(1, 身份证号=cell)]), county_a_clerk)
    (row, column, message), = errors_of(result)
    assert (row, column) == (2, "身份证号") and fragment in message


def test_full_width_digits_lower_x_and_spaces_are_normalised(tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    born = datetime.date(1980, 1, 1)
    number = next(id_for(born, i) for i in range(200) if id_for(born, i).endswith("X"))
    typed = " ".join([number[:6], number[6:14]]) + number[14:17].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "x"
    row = person(1, 身份证号=typed, 出生年月="1980.01", 入党时间="2005.07")
    result = run_sheet(xlsx(tmp_path / "a.xlsx", [HEAD, row]), county_a_clerk, commit=True)
    assert result.ok, errors_of(result)
    assert Cadre.objects.get().id_number == number


@pytest.mark.parametrize("cell", ["1975.06", "1975.6", "1975年6月", "1975-06-01", "1975/6/1", "19750601", "197506",
                                  19750601, 197506, 1975.06, datetime.date(1975, 6, 1)])
def test_every_date_spelling_is_read(tmp_path: Path, county_a_clerk: Any, run_sheet: Any, cell: Any) -> None:
    born = datetime.date(1975, 6, 1)
    row = person(1, 出生年月=cell, 身份证号=id_for(born, 1), 入党时间="2000.07")
    result = run_sheet(xlsx(tmp_path / "a.xlsx", [HEAD, row]), county_a_clerk, commit=True)
    assert result.ok, errors_of(result)
    assert Cadre.objects.get().birth_month == born


SHEET_WRITERS = {"xlsx": xlsx, "xls": xls_rows, "csv": csv_file}


@pytest.mark.parametrize("kind", SHEET_WRITERS)
def test_a_number_in_a_date_column_is_refused_not_read_as_an_excel_serial(tmp_path: Path, county_a_clerk: Any,
                                                                          run_sheet: Any, kind: str) -> None:
    # As Excel serials, 20150 is 1955-03-01 and 27546 is 1975-06-01; a clerk typing either
    # into a cell without a date format sees the number, not a date.
    rows = [HEAD, person(1, 出生年月=20150), person(2, 入党时间=27546)]
    result = run_sheet(SHEET_WRITERS[kind](tmp_path / f"a.{kind}", rows), county_a_clerk, commit=True)
    assert errors_of(result) == [
        (2, "出生年月", "无法识别的日期「20150」，请写成 1975.06、1975年6月 或 1975-06-01。"),
        (3, "入党时间", "无法识别的日期「27546」，请写成 1975.06、1975年6月 或 1975-06-01。"),
    ]
    assert not Cadre.objects.exists()


@pytest.mark.parametrize("kind", SHEET_WRITERS)
def test_a_date_cell_and_its_digits_typed_as_a_number_or_as_text_read_alike(tmp_path: Path, county_a_clerk: Any,
                                                                            run_sheet: Any, kind: str) -> None:
    born = datetime.date(1975, 6, 1)
    rows = [HEAD, *(person(i, 出生年月=cell, 身份证号=id_for(born, i), 入党时间="2000.07")
                    for i, cell in enumerate([born, 19750601, "19750601", 197506, "197506"]))]
    result = run_sheet(SHEET_WRITERS[kind](tmp_path / f"a.{kind}", rows), county_a_clerk, commit=True)
    assert result.ok, errors_of(result)
    assert set(Cadre.objects.values_list("birth_month", flat=True)) == {born}
    assert Cadre.objects.count() == 5


def test_duplicates_within_the_file_name_the_first_row(tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    result = run_sheet(xlsx(tmp_path / "a.xlsx", [HEAD, person(1), person(2), person(1, 姓名="重复")]), county_a_clerk)
    (row, column, message), = errors_of(result)
    assert (row, column) == (4, "身份证号") and "第 2 行重复" in message


def test_a_unit_outside_the_scope_is_a_row_error(tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    result = run_sheet(xlsx(tmp_path / "a.xlsx", [HEAD, person(1, 单位="620103"), person(2, 单位="七里河区")]),
                       county_a_clerk)
    assert [(r, c) for r, c, _ in errors_of(result)] == [(2, "单位"), (3, "单位")]
    assert "不在您的管辖范围内" in errors_of(result)[0][2]


def test_a_unit_may_be_named_instead_of_coded(tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    result = run_sheet(xlsx(tmp_path / "a.xlsx", [HEAD, person(1, 单位="城关镇")]), county_a_clerk, commit=True)
    assert result.ok and Cadre.objects.get().unit.code == "620102001"


@pytest.fixture
def lettered_unit(tree: dict[str, Unit]) -> Unit:
    """A unit whose code has letters, written in capitals as codes are."""
    return make_unit("620102ZZB", "城关区委组织部", tree["county_a"], UnitLevel.COUNTY, UnitType.PARTY_DEPARTMENT)


def test_a_unit_code_is_found_whatever_its_case(tmp_path: Path, county_a_clerk: Any, run_sheet: Any,
                                               lettered_unit: Unit) -> None:
    rows = [HEAD, person(1, 单位=" 620102zzb "), person(2, 单位="620102Zzb"), person(3, 单位="城关镇")]
    result = run_sheet(xlsx(tmp_path / "a.xlsx", rows), county_a_clerk, commit=True)
    assert result.ok, errors_of(result)
    assert dict(Cadre.objects.values_list("name", "unit__code")) == {"张一": "620102ZZB", "张二": "620102ZZB",
                                                                   "张三": "620102001"}


def test_a_unit_code_in_another_case_is_found_with_or_without_a_prefetch(county_a_clerk: Any,
                                                                        lettered_unit: Unit) -> None:
    widget = UnitWidget()
    widget.bind_user(county_a_clerk)
    assert widget.clean("620102Zzb") == lettered_unit
    widget.bind_user(county_a_clerk)
    widget.prefetch(["620102Zzb"])
    assert widget.clean("620102Zzb") == lettered_unit


def test_a_unit_code_in_small_letters_outside_the_scope_is_not_found(tmp_path: Path, county_b_clerk: Any,
                                                                     run_sheet: Any, lettered_unit: Unit) -> None:
    result = run_sheet(xlsx(tmp_path / "a.xlsx", [HEAD, person(1, 单位="620102zzb")]), county_b_clerk)
    (row, column, message), = errors_of(result)
    assert (row, column) == (2, "单位") and "不在您的管辖范围内" in message


@pytest.mark.parametrize("chunk_size", [1, 1000])
def test_the_units_sheet_finds_a_parent_code_typed_in_small_letters_stored_or_above_in_the_sheet(
        tmp_path: Path, county_a_clerk: Any, lettered_unit: Unit, chunk_size: int) -> None:
    rows = [["单位代码", "单位名称", "上级单位代码", "单位类型", "行政层级"],
            ["620102ZZB01", "组织科", "620102zzb", "其他", "乡级"],
            ["620102ZZB0101", "组织科一股", "620102zzb01", "其他", "乡级"]]
    path = xlsx(tmp_path / "u.xlsx", rows)
    result = ImportEngine(UnitResource, county_a_clerk, chunk_size=chunk_size).run(
        open_sheet(str(path), path.name, UnitResource), commit=True)
    assert result.committed, errors_of(result)
    assert Unit.objects.get(code="620102ZZB01").parent == lettered_unit
    assert Unit.objects.get(code="620102ZZB0101").parent.code == "620102ZZB01"


def test_an_existing_record_outside_the_scope_is_a_row_error(tmp_path: Path, county_a_clerk: Any,
                                                           county_b_clerk: Any, run_sheet: Any) -> None:
    run_sheet(xlsx(tmp_path / "b.xlsx", [HEAD, person(1, 单位="620103")]), county_b_clerk, commit=True)
    result = run_sheet(xlsx(tmp_path / "a.xlsx", [HEAD, person(1), person(2)]), county_a_clerk, commit=True)
    (row, column, message), = errors_of(result)
    assert (row, column) == (2, "身份证号") and message == "该身份证号已被使用，请联系上级组织部门核实。"
    assert Cadre.objects.get().unit.code == "620103"


def test_model_rules_apply_to_each_row(tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    rows = [HEAD, person(1, 性别="女"), person(2, 入党时间="1960.01"), person(3, 姓名=None)]
    result = run_sheet(xlsx(tmp_path / "a.xlsx", rows), county_a_clerk)
    found = {(r, c) for r, c, _ in errors_of(result)}
    assert {(2, "性别"), (3, "入党时间"), (4, "姓名")} <= found


def test_gb18030_and_bom_csv_are_read(tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    rows = [HEAD, person(1, 姓名="䶮光"), person(2, 姓名="王小明")]
    gb = run_sheet(csv_file(tmp_path / "gb.csv", rows, "gb18030"), county_a_clerk)
    gbk = run_sheet(csv_file(tmp_path / "gbk.csv", [HEAD, person(2, 姓名="王小明")], "gbk"), county_a_clerk)
    bom = run_sheet(csv_file(tmp_path / "bom.csv", rows, "utf-8-sig"), county_a_clerk, commit=True)
    assert (gb.ok, gb.new, gbk.ok, bom.ok, bom.new) == (True, 2, True, True, 2)
    assert Cadre.objects.filter(name="䶮光").exists()


def test_a_title_row_and_a_two_level_header_are_skipped(tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    group = ["姓名", "性别", "基本情况", None, None, "单位", "现任职务"]
    lower = [None, None, "出生年月", "公民身份号码", "入党时间", None, None]
    path = xlsx(tmp_path / "a.xlsx", [group, lower, person(1), person(2)], title="2026年城关区干部花名册")
    result = run_sheet(path, county_a_clerk, commit=True)
    assert result.ok, errors_of(result)
    assert result.rows == 2 and Cadre.objects.count() == 2


def test_header_aliases_and_trailing_empty_rows(tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    head = ["姓 名", "性别", "出生年月", "公民身份号码", "入党时间", "工作单位", "现任职务", "备注"]
    rows = [head, person(1) + ["x"], person(2) + [None]] + [[None] * 8] * 30 + [["", " ", None]]
    result = run_sheet(xlsx(tmp_path / "a.xlsx", rows), county_a_clerk)
    assert (result.rows, result.new, result.error_count) == (2, 2, 0)


def test_a_sheet_without_the_key_column_is_a_file_error(tmp_path: Path, county_a_clerk: Any) -> None:
    path = xlsx(tmp_path / "a.xlsx", [["姓名", "性别"], ["张三", "男"]])
    with pytest.raises(FileError, match="身份证号"):
        open_sheet(str(path), path.name, CadreSheet)


def test_units_are_imported_below_a_unit_in_scope(tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    head = ["单位代码", "单位名称", "上级单位代码", "单位类型", "行政层级"]
    rows = [head, ["620102002", "东岗街道", "620102", "乡镇", "乡级"], ["620103009", "越界街道", "620103", "乡镇", "乡级"],
            ["620103", "七里河区改名", "620102", "党委", "县级"], ["620102001", "城关镇改名", "620102", "乡镇", "乡级"]]
    path = xlsx(tmp_path / "u.xlsx", rows)
    result = run_sheet(path, county_a_clerk, resource=UnitResource)
    # Row 4 would also put a county under a county: refused for that as well.
    assert [(r, c) for r, c, _ in errors_of(result)] == [(3, "上级单位代码"), (4, "单位代码"), (4, "上级单位代码")]
    fixed = xlsx(tmp_path / "u2.xlsx", [rows[0], rows[1], rows[4]])
    result = run_sheet(fixed, grant(county_a_clerk, "units.import_unit"), resource=UnitResource, commit=True)
    assert (result.new, result.updated) == (1, 1)
    assert Unit.objects.get(code="620102002").path == "62/6201/620102/620102002/"
    assert Unit.objects.get(code="620102001").name == "城关镇改名"


def test_a_sheet_without_a_column_new_records_need_is_a_file_error(tmp_path: Path) -> None:
    head = ["姓名", "性别", "身份证号", "单位"]
    path = xlsx(tmp_path / "a.xlsx", [head, ["张三", "男", id_for(datetime.date(1980, 1, 1), 1), "620102"]])
    with pytest.raises(FileError, match="出生年月"):
        open_sheet(str(path), path.name, CadreSheet)


def test_text_longer_than_the_field_is_a_row_error(tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    result = run_sheet(xlsx(tmp_path / "a.xlsx", [HEAD, person(1, 现任职务="长" * 201)]), county_a_clerk)
    (row, column, message), = errors_of(result)
    assert (row, column) == (2, "现任职务") and "200" in message


def test_a_constraint_broken_during_copy_is_djangos_integrity_error(tree: Any) -> None:
    """COPY goes through the driver's own cursor; its errors still arrive as Django's, so
    the engine's IntegrityError handler (a message, nothing written) is the one that runs."""
    from django.db import IntegrityError, connection, transaction

    from orgwork.imports.writer import copy_rows

    if connection.vendor != "postgresql":
        pytest.fail("COPY needs PostgreSQL (bin/test starts it)")
    table = Unit._meta.db_table
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_rows(table, ["code", "name", "unit_type", "level", "path", "parent_id"],
                  [["620102", "重复的单位", "other", "county", "x/", None]])



@pytest.mark.parametrize("bad_row", [1, 6])
def test_a_write_failing_in_the_background_rolls_everything_back(
        tmp_path: Path, county_a_clerk: Any, bad_row: int) -> None:
    """Chunks are written while the next one is checked. A write that fails there (here
    a constraint the row checks know nothing of, in the first or in a middle chunk) is
    raised in the engine's thread: the whole import is rolled back with a message."""
    from django.db import connection

    from orgwork.imports.engine import ImportEngine

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE cadres_cadre ADD CONSTRAINT test_no_forbidden_post CHECK (current_post <> '禁止')")
    rows = [HEAD] + [person(i, 现任职务="禁止" if i == bad_row else "科员") for i in range(8)]
    sheet = open_sheet(str(xlsx(tmp_path / "a.xlsx", rows)), "a.xlsx", CadreSheet)
    engine = ImportEngine(CadreSheet, county_a_clerk, chunk_size=2)
    with pytest.raises(FileError, match="违反了数据约束"):
        engine.run(sheet, commit=True)
    assert not Cadre.objects.exists()
    assert not AuditLog.objects.filter(content_type__model="cadre").exists()
    # The connection is usable again: the next import goes through.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE cadres_cadre DROP CONSTRAINT test_no_forbidden_post")
    sheet = open_sheet(str(xlsx(tmp_path / "b.xlsx", [HEAD, person(1)])), "b.xlsx", CadreSheet)
    assert ImportEngine(CadreSheet, county_a_clerk, chunk_size=2).run(sheet, commit=True).committed


def test_a_new_rows_changes_written_as_json_text_are_the_recorders(county_a_clerk: Any) -> None:
    """New rows' audit changes are written straight to JSON text on PostgreSQL; the text
    must be what encoding the recorder's dictionary gives, for every kind of value."""
    import json

    from orgwork.imports.engine import ImportEngine

    engine = ImportEngine(CadreSheet, county_a_clerk)
    cadre = Cadre(name='王"五\\\n\t\x01<b>', birth_month=datetime.date(1975, 6, 1), id_number="620102197506010011",
                  party_joined_on=None, current_post="", is_naked_official=True, photo=b"\x89PNG", version=3,
                  unit=Unit.objects.get(code="620102"))
    text = engine._new_changes_json(cadre)
    assert text == json.dumps(engine._changes(cadre, None), ensure_ascii=False)
    changes = json.loads(text)
    assert changes["name"] == [None, '王"五\\\n\t\x01<b>'] and changes["photo"] == [None, "***"]
    assert changes["birth_month"] == [None, "1975-06-01"] and changes["is_naked_official"] == [None, True]
    assert changes["unit"] == [None, cadre.unit_id]
    assert "party_joined_on" not in changes and "current_post" not in changes and "version" not in changes
    cadre.is_naked_official = False
    assert json.loads(engine._new_changes_json(cadre))["is_naked_official"] == [None, False]


def test_text_with_tabs_backslashes_and_line_breaks_is_stored_as_typed(
        tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    """Rows go to the database as binary COPY and audit rows as COPY text: characters
    that COPY's text format escapes arrive unchanged in the record and in its audit."""
    name, post = "王五", "科员\\二组\t兼\n联络员"  # a name holds no backslash (orgwork.common.names)
    first = run_sheet(xlsx(tmp_path / "a.xlsx", [HEAD, person(1, 姓名=name, 现任职务=post)]), county_a_clerk, commit=True)
    assert first.committed, errors_of(first)
    cadre = Cadre.objects.get()
    assert (cadre.name, cadre.current_post) == (name, post)
    created = AuditLog.objects.get(content_type__model="cadre", object_id=str(cadre.pk), action=AuditAction.CREATE)
    assert created.object_repr == name and created.changes["current_post"] == [None, post]
    second = run_sheet(xlsx(tmp_path / "b.xlsx", [HEAD, person(1, 姓名=name, 现任职务=post + "\t甲")]),
                       county_a_clerk, commit=True)
    assert (second.updated, second.committed) == (1, True)
    cadre.refresh_from_db()
    assert cadre.current_post == post + "\t甲"
    updated = AuditLog.objects.get(content_type__model="cadre", object_id=str(cadre.pk), action=AuditAction.UPDATE)
    assert updated.changes == {"current_post": [post, post + "\t甲"]}


def test_copy_text_writes_values_as_postgresql_reads_them() -> None:
    from orgwork.imports.writer import copy_text

    moment = datetime.datetime(2026, 11, 22, 8, 30, tzinfo=datetime.timezone.utc)
    assert [copy_text(v) for v in (None, True, False, 7, "", datetime.date(1975, 6, 1), moment)] == [
        "\\N", "t", "f", "7", "", "1975-06-01", "2026-11-22T08:30:00+00:00"]
    assert copy_text("a\\b\tc\nd\re") == "a\\\\b\\tc\\nd\\re"
    assert copy_text(AuditAction.CREATE) == "create"


def test_copy_rows_of_a_partly_loaded_record_load_the_rest(tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    from orgwork.imports.writer import BulkWriter

    run_sheet(xlsx(tmp_path / "a.xlsx", [HEAD, person(1)]), county_a_clerk, commit=True)
    fields = [Cadre._meta.get_field(name) for name in ("name", "current_post", "unit")]
    writer = BulkWriter(Cadre, [], ["id_number"])
    full, partial = Cadre.objects.get(), Cadre.objects.only("name").get()
    assert writer.rows(fields, [partial], False) == writer.rows(fields, [full], False) == [
        ("张一", "科员", Unit.objects.get(code="620102").pk)]


def test_the_collector_is_restored_after_imports_even_overlapping_ones() -> None:
    """The engine tunes the cyclic collector while it runs; overlapping runs (threads of
    one worker) leave it as it was once the last one ends."""
    import gc

    from orgwork.imports.engine import GC_THRESHOLD, _fewer_collections

    before = gc.get_threshold()
    with _fewer_collections():
        assert gc.get_threshold()[0] == GC_THRESHOLD and gc.get_freeze_count() > 0
        with _fewer_collections():
            assert gc.get_threshold()[0] == GC_THRESHOLD
        assert gc.get_threshold()[0] == GC_THRESHOLD  # the outer run is still going
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_foreign_keys_checked_during_the_copy_are_deferred_again_afterwards(
        tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    """The audit trail's keys and the model's keys to other tables are checked as rows
    are copied (not all at COMMIT); afterwards the transaction's keys wait for COMMIT
    again, as Django declares them."""
    from django.db import IntegrityError, connection, transaction

    result = run_sheet(xlsx(tmp_path / "a.xlsx", [HEAD, person(0), person(1)]), county_a_clerk, commit=True)
    assert result.committed
    cadre = Cadre.objects.get(name="张零")
    with connection.cursor() as cursor:
        # A dangling key is accepted for now: it would only fail at COMMIT.
        cursor.execute("UPDATE cadres_cadre SET unit_id = -1 WHERE id = %s", [cadre.pk])
        with pytest.raises(IntegrityError), transaction.atomic():
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("UPDATE cadres_cadre SET unit_id = %s WHERE id = %s", [cadre.unit_id, cadre.pk])


def test_several_messages_of_one_cell_read_as_one_sentence() -> None:
    from orgwork.imports.engine import joined

    assert joined(["不能大于 100。", "数字总共不能超过 5 位。"]) == "不能大于 100；数字总共不能超过 5 位。"
    assert joined([]) == ""


def test_a_unit_written_by_its_full_name_as_the_pages_show_it_is_found_with_or_without_a_prefetch(
        tmp_path: Path, county_a_clerk: Any, run_sheet: Any, tree: dict[str, Unit]) -> None:
    township = tree["township_a"]
    assert township.full_name != township.name
    result = run_sheet(xlsx(tmp_path / "a.xlsx", [HEAD, person(1, 单位=township.full_name)]), county_a_clerk, commit=True)
    assert result.ok, errors_of(result)
    assert Cadre.objects.get(name="张一").unit == township
    widget = UnitWidget()
    widget.bind_user(county_a_clerk)
    assert widget.clean(township.full_name) == township
