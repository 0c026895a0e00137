"""谁交办谁销号: an item on a checklist issued above is not struck off by its own 责任单位."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgwork.accounts import roles
from orgwork.audit.models import AuditLog
from orgwork.rectification import services
from orgwork.rectification.models import Checklist, ChecklistSource, ItemState, RectificationItem

from .test_admin import messages_of, post_action

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("extension_day")]

REFUSAL = ("问题清单「市委第一巡察组反馈问题清单（兰巡反〔2026〕1号）」由上级印发（所涉单位：{city}），本事项的责任单位"
           "「{county}」就是您所在单位：销号须由清单印发单位或责任单位的上级审核，责任单位不能自行销号。")


@pytest.fixture
def colleague(make_staff: Any, tree: dict[str, Any]) -> Any:
    """A second clerk of county A with every business role: not the one who asked for 销号."""
    return make_staff("county_a_colleague", tree["county_a"], *roles.BUSINESS_ROLES)


def refusal(tree: dict[str, Any], step: str = "销号") -> str:
    text = REFUSAL.format(city=tree["city"], county=tree["county_a"])
    return text.removesuffix("销号。") + f"{step}。"


def page(item: RectificationItem) -> str:
    return reverse("admin:rectification_rectificationitem_change", args=[item.pk])


def step_url(item: RectificationItem, name: str) -> str:
    return reverse(f"admin:rectification_rectificationitem_{name}", args=[item.pk])


def test_a_county_cannot_strike_off_its_own_item_on_the_citys_checklist(item_in, colleague, tree) -> None:
    item = item_in(ItemState.CLOSURE_REQUESTED)
    rows = AuditLog.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.rectification_approve_closure(item=item, actor=colleague)
    assert refused.value.message_dict == {"reviewed_by": [refusal(tree)]}
    item.refresh_from_db()
    assert item.state == ItemState.CLOSURE_REQUESTED and item.reviewed_by is None
    assert AuditLog.objects.count() == rows


def test_the_steps_address_typed_by_the_county_leads_back_to_the_item_with_who_strikes_it_off(
        item_in, colleague, tree, client_for) -> None:
    item = item_in(ItemState.CLOSURE_REQUESTED)
    url = reverse("admin:rectification_rectificationitem_approve_step", args=[item.pk])
    rows = AuditLog.objects.filter(object_id=str(item.pk)).count()
    response = client_for(colleague).post(url, {"note": "已核实"}, follow=True)
    assert response.redirect_chain == [(page(item), 302)]
    assert messages_of(response) == [refusal(tree)]
    assert RectificationItem.objects.get(pk=item.pk).state == ItemState.CLOSURE_REQUESTED
    assert AuditLog.objects.filter(object_id=str(item.pk)).count() == rows


def test_the_batch_action_refuses_the_countys_own_item_and_names_it(item_in, colleague, tree, client_for) -> None:
    item = item_in(ItemState.CLOSURE_REQUESTED, problem="自行销号")
    response = post_action(client_for(colleague), "approve_action", [item], apply="1")
    assert messages_of(response) == [f"销号：已办理 0 项，未办理 1 项。「自行销号」：{refusal(tree)}"]
    assert RectificationItem.objects.get(pk=item.pk).state == ItemState.CLOSURE_REQUESTED


def test_a_county_strikes_off_an_item_of_its_own_checklist(tree, county_a_clerk, colleague) -> None:
    checklist = Checklist.objects.create(source=ChecklistSource.INSPECTION, title="区委第一巡察组反馈问题清单",
                                         document_number="城巡反〔2026〕1号", document_date=datetime.date(2026, 3, 1),
                                         unit=tree["county_a"], year=2026)
    item = services.rectification_open_item(unit=tree["county_a"], source=ChecklistSource.INSPECTION, problem="台账不全",
                                            actor=county_a_clerk, checklist=checklist,
                                            deadline=datetime.date(2026, 6, 30))
    services.rectification_start(item=item, actor=county_a_clerk)
    services.rectification_request_closure(item=item, actor=county_a_clerk, account="已补齐台账。")
    services.rectification_approve_closure(item=item, actor=colleague)
    assert RectificationItem.objects.get(pk=item.pk).state == ItemState.CLOSED


def test_the_city_strikes_off_a_countys_item_on_the_provinces_checklist(tree, province_officer, county_a_clerk,
                                                                        city_officer) -> None:
    checklist = Checklist.objects.create(source=ChecklistSource.INSPECTION, title="省委第二巡视组反馈问题清单",
                                         document_number="甘巡反〔2026〕2号", document_date=datetime.date(2026, 3, 1),
                                         unit=tree["province"], year=2026)
    item = services.rectification_open_item(unit=tree["county_a"], source=ChecklistSource.INSPECTION,
                                            problem="选人用人程序不规范", actor=province_officer, checklist=checklist,
                                            deadline=datetime.date(2026, 6, 30))
    services.rectification_start(item=item, actor=county_a_clerk)
    services.rectification_request_closure(item=item, actor=county_a_clerk, account="已整改。")
    services.rectification_approve_closure(item=item, actor=city_officer)  # a level between signs it off
    assert RectificationItem.objects.get(pk=item.pk).state == ItemState.CLOSED


# --- 退回 is the reviewer's step too --------------------------------------------------------

def test_a_county_cannot_send_back_its_own_closure_request_on_the_citys_checklist(item_in, colleague, tree) -> None:
    item = item_in(ItemState.CLOSURE_REQUESTED)
    rows = AuditLog.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.rectification_send_back(item=item, actor=colleague, reason="材料不全，撤回重报")
    assert refused.value.message_dict == {"reviewed_by": [refusal(tree, "退回")]}
    item.refresh_from_db()
    assert (item.state, item.return_reason, item.reviewed_by) == (ItemState.CLOSURE_REQUESTED, "", None)
    assert AuditLog.objects.count() == rows


def test_the_requester_cannot_send_back_the_request_in_the_reviewers_place(item_in, city_officer) -> None:
    item = item_in(ItemState.IN_PROGRESS)
    services.rectification_request_closure(item=item, actor=city_officer, account="已整改。")
    with pytest.raises(ValidationError) as refused:
        services.rectification_send_back(item=item, actor=city_officer, reason="再补充材料")
    assert refused.value.message_dict == {"reviewed_by": ["不能退回：审核人不能是销号申请人本人，请由其他同志审核。"]}
    assert RectificationItem.objects.get(pk=item.pk).state == ItemState.CLOSURE_REQUESTED


def test_the_send_back_steps_address_typed_by_the_county_leads_back_with_the_rule(item_in, colleague, tree,
                                                                                client_for) -> None:
    item = item_in(ItemState.CLOSURE_REQUESTED)
    response = client_for(colleague).post(step_url(item, "send_back_step"), {"reason": "撤回重报"}, follow=True)
    assert response.redirect_chain == [(page(item), 302)]
    assert messages_of(response) == [refusal(tree, "退回")]
    assert RectificationItem.objects.get(pk=item.pk).state == ItemState.CLOSURE_REQUESTED


def test_the_send_back_batch_refuses_the_countys_own_item_and_names_it(item_in, colleague, tree, client_for) -> None:
    item = item_in(ItemState.CLOSURE_REQUESTED, problem="自行退回")
    response = post_action(client_for(colleague), "send_back_action", [item], apply="1", reason="撤回重报")
    assert messages_of(response) == [f"退回：已办理 0 项，未办理 1 项。「自行退回」：{refusal(tree, '退回')}"]
    assert RectificationItem.objects.get(pk=item.pk).state == ItemState.CLOSURE_REQUESTED


@pytest.mark.parametrize("who", ["county_a_clerk", "county_a_colleague"])
def test_the_review_buttons_show_neither_to_the_requester_nor_to_the_responsible_unit(
        who, item_in, colleague, personas, client_for) -> None:
    item = item_in(ItemState.CLOSURE_REQUESTED)  # requested by county_a_clerk
    user = colleague if who == "county_a_colleague" else personas[who]
    html = client_for(user).get(page(item)).content.decode()
    assert step_url(item, "approve_step") not in html and step_url(item, "send_back_step") not in html


def test_the_review_buttons_show_to_the_city_that_issued_the_checklist(item_in, city_officer, client_for) -> None:
    item = item_in(ItemState.CLOSURE_REQUESTED)
    html = client_for(city_officer).get(page(item)).content.decode()
    assert step_url(item, "approve_step") in html and step_url(item, "send_back_step") in html
