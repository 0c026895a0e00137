"""The dashboard a leader prints: key figures as cards, and charts that read right."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from orgwork import dashboard
from orgwork.worklists.templatetags.charts import MAX_SERIES, UPRIGHT_MAX, fold_series, svg_chart, ticks

from .test_dashboard_panels import count_behind, world  # noqa: F401  (fixture)

FIGURES = ["cadres_serving", "cadres_under_influence", "reserve_in_pool", "reserve_young", "reserve_off_quota",
           "secondment_replaced", "secondment_accountable",
           "rectification_overdue", "branches_missing_meetings", "branches_weak", "talent_on_roster"]


def figures(user: Any) -> dict[str, tuple[int, str | None]]:
    return {figure.slug: (value, link) for figure, value, link in dashboard.figures_for(user)}


def test_a_province_officer_sees_every_key_figure_in_order(world: Any, province_officer: Any) -> None:
    assert list(figures(province_officer)) == FIGURES


@pytest.mark.parametrize("persona", ["county_a_clerk", "city_officer", "province_officer"])
def test_every_key_figure_equals_the_count_of_the_list_it_links_to(world: Any, personas: dict[str, Any],
                                                                  client_for: Any, persona: str) -> None:
    user = personas[persona]
    client = client_for(user)
    for slug, (value, link) in figures(user).items():
        assert link, slug
        assert count_behind(client, link) == value, slug


def test_a_county_clerk_counts_only_the_county(world: Any, county_a_clerk: Any, province_officer: Any) -> None:
    county, province = figures(county_a_clerk), figures(province_officer)
    assert county["cadres_serving"][0] == 3 and province["cadres_serving"][0] == 5
    assert county["branches_weak"][0] == 2 and province["branches_weak"][0] == 3


def test_the_audit_administrator_sees_no_business_figure(world: Any, personas: dict[str, Any]) -> None:
    assert figures(personas["audit_admin"]) == {}


def test_the_cards_stand_above_the_charts_on_the_dashboard(world: Any, county_a_clerk: Any, client_for: Any) -> None:
    html = client_for(county_a_clerk).get(reverse("admin:index")).content.decode()
    assert html.index('id="figure-cadres_serving"') < html.index("干部年龄结构")
    assert "在册干部" in html and "逾期未整改事项" in html


def test_a_count_axis_has_whole_number_ticks_only() -> None:
    assert ticks(2, counts=True) == [0, 1, 2]
    assert ticks(7, counts=True) == [0, 2, 4, 6, 8]
    assert all(float(t).is_integer() for t in ticks(37, counts=True))
    assert ticks(37, counts=True)[-1] >= 37


def test_a_rate_axis_may_have_fractional_ticks_and_labels_them_as_they_are() -> None:
    assert ticks(0.8, counts=False)[-1] == 1
    assert ticks(40, counts=False) == [0, 12.5, 25, 37.5, 50]
    series = [dashboard.Series("使用率", [40.0, 20.0])]
    svg = str(svg_chart(dashboard.PanelData(labels=["县处级正职", "县处级副职"], series=series, unit="%"), "使用率"))
    assert all(f">{tick}%</text>" in svg for tick in ("0", "12.5", "25", "37.5", "50"))
    assert ">12%</text>" not in svg and ">38%</text>" not in svg


def test_a_rate_axis_of_small_rates_says_they_are_percentages_and_a_count_axis_does_not() -> None:
    rates = str(svg_chart(dashboard.PanelData(labels=["县处级正职", "县处级副职"],
                                              series=[dashboard.Series("达标率", [1.5, 0.5])], unit="%"), "达标率"))
    assert ">2%</text>" in rates and ">1%</text>" in rates
    counts = str(svg_chart(dashboard.PanelData(labels=["县处级正职", "县处级副职"],
                                               series=[dashboard.Series("人数", [2, 1])], unit="人"), "人数"))
    assert ">2</text>" in counts and "%</text>" not in counts


def test_a_share_beside_its_counts_is_a_column_of_the_table_not_a_bar_of_the_chart() -> None:
    data = dashboard.PanelData(labels=["男党员", "女党员"], unit="人", series=[
        dashboard.Series("人数", [3, 1], ["/m", "/f"]),
        dashboard.Series("占比（%）", [75.0, 25.0], unit="%", drawn=False)])
    svg = str(svg_chart(data, "党员队伍结构"))

    assert data.rows() == [["男党员", 3, 75.0], ["女党员", 1, 25.0]]  # the export's numbers
    assert data.shown_rows() == [["男党员", "3人", "75.0%"], ["女党员", "1人", "25.0%"]]
    assert svg.count("<rect") == 2 and "占比" not in svg and ">3</text>" in svg  # an axis of counts
    empty = dashboard.PanelData(labels=["男党员"], unit="人", series=[
        dashboard.Series("人数", [0]), dashboard.Series("占比（%）", [0.0], unit="%", drawn=False)])
    assert empty.is_empty


def test_nineteen_lines_become_five_and_their_average_as_other() -> None:
    series = [dashboard.Series(f"县区{i}", [float(i), float(i + 1)]) for i in range(19)]
    folded = fold_series(series, unit="%")
    assert len(folded) == MAX_SERIES
    assert [s.name for s in folded[:5]] == ["县区18", "县区17", "县区16", "县区15", "县区14"]
    assert folded[-1].name == "其他14项（简单平均）" and folded[-1].values == [6.5, 7.5]


def test_counts_folded_into_other_are_summed() -> None:
    series = [dashboard.Series(f"领域{i}", [1, 2]) for i in range(8)]
    assert fold_series(series, unit="个")[-1].values == [3, 6]


def test_october_and_november_keep_distinct_labels_and_every_legend_entry_is_drawn() -> None:
    series = [dashboard.Series(f"单位{i}", [50.0, 60.0]) for i in range(19)]
    data = dashboard.PanelData(labels=["2026年10月", "2026年11月"], series=series, kind="line", unit="%")
    svg = str(svg_chart(data, "三会一课"))
    assert "2026年10月" in svg and "2026年11月" in svg
    assert svg.count("<rect") == MAX_SERIES  # one legend swatch per line drawn
    assert "其他14项（简单平均）" in svg


def test_long_unit_names_push_the_legend_down_and_widen_the_picture_to_the_left() -> None:
    import re

    def drawn(labels: list[str]) -> tuple[float, float, str]:
        series = [dashboard.Series(name, [1] * len(labels)) for name in ("发现问题", "已整改")]
        svg = str(svg_chart(dashboard.PanelData(labels=labels, series=series, kind="line", unit="个"), "整改进度"))
        min_x = float(re.search(r'viewBox="(-?\d+) ', svg).group(1))
        legend_y = float(re.search(r'<rect x="\d+" y="(\d+)" width="10" height="10"', svg).group(1))
        return min_x, legend_y, svg

    short_x, short_legend, _ = drawn(["城关区", "七里河区"])
    # A line over twenty units, a long name first, so its tick is near the axis (bars over as
    # many lie on their side: the next test).
    long_x, long_legend, svg = drawn(["省公路交通建设集团有限公司", "临夏回族自治州", *[f"第{i}县" for i in range(18)]])
    assert short_x == 0 and long_x < 0  # the first label would run off the left edge
    # A 9-character label turned by 30° reaches some 63 px below the axis, past the 58 kept for
    # labels: the legend starts lower.
    assert long_legend - short_legend >= 10
    assert "<title>省公路交通建设集团有限公司</title>省公路交通建设集…" in svg  # cut on the axis, whole on hover


def test_a_bar_chart_of_many_units_lies_on_its_side_with_every_name_level_and_every_bar_linked() -> None:
    import re

    def drawn(count: int) -> str:
        labels = ["省公路交通建设集团有限公司", *[f"第{i}县" for i in range(count - 1)]]
        series = [dashboard.Series(name, [i % 7 for i in range(count)], [f"/list/{name}/{i}" for i in range(count)])
                  for name in ("发现问题", "已整改", "延期", "逾期")]
        return str(svg_chart(dashboard.PanelData(labels=labels, series=series, unit="项"), "整改进度"))

    upright, twenty, forty = drawn(UPRIGHT_MAX), drawn(20), drawn(40)
    assert "rotate(" in upright
    assert "rotate(" not in twenty  # names are level, not turned
    height = lambda svg: float(re.search(r'viewBox="0 0 \d+ (\d+)"', svg).group(1))  # noqa: E731
    assert height(forty) > height(twenty) * 1.8  # the chart grows downwards with its rows, not narrower
    assert "<title>省公路交通建设集团有限公司</title>省公路交通建设集团有限…" in twenty
    assert all(f">第{i}县</text>" in twenty for i in range(19))
    bars = re.findall(r'<a href="/list/([^/]+)/(\d+)"><rect ', twenty)
    assert len(bars) == 20 * 4 and len(set(bars)) == 80  # each unit's four bars, each to its own list
    assert twenty.count('width="10" height="10"') == 4  # the legend
    assert "逾期 第3县：4项" in twenty  # each bar's figure on hover


def test_the_worklist_unit_choice_is_a_tree_down_to_the_counties(world: Any, province_officer: Any,
                                                                  client_for: Any) -> None:
    from orgwork.units.models import Unit
    from tests.conftest import make_unit

    make_unit("620102777", "东关镇", Unit.objects.get(code="620102"), "township", "township")
    response = client_for(province_officer).get(reverse("admin:worklist", args=["cadres_over_quota"]))
    options = [label for _, label in response.context["filterset"].form.fields["unit"].choices]
    assert "　　兰州市城关区·城关镇" not in options and not any("东关镇" in o for o in options)
    assert "　　城关区" in options and "　兰州市" in options


def test_a_deeper_unit_chosen_by_a_link_stays_selectable(world: Any, province_officer: Any, client_for: Any) -> None:
    response = client_for(province_officer).get(reverse("admin:worklist", args=["cadres_over_quota"]),
                                                {"unit": "620102001"})
    options = [label for _, label in response.context["filterset"].form.fields["unit"].choices]
    assert any(o.strip() == "兰州市城关区·城关镇" for o in options)


def test_a_rate_where_low_needs_attention_keeps_its_lowest_lines_and_weighs_the_rest_by_what_is_due() -> None:
    # Five units at 100% and fourteen lower ones: the chart shows the lowest five.
    full = [dashboard.Series(f"满{i}", [100.0, 100.0], weights=[3, 3]) for i in range(5)]
    low = [dashboard.Series(f"县区{i}", [float(i), float(i)], weights=[3, 3]) for i in range(14)]
    folded = fold_series(full + low, unit="%", lowest_first=True)
    assert [s.name for s in folded[:5]] == ["县区0", "县区1", "县区2", "县区3", "县区4"]
    assert folded[-1].name == "其他14项（加权平均）"
    # 县区5–13 (3 due each) and the five full ones (3 due each): (5+…+13)·3 + 5·100·3 over 14·3.
    assert folded[-1].values == [round((sum(range(5, 14)) + 500) / 14, 1)] * 2


def test_the_folded_rate_is_weighted_by_the_meetings_due_not_a_simple_mean() -> None:
    lows = [dashboard.Series(f"低{i}", [0.0], weights=[1]) for i in range(5)]
    big = dashboard.Series("大县", [50.0], weights=[98])
    small = dashboard.Series("小县", [100.0], weights=[2])
    folded = fold_series([*lows, big, small], unit="%", lowest_first=True)
    assert folded[-1].name == "其他2项（加权平均）" and folded[-1].values == [51.0]  # not 75.0


def test_a_unit_with_nothing_due_is_not_taken_for_the_lowest_rate() -> None:
    idle = [dashboard.Series(f"无会{i}", [0.0], weights=[0]) for i in range(3)]
    real = [dashboard.Series(f"县区{i}", [float(10 * i)], weights=[3]) for i in range(5)]
    folded = fold_series(idle + real, unit="%", lowest_first=True)
    assert [s.name for s in folded[:5]] == ["县区0", "县区1", "县区2", "县区3", "县区4"]


def test_a_bar_chart_of_long_names_lies_on_its_side_and_shows_each_name_whole() -> None:
    labels = ["主要负责人离任未检查", "评议不满意率达到警戒线", "带病提拔倒查未办结"]
    svg = str(svg_chart(dashboard.PanelData(labels=labels, series=[dashboard.Series("件数", [2, 1, 0])], unit="件"),
                        "选人用人监督待办"))
    assert all(f">{label}</text>" in svg for label in labels)
    assert "…" not in svg
