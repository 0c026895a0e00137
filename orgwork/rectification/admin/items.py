"""整改事项 admin: the 台账 of items, with the 挂账销号 steps as batch actions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from orgwork.admin_base import ScopedInline, ScopedModelAdmin, UnitSubtreeFilter, warning_flag
from orgwork.admin_changelist import HonouredChangeList
from orgwork.imports.admin import ImportExportMixin

from ..models import Evidence, ItemState, ItemTransition, RectificationItem
from .. import closing, rules
from ..rules import CONTENT_FIELDS, FROZEN_STATES
from ..selectors import items_with_overdue, rectification_totals
from ..services import (rectification_add_evidence, rectification_change_evidence, rectification_item_create,
                        rectification_item_update, rectification_remove_evidence)
from .actions import WorkflowActionsMixin
from .evidence import EvidenceDownloadMixin
from .steps import ItemPageStepsMixin
from .filters import ExtendedFilter, OverdueFilter, OwnUnitFilter, ResponsiblePersonFilter, WithoutDeadlineFilter
from .forms import ItemForm

CHECKLIST_NOT_OFFERED = ("只能在本单位（含下级）的问题清单中新增整改事项：上级印发的清单，其整改事项由清单所属单位挂账；"
                         "本单位负责的已有事项可在事项页面办理。")

# Once closure has been requested the evidence is what the reviewer signs off: it stays as it is.
EVIDENCE_FROZEN = FROZEN_STATES


class EvidenceInline(ScopedInline):
    model = Evidence
    fields = ["file", "description", "uploaded_by", "uploaded_at"]
    readonly_fields = ["uploaded_by", "uploaded_at"]

    def _frozen(self, obj: RectificationItem | None) -> bool:
        return obj is not None and obj.state in EVIDENCE_FROZEN

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class TransitionInline(ScopedInline):
    """整改流转记录, read-only: written by the services only."""

    model = ItemTransition
    fields = ["at", "label", "from_state", "to_state", "actor", "note"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "流转记录"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProgressChangeList(HonouredChangeList):
    """The changelist with the progress of the whole filtered list (one aggregate query)."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        self.progress = rectification_totals(self.queryset)


