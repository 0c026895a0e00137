"""谁交办谁销号, on the way in: the 责任单位 of an item on a checklist issued above the clerk
is set by the issuing unit. A county that moved its item on the city's list to one of its
own townships would then strike it off itself."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgwork.audit.models import AuditLog
from orgwork.rectification import services
from orgwork.rectification.models import Checklist, ChecklistSource, ItemState, RectificationItem

from .test_admin import change_form_data

pytestmark = pytest.mark.django_db

ASSIGNED = ("问题清单「市委第一巡察组反馈问题清单（兰巡反〔2026〕1号）」由「{city}」交办，事项的责任单位由交办单位确定，"
            "不能在此改动；确需调整的，请报交办单位调整。")


def assigned(tree: dict[str, Any]) -> str:
    return ASSIGNED.format(city=tree["city"])


def audit_rows(item: RectificationItem) -> int:
    return AuditLog.objects.filter(object_id=str(item.pk)).count()


def unit_of(item: RectificationItem) -> Any:
    return RectificationItem.objects.get(pk=item.pk).responsible_unit


def test_a_county_cannot_hand_its_item_on_the_citys_checklist_to_its_own_township(item_in, county_a_clerk, tree):
    item = item_in(ItemState.ON_BOOKS)
    rows = audit_rows(item)
    item.responsible_unit = tree["township_a"]
    with pytest.raises(ValidationError) as refused:
        services.rectification_item_update(item=item, actor=county_a_clerk)
    assert refused.value.message_dict == {"responsible_unit": [assigned(tree)]}
    assert unit_of(item) == tree["county_a"] and audit_rows(item) == rows


def test_the_items_change_page_shows_the_responsible_unit_to_the_county_without_offering_it(
        item_in, county_a_clerk, tree, client_for):
    item = item_in(ItemState.IN_PROGRESS)
    url = reverse("admin:rectification_rectificationitem_change", args=[item.pk])
    client = client_for(county_a_clerk)
    page = client.get(url).content.decode()
    assert 'name="responsible_unit"' not in page and str(tree["county_a"]) in page
    response = client.post(url, change_form_data(item, responsible_unit=tree["township_a"].pk))
    assert response.status_code == 302 and unit_of(item) == tree["county_a"]


def test_the_county_still_edits_the_rest_of_its_item_on_the_citys_checklist(item_in, county_a_clerk):
    item = item_in(ItemState.IN_PROGRESS)
    item.responsible_person = "李华"
    services.rectification_item_update(item=item, actor=county_a_clerk)
    assert RectificationItem.objects.get(pk=item.pk).responsible_person == "李华"


def test_the_city_that_issued_the_checklist_reassigns_an_item(item_in, city_officer, tree):
    item = item_in(ItemState.ON_BOOKS)
    item.responsible_unit = tree["township_a"]
    services.rectification_item_update(item=item, actor=city_officer)
    assert unit_of(item) == tree["township_a"]


def test_a_county_reassigns_an_item_of_its_own_checklist(tree, county_a_clerk):
    checklist = Checklist.objects.create(source=ChecklistSource.INSPECTION, title="区委巡察反馈问题清单",
                                         document_number="城巡反〔2026〕2号", document_date=datetime.date(2026, 3, 1),
                                         unit=tree["county_a"], year=2026)
    item = services.rectification_open_item(unit=tree["county_a"], source=checklist.source, checklist=checklist,
                                            problem="干部档案管理不规范", actor=county_a_clerk,
                                            deadline=datetime.date(2026, 12, 31))
    item.responsible_unit = tree["township_a"]
    services.rectification_item_update(item=item, actor=county_a_clerk)
    assert unit_of(item) == tree["township_a"]


def test_the_walk_around_ends_where_it_began_the_county_does_not_strike_off_its_item(
        item_in, county_a_clerk, make_staff, tree):
    """The hostile path: reassign to the township, request, strike off — refused at the first step."""
    from orgwork.accounts import roles

    colleague = make_staff("county_a_colleague", tree["county_a"], *roles.BUSINESS_ROLES)
    item = item_in(ItemState.IN_PROGRESS)
    item.responsible_unit = tree["township_a"]
    with pytest.raises(ValidationError):
        services.rectification_item_update(item=item, actor=county_a_clerk)
    item = RectificationItem.objects.get(pk=item.pk)
    services.rectification_request_closure(item=item, actor=county_a_clerk, account="已整改。")
    with pytest.raises(ValidationError, match="责任单位不能自行销号"):
        services.rectification_approve_closure(item=item, actor=colleague)
    assert RectificationItem.objects.get(pk=item.pk).state == ItemState.CLOSURE_REQUESTED
