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

from .models import Unit

M = TypeVar("M", bound=models.Model)


def home_unit(user: Any) -> Unit | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return getattr(user, "unit", None)


def sees_everything(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def units_visible_to(user: Any) -> models.QuerySet[Unit]:
    """The units in ``user``'s jurisdiction: their home unit and everything below it."""
    if sees_everything(user):
        return Unit.objects.all()
    unit = home_unit(user)
    if unit is None:
        return Unit.objects.none()
    return Unit.objects.filter(path__startswith=unit.path)


def scope_field_of(model: type[models.Model]) -> str:
    field = getattr(model, "scope_field", None)
    if field is None:
        raise ImproperlyConfigured(f"{model._meta.label} 没有声明 scope_field，不能按管辖范围过滤。")
    return field


def is_scoped(model: type[models.Model]) -> bool:
    return getattr(model, "scope_field", None) is not None


def scope_queryset(queryset: models.QuerySet[M], user: Any) -> models.QuerySet[M]:
    """``queryset`` narrowed to the records in ``user``'s jurisdiction."""
    field = scope_field_of(queryset.model)
    if sees_everything(user):
        return queryset
    unit = home_unit(user)
    if unit is None:
        return queryset.none()
    if field == "":
        return queryset.filter(path__startswith=unit.path)
    # A join on the small unit table; the planner turns the prefix into an index range.
    return queryset.filter(**{f"{field}__path__startswith": unit.path})


def in_scope(obj: models.Model, user: Any) -> bool:
    return scope_queryset(type(obj)._default_manager.filter(pk=obj.pk), user).exists()
