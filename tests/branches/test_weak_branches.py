"""软弱涣散基层党组织整顿: one plan per branch and year, linked into the checklist,
closed only after a survey that reaches the threshold."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from branches.models import WeakBranchCase, WeakCaseState, WeakCategory
from branches.services import weak_case_close, weak_case_open, weak_case_record_survey
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.rectification.models import ChecklistSource, RectificationItem


@pytest.fixture
def case(orgs: Any, county_a_clerk: Any) -> WeakBranchCase:
    return weak_case_open(
        organisation=orgs["village"], year=2025, categories=[WeakCategory.ORGANISATIONAL_LIFE, WeakCategory.RULES],
        problems="三会一课不经常，台账缺失", plan="一支部一方案：配强班子，按月督导", contact_leader="王副书记",
        deadline=datetime.date(2025, 12, 31), actor=county_a_clerk)


def test_opening_a_case_puts_it_on_the_rectification_checklist(case: WeakBranchCase, orgs: Any) -> None:
    item = RectificationItem.objects.get(pk=case.rectification_item_id)
    assert item.checklist.source == ChecklistSource.WEAK_BRANCH
    assert item.responsible_unit == orgs["village"].unit
    assert item.lead_leader == "王副书记" and item.deadline == datetime.date(2025, 12, 31)
    assert "组织生活不正常、制度不落实" in item.problem


def test_one_case_per_branch_and_year(case: WeakBranchCase, orgs: Any, county_a_clerk: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        weak_case_open(organisation=orgs["village"], year=2025, categories=[WeakCategory.SERVICE], problems="x",
                       plan="y", contact_leader="z", deadline=datetime.date(2025, 12, 31), actor=county_a_clerk)
    assert "已列入软弱涣散整顿" in str(raised.value)


def test_a_case_needs_a_category_from_the_fixed_list(orgs: Any, county_a_clerk: Any) -> None:
    for categories in ([], ["made_up"]):
        with pytest.raises(ValidationError):
            weak_case_open(organisation=orgs["community"], year=2025, categories=categories, problems="x", plan="y",
                           contact_leader="z", deadline=datetime.date(2025, 12, 31), actor=county_a_clerk)


def test_no_closure_without_a_survey(case: WeakBranchCase, county_a_clerk: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        weak_case_close(case=case, actor=county_a_clerk)
    assert "尚未开展知情度满意度测评" in str(raised.value)


@pytest.mark.parametrize("awareness, satisfaction, complaint", [
    ("79.9", "95", "知情度 79.9%"),
    ("90", "60", "满意度 60.0%"),
])
def test_closure_is_refused_while_either_rate_is_below_the_threshold(case: WeakBranchCase, county_a_clerk: Any,
                                                                     awareness: str, satisfaction: str, complaint: str) -> None:
    weak_case_record_survey(case=case, awareness=awareness, satisfaction=satisfaction,
                            surveyed_on=datetime.date(2025, 11, 1), actor=county_a_clerk)
    with pytest.raises(ValidationError) as raised:
        weak_case_close(case=case, actor=county_a_clerk)
    assert complaint in str(raised.value) and "未达到 80% 的销号要求" in str(raised.value)
    case.refresh_from_db()
    assert case.state == WeakCaseState.RECTIFYING


def test_a_passing_survey_closes_the_case_with_an_audit_record(case: WeakBranchCase, county_a_clerk: Any,
                                                               city_officer: Any) -> None:
    weak_case_record_survey(case=case, awareness="80", satisfaction="92.5", surveyed_on=datetime.date(2025, 11, 1),
                            actor=county_a_clerk)
    closed = weak_case_close(case=case, actor=city_officer, closed_on=datetime.date(2025, 11, 5))
    assert closed.state == WeakCaseState.CLOSED and closed.closed_on == datetime.date(2025, 11, 5)
    assert AuditLog.objects.filter(object_id=str(case.pk), action=AuditAction.TRANSITION, message__contains="满意度 92.5%").exists()
    with pytest.raises(ValidationError):
        weak_case_record_survey(case=closed, awareness="10", satisfaction="10", surveyed_on=datetime.date(2025, 11, 6),
                                actor=county_a_clerk)


def test_the_threshold_is_a_setting(case: WeakBranchCase, county_a_clerk: Any, settings: Any) -> None:
    settings.BRANCH_WEAK_SURVEY_THRESHOLD = 95
    weak_case_record_survey(case=case, awareness="94", satisfaction="99", surveyed_on=datetime.date(2025, 11, 1),
                            actor=county_a_clerk)
    with pytest.raises(ValidationError) as raised:
        weak_case_close(case=case, actor=county_a_clerk)
    assert "未达到 95% 的销号要求" in str(raised.value)


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_the_category_filter_finds_the_same_cases_on_either_database(case: WeakBranchCase, vendor: str,
                                                                     county_a_clerk: Any, client_for: Any) -> None:
    from branches.admin.weak import category_q

    assert list(WeakBranchCase.objects.filter(category_q(WeakCategory.RULES, vendor))) == [case]
    assert not WeakBranchCase.objects.filter(category_q(WeakCategory.SERVICE, vendor)).exists()
    page = client_for(county_a_clerk).get("/admin/branches/weakbranchcase/", {"category": WeakCategory.RULES})
    assert page.status_code == 200 and case.organisation.name in page.content.decode()


# ---------------------------------------------------------------- a case on the books is not deleted


def delete_url(case: WeakBranchCase) -> str:
    from django.urls import reverse

    return reverse("admin:branches_weakbranchcase_delete", args=[case.pk])


def change_url(case: WeakBranchCase) -> str:
    from django.urls import reverse

    return reverse("admin:branches_weakbranchcase_change", args=[case.pk])


def unlinked_case(orgs: Any, actor: Any) -> WeakBranchCase:
    """A case entered by mistake, not (yet) on the checklist."""
    return weak_case_open(
        organisation=orgs["community"], year=2025, categories=[WeakCategory.RULES], problems="误录", plan="误录",
        contact_leader="李副书记", deadline=datetime.date(2025, 12, 31), actor=actor, link_rectification=False)


def test_a_case_on_the_rectification_checklist_cannot_be_deleted_from_its_page(
        case: WeakBranchCase, county_a_clerk: Any, client_for: Any) -> None:
    client = client_for(county_a_clerk)
    assert delete_url(case) not in client.get(change_url(case)).content.decode()
    assert client.post(delete_url(case), {"post": "yes"}).status_code == 403
    assert WeakBranchCase.objects.filter(pk=case.pk).exists()


def test_a_struck_off_case_cannot_be_deleted_from_its_page(case: WeakBranchCase, county_a_clerk: Any,
                                                          client_for: Any, province_officer: Any) -> None:
    weak_case_record_survey(case=case, awareness=91.5, satisfaction=88, surveyed_on=datetime.date(2025, 11, 20),
                            actor=county_a_clerk)
    weak_case_close(case=case, actor=province_officer)
    assert client_for(county_a_clerk).post(delete_url(case), {"post": "yes"}).status_code == 403
    assert WeakBranchCase.objects.get(pk=case.pk).state == WeakCaseState.CLOSED


def test_the_delete_service_refuses_a_case_on_the_books_in_chinese(case: WeakBranchCase, county_a_clerk: Any) -> None:
    from branches.services import weak_case_delete

    with pytest.raises(ValidationError) as raised:
        weak_case_delete(case=case, actor=county_a_clerk)
    assert "已挂入整改清单，在册的整顿台账不能删除" in str(raised.value)
    assert RectificationItem.objects.filter(pk=case.rectification_item_id).exists()


def test_a_case_entered_by_mistake_and_not_on_the_checklist_can_still_be_deleted_with_an_audit_row(
        orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    mistaken = unlinked_case(orgs, county_a_clerk)
    response = client_for(county_a_clerk).post(delete_url(mistaken), {"post": "yes"})
    assert response.status_code == 302
    assert not WeakBranchCase.objects.filter(pk=mistaken.pk).exists()
    entry = AuditLog.objects.get(object_id=str(mistaken.pk), content_type__model="weakbranchcase",
                                 action=AuditAction.DELETE)
    assert entry.actor == county_a_clerk


def test_the_read_only_page_names_the_categories_in_chinese(case: WeakBranchCase, view_only_auditor: Any,
                                                           client_for: Any) -> None:
    html = client_for(view_only_auditor).get(change_url(case)).content.decode()
    assert "组织生活不正常、制度不落实" in html
    assert "organisational_life" not in html
