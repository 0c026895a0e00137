"""A 年度考核, a 个人有关事项报告 or a 网络学习 completion cannot be of a time before the
cadre turned 16 (the age 参加工作时间 is held to): a 1990 考核 of a cadre born in 1975.06
was taken as 新增. Refused on the page and the sheet, as other dates of a cadre are."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from cadres.models import Assessment
from cadres.resources import AssessmentResource
from cadres.supervision.models import PersonalMattersReport
from cadres.training.models import OnlineCompletion, OnlineCourse
from cadres.training.services import online_completion_save
from orgwork.common.contract import SystemActor

from .test_rules_on_every_path import ASSESSMENTS_HEAD, messages_of, page_text, run_sheet, serving

pytestmark = pytest.mark.django_db
TOO_EARLY = "不能早于该干部年满16周岁（出生年月1975.06，1991年6月年满）"


def test_an_assessments_sheet_refuses_a_year_before_the_cadre_turned_16(make_cadre, county_a_clerk, tmp_path) -> None:
    cadre = serving(make_cadre)
    result = run_sheet(AssessmentResource, county_a_clerk, ASSESSMENTS_HEAD, [[cadre.id_number, "1990", "称职", "85"]],
                       tmp_path)
    assert not result.committed and f"考核年度{TOO_EARLY}" in messages_of(result)
    assert not Assessment.objects.exists()


def test_the_assessment_page_refuses_a_year_before_the_cadre_turned_16_and_takes_the_year_he_did(
        make_cadre, county_a_clerk, client_for) -> None:
    cadre = serving(make_cadre)
    page = client_for(county_a_clerk).post(reverse("admin:cadres_assessment_add"), {
        "cadre": cadre.pk, "year": "1990", "grade": "competent", "political_score": "85"})
    assert page.status_code == 200 and f"考核年度{TOO_EARLY}" in page_text(page)
    assert not Assessment.objects.exists()
    page = client_for(county_a_clerk).post(reverse("admin:cadres_assessment_add"), {
        "cadre": cadre.pk, "year": "1991", "grade": "competent", "political_score": "85"})
    assert page.status_code == 302 and Assessment.objects.filter(cadre=cadre, year=1991).exists()


def test_the_personal_matters_report_page_refuses_a_year_before_the_cadre_turned_16(
        make_cadre, county_a_clerk, client_for) -> None:
    cadre = make_cadre(birth=datetime.date(1992, 6, 3))
    page = client_for(county_a_clerk).post(reverse("admin:supervision_personalmattersreport_add"), {
        "cadre": cadre.pk, "year": "2000", "submitted_on": "2001-02-01"})
    assert page.status_code == 200
    assert "报告年度不能早于该干部年满16周岁（出生年月1992.06，2008年6月年满）" in page_text(page)
    assert not PersonalMattersReport.objects.exists()


def test_an_online_course_is_not_completed_before_the_cadre_turned_16(make_cadre, tree) -> None:
    cadre = make_cadre(birth=datetime.date(1988, 3, 9))
    course = OnlineCourse.objects.create(code="WL-001", name="党史学习", unit=tree["province"], hours=2)
    with pytest.raises(Exception) as refused:
        online_completion_save(completion=OnlineCompletion(course=course, cadre=cadre,
                                                           completed_on=datetime.date(1999, 12, 1)),
                               actor=SystemActor("tests"))
    assert "完成日期不能早于该干部年满16周岁（出生年月1988.03，2004年3月年满）" in str(refused.value)
    assert not OnlineCompletion.objects.exists()
