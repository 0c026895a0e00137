from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from orgwork.admin_changelist import HonouredListMixin
from orgwork.common import secrets
from orgwork.units.models import Unit
from orgwork.units.scope import home_unit, sees_everything

from .models import AuditLog

# Fields of an entry read through a presenter: 操作人账号 as on a record's 历史 page, 所属单位
# by its name, not its path of codes (620000/620100/620102/).
SHOWN_INSTEAD = {"actor_name": "shown_actor", "unit_path": "shown_unit"}
from .presentation import readable_changes, readable_entries


def content_type_label(content_type: ContentType) -> str:
    """对象类型 by its Chinese names ("干部管理 · 干部"), also for apps that name themselves in
    English (the task queue's results)."""
    model = content_type.model_class()
    if model is None:
        return content_type.model
    app = apps.get_app_config(content_type.app_label).verbose_name
    app = app if any("\u4e00" <= ch <= "\u9fff" for ch in str(app)) else "系统"
    return f"{app} · {model._meta.verbose_name}"


class ContentTypeFilter(admin.SimpleListFilter):
    """对象类型: each installed kind of record, by its Chinese names (the list of kinds, not a
    scan of the audit table, which holds millions of rows)."""

    title = "对象类型"
    parameter_name = "content_type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        types = [t for t in ContentType.objects.all() if t.model_class() is not None]
        return sorted(((str(t.pk), content_type_label(t)) for t in types), key=lambda choice: choice[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditLog]) -> QuerySet[AuditLog]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(content_type_id=int(value))
        return queryset


@admin.register(AuditLog)
class AuditLogAdmin(HonouredListMixin, admin.ModelAdmin):
    """审计日志: read-only for everyone, scoped by the unit each row belongs to.

    Personal data is kept masked (``orgwork.common.secrets``); the note and the change
    record are shown through the same door, so a row written before that never shows
    a full number either."""

    list_display = ["at", "shown_actor", "action", "source", "content_type_name", "object_repr", "ip", "success"]
    list_filter = ["action", "source", "success", ContentTypeFilter, ("at", admin.DateFieldListFilter)]
    search_fields = ["=actor_name", "=object_id", "object_repr"]
    date_hierarchy = "at"
    list_per_page = 100
    show_full_result_count = False
    # 操作人账号 as on a record's 历史 page: a system actor by what it does (系统（演示数据）),
    # not by the key it is kept under (system:seed_demo), nor blank.
    readonly_fields = ["number", *(SHOWN_INSTEAD.get(f.name, f.name) for f in AuditLog._meta.fields
                                   if f.name not in ("id", "message", "changes")),
                       "shown_message", "shown_changes"]
    fields = readonly_fields  # the stored note and changes only through the two above

    @admin.display(description="日志编号")
    def number(self, obj: AuditLog) -> int:
        return obj.pk

    @admin.display(description="操作人账号", ordering="actor_name")
    def shown_actor(self, obj: AuditLog) -> str:
        return obj.actor_shown

    @admin.display(description="所属单位")
    def shown_unit(self, obj: AuditLog) -> str:
        """The unit the entry is filed under, by its full name; a path no unit has now (a
        unit moved or removed since) as it was kept."""
        if not obj.unit_path:
            return "—"
        unit = Unit.objects.filter(path=obj.unit_path).only("name", "full_name").first()
        return str(unit) if unit is not None else f"{obj.unit_path}（单位已调整）"

    @admin.display(description="说明")
    def shown_message(self, obj: AuditLog) -> str:
        return secrets.mask_text(obj.message)

    @admin.display(description="变更内容")
    def shown_changes(self, obj: AuditLog) -> str:
        """The changes in plain Chinese, one line a field ("职务：科员 → 副主任"); the stored
        record of a model no longer installed is shown as it was kept, masked."""
        changes = secrets.shown_value(obj.changes)
        model = obj.content_type.model_class() if obj.content_type_id else None
        if model is None:
            return json.dumps(changes, ensure_ascii=False) if changes else "—"
        reader = getattr(obj, "reader", None)
        # Related records named as on the record's own 变更记录, as the reader may read
        # them (``get_object`` leaves the reader on the entry): 单位 by its full name,
        # not 编号 8.
        rows = readable_entries(model, [obj], reader)[0][1] if reader is not None else readable_changes(model, changes)
        if not rows:
            return "—"
        # A note beside the fields (字段：身份证号) has no old value: no arrow from nothing.
        return format_html_join(mark_safe("<br>"), "{}：{}{}",
                                ((r.label, f"{r.old} → " if r.old else "", r.new) for r in rows))

    @admin.display(description="对象类型", ordering="content_type")
    def content_type_name(self, obj: AuditLog) -> str:
        return content_type_label(obj.content_type) if obj.content_type_id else "—"

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> AuditLog | None:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj.reader = request.user  # type: ignore[attr-defined]  # for shown_changes, which gets no request
        return obj

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
