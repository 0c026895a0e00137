"""The cadre audit lists against hand-built records: who is on them, who is not, and who may see them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.core.exceptions import ValidationError

from cadres.models import Assessment, AssessmentGrade, Cadre, CadreStatus, PositionQuota, Rank
from cadres.services import assessment_save
from orgwork.common.contract import SystemActor
from orgwork.units.models import Unit
from tests.samples.cadres import cadre_in
from tests.samples.names import numbered

from .conftest import column, open_list
from django.utils import timezone


SYSTEM = SystemActor("tests")

pytestmark = pytest.mark.usefixtures("reference")

E, C = AssessmentGrade.EXCELLENT, AssessmentGrade.COMPETENT


# A rectification item is opened for a low score: the write needs a named actor.


def assess(cadre: Cadre, year: int, grade: str, score: str | None = "92") -> Assessment:
    return assessment_save(assessment=Assessment(cadre=cadre, year=year, grade=grade,
                                                 political_score=Decimal(score) if score else None), actor=SYSTEM)


def test_a_score_below_80_puts_the_cadre_on_the_review_list_of_that_year(
    tree: dict[str, Unit], county_a_clerk: Any, client_for: Any
) -> None:
    low = cadre_in(tree["county_a"], name="李低分")
    assess(low, 2024, C, "75")
    assess(cadre_in(tree["township_a"], name="王八五"), 2024, C, "85")
    assess(cadre_in(tree["county_a"], name="赵前年"), 2023, C, "70")
    assess(cadre_in(tree["county_b"], name="七里河低分"), 2024, C, "60")

    response = open_list(client_for(county_a_clerk), "cadres_low_political_score", {"year": "2024"})

    assert column(response) == ["李低分"]
    assert column(response, 6) == [Decimal("75.00")]
    assert response.context["table"][0]["link"].endswith(f"/cadres/cadre/{low.pk}/change/")
    every_year = open_list(client_for(county_a_clerk), "cadres_low_political_score")
    assert sorted(column(every_year)) == sorted(["李低分", "赵前年"])


def test_the_excellent_below_90_check_is_empty_for_valid_data_and_the_model_refuses_the_combination(
    tree: dict[str, Unit], province_officer: Any, client_for: Any
) -> None:
    cadre = cadre_in(tree["county_a"], name="刘优秀")
    assess(cadre, 2024, E, "95")
    with pytest.raises(ValidationError, match="低于 90 分"):
        assess(cadre, 2023, E, "85")

    response = open_list(client_for(province_officer), "cadres_excellent_below_90")

    assert response.context["count"] == 0
    assert "完整性检查通过" in response.content.decode()


def test_the_excellent_below_90_check_stays_clean_because_the_database_refuses_a_row_written_around_the_rules(
    tree: dict[str, Unit], province_officer: Any, client_for: Any
) -> None:
    cadre = cadre_in(tree["county_a"], name="孙绕过")
    # A raw bulk write skips clean(): the check constraint refuses it all the same.
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.bulk_create([Assessment(cadre=cadre, year=2024, grade=E, political_score=Decimal("86"))])

    response = open_list(client_for(province_officer), "cadres_excellent_below_90")

    assert response.context["count"] == 0
    assert "完整性检查通过" in response.content.decode()


def test_three_excellent_years_running_make_a_merit_candidate(
    tree: dict[str, Unit], county_a_clerk: Any, client_for: Any
) -> None:
    streak = cadre_in(tree["county_a"], name="周三优")
    for year in (2022, 2023, 2024):
        assess(streak, year, E)
    broken = cadre_in(tree["county_a"], name="吴中断")
    for year, grade in ((2022, E), (2023, C), (2024, E)):
        assess(broken, year, grade)
    outsider = cadre_in(tree["county_b"], name="郑外区")
    for year in (2022, 2023, 2024):
        assess(outsider, year, E)

    client = client_for(county_a_clerk)

    assert column(open_list(client, "cadres_merit_candidates", {"year": "2024"})) == ["周三优"]
    assert column(open_list(client, "cadres_merit_candidates", {"year": "2025"})) == []


def test_the_merit_list_opens_on_the_streak_ending_last_year(
    tree: dict[str, Unit], county_a_clerk: Any, client_for: Any
) -> None:
    last = timezone.localdate().year - 1
    cadre = cadre_in(tree["county_a"], name="冯去年")
    for year in (last - 2, last - 1, last):
        assess(cadre, year, E)

    response = open_list(client_for(county_a_clerk), "cadres_merit_candidates")

    assert column(response) == ["冯去年"]
    assert response.context["filterset"].form["year"].value() == str(last)


def test_an_empty_year_does_not_turn_the_merit_list_into_every_cadre(
    tree: dict[str, Unit], county_a_clerk: Any, client_for: Any
) -> None:
    cadre_in(tree["county_a"], name="陈普通")
    response = open_list(client_for(county_a_clerk), "cadres_merit_candidates", {"year": ""})
    assert response.context["count"] == 0
    assert response.context["filterset"].form.errors


def test_a_unit_staffed_beyond_its_quota_is_on_the_over_quota_list(
    tree: dict[str, Unit], county_a_clerk: Any, client_for: Any
) -> None:
    def quota(unit: Unit, rank: str, approved: int, staffed: int, retired: int = 0) -> None:
        PositionQuota.objects.create(unit=unit, rank=rank, approved=approved)
        for i in range(staffed):
            cadre_in(unit, name=numbered("在职", i, 2), rank=rank)
        for i in range(retired):
            cadre_in(unit, name=numbered("退休", i, 2), rank=rank, status=CadreStatus.RETIRED)

    quota(tree["county_a"], Rank.TOWNSHIP_DEPUTY, approved=1, staffed=3)
    quota(tree["county_a"], Rank.COUNTY_CHIEF, approved=1, staffed=1, retired=2)
    quota(tree["county_b"], Rank.TOWNSHIP_DEPUTY, approved=1, staffed=2)

    response = open_list(client_for(county_a_clerk), "cadres_over_quota")

    assert response.context["table"][0]["cells"] == ["兰州市城关区", "乡科级副职", 1, 3, 2]
    assert response.context["count"] == 1


def test_a_cadre_in_post_recorded_as_a_party_member_without_a_joining_date_is_on_the_list_to_check(
    tree: dict[str, Unit], county_a_clerk: Any, client_for: Any
) -> None:
    unchecked = cadre_in(tree["township_a"], name="待核实", political_status="中共党员")
    cadre_in(tree["county_a"], name="有入党时间", political_status="中共党员",
             party_joined_on=timezone.datetime(2001, 7, 1).date())
    cadre_in(tree["county_a"], name="群众干部", political_status="群众")
    cadre_in(tree["county_a"], name="未填面貌")
    cadre_in(tree["county_a"], name="已退休", political_status="中共党员", status=CadreStatus.RETIRED)
    cadre_in(tree["county_b"], name="外区待核实", political_status="中共预备党员")

    response = open_list(client_for(county_a_clerk), "cadres_party_status_unchecked")

    assert column(response) == ["待核实"]
    assert column(response, 4) == ["中共党员"]
    assert response.context["table"][0]["link"].endswith(f"/cadres/cadre/{unchecked.pk}/change/")
    narrowed = open_list(client_for(county_a_clerk), "cadres_party_status_unchecked",
                         {"unit": tree["county_a"].code})
    assert column(narrowed) == ["待核实"]
