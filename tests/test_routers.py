"""Read-only lists go to the replica alias when one is configured; writes never do."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orgwork.routers import REPLICA
from orgwork.units.models import Unit


# These run in the pass that bin/test makes with DATABASE_REPLICA_URL set to the same
# database (a second alias, as a streaming replica would be); the first pass deselects them.
replica_pass = pytest.mark.replica


@pytest.fixture
def replica() -> Any:
    return connections[REPLICA]


@replica_pass
@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_a_changelist_reads_from_the_replica(replica: Any, personas: dict[str, Any], client_for: Any) -> None:
    client = client_for(personas["system_admin"])
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connections["default"]) as on_primary:
        response = client.get(reverse("admin:units_unit_changelist"))
    assert response.status_code == 200
    assert any("units_unit" in q["sql"] for q in on_replica.captured_queries)
    assert not any('FROM "units_unit"' in q["sql"] for q in on_primary.captured_queries)
    assert "城关镇" in response.content.decode()


@replica_pass
@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_saving_a_form_stays_on_the_primary(replica: Any, personas: dict[str, Any], tree: dict[str, Unit], client_for: Any) -> None:
    unit = tree["county_b"]
    with CaptureQueriesContext(replica) as on_replica:
        response = client_for(personas["system_admin"]).post(
            reverse("admin:units_unit_change", args=[unit.pk]),
            {"code": unit.code, "name": "七里河区（改）", "parent": unit.parent_id, "unit_type": unit.unit_type,
             "level": unit.level, "sort_order": 0},
        )
    assert response.status_code == 302
    assert on_replica.captured_queries == []
    assert Unit.objects.get(pk=unit.pk).name == "七里河区（改）"


@pytest.mark.skipif(REPLICA in connections.settings, reason="checked in the pass without a replica")
def test_without_a_replica_everything_uses_the_primary(personas: dict[str, Any], client_for: Any) -> None:
    assert client_for(personas["system_admin"]).get(reverse("admin:units_unit_changelist")).status_code == 200
