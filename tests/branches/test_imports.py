"""Sheets of 党组织, 书记 and 三会一课 through the import engine: per-cell messages,
scope, derived fields and the back-entry window."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from branches.models import Education, Meeting, MeetingKind, MeetingYear, OrgKind, PartyOrganisation, Secretary
from branches.resources import MeetingResource, PartyOrganisationResource, SecretaryResource
from orgwork.imports import registry
from orgwork.imports.engine import run_import
from orgwork.imports.reader import open_sheet


def sheet_of(tmp_path: Path, resource: Any, rows: list[list[Any]]) -> Any:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / "sheet.xlsx"
    book.save(path)
    return open_sheet(str(path), path.name, resource)


def errors_of(result: Any) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in result.errors]


def test_the_three_sheets_are_registered() -> None:
    resources = registry.all_resources()
    assert resources["party_orgs"] is PartyOrganisationResource
    assert resources["secretaries"] is SecretaryResource
    assert resources["meetings"] is MeetingResource


def test_organisations_import_with_paths_and_cell_messages(tmp_path: Path, orgs: Any, county_a_clerk: Any) -> None:
    header = ["组织代码", "组织名称", "组织类别", "上级党组织代码", "所在单位代码", "领域", "活动场所面积（㎡）"]
    sheet = sheet_of(tmp_path, PartyOrganisationResource, [
        header,
        ["A-CUN9", "城关镇九村党支部", "支部", "A-ZZ", "620102001", "农村", "130平方米"],
        ["A-BAD1", "坏行一", "党小组", "A-ZZ", "620102001", "农村", "一百三十"],
        ["B-2", "七里河区第二党支部", "党支部", "", "620103", "农村", ""],
    ])
    result = run_import(PartyOrganisationResource, county_a_clerk, sheet, commit=False)
    messages = errors_of(result)
    assert any(row == 3 and column == "组织类别" and "「党小组」不是可选值" in m for row, column, m in messages)
    assert any(row == 3 and column == "活动场所面积（㎡）" for row, column, m in messages), messages
    assert any(row == 4 and column == "所在单位代码" and "不在您的管辖范围内" in m for row, column, m in messages)
    good = sheet_of(tmp_path, PartyOrganisationResource, [header, ["A-CUN9", "城关镇九村党支部", "支部", "A-ZZ", "620102001",
                                                                     "农村", "130平方米"]])
    assert run_import(PartyOrganisationResource, county_a_clerk, good, commit=True).ok
    created = PartyOrganisation.objects.get(code="A-CUN9")
    assert (created.kind, created.path, str(created.venue_area)) == (OrgKind.BRANCH, "A-DW/A-ZZ/A-CUN9/", "130.0")


def test_an_area_is_refused_as_the_form_refuses_it_never_rounded_nor_left_to_fail_at_the_commit(
        tmp_path: Path, orgs: Any, county_a_clerk: Any) -> None:
    header = ["组织代码", "组织名称", "组织类别", "上级党组织代码", "所在单位代码", "领域", "活动场所面积（㎡）"]
    sheet = sheet_of(tmp_path, PartyOrganisationResource, [
        header,
        ["A-CUN7", "城关镇七村党支部", "支部", "A-ZZ", "620102001", "农村", 12.345],
        ["A-CUN8", "城关镇八村党支部", "支部", "A-ZZ", "620102001", "农村", "99999999"],
        ["A-CUN9", "城关镇九村党支部", "支部", "A-ZZ", "620102001", "农村", "-5"],
    ])
    result = run_import(PartyOrganisationResource, county_a_clerk, sheet, commit=True)
    assert not result.committed
    assert errors_of(result) == [
        (2, "活动场所面积（㎡）", "「12.345」最多保留 1 位小数。"),
        (3, "活动场所面积（㎡）", "整数部分不能超过 7 位。"),
        (4, "活动场所面积（㎡）", "不能小于 0。"),
    ]
    assert not PartyOrganisation.objects.filter(code__in=["A-CUN7", "A-CUN8", "A-CUN9"]).exists()


def test_an_organisation_sheet_cannot_break_the_nesting_rules(tmp_path: Path, orgs: Any, county_a_clerk: Any) -> None:
    sheet = sheet_of(tmp_path, PartyOrganisationResource, [
        ["组织代码", "组织名称", "组织类别", "上级党组织代码", "所在单位代码", "领域"],
        ["A-X", "支部下的支部", "党支部", "A-CUN", "620102001", "农村"],
    ])
    result = run_import(PartyOrganisationResource, county_a_clerk, sheet, commit=True)
    assert not result.ok and "党支部的上级只能是" in result.errors[0].message
    assert not PartyOrganisation.objects.filter(code="A-X").exists()


def test_secretaries_import_by_organisation_code(tmp_path: Path, orgs: Any, county_a_clerk: Any) -> None:
    sheet = sheet_of(tmp_path, SecretaryResource, [
        ["组织代码", "书记姓名", "是否专职", "是否双带头人", "出生年月", "学历"],
        ["A-SQ", "李娟", "是", "否", "1986.05", "本科"],
        ["B-1", "赵强", "是", "否", "1980.01", "大专"],
    ])
    result = run_import(SecretaryResource, county_a_clerk, sheet, commit=False)
    assert [(e.row, e.column) for e in result.errors] == [(3, "组织代码")]
    sheet = sheet_of(tmp_path, SecretaryResource, [
        ["组织代码", "书记姓名", "是否专职", "是否双带头人", "出生年月", "学历"],
        ["A-SQ", "李娟", "是", "否", "1986.05", "本科"],
    ])
    assert run_import(SecretaryResource, county_a_clerk, sheet, commit=True).ok
    secretary = Secretary.objects.get(organisation=orgs["community"])
    assert (secretary.name, secretary.is_full_time, secretary.birth_month, secretary.education) == (
        "李娟", True, datetime.date(1986, 5, 1), Education.BACHELOR)


def test_a_secretaries_sheet_holds_the_name_rule_and_writes_nothing(tmp_path: Path, orgs: Any, county_a_clerk: Any) -> None:
    """The name rule of members, cadres and talents (``orgwork.common.names``): a zero-width
    space or a digit in a secretary's name refuses the sheet, row by row, in Chinese."""
    sheet = sheet_of(tmp_path, SecretaryResource, [
        ["组织代码", "书记姓名", "是否专职", "是否双带头人", "出生年月", "学历"],
        ["A-SQ", "张\u200b书记", "是", "否", "1986.05", "本科"],
        ["A-CUN", "王书记3", "是", "否", "1980.01", "大专"],
    ])
    result = run_import(SecretaryResource, county_a_clerk, sheet, commit=True)
    assert not result.committed and [(e.row, e.column) for e in result.errors] == [(2, "书记姓名"), (3, "书记姓名")]
    assert "看不见的字符" in result.errors[0].message and "不能有「3」" in result.errors[1].message
    assert not Secretary.objects.exists()


