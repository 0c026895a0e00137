"""Rights by their Chinese names wherever a role's or an account's rights are listed:
offered for choosing and shown read-only alike — 「角色与权限 · 角色 · 可新增角色」, never
Django's stored 「Can add group」 or 「Can view 工作人员」."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from orgwork.accounts import roles

pytestmark = pytest.mark.django_db
ENGLISH = re.compile(r"Can (add|change|delete|view) ")


def page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_security_administrator_reads_the_rights_of_the_role_it_holds_in_chinese(personas, client_for) -> None:
    role = Group.objects.get(name=roles.SECURITY_ADMIN)
    html = page(client_for(personas["security_admin"]), reverse("admin:auth_group_change", args=[role.pk]))
    assert not ENGLISH.search(html)
    for name in ("账号与角色 · 工作人员 · 可查看工作人员", "角色与权限 · 角色 · 可新增角色", "角色与权限 · 权限 · 可查看权限",
                 "登录安全 · 登录尝试 · 可查看登录尝试", "账号与角色 · 工作人员 · 分配角色和个人权限"):
        assert name in html


@pytest.mark.parametrize("role", [r for r in roles.ALL_ROLES if r != roles.SECURITY_ADMIN])
def test_a_role_the_security_administrator_edits_offers_every_right_in_chinese(personas, client_for, role) -> None:
    group = Group.objects.get(name=role)
    html = page(client_for(personas["security_admin"]), reverse("admin:auth_group_change", args=[group.pk]))
    assert not ENGLISH.search(html)
    assert "角色与权限 · 角色 · 可修改角色" in html and "干部管理 · 干部 · 可查看干部" in html
    # Only what the role table can give: not the task queue's or the sessions' own records.
    assert "Task Result" not in html and "会话 · 会话 · 可查看会话" not in html


def test_the_system_administrator_reads_an_accounts_own_rights_in_chinese(personas, client_for) -> None:
    clerk = personas["county_a_clerk"]
    clerk.user_permissions.add(Permission.objects.get(codename="view_cadre", content_type__app_label="cadres"))
    html = page(client_for(personas["system_admin"]), reverse("admin:accounts_user_change", args=[clerk.pk]))
    assert "干部管理 · 干部 · 可查看干部" in html and not ENGLISH.search(html)


def test_the_security_administrator_offers_an_accounts_rights_in_chinese(personas, client_for) -> None:
    html = page(client_for(personas["security_admin"]),
                reverse("admin:accounts_user_change", args=[personas["county_a_clerk"].pk]))
    assert "干部管理 · 干部 · 可查看干部" in html and not ENGLISH.search(html)


def test_the_two_box_chooser_of_rights_speaks_chinese(personas, client_for) -> None:
    script = page(client_for(personas["security_admin"]), reverse("admin:jsi18n"))
    for english, chinese in (("Choose all %s", "全部%s选入"), ("Remove all %s", "全部%s移出"),
                             ("(click to clear)", "（点击清除过滤）")):
        assert f'"{english}": "{chinese.encode("unicode_escape").decode()}"' in script, english
