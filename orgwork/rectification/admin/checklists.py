"""问题清单 admin: the checklist header with its items inline and progress columns."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.functional import cached_property

from orgwork.admin_changelist import HonouredChangeList
from orgwork.admin_site import autocomplete_source
from orgwork.admin_base import VERSION_FIELD, ScopedInline, ScopedModelAdmin, UnitSubtreeFilter, VersionCheckForm
from orgwork.units.scope import units_visible_to
from orgwork.imports.admin import ImportExportMixin

from ..models import Checklist, RectificationItem
from .. import rules
from ..selectors import (checklists_exported_by, checklists_open_to_new_items, checklists_visible_to,
                         checklists_with_progress, rectification_progress)
from ..services import rectification_item_create, rectification_item_update
from .forms import ItemForm


# The autocomplete request of the 问题清单 field on an item's form.
ITEM_CHECKLIST_PICKER = ("rectification", "rectificationitem", "checklist")


def _issued_above(request: HttpRequest, obj: Any) -> bool:
    return isinstance(obj, Checklist) and rules.issued_above(checklist=obj, actor=request.user)


class ItemInlineForm(VersionCheckForm, ItemForm):
    """A row of the inline: the version check, then the domain's edit rule."""


class ItemInline(ScopedInline):
    """The checklist's items: problem, responsibility, measure and deadline on one row.

    The version check and the edit rule of the item's own change page apply here too, row
    by row, and each row is saved through the services.
    """

    model = RectificationItem
    form = ItemInlineForm
    fields = ["problem", "responsible_unit", "responsible_person", "lead_leader", "measure", "deadline", "state",
              VERSION_FIELD]
    readonly_fields = ["state"]
    autocomplete_fields = ["responsible_unit"]
    show_change_link = True
    can_delete = False  # an item put on the books stays on the books; the audit trail needs it
    verbose_name = "整改事项"
    verbose_name_plural = "整改事项（问题 · 责任 · 整改措施）"

    # On a checklist issued above the clerk (read only) the clerk's items are listed, not
    # edited here: each opens on its own page, where the clerk works on it.
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not _issued_above(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and not _issued_above(request, obj)

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("problem", "measure") and field is not None:
            field.widget.attrs.update({"rows": 2, "cols": 30})
        return field


class ChecklistChangeList(HonouredChangeList):
    """The 问题清单 list, with what its 导出 leaves out said beside the table."""

    @cached_property
    def export_note(self) -> str:
        """The checklists issued above the clerk (read only here) do not import back, so the
        file holds the clerk's own: a clerk sending "the list I see" upward would otherwise
        send less without knowing. Read by the page only, never by the export itself."""
        own = checklists_exported_by(self.user, Checklist.objects.all()).values("pk")
        left_out = self.queryset.order_by().exclude(pk__in=own).count()
        if not left_out:
            return ""
        return (f"导出文件只含本单位（含下级）的问题清单，不含当前列表中上级印发、本单位只读的清单 {left_out} 个："
                "这些清单由印发单位维护，导出后也不能导入回系统。页面上的发现问题、已整改、整改率等统计也不在导出文件中。")

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        self.user = request.user


@admin.register(Checklist)
class ChecklistAdmin(ImportExportMixin, ScopedModelAdmin):
    import_resource = "rectification_checklists"
    list_display = ["title", "source", "document_number", "unit", "year", "found", "rectified", "on_time",
                    "extended", "overdue", "rate"]
    list_filter = ["source", "year", UnitSubtreeFilter]
    list_select_related = ["unit"]
    search_fields = ["^document_number", "title"]
    autocomplete_fields = ["unit"]
    ordering = ["-year", "-created_at", "-id"]
    fields = ["source", "title", "document_number", "document_date", "unit", "year"]
    inlines = [ItemInline]
    change_list_template = "admin/rectification/checklist/change_list.html"

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Checklist]:
        # Beside its own checklists a clerk reads those issued above that hold items of the
        # clerk's jurisdiction: the counts and the rows below are those items only.
        base = super(ScopedModelAdmin, self).get_queryset(request)
        return checklists_with_progress(checklists_visible_to(request.user, base), user=request.user)

    def get_search_results(self, request: HttpRequest, queryset: models.QuerySet[Checklist],
                           search_term: str) -> tuple[models.QuerySet[Checklist], bool]:
        """The checklist picker of an item offers only the checklists the user may put an
        item on (the rule of :func:`rules.check_new_item_checklist`): a county reads the
        city's list here but does not add to it."""
        if autocomplete_source(request) == ITEM_CHECKLIST_PICKER:
            queryset = checklists_open_to_new_items(request.user, queryset)
        return super().get_search_results(request, queryset, search_term)

    def get_export_queryset(self, request: HttpRequest) -> models.QuerySet[Checklist]:
        # The export is the clerk's own checklists only: a sheet imports back what the clerk
        # may write, and the upper ones are read only. The worker's file reads this too.
        return checklists_exported_by(request.user, super().get_export_queryset(request))

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return ChecklistChangeList

    def issued_above(self, request: HttpRequest, obj: Checklist | None) -> bool:
        return obj is not None and rules.issued_above(checklist=obj, actor=request.user)

    def has_change_permission(self, request: HttpRequest, obj: Checklist | None = None) -> bool:
        return super().has_change_permission(request, obj) and not self.issued_above(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Checklist | None = None) -> bool:
        return super().has_delete_permission(request, obj) and not self.issued_above(request, obj)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.progress_view)
        return [path("progress/", view, name="rectification_progress"), *super().get_urls()]

    def progress_view(self, request: HttpRequest) -> TemplateResponse:
        """整改进度（按单位）: a unit and the units directly below it, each counting its whole subtree."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        visible = units_visible_to(request.user)
        home = getattr(request.user, "unit", None)
        chosen = visible.filter(code=request.GET.get("unit", "")).first() or (
            home if home is not None and visible.filter(pk=home.pk).exists() else visible.filter(parent=None).first())
        rows = []
        if chosen is not None:
            units = visible.filter(Q(pk=chosen.pk) | Q(parent=chosen)).order_by("path")
            rows = list(rectification_progress(units=units, user=request.user))
        context = {
            **self.admin_site.each_context(request),
            "title": f"整改进度：{chosen}" if chosen else "整改进度",
            "subtitle": None,
            "opts": self.opts,
            "chosen": chosen,
            "rows": rows,
            "parent": chosen.parent if chosen is not None and chosen.parent_id and visible.filter(
                pk=chosen.parent_id).exists() else None,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/rectification/progress.html", context)

    @admin.display(description="发现问题", ordering="found")
    def found(self, obj: Checklist) -> int:
        return obj.found

    @admin.display(description="已整改", ordering="rectified")
    def rectified(self, obj: Checklist) -> int:
        return obj.rectified

    @admin.display(description="按期整改", ordering="on_time")
    def on_time(self, obj: Checklist) -> int:
        return obj.on_time

    @admin.display(description="延期事项", ordering="extended")
    def extended(self, obj: Checklist) -> int:
        return obj.extended

    @admin.display(description="逾期未改", ordering="overdue")
    def overdue(self, obj: Checklist) -> int:
        return obj.overdue

    @admin.display(description="整改率", ordering="rate")
    def rate(self, obj: Checklist) -> str:
        return "—" if obj.rate is None else f"{obj.rate:.1f}%"

    def get_readonly_fields(self, request: HttpRequest, obj: Checklist | None = None) -> list[str]:
        # Items carry the source of their checklist: once there are items it stays.
        if obj is not None and obj.items.exists():
            return ["source"]
        return []

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not RectificationItem:
            super().save_formset(request, form, formset, change)
            return
        for item in formset.save(commit=False):
            if item.pk is None:
                rectification_item_create(item=item, actor=request.user)
            else:
                rectification_item_update(item=item, actor=request.user)
        formset.save_m2m()
