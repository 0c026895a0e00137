"""一报告两评议 admin: the 不满意率 line, the yearly reports, the 民主评议."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html

from orgwork.admin_files import FileDownloadMixin
from orgwork.admin_base import ScopedModelAdmin, UnitSubtreeFilter, warning_flag
from orgwork.admin_changelist import HonouredChangeList
from orgwork.imports.admin import ImportExportMixin

from ..models import DissatisfactionLine, EvaluationKind, SelectionEvaluation, SelectionReport
from ..services import dissatisfaction_line_change, evaluation_prepare, evaluation_save, selection_report_save


def percent(value: Any) -> str:
    return "—" if value is None else f"{float(value):.1%}"


@admin.register(DissatisfactionLine)
class DissatisfactionLineAdmin(ScopedModelAdmin):
    """不满意率警戒线: one province-wide row, changed by the business lead (audited)."""

    list_display = ("__str__", "numerator", "denominator", "basis")
    fields = ("numerator", "denominator", "basis")

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[DissatisfactionLine]:
        # Configuration of the whole province: it belongs to no unit.
        return DissatisfactionLine.objects.all()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the one row is stored by the migration

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: DissatisfactionLine, form: Any, change: bool) -> None:
        dissatisfaction_line_change(line=obj, actor=request.user, validate=False)


@admin.register(SelectionReport)
class SelectionReportAdmin(FileDownloadMixin, ScopedModelAdmin):
    list_display = ("unit", "year", "reported_on", "has_attachment")
    list_filter = (UnitSubtreeFilter, "year")
    list_select_related = ("unit",)
    search_fields = ("unit__name",)
    fields = ("unit", "year", "reported_on", "text", "attachment")
    ordering = ("-year", "unit__path", "id")

    @admin.display(description="附件", boolean=True)
    def has_attachment(self, obj: SelectionReport) -> bool:
        return bool(obj.attachment)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a report on the books is corrected, not removed

    def save_model(self, request: HttpRequest, obj: SelectionReport, form: Any, change: bool) -> None:
        selection_report_save(report=obj, actor=request.user, validate=False)


class SelectionEvaluationForm(forms.ModelForm):
    class Meta:
        model = SelectionEvaluation
        fields = ("unit", "year", "kind", "cadre", "evaluated_on", "good", "fairly_good", "average", "poor")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        # The service's rule, shown on the form (the service checks it again when saving).
        # This class's fields: the admin's subclass also names the page's read-only results.
        probe = SelectionEvaluation(**{name: cleaned.get(name) for name in SelectionEvaluationForm.Meta.fields})
        try:
            evaluation_prepare(probe)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
            # An error takes the cadre out of cleaned_data; the record keeps it, so that the
            # model's own check does not add 须选择干部 beside a cadre the clerk chose.
            self.instance.cadre = probe.cadre
        return cleaned


class OverLineFilter(admin.SimpleListFilter):
    title = "不满意率"
    parameter_name = "over_line"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "达到警戒线"), ("no", "未达到")]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(over_line=True)
        if self.value() == "no":
            return queryset.filter(over_line=False)
        return queryset


class EvaluationChangeList(HonouredChangeList):
    """The 民主评议 list, with what its 导出 leaves out said beside the table."""

    @cached_property
    def export_note(self) -> str:
        """The file is the sheet the clerk fills in and uploads: 新提拔干部评议 only, each
        found by its 身份证号. A 选人用人工作评议 has no cadre, so no key the sheet could
        find it by; it is kept on this page. Read by the page only."""
        left_out = self.queryset.order_by().filter(kind=EvaluationKind.WORK).count()
        if not left_out:
            return ""
        return (f"导出文件只含新提拔干部评议，可修改后导入；当前列表中的选人用人工作评议 {left_out} 条不在导出文件中："
                "这类评议不按身份证号登记，导入表格不收，请在本页面登记和修改。")


@admin.register(SelectionEvaluation)
class SelectionEvaluationAdmin(ImportExportMixin, ScopedModelAdmin):
    import_resource = "selection_evaluations"
    change_list_template = "admin/selection/selectionevaluation/change_list.html"
    form = SelectionEvaluationForm
    list_display = ("unit", "year", "kind", "cadre", "good", "fairly_good", "average", "poor", "satisfaction_rate",
                    "dissatisfaction_rate", "over_line_flag", "checklist_item")
    list_filter = (UnitSubtreeFilter, "year", "kind", OverLineFilter)
    list_select_related = ("unit", "cadre", "rectification_item")
    search_fields = ("cadre__name", "unit__name")
    autocomplete_fields = ("cadre",)
    ordering = ("-year", "unit__path", "kind", "id")
    readonly_fields = ("promotion", "satisfaction_rate", "dissatisfaction_rate", "over_line", "checklist_item")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[tuple[Any, dict[str, Any]]]:
        main = (None, {"fields": ["unit", "year", "kind", "cadre", "evaluated_on"]})
        votes = ("评议票数", {"fields": ["good", "fairly_good", "average", "poor"],
                          "description": "满意率 =（好 + 较好）/ 总票数；不满意率 = 差 / 总票数。"})
        if obj is None:
            return [main, votes]
        return [main, votes, ("结果", {"fields": ["promotion", "satisfaction_rate", "dissatisfaction_rate",
                                               "over_line", "checklist_item"]})]

    @admin.display(description="满意率")
    def satisfaction_rate(self, obj: SelectionEvaluation) -> str:
        return percent(obj.satisfaction)

    @admin.display(description="不满意率")
    def dissatisfaction_rate(self, obj: SelectionEvaluation) -> str:
        return percent(obj.dissatisfaction)

    @admin.display(description="警戒线", ordering="over_line")
    def over_line_flag(self, obj: SelectionEvaluation) -> str:
        return warning_flag(obj.over_line, "达到")

    @admin.display(description="整改事项")
    def checklist_item(self, obj: SelectionEvaluation) -> str:
        item = obj.rectification_item
        if item is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:rectification_rectificationitem_change",
                                                          args=[item.pk]), item.get_state_display())

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[EvaluationChangeList]:
        return EvaluationChangeList

    def get_export_queryset(self, request: HttpRequest) -> models.QuerySet[SelectionEvaluation]:
        # The file imports back as it stands: only the rows the sheet takes (the list says so,
        # ``EvaluationChangeList.export_note``). The worker's file reads this too.
        return super().get_export_queryset(request).filter(kind=EvaluationKind.CADRE)

    def save_model(self, request: HttpRequest, obj: SelectionEvaluation, form: Any, change: bool) -> None:
        evaluation_save(evaluation=obj, actor=request.user, validate=False)


