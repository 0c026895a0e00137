"""Admins for rows that belong to cadres: 任职经历, 年度考核; and 职数 per unit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from orgwork.admin_base import ScopedModelAdmin, UnitSubtreeFilter, warning_flag
from orgwork.imports.admin import ImportExportMixin

from ..models import Assessment, CadreStatus, Post, PositionQuota
from ..selectors import FOLLOW_UPS, with_occupancy
from ..rules import may_set_quota
from ..services import assessment_save, position_quota_save, post_appoint
from .filters import NeedsReviewFilter, OverQuotaFilter
from .forms import AssessmentForm, DayField, PositionQuotaForm, StandalonePostForm
from .search import CadreSearchMixin


@admin.register(Post)
class PostAdmin(ImportExportMixin, CadreSearchMixin, ScopedModelAdmin):
    import_resource = "cadre_posts"
    form = StandalonePostForm
    formfield_overrides = {models.DateField: {"form_class": DayField}}
    person_lookup_prefix = "cadre__"
    list_display = ["cadre", "title", "unit", "rank", "appointed_on", "removed_on", "is_principal", "is_current",
                    "appointment_document"]
    list_filter = [UnitSubtreeFilter, "rank", "is_current", "is_principal"]
    list_select_related = ["cadre", "unit"]
    search_fields = ["cadre__name"]
    autocomplete_fields = ["cadre", "unit"]
    ordering = ["-appointed_on", "-id"]
    fields = ["cadre", "title", "unit", "rank", "is_principal", "is_current", "appointed_on", "appointment_document",
              "approving_body", "publicity_start", "publicity_end", "removed_on", "removal_document"]

    def save_model(self, request: HttpRequest, obj: Post, form: Any, change: bool) -> None:
        post_appoint(post=obj, actor=request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Post | None = None) -> bool:
        # A serving cadre keeps exactly one current principal post: it is replaced or
        # ended on the cadre's page (cadres.rules.check_current_principal_count), not deleted.
        if obj is not None and obj.is_current and obj.is_principal and obj.cadre.status == CadreStatus.ACTIVE:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Assessment)
class AssessmentAdmin(ImportExportMixin, CadreSearchMixin, ScopedModelAdmin):
    import_resource = "cadre_assessments"
    form = AssessmentForm
    person_lookup_prefix = "cadre__"
    list_display = ["cadre", "cadre_unit", "year", "grade", "political_score", "review", "follow_up"]
    list_filter = [UnitSubtreeFilter, "year", "grade", NeedsReviewFilter]
    list_select_related = ["cadre", "cadre__unit"]
    search_fields = ["cadre__name"]
    autocomplete_fields = ["cadre"]
    ordering = ["-year", "cadre__name_pinyin"]
    fields = ["cadre", "year", "grade", "political_score", "remarks"]

    @admin.display(description="单位", ordering="cadre__unit__path")
    def cadre_unit(self, obj: Assessment) -> str:
        return str(obj.cadre.unit)

    @admin.display(description="需逐一复核")
    def review(self, obj: Assessment) -> str:
        return warning_flag(obj.needs_review, "需复核")

    @admin.display(description="后续处理")
    def follow_up(self, obj: Assessment) -> str:
        return FOLLOW_UPS.get(obj.grade, "")

    def save_model(self, request: HttpRequest, obj: Assessment, form: Any, change: bool) -> None:
        assessment_save(assessment=obj, actor=request.user, validate=False)

    def has_delete_permission(self, request: HttpRequest, obj: Assessment | None = None) -> bool:
        return False  # 档案材料: a wrong year or grade is corrected, never deleted (see ArchiveMaterialInline)


@admin.register(PositionQuota)
class PositionQuotaAdmin(ScopedModelAdmin):
    form = PositionQuotaForm
    list_display = ["unit", "rank", "approved", "approval_document", "actual", "over"]
    list_filter = [UnitSubtreeFilter, "rank", OverQuotaFilter]
    list_select_related = ["unit"]
    search_fields = ["^unit__code", "unit__name"]
    autocomplete_fields = ["unit"]
    ordering = ["unit__path", "rank"]
    fields = ["unit", "rank", "approved", "approval_document", "remarks"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request: HttpRequest, obj: PositionQuota, form: Any, change: bool) -> None:
        position_quota_save(quota=obj, actor=request.user, validate=False)

    # 职数 are set by the level above: a unit's own staff read them, never change or delete them.
    def has_change_permission(self, request: HttpRequest, obj: PositionQuota | None = None) -> bool:
        if obj is not None and not may_set_quota(request.user, obj.unit):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: PositionQuota | None = None) -> bool:
        if obj is not None and not may_set_quota(request.user, obj.unit):
            return False
        return super().has_delete_permission(request, obj)

    def get_queryset(self, request: HttpRequest) -> Any:
        return with_occupancy(super().get_queryset(request))

    @admin.display(description="实配人数", ordering="actual")
    def actual(self, obj: PositionQuota) -> int:
        return obj.actual  # type: ignore[attr-defined]

    @admin.display(description="超出职数", ordering="over")
    def over(self, obj: PositionQuota) -> str:
        over = obj.over  # type: ignore[attr-defined]
        return f"超 {over} 名" if over > 0 else "—"