@admin.register(RectificationItem)
class RectificationItemAdmin(EvidenceDownloadMixin, ItemPageStepsMixin, ImportExportMixin, WorkflowActionsMixin,
                             ScopedModelAdmin):
    import_resource = "rectification_items"
    form = ItemForm
    list_display = ["__str__", "checklist", "responsible_unit", "responsible_person", "deadline", "state",
                    "overdue_flag", "reopen_count"]
    list_filter = ["source", "state", UnitSubtreeFilter, OwnUnitFilter, ResponsiblePersonFilter, OverdueFilter,
                   ExtendedFilter, WithoutDeadlineFilter]
    list_select_related = ["checklist", "responsible_unit"]
    search_fields = ["problem", "^responsible_person"]
    autocomplete_fields = ["checklist", "responsible_unit"]
    ordering = ["deadline", "id"]
    actions = ["start_action", "request_closure_action", "approve_action", "send_back_action", "reopen_action",
               "extend_action"]
    inlines = [EvidenceInline, TransitionInline]
    readonly_fields = ["original_deadline", "state", "overdue_flag", "requested_by", "requested_at", "reviewed_by",
                       "reviewed_at", "closed_at", "return_reason", "reopen_reason", "reopen_count", "source_link",
                       "created_by", "created_at"]
    fieldsets = [
        ("问题清单", {"fields": ["checklist", "problem"]}),
        ("责任清单", {"fields": ["responsible_unit", "responsible_person", "lead_leader"]}),
        ("整改清单", {"fields": ["measure", "deadline", "original_deadline", "account"]}),
        ("挂账销号", {"fields": ["state", "overdue_flag", "requested_by", "requested_at", "reviewed_by",
                              "reviewed_at", "closed_at", "return_reason", "reopen_reason", "reopen_count",
                              "source_link", "created_by", "created_at"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[RectificationItem]:
        return items_with_overdue(super().get_queryset(request))

    def get_readonly_fields(self, request: HttpRequest, obj: RectificationItem | None = None) -> list[str]:
        # The checklist may belong to the level above (a county works on the city's list and
        # cannot pick it); an item stays on the list it was put on the books with.
        fields = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return fields
        if obj.state in FROZEN_STATES:
            # 申请销号 and after: the content is what the reviewer signs off (see rules).
            return fields + [name for name in CONTENT_FIELDS if name not in fields]
        fields.append("checklist")
        # What its source record writes (a 软弱涣散 case's problems and plan) is corrected there.
        fields += [name for name in closing.governed_fields(obj.source_content_type_id) if name not in fields]
        if "responsible_unit" not in fields and rules.assignment_refusal(checklist=obj.checklist, actor=request.user):
            fields.append("responsible_unit")  # the issuing side assigns it (交办): shown, not offered
        return fields

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "checklist" and field is not None:
            # Its choices are the checklists of the clerk's jurisdiction (the picker offers no
            # other): one chosen otherwise is refused by the rule's words, not the stock ones.
            field.error_messages["invalid_choice"] = CHECKLIST_NOT_OFFERED
        return field

    def has_change_permission(self, request: HttpRequest, obj: RectificationItem | None = None) -> bool:
        # A struck-off item is history (rules.check_item_edit): its page reads, without 保存;
        # 回头看 is a step of its own and puts it on the books again.
        if obj is not None and obj.state == ItemState.CLOSED:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: RectificationItem | None = None) -> bool:
        # An item put on the books stays on the books: the progress figures and the audit
        # trail count it. A wrong item is struck off (销号) with a note, never deleted.
        return False

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return ProgressChangeList

    @admin.display(description="逾期", ordering="is_overdue")
    def overdue_flag(self, obj: RectificationItem) -> str:
        return warning_flag(getattr(obj, "is_overdue", False), "已逾期")

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        item = super().get_object(request, object_id, from_field)
        if item is not None:
            item.source_shown = self.source_name(request, item)
        return item

    def source_name(self, request: HttpRequest, item: RectificationItem) -> str | None:
        """The source record by its own name (「城关第一党支部 2026年软弱涣散整顿」) for a
        user whose list of such records holds it; None otherwise, and the page names only
        its kind and number, as it reads nothing of a record the user may not see."""
        model = item.source_content_type.model_class() if item.source_content_type_id else None
        source_admin = self.admin_site._registry.get(model) if model is not None else None
        if source_admin is None or not source_admin.has_view_permission(request):
            return None
        source = source_admin.get_queryset(request).filter(pk=item.source_object_id).first()
        return None if source is None else str(source)

    @admin.display(description="来源记录")
    def source_link(self, obj: RectificationItem) -> str:
        if not obj.source_content_type_id:
            return "—"
        ct = obj.source_content_type
        label = (getattr(obj, "source_shown", None)
                 or f"{ct.model_class()._meta.verbose_name if ct.model_class() else ct.model} #{obj.source_object_id}")
        try:
            url = reverse(f"admin:{ct.app_label}_{ct.model}_change", args=[obj.source_object_id])
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    def save_model(self, request: HttpRequest, obj: RectificationItem, form: Any, change: bool) -> None:
        if change:
            rectification_item_update(item=obj, actor=request.user)
        else:
            rectification_item_create(item=obj, actor=request.user)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Evidence:
            super().save_formset(request, form, formset, change)
            return
        # Every attachment goes through the services: checked by content, refused once
        # closure is requested, one audit row each.
        for evidence in formset.save(commit=False):
            if evidence.pk is None:
                rectification_add_evidence(item=form.instance, actor=request.user, file=evidence.file,
                                           description=evidence.description)
            else:
                rectification_change_evidence(evidence=evidence, actor=request.user, file=evidence.file,
                                              description=evidence.description)
        for evidence in formset.deleted_objects:
            rectification_remove_evidence(evidence=evidence, actor=request.user)
