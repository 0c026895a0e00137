"""政治面貌 is said, never assumed: the cadres sheet carries the column (checked against the
code set like 民族); a sheet without it makes nobody a Party member — only a filled 入党时间
is certain enough to mean 中共党员 — and a cadre whose 政治面貌 is unknown is not counted
as 党外干部 either. The add form and the sheet follow the same rule (``Cadre.clean``)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from cadres.models import Cadre, Gender
from cadres.resources import CadreResource
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.imports.engine import ImportResult, run_import
from orgwork.imports.reader import open_sheet
from seeds.demo.cadres import make_id_number
from tests.imports.sheets import quoted_csv

pytestmark = pytest.mark.django_db
BORN = datetime.date(1981, 4, 1)
# The columns of a sheet made before 政治面貌 was in the template.
OLD_HEAD = ["姓名", "性别", "出生年月", "身份证号", "入党时间", "单位", "现任职务"]
HEAD = [*OLD_HEAD, "政治面貌"]
INLINES = {f"{prefix}-{key}": value for prefix in ("posts", "educations", "assessments", "rewards", "family")
           for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))}


def number(sequence: int) -> str:
    return make_id_number("620102", BORN, sequence)


def person(sequence: int, **over: str) -> dict[str, str]:
    return {"姓名": "郑国强", "性别": "男", "出生年月": f"{BORN:%Y.%m}", "身份证号": number(sequence), "入党时间": "",
            "单位": "620102", "现任职务": "城关区统计局副局长", "政治面貌": "", **over}


def run_sheet(tmp_path: Path, user: Any, head: list[str], rows: list[dict[str, str]]) -> ImportResult:
    path = quoted_csv(tmp_path / "干部.csv", [head, *([row[h] for h in head] for row in rows)])
    return run_import(CadreResource, user, open_sheet(str(path), path.name, CadreResource), commit=True)


def test_the_cadre_template_has_a_political_status_column_before_the_joining_month() -> None:
    headers = CadreResource().get_export_headers()
    assert headers.index("政治面貌") == headers.index("入党时间") - 1
    assert CadreResource.example_row["政治面貌"] == "中共党员"


def test_a_non_party_cadre_imported_by_sheet_is_found_by_the_non_party_filter(
        tmp_path, county_a_clerk, client_for) -> None:
    result = run_sheet(tmp_path, county_a_clerk, HEAD, [person(1, 政治面貌="无党派人士")])
    assert result.committed, result.errors
    cadre = Cadre.objects.get(id_number=number(1))
    assert (cadre.political_status, cadre.is_non_party) == ("无党派人士", True)
    response = client_for(county_a_clerk).get(reverse("admin:cadres_cadre_changelist"), {"nonparty": "1"})
    assert [c.pk for c in response.context["cl"].result_list] == [cadre.pk]


def test_a_political_status_outside_the_code_set_is_refused_like_other_code_columns(tmp_path, county_a_clerk) -> None:
    result = run_sheet(tmp_path, county_a_clerk, HEAD, [person(1, 政治面貌="积极分子"), person(3, 政治面貌="党员")])
    assert not result.ok and not Cadre.objects.exists()
    [(row, column, message)] = [(e.row, e.column, e.message) for e in result.errors]
    assert (row, column) == (2, "政治面貌") and "「积极分子」不在代码表中" in message


def test_an_alias_in_the_political_status_column_is_stored_as_the_code_sets_name(tmp_path, county_a_clerk) -> None:
    result = run_sheet(tmp_path, county_a_clerk, HEAD, [person(1, 政治面貌="党员", 入党时间="2005.07")])
    assert result.committed, result.errors
    assert Cadre.objects.get().political_status == "中共党员"


def test_a_sheet_without_the_column_makes_a_cadre_without_a_joining_month_no_party_member(
        tmp_path, county_a_clerk) -> None:
    result = run_sheet(tmp_path, county_a_clerk, OLD_HEAD, [person(1)])
    assert result.committed, result.errors
    cadre = Cadre.objects.get()
    assert (cadre.political_status, cadre.is_non_party) == ("", False)
    [note] = result.notes
    assert "1 名干部的政治面貌未填写" in note and "“政治面貌”列" in note
    created = AuditLog.objects.get(content_type__model="cadre", object_id=str(cadre.pk), action=AuditAction.CREATE)
    assert "political_status" not in created.changes


def test_a_sheet_without_the_column_takes_party_membership_from_a_filled_joining_month(
        tmp_path, county_a_clerk) -> None:
    result = run_sheet(tmp_path, county_a_clerk, OLD_HEAD, [person(1, 入党时间="2005.07")])
    assert result.committed, result.errors
    assert (Cadre.objects.get().political_status, result.notes) == ("中共党员", [])


def test_a_sheet_cannot_give_a_joining_month_to_a_cadre_outside_the_party(tmp_path, county_a_clerk) -> None:
    result = run_sheet(tmp_path, county_a_clerk, HEAD, [person(1, 政治面貌="群众", 入党时间="2005.07")])
    assert not result.ok and not Cadre.objects.exists()
    assert [(e.column, e.message) for e in result.errors] == [
        ("政治面貌", "填写了入党时间的干部，政治面貌应为中共党员或中共预备党员。")]


def test_a_sheet_without_the_column_leaves_a_stored_cadres_political_status_alone(
        tmp_path, county_a_clerk) -> None:
    assert run_sheet(tmp_path, county_a_clerk, HEAD, [person(1, 政治面貌="群众")]).committed
    # 现任职务 follows the 任职经历 (the sheet cannot retype it): the update is to 籍贯.
    result = run_sheet(tmp_path, county_a_clerk, [*OLD_HEAD, "籍贯"], [person(1, 籍贯="甘肃榆中")])
    assert result.committed, result.errors
    cadre = Cadre.objects.get()
    assert (cadre.native_place, cadre.political_status, cadre.is_non_party) == ("甘肃榆中", "群众", True)


def test_the_cadre_add_form_offers_no_political_status_until_one_is_chosen(county_a_clerk, client_for) -> None:
    response = client_for(county_a_clerk).get(reverse("admin:cadres_cadre_add"))
    form = response.context["adminform"].form
    assert form["political_status"].value() in ("", None)


def test_the_cadre_add_form_takes_party_membership_from_the_joining_month_as_the_sheet_does(
        tree, county_a_clerk, client_for) -> None:
    data = {"name": "郑国强", "gender": Gender.MALE, "birth_month": f"{BORN:%Y.%m}", "ethnicity": "汉族",
            "id_number": number(3), "unit": tree["county_a"].pk, "status": "retired", "political_status": "",
            "party_joined_on": "2005.07", **INLINES}
    response = client_for(county_a_clerk).post(reverse("admin:cadres_cadre_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Cadre.objects.get().political_status == "中共党员"
