"""Reading a list that starts on one state (a kernel ``StateFilter``): what it shows, and
what its state filter offers and shows picked."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from django.contrib.messages import get_messages


# What a list says of a filter value it does not offer (``orgwork.admin_changelist``).
INVALID = "查询条件无效，已显示未经筛选的列表。"


def state_filter(changelist: Any, filter_class: type) -> Any:
    return next(s for s in changelist.filter_specs if isinstance(s, filter_class))


def listed(client: Any, url: str, filter_class: type,
           name: Callable[[Any], str] = lambda row: row.name) -> tuple[set[str], str, Any]:
    """The names of the rows on the list page at ``url`` (``name`` of each), the state shown
    picked (exactly one), the page."""
    page = client.get(url)
    assert page.status_code == 200
    changelist = page.context["cl"]
    spec = state_filter(changelist, filter_class)
    picked = [c["display"] for c in spec.choices(changelist) if c["selected"]]
    assert len(picked) == 1, picked
    return {name(row) for row in changelist.result_list}, picked[0], page


def told(page: Any) -> list[str]:
    """The messages the list page ``page`` gave the clerk."""
    return [str(m) for m in get_messages(page.wsgi_request)]


def starting_note(page: Any) -> tuple[str, str] | None:
    """The header's note of the state the list starts on — (its name, the link to every
    state) — or None when the page has none."""
    found = re.search(r'class="list-starting-state">（仅列(.*?)，<a href="([^"]*)">列出全部状态</a>）',
                      page.content.decode())
    return (found.group(1), html.unescape(found.group(2))) if found else None


def offered(client: Any, url: str, filter_class: type) -> dict[str, str]:
    """The state filter's choices on the list page at ``url``: shown text → its link."""
    changelist = client.get(url).context["cl"]
    return {c["display"]: c["query_string"] for c in state_filter(changelist, filter_class).choices(changelist)}


def exported_names(client: Any, url: str) -> set[str]:
    """The 姓名 column of the xlsx export at ``url``."""
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(client.get(url).content)).worksheets[0]
    head = [c.value for c in sheet[1]]
    return {row[head.index("姓名")].value for row in sheet.iter_rows(min_row=2)}
