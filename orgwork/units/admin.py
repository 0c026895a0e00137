from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from orgwork.admin_base import ScopedModelAdmin, UnitSubtreeFilter
from orgwork.imports.admin import ImportExportMixin

from .models import Unit
from .services import unit_save


@admin.register(Unit)
class UnitAdmin(ImportExportMixin, ScopedModelAdmin):
    import_resource = "units"
    list_display = ["code", "full_name", "unit_type", "level"]
    list_filter = [UnitSubtreeFilter, "unit_type", "level"]
    list_select_related = ["parent"]
    search_fields = ["^code", "name", "full_name"]
    autocomplete_fields = ["parent"]
    ordering = ["path"]
    fields = ["code", "name", "parent", "unit_type", "level", "sort_order"]

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        unit_save(unit=obj, actor=request.user)