def test_imported_meetings_reach_the_rates_and_old_ones_are_refused(tmp_path: Path, orgs: Any, county_a_clerk: Any) -> None:
    today = timezone.localdate()
    recent, old = today - datetime.timedelta(days=2), today - datetime.timedelta(days=60)
    header = ["组织代码", "会议类型", "召开日期", "主题", "应到人数", "实到人数"]
    sheet = sheet_of(tmp_path, MeetingResource, [
        header,
        ["A-SQ", "支委会", recent.isoformat(), "研究工作", 7, 7],
        ["A-SQ", "支部党员大会", old.isoformat(), "补录的党员大会", 30, 28],
        ["A-SQ", "主题党日", recent.isoformat(), "实到比应到多", 10, 11],
    ])
    result = run_import(MeetingResource, county_a_clerk, sheet, commit=False)
    messages = errors_of(result)
    assert any(row == 3 and "补录期限" in m for row, _, m in messages)
    assert any(row == 4 and "实到人数不能多于应到人数" in m for row, _, m in messages)
    good = sheet_of(tmp_path, MeetingResource, [header, ["A-SQ", "支委会", recent.isoformat(), "研究工作", 7, 7]])
    assert run_import(MeetingResource, county_a_clerk, good, commit=True).ok
    meeting = Meeting.objects.get()
    assert (meeting.kind, meeting.unit_id, meeting.month_no) == (
        MeetingKind.COMMITTEE_MEETING, orgs["community"].unit_id, recent.year * 12 + recent.month - 1)
    assert MeetingYear.objects.get(organisation=orgs["community"], year=recent.year).held(MeetingKind.COMMITTEE_MEETING, recent.month)


def test_county_b_cannot_import_meetings_for_county_a(tmp_path: Path, orgs: Any, county_b_clerk: Any) -> None:
    sheet = sheet_of(tmp_path, MeetingResource, [
        ["组织代码", "会议类型", "召开日期", "主题", "应到人数", "实到人数"],
        ["A-SQ", "支委会", timezone.localdate().isoformat(), "越权", 7, 7],
    ])
    result = run_import(MeetingResource, county_b_clerk, sheet, commit=True)
    assert not result.ok and "不存在或不在您的管辖范围内" in result.errors[0].message
    assert not Meeting.objects.exists()


def test_moving_an_organisation_by_sheet_moves_its_descendants_too(tmp_path: Path, orgs: Any, tree: Any,
                                                                   county_a_clerk: Any) -> None:
    from branches.services import party_org_save

    other = party_org_save(organisation=PartyOrganisation(code="A-DW2", name="城关区直机关工委", unit=tree["county_a"],
                                                          kind=OrgKind.COMMITTEE, domain="organ"), actor=county_a_clerk)
    sheet = sheet_of(tmp_path, PartyOrganisationResource, [
        ["组织代码", "组织名称", "组织类别", "上级党组织代码", "所在单位代码", "领域"],
        ["A-ZZ", "城关镇党总支", "党总支", "A-DW2", "620102001", "农村"],
    ])
    result = run_import(PartyOrganisationResource, county_a_clerk, sheet, commit=True)
    assert (result.ok, result.updated) == (True, 1), errors_of(result)
    paths = dict(PartyOrganisation.objects.filter(code__in=["A-ZZ", "A-CUN"]).values_list("code", "path"))
    assert paths == {"A-ZZ": f"{other.path}A-ZZ/", "A-CUN": f"{other.path}A-ZZ/A-CUN/"}


