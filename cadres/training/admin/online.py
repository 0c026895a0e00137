"""网络课程 and 网络学习记录 (with the online-learning sheet). The course catalogue is shared
province-wide: a county records its cadres' completions of any course."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from orgwork.admin_base import ScopedModelAdmin, UnitSubtreeFilter
from orgwork.imports.admin import ImportExportMixin

from ..models import OnlineCompletion, OnlineCourse
from ..services import online_completion_save, online_course_save


@admin.register(OnlineCourse)
class OnlineCourseAdmin(ScopedModelAdmin):
    list_display = ("code", "name", "hours", "platform", "unit")
    list_filter = (UnitSubtreeFilter,)
    list_select_related = ("unit",)
    search_fields = ("code", "name")
    ordering = ("code",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: OnlineCourse, form: Any, change: bool) -> None:
        online_course_save(course=obj, actor=request.user)


@admin.register(OnlineCompletion)
class OnlineCompletionAdmin(ImportExportMixin, ScopedModelAdmin):
    import_resource = "training_online_completions"
    list_display = ("cadre", "cadre_unit", "course", "completed_on", "credited_hours")
    list_filter = (UnitSubtreeFilter,)
    list_select_related = ("cadre", "cadre__unit", "course")
    search_fields = ("cadre__name", "course__name", "course__code")
    autocomplete_fields = ("cadre",)
    date_hierarchy = "completed_on"
    ordering = ("-completed_on", "-id")
    readonly_fields = ("credited_hours",)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "course":
            # The catalogue is province-wide (the online college's courses), not a unit's records.
            kwargs["queryset"] = OnlineCourse.objects.order_by("code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="单位", ordering="cadre__unit__path")
    def cadre_unit(self, obj: OnlineCompletion) -> str:
        return str(obj.cadre.unit)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: OnlineCompletion, form: Any, change: bool) -> None:
        online_completion_save(completion=obj, actor=request.user, validate=False)
