"""The checklist picker of a new 整改事项 offers the checklists the user may put an item on
(``rules.check_new_item_checklist``): a county reads the city's checklist that holds its
items, but does not add to it, so the picker does not offer it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from orgwork.rectification.admin.items import CHECKLIST_NOT_OFFERED
from orgwork.rectification.models import Checklist, ChecklistSource, ItemState, RectificationItem

pytestmark = pytest.mark.django_db

ADD = reverse("admin:rectification_rectificationitem_add")


@pytest.fixture
def county_checklist(tree: dict[str, Any]) -> Checklist:
    return Checklist.objects.create(source=ChecklistSource.INSPECTION, title="区委巡察反馈问题清单",
                                    document_number="城巡反〔2026〕2号", unit=tree["county_a"], year=2026)


def picker(client: Any) -> set[str]:
    response = client.get(reverse("admin:autocomplete"), {
        "term": "", "app_label": "rectification", "model_name": "rectificationitem", "field_name": "checklist"})
    assert response.status_code == 200
    return {result["id"] for result in response.json()["results"]}


def test_the_county_is_offered_its_own_checklist_and_not_the_citys_it_reads(
        item_in, city_checklist, county_checklist, county_a_clerk, client_for):
    item_in(ItemState.IN_PROGRESS)  # the county's item on the city's checklist: the county reads that list
    client = client_for(county_a_clerk)
    listed = client.get(reverse("admin:rectification_checklist_changelist")).context["cl"].queryset
    assert listed.filter(pk=city_checklist.pk).exists()
    assert picker(client) == {str(county_checklist.pk)}


def test_the_city_is_offered_its_own_checklist_and_the_countys_below_it(
        city_checklist, county_checklist, city_officer, client_for):
    assert picker(client_for(city_officer)) == {str(city_checklist.pk), str(county_checklist.pk)}


def test_an_upper_checklist_posted_to_the_add_form_is_refused_in_the_rules_words(
        item_in, city_checklist, county_a_clerk, client_for, tree):
    item_in(ItemState.IN_PROGRESS)
    page = client_for(county_a_clerk).post(ADD, {
        "checklist": city_checklist.pk, "problem": "新发现的问题", "responsible_unit": tree["county_a"].pk,
        "deadline": "2026-12-31", "evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0",
        "transitions-TOTAL_FORMS": "0", "transitions-INITIAL_FORMS": "0"})
    assert page.status_code == 200
    html = page.content.decode()
    assert CHECKLIST_NOT_OFFERED in html and "所选的值不在可选范围内" not in html
    assert not RectificationItem.objects.filter(problem="新发现的问题").exists()


def test_the_county_adds_an_item_to_a_checklist_the_picker_offers(county_checklist, county_a_clerk, client_for, tree):
    response = client_for(county_a_clerk).post(ADD, {
        "checklist": county_checklist.pk, "problem": "新发现的问题", "responsible_unit": tree["county_a"].pk,
        "deadline": "2026-12-31", "evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0",
        "transitions-TOTAL_FORMS": "0", "transitions-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    assert RectificationItem.objects.get(problem="新发现的问题").deadline == datetime.date(2026, 12, 31)
