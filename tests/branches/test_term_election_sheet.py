"""换届选举 through the import engine: the sheet holds each rule the form holds, in the
form's words, all or nothing, within the importer's jurisdiction; its later rows are
checked against its earlier ones."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from branches.models import TermElection
from branches.resources import TermElectionResource
from orgwork.imports import registry
from orgwork.imports.engine import run_import
from orgwork.imports.exporting import template_xlsx

from .test_imports import errors_of, sheet_of
from .test_term_elections import elect, form_data

pytestmark = pytest.mark.django_db

HEADER = ["组织代码", "选举日期", "任期年限", "书记姓名", "委员人数", "上级批复文号", "批复日期", "是否提前换届",
          "提前换届批准文号", "提前换届原因", "备注"]


def row(code: str, day: str, **more: Any) -> list[Any]:
    values = {"任期年限": "", "书记姓名": "李明", "委员人数": 5, "上级批复文号": "", "批复日期": "", "是否提前换届": "否",
              "提前换届批准文号": "", "提前换届原因": "", "备注": "", **more}
    return [code, day, *(values[h] for h in HEADER[2:])]


def import_rows(tmp_path: Path, user: Any, *rows: list[Any], commit: bool = True) -> Any:
    return run_import(TermElectionResource, user, sheet_of(tmp_path, TermElectionResource, [HEADER, *rows]), commit=commit)


def form_message(client: Any, org: Any, field: str, **change: str) -> str:
    response = client.post(reverse("admin:branches_termelection_add"), form_data(org, **change))
    return response.context["adminform"].form.errors[field][0]


def test_the_term_elections_sheet_is_registered_with_its_template() -> None:
    assert registry.all_resources()["term_elections"] is TermElectionResource
    book = load_workbook(io.BytesIO(template_xlsx(TermElectionResource)))
    headers = [c.value for c in book.worksheets[0][1]]
    shown_only = {"组织名称", "届满日期", "延期至"}  # exported for reading, not read back
    assert [h for h in headers if h not in shown_only] == HEADER
    assert set(headers) - set(HEADER) == shown_only


def test_a_sheet_records_elections_with_the_kinds_term_and_checks_later_rows_against_earlier_ones(
        tmp_path: Path, orgs: Any, county_a_clerk: Any) -> None:
    result = import_rows(tmp_path, county_a_clerk,
                         row("A-CUN", "2020-04-01"),
                         row("a-cun", "2023-05-01", 上级批复文号="城关组字〔2023〕9号", 批复日期="2023-05-20"),
                         row("A-DW", "2022-06-30"))
    assert result.ok, errors_of(result)
    village = list(TermElection.objects.filter(organisation=orgs["village"]).order_by("elected_on"))
    assert [(e.elected_on, e.term_ends_on) for e in village] == [
        (datetime.date(2020, 4, 1), datetime.date(2023, 4, 1)), (datetime.date(2023, 5, 1), datetime.date(2026, 5, 1))]
    assert TermElection.objects.get(organisation=orgs["committee"]).term_ends_on == datetime.date(2027, 6, 30)


def test_a_sheets_later_row_held_early_against_an_earlier_row_is_refused(
        tmp_path: Path, orgs: Any, county_a_clerk: Any) -> None:
    result = import_rows(tmp_path, county_a_clerk, row("A-CUN", "2020-04-01"), row("A-CUN", "2022-04-01"))
    assert not result.committed
    assert [(r, c) for r, c, _ in errors_of(result)] == [(3, "是否提前换届")]
    assert not TermElection.objects.exists()


@pytest.mark.parametrize("cells, column, field, change", [
    ({"任期年限": 6}, "任期年限", "term_years", {"term_years": "6"}),
    ({"上级批复文号": "城关组字〔2024〕1号", "批复日期": "2024-01-01"}, "批复日期", "approved_on",
     {"approval_number": "城关组字〔2024〕1号", "approved_on": "2024-01-01"}),
    ({}, "是否提前换届", "early", {}),
    ({"是否提前换届": "是", "提前换届批准文号": "城关组字〔2024〕1号", "提前换届原因": "无"}, "提前换届原因", "early_reason",
     {"early": "on", "early_approval_number": "城关组字〔2024〕1号", "early_reason": "无"}),
    ({"是否提前换届": "是", "提前换届原因": "班子调整"}, "提前换届批准文号", "early_approval_number",
     {"early": "on", "early_reason": "班子调整"}),
])
def test_a_sheet_row_that_breaks_a_rule_is_refused_with_the_forms_message(
        tmp_path: Path, orgs: Any, county_a_clerk: Any, client_for: Any, cells: dict[str, Any], column: str,
        field: str, change: dict[str, str]) -> None:
    elect(orgs["village"], datetime.date(2021, 5, 10))  # its term ends 2024-05-10: 2024-02-01 is early
    result = import_rows(tmp_path, county_a_clerk, row("A-CUN", "2024-02-01", **cells), row("A-SQ", "2024-02-01"))
    assert not result.committed
    errors = errors_of(result)
    assert {r for r, _, _ in errors} == {2}, errors  # the row's other errors are told at once
    said = form_message(client_for(county_a_clerk), orgs["village"], field, elected_on="2024-02-01", **change)
    assert (2, column, said) in errors
    assert TermElection.objects.count() == 1  # all or nothing: the good row is not written either


def test_a_sheet_row_before_the_previous_election_is_refused_with_the_forms_message(
        tmp_path: Path, orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    elect(orgs["village"], datetime.date(2021, 5, 10))
    result = import_rows(tmp_path, county_a_clerk, row("A-CUN", "2020-01-10"))
    said = form_message(client_for(county_a_clerk), orgs["village"], "elected_on", elected_on="2020-01-10")
    assert errors_of(result) == [(2, "选举日期", said)]


def test_a_sheet_row_in_the_future_is_refused_with_the_forms_message(
        tmp_path: Path, orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    result = import_rows(tmp_path, county_a_clerk, row("A-CUN", "2099-01-01"))
    said = form_message(client_for(county_a_clerk), orgs["village"], "elected_on", elected_on="2099-01-01")
    assert errors_of(result) == [(2, "选举日期", said)]


def test_a_county_clerks_sheet_cannot_reach_another_countys_branch(tmp_path: Path, orgs: Any, county_a_clerk: Any) -> None:
    result = import_rows(tmp_path, county_a_clerk, row("B-1", "2024-02-01"))
    assert errors_of(result) == [(2, "组织代码", "党组织代码「B-1」不存在或不在您的管辖范围内。")]
    assert not TermElection.objects.exists()


def test_the_export_shows_the_term_end_and_the_extension_and_only_the_importers_records(
        orgs: Any, county_a_clerk: Any) -> None:
    elect(orgs["village"], datetime.date(2023, 3, 15))
    elect(orgs["county_b"], datetime.date(2023, 3, 15))
    resource = TermElectionResource(user=county_a_clerk)
    dataset = resource.export()
    assert dataset.headers[:6] == ["组织代码", "组织名称", "选举日期", "任期年限", "届满日期", "书记姓名"]
    assert [r[0] for r in dataset] == ["A-CUN"]


def test_an_exported_sheet_imports_back_unchanged(tmp_path: Path, orgs: Any, county_a_clerk: Any) -> None:
    elect(orgs["village"], datetime.date(2020, 4, 1))
    elect(orgs["village"], datetime.date(2023, 5, 1), approval_number="城关组字〔2023〕9号",
          approved_on=datetime.date(2023, 5, 20))
    dataset = TermElectionResource(user=county_a_clerk).export()
    rows = [list(dataset.headers), *[list(r) for r in dataset]]
    result = run_import(TermElectionResource, county_a_clerk, sheet_of(tmp_path, TermElectionResource, rows), commit=True)
    assert result.ok, errors_of(result)
    assert TermElection.objects.count() == 2
    assert set(TermElection.objects.values_list("approval_number", flat=True)) == {"", "城关组字〔2023〕9号"}
