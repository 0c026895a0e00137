"""软弱涣散党组织整顿台账."""

from __future__ import annotations

import copy
import json
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from orgwork.admin_actions import already
from orgwork.admin_base import ScopedModelAdmin, UnitSubtreeFilter
from orgwork.rectification.rules import MAX_EXTENSION_MONTHS

from ..models import WeakBranchCase, WeakCaseState, WeakCategory
from ..services import (
    weak_case_check,
    weak_case_close,
    weak_case_delete,
    weak_case_delete_refusal,
    weak_case_link_rectification,
    weak_case_save,
    weak_survey_threshold,
)
from .assessments import run_per_object


class WeakCaseForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(label="软弱涣散类型", choices=WeakCategory.choices,
                                           widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WeakBranchCase
        fields = ["organisation", "year", "categories", "problems", "plan", "contact_leader", "deadline",
                  "awareness_rate", "satisfaction_rate", "surveyed_on"]

    def _post_clean(self) -> None:
        super()._post_clean()  # the instance now carries the form's values
        original = WeakBranchCase.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
        try:  # the rule the service applies as well
            weak_case_check(case=self.instance, original=original if self.changed_data else None)
        except ValidationError as error:
            shown = {m for messages in self.errors.values() for m in messages}  # the model's constraint says the same
            fresh = {field: [m for m in messages if m not in shown]
                     for field, messages in getattr(error, "message_dict", {"__all__": error.messages}).items()}
            fresh = {field: messages for field, messages in fresh.items() if messages}
            if fresh:
                self._update_errors(ValidationError(fresh))


class CategoryFilter(admin.SimpleListFilter):
    title = "软弱涣散类型"
    parameter_name = "category"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return list(WeakCategory.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(category_q(value, connection.vendor)) if value else queryset


def category_q(value: str, vendor: str) -> Q:
    """Cases of one 软弱涣散类型: jsonb containment on PostgreSQL (its index); SQLite, the
    embedded demo's database, has no JSON containment, so there the list's text is searched
    for the quoted key."""
    if vendor == "postgresql":
        return Q(categories__contains=[value])
    return Q(categories__icontains=json.dumps(value))


@admin.register(WeakBranchCase)
class WeakBranchCaseAdmin(ScopedModelAdmin):
    form = WeakCaseForm
    list_display = ["organisation", "year", "category_list", "contact_leader", "deadline", "state",
                    "awareness_rate", "satisfaction_rate", "on_checklist"]
    list_filter = ["year", "state", CategoryFilter, UnitSubtreeFilter]
    list_select_related = ["organisation__unit"]
    search_fields = ["organisation__name", "^organisation__code", "contact_leader"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["state", "closed_on"]
    fieldsets = [
        (None, {"fields": ["organisation", "year", "categories", "problems"]}),
        ("整顿（一支部一方案）", {"fields": ["plan", "contact_leader", "deadline"]}),
        ("知情度满意度测评", {"fields": ["awareness_rate", "satisfaction_rate", "surveyed_on"],
                          "description": "知情度、满意度均达到销号标准后方可销号。"}),
        ("销号", {"fields": ["state", "closed_on"]}),
    ]
    actions = ["link_rectification", "close"]

    @admin.display(description="类型")
    def category_list(self, obj: WeakBranchCase) -> str:
        return obj.category_labels()

    @admin.display(description="软弱涣散类型")
    def category_labels(self, obj: WeakBranchCase) -> str:
        return obj.category_labels()

    @admin.display(description="已挂入整改清单", boolean=True)
    def on_checklist(self, obj: WeakBranchCase) -> bool:
        return bool(obj.rectification_item_id)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = copy.deepcopy(super().get_fieldsets(request, obj))
        fieldsets[2][1]["description"] = f"知情度、满意度均达到 {weak_survey_threshold()}% 后方可销号。"
        if obj is not None:
            fieldsets[1][1]["description"] = (f"整顿时限只能通过所挂整改事项的「延期」调整（须说明理由，每次最长延期"
                                              f"{MAX_EXTENSION_MONTHS}个月），延期后这里随之更新。")
        if obj is not None and not self.has_change_permission(request, obj):
            # Read only, the list of categories reads as their labels (组织生活不正常、制度不落实),
            # not as the stored JSON keys.
            first = fieldsets[0][1]
            first["fields"] = ["category_labels" if f == "categories" else f for f in first["fields"]]
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Once registered, the 整顿时限 moves only by its checklist item's 延期, and once on
        # the checklist its 党组织 and 排查年度 stay (weak_case_check).
        fields = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return fields
        return fields + ["deadline"] + (["organisation", "year"] if obj.rectification_item_id else [])

    def save_model(self, request: HttpRequest, obj: WeakBranchCase, form: Any, change: bool) -> None:
        weak_case_save(case=obj, actor=request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A case struck off is not changed (weak_case_check): its page reads, without 保存.
        if obj is not None and obj.state == WeakCaseState.CLOSED:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A case struck off or on the rectification checklist is on the books: no 删除,
        # its delete URL answers 403 (weak_case_delete refuses it on every other path).
        if obj is not None and weak_case_delete_refusal(obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request: HttpRequest, obj: WeakBranchCase) -> None:
        weak_case_delete(case=obj, actor=request.user)

    @admin.action(description="挂入整改清单", permissions=["change"])
    def link_rectification(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        run_per_object(self, request, queryset, "挂入整改清单", lambda c: weak_case_link_rectification(case=c, actor=request.user))

    @admin.action(description="测评达标销号", permissions=["change"])
    def close(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        run_per_object(self, request, queryset, "销号", lambda c: already("已销号") if c.state == WeakCaseState.CLOSED
                       else weak_case_close(case=c, actor=request.user))
