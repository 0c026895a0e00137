"""Deployment checks for the separation of the three administrators (三员分立)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError
from django.db.models import Count


def separation_problems() -> list[str]:
    """What breaks 三员分立 in the current database (empty when all is well)."""
    from django.contrib.auth.models import Group

    from .models import User
    from .roles import ADMINISTRATOR_ROLES, permissions_for

    problems = []
    superusers = list(User.objects.filter(is_superuser=True, is_active=True).values_list("username", flat=True))
    if superusers:
        problems.append(f"存在启用的超级管理员账号：{'、'.join(superusers)}（生产环境应停用，改用三员角色）。")
    for role in ADMINISTRATOR_ROLES:
        group = Group.objects.filter(name=role).first()
        if group is None:
            continue
        extra = set(group.permissions.all()) - permissions_for(role)
        if extra:
            names = "、".join(sorted(f"{p.content_type.app_label}.{p.codename}" for p in extra))
            problems.append(f"角色「{role}」拥有超出其职责的权限：{names}。")
    holders = (
        User.objects.filter(is_active=True, groups__name__in=ADMINISTRATOR_ROLES)
        .values("username").annotate(n=Count("groups"))
        .filter(n__gt=1)
    )
    for row in holders:
        problems.append(f"账号 {row['username']} 同时担任多个管理员角色。")
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
