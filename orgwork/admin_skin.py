"""django-unfold for the admins that do not come from :mod:`orgwork.admin_base`.

Every admin page is drawn by unfold's templates, which expect unfold's ``ModelAdmin``
(its widgets, action form and changelist). The project's own admins inherit it through
``ScopedModelAdmin`` (工作人员 too). What is still registered on Django's plain
``ModelAdmin`` after autodiscovery — django-axes's login records, the audit trail, 角色
(Django's group admin) — is put on unfold's by :func:`reskin` (axes's Chinese names come
from ``orgwork/skin/locale``), and its list honours its query string as every other list
does (:class:`~orgwork.admin_changelist.HonouredListMixin`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.admin import AdminSite
from unfold.admin import ModelAdmin

from orgwork.accounts.login_records import LoginRecordsScope
from orgwork.admin_changelist import HonouredListMixin
from orgwork.admin_not_found import RecordNotFoundMixin

# Columns of those admins that are methods without a description: Django would head them
# with the method's name in English ("Status").
DESCRIPTIONS: dict[tuple[str, str], str] = {
    ("axes.accessattempt", "status"): "锁定状态",
}


# What django-axes stores for a header the request did not carry (axes.helpers): its
# English placeholder, which a login record's page shows as 未知.
AXES_UNKNOWN = "<unknown>"
AXES_HEADERS = ("user_agent", "path_info", "http_accept")


def _header_shown(model: Any, name: str) -> Callable[..., Any]:
    def shown(self: Any, obj: Any) -> Any:
        value = getattr(obj, name)
        return "未知" if value == AXES_UNKNOWN else value

    shown.short_description = model._meta.get_field(name).verbose_name  # type: ignore[attr-defined]
    return shown


class AxesHeadersShown:
    """A login record's page with each header axes records (User-Agent, path, Accept) read
    through ``<name>_shown``, which says 未知 for a header the request did not carry."""

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        fields = super().get_readonly_fields(request, obj)  # type: ignore[misc]
        return [f"{name}_shown" if name in AXES_HEADERS else name for name in fields]

    def get_fieldsets(self, request: Any, obj: Any = None) -> list[tuple[Any, dict[str, Any]]]:
        return [(title, {**options, "fields": [f"{name}_shown" if name in AXES_HEADERS else name
                                               for name in options["fields"]]})
                for title, options in super().get_fieldsets(request, obj)]  # type: ignore[misc]


def _described(method: Callable[..., Any], description: str) -> Callable[..., Any]:
    def shown(self: Any, obj: Any) -> Any:
        return method(self, obj)

    shown.short_description = description  # type: ignore[attr-defined]
    return shown


def reskin(site: AdminSite) -> None:
    """Put every admin still on Django's plain ``ModelAdmin`` on unfold's: django-axes's
    three, and any registered that way (the audit trail's). The admin class keeps its own
    options and methods; unfold's ``ModelAdmin`` comes after it, before Django's, and a
    missing record is told as on every other admin (:class:`RecordNotFoundMixin`), an
    unknown query parameter is dropped and named (已忽略无法识别的查询条件), not sent to
    Django's bare ``?e=1`` (:class:`HonouredListMixin`), the login records are narrowed to
    whose the reader may read (:class:`LoginRecordsScope`) and a header the request did
    not carry reads 未知 (:class:`AxesHeadersShown`). A method column without a
    description gets its Chinese one from :data:`DESCRIPTIONS`."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, ModelAdmin):
            continue
        stock = type(model_admin)
        attrs: dict[str, Any] = {"__module__": stock.__module__}
        for (label, name), description in DESCRIPTIONS.items():
            if label == model._meta.label_lower and callable(getattr(stock, name, None)):
                attrs[name] = _described(getattr(stock, name), description)
        # The login records are read within the 三员 split (orgwork.accounts.login_records).
        scoped: tuple[type, ...] = ()
        if model._meta.app_label == "axes":
            scoped = (LoginRecordsScope, AxesHeadersShown)
            attrs.update({f"{name}_shown": _header_shown(model, name) for name in AXES_HEADERS})
        honoured = () if issubclass(stock, HonouredListMixin) else (HonouredListMixin,)  # the audit trail has it
        site.unregister(model)
        site.register(model, type(stock.__name__, (RecordNotFoundMixin, *honoured, *scoped, stock, ModelAdmin),
                                  attrs))
