"""A 职级 raise on the profile leaves no 任职经历 row, so the cleared 凡提四必 case that paid
for it records the use (使用日期, 用于) and answers for no second step: through the
service, the cadre page and the cadres sheet (real xlsx workbooks through the import engine)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from cadres.models import Cadre, Grade, Rank
from cadres.services import cadre_save
from cadres.supervision.models import VettingCase
from orgwork.audit.models import AuditLog
from tests.test_versioning import form_data

from .test_sheet_post_changes import cadres_sheet, row_for
from .test_vetting_covers_one_step import SYSTEM, appoint, cleared, refusal, today, town_head, vetting_from_yesterday

__all__ = ["vetting_from_yesterday"]  # the fixture that makes 凡提四必 required from yesterday


def raise_grade(cadre: Cadre, grade: str) -> Cadre:
    cadre = Cadre.objects.get(pk=cadre.pk)
    cadre.grade = grade
    return cadre_save(cadre=cadre, actor=SYSTEM)


def test_a_case_spent_on_a_grade_raise_does_not_answer_for_a_second_raise(make_cadre) -> None:
    cadre = town_head(make_cadre)
    case = cleared(cadre, "城关镇党委书记", Rank.TOWNSHIP_CHIEF)
    raise_grade(cadre, Grade.RESEARCHER_4)
    case.refresh_from_db()
    assert (case.used_on, case.used_for) == (today(), "晋升职级为「四级调研员」")
    shown = refusal(lambda: raise_grade(cadre, Grade.RESEARCHER_3))
    assert f"已用于晋升职级为「四级调研员」（{today():%Y-%m-%d}）" in shown and "一次审查只用于一次提拔或一次晋升职级" in shown
    assert Cadre.objects.get(pk=cadre.pk).grade == Grade.RESEARCHER_4


def test_the_grade_raise_is_audited_on_the_case_once(make_cadre) -> None:
    cadre = town_head(make_cadre)
    case = cleared(cadre, "城关镇党委书记", Rank.TOWNSHIP_CHIEF)
    raise_grade(cadre, Grade.RESEARCHER_4)
    rows = AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(VettingCase), object_id=str(case.pk),
                                   message="凡提四必审查用于晋升职级为「四级调研员」")
    assert rows.count() == 1


def test_a_second_cleared_case_pays_for_the_second_raise(make_cadre) -> None:
    cadre = town_head(make_cadre)
    first = cleared(cadre, "城关镇党委书记", Rank.TOWNSHIP_CHIEF, days_ago=20)
    raise_grade(cadre, Grade.RESEARCHER_4)
    second = cleared(cadre, "城关镇党委书记", Rank.TOWNSHIP_CHIEF)
    assert raise_grade(cadre, Grade.RESEARCHER_3).grade == Grade.RESEARCHER_3
    assert VettingCase.objects.get(pk=first.pk).used_for == "晋升职级为「四级调研员」"
    assert VettingCase.objects.get(pk=second.pk).used_for == "晋升职级为「三级调研员」"


def test_a_grade_raise_before_vetting_was_required_spends_no_case(make_cadre, settings: Any) -> None:
    cadre = town_head(make_cadre)
    case = cleared(cadre, "城关镇党委书记", Rank.TOWNSHIP_CHIEF)
    settings.VETTING_REQUIRED_FROM = today() + datetime.timedelta(days=1)
    raise_grade(cadre, Grade.RESEARCHER_4)
    case.refresh_from_db()
    assert case.used_on is None and case.used_for == ""


def test_a_case_spent_on_a_promotion_is_still_named_for_the_post(make_cadre) -> None:
    cadre = town_head(make_cadre)
    case = cleared(cadre, "城关区副区长", Rank.COUNTY_DEPUTY)
    appoint(cadre, "城关区副区长", Rank.COUNTY_DEPUTY)
    shown = refusal(lambda: raise_grade(cadre, Grade.RESEARCHER_4))
    assert f"已用于提拔为「城关区副区长」（{today():%Y-%m-%d}任职）" in shown
    case.refresh_from_db()
    assert case.used_on is None


def test_the_cadre_page_refuses_a_second_grade_raise_on_one_case(make_cadre, county_a_clerk, client_for) -> None:
    cadre = town_head(make_cadre)
    case = cleared(cadre, "城关镇党委书记", Rank.TOWNSHIP_CHIEF)
    url = reverse("admin:cadres_cadre_change", args=[cadre.pk])
    client = client_for(county_a_clerk)
    data = form_data(client.get(url))
    data["grade"] = Grade.RESEARCHER_4
    assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.used_for == "晋升职级为「四级调研员」"
    data = form_data(client.get(url))
    data["grade"] = Grade.RESEARCHER_3
    response = client.post(url, data)
    assert response.status_code == 200 and "已用于晋升职级为「四级调研员」" in response.content.decode()
    assert Cadre.objects.get(pk=cadre.pk).grade == Grade.RESEARCHER_4


def test_a_cadres_sheet_spends_the_case_and_refuses_a_second_raise(make_cadre, county_a_clerk, tmp_path) -> None:
    cadre = town_head(make_cadre)
    case = cleared(cadre, "城关镇党委书记", Rank.TOWNSHIP_CHIEF)
    first = cadres_sheet(county_a_clerk, [row_for(cadre, "城关镇镇长", "乡科级正职", "四级调研员", "市管")], tmp_path)
    assert first.committed, first.errors
    case.refresh_from_db()
    assert (case.used_on, case.used_for) == (today(), "晋升职级为「四级调研员」")
    second = cadres_sheet(county_a_clerk, [row_for(cadre, "城关镇镇长", "乡科级正职", "三级调研员", "市管")], tmp_path)
    assert not second.committed
    assert "已用于晋升职级为「四级调研员」" in " ".join(str(e) for e in second.errors)
    assert Cadre.objects.get(pk=cadre.pk).grade == Grade.RESEARCHER_4


def test_a_cadres_sheet_refuses_a_raise_on_a_case_the_cadre_page_spent(make_cadre, county_a_clerk, tmp_path) -> None:
    cadre = town_head(make_cadre)
    cleared(cadre, "城关镇党委书记", Rank.TOWNSHIP_CHIEF)
    raise_grade(cadre, Grade.RESEARCHER_4)
    result = cadres_sheet(county_a_clerk, [row_for(cadre, "城关镇镇长", "乡科级正职", "三级调研员", "市管")], tmp_path)
    assert not result.committed
    assert "已用于晋升职级为「四级调研员」" in " ".join(str(e) for e in result.errors)


def test_a_cadres_sheet_that_is_only_checked_spends_no_case(make_cadre, county_a_clerk, tmp_path) -> None:
    from cadres.resources import CadreResource
    from orgwork.imports.engine import run_import
    from orgwork.imports.reader import open_sheet
    from tests.imports.sheets import xlsx

    from .test_sheet_post_changes import HEAD

    cadre = town_head(make_cadre)
    case = cleared(cadre, "城关镇党委书记", Rank.TOWNSHIP_CHIEF)
    path = xlsx(tmp_path / "干部.xlsx", [HEAD, row_for(cadre, "城关镇镇长", "乡科级正职", "四级调研员", "市管")],
                text_columns=[3])
    checked = run_import(CadreResource, county_a_clerk, open_sheet(str(path), path.name, CadreResource), commit=False)
    assert checked.ok and not checked.committed
    case.refresh_from_db()
    assert case.used_on is None


def test_the_vetting_page_shows_what_the_case_was_used_for(make_cadre, county_a_clerk, client_for) -> None:
    cadre = town_head(make_cadre)
    case = cleared(cadre, "城关镇党委书记", Rank.TOWNSHIP_CHIEF)
    raise_grade(cadre, Grade.RESEARCHER_4)
    page = client_for(county_a_clerk).get(reverse("admin:supervision_vettingcase_change", args=[case.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "晋升职级为「四级调研员」" in text and "使用日期" in text
