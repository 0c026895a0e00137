"""Fixtures for the supervision tests: one cadre in county A, one in county B."""

from __future__ import annotations

from typing import Any

import pytest

from cadres.models import Cadre
from tests.samples.cadres import cadre_in


@pytest.fixture
def cadre_a(tree: dict[str, Any]) -> Cadre:
    return cadre_in(tree["county_a"], name="李志强")


@pytest.fixture
def cadre_b(tree: dict[str, Any]) -> Cadre:
    return cadre_in(tree["county_b"], name="王海东")
