"""干部档案专项审核 admin: findings per item (三龄两历一身份), completion and 查结."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from orgwork.admin_base import ScopedInline, ScopedModelAdmin, UnitSubtreeFilter
from orgwork.admin_steps import RecordStepsMixin, RecordTimelineMixin

from ..models import FileAudit, FileAuditFinding, FileAuditStatus
from ..services import file_audit_complete, file_audit_resolve
from .base import DatedTextForm, ask_then_run, run_per_object
from .steps import FILE_AUDIT_STEPS, file_audit_timeline


class FindingInline(ScopedInline):
    model = FileAuditFinding
    fields = ("item", "result", "recorded_value", "determined_value", "note")
    max_num = 6

    def _editable(self, obj: Any) -> bool:
        return obj is None or obj.status == FileAuditStatus.AUDITING

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Findings are fixed once the audit is completed; the conclusion goes through 查结.
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(FileAudit)
class FileAuditAdmin(RecordStepsMixin, RecordTimelineMixin, ScopedModelAdmin):
    record_steps = FILE_AUDIT_STEPS
    list_display = ("cadre", "cadre_unit", "audited_on", "auditor", "status", "resolved_on")
    list_filter = (UnitSubtreeFilter, "status")
    list_select_related = ("cadre", "cadre__unit")
    search_fields = ("cadre__name",)
    autocomplete_fields = ("cadre",)
    date_hierarchy = "audited_on"
    inlines = (FindingInline,)
    readonly_fields = ("status", "resolution", "resolved_on")
    fields = ("cadre", "audited_on", "auditor", "status", "resolution", "resolved_on")
    actions = ("complete_audits", "resolve_audits")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only an audit still under way may be discarded; a concluded one (passed,
        # corrected, suspended from selection) is on the cadre's record.
        if obj is not None and obj.status != FileAuditStatus.AUDITING:
            return False
        return super().has_delete_permission(request, obj)

    def timeline_records(self, record: FileAudit) -> list[Any]:
        return file_audit_timeline(record)

    @admin.display(description="单位", ordering="cadre__unit__path")
    def cadre_unit(self, obj: FileAudit) -> str:
        return str(obj.cadre.unit)

    @admin.action(description="审核完成（按认定结果确定状态）", permissions=["change"])
    def complete_audits(self, request: HttpRequest, queryset: Any) -> None:
        run_per_object(self, request, queryset, lambda audit: file_audit_complete(audit=audit, actor=request.user),
                       done="审核完成")

    @admin.action(description="疑似造假查结，解除暂缓选任", permissions=["change"])
    def resolve_audits(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        return ask_then_run(
            self, request, queryset, form_class=DatedTextForm, title="疑似造假查结（查结日期与查核结论）",
            service=lambda audit, data: file_audit_resolve(audit=audit, resolution=data["text"],
                                                           resolved_on=data["day"], actor=request.user),
            done="查结并解除暂缓",
        )
