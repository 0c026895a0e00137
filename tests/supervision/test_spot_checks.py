"""个人有关事项: the reproducible draw, targeted checks, discrepancies, logged viewing."""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from cadres.supervision import sampling
from cadres.supervision.models import SpotCheckDraw, SpotCheckOutcome, SpotCheckSelection
from cadres.supervision.services import (
    spot_check_draw,
    spot_check_open_rectification,
    spot_check_record_outcome,
    spot_check_redraw,
    vetting_open,
)
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.rectification.models import ItemState
from orgwork.rectification.selectors import rectification_items_for
from tests.samples.cadres import cadre_in
from tests.samples.names import numbered
from tests.samples.supervision import report_for

from orgwork.common.contract import SystemActor

SYSTEM = SystemActor("tests")

POPULATION = [(cadre, 100 + cadre % 3) for cadre in range(1, 61)]


def test_the_same_seed_and_population_give_the_same_draw() -> None:
    first = sampling.draw(POPULATION, seed=20260301, total=12, stratified=False)
    shuffled = list(reversed(POPULATION))  # the order the rows arrive in does not matter
    assert sampling.draw(shuffled, seed=20260301, total=12, stratified=False) == first
    assert len(first) == 12 and len(set(first)) == 12


def test_another_seed_gives_another_draw() -> None:
    assert sampling.draw(POPULATION, seed=1, total=12, stratified=False) != sampling.draw(
        POPULATION, seed=2, total=12, stratified=False
    )


def test_a_stratified_draw_is_reproducible_and_takes_each_unit_in_proportion() -> None:
    chosen = sampling.draw(POPULATION, seed=9, total=9, stratified=True)
    assert chosen == sampling.draw(POPULATION, seed=9, total=9, stratified=True)
    units = Counter(100 + cadre % 3 for cadre in chosen)
    assert units == {100: 3, 101: 3, 102: 3}


@given(
    sizes=st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=12),
    data=st.data(),
)
def test_stratified_allotments_add_up_to_the_requested_total(sizes: list[int], data: st.DataObject) -> None:
    strata = {unit: size for unit, size in enumerate(sizes)}
    total = data.draw(st.integers(min_value=0, max_value=sum(sizes)))
    allotment = sampling.allot(strata, total)
    assert sum(allotment.values()) == total
    assert all(0 <= allotment[unit] <= strata[unit] for unit in strata)
    population = [(i, unit) for i, unit in enumerate(u for u, size in strata.items() for _ in range(size))]
    assert len(sampling.draw(population, seed=3, total=total, stratified=True)) == total


def test_a_ratio_rounds_half_up_and_never_draws_nobody() -> None:
    assert sampling.size_for_ratio(25, Decimal("10")) == 3  # 2.5 → 3
    assert sampling.size_for_ratio(5, Decimal("1")) == 1
    assert sampling.size_for_ratio(0, Decimal("10")) == 0


@pytest.fixture
def reporting_county(tree, county_a_clerk):
    """Twelve cadres in county A and three in its township, each with a 2025 report."""
    cadres = [cadre_in(tree["county_a"], name=numbered("县干部", i, 2)) for i in range(12)]
    cadres += [cadre_in(tree["township_a"], name=numbered("镇干部", i, 2)) for i in range(3)]
    for cadre in cadres:
        report_for(cadre, year=2025)
    report_for(cadre_in(tree["county_b"], name="七里河干部"), year=2025)  # outside the subtree
    return cadres


def test_a_recorded_draw_stores_its_population_seed_and_drawer(tree, reporting_county, county_a_clerk) -> None:
    draw = spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="ratio",
                                              ratio=Decimal("20"), stratified=True), actor=county_a_clerk)
    assert draw.seed is not None and draw.drawn_by == county_a_clerk and draw.drawn_at is not None
    assert draw.population_size == 15
    assert sorted(c for c, _ in draw.population) == sorted(c.pk for c in reporting_county)
    assert draw.population_hash == sampling.population_hash(draw.population)
    random_ids = sorted(draw.checks.filter(selection=SpotCheckSelection.RANDOM).values_list("cadre_id", flat=True))
    assert len(random_ids) == draw.random_total == 3
    assert spot_check_redraw(draw) == random_ids


