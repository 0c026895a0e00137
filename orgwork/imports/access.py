"""Who may import or export what (导入/导出权限).

django-import-export lets every staff user import and export; orgwork requires the
explicit model permissions ``<app>.import_<model>`` and ``<app>.export_<model>``
(declared in each model's ``Meta.permissions``). Full ID numbers in an export need
the model's ``view_unmasked_*`` permission, granted person by person.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from . import registry


def permission_name(model: type[models.Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def can_import(user: Any, resource_class: type[Any]) -> bool:
    return bool(user and user.is_active and user.is_staff
                and user.has_perm(permission_name(resource_class._meta.model, "import")))


def can_export(user: Any, model: type[models.Model]) -> bool:
    return bool(user and user.is_active and user.is_staff and user.has_perm(permission_name(model, "export")))


def can_unmask(user: Any, model: type[models.Model]) -> bool:
    """True when the model declares a ``view_unmasked_*`` permission and the user holds it."""
    codenames = [name for name, _ in getattr(model._meta, "permissions", ()) if name.startswith("view_unmasked")]
    return bool(codenames) and all(user.has_perm(f"{model._meta.app_label}.{c}") for c in codenames)


def importable_resources(user: Any) -> dict[str, type[Any]]:
    return {slug: r for slug, r in registry.all_resources().items() if can_import(user, r)}
