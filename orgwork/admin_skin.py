"""django-unfold for the admins that do not come from :mod:`orgwork.admin_base`.

Every admin page is drawn by unfold's templates, which expect unfold's ``ModelAdmin``
(its widgets, action form and changelist). The project's own admins inherit it through
``ScopedModelAdmin`` (工作人员 too). What is still registered on Django's plain
``ModelAdmin`` after autodiscovery — django-axes's login records, the audit trail, 角色
(Django's group admin) — is put on unfold's by :func:`reskin` (axes's Chinese names come
from ``orgwork/skin/locale``).
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from unfold.admin import ModelAdmin


def reskin(site: AdminSite) -> None:
    """Put every admin still on Django's plain ``ModelAdmin`` on unfold's: django-axes's
    three, and any registered that way (the audit trail's). The admin class keeps its own
    options and methods; unfold's ``ModelAdmin`` comes after it, before Django's."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, ModelAdmin):
            continue
        stock = type(model_admin)
        site.unregister(model)
        site.register(model, type(stock.__name__, (stock, ModelAdmin), {"__module__": stock.__module__}))
