"""党纪政务处分 admin: the list (filters, search, export, the sheet) and the record page,
which links to the cadre's page and shows the 影响期 the statutes give the kind."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from orgwork.admin_base import ScopedModelAdmin, UnitSubtreeFilter
from orgwork.imports.admin import ImportExportMixin

from ..models import FOR_GOOD_KINDS, PARTY_KINDS, DisciplineFinding
from ..selectors import running_finding_q
from ..services import discipline_finding_save


class CategoryFilter(admin.SimpleListFilter):
    title = "处分类别"
    parameter_name = "category"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("party", "党纪处分"), ("public", "政务处分")]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if self.value() == "party":
            return queryset.filter(kind__in=PARTY_KINDS)
        if self.value() == "public":
            return queryset.exclude(kind__in=PARTY_KINDS)
        return queryset


class FindingInfluenceFilter(admin.SimpleListFilter):
    title = "影响期"
    parameter_name = "influence"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("running", "影响期内（含长期）"), ("ended", "影响期已满")]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        today = timezone.localdate()
        if self.value() == "running":
            return queryset.filter(running_finding_q(on=today))
        if self.value() == "ended":
            return queryset.filter(influence_ends_on__lt=today)
        return queryset


@admin.register(DisciplineFinding)
class DisciplineFindingAdmin(ImportExportMixin, ScopedModelAdmin):
    import_resource = "discipline_findings"
    list_display = ("cadre", "cadre_unit", "category", "kind", "decided_on", "document_number", "deciding_organ",
                    "influence_end", "timeline_link")
    list_filter = (UnitSubtreeFilter, CategoryFilter, "kind", FindingInfluenceFilter)
    list_select_related = ("cadre", "cadre__unit")
    search_fields = ("cadre__name", "document_number", "deciding_organ")
    autocomplete_fields = ("cadre",)
    date_hierarchy = "decided_on"
    ordering = ("-decided_on", "-id")
    readonly_fields = ("cadre_page", "influence_months", "influence_end")
    fieldsets = (
        (None, {"fields": ("cadre", "cadre_page", "kind", "decided_on", "document_number", "deciding_organ",
                           "summary")}),
        ("影响期", {"fields": ("influence_months", "influence_end"),
                 "description": "按处分种类依《中国共产党纪律处分条例》《公职人员政务处分法》计算，影响期内不得提拔、"
                                "不得确定为优秀等次；开除党籍、开除公职的长期有效。"}),
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # As a 组织处理: the source of an 影响期 on the cadre's record; deleting it would
        # lift the ban silently. A wrong entry is corrected on its page.
        return False

    @admin.display(description="单位", ordering="cadre__unit__path")
    def cadre_unit(self, obj: DisciplineFinding) -> str:
        return str(obj.cadre.unit)

    @admin.display(description="处分类别")
    def category(self, obj: DisciplineFinding) -> str:
        return obj.category_label

    @admin.display(description="影响期截止日", ordering="influence_ends_on")
    def influence_end(self, obj: DisciplineFinding) -> str:
        if obj.pk is None:
            return "保存后按处分种类计算"
        if obj.kind in FOR_GOOD_KINDS:
            return "长期"
        return f"{obj.influence_ends_on:%Y-%m-%d}" if obj.influence_ends_on else "—"

    @admin.display(description="干部信息")
    def cadre_page(self, obj: DisciplineFinding) -> str:
        if obj.cadre_id is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:cadres_cadre_change", args=[obj.cadre_id]),
                           f"查看{obj.cadre.name}的干部信息")

    @admin.display(description="监督档案")
    def timeline_link(self, obj: DisciplineFinding) -> str:
        return format_html('<a href="{}">查看</a>', reverse("admin:supervision_timeline", args=[obj.cadre_id]))

    def save_model(self, request: HttpRequest, obj: DisciplineFinding, form: Any, change: bool) -> None:
        discipline_finding_save(finding=obj, actor=request.user, validate=False)  # the form has validated it
