"""An export link that names a unit outside the clerk's jurisdiction writes no file, and
the list it leads back to says so once."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from orgwork.exports.models import ExportFile
from orgwork.rectification.models import ItemState

from .test_admin import messages_of

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:rectification_rectificationitem_changelist"
EXPORT = "admin:rectification_rectificationitem_export"
OUTSIDE = "单位代码「620103」不存在或不在您的管辖范围内，列表为空。"


def test_an_export_of_another_countys_tree_writes_no_file_and_the_list_says_so_once(
        item_in: Any, county_a_clerk: Any, client_for: Any, tree: dict[str, Any]) -> None:
    item_in(ItemState.ON_BOOKS)
    item_in(ItemState.ON_BOOKS, problem="七里河区的问题", unit=tree["county_b"])
    response = client_for(county_a_clerk).get(reverse(EXPORT), {"unit_tree": "620103"}, follow=True)
    assert response.redirect_chain == [(reverse(CHANGELIST) + "?unit_tree=620103", 302)]
    shown = messages_of(response)
    assert shown[0].startswith("未导出：导出链接中有列表不能识别或不能应用的查询条件（unit_tree）")
    assert shown.count(OUTSIDE) == 1 and len(shown) == 2
    assert not ExportFile.objects.exists()


def test_the_next_page_after_the_refused_export_says_nothing_more(item_in: Any, county_a_clerk: Any,
                                                                  client_for: Any) -> None:
    client = client_for(county_a_clerk)
    client.get(reverse(EXPORT), {"unit_tree": "620103"}, follow=True)
    assert messages_of(client.get(reverse(CHANGELIST))) == []


def test_the_list_of_another_countys_tree_says_it_once(county_a_clerk: Any, client_for: Any) -> None:
    response = client_for(county_a_clerk).get(reverse(CHANGELIST), {"unit_tree": "620103"})
    assert messages_of(response) == [OUTSIDE]
