"""The dashboard draws its cards and charts as one: a figure several of them read (a
jurisdiction's 后备干部 totals, the year's 驻村 调整撤换) is worked out once per drawing,
per user; the same selector called from a 台账, an export or a command computes each time."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orgwork.dashboard import one_drawing, shared


def test_a_shared_figure_is_worked_out_once_per_drawing_user_and_arguments() -> None:
    calls = []

    @shared
    def figure(user: Any, year: int | None = None, *, on: str = "") -> tuple[Any, ...]:
        calls.append((user.pk, year, on))
        return (user.pk, year, on)

    clerk, officer = SimpleNamespace(pk=1), SimpleNamespace(pk=2)
    assert figure(clerk) == figure(clerk) == (1, None, "")
    assert len(calls) == 2  # outside a drawing each call computes
    with one_drawing():
        assert [figure(clerk), figure(clerk), figure(officer), figure(clerk, 2026), figure(clerk, on="x")] == [
            (1, None, ""), (1, None, ""), (2, None, ""), (1, 2026, ""), (1, None, "x")]
    assert calls[2:] == [(1, None, ""), (2, None, ""), (1, 2026, ""), (1, None, "x")]
    with one_drawing():  # the next drawing reads afresh
        figure(clerk)
    assert len(calls) == 7
    figure(clerk)
    assert len(calls) == 8


@pytest.mark.django_db
def test_the_dashboard_reads_the_reserve_totals_and_the_secondment_headline_once(
        personas: dict[str, Any], client_for: Any) -> None:
    client = client_for(personas["province_officer"])
    client.get(reverse("admin:index"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    shown = {figure.slug for figure, _, _ in response.context["figures"]}
    assert {"reserve_in_pool", "reserve_young", "secondment_replaced", "secondment_accountable"} <= shown, shown
    charts = {panel.slug for panel, _ in response.context["panels"]}
    assert {"reserve_generations", "reserve_use_rate"} <= charts, charts

    def read(pattern: str) -> int:
        return sum(1 for q in queries.captured_queries if re.search(pattern, q["sql"]))

    assert read(r'AS "young" FROM "reserve_reservemember" INNER JOIN "cadres_cadre" ON [^G]*$') == 1  # totals
    assert read(r'SELECT "reserve_reservemember"."level" AS "level"') == 1  # per level
    assert read(r'AS "replaced", COUNT\(') == 1  # the year's 调整撤换 and 问责处理


@pytest.mark.django_db
def test_the_party_panels_ask_once_whether_the_scope_holds_most_units(
        personas: dict[str, Any], client_for: Any) -> None:
    """The 三会一课 panels each read the meetings' yearly roll-up; whether to narrow it to
    the scope's units is decided by two counts of units, asked once for the drawing."""
    client = client_for(personas["province_officer"])
    client.get(reverse("admin:index"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    charts = {panel.slug for panel, _ in response.context["panels"]}
    rollup = [q["sql"] for q in queries.captured_queries if "FROM branches_meetingyear" in q["sql"]]
    assert len(rollup) >= 2, charts  # two panels or more read the roll-up
    all_units = [q["sql"] for q in queries.captured_queries
                 if re.fullmatch(r'SELECT COUNT\(\*\) AS "__count" FROM "units_unit"', q["sql"])]
    assert len(all_units) == 1


def test_a_count_chart_with_nothing_to_count_says_so_and_a_rate_of_nought_is_drawn() -> None:
    from orgwork.dashboard import PanelData, Series

    nothing = PanelData(labels=["中小学"], series=[Series("整顿中", [0]), Series("逾期未销号", [0])], unit="个")
    assert nothing.is_empty and PanelData(labels=[], series=[]).is_empty
    assert not PanelData(labels=["中小学"], series=[Series("整顿中", [0]), Series("逾期未销号", [1])], unit="个").is_empty
    assert not PanelData(labels=["2026年11月"], series=[Series("开展率", [0])], unit="%", kind="line").is_empty


@pytest.mark.django_db
def test_the_dashboard_shows_an_empty_panels_sentence_instead_of_an_empty_chart(
        personas: dict[str, Any], client_for: Any) -> None:
    """A 软弱涣散 case struck off leaves its domain with two zeros: the panel says there is
    none in the jurisdiction instead of drawing an axis from 0 to 1 without a bar."""
    response = client_for(personas["province_officer"]).get(reverse("admin:index"))
    assert response.status_code == 200
    page = response.content.decode()
    for panel, data in response.context["panels"]:
        section = page.split(f'id="panel-{panel.slug}"', 1)[1].split("</section>", 1)[0]
        if data is None:  # drawn by its own request after the page (Panel.deferred)
            assert panel.deferred and "正在统计……" in section and "<svg" not in section, panel.slug
            continue
        if data.is_empty:
            assert f'<p class="dash-empty">{data.empty}</p>' in section and "<svg" not in section, panel.slug
        else:
            assert "<svg" in section and "dash-empty" not in section, panel.slug
    assert any(data is not None and data.is_empty for _, data in response.context["panels"])  # a fresh database has empty ones
    assert any(data is None for _, data in response.context["panels"])  # 党员队伍结构
