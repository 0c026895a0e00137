"""挂职与驻村 台账 and dashboard: the lists, their export, their query cost, and the year's
headline figures equal to the lists they link to."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cadres.secondment.models import AssignmentKind, AssignmentStatus
from cadres.secondment.services import assignment_end
from orgwork import dashboard
from tests.samples.cadres import cadre_in

from .secondment_helpers import (  # noqa: F401  (fixtures)
    SYSTEM,
    cadre_a,
    cadre_a2,
    cadre_b,
    check,
    days_ago,
    same_year_days,
    second,
    station,
    today,
)

pytestmark = pytest.mark.django_db


def worklist(client: Any, slug: str, params: dict[str, Any] | None = None) -> Any:
    response = client.get(reverse("admin:worklist", args=[slug]), params or {})
    assert response.status_code == 200
    return response


def names(response: Any) -> list[str]:
    return [row["cells"][0] for row in response.context["table"]]


def test_the_active_list_shows_each_assignment_in_post_with_its_checks_and_exports(tree, cadre_a, cadre_a2,
                                                                                   county_a_clerk, client_for):
    a = station(cadre_a, township=tree["township_a"])
    check(a, same_year_days(1)[0], present=False)
    ended = second(cadre_a2, host=tree["township_a"])
    assignment_end(assignment=ended, status=AssignmentStatus.COMPLETED, left_on=days_ago(1), actor=SYSTEM)
    client = client_for(county_a_clerk)
    response = worklist(client, "secondment_active")
    assert names(response) == [cadre_a.name]
    assert response.context["table"][0]["cells"][-1] == 1  # 本年不在岗次数
    rows = list(load_workbook(io.BytesIO(client.get(reverse("admin:worklist", args=["secondment_active"]),
                                                    {"_export": "xlsx"}).content)).active.iter_rows(values_only=True))
    assert cadre_a.name in [r[0] for r in rows] and cadre_a.id_number not in str(rows)


def test_the_overdue_list_names_assignments_unchecked_for_a_quarter(tree, cadre_a, cadre_a2, county_a_clerk,
                                                                     client_for):
    unchecked = station(cadre_a, township=tree["township_a"], start=days_ago(200))
    checked = second(cadre_a2, host=tree["township_a"], start=days_ago(200))
    check(checked, days_ago(10), present=True)
    check(unchecked, days_ago(150), present=True)
    response = worklist(client_for(county_a_clerk), "secondment_checks_overdue",
                        {"kind": AssignmentKind.FIRST_SECRETARY})
    assert names(response) == [cadre_a.name]


def test_the_absence_list_and_the_county_clerk_sees_only_the_county(tree, cadre_a, cadre_b, county_a_clerk,
                                                                     province_officer, client_for):
    check(station(cadre_a, township=tree["township_a"]), days_ago(5), present=False)
    check(second(cadre_b, host=tree["county_b"]), days_ago(5), present=False)
    assert names(worklist(client_for(county_a_clerk), "secondment_absences")) == [cadre_a.name]
    assert sorted(names(worklist(client_for(province_officer), "secondment_absences"))) == sorted(
        [cadre_a.name, cadre_b.name])


def test_the_worklists_cost_the_same_queries_for_five_rows_as_for_fifty(tree, province_officer, client_for):
    client = client_for(province_officer)
    slugs = ["secondment_active", "secondment_checks_overdue", "secondment_absences"]

    def add(n: int) -> None:
        for _ in range(n):
            a = second(cadre_in(tree["county_a"], name="批量"), host=tree["county_b"], start=days_ago(300))
            check(a, days_ago(120), present=False)

    def cost() -> list[int]:
        counts = []
        for slug in slugs:
            with CaptureQueriesContext(connection) as captured:
                worklist(client, slug)
            counts.append(len(captured))
        return counts

    add(5)
    few = cost()
    add(45)
    assert cost() == few


def test_the_headline_figures_count_this_years_replacements_and_equal_the_lists_behind_them(
        tree, cadre_a, cadre_a2, province_officer, client_for):
    replaced = station(cadre_a, township=tree["township_a"], village="红山村")
    accountable = station(cadre_a2, township=tree["township_a"], village="青石村")
    day = same_year_days(1)[0]
    assignment_end(assignment=replaced, status=AssignmentStatus.ROTATED, left_on=day, reason="工作需要",
                   replacement_cadre=cadre_in(tree["county_a"], name="接替者"), actor=SYSTEM)
    assignment_end(assignment=accountable, status=AssignmentStatus.RECALLED, left_on=day, reason="大概先生",
                   held_accountable=True, actor=SYSTEM)
    figures = {f.slug: (value, link) for f, value, link in dashboard.figures_for(province_officer)}
    client = client_for(province_officer)
    assert figures["secondment_replaced"][0] == 2 and figures["secondment_accountable"][0] == 1
    for slug in ("secondment_replaced", "secondment_accountable"):
        value, link = figures[slug]
        assert client.get(link).context["cl"].result_count == value
    panel = dashboard.get("secondment_assignments").compute(province_officer)
    assert f"{today().year}年调整撤换驻村帮扶干部2名，问责处理1名" in panel.note
    assert panel.series[0].values[1] == 1  # the replacement 第一书记 in post
    assert client.get(reverse("admin:index")).status_code == 200
