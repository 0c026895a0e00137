"""How a request's account and its permissions are loaded (账号与权限的加载).

Django's model backend, with two queries fewer on every page: the account comes with its
home unit (which decides the data scope, so every page needs it), and the account's own
and its roles' permissions come in one query instead of two.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        User = get_user_model()
        try:
            user = User._default_manager.select_related("unit").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        """Django's answer, and Django's three caches on the instance (``_perm_cache``,
        ``_user_perm_cache``, ``_group_perm_cache``) filled from one query, so that
        Django's other permission methods and its way of reloading them still hold."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser or hasattr(user_obj, "_perm_cache"):
            return super().get_all_permissions(user_obj, obj)
        own: set[str] = set()
        held: set[str] = set()
        alias = router.db_for_read(Permission, instance=user_obj)
        with connections[alias].cursor() as cursor:
            cursor.execute(_permissions_sql(type(user_obj), alias), [user_obj.pk, user_obj.pk])
            for app_label, codename, is_own in cursor.fetchall():
                (own if is_own else held).add(f"{app_label}.{codename}")
        user_obj._user_perm_cache, user_obj._group_perm_cache = own, held
        user_obj._perm_cache = own | held
        return user_obj._perm_cache


@lru_cache(maxsize=8)
def _permissions_sql(user_model: type[Any], alias: str) -> str:
    """The account's own permissions (1) and its roles' (0), as Django's model backend
    finds them, in one statement. Written out rather than built by the ORM, which for
    this statement costs more time than PostgreSQL takes to plan and run it (the
    backend is asked on every page); the names all come from the models' metadata."""
    q = connections[alias].ops.quote_name

    def link(field: Any) -> tuple[str, str, str]:
        """A many-to-many field's table and its two key columns (this side, the other)."""
        through = field.remote_field.through._meta
        return (q(through.db_table), q(through.get_field(field.m2m_field_name()).column),
                q(through.get_field(field.m2m_reverse_field_name()).column))

    own_table, own_user, own_permission = link(user_model._meta.get_field("user_permissions"))
    roles_table, roles_user, roles_group = link(user_model._meta.get_field("groups"))
    grants_table, grants_group, grants_permission = link(Group._meta.get_field("permissions"))
    permission, content_type = Permission._meta, ContentType._meta

    def select(is_own: int, ids: str) -> str:
        return (f"SELECT ct.{q('app_label')}, p.{q('codename')}, {is_own}"
                f" FROM {q(permission.db_table)} p JOIN {q(content_type.db_table)} ct"
                f" ON ct.{q(content_type.pk.column)} = p.{q(permission.get_field('content_type').column)}"
                f" WHERE p.{q(permission.pk.column)} IN ({ids})")

    return (
        select(1, f"SELECT {own_permission} FROM {own_table} WHERE {own_user} = %s")
        + " UNION ALL "
        + select(0, f"SELECT g.{grants_permission} FROM {grants_table} g JOIN {roles_table} r"
                    f" ON r.{roles_group} = g.{grants_group} WHERE r.{roles_user} = %s")
    )
