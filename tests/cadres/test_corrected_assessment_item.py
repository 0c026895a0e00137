"""A corrected 年度考核 and the checklist item it put on the books: the item follows the
correction on the assessment page, the cadre page's table, the assessments sheet and the
service; a result corrected to one that calls for nothing goes to 申请销号 with the
correction as its account; from 申请销号 on, the correction is refused."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.models import Assessment, AssessmentGrade
from cadres.resources import AssessmentResource
from cadres.services import assessment_save
from orgwork.audit.models import AuditLog
from orgwork.common.contract import SystemActor
from orgwork.rectification.models import ItemState, RectificationItem
from orgwork.rectification.services import (
    rectification_approve_closure,
    rectification_item_update,
    rectification_request_closure,
    rectification_start,
)
from tests.cadres.test_rules_on_every_path import ASSESSMENTS_HEAD, messages_of, run_sheet, serving
from tests.test_versioning import form_data

SYSTEM = SystemActor("tests")
BASIC, COMPETENT = AssessmentGrade.BASICALLY_COMPETENT, AssessmentGrade.COMPETENT


def assess(cadre: Any, grade: str = BASIC, score: str = "85", year: int = 2025) -> Assessment:
    return assessment_save(assessment=Assessment(cadre=cadre, year=year, grade=grade, political_score=Decimal(score)),
                           actor=SYSTEM)


def item_of(assessment: Assessment) -> RectificationItem:
    return RectificationItem.objects.get(source_object_id=str(assessment.pk))


def correct(assessment: Assessment, **values: Any) -> Assessment:
    fresh = Assessment.objects.get(pk=assessment.pk)
    for name, value in values.items():
        setattr(fresh, name, value)
    return assessment_save(assessment=fresh, actor=SYSTEM)


def item_audit_rows(item: RectificationItem) -> list[AuditLog]:
    return list(AuditLog.objects.filter(object_id=str(item.pk), content_type__model="rectificationitem").order_by("id"))


def request_closure(item: RectificationItem, actor: Any) -> RectificationItem:
    return rectification_request_closure(item=rectification_start(item=item, actor=actor), actor=actor,
                                         account="已进行诫勉谈话。")


def change_page(client: Any, assessment: Assessment, **values: Any) -> Any:
    url = reverse("admin:cadres_assessment_change", args=[assessment.pk])
    data = form_data(client.get(url))
    data.update({k: str(v) for k, v in values.items()})
    return client.post(url, data)


# ---------------------------------------------------------------- the service

def test_a_corrected_score_that_still_calls_for_follow_up_rewrites_the_items_problem(make_cadre) -> None:
    assessment = assess(serving(make_cadre), BASIC, "85")
    item = item_of(assessment)
    assert "基本称职" in item.problem and "低于 80 分" not in item.problem
    before = len(item_audit_rows(item))
    correct(assessment, political_score=Decimal("78"))
    item.refresh_from_db()
    assert RectificationItem.objects.count() == 1
    assert "政治素质测评得分 78 分，低于 80 分" in item.problem and "基本称职" in item.problem
    assert item.state == ItemState.ON_BOOKS
    rows = item_audit_rows(item)
    assert len(rows) == before + 1 and "年度考核更正" in rows[-1].message


def test_a_result_corrected_to_competent_takes_its_item_to_closure_with_the_correction_as_account(make_cadre) -> None:
    cadre = serving(make_cadre)
    assessment = assess(cadre, BASIC, "85")
    item = item_of(assessment)
    problem = item.problem
    correct(assessment, grade=COMPETENT)
    item.refresh_from_db()
    assert item.state == ItemState.CLOSURE_REQUESTED
    assert item.account == f"{cadre.name}2025年度考核已更正为称职、政治素质测评得分 85 分，不再需要后续处理。"
    assert item.problem == problem  # what was put on the books stays for the reviewer to read
    assert RectificationItem.objects.count() == 1


def test_a_correction_keeps_what_the_clerk_had_written_above_the_account(make_cadre, county_a_clerk) -> None:
    assessment = assess(serving(make_cadre), BASIC, "85")
    item = rectification_start(item=item_of(assessment), actor=county_a_clerk)
    RectificationItem.objects.filter(pk=item.pk).update(account="已约谈。")
    correct(assessment, grade=COMPETENT)
    item.refresh_from_db()
    assert item.state == ItemState.CLOSURE_REQUESTED and item.account.startswith("已约谈。\n")


def test_a_correction_is_refused_while_its_item_waits_for_review(make_cadre, county_a_clerk) -> None:
    assessment = assess(serving(make_cadre), BASIC, "85")
    request_closure(item_of(assessment), county_a_clerk)
    with pytest.raises(ValidationError) as refused:
        correct(assessment, grade=COMPETENT)
    assert "已申请销号，整改事项不能随之更正" in refused.value.message_dict["grade"][0]
    assert "须由审核人先退回该事项" in refused.value.message_dict["grade"][0]
    assert Assessment.objects.get(pk=assessment.pk).grade == BASIC


def test_a_correction_is_refused_once_its_item_is_struck_off(make_cadre, county_a_clerk, city_officer) -> None:
    assessment = assess(serving(make_cadre), BASIC, "85")
    rectification_approve_closure(item=request_closure(item_of(assessment), county_a_clerk), actor=city_officer)
    with pytest.raises(ValidationError) as refused:
        correct(assessment, political_score=Decimal("79"))
    assert "」已销号，整改事项不能随之更正" in refused.value.message_dict["political_score"][0]
    assert "须先经「回头看：重新挂账」" in refused.value.message_dict["political_score"][0]


def test_remarks_are_corrected_whatever_the_items_state(make_cadre, county_a_clerk) -> None:
    assessment = assess(serving(make_cadre), BASIC, "85")
    request_closure(item_of(assessment), county_a_clerk)
    assert correct(assessment, remarks="补记述职情况").remarks == "补记述职情况"


def test_a_result_corrected_to_need_follow_up_is_put_on_the_books(make_cadre) -> None:
    assessment = assess(serving(make_cadre), COMPETENT, "85")
    assert not RectificationItem.objects.exists()
    correct(assessment, grade=BASIC)
    assert "基本称职" in item_of(assessment).problem


# ---------------------------------------------------------------- the pages

def test_the_assessment_page_corrects_the_year_and_its_item_follows(make_cadre, county_a_clerk, client_for) -> None:
    assessment = assess(serving(make_cadre), BASIC, "85", year=2024)
    response = change_page(client_for(county_a_clerk), assessment, year=2023)
    assert response.status_code == 302
    assert "2023年度" in item_of(assessment).problem


def test_the_assessment_page_moves_a_result_entered_on_the_wrong_cadre(make_cadre, county_a_clerk, client_for,
                                                                       tree) -> None:
    """录错干部: the record goes to the right cadre of the same unit, and its item names him;
    not to a cadre of another unit, whose checklist the item cannot move to."""
    wrong, right = serving(make_cadre), serving(make_cadre)
    assessment = assess(wrong, BASIC, "85")
    response = change_page(client_for(county_a_clerk), assessment, cadre=right.pk)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Assessment.objects.get(pk=assessment.pk).cadre_id == right.pk
    item = item_of(assessment)
    assert item.responsible_person == right.name and right.name in item.problem and item.state == ItemState.ON_BOOKS

    elsewhere = serving(make_cadre, unit=tree["township_a"])
    response = change_page(client_for(county_a_clerk), assessment, cadre=elsewhere.pk)
    assert response.status_code == 200
    assert "整改事项不能随之改到其他单位" in str(response.context["adminform"].form.errors["cadre"])
    assert Assessment.objects.get(pk=assessment.pk).cadre_id == right.pk


def test_a_result_without_an_item_moves_to_a_cadre_of_another_unit(make_cadre, county_a_clerk, client_for,
                                                                   tree) -> None:
    assessment = assess(serving(make_cadre), COMPETENT, "85")
    elsewhere = serving(make_cadre, unit=tree["township_a"])
    response = change_page(client_for(county_a_clerk), assessment, cadre=elsewhere.pk)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Assessment.objects.get(pk=assessment.pk).cadre_id == elsewhere.pk


def test_the_assessment_page_shows_the_refusal_under_the_grade(make_cadre, county_a_clerk, client_for) -> None:
    assessment = assess(serving(make_cadre), BASIC, "85")
    request_closure(item_of(assessment), county_a_clerk)
    response = change_page(client_for(county_a_clerk), assessment, grade=COMPETENT)
    assert response.status_code == 200
    assert "不能随之更正" in str(response.context["adminform"].form.errors["grade"])
    assert Assessment.objects.get(pk=assessment.pk).grade == BASIC


def test_the_cadre_pages_assessments_table_corrects_the_item_too(make_cadre, county_a_clerk, client_for) -> None:
    cadre = serving(make_cadre)
    assessment = assess(cadre, BASIC, "85")
    client = client_for(county_a_clerk)
    url = reverse("admin:cadres_cadre_change", args=[cadre.pk])
    data = form_data(client.get(url))
    row = next(k.removesuffix("-id") for k, v in data.items() if k.startswith("assessments-") and k.endswith("-id")
               and v == str(assessment.pk))
    data[f"{row}-grade"] = COMPETENT
    response = client.post(url, data)
    assert response.status_code == 302
    assert item_of(assessment).state == ItemState.CLOSURE_REQUESTED


# ---------------------------------------------------------------- the sheet

def test_an_assessments_sheet_correcting_a_grade_rewrites_the_item(make_cadre, county_a_clerk, tmp_path) -> None:
    cadre = serving(make_cadre)
    assessment = assess(cadre, BASIC, "85")
    result = run_sheet(AssessmentResource, county_a_clerk, ASSESSMENTS_HEAD,
                       [[cadre.id_number, "2025", "不称职", "85"]], tmp_path)
    assert result.committed, messages_of(result)
    item = item_of(assessment)
    assert "不称职" in item.problem and "降职程序" in item.problem and RectificationItem.objects.count() == 1


def test_an_assessments_sheet_correcting_to_competent_takes_the_item_to_closure(make_cadre, county_a_clerk,
                                                                                tmp_path) -> None:
    cadre = serving(make_cadre)
    assessment = assess(cadre, BASIC, "85")
    result = run_sheet(AssessmentResource, county_a_clerk, ASSESSMENTS_HEAD,
                       [[cadre.id_number, "2025", "称职", "85"]], tmp_path)
    assert result.committed, messages_of(result)
    item = item_of(assessment)
    assert item.state == ItemState.CLOSURE_REQUESTED and "不再需要后续处理" in item.account


def test_an_assessments_sheet_is_refused_whole_while_an_item_waits_for_review(make_cadre, county_a_clerk,
                                                                               tmp_path) -> None:
    cadre, other = serving(make_cadre), serving(make_cadre)
    assessment = assess(cadre, BASIC, "85")
    request_closure(item_of(assessment), county_a_clerk)
    result = run_sheet(AssessmentResource, county_a_clerk, ASSESSMENTS_HEAD,
                       [[other.id_number, "2025", "称职", "88"], [cadre.id_number, "2025", "称职", "85"]], tmp_path)
    assert not result.committed
    assert [(e.row, e.column) for e in result.errors] == [(3, "考核等次")]
    assert "不能随之更正" in messages_of(result)
    assert Assessment.objects.get(pk=assessment.pk).grade == BASIC and not other.assessments.exists()


# ---------------------------------------------------------------- the item

def test_the_items_problem_and_person_are_corrected_on_the_assessment_not_on_the_item(make_cadre,
                                                                                      county_a_clerk) -> None:
    item = item_of(assess(serving(make_cadre), BASIC, "85"))
    item.problem, item.responsible_person = "改写的问题", "他人"
    with pytest.raises(ValidationError) as refused:
        rectification_item_update(item=item, actor=county_a_clerk)
    assert set(refused.value.message_dict) == {"problem", "responsible_person"}
    assert "请在年度考核中更正" in refused.value.message_dict["problem"][0]
