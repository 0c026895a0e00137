"""个人有关事项抽查: one draw per unit and report year, never for a year to come, never more
people than reported; and a report is not dated before its own report year."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cadres.supervision.models import PersonalMattersReport, SpotCheck, SpotCheckDraw
from cadres.supervision.resources import PersonalMattersReportResource
from cadres.supervision.services import spot_check_draw
from orgwork.common import dates
from orgwork.common.contract import SystemActor
from tests.samples.cadres import cadre_in
from tests.samples.names import numbered
from tests.samples.supervision import report_for

ADD = "/admin/supervision/spotcheckdraw/add/"


@pytest.fixture
def reporting(tree: dict[str, Any]) -> list[Any]:
    cadres = [cadre_in(tree["county_a"], name=numbered("县干部", i, 2)) for i in range(5)]
    for cadre in cadres:
        report_for(cadre, year=2025)
    return cadres


def form(unit: Any, year: int, **extra: Any) -> dict[str, Any]:
    return {"unit": unit.pk, "year": year, "method": "ratio", "ratio": "20", "count": "",
            "checks-TOTAL_FORMS": "0", "checks-INITIAL_FORMS": "0", **extra}


def test_a_unit_is_drawn_only_once_for_a_report_year_on_the_form(tree, reporting, county_a_clerk, client_for) -> None:
    client = client_for(county_a_clerk)
    assert client.post(ADD, form(tree["county_a"], 2025)).status_code == 302
    response = client.post(ADD, form(tree["county_a"], 2025))
    assert response.status_code == 200
    assert "每个单位每个报告年度只能抽取一次" in response.content.decode()
    assert SpotCheckDraw.objects.count() == 1
    assert SpotCheck.objects.count() == 1


def test_a_second_draw_for_the_same_unit_and_year_is_refused_by_the_service(tree, reporting, county_a_clerk) -> None:
    spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=1),
                    actor=county_a_clerk)
    with pytest.raises(ValidationError, match="只能抽取一次"):
        spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=1),
                        actor=county_a_clerk)
    assert SpotCheck.objects.count() == 1


def test_the_database_holds_one_draw_per_unit_and_year(tree) -> None:
    SpotCheckDraw.objects.create(unit=tree["county_a"], year=2025, method="count", count=1, seed=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        SpotCheckDraw.objects.create(unit=tree["county_a"], year=2025, method="count", count=1, seed=2)


def test_a_draw_for_a_report_year_still_to_come_is_refused(tree, reporting, county_a_clerk, client_for) -> None:
    next_year = dates.today().year + 1
    response = client_for(county_a_clerk).post(ADD, form(tree["county_a"], next_year))
    assert f"报告年度不能晚于今年（{dates.today().year}年）。" in response.content.decode()
    with pytest.raises(ValidationError, match="报告年度不能晚于今年"):
        spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=next_year, method="ratio", ratio=20),
                        actor=county_a_clerk)
    assert not SpotCheckDraw.objects.exists() and not SpotCheck.objects.exists()


def test_a_count_larger_than_the_population_is_refused_naming_the_population(
    tree, reporting, county_a_clerk, client_for
) -> None:
    response = client_for(county_a_clerk).post(ADD, form(tree["county_a"], 2025, method="count", ratio="",
                                                         count="500"))
    page = response.content.decode()
    assert "抽取人数500人超过总体人数5人" in page and "抽取全部5人" in page
    with pytest.raises(ValidationError, match="超过总体人数5人"):
        spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=500),
                        actor=county_a_clerk)
    assert not SpotCheckDraw.objects.exists()
    draw = spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=5),
                           actor=county_a_clerk)
    assert draw.random_total == 5


def test_a_draw_by_the_system_names_the_system_as_drawer(tree, reporting) -> None:
    draw = spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=1),
                           actor=SystemActor("seed_demo"))
    assert draw.drawn_by is None
    assert draw.drawer_shown == "系统（演示数据）"


def test_a_report_dated_before_its_report_year_is_refused_on_the_form(cadre_a, county_a_clerk, client_for) -> None:
    response = client_for(county_a_clerk).post("/admin/supervision/personalmattersreport/add/", {
        "cadre": cadre_a.pk, "year": 2025, "submitted_on": "2024-03-01",
    })
    assert "不能早于2025年1月1日" in response.content.decode()
    assert not PersonalMattersReport.objects.exists()


def test_a_report_dated_before_its_report_year_is_refused_on_the_sheet(cadre_a, county_a_clerk) -> None:
    data = tablib.Dataset([cadre_a.id_number, "", "2025", "2024-03-01", "无变化"],
                          headers=["身份证号", "姓名", "报告年度", "报告日期", "婚姻及配偶子女情况"])
    result = PersonalMattersReportResource(user=county_a_clerk).import_data(data, dry_run=True)
    assert result.has_validation_errors()
    (row,) = result.invalid_rows
    assert "不能早于2025年1月1日" in str(row.error_dict)
    report = PersonalMattersReport(cadre=cadre_a, year=2025, submitted_on=datetime.date(2025, 1, 1))
    report.full_clean()  # the first day of the report year is fine


def test_the_migration_names_a_unit_drawn_twice_in_a_year_instead_of_failing_on_the_constraint(tree) -> None:
    """Draws made twice before the rule: the migration says which, in Chinese, and stops."""
    import importlib

    from django.apps import apps
    from django.db import connection

    from tests.samples.supervision import draw_sample

    migration = importlib.import_module("cadres.supervision.migrations.0005_draw_once_per_unit_year")
    constraint = next(c for c in SpotCheckDraw._meta.constraints if c.name == "draw_once_per_unit_year")
    migration.refuse_repeated_draws(apps, None)  # nothing repeated: nothing said
    with connection.schema_editor() as editor:  # the table as it was before the migration
        editor.remove_constraint(SpotCheckDraw, constraint)
    first = draw_sample(tree["county_a"])
    again = SpotCheckDraw.objects.get(pk=first.pk)
    again.pk, again.seed = None, 8
    SpotCheckDraw.objects.bulk_create([again])
    with pytest.raises(RuntimeError) as stopped:
        migration.refuse_repeated_draws(apps, None)
    assert str(stopped.value) == ("以下单位同一报告年度有多次个人有关事项抽查，须先确定保留哪一次再迁移："
                                  f"{tree['county_a'].name}2024年度（2次）")
