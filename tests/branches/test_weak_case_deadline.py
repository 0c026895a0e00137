"""A 软弱涣散 case's 整顿时限 moves only by 延期 of its checklist item (a reason, at most six
months at a time): the case page shows it read only, the save service refuses a new one,
and an extension on the checklist carries the case's deadline with it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from branches.models import WeakBranchCase, WeakCategory
from branches.services import weak_case_open, weak_case_save
from orgwork.rectification import services as rectification
from orgwork.rectification.models import RectificationItem

from .test_rules_on_every_path import audit_rows_of

pytestmark = pytest.mark.django_db


def first_deadline() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=30)


@pytest.fixture
def case(orgs: Any, county_a_clerk: Any) -> WeakBranchCase:
    return weak_case_open(
        organisation=orgs["village"], year=timezone.localdate().year, categories=[WeakCategory.RULES],
        problems="制度不落实", plan="建章立制", contact_leader="王副书记", deadline=first_deadline(), actor=county_a_clerk)


def item_of(case: WeakBranchCase) -> RectificationItem:
    return RectificationItem.objects.get(pk=case.rectification_item_id)


def test_a_weak_cases_deadline_cannot_be_moved_by_its_save_service_only_by_an_extension(
        case: WeakBranchCase, county_a_clerk: Any) -> None:
    trail = len(audit_rows_of(case))
    edited = WeakBranchCase.objects.get(pk=case.pk)
    edited.deadline = first_deadline() + datetime.timedelta(days=540)
    with pytest.raises(ValidationError) as refused:
        weak_case_save(case=edited, actor=county_a_clerk)
    message = refused.value.message_dict["deadline"][0]
    assert message.startswith("整顿时限确定后不能在整顿台账中直接修改：整顿时限只能通过整改事项的「延期」调整")
    assert "每次最长延期6个月" in message and "打开该整顿挂入的整改事项，使用「延期」并说明理由" in message
    case.refresh_from_db()
    assert case.deadline == first_deadline() and item_of(case).deadline == first_deadline()
    assert len(audit_rows_of(case)) == trail


def test_a_case_not_on_the_checklist_is_told_to_go_onto_it_before_an_extension(orgs: Any, county_a_clerk: Any) -> None:
    case = weak_case_open(
        organisation=orgs["community"], year=timezone.localdate().year, categories=[WeakCategory.RULES],
        problems="制度不落实", plan="建章立制", contact_leader="王副书记", deadline=first_deadline(),
        actor=county_a_clerk, link_rectification=False)
    case.deadline = first_deadline() + datetime.timedelta(days=10)
    with pytest.raises(ValidationError) as refused:
        weak_case_save(case=case, actor=county_a_clerk)
    assert "请先将该整顿「挂入整改清单」，再在该整改事项中使用「延期」" in refused.value.message_dict["deadline"][0]
    assert WeakBranchCase.objects.get(pk=case.pk).deadline == first_deadline()


def test_a_weak_cases_other_fields_still_save_through_the_service(case: WeakBranchCase, county_a_clerk: Any) -> None:
    edited = WeakBranchCase.objects.get(pk=case.pk)
    edited.plan = "建章立制，按月督导"
    weak_case_save(case=edited, actor=county_a_clerk)
    case.refresh_from_db()
    assert (case.plan, case.deadline) == ("建章立制，按月督导", first_deadline())


def test_a_weak_cases_deadline_cannot_be_moved_on_its_page_only_by_an_extension(
        case: WeakBranchCase, county_a_clerk: Any, client_for: Any) -> None:
    url = reverse("admin:branches_weakbranchcase_change", args=[case.pk])
    client = client_for(county_a_clerk)
    page = client.get(url)
    assert "deadline" not in page.context["adminform"].form.fields
    assert "整顿时限只能通过所挂整改事项的「延期」调整（须说明理由，每次最长延期6个月）" in page.content.decode()
    trail = len(audit_rows_of(case))
    data = {"organisation": case.organisation_id, "year": case.year, "categories": [WeakCategory.RULES],
            "problems": case.problems, "plan": case.plan, "contact_leader": case.contact_leader,
            "deadline": (first_deadline() + datetime.timedelta(days=540)).isoformat(),
            "awareness_rate": "", "satisfaction_rate": "", "surveyed_on": ""}
    response = client.post(url, data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.deadline == first_deadline() and item_of(case).deadline == first_deadline()
    assert len(audit_rows_of(case)) == trail  # nothing else changed, nothing written


def test_a_new_case_still_takes_its_deadline_on_the_add_page(orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    page = client_for(county_a_clerk).get(reverse("admin:branches_weakbranchcase_add"))
    assert "deadline" in page.context["adminform"].form.fields


def test_an_extension_of_the_checklist_item_moves_the_cases_deadline_with_it(
        case: WeakBranchCase, county_a_clerk: Any) -> None:
    later = first_deadline() + datetime.timedelta(days=60)
    rectification.rectification_extend_deadline(item=item_of(case), actor=county_a_clerk, new_deadline=later,
                                                 reason="村两委换届，班子调整后再验收")
    case.refresh_from_db()
    assert case.deadline == later == item_of(case).deadline
    last = audit_rows_of(case)[-1]
    assert last.changes["deadline"] == [first_deadline().isoformat(), later.isoformat()]
    assert f"整顿时限由 {first_deadline():%Y-%m-%d} 延至 {later:%Y-%m-%d}" in last.message


def test_an_extension_beyond_six_months_is_refused_and_the_case_keeps_its_deadline(
        case: WeakBranchCase, county_a_clerk: Any) -> None:
    with pytest.raises(ValidationError):
        rectification.rectification_extend_deadline(item=item_of(case), actor=county_a_clerk,
                                                     new_deadline=first_deadline() + datetime.timedelta(days=540),
                                                     reason="延长整顿")
    case.refresh_from_db()
    assert case.deadline == first_deadline() == item_of(case).deadline


def test_a_second_extension_at_once_is_refused_and_the_case_keeps_its_extended_deadline(
        case: WeakBranchCase, county_a_clerk: Any) -> None:
    later = first_deadline() + datetime.timedelta(days=60)
    rectification.rectification_extend_deadline(item=item_of(case), actor=county_a_clerk, new_deadline=later,
                                                 reason="村两委换届，班子调整后再验收")
    trail = len(audit_rows_of(case))
    with pytest.raises(ValidationError) as refused:
        rectification.rectification_extend_deadline(item=item_of(case), actor=county_a_clerk,
                                                     new_deadline=later + datetime.timedelta(days=60),
                                                     reason="再延一次")
    assert "该事项已延期过" in refused.value.message_dict["new_deadline"][0]
    assert "再次延期须在现整改时限前30天内或逾期后申请" in refused.value.message_dict["new_deadline"][0]
    case.refresh_from_db()
    assert case.deadline == later == item_of(case).deadline
    assert len(audit_rows_of(case)) == trail


def test_the_page_of_a_case_struck_off_reads_without_a_save_and_a_forged_save_changes_nothing(
        orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    from branches.models import WeakCaseState

    case = weak_case_open(organisation=orgs["village"], year=2025, categories=[WeakCategory.ORGANISATIONAL_LIFE],
                          problems="三会一课不经常", plan="配强班子", contact_leader="王副书记",
                          deadline=datetime.date(2025, 12, 31), actor=county_a_clerk)
    WeakBranchCase.objects.filter(pk=case.pk).update(
        state=WeakCaseState.CLOSED, closed_on=datetime.date(2025, 12, 20), awareness_rate=90, satisfaction_rate=90,
        surveyed_on=datetime.date(2025, 12, 10))
    client = client_for(county_a_clerk)
    url = reverse("admin:branches_weakbranchcase_change", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert 'name="_save"' not in page.content.decode()
    client.post(url, {"organisation": case.organisation_id, "year": "2025", "categories": ["organisational_life"],
                      "problems": "改写", "plan": "改写", "contact_leader": "改写"})
    assert WeakBranchCase.objects.get(pk=case.pk).problems == "三会一课不经常"


def test_a_case_on_the_checklist_keeps_its_branch_and_year_in_the_service(
        case: WeakBranchCase, orgs: Any, county_a_clerk: Any) -> None:
    edited = WeakBranchCase.objects.get(pk=case.pk)
    edited.organisation, edited.year = orgs["community"], case.year - 1
    with pytest.raises(ValidationError) as refused:
        weak_case_save(case=edited, actor=county_a_clerk)
    assert set(refused.value.message_dict) == {"organisation", "year"}
    assert refused.value.message_dict["year"][0].startswith("该整顿已挂入整改清单，排查年度不能再修改")
    case.refresh_from_db()
    assert (case.organisation, case.year) == (orgs["village"], timezone.localdate().year)


def test_a_case_on_the_checklist_shows_its_branch_and_year_read_only_and_a_forged_post_moves_nothing(
        case: WeakBranchCase, orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    url = reverse("admin:branches_weakbranchcase_change", args=[case.pk])
    client = client_for(county_a_clerk)
    fields = client.get(url).context["adminform"].form.fields
    assert "organisation" not in fields and "year" not in fields
    data = {"organisation": orgs["community"].pk, "year": case.year - 1, "categories": [WeakCategory.RULES],
            "problems": case.problems, "plan": case.plan, "contact_leader": case.contact_leader,
            "awareness_rate": "", "satisfaction_rate": "", "surveyed_on": ""}
    assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert (case.organisation, case.year) == (orgs["village"], timezone.localdate().year)


def test_a_case_not_on_the_checklist_may_still_correct_its_branch(orgs: Any, county_a_clerk: Any) -> None:
    case = weak_case_open(
        organisation=orgs["community"], year=timezone.localdate().year, categories=[WeakCategory.RULES],
        problems="制度不落实", plan="建章立制", contact_leader="王副书记", deadline=first_deadline(),
        actor=county_a_clerk, link_rectification=False)
    case.organisation = orgs["village"]
    weak_case_save(case=case, actor=county_a_clerk)
    assert WeakBranchCase.objects.get(pk=case.pk).organisation == orgs["village"]


def test_a_new_case_due_before_its_year_is_refused_on_the_service_and_the_page(
        orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    year = timezone.localdate().year
    with pytest.raises(ValidationError) as refused:
        weak_case_open(organisation=orgs["community"], year=year, categories=[WeakCategory.RULES],
                       problems="制度不落实", plan="建章立制", contact_leader="王副书记",
                       deadline=datetime.date(2020, 1, 1), actor=county_a_clerk)
    assert refused.value.message_dict["deadline"][0].startswith(f"整顿时限 2020-01-01 早于排查年度（{year}年）")
    page = client_for(county_a_clerk).post(reverse("admin:branches_weakbranchcase_add"), {
        "organisation": orgs["community"].pk, "year": year, "categories": [WeakCategory.RULES],
        "problems": "制度不落实", "plan": "建章立制", "contact_leader": "王副书记", "deadline": "2020-01-01",
        "awareness_rate": "", "satisfaction_rate": "", "surveyed_on": ""})
    assert page.status_code == 200 and "早于排查年度" in page.content.decode()
    assert not WeakBranchCase.objects.filter(organisation=orgs["community"]).exists()
