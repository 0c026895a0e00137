"""带病提拔倒查 admin: the 组织处理 or 党纪政务处分 that opened it, the promotions under
look-back with their 凡提四必 case and signer, and the 办结 step (verdict, findings, 追责问责)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from orgwork.admin_base import ScopedInline, ScopedModelAdmin, UnitSubtreeFilter
from orgwork.admin_steps import RecordStepsMixin, RecordTimelineMixin

from ..models import LookBack, LookBackPromotion
from .steps import LOOK_BACK_STEPS


class PromotionInline(ScopedInline):
    model = LookBackPromotion
    fields = ("appointed_on", "title", "rank_label", "vetting_link", "vetting_status", "signed_by")
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # listed when the look-back is opened

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="凡提四必审查")
    def vetting_link(self, obj: LookBackPromotion) -> str:
        if obj.vetting_case_id is None:
            return "—"
        return format_html('<a href="{}">查看</a>', reverse("admin:supervision_vettingcase_change",
                                                          args=[obj.vetting_case_id]))


class CauseFilter(admin.SimpleListFilter):
    title = "启动事由"
    parameter_name = "cause"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("handling", "组织处理"), ("discipline", "党纪政务处分")]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if self.value() == "handling":
            return queryset.filter(handling_record__isnull=False)
        if self.value() == "discipline":
            return queryset.filter(discipline_finding__isnull=False)
        return queryset


@admin.register(LookBack)
class LookBackAdmin(RecordStepsMixin, RecordTimelineMixin, ScopedModelAdmin):
    record_steps = LOOK_BACK_STEPS
    list_display = ("cadre", "cadre_unit", "cause", "opened_on", "window_start", "status", "verdict")
    list_filter = (UnitSubtreeFilter, CauseFilter, "status", "verdict")
    list_select_related = ("cadre", "cadre__unit", "handling_record", "discipline_finding")
    search_fields = ("cadre__name",)
    ordering = ("-opened_on", "-id")
    inlines = (PromotionInline,)
    fields = ("cadre", "cause_link", "opened_on", "window_start", "status", "verdict", "conclusion",
              "accountability", "concluded_at", "concluded_by")
    readonly_fields = fields

    @admin.display(description="单位", ordering="cadre__unit__path")
    def cadre_unit(self, obj: LookBack) -> str:
        return str(obj.cadre.unit)

    @admin.display(description="启动事由")
    def cause(self, obj: LookBack) -> str:
        return obj.source_label

    @admin.display(description="启动事由")
    def cause_link(self, obj: LookBack) -> str:
        model = "handlingrecord" if obj.handling_record_id else "disciplinefinding"
        return format_html('<a href="{}">{}</a>', reverse(f"admin:supervision_{model}_change", args=[obj.source.pk]),
                           obj.source_label)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # opened by a 组织处理, never by hand

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
