"""登录记录 (django-axes's login records, attempts and failures): whose the security
administrator (安全保密管理员) reads and unlocks (三员分立).

It reads the ordinary accounts of its jurisdiction, the business and read-only staff:
the three administrators' own logins, its own included, are read by the security auditor
in the audit trail (登录、退出、登录失败), so that no administrator watches itself or
clears its own failed attempts. A name that is no account (a guess at a login) is read at
the province, where the whole system is looked after. The server operator
(``is_superuser``) reads everything.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.functions import Lower

from orgwork.units.scope import home_unit, scope_queryset, sees_everything

from .models import User
from .roles import ADMINISTRATOR_ROLES


def administrators() -> models.QuerySet[User]:
    return User.objects.filter(models.Q(is_superuser=True) | models.Q(groups__name__in=ADMINISTRATOR_ROLES))


def login_records_visible_to(user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """``queryset`` of login records narrowed to those ``user`` may read (see the module)."""
    if sees_everything(user):
        return queryset
    ordinary = (scope_queryset(User.objects.all(), user).exclude(pk__in=administrators().values("pk"))
                .annotate(name=Lower("username")).values("name"))
    queryset = queryset.annotate(login_name=Lower("username"))
    readable = models.Q(login_name__in=ordinary)
    unit = home_unit(user)
    if unit is not None and unit.parent_id is None:
        # Lower() of a missing name is NULL: NOT IN would leave it out, so ask for it.
        readable |= models.Q(login_name__isnull=True) | ~models.Q(
            login_name__in=User.objects.annotate(name=Lower("username")).values("name"))
    return queryset.filter(readable)


class LoginRecordsScope:
    """The axes admins' rows, as :func:`login_records_visible_to` narrows them; a record
    outside is not found, for reading as for unlocking (删除登录尝试)."""

    def get_queryset(self, request: Any) -> models.QuerySet[Any]:
        return login_records_visible_to(request.user, super().get_queryset(request))  # type: ignore[misc]
