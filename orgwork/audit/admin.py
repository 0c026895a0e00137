from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from orgwork.units.scope import home_unit, sees_everything

from .models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """审计日志: read-only for everyone, scoped by the unit each row belongs to."""

    list_display = ["at", "actor_name", "action", "source", "content_type", "object_repr", "ip", "success"]
    list_filter = ["action", "source", "success", "content_type", ("at", admin.DateFieldListFilter)]
    search_fields = ["=actor_name", "=object_id", "object_repr"]
    date_hierarchy = "at"
    list_per_page = 100
    show_full_result_count = False
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditLog]:
        qs = super().get_queryset(request)
        if sees_everything(request.user):
            return qs
        unit = home_unit(request.user)
        if unit is None:
            return qs.none()
        visible = Q(unit_path__startswith=unit.path)
        if unit.parent_id is None:  # the root also sees events tied to no unit (failed logins)
            visible |= Q(unit_path="")
        return qs.filter(visible)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
