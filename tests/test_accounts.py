"""Roles, staff accounts and the demo command."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from orgwork.accounts import roles
from orgwork.accounts.checks import separation_problems
from orgwork.accounts.models import User
from orgwork.units.models import Unit


def codenames(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_setup_roles_creates_every_role_and_is_idempotent(db: Any) -> None:
    call_command("setup_roles", stdout=StringIO())
    first = {name: codenames(name) for name in roles.ALL_ROLES}
    call_command("setup_roles", stdout=StringIO())
    assert {name: codenames(name) for name in roles.ALL_ROLES} == first
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)


def test_the_three_administrators_hold_no_business_rights(role_groups: Any) -> None:
    business_apps = {"cadres", "branches", "talent", "rectification", "imports"}
    for role in roles.ADMINISTRATOR_ROLES:
        assert not {c for c in codenames(role) if c.split(".")[0] in business_apps}, role
    assert codenames(roles.AUDIT_ADMIN) == {"audit.view_auditlog"}


def test_the_read_only_role_can_only_view(role_groups: Any) -> None:
    assert all(c.split(".")[1].startswith("view_") for c in codenames(roles.READ_ONLY))


def test_create_staff_creates_then_updates_an_account(tree: dict[str, Unit], role_groups: Any) -> None:
    out = StringIO()
    call_command("create_staff", "zhangsan", "--unit", "620102", "--role", "干部监督", "--password", "Xu#Gong2026pw", stdout=out)
    user = User.objects.get(username="zhangsan")
    assert user.unit.code == "620102" and user.is_staff and user.check_password("Xu#Gong2026pw")
    assert "已创建" in out.getvalue()
    call_command("create_staff", "zhangsan", "--unit", "620103", "--role", "只读查阅", stdout=out)
    user.refresh_from_db()
    assert user.unit.code == "620103"
    assert list(user.groups.values_list("name", flat=True)) == ["只读查阅"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--unit", "999", "--role", "干部监督"], "单位代码「999」不存在"),
        (["--unit", "620102", "--role", "厨师"], "角色「厨师」不存在"),
        (["--unit", "620102", "--role", "干部监督", "--password", "short"], "密码"),
        (["--unit", "620102", "--role", "干部监督", "--password", "alllowercase123"], "三类"),
    ],
)
def test_create_staff_refuses_bad_input_in_chinese(tree: Any, role_groups: Any, args: list[str], message: str) -> None:
    with pytest.raises(CommandError) as error:
        call_command("create_staff", "lisi", *args, stdout=StringIO())
    assert message in str(error.value) or (message == "三类" and "3 类" in str(error.value))
    assert not User.objects.filter(username="lisi").exists()


def test_an_active_superuser_breaks_the_separation_of_duties(tree: Any, role_groups: Any) -> None:
    assert separation_problems() == []
    User.objects.create_superuser("root", password="Root#pass2026")
    assert any("超级管理员" in p for p in separation_problems())


def test_one_account_holding_two_administrator_roles_is_reported(make_staff: Any, tree: Any) -> None:
    make_staff("both", tree["province"], roles.SYSTEM_ADMIN, roles.AUDIT_ADMIN)
    assert any("both" in p for p in separation_problems())


def test_seed_demo_builds_the_province_and_one_account_per_role_idempotently(db: Any) -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    counts = (Unit.objects.count(), User.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Unit.objects.count(), User.objects.count()) == counts
    assert Unit.objects.filter(level="city").count() == 14
    assert Unit.objects.filter(level="county").count() == 86
    held = set(User.objects.values_list("groups__name", flat=True))
    assert set(roles.ALL_ROLES) <= held
    assert "province_cadre" in out.getvalue()


def test_permission_answers_are_djangos_and_follow_its_permission_cache(county_a_clerk: User) -> None:
    """Answers are remembered per instance only as long as Django's own permission set
    is (``_perm_cache``); a superuser or a deactivated account is asked afresh."""
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Permission

    user = User.objects.get(pk=county_a_clerk.pk)
    backend = ModelBackend()
    for perm in ["cadres.view_cadre", "cadres.import_cadre", "audit.delete_auditlog", "units.change_unit"]:
        assert user.has_perm(perm) == backend.has_perm(user, perm)
    for app in ["cadres", "audit", "talent", "no_such_app"]:
        assert user.has_module_perms(app) == backend.has_module_perms(user, app)

    assert not user.has_perm("units.delete_unit")
    user.user_permissions.add(Permission.objects.get(codename="delete_unit"))
    assert not user.has_perm("units.delete_unit")  # as Django: the set was loaded before
    del user._perm_cache, user._user_perm_cache, user._group_perm_cache  # Django's way to reload
    assert user.has_perm("units.delete_unit")

    user.is_active = False
    assert not user.has_perm("units.delete_unit")
    user.is_active, user.is_superuser = True, True
    assert user.has_perm("audit.delete_auditlog") and user.has_module_perms("no_such_app")


def test_the_account_backend_loads_what_djangos_does_in_fewer_queries(
    county_a_clerk: User, django_assert_num_queries: Any
) -> None:
    """One query for the account with its home unit, one for all its permissions; the
    same answers and the same three caches as Django's model backend."""
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Permission

    from orgwork.accounts.backends import AccountBackend

    county_a_clerk.user_permissions.add(Permission.objects.get(codename="delete_unit"))
    backend = AccountBackend()
    with django_assert_num_queries(1):
        user = backend.get_user(county_a_clerk.pk)
        assert user.unit.code == county_a_clerk.unit.code
    with django_assert_num_queries(1):
        ours = backend.get_all_permissions(user)
    theirs = User.objects.get(pk=county_a_clerk.pk)
    assert ours == ModelBackend().get_all_permissions(theirs)
    assert "units.delete_unit" in ours and "cadres.view_cadre" in ours
    assert user._user_perm_cache == theirs._user_perm_cache == {"units.delete_unit"}
    assert user._group_perm_cache == theirs._group_perm_cache
    assert backend.get_all_permissions(user, obj=user) == set()

    user.is_superuser = True
    del user._perm_cache, user._user_perm_cache, user._group_perm_cache
    assert backend.get_all_permissions(user) == {
        f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.select_related("content_type")
    }
    User.objects.filter(pk=county_a_clerk.pk).update(is_active=False)
    assert backend.get_user(county_a_clerk.pk) is None
    assert backend.get_user(0) is None
