"""A 软弱涣散 branch's checklist item (整改事项) is put up for 销号 and struck off only once
the branch's 知情度满意度测评 reaches the threshold, whichever page or step does it: the
kernel asks the rule the branches app registers (``orgwork.rectification.closing``)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from branches.models import WeakBranchCase, WeakCaseState, WeakCategory
from branches.services import weak_case_close, weak_case_open, weak_case_record_survey
from orgwork.rectification import services
from orgwork.rectification.models import ItemState, RectificationItem
from tests.rectification.test_admin import messages_of, post_action
from tests.rectification.test_item_page_steps import step_url

pytestmark = pytest.mark.django_db

SURVEYED = datetime.date(2025, 11, 1)


@pytest.fixture
def case(orgs: Any, county_a_clerk: Any) -> WeakBranchCase:
    return weak_case_open(
        organisation=orgs["village"], year=2025, categories=[WeakCategory.ORGANISATIONAL_LIFE],
        problems="三会一课不经常", plan="一支部一方案：配强班子", contact_leader="王副书记",
        deadline=datetime.date(2025, 12, 31), actor=county_a_clerk)


def item_of(case: WeakBranchCase) -> RectificationItem:
    return RectificationItem.objects.get(pk=case.rectification_item_id)


def in_progress(case: WeakBranchCase, actor: Any) -> RectificationItem:
    return services.rectification_start(item=item_of(case), actor=actor)


def test_the_item_of_a_branch_not_yet_surveyed_cannot_be_put_up_for_closure(case, county_a_clerk):
    item = in_progress(case, county_a_clerk)
    with pytest.raises(ValidationError) as refused:
        services.rectification_request_closure(item=item, actor=county_a_clerk, account="已配强班子，按月督导。")
    assert "尚未开展测评" in refused.value.message_dict["state"][0]
    assert item_of(case).state == ItemState.IN_PROGRESS


def test_the_item_of_a_branch_whose_awareness_is_below_the_threshold_cannot_be_put_up_for_closure(
        case, county_a_clerk):
    weak_case_record_survey(case=case, awareness="76", satisfaction="90", surveyed_on=SURVEYED, actor=county_a_clerk)
    item = in_progress(case, county_a_clerk)
    with pytest.raises(ValidationError) as refused:
        services.rectification_request_closure(item=item, actor=county_a_clerk, account="已配强班子，按月督导。")
    message = refused.value.message_dict["state"][0]
    assert "知情度 76.0%" in message and "知情度、满意度均达到 80% 后方可销号" in message
    assert item_of(case).state == ItemState.IN_PROGRESS


def test_the_request_step_on_the_items_page_says_why_in_chinese(case, county_a_clerk, client_for):
    weak_case_record_survey(case=case, awareness="76", satisfaction="90", surveyed_on=SURVEYED, actor=county_a_clerk)
    item = in_progress(case, county_a_clerk)
    page = client_for(county_a_clerk).post(step_url(item, "request_closure_step"), {"account": "已整改到位。"})
    assert page.status_code == 200 and "后方可销号" in page.content.decode()
    assert item_of(case).state == ItemState.IN_PROGRESS


def test_the_batch_request_action_refuses_the_item_in_its_summary(case, county_a_clerk, client_for):
    weak_case_record_survey(case=case, awareness="76", satisfaction="90", surveyed_on=SURVEYED, actor=county_a_clerk)
    item = in_progress(case, county_a_clerk)
    response = post_action(client_for(county_a_clerk), "request_closure_action", [item], apply="1",
                           account="已整改到位。")
    assert any("后方可销号" in message for message in messages_of(response))
    assert item_of(case).state == ItemState.IN_PROGRESS


def requested_then_surveyed_short(case: WeakBranchCase, actor: Any) -> RectificationItem:
    """A passing survey put the item up for 销号; a survey recorded again fell short."""
    weak_case_record_survey(case=case, awareness="85", satisfaction="90", surveyed_on=SURVEYED, actor=actor)
    assert item_of(case).state == ItemState.CLOSURE_REQUESTED
    weak_case_record_survey(case=case, awareness="76", satisfaction="90", surveyed_on=SURVEYED, actor=actor)
    return item_of(case)


def test_the_item_is_not_struck_off_while_the_survey_falls_short(case, county_a_clerk, city_officer):
    item = requested_then_surveyed_short(case, county_a_clerk)
    with pytest.raises(ValidationError) as refused:
        services.rectification_approve_closure(item=item, actor=city_officer)
    assert "知情度 76.0%" in refused.value.message_dict["state"][0]
    assert item_of(case).state == ItemState.CLOSURE_REQUESTED


def test_the_approve_step_and_action_refuse_the_item_while_the_survey_falls_short(
        case, county_a_clerk, city_officer, client_for):
    item = requested_then_surveyed_short(case, county_a_clerk)
    client = client_for(city_officer)
    page = client.post(step_url(item, "approve_step"), {"note": "同意销号"})
    assert page.status_code == 200 and "后方可销号" in page.content.decode()
    response = post_action(client, "approve_action", [item], apply="1", note="同意销号")
    assert any("后方可销号" in message for message in messages_of(response))
    assert item_of(case).state == ItemState.CLOSURE_REQUESTED
    assert WeakBranchCase.objects.get(pk=case.pk).state == WeakCaseState.RECTIFYING


def test_a_passing_survey_strikes_off_the_case_and_its_item_together(case, county_a_clerk, city_officer):
    weak_case_record_survey(case=case, awareness="80", satisfaction="92.5", surveyed_on=SURVEYED, actor=county_a_clerk)
    closed = weak_case_close(case=case, actor=city_officer)
    assert closed.state == WeakCaseState.CLOSED
    assert item_of(case).state == ItemState.CLOSED



def case_audit_messages(case: WeakBranchCase) -> list[str]:
    from django.contrib.contenttypes.models import ContentType

    from orgwork.audit.models import AuditLog

    return list(AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(WeakBranchCase),
                                        object_id=str(case.pk)).order_by("pk").values_list("message", flat=True))


def test_striking_off_the_item_on_its_own_page_closes_the_case_with_it(case, county_a_clerk, city_officer,
                                                                       client_for):
    weak_case_record_survey(case=case, awareness="88", satisfaction="91", surveyed_on=SURVEYED, actor=county_a_clerk)
    item = item_of(case)
    assert item.state == ItemState.CLOSURE_REQUESTED
    page = client_for(city_officer).post(step_url(item, "approve_step"), {"note": "同意销号"})
    assert page.status_code == 302
    closed = WeakBranchCase.objects.get(pk=case.pk)
    assert (item_of(case).state, closed.state, closed.closed_on) == (ItemState.CLOSED, WeakCaseState.CLOSED,
                                                                     timezone.localdate())
    assert case_audit_messages(case)[-1] == "整改事项销号，整顿随之销号（知情度 88.0%，满意度 91.0%）"


def test_striking_off_the_item_in_a_batch_closes_the_case_with_it(case, county_a_clerk, city_officer, client_for):
    weak_case_record_survey(case=case, awareness="88", satisfaction="91", surveyed_on=SURVEYED, actor=county_a_clerk)
    post_action(client_for(city_officer), "approve_action", [item_of(case)], apply="1", note="同意销号")
    assert WeakBranchCase.objects.get(pk=case.pk).state == WeakCaseState.CLOSED


def test_closing_the_case_writes_one_closing_row_on_the_case(case, county_a_clerk, city_officer):
    weak_case_record_survey(case=case, awareness="80", satisfaction="92.5", surveyed_on=SURVEYED, actor=county_a_clerk)
    weak_case_close(case=case, actor=city_officer)
    closing_rows = [m for m in case_audit_messages(case) if "销号" in m]
    assert closing_rows == ["测评达标销号（知情度 80.0%，满意度 92.5%）"]


def test_putting_the_struck_off_item_on_the_books_again_reopens_the_case_for_a_new_survey(
        case, county_a_clerk, city_officer, client_for):
    weak_case_record_survey(case=case, awareness="88", satisfaction="91", surveyed_on=SURVEYED, actor=county_a_clerk)
    services.rectification_approve_closure(item=item_of(case), actor=city_officer, note="同意销号")
    services.rectification_reopen(item=item_of(case), actor=city_officer, reason="回头看发现班子仍不健全")
    reopened = WeakBranchCase.objects.get(pk=case.pk)
    assert (reopened.state, reopened.closed_on, reopened.awareness_rate, reopened.surveyed_on) == (
        WeakCaseState.RECTIFYING, None, None, None)
    assert case_audit_messages(case)[-1] == "整改事项回头看重新挂账，整顿重新开始，须重新测评（原测评 2025-11-01：知情度 88.0%，满意度 91.0%）"
    with pytest.raises(ValidationError):  # the old survey no longer stands for the item
        services.rectification_request_closure(item=services.rectification_start(item=item_of(case), actor=county_a_clerk),
                                               actor=county_a_clerk, account="已整改")


def test_the_items_page_names_its_source_case_for_whoever_may_read_the_case_and_only_its_kind_otherwise(
        case, county_a_clerk, make_staff, tree, client_for, rf):
    from django.contrib import admin
    from django.urls import reverse

    from orgwork.accounts import roles

    page = reverse("admin:rectification_rectificationitem_change", args=[case.rectification_item_id])
    assert f">{case}</a>" in client_for(county_a_clerk).get(page).content.decode()
    item_admin = admin.site._registry[RectificationItem]
    request = rf.get(page)
    request.user = make_staff("cadre_only", tree["county_a"], roles.CADRE_SUPERVISION)
    assert not request.user.has_perm("branches.view_weakbranchcase")
    item = item_admin.get_object(request, str(case.rectification_item_id)) or item_of(case)
    item.source_shown = item_admin.source_name(request, item)
    assert item.source_shown is None
    assert f">软弱涣散党组织整顿 #{case.pk}</a>" in item_admin.source_link(item)
