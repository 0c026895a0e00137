"""The remaining 选人用人监督 lists cost the same queries whatever the number of rows shown."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from cadres.selection.models import EvaluationKind, SelectionEvaluation, SelectionReport
from cadres.selection.services import evaluation_save, selection_report_save
from tests.samples.names import numbered

from .selection_samples import handle, promoted_cadre, queries_for_page_sizes, queries_of

pytestmark = pytest.mark.django_db


def over_line(unit, year: int) -> SelectionEvaluation:
    return SelectionEvaluation(unit=unit, year=year, kind=EvaluationKind.WORK, evaluated_on=datetime.date(year, 12, 1),
                               good=5, fairly_good=5, average=5, poor=10)


def test_the_report_list_costs_the_same_queries_for_five_rows_and_fifty(tree, province_officer, client_for) -> None:
    for year in range(2010, 2026):
        for unit in (tree["county_a"], tree["county_b"]):
            selection_report_save(report=SelectionReport(unit=unit, year=year, reported_on=datetime.date(2026, 1, 5),
                                                         text=f"{year}年度报告"), actor=province_officer)
    small, large = queries_for_page_sizes(client_for(province_officer),
                                          reverse("admin:selection_selectionreport_changelist"),
                                          admin.site._registry[SelectionReport])
    assert small == large and large <= 12


def test_the_over_line_and_open_look_back_lists_cost_the_same_queries_for_three_rows_and_twelve(
        tree, province_officer, client_for) -> None:
    client = client_for(province_officer)
    over = reverse("admin:worklist", args=["selection_evaluations_over_line"])
    open_look_backs = reverse("admin:worklist", args=["selection_look_backs_open"])

    def add(start: int, count: int) -> None:
        for i in range(start, start + count):
            evaluation_save(evaluation=over_line(tree["county_a" if i % 2 else "county_b"], 2000 + i),
                            actor=province_officer)
            handle(promoted_cadre(tree["county_a"], name=numbered("干部", i, 2)), datetime.date(2026, 1, 1))

    add(0, 3)
    client.get(over), client.get(open_look_backs)
    few = (queries_of(client, over), queries_of(client, open_look_backs))
    add(3, 9)
    assert (queries_of(client, over), queries_of(client, open_look_backs)) == few
