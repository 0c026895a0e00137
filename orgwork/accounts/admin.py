from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest

from orgwork.admin_base import ScopedModelAdmin, UnitSubtreeFilter

from .models import User

SELF_PROTECTED_FIELDS = ("is_superuser", "is_staff", "is_active", "groups", "user_permissions", "unit")


@admin.register(User)
class UserAdmin(ScopedModelAdmin, DjangoUserAdmin):
    list_display = ["username", "last_name", "first_name", "unit", "is_active", "last_login"]
    list_filter = [UnitSubtreeFilter, "is_active", "groups"]
    list_select_related = ["unit"]
    search_fields = ["^username", "last_name", "first_name"]
    autocomplete_fields = ["unit"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("last_name", "first_name", "email", "unit")}),
        ("权限", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("重要日期", {"fields": ("last_login", "date_joined", "password_changed_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "unit", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined", "password_changed_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        # Nobody grants themselves rights or moves themselves to a wider jurisdiction.
        if obj is not None and obj.pk == request.user.pk:
            fields += [f for f in SELF_PROTECTED_FIELDS if f not in fields]
        if not request.user.is_superuser:
            fields.append("is_superuser")
        return fields


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """角色. Nobody changes the rights of a role they hold themselves."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and request.user.groups.filter(pk=obj.pk).exists():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and request.user.groups.filter(pk=obj.pk).exists():
            return False
        return super().has_delete_permission(request, obj)
