"""组织处理 admin, the 影响期 rule table, and the per-cadre supervision timeline page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from cadres.models import Cadre
from orgwork.admin_base import ScopedModelAdmin, UnitSubtreeFilter
from orgwork.admin_not_found import not_found_message
from orgwork.units.scope import scope_queryset
from orgwork.imports.admin import ImportExportMixin

from ..models import HandlingRecord, InfluencePeriodRule
from ..selectors import blockers_for, running_influence_q, supervision_timeline
from ..services import handling_record_save


@admin.register(InfluencePeriodRule)
class InfluencePeriodRuleAdmin(ScopedModelAdmin):
    """影响期规定: configuration kept by the security administrator (see roles.ADMINISTRATOR_GRANTS)."""

    list_display = ("handling_type", "months", "basis")
    ordering = ("handling_type",)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[InfluencePeriodRule]:
        # A province-wide rule table belongs to no unit: every user with the permission sees it whole.
        return InfluencePeriodRule.objects.all()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("handling_type",) if obj is not None else ()


class InfluenceFilter(admin.SimpleListFilter):
    title = "影响期"
    parameter_name = "influence"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("running", "影响期内"), ("ended", "影响期已满"), ("none", "无影响期")]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        today = timezone.localdate()
        if self.value() == "running":
            return queryset.filter(running_influence_q(on=today))
        if self.value() == "ended":
            return queryset.filter(influence_ends_on__lt=today)
        if self.value() == "none":
            return queryset.filter(influence_ends_on__isnull=True)
        return queryset


@admin.register(HandlingRecord)
class HandlingRecordAdmin(ImportExportMixin, ScopedModelAdmin):
    import_resource = "handling_records"
    list_display = ("cadre", "cadre_unit", "handling_type", "source", "decided_on", "document_number",
                    "influence_ends_on", "timeline_link")
    list_filter = (UnitSubtreeFilter, "handling_type", "source", InfluenceFilter)
    list_select_related = ("cadre", "cadre__unit")
    search_fields = ("cadre__name", "document_number")
    autocomplete_fields = ("cadre",)
    date_hierarchy = "decided_on"
    readonly_fields = ("influence_months", "influence_ends_on")
    fieldsets = (
        (None, {"fields": ("cadre", "handling_type", "source", "decided_on", "document_number", "handler", "facts")}),
        ("影响期", {"fields": ("influence_months", "influence_ends_on"),
                 "description": "按决定时有效的影响期规定计算，之后修改规定不影响本记录。"}),
        ("函询", {"fields": ("inquiry_reply", "inquiry_replied_on", "inquiry_accepted"),
                "description": "仅处理方式为函询时填写。"}),
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A decision on the cadre's record, and the source of the 影响期 that holds back a
        # promotion: deleting it would lift the ban. A wrong entry is corrected on its page.
        return False

    @admin.display(description="单位", ordering="cadre__unit__path")
    def cadre_unit(self, obj: HandlingRecord) -> str:
        return str(obj.cadre.unit)

    @admin.display(description="监督档案")
    def timeline_link(self, obj: HandlingRecord) -> str:
        return format_html('<a href="{}">查看</a>', reverse("admin:supervision_timeline", args=[obj.cadre_id]))

    def save_model(self, request: HttpRequest, obj: HandlingRecord, form: Any, change: bool) -> None:
        handling_record_save(record=obj, actor=request.user, validate=False)  # the form has validated it

    def get_urls(self) -> list[Any]:
        return [
            path("timeline/<int:cadre_id>/", self.admin_site.admin_view(self.timeline_view),
                 name="supervision_timeline"),
            *super().get_urls(),
        ]

    def timeline_view(self, request: HttpRequest, cadre_id: int) -> HttpResponse:
        """监督档案: everything supervision holds on one cadre, newest first."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        cadre = scope_queryset(Cadre.objects.select_related("unit").filter(pk=cadre_id), request.user).first()
        if cadre is None:
            raise Http404(not_found_message(Cadre._meta, cadre_id))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{cadre.name}的监督档案",
            "cadre": cadre,
            "entries": supervision_timeline(cadre),
            "blockers": blockers_for(cadre),
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/supervision/timeline.html", context)