def test_every_nominated_cadre_is_added_as_a_targeted_check(tree, reporting_county, county_a_clerk) -> None:
    nominated = reporting_county[0]
    vetting_open(cadre=nominated, proposed_post="副局长", nominated_by="县委组织部",
                 nominated_on=datetime.date(2026, 3, 1), actor=county_a_clerk)
    outsider = cadre_in(tree["county_b"], name="外县提名")
    vetting_open(cadre=outsider, proposed_post="副局长", nominated_by="县委组织部",
                 nominated_on=datetime.date(2026, 3, 1), actor=SYSTEM)
    # Pick a seed whose random draw does not already contain the nominee.
    for seed in range(1, 50):
        if nominated.pk not in sampling.draw(
            [(c.pk, c.unit_id) for c in reporting_county], seed=seed, total=2, stratified=False
        ):
            break
    draw = spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=2, seed=seed),
                           actor=SYSTEM)  # only the system may give a seed
    targeted = list(draw.checks.filter(selection=SpotCheckSelection.TARGETED).values_list("cadre_id", flat=True))
    assert targeted == [nominated.pk]
    assert draw.targeted_total == 1 and draw.checks.count() == 3


def test_a_discrepancy_opens_a_rectification_item_once(tree, reporting_county, county_a_clerk) -> None:
    draw = spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=1),
                           actor=county_a_clerk)
    check = draw.checks.get()
    with pytest.raises(ValidationError, match="只有漏报、瞒报"):
        spot_check_open_rectification(check=check, actor=county_a_clerk)
    spot_check_record_outcome(check=check, outcome=SpotCheckOutcome.OMITTED, checked_on=datetime.date(2026, 4, 1),
                              findings="漏报配偶经商情况", handling="批评教育", actor=county_a_clerk)
    item = spot_check_open_rectification(check=check, actor=county_a_clerk)
    again = spot_check_open_rectification(check=check, actor=county_a_clerk)
    assert item.pk == again.pk
    assert item.state == ItemState.ON_BOOKS and "核实存在漏报" in item.problem
    # What was found and done stays on the check, out of the item's audited text.
    assert "漏报配偶经商情况" not in item.problem and "批评教育" not in item.measure
    assert list(rectification_items_for(check)) == [item]
    assert item.responsible_unit == check.cadre.unit


def test_a_discrepancy_must_say_what_was_found(tree, reporting_county, county_a_clerk) -> None:
    draw = spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=1),
                           actor=county_a_clerk)
    with pytest.raises(ValidationError, match="须写明核查情况"):
        spot_check_record_outcome(check=draw.checks.get(), outcome=SpotCheckOutcome.CONCEALED,
                                  checked_on=datetime.date(2026, 4, 1), actor=county_a_clerk)


def test_opening_a_report_is_logged_as_viewing_sensitive_information(cadre_a, county_a_clerk, county_b_clerk,
                                                                    client_for) -> None:
    report = report_for(cadre_a)
    url = reverse("admin:supervision_personalmattersreport_change", args=[report.pk])
    assert client_for(county_a_clerk).get(url).status_code == 200
    assert client_for(county_b_clerk).get(url).status_code == 302  # out of scope: not shown, not logged
    views = AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, object_id=str(report.pk))
    assert [(v.actor, v.unit_path) for v in views] == [(county_a_clerk, cadre_a.unit.path)]


def test_a_draw_through_the_admin_is_recorded_and_read_only(tree, reporting_county, county_a_clerk,
                                                           client_for) -> None:
    client = client_for(county_a_clerk)
    response = client.post(reverse("admin:supervision_spotcheckdraw_add"), {
        "unit": tree["county_a"].pk, "year": 2025, "method": "ratio", "ratio": "20", "count": "",
        "checks-TOTAL_FORMS": "0", "checks-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    draw = SpotCheckDraw.objects.get()
    assert draw.seed is not None and (draw.random_total, draw.drawn_by) == (3, county_a_clerk)
    page = client.get(reverse("admin:supervision_spotcheckdraw_change", args=[draw.pk])).content.decode()
    assert "结果与本次抽取一致" in page


def test_the_draws_record_of_steps_counts_its_population_without_repeating_its_digest(tree, reporting_county, county_a_clerk,
                                                                            client_for) -> None:
    draw = spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=1),
                           actor=county_a_clerk)
    page = client_for(county_a_clerk).get(reverse("admin:supervision_spotcheckdraw_change", args=[draw.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "人（分属" in text
    # The 办理记录 counts the population; the digest is for re-running the draw, not for
    # reading: at most the record's own read-only field shows it, the record of steps does not.
    assert text.count(draw.population_hash) <= 1 and "总体摘要（SHA-256）：" not in text
