"""A county reads — not changes — the checklists issued above it that hold its items, and
sees only its own items of them; the 问题清单 link on its item's page opens the list."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from orgwork.rectification.models import Checklist, ItemState
from tests.imports.conftest import media  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

CHECKLISTS = reverse("admin:rectification_checklist_changelist")


def checklist_page(checklist: Checklist) -> str:
    return reverse("admin:rectification_checklist_change", args=[checklist.pk])


@pytest.fixture
def shared(item_in: Any, tree: dict[str, Any]) -> dict[str, Any]:
    """The city's checklist with two items of 城关区 (one struck off) and one of 七里河区."""
    return {
        "ours": item_in(ItemState.IN_PROGRESS, problem="城关区的问题"),
        "closed": item_in(ItemState.CLOSED, problem="城关区已销号"),
        "theirs": item_in(ItemState.ON_BOOKS, problem="七里河区的问题", unit=tree["county_b"]),
    }


def test_the_county_lists_the_citys_checklist_with_its_own_share_of_items(shared, city_checklist, county_a_clerk,
                                                                          client_for):
    page = client_for(county_a_clerk).get(CHECKLISTS)
    [row] = [c for c in page.context["cl"].result_list if c.pk == city_checklist.pk]
    assert (row.found, row.rectified) == (2, 1)


def test_the_city_still_counts_every_item_of_its_checklist(shared, city_checklist, city_officer, client_for):
    page = client_for(city_officer).get(CHECKLISTS)
    [row] = [c for c in page.context["cl"].result_list if c.pk == city_checklist.pk]
    assert (row.found, row.rectified) == (3, 1)


def test_a_county_does_not_list_an_upper_checklist_without_items_of_its_own(shared, city_checklist,
                                                                             county_a_clerk, client_for, tree):
    empty = Checklist.objects.create(source=city_checklist.source, title="市里另一份清单", document_number="兰巡反〔2026〕9号",
                                     document_date=city_checklist.document_date, unit=tree["city"], year=2026)
    listed = {c.pk for c in client_for(county_a_clerk).get(CHECKLISTS).context["cl"].result_list}
    assert city_checklist.pk in listed and empty.pk not in listed
    assert client_for(county_a_clerk).get(checklist_page(empty), follow=True).redirect_chain  # not found


def test_the_checklist_link_on_a_countys_item_opens_the_citys_checklist_read_only(shared, city_checklist,
                                                                                  county_a_clerk, client_for):
    client = client_for(county_a_clerk)
    item_page = client.get(reverse("admin:rectification_rectificationitem_change", args=[shared["ours"].pk]))
    assert checklist_page(city_checklist) in item_page.content.decode()
    page = client.get(checklist_page(city_checklist))
    assert page.status_code == 200
    html = page.content.decode()
    assert "城关区的问题" in html and "七里河区的问题" not in html
    assert not page.context["has_change_permission"] and not page.context["has_delete_permission"]
    assert 'name="title"' not in html  # no field to fill in


def test_the_county_cannot_change_or_delete_the_citys_checklist(shared, city_checklist, county_a_clerk, client_for):
    client = client_for(county_a_clerk)
    posted = client.post(checklist_page(city_checklist), {"title": "县里改的名字", "source": city_checklist.source,
                                                          "unit": city_checklist.unit_id, "year": 2026})
    assert posted.status_code == 403
    deleted = client.post(reverse("admin:rectification_checklist_delete", args=[city_checklist.pk]), {"post": "yes"})
    assert deleted.status_code == 403
    assert Checklist.objects.get(pk=city_checklist.pk).title == "市委第一巡察组反馈问题清单"


def test_another_county_without_items_on_the_checklist_still_cannot_open_it(item_in, city_checklist,
                                                                            county_b_clerk, client_for):
    item_in(ItemState.ON_BOOKS, problem="城关区的问题")
    page = client_for(county_b_clerk).get(checklist_page(city_checklist), follow=True)
    assert page.redirect_chain and "不在您的管辖范围内" in page.content.decode()


def test_the_countys_checklist_export_leaves_out_the_citys_checklist_it_cannot_import_back(
        media, shared, city_checklist, county_a_clerk, client_for):
    from .roundtrip import CHECKLISTS, exported, sheet_rows

    header, rows = sheet_rows(exported(client_for(county_a_clerk), "xlsx", CHECKLISTS))
    assert "兰巡反〔2026〕1号" not in [row[header.index("清单文号")] for row in rows]


EXPORT_NOTE = "不含当前列表中上级印发、本单位只读的清单"


@pytest.fixture
def own_checklist(city_checklist: Checklist, tree: dict[str, Any]) -> Checklist:
    """城关区's own checklist, which its export holds."""
    return Checklist.objects.create(source=city_checklist.source, title="城关区自查问题清单", document_number="城组〔2026〕1号",
                                    document_date=city_checklist.document_date, unit=tree["county_a"], year=2026)


def test_the_countys_checklist_list_says_its_export_leaves_out_the_citys_checklist_and_why(
        shared, city_checklist, own_checklist, county_a_clerk, client_for):
    page = client_for(county_a_clerk).get(CHECKLISTS)

    assert {c.pk for c in page.context["cl"].result_list} == {city_checklist.pk, own_checklist.pk}
    note = page.context["cl"].export_note
    assert f"{EXPORT_NOTE} 1 个" in note and "不能导入回系统" in note
    assert '<p class="help" id="checklist-export-note">' in page.content.decode()


def test_the_checklist_list_says_nothing_of_upper_checklists_when_the_export_holds_every_row(
        shared, city_checklist, own_checklist, county_a_clerk, city_officer, client_for):
    assert EXPORT_NOTE not in client_for(city_officer).get(CHECKLISTS).content.decode()  # the city's own checklist
    # Searched down to its own checklist, the county's list is what its export holds.
    page = client_for(county_a_clerk).get(CHECKLISTS, {"q": "城关区自查"})
    assert [c.pk for c in page.context["cl"].result_list] == [own_checklist.pk]
    assert page.context["cl"].export_note == "" and EXPORT_NOTE not in page.content.decode()
