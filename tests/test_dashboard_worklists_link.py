"""The dashboard's 台账（筛选名单） button leads somewhere: it is shown to an account that may
open at least one 台账, and not to one that may open none (the 三员), whose 台账 page would
only say 您没有可查看的台账。"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
BUTTON = "台账（筛选名单）"


def dashboard(client: Any) -> str:
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("persona", ["audit_admin", "security_admin", "system_admin"])
def test_an_administrator_who_may_open_no_worklist_is_not_offered_the_worklists_button(
        personas: dict[str, Any], client_for: Any, persona: str) -> None:
    client = client_for(personas[persona])
    assert BUTTON not in dashboard(client)
    assert "您没有可查看的台账。" in client.get(reverse("admin:worklists")).content.decode()


@pytest.mark.parametrize("persona", ["county_a_clerk", "view_only_auditor"])
def test_an_account_that_may_open_a_worklist_is_offered_the_button_and_it_lists_them(
        personas: dict[str, Any], client_for: Any, persona: str) -> None:
    client = client_for(personas[persona])
    assert BUTTON in dashboard(client)
    assert "您没有可查看的台账。" not in client.get(reverse("admin:worklists")).content.decode()
