"""django-unfold bases for the admins that do not come from :mod:`orgwork.admin_base`.

Every admin page is drawn by unfold's templates, which expect unfold's ``ModelAdmin``
(its widgets, action form and changelist). The project's own admins inherit it through
``ScopedModelAdmin``; the account admins (工作人员, 角色) start from Django's user and
group admins, here given unfold's forms; django-axes registers its login records with
Django's plain admin, so :func:`reregister_axes` puts them back on unfold-based ones
(their Chinese names come from the project's translation catalogue, ``orgwork/locale``).
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from unfold.admin import ModelAdmin
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm


class UserAdminBase(DjangoUserAdmin, ModelAdmin):
    """Django's user admin with unfold's forms and pages."""

    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm


class GroupAdminBase(DjangoGroupAdmin, ModelAdmin):
    """Django's group admin (角色) on unfold's pages."""


def reregister_axes(site: AdminSite) -> None:
    """django-axes's three admins, re-registered on unfold's ``ModelAdmin``."""
    try:
        from axes import admin as axes_admin
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    except ImportError:  # pragma: no cover - axes is always installed here
        return
    for model, stock in ((AccessAttempt, axes_admin.AccessAttemptAdmin), (AccessLog, axes_admin.AccessLogAdmin),
                         (AccessFailureLog, axes_admin.AccessFailureLogAdmin)):
        if not site.is_registered(model):
            continue
        site.unregister(model)
        site.register(model, type(stock.__name__, (stock, ModelAdmin), {"__module__": __name__}))
