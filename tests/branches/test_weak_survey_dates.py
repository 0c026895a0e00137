"""测评日期 of a 软弱涣散 case lies between its 排查年度 and today: on the service, the
case page's form, and so the checklist item is never put up for 销号 on a survey dated 1950."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.models import WeakBranchCase, WeakCategory
from branches.services import weak_case_open, weak_case_record_survey
from orgwork.common import dates
from orgwork.rectification.models import ItemState, RectificationItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(orgs: Any, county_a_clerk: Any) -> WeakBranchCase:
    return weak_case_open(
        organisation=orgs["village"], year=2026, categories=[WeakCategory.RULES], problems="制度不落实",
        plan="建章立制", contact_leader="王副书记", deadline=datetime.date(2026, 12, 31), actor=county_a_clerk)


def tomorrow() -> datetime.date:
    return dates.today() + datetime.timedelta(days=1)


@pytest.mark.parametrize(("surveyed_on", "said"), [
    (datetime.date(1950, 1, 1), "测评日期 1950-01-01 早于该党组织列入软弱涣散整顿的排查年度（2026年）：测评应在列入整顿之后开展，不早于 2026-01-01。"),
    (datetime.date(2001, 1, 1), "测评日期 2001-01-01 早于该党组织列入软弱涣散整顿的排查年度（2026年）"),
    (datetime.date(2030, 1, 1), "测评日期 2030-01-01 晚于今天：只能记录已经开展的测评。"),
])
def test_a_survey_before_the_case_or_after_today_is_refused_and_the_item_stays(
        case: WeakBranchCase, county_a_clerk: Any, surveyed_on: datetime.date, said: str) -> None:
    with pytest.raises(ValidationError) as refused:
        weak_case_record_survey(case=case, awareness="95", satisfaction="95", surveyed_on=surveyed_on, actor=county_a_clerk)
    assert refused.value.message_dict["surveyed_on"][0].startswith(said)
    case.refresh_from_db()
    assert case.surveyed_on is None
    assert RectificationItem.objects.get(pk=case.rectification_item_id).state != ItemState.CLOSURE_REQUESTED


def test_a_survey_tomorrow_is_refused_and_today_is_taken(case: WeakBranchCase, county_a_clerk: Any) -> None:
    with pytest.raises(ValidationError):
        weak_case_record_survey(case=case, awareness="95", satisfaction="95", surveyed_on=tomorrow(), actor=county_a_clerk)
    if dates.today().year >= case.year:
        taken = weak_case_record_survey(case=case, awareness="95", satisfaction="95", surveyed_on=dates.today(),
                                        actor=county_a_clerk)
        assert taken.surveyed_on == dates.today()


def form_data(case: WeakBranchCase, surveyed_on: str) -> dict[str, Any]:
    return {"organisation": case.organisation_id, "year": case.year, "categories": [WeakCategory.RULES],
            "problems": case.problems, "plan": case.plan, "contact_leader": case.contact_leader,
            "deadline": "2026-12-31", "awareness_rate": "95", "satisfaction_rate": "95", "surveyed_on": surveyed_on}


@pytest.mark.parametrize("surveyed_on", ["1950-01-01", "2030-01-01"])
def test_the_case_page_refuses_a_survey_date_outside_the_case(case: WeakBranchCase, county_a_clerk: Any,
                                                               client_for: Any, surveyed_on: str) -> None:
    response = client_for(county_a_clerk).post(reverse("admin:branches_weakbranchcase_change", args=[case.pk]),
                                                form_data(case, surveyed_on))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["surveyed_on"] and f"测评日期 {surveyed_on}" in errors["surveyed_on"][0]
    case.refresh_from_db()
    assert case.surveyed_on is None
    assert RectificationItem.objects.get(pk=case.rectification_item_id).state != ItemState.CLOSURE_REQUESTED


def test_moving_the_case_to_a_later_year_than_its_survey_is_refused(orgs: Any, county_a_clerk: Any,
                                                                     client_for: Any) -> None:
    # Not yet on the checklist: once on it, its year stays (weak_case_check).
    case = weak_case_open(
        organisation=orgs["village"], year=2026, categories=[WeakCategory.RULES], problems="制度不落实",
        plan="建章立制", contact_leader="王副书记", deadline=datetime.date(2026, 12, 31), actor=county_a_clerk,
        link_rectification=False)
    case.awareness_rate = case.satisfaction_rate = 70
    case.surveyed_on = datetime.date(2026, 3, 1)
    case.save()
    data = {**form_data(case, "2026-03-01"), "year": 2027, "awareness_rate": "70", "satisfaction_rate": "70"}
    response = client_for(county_a_clerk).post(reverse("admin:branches_weakbranchcase_change", args=[case.pk]), data)
    assert response.status_code == 200
    assert "早于该党组织列入软弱涣散整顿的排查年度（2027年）" in response.context["adminform"].form.errors["surveyed_on"][0]


def test_a_survey_on_record_before_the_rule_is_left_alone_when_the_plan_is_edited(
        case: WeakBranchCase, county_a_clerk: Any, client_for: Any) -> None:
    WeakBranchCase.objects.filter(pk=case.pk).update(awareness_rate=70, satisfaction_rate=70,
                                                     surveyed_on=datetime.date(2001, 1, 1))
    data = {**form_data(case, "2001-01-01"), "plan": "建章立制，按月督导", "awareness_rate": "70.0", "satisfaction_rate": "70.0"}
    response = client_for(county_a_clerk).post(reverse("admin:branches_weakbranchcase_change", args=[case.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
