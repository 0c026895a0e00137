"""Shared fixtures: a small jurisdiction tree and named personas.

    甘肃省 (62)
    ├── 兰州市 (6201)                 ← city_officer
    │   ├── 城关区 (620102)           ← county_a_clerk
    │   │   └── 城关镇 (620102001)
    │   └── 七里河区 (620103)         ← county_b_clerk
    └── 天水市 (6205)
province_officer and view_only_auditor sit at the province; non_staff has no admin access.
The clerks and officers hold every business role; the administrators one role each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group

from orgwork.accounts import roles
from orgwork.accounts.models import User
from orgwork.common.contract import SystemActor
from orgwork.units.models import Unit, UnitLevel, UnitType
from orgwork.units.services import unit_save

PASSWORD = "Persona#2026pw"


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Replica tests need the second alias from the start: bin/test runs them in a pass of
    their own (DATABASE_REPLICA_URL set); without it they are deselected, not skipped."""
    from django.conf import settings

    if "replica" in settings.DATABASES:
        return
    selected = [item for item in items if "replica" not in item.keywords]
    if len(selected) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if "replica" in item.keywords])
        items[:] = selected


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    # The suite talks plain HTTP through the test client; HTTPS is checked by check --deploy.
    settings.SECURE_SSL_REDIRECT = False
    # Personas are created per test; the production hasher would spend seconds on them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _media_of_this_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Files written by a test without a folder of its own go to this test process's
    folder, never to the checkout's var/media: bin/test runs the suite in one process per
    core, and each numbers its exports and uploads from 1."""
    from django.test.utils import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture
def media_root(settings: Any, tmp_path: Any) -> Any:
    """Uploaded files and built workbooks go to the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _fresh_estimates() -> Iterator[None]:
    # Each test rolls its rows back; a list's estimate, and the unit filter's choices
    # (a tree built with bulk_create sends no signal), must not outlive them.
    from orgwork.admin_base import _estimates, _unit_choices

    _estimates.clear()
    _unit_choices.clear()
    yield
    _estimates.clear()
    _unit_choices.clear()


def make_unit(code: str, name: str, parent: Unit | None, level: str = UnitLevel.COUNTY,
              unit_type: str = UnitType.PARTY_COMMITTEE) -> Unit:
    return unit_save(unit=Unit(code=code, name=name, parent=parent, level=level, unit_type=unit_type),
                     actor=SystemActor("fixture"))


@pytest.fixture
def tree(db: Any) -> dict[str, Unit]:
    province = make_unit("62", "甘肃省", None, UnitLevel.PROVINCE)
    city = make_unit("6201", "兰州市", province, UnitLevel.CITY)
    county_a = make_unit("620102", "城关区", city)
    county_b = make_unit("620103", "七里河区", city)
    township_a = make_unit("620102001", "城关镇", county_a, UnitLevel.TOWNSHIP, UnitType.TOWNSHIP)
    other_city = make_unit("6205", "天水市", province, UnitLevel.CITY)
    return {"province": province, "city": city, "county_a": county_a, "county_b": county_b,
            "township_a": township_a, "other_city": other_city}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """The role groups are written once into the test database, so that each test's
    rollback returns to them: ``setup_roles`` costs about a hundred queries."""
    with django_db_blocker.unblock():
        roles.setup_roles()


@pytest.fixture
def role_groups(db: Any) -> dict[str, Group]:
    groups = {g.name: g for g in Group.objects.all()}
    if not groups.keys() >= set(roles.ALL_ROLES):  # a transactional test before this one emptied the tables
        roles.setup_roles()
        groups = {g.name: g for g in Group.objects.all()}
    return groups


@pytest.fixture
def make_staff(tree: dict[str, Unit], role_groups: dict[str, Group]) -> Callable[..., User]:
    def make(username: str, unit: Unit, *role_names: str, is_staff: bool = True) -> User:
        user = User.objects.create_user(username=username, password=PASSWORD, unit=unit, is_staff=is_staff)
        user.groups.set([role_groups[name] for name in role_names])
        return user

    return make


@pytest.fixture
def personas(tree: dict[str, Unit], make_staff: Callable[..., User]) -> dict[str, User]:
    business = roles.BUSINESS_ROLES
    return {
        "province_officer": make_staff("province_officer", tree["province"], *business),
        "city_officer": make_staff("city_officer", tree["city"], *business),
        "county_a_clerk": make_staff("county_a_clerk", tree["county_a"], *business),
        "county_b_clerk": make_staff("county_b_clerk", tree["county_b"], *business),
        "view_only_auditor": make_staff("view_only_auditor", tree["province"], roles.READ_ONLY),
        "system_admin": make_staff("system_admin", tree["province"], roles.SYSTEM_ADMIN),
        "security_admin": make_staff("security_admin", tree["province"], roles.SECURITY_ADMIN),
        "audit_admin": make_staff("audit_admin", tree["province"], roles.AUDIT_ADMIN),
        "non_staff": make_staff("non_staff", tree["county_a"], is_staff=False),
    }


@pytest.fixture
def province_officer(personas: dict[str, User]) -> User:
    return personas["province_officer"]


@pytest.fixture
def city_officer(personas: dict[str, User]) -> User:
    return personas["city_officer"]


@pytest.fixture
def county_a_clerk(personas: dict[str, User]) -> User:
    return personas["county_a_clerk"]


@pytest.fixture
def county_b_clerk(personas: dict[str, User]) -> User:
    return personas["county_b_clerk"]


@pytest.fixture
def view_only_auditor(personas: dict[str, User]) -> User:
    return personas["view_only_auditor"]


@pytest.fixture
def non_staff(personas: dict[str, User]) -> User:
    return personas["non_staff"]


@pytest.fixture
def client_for(client: Any) -> Callable[[User], Any]:
    """A test client logged in as the given persona."""
    from django.test import Client

    def login(user: User) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return login
