"""Fixtures of the audit-list tests: the other apps' builders, and helpers that read a list page."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from orgwork.codes import lookup
from seeds.reference import load_reference
from tests.rectification.conftest import city_checklist, item_in, open_item  # noqa: F401  (fixtures)
from tests.talent.conftest import enroll, leading, make_card, make_person  # noqa: F401  (fixtures)


@pytest.fixture
def reference(db: Any) -> Iterator[None]:
    """The reference code sets a cadre's 民族/学历 are checked against."""
    lookup.cache_clear()
    load_reference()
    yield
    lookup.cache_clear()


def open_list(client: Any, slug: str, params: dict[str, Any] | None = None) -> Any:
    response = client.get(reverse("admin:worklist", args=[slug]), params or {})
    assert response.status_code == 200, response.content[:500]
    return response


def column(response: Any, index: int = 0) -> list[Any]:
    """One column of the list's table, as shown on the page."""
    return [row["cells"][index] for row in response.context["table"]]


def exported(client: Any, slug: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    response = client.get(reverse("admin:worklist", args=[slug]), {**(params or {}), "_export": "xlsx"})
    assert response.status_code == 200
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
