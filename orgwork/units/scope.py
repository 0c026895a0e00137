"""Data scope (数据权限): the one place that decides which records a user may reach.

A staff member sees the subtree of their home unit. Every model a request can reach
declares ``scope_field``, the lookup path from the model to its ``Unit`` ("unit",
"cadre__unit", …; the empty string for ``Unit`` itself). Changelists, forms, choices,
autocomplete, filters, imports and exports all call :func:`scope_queryset`.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import BooleanField, Value

from .models import Unit

M = TypeVar("M", bound=models.Model)


def home_unit(user: Any) -> Unit | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return getattr(user, "unit", None)


def sees_everything(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def nothing(queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """``queryset`` with no rows, as SQL that still compiles (``WHERE false``).

    ``none()`` is empty before it reaches SQL: code that writes a scoped queryset into
    raw SQL (counts, estimates, CTEs) gets ``EmptyResultSet`` from it, and a page 500s
    for an account without a home unit.
    """
    return queryset.filter(Value(False, output_field=BooleanField()))


def units_visible_to(user: Any) -> models.QuerySet[Unit]:
    """The units in ``user``'s jurisdiction: their home unit and everything below it."""
    if sees_everything(user):
        return Unit.objects.all()
    unit = home_unit(user)
    if unit is None:
        return nothing(Unit.objects.all())
    return Unit.objects.filter(path__startswith=unit.path)


def scope_field_of(model: type[models.Model]) -> str:
    field = getattr(model, "scope_field", None)
    if field is None:
        raise ImproperlyConfigured(f"{model._meta.label} 没有声明 scope_field，不能按管辖范围过滤。")
    return field


def is_scoped(model: type[models.Model]) -> bool:
    return getattr(model, "scope_field", None) is not None


_CACHE = "_orgwork_scope"


def _visible_unit_ids(user: Any, unit: Unit) -> list[int] | None:
    """The ids of the units in scope, or None for the root unit's staff, who see every
    unit (the tree has a single root: ``Unit.clean``). Kept on the user object, which
    lives for one request or command."""
    if unit.parent_id is None:
        return None
    cached = getattr(user, _CACHE, None)
    if cached is not None and cached[0] == (unit.pk, unit.path):
        return cached[1]
    ids = list(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
    setattr(user, _CACHE, ((unit.pk, unit.path), ids))
    return ids


def scope_queryset(queryset: models.QuerySet[M], user: Any) -> models.QuerySet[M]:
    """``queryset`` narrowed to the records in ``user``'s jurisdiction."""
    field = scope_field_of(queryset.model)
    if sees_everything(user):
        return queryset
    narrow = getattr(queryset.model, "narrow_to", None)  # a model's own need-to-know, beside the units
    if narrow is not None:
        queryset = narrow(queryset, user)
    unit = home_unit(user)
    if unit is None:
        return nothing(queryset)
    if unit.parent_id is None:  # the single root: everything is in scope
        return queryset
    if field == "":
        return queryset.filter(path__startswith=unit.path)
    ids = _visible_unit_ids(user, unit)
    if ids is None:
        return queryset
    # unit_id = ANY(ids) rather than a join on a path prefix: the planner estimates an id
    # list from the column's statistics, where it guesses a prefix matches one unit and
    # then sorts a whole million-row table to show fifty rows.
    return queryset.filter(**{f"{field}__in": ids})


def in_scope(obj: models.Model, user: Any) -> bool:
    return scope_queryset(type(obj)._default_manager.filter(pk=obj.pk), user).exists()
