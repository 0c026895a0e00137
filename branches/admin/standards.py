"""标准化建设标准, versions with their items, and 示范党支部名额."""

from __future__ import annotations

import copy
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from orgwork.admin_base import ScopedInline, ScopedModelAdmin, UnitSubtreeFilter

from ..models import (
    ASSESSED_KINDS,
    BranchAssessment,
    ModelBranchQuota,
    Standard,
    StandardItem,
    StandardStatus,
    StandardVersion,
)
from ..selectors import ancestor_paths
from ..services import (
    model_quota_check,
    model_quota_save,
    standard_item_delete,
    standard_item_save,
    standard_items_frozen_message,
)


class InheritedStandardsMixin:
    """Standards are issued above the units that use them: a county clerk reads (but does
    not change) the province's standards as well as those issued in the county."""

    unit_lookup = "unit"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        home = getattr(request.user, "unit", None)
        if home is None or request.user.is_superuser:
            return qs
        inherited = self.model._default_manager.filter(**{f"{self.unit_lookup}__path__in": ancestor_paths(home)})  # type: ignore[attr-defined]
        return (qs | inherited).distinct()

    def _own(self, request: HttpRequest, obj: Any) -> bool:
        home = getattr(request.user, "unit", None)
        if obj is None or request.user.is_superuser:
            return True
        unit = obj
        for part in self.unit_lookup.split("__"):
            unit = getattr(unit, part)
        return home is not None and unit.path.startswith(home.path)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._own(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._own(request, obj)  # type: ignore[misc]


class VersionInline(ScopedInline):
    model = StandardVersion
    fields = ["label", "effective_from", "pass_score", "model_score"]
    show_change_link = True


@admin.register(Standard)
class StandardAdmin(InheritedStandardsMixin, ScopedModelAdmin):
    list_display = ["name", "domain", "unit"]
    list_filter = ["domain", UnitSubtreeFilter]
    list_select_related = ["unit"]
    search_fields = ["name"]
    autocomplete_fields = ["unit"]
    fields = ["unit", "domain", "name"]
    inlines = [VersionInline]


ITEM_FIELDS = ["seq", "title", "points", "is_veto"]


def frozen_message(version: Any) -> str:
    """:func:`standard_items_frozen_message`, asked once per page (the inline asks it for
    its fields, its add and its delete rights)."""
    if version is None or version.pk is None:
        return ""
    if not hasattr(version, "_items_frozen"):
        version._items_frozen = standard_items_frozen_message(version)
    return version._items_frozen


class ItemFormSet(BaseInlineFormSet):
    """A version in use shows its items read only; a submission that still carries item
    changes (a page drawn before the first assessment, or a forged one) is refused here
    with the service's words instead of being dropped in silence."""

    def clean(self) -> None:
        super().clean()
        message = standard_items_frozen_message(self.instance) if self.instance.pk else ""
        if message and self._items_touched():
            raise ValidationError(message, code="version_in_use")

    def _items_touched(self) -> bool:
        data = self.data
        for form in self.initial_forms:
            if data.get(form.add_prefix("DELETE")):
                return True
            if form.add_prefix("title") not in data:
                continue  # drawn read only: nothing was typed
            item = form.instance
            posted_seq = str(data.get(form.add_prefix("seq"), "")).strip()
            posted_title = str(data.get(form.add_prefix("title"), "")).replace("\r\n", "\n").strip()
            try:
                points_changed = Decimal(str(data.get(form.add_prefix("points"), "")).strip()) != item.points
            except InvalidOperation:
                points_changed = True
            if (points_changed or posted_seq != str(item.seq) or posted_title != item.title.strip()
                    or bool(data.get(form.add_prefix("is_veto"))) != item.is_veto):
                return True
        try:
            total = min(int(data.get(f"{self.prefix}-TOTAL_FORMS", 0)), 1000)
        except (TypeError, ValueError):
            return False
        return any(str(data.get(f"{self.prefix}-{n}-{name}", "")).strip()
                   for n in range(self.initial_form_count(), total) for name in ("title", "points"))


class ItemInline(ScopedInline):
    model = StandardItem
    formset = ItemFormSet
    fields = ITEM_FIELDS

    # Once any branch is assessed against the version its items are frozen: shown read
    # only, without 添加 or 删除 (standard_item_save refuses them on every path).
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if frozen_message(obj):
            return list(ITEM_FIELDS)
        return list(super().get_readonly_fields(request, obj))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and not frozen_message(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not frozen_message(obj)


@admin.register(StandardVersion)
class StandardVersionAdmin(InheritedStandardsMixin, ScopedModelAdmin):
    unit_lookup = "standard__unit"
    list_display = ["standard", "label", "effective_from", "pass_score", "model_score", "star_1_score", "star_5_score"]
    list_filter = ["standard__domain", "effective_from"]
    list_select_related = ["standard"]
    search_fields = ["standard__name", "label"]
    autocomplete_fields = ["standard"]
    ordering = ["standard", "-effective_from"]
    fieldsets = [
        (None, {"fields": ["standard", "label", "effective_from"]}),
        ("评定分数线", {"fields": [("pass_score", "model_score"),
                                   ("star_1_score", "star_2_score"), ("star_3_score", "star_4_score"),
                                   "star_5_score"]}),
    ]
    inlines = [ItemInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # In use, the 评定分数线 are frozen with the items (StandardVersion.clean refuses them).
        fields = list(super().get_readonly_fields(request, obj))
        return fields + list(StandardVersion.THRESHOLD_FIELDS) if frozen_message(obj) else fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A version branches were assessed against stays (their assessments protect it).
        return super().has_delete_permission(request, obj) and not frozen_message(obj)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = copy.deepcopy(super().get_fieldsets(request, obj))
        if message := frozen_message(obj):
            fieldsets[0][1]["description"] = message
        return fieldsets

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """The item rows go through the service, one by one: frozen once the version is in use."""
        if formset.model is not StandardItem:
            return super().save_formset(request, form, formset, change)
        for item in formset.save(commit=False):
            standard_item_save(item=item, actor=request.user)
        for item in formset.deleted_objects:
            standard_item_delete(item=item, actor=request.user)


class ModelBranchQuotaForm(forms.ModelForm):
    class Meta:
        model = ModelBranchQuota
        fields = ["unit", "year", "quota"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("unit") and data.get("year") and data.get("quota") is not None:
            candidate = ModelBranchQuota(pk=self.instance.pk, unit=data["unit"], year=data["year"], quota=data["quota"])
            try:
                model_quota_check(quota=candidate)
            except ValidationError as error:
                self.add_error("quota", error.message_dict["quota"])
        return data


@admin.register(ModelBranchQuota)
class ModelBranchQuotaAdmin(ScopedModelAdmin):
    form = ModelBranchQuotaForm
    list_display = ["unit", "year", "quota", "used"]
    list_filter = ["year", UnitSubtreeFilter]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    fields = ["unit", "year", "quota"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        used = (
            BranchAssessment.objects.filter(year=OuterRef("year"), status=StandardStatus.MODEL,
                                            organisation__kind__in=ASSESSED_KINDS,  # as selectors.model_branches_within
                                            organisation__unit__path__startswith=OuterRef("unit__path"))
            .order_by().values("year").annotate(n=Count("id")).values("n")
        )
        return super().get_queryset(request).annotate(_used=Coalesce(Subquery(used), 0))

    @admin.display(description="已评定示范")
    def used(self, obj: Any) -> int:
        return obj._used

    def save_model(self, request: HttpRequest, obj: ModelBranchQuota, form: Any, change: bool) -> None:
        model_quota_save(quota=obj, actor=request.user)
