"""The engine's own rules: a commit writes only what its validation showed, every error
of a row is reported in the sheet's order, a key must describe the record it finds, a
unit tree may arrive in one sheet, and values reach COPY as their fields prepare them."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from import_export.admin import ImportMixin
from openpyxl import load_workbook

from cadres.models import Cadre
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.imports import services
from orgwork.imports.engine import CHANGED_MESSAGE, DataChanged, ImportEngine, run_import
from orgwork.imports.exporting import error_workbook
from orgwork.imports.models import ImportJob, JobStatus
from orgwork.imports.reader import open_sheet
from orgwork.imports.resources import ScopedModelResource
from orgwork.units.models import Unit
from orgwork.units.resources import UnitResource
from tests.samples.names import numbered

from .conftest import HEAD, person
from .resources import CadreSheet
from .sheets import id_for, workbook_bytes, xlsx

pytestmark = pytest.mark.django_db
UNIT_HEAD = ["单位代码", "单位名称", "上级单位代码", "单位类型", "行政层级"]


def errors_of(result: Any) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in result.errors]


def upload(user: Any, rows: list[list[Any]]) -> ImportJob:
    return services.job_create(user=user, resource="test_cadres",
                               uploaded=SimpleUploadedFile("干部.xlsx", workbook_bytes(rows)))


def imported_entries() -> int:
    return AuditLog.objects.filter(content_type__model="cadre", action__in=[AuditAction.CREATE, AuditAction.UPDATE],
                                   source="import").count()


def hand_made(i: int, tree: dict[str, Unit], **fields: Any) -> Cadre:
    born = datetime.date(1970 + i % 30, i % 12 + 1, 1)
    values = {"name": numbered("张", i), "gender": "1", "birth_month": born, "id_number": id_for(born, i),
              "unit": tree["county_a"], "current_post": "科员"}
    values.update(fields)
    return Cadre.objects.create(**values)


# --- a commit writes what the validation showed, or nothing ----------------------------

def test_a_cadre_added_by_hand_between_preview_and_confirm_makes_the_confirm_refuse_and_write_nothing(
        media: Path, test_resource: Any, county_a_clerk: Any, tree: dict[str, Unit]) -> None:
    job = upload(county_a_clerk, [HEAD, person(1), person(2)])
    assert services.job_validate(job_id=job.pk) == JobStatus.AWAITING
    job.refresh_from_db()
    assert (job.new_count, job.updated_count) == (2, 0)
    hand_made(2, tree, current_post="手工录入")  # someone registers one of the two meanwhile
    services.job_confirm(job=job, user=county_a_clerk)
    assert services.job_commit(job_id=job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.message.startswith(CHANGED_MESSAGE)
    assert list(Cadre.objects.values_list("name", "current_post")) == [("张二", "手工录入")]
    assert imported_entries() == 0


def test_an_existing_cadre_changed_after_the_preview_makes_the_confirm_refuse(
        media: Path, test_resource: Any, county_a_clerk: Any, tree: dict[str, Unit]) -> None:
    stored = hand_made(1, tree)
    job = upload(county_a_clerk, [HEAD, person(1, 现任职务="副科长"), person(3)])
    services.job_validate(job_id=job.pk)
    job.refresh_from_db()
    assert (job.new_count, job.updated_count) == (1, 1)
    Cadre.objects.filter(pk=stored.pk).update(current_post="科长")  # changed by another path meanwhile
    services.job_confirm(job=job, user=county_a_clerk)
    assert services.job_commit(job_id=job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.message.startswith(CHANGED_MESSAGE) and "第 2–3 行" in job.message
    assert list(Cadre.objects.values_list("current_post", flat=True)) == ["科长"]


def test_a_cadre_removed_after_the_preview_makes_the_commit_refuse(
        tmp_path: Path, county_a_clerk: Any, tree: dict[str, Unit]) -> None:
    stored = hand_made(1, tree)
    path = xlsx(tmp_path / "a.xlsx", [HEAD, person(1, 现任职务="副科长")])
    preview = run_import(CadreSheet, county_a_clerk, open_sheet(str(path), path.name, CadreSheet), commit=False)
    assert preview.updated == 1
    stored.delete()
    with pytest.raises(DataChanged, match=CHANGED_MESSAGE):
        run_import(CadreSheet, county_a_clerk, open_sheet(str(path), path.name, CadreSheet), commit=True,
                   fingerprint=preview.fingerprint)
    assert not Cadre.objects.exists()


def test_a_commit_of_an_unchanged_database_matches_its_preview_across_chunks(
        tmp_path: Path, county_a_clerk: Any, tree: dict[str, Unit]) -> None:
    hand_made(3, tree)
    path = xlsx(tmp_path / "a.xlsx", [HEAD] + [person(i, 现任职务="科长") for i in range(12)])
    preview = ImportEngine(CadreSheet, county_a_clerk, chunk_size=5).run(open_sheet(str(path), path.name, CadreSheet))
    assert len(preview.fingerprint) > 2 and (preview.new, preview.updated) == (11, 1)
    done = ImportEngine(CadreSheet, county_a_clerk, chunk_size=5, fingerprint=preview.fingerprint).run(
        open_sheet(str(path), path.name, CadreSheet), commit=True)
    assert done.committed and (done.new, done.updated) == (11, 1)
    assert Cadre.objects.count() == 12


# --- every error of a row, in the sheet's order ----------------------------------------

def test_a_row_reports_every_bad_cell_at_once(tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    rows = [HEAD, person(1, 性别="?", 出生年月="不详", 单位="999999")]
    result = run_sheet(xlsx(tmp_path / "a.xlsx", rows), county_a_clerk)
    assert [column for _, column, _ in errors_of(result)] == ["性别", "出生年月", "单位"]
    assert result.error_rows == 1


def test_a_row_with_a_bad_cell_also_reports_the_rules_its_good_cells_break(
        tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    # The ID number says male and born 1971.02; the row says 女, and its unit does not exist.
    rows = [HEAD, person(1, 性别="女", 单位="999999"), person(2, 性别="女", 入党时间="1960.01", 现任职务="职" * 300)]
    result = run_sheet(xlsx(tmp_path / "a.xlsx", rows), county_a_clerk)
    found = errors_of(result)
    assert [(row, column) for row, column, _ in found] == [
        (2, "性别"), (2, "单位"), (3, "性别"), (3, "入党时间"), (3, "现任职务")]
    assert "入党时间不能早于出生年月" in found[3][2] and "最多" in found[4][2]
    assert result.error_rows == 2


def test_errors_are_listed_by_row_then_by_column_whatever_found_them(
        tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    rows = [HEAD, person(1), person(2, 现任职务="职" * 300), person(3, 单位="999999"), person(2, 性别="女"),
            person(5, 出生年月="不详", 入党时间="不详")]
    result = run_sheet(xlsx(tmp_path / "a.xlsx", rows), county_a_clerk)
    order = [(row, HEAD.index(column)) for row, column, _ in errors_of(result)]
    assert order == sorted(order) and [row for row, _ in order] == [3, 4, 5, 5, 6, 6]


def test_the_error_workbook_shows_a_rows_errors_in_column_order(
        media: Path, test_resource: Any, county_a_clerk: Any) -> None:
    job = upload(county_a_clerk, [HEAD, person(1, 单位="999999", 性别="?"), person(2)])
    services.job_validate(job_id=job.pk)
    job.refresh_from_db()
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "性别"), (2, "单位")]
    sheet = load_workbook(io.BytesIO(error_workbook(job))).active
    note = sheet.cell(row=2, column=len(HEAD) + 1).value
    assert note.index("性别") < note.index("单位")
    assert sheet.cell(row=2, column=HEAD.index("单位") + 1).comment is not None


# --- the key must describe the record it finds ------------------------------------------

def test_a_name_that_differs_from_the_registered_cadre_of_that_id_number_is_flagged(
        tmp_path: Path, county_a_clerk: Any, tree: dict[str, Unit], run_sheet: Any) -> None:
    hand_made(1, tree, name="张三")
    result = run_sheet(xlsx(tmp_path / "a.xlsx", [HEAD, person(1, 姓名="李四")]), county_a_clerk, commit=True)
    assert errors_of(result) == [(2, "姓名", "姓名与系统中该身份证号码的干部不一致（系统中为 张*）")]
    assert not result.committed and Cadre.objects.get().name == "张三"


def test_the_same_name_for_the_same_id_number_updates_the_cadre(
        tmp_path: Path, county_a_clerk: Any, tree: dict[str, Unit], run_sheet: Any) -> None:
    hand_made(1, tree, name="张一")
    result = run_sheet(xlsx(tmp_path / "a.xlsx", [HEAD, person(1, 现任职务="副科长")]), county_a_clerk, commit=True)
    assert result.committed and result.updated == 1
    assert Cadre.objects.get().current_post == "副科长"


def test_an_id_number_registered_in_another_county_does_not_reveal_the_name(
        tmp_path: Path, county_a_clerk: Any, tree: dict[str, Unit], run_sheet: Any) -> None:
    hand_made(1, tree, name="王五", unit=tree["county_b"])
    result = run_sheet(xlsx(tmp_path / "a.xlsx", [HEAD, person(1, 姓名="李四")]), county_a_clerk)
    assert result.error_rows == 1
    assert not any("王" in message or "不一致" in message for _, _, message in errors_of(result))


# --- a unit tree in one sheet -----------------------------------------------------------

def unit_rows() -> list[list[str]]:
    return [UNIT_HEAD,
            ["620102100", "新区工委", "620102", "党委", "乡级"],
            ["620102101", "新区第一街道", "620102100", "乡镇", "乡级"],
            ["620102102", "新区第二街道", "620102100", "乡镇", "乡级"],
            ["620102103", "新区第一社区", "620102101", "其他", "乡级"]]


def test_a_whole_unit_tree_in_one_sheet_is_imported_parents_first(
        tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    path = xlsx(tmp_path / "u.xlsx", unit_rows())
    preview = run_sheet(path, county_a_clerk, resource=UnitResource)
    assert (preview.new, preview.error_count) == (4, 0), errors_of(preview)
    assert not Unit.objects.filter(code__startswith="6201021").exists()
    result = run_sheet(path, county_a_clerk, resource=UnitResource, commit=True)
    assert result.committed and result.new == 4
    leaf = Unit.objects.get(code="620102103")
    assert leaf.parent.code == "620102101" and leaf.parent.parent.code == "620102100"
    assert leaf.path == "62/6201/620102/620102100/620102101/620102103/"


def test_a_unit_tree_spread_over_several_chunks_is_imported(tmp_path: Path, county_a_clerk: Any) -> None:
    path = xlsx(tmp_path / "u.xlsx", unit_rows())
    result = ImportEngine(UnitResource, county_a_clerk, chunk_size=1).run(
        open_sheet(str(path), path.name, UnitResource), commit=True)
    assert result.committed and result.new == 4, errors_of(result)
    assert Unit.objects.get(code="620102102").parent.code == "620102100"


def test_a_unit_listed_below_its_child_is_not_found_by_the_child(
        tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    rows = unit_rows()
    rows[1], rows[2] = rows[2], rows[1]  # the first street before its parent
    result = run_sheet(xlsx(tmp_path / "u.xlsx", rows), county_a_clerk, resource=UnitResource)
    assert [(row, column) for row, column, _ in errors_of(result)] == [(2, "上级单位代码"), (5, "上级单位代码")]
    assert "不存在" in result.errors[0].message and "本表第 2 行" in result.errors[1].message


def test_a_unit_under_a_parent_row_in_error_names_that_row(
        tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    rows = unit_rows()
    rows[1][3] = "不知道"  # the parent's type is wrong
    result = run_sheet(xlsx(tmp_path / "u.xlsx", rows), county_a_clerk, resource=UnitResource, commit=True)
    assert [(row, column) for row, column, _ in errors_of(result)][:3] == [
        (2, "单位类型"), (3, "上级单位代码"), (4, "上级单位代码")]
    assert "本表第 2 行" in result.errors[1].message
    assert not result.committed and not Unit.objects.filter(code__startswith="6201021").exists()


# --- values reach COPY as their fields prepare them ------------------------------------

class WrongTypeSheet(CadreSheet):
    slug = "test_cadres_wrong_type"

    def prepare_instance(self, instance: Any, original: Any) -> None:
        if instance.name == "张二":
            instance.party_joined_on = "不详"  # a hook that puts text in a date field


class TextDateSheet(CadreSheet):
    slug = "test_cadres_text_date"

    def prepare_instance(self, instance: Any, original: Any) -> None:
        instance.party_joined_on = "2001-07-01"  # convertible: the field prepares it


@pytest.mark.parametrize("commit", [False, True])
def test_a_wrongly_typed_value_is_a_row_message_naming_its_column(
        tmp_path: Path, county_a_clerk: Any, run_sheet: Any, commit: bool) -> None:
    path = xlsx(tmp_path / "a.xlsx", [HEAD, person(1), person(2), person(3)])
    result = run_sheet(path, county_a_clerk, resource=WrongTypeSheet, commit=commit)
    assert errors_of(result) == [(3, "入党时间", "「不详」不是有效的入党时间，无法写入。")]
    assert not result.committed and not Cadre.objects.exists()


def test_a_value_given_as_text_is_written_as_its_field_prepares_it(
        tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    result = run_sheet(xlsx(tmp_path / "a.xlsx", [HEAD, person(1)]), county_a_clerk, resource=TextDateSheet,
                       commit=True)
    assert result.committed, errors_of(result)
    assert Cadre.objects.get().party_joined_on == datetime.date(2001, 7, 1)


# --- the stock path -------------------------------------------------------------------

class HookedSheet(CadreSheet):
    slug = "test_cadres_hooked"

    def import_instance(self, *args: Any, **kwargs: Any) -> None:
        raise AssertionError("the stock import_instance ran")

    def before_save_instance(self, *args: Any, **kwargs: Any) -> None:
        raise AssertionError("the stock before_save_instance ran")

    def after_save_instance(self, *args: Any, **kwargs: Any) -> None:
        raise AssertionError("the stock after_save_instance ran")


def test_the_engine_never_runs_the_stock_import_hooks(tmp_path: Path, county_a_clerk: Any, run_sheet: Any) -> None:
    result = run_sheet(xlsx(tmp_path / "a.xlsx", [HEAD, person(1)]), county_a_clerk, resource=HookedSheet, commit=True)
    assert result.committed and Cadre.objects.count() == 1


def test_no_admin_page_offers_the_stock_import_and_the_base_resource_has_no_stock_hooks() -> None:
    assert not [type(m).__name__ for m in admin.site._registry.values() if isinstance(m, ImportMixin)]
    for hook in ("import_instance", "before_save_instance", "after_save_instance", "save_instance"):
        assert hook not in vars(ScopedModelResource)


def test_the_orm_path_inserts_a_parent_before_the_child_that_names_it(tree: dict[str, Unit]) -> None:
    from orgwork.imports.writer import BulkWriter
    from orgwork.units.models import UnitLevel, UnitType

    parent = Unit(code="620102200", name="新区工委", parent=tree["county_a"], level=UnitLevel.TOWNSHIP,
                  unit_type=UnitType.PARTY_COMMITTEE)
    parent.path = parent.computed_path()
    parent.pk = -1  # the stand-in key a validation gives a row that later rows name
    child = Unit(code="620102201", name="新区街道", level=UnitLevel.TOWNSHIP, unit_type=UnitType.TOWNSHIP)
    child.parent_id = -1
    child._state.fields_cache["parent"] = parent
    child.path = f"{parent.path}620102201/"
    BulkWriter(Unit, [], ["code"])._insert_orm([parent, child])
    stored = Unit.objects.get(code="620102201")
    assert stored.parent.code == "620102200" and stored.parent.pk > 0


def test_the_cadre_sheet_flags_a_name_that_differs_from_the_registered_cadre(
        tmp_path: Path, county_a_clerk: Any, tree: dict[str, Unit]) -> None:
    from cadres.resources import CadreResource

    stored = hand_made(1, tree, name="张三")
    values = {**CadreResource.example_row, "姓名": "李四", "身份证号": stored.id_number,
              "出生年月": f"{stored.birth_month:%Y.%m}", "性别": "男", "单位": "620102"}
    path = xlsx(tmp_path / "a.xlsx", [list(values), list(values.values())])
    result = run_import(CadreResource, county_a_clerk, open_sheet(str(path), path.name, CadreResource), commit=True)
    assert (2, "姓名", "姓名与系统中该身份证号码的干部不一致（系统中为 张*）") in errors_of(result)
    assert not result.committed and Cadre.objects.get().name == "张三"
