"""The dashboard panels: each figure is a count, and following its link shows a list of exactly that many rows."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from branches.models import Domain, MeetingKind
from branches.services import weak_case_open
from branches.worklists import recent_months
from cadres.models import Assessment, AssessmentGrade, CadreStatus
from cadres.services import assessment_save
from orgwork.common.contract import SystemActor
from orgwork import dashboard
from orgwork.rectification.models import ItemState, RectificationItem
from orgwork.units.models import Unit
from talent import services as talent_services
from talent.models import Enrollment, Programme, ReviewGrade
from tests.branches.conftest import add_meeting, make_org
from tests.samples.cadres import cadre_in
from django.utils import timezone

COUNT_PANELS = ["rectification_progress", "cadres_age_structure", "cadres_generations", "cadres_grade_distribution",
                "branches_weak_by_domain", "talent_by_programme"]

SYSTEM = SystemActor("fixture")


@pytest.fixture
def world(reference: None, tree: dict[str, Unit], item_in: Callable[..., RectificationItem], leading: Programme,
          enroll: Callable[..., Enrollment]) -> dict[str, Unit]:
    """A little of everything, in both counties of 兰州市 and in 天水市."""
    item_in(ItemState.IN_PROGRESS, problem="城关逾期")
    item_in(ItemState.CLOSED, problem="城关已销号")
    item_in(ItemState.ON_BOOKS, problem="七里河挂账", unit=tree["county_b"], deadline=datetime.date(2099, 1, 1))

    for unit, born, status in ((tree["county_a"], datetime.date(1975, 3, 2), CadreStatus.ACTIVE),
                               (tree["county_a"], datetime.date(1986, 7, 9), CadreStatus.ACTIVE),
                               (tree["township_a"], datetime.date(1992, 1, 20), CadreStatus.ACTIVE),
                               (tree["county_a"], datetime.date(1971, 5, 5), CadreStatus.RETIRED),
                               (tree["county_b"], datetime.date(1979, 11, 30), CadreStatus.ACTIVE),
                               (tree["other_city"], datetime.date(1983, 2, 14), CadreStatus.ACTIVE)):
        cadre = cadre_in(unit, birth=born, status=status)
        for year, grade in ((2024, AssessmentGrade.EXCELLENT), (2025, AssessmentGrade.COMPETENT)):
            assessment_save(assessment=Assessment(cadre=cadre, year=year, grade=grade, political_score=Decimal("93")), actor=SYSTEM)

    today = timezone.localdate()
    for code, unit, domain, deadline in (("A-1", tree["township_a"], Domain.RURAL, today - datetime.timedelta(days=3)),
                                         ("A-2", tree["county_a"], Domain.COMMUNITY, today + datetime.timedelta(days=9)),
                                         ("B-1", tree["county_b"], Domain.RURAL, today - datetime.timedelta(days=1))):
        weak_case_open(organisation=make_org(code, f"{code}党支部", unit, domain=domain), year=2025, categories=["rules"],
                       problems="制度不落实", plan="建章立制", contact_leader="李书记", deadline=deadline, actor=SystemActor("tests"),
                       link_rectification=False)

    enroll(leading)
    enroll(leading, unit="county_b")
    talent_services.term_review_record(enrollment=enroll(leading), review_year=2025, grade=ReviewGrade.UNQUALIFIED,
                                       reviewed_on=datetime.date(2025, 12, 1), actor=SYSTEM)
    return tree


def count_behind(client: Any, url: str) -> int:
    """The number of rows the page at ``url`` lists: an audit list's count or a changelist's."""
    response = client.get(url)
    assert response.status_code == 200, url
    if "count" in response.context:
        return response.context["count"]
    return response.context["cl"].result_count


@pytest.mark.parametrize("persona", ["city_officer", "county_a_clerk", "province_officer"])
def test_every_figure_equals_the_count_of_the_list_it_links_to(world: Any, personas: dict[str, Any],
                                                              client_for: Any, persona: str) -> None:
    user = personas[persona]
    client = client_for(user)
    checked = 0
    for slug in COUNT_PANELS:
        data = dashboard.get(slug).compute(user)
        for series in data.series:
            for index, value in enumerate(series.values):
                link = series.link(index)
                assert link, f"{slug} {series.name} {data.labels[index]} has no link"
                assert count_behind(client, link) == value, f"{slug} {series.name} {data.labels[index]}"
                checked += 1
    assert checked > 20


def test_rectification_progress_reads_by_the_units_below_the_viewer(world: Any, city_officer: Any) -> None:
    data = dashboard.get("rectification_progress").compute(city_officer)
    assert data.labels == ["城关区", "七里河区"]
    assert data.rows() == [["城关区", 2, 1, 0, 1], ["七里河区", 1, 0, 0, 0]]  # found, rectified, 延期, 逾期


def test_the_age_structure_counts_cadres_in_post_by_age_band_only(world: Any, city_officer: Any) -> None:
    data = dashboard.get("cadres_age_structure").compute(city_officer)
    assert not any(label.endswith("后") for label in data.labels)
    assert sum(data.series[0].values) == 4  # the retired 1971 cadre and 天水市 are left out


def test_birth_decades_have_a_panel_of_their_own(world: Any, city_officer: Any) -> None:
    data = dashboard.get("cadres_generations").compute(city_officer)
    figures = dict(zip(data.labels, data.series[0].values))
    assert (figures["70后"], figures["80后"], figures["90后"]) == (2, 1, 1)


def test_the_grade_distribution_shows_the_latest_year(world: Any, county_a_clerk: Any) -> None:
    data = dashboard.get("cadres_grade_distribution").compute(county_a_clerk)
    assert data.series[0].name == "2025年"
    assert dict(zip(data.labels, data.series[0].values))["称职"] == 4


def test_a_county_clerk_sees_only_the_county_in_every_panel(world: Any, county_a_clerk: Any) -> None:
    weak = dashboard.get("branches_weak_by_domain").compute(county_a_clerk)
    talent = dashboard.get("talent_by_programme").compute(county_a_clerk)
    assert weak.rows() == [["农村", 1, 1], ["社区", 1, 0]]
    assert talent.rows() == [["甘肃省领军人才", 1, 0, 1]]


def test_the_meeting_rate_of_a_unit_and_month_links_to_its_missing_list(
    tree: dict[str, Unit], city_officer: Any, client_for: Any
) -> None:
    month = recent_months(6)[-1]
    complete = make_org("A-1", "城关第一党支部", tree["county_a"])
    partial = make_org("A-2", "城关第二党支部", tree["county_a"])
    make_org("B-1", "七里河第一党支部", tree["county_b"])
    for kind in (MeetingKind.COMMITTEE_MEETING, MeetingKind.GROUP_MEETING, MeetingKind.THEME_DAY):
        add_meeting(complete, kind, month.replace(day=5))
    add_meeting(partial, MeetingKind.THEME_DAY, month.replace(day=5))

    data = dashboard.get("branches_meeting_rates").compute(city_officer)
    county_a, county_b = (next(s for s in data.series if s.name == name) for name in ("城关区", "七里河区"))

    assert data.kind == "line" and data.labels[-1] == f"{month.year}年{month.month}月"
    assert county_a.values[-1] == pytest.approx(66.7) and county_b.values[-1] == 0
    client = client_for(city_officer)
    assert count_behind(client, county_a.link(5)) == 1
    assert count_behind(client, county_b.link(5)) == 1


def test_the_dashboard_page_draws_the_panels_for_a_county_clerk(world: Any, county_a_clerk: Any, client_for: Any) -> None:
    html = client_for(county_a_clerk).get(reverse("admin:index")).content.decode()
    for title in ("整改进度（按单位）", "三会一课开展率（近6个月）", "干部年龄结构", "年度考核等次分布",
                  "软弱涣散党组织（按领域）", "人才计划入选人员（按计划和状态）"):
        assert title in html
    assert html.index("整改进度（按单位）") < html.index("干部年龄结构") < html.index("人才计划入选人员")


def test_the_meeting_rate_panel_keeps_the_lowest_units_and_weighs_each_by_its_meetings_due(
    tree: dict[str, Unit], city_officer: Any
) -> None:
    make_org("A-1", "城关第一党支部", tree["county_a"])
    one = next(s for s in dashboard.get("branches_meeting_rates").compute(city_officer).series if s.name == "城关区")
    make_org("A-2", "城关第二党支部", tree["county_a"])
    data = dashboard.get("branches_meeting_rates").compute(city_officer)
    county_a = next(s for s in data.series if s.name == "城关区")
    assert data.lowest_first
    # Two branches owe twice the meetings of one, month by month.
    assert county_a.weights == [2 * w for w in one.weights] and county_a.weights[-1] > 0
    assert "开展率最低" in data.note and "加权平均" in data.note
