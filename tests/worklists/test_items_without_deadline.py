"""未定整改时限的整改事项: the integrity list of items on the books with no 整改时限, which
are never overdue nor reminded, and the item list's 整改时限 filter that finds them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.urls import reverse

from orgwork.rectification.models import ItemState, RectificationItem
from orgwork.rectification.services import rectification_item_update

from .conftest import column, exported, open_list

SLUG = "rectification_without_deadline"


def recorded_before_the_rule(item: RectificationItem) -> RectificationItem:
    """An item put on the books by hand before every item needed a 整改时限 (test set-up:
    the rules now refuse to write one)."""
    RectificationItem.objects.filter(pk=item.pk).update(deadline=None, original_deadline=None)
    item.refresh_from_db()
    return item


def test_items_on_the_books_without_a_deadline_are_listed_for_the_clerk_of_their_unit_only(
    item_in: Callable[..., RectificationItem], county_a_clerk: Any, county_b_clerk: Any, client_for: Any
) -> None:
    missing = recorded_before_the_rule(item_in(ItemState.IN_PROGRESS, problem="未定时限的事项"))
    item_in(ItemState.IN_PROGRESS, problem="已定时限的事项")
    recorded_before_the_rule(item_in(ItemState.CLOSED, problem="已销号的事项"))
    recorded_before_the_rule(item_in(ItemState.ON_BOOKS, problem="乙县的事项", unit=county_b_clerk.unit))

    own = open_list(client_for(county_a_clerk), SLUG)
    assert column(own) == ["未定时限的事项"]
    assert own.context["table"][0]["link"] == reverse("admin:rectification_rectificationitem_change",
                                                      args=[missing.pk])
    assert column(open_list(client_for(county_b_clerk), SLUG)) == ["乙县的事项"]
    rows = exported(client_for(county_a_clerk), SLUG)
    assert [row[0] for row in rows[1:]] == ["未定时限的事项"]


def test_an_item_leaves_the_list_once_its_clerk_sets_a_deadline(
    item_in: Callable[..., RectificationItem], county_a_clerk: Any, client_for: Any
) -> None:
    item = recorded_before_the_rule(item_in(ItemState.IN_PROGRESS))
    client = client_for(county_a_clerk)
    assert open_list(client, SLUG).context["count"] == 1

    item.deadline = datetime.date(2026, 12, 31)
    rectification_item_update(item=item, actor=county_a_clerk)

    item.refresh_from_db()
    assert (item.deadline, item.original_deadline) == (datetime.date(2026, 12, 31), datetime.date(2026, 12, 31))
    assert open_list(client, SLUG).context["count"] == 0


def test_the_item_list_filters_items_by_whether_a_deadline_is_set(
    item_in: Callable[..., RectificationItem], county_a_clerk: Any, client_for: Any
) -> None:
    missing = recorded_before_the_rule(item_in(ItemState.IN_PROGRESS, problem="未定时限的事项"))
    dated = item_in(ItemState.IN_PROGRESS, problem="已定时限的事项")
    client = client_for(county_a_clerk)
    url = reverse("admin:rectification_rectificationitem_changelist")

    def shown(value: str) -> set[int]:
        response = client.get(url, {"deadline_set": value})
        assert response.status_code == 200
        return {item.pk for item in response.context["cl"].result_list}

    assert shown("no") == {missing.pk}
    assert shown("yes") == {dated.pk}
    assert "未定时限" in client.get(url).content.decode()