def test_an_organisations_sheet_with_the_old_member_count_column_imports_and_names_it_as_not_imported(
        tmp_path: Path, orgs: Any, county_a_clerk: Any) -> None:
    """党员人数 is counted from the roster: a sheet of the old template still imports, and
    its 说明 says the column was not."""
    header = ["组织代码", "组织名称", "组织类别", "上级党组织代码", "所在单位代码", "领域", "党员人数"]
    sheet = sheet_of(tmp_path, PartyOrganisationResource,
                     [header, ["A-CUN8", "城关镇八村党支部", "党支部", "A-ZZ", "620102001", "农村", 31]])
    result = run_import(PartyOrganisationResource, county_a_clerk, sheet, commit=True)
    assert result.committed and result.ignored_headers == ["党员人数"], errors_of(result)
    assert PartyOrganisation.objects.filter(code="A-CUN8").exists()


def test_an_organisations_sheet_with_its_own_code_in_small_letters_updates_the_organisation(
        tmp_path: Path, orgs: Any, county_a_clerk: Any) -> None:
    sheet = sheet_of(tmp_path, PartyOrganisationResource, [
        ["组织代码", "组织名称", "组织类别", "上级党组织代码", "所在单位代码", "领域"],
        ["a-cun", "城关镇红星村党支部（更名）", "党支部", "a-zz", "620102001", "农村"],
    ])
    result = run_import(PartyOrganisationResource, county_a_clerk, sheet, commit=True)
    assert (result.committed, result.new, result.updated) == (True, 0, 1), errors_of(result)
    village = PartyOrganisation.objects.get(pk=orgs["village"].pk)
    assert (village.code, village.name, village.path) == ("A-CUN", "城关镇红星村党支部（更名）", "A-DW/A-ZZ/A-CUN/")
    assert PartyOrganisation.objects.filter(code__iexact="a-cun").count() == 1


def test_an_organisation_code_differing_only_by_case_is_refused_on_the_service_and_in_the_database(
        orgs: Any, tree: Any, county_a_clerk: Any) -> None:
    import pytest
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    from branches.services import party_org_save

    with pytest.raises(ValidationError) as error:
        party_org_save(organisation=PartyOrganisation(code="a-cun", name="同码异写", unit=tree["township_a"],
                                                      parent=orgs["general"], domain="rural"), actor=county_a_clerk)
    assert "组织代码已存在（不区分大小写），不能重复。" in error.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        PartyOrganisation.objects.create(code="a-cun", name="绕过服务", unit=tree["township_a"], domain="rural", path="x/")


def template_notes(resource: Any) -> dict[str, str]:
    """The 填写说明 sheet of a downloaded template: column → its example."""
    import io

    from openpyxl import load_workbook

    from orgwork.imports.exporting import template_xlsx

    notes = load_workbook(io.BytesIO(template_xlsx(resource)))["填写说明"]
    rows = list(notes.iter_rows(min_row=2, values_only=True))
    headers = [f.column_name for f in resource().get_import_fields() if f.column_name and not f.readonly]
    return {row[0]: row[1] or "" for row in rows if row and row[0] in headers}


def test_the_templates_give_organisation_codes_as_the_system_writes_them_and_an_example_for_every_column() -> None:
    import re

    for resource in (PartyOrganisationResource, SecretaryResource, MeetingResource):
        notes = template_notes(resource)
        assert re.fullmatch(r"PB\d{9}-\d{3}", notes["组织代码"]), resource.verbose_name
        blank = [header for header, example in notes.items() if not example and header != "补录原因"]
        assert not blank, (resource.verbose_name, blank)
    assert re.fullmatch(r"PC\d{9}", template_notes(PartyOrganisationResource)["上级党组织代码"])


def test_the_secretary_templates_example_row_imports(tmp_path: Path, tree: Any, county_a_clerk: Any) -> None:
    from branches.resources import EXAMPLE_BRANCH

    from .conftest import make_org

    make_org(EXAMPLE_BRANCH, "城关镇东岗村党支部", tree["township_a"], domain="rural")
    example = SecretaryResource.example_row
    sheet = sheet_of(tmp_path, SecretaryResource, [list(example), list(example.values())])
    assert run_import(SecretaryResource, county_a_clerk, sheet, commit=True).ok
    secretary = Secretary.objects.get(organisation__code=EXAMPLE_BRANCH)
    assert (secretary.name, secretary.birth_month, secretary.education) == (
        "张建华", datetime.date(1975, 10, 1), Education.BACHELOR)
