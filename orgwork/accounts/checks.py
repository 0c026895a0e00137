"""Deployment checks for the separation of the three administrators (三员分立): the
database must hold what the role table (``roles``) and ``duties`` allow, whatever path
wrote it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError


def separation_problems() -> list[str]:
    """What breaks 三员分立 in the current database (empty when all is well)."""
    from django.contrib.auth.models import Group

    from . import roles
    from .duties import composition_problem, labels_of
    from .models import User

    problems = []
    superusers = list(User.objects.filter(is_superuser=True, is_active=True).values_list("username", flat=True))
    if superusers:
        problems.append(f"存在启用的超级管理员账号：{'、'.join(superusers)}（生产环境应停用，改用三员角色）。")

    group_rights: dict[str, set[str]] = defaultdict(set)
    for name, app_label, codename in Group.permissions.through.objects.values_list(
            "group__name", "permission__content_type__app_label", "permission__codename"):
        group_rights[name].add(f"{app_label}.{codename}")
    for name in sorted(group_rights):
        rights = group_rights[name]
        if name in roles.ROLE_PERMISSIONS:
            extra = rights - roles.role_rights(name)
            if extra:
                problems.append(f"角色「{name}」拥有角色权限表以外的权限：{'、'.join(sorted(extra))}。")
        else:
            extra = rights & (roles.NEVER_GRANTED | roles.personal_rights())
            if extra:
                problems.append(f"角色「{name}」拥有不能放入角色的权限：{'、'.join(sorted(extra))}。")
    for name in Group.objects.filter(name__in=roles.ADMINISTRATOR_ROLES).order_by("name").values_list("name", flat=True):
        missing = labels_of(roles.permissions_for(name)) - group_rights[name]
        if missing:
            problems.append(f"管理员角色「{name}」缺少角色权限表中的权限：{'、'.join(sorted(missing))}。")

    held_roles: dict[str, list[str]] = defaultdict(list)
    for username, name in User.groups.through.objects.filter(user__is_active=True, user__is_superuser=False) \
            .values_list("user__username", "group__name").order_by("user__username", "group__name"):
        held_roles[username].append(name)
    own_rights: dict[str, set[str]] = defaultdict(set)
    for username, app_label, codename in User.user_permissions.through.objects.filter(
            user__is_active=True, user__is_superuser=False).values_list(
            "user__username", "permission__content_type__app_label", "permission__codename"):
        own_rights[username].add(f"{app_label}.{codename}")
    for username in sorted(set(held_roles) | set(own_rights)):
        names = held_roles.get(username, [])
        problem = composition_problem(names)
        if problem:
            problems.append(f"账号 {username}：{problem}")
        held = own_rights.get(username, set()).union(*(group_rights.get(n, set()) for n in names))
        excess = held - roles.allowed_rights(names)
        if excess:
            problems.append(f"账号 {username} 持有超出其角色的权限：{'、'.join(sorted(excess))}。")
    return problems


@register(Tags.security, deploy=True)
def check_separation_of_duties(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    if settings.DEBUG:
        return []
    try:
        problems = separation_problems()
    except DatabaseError as exc:
        return [Warning(f"无法连接数据库检查三员分立：{exc}", id="orgwork.W001")]
    return [Error(p, id="orgwork.E001") for p in problems]
