"""Fixtures of the cadre tests: reference code sets loaded, cadres built in the tree."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Permission

from cadres.models import Cadre
from orgwork.accounts.models import User
from orgwork.codes import lookup
from seeds.reference import load_reference
from tests.samples.cadres import cadre_in


@pytest.fixture(autouse=True)
def reference(db: Any) -> None:
    lookup.cache_clear()
    load_reference()
    yield
    lookup.cache_clear()


@pytest.fixture
def make_cadre(tree: dict[str, Any]) -> Callable[..., Cadre]:
    def make(unit: Any = None, **fields: Any) -> Cadre:
        return cadre_in(unit or tree["county_a"], **fields)

    return make


@pytest.fixture
def grant_unmask() -> Callable[[User], User]:
    """The one-by-one permission to see full ID numbers; returns a fresh user object."""

    def grant(user: User) -> User:
        user.user_permissions.add(Permission.objects.get(codename="view_unmasked_id_number", content_type__app_label="cadres"))
        return User.objects.get(pk=user.pk)

    return grant


BIRTH = datetime.date(1975, 6, 15)
