"""年度考核: the rules from the provincial Q&A (90 for 优秀, 80 for review, three years of 优秀)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cadres.models import Assessment, AssessmentGrade
from cadres.selectors import assessment_follow_ups, assessments_needing_review, merit_candidates
from cadres.services import assessment_save
from orgwork.common.contract import SystemActor
from orgwork.rectification.models import RectificationItem


SYSTEM = SystemActor("tests")

EXCELLENT, COMPETENT = AssessmentGrade.EXCELLENT, AssessmentGrade.COMPETENT


def assess(cadre, year: int, grade: str, score: str | None = "92") -> Assessment:  # type: ignore[no-untyped-def]
    return assessment_save(assessment=Assessment(cadre=cadre, year=year, grade=grade,
                                                 political_score=Decimal(score) if score else None), actor=SYSTEM)


def test_excellent_with_a_score_below_90_is_refused_with_a_clear_message(make_cadre) -> None:
    with pytest.raises(ValidationError) as caught:
        assess(make_cadre(), 2024, EXCELLENT, "89.5")
    assert caught.value.message_dict["grade"] == ["政治素质测评得分为 89.5 分，低于 90 分，当年度不得确定为“优秀”等次。"]
    assert not Assessment.objects.exists()


def test_excellent_at_exactly_90_is_accepted(make_cadre) -> None:
    assert assess(make_cadre(), 2024, EXCELLENT, "90").pk


def test_a_score_below_80_is_flagged_and_opens_a_rectification_item(make_cadre, tree) -> None:
    cadre = make_cadre()
    low = assess(cadre, 2024, AssessmentGrade.BASICALLY_COMPETENT, "79")
    fine = assess(make_cadre(name="李明"), 2024, COMPETENT, "80")
    assert list(assessments_needing_review(None).values_list("pk", flat=True)) == []  # no user, no scope
    assert Assessment.objects.get(pk=low.pk).needs_review is True
    assert Assessment.objects.get(pk=fine.pk).needs_review is False
    item = RectificationItem.objects.get()
    assert item.responsible_unit_id == tree["county_a"].pk and item.checklist.source == "political_assessment"
    assert "79" in item.problem
    low.political_score = Decimal("78")  # a correction of the same row opens nothing new
    assessment_save(assessment=low, actor=SYSTEM)
    assert RectificationItem.objects.count() == 1


def test_one_result_per_cadre_and_year(make_cadre) -> None:
    cadre = make_cadre()
    assess(cadre, 2024, COMPETENT)
    with pytest.raises(ValidationError) as caught:
        assess(cadre, 2024, EXCELLENT)
    assert "该干部该年度的考核结果已录入。" in caught.value.messages


def test_a_score_above_100_is_refused(make_cadre) -> None:
    with pytest.raises(ValidationError):
        assess(make_cadre(), 2024, COMPETENT, "100.5")


def test_three_years_of_excellent_make_a_merit_candidate(make_cadre, province_officer) -> None:
    streak, broken, old = make_cadre(name="王优秀"), make_cadre(name="李断档"), make_cadre(name="赵早年")
    for year in (2022, 2023, 2024):
        assess(streak, year, EXCELLENT)
        assess(broken, year, COMPETENT if year == 2023 else EXCELLENT)
    for year in (2020, 2021, 2022):
        assess(old, year, EXCELLENT)
    assert [c.name for c in merit_candidates(province_officer, last_year=2024)] == ["王优秀"]
    assert [c.name for c in merit_candidates(province_officer, last_year=2022)] == ["赵早年"]


def test_merit_candidates_stay_within_scope(make_cadre, tree, county_b_clerk, county_a_clerk) -> None:
    cadre = make_cadre(tree["county_a"])
    for year in (2022, 2023, 2024):
        assess(cadre, year, EXCELLENT)
    assert merit_candidates(county_b_clerk, last_year=2024).count() == 0
    assert merit_candidates(county_a_clerk, last_year=2024).count() == 1


def test_basically_competent_and_incompetent_list_their_follow_ups(make_cadre, province_officer) -> None:
    assess(make_cadre(name="甲"), 2024, AssessmentGrade.BASICALLY_COMPETENT, "85")
    assess(make_cadre(name="乙"), 2024, AssessmentGrade.INCOMPETENT, "82")
    assess(make_cadre(name="丙"), 2024, COMPETENT, "85")
    follow_ups = {a.cadre.name: a.follow_up for a in assessment_follow_ups(province_officer, year=2024)}
    assert follow_ups == {"甲": "基本称职：进行诫勉谈话或组织调整", "乙": "不称职：启动降职程序"}
