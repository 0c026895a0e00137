"""因私出入境证件 admin: custody register, loans (lend, return, overdue) and violations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from orgwork.admin_actions import already
from orgwork.admin_base import ScopedInline, ScopedModelAdmin, UnitSubtreeFilter, warning_flag
from orgwork.admin_steps import RecordStepsMixin, RecordTimelineMixin
from orgwork.common import dates

from ..models import TravelDocument, TravelDocumentLoan, TravelDocumentStatus, TravelViolation
from ..services import lend_day_error, travel_document_cancel, travel_document_lend, travel_document_return
from .base import ReasonForm, ask_then_run, run_per_object
from .steps import LOAN_STEPS, TRAVEL_DOCUMENT_STEPS, document_timeline


class LoanInline(ScopedInline):
    model = TravelDocumentLoan
    fields = ("lent_on", "due_on", "purpose", "approved_by", "returned_on")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReturnForm(forms.Form):
    day = dates.DateFormField(label="交还日期", widget=forms.DateInput(attrs={"type": "date"}))


@admin.register(TravelDocument)
class TravelDocumentAdmin(RecordStepsMixin, RecordTimelineMixin, ScopedModelAdmin):
    record_steps = TRAVEL_DOCUMENT_STEPS
    list_display = ("holder", "holder_unit", "document_type", "status", "expires_on", "deposited_on")
    list_filter = (UnitSubtreeFilter, "document_type", "status")
    list_select_related = ("holder", "holder__unit")
    search_fields = ("holder__name", "=number")
    autocomplete_fields = ("holder",)
    readonly_fields = ("status",)
    fields = ("holder", "document_type", "number", "expires_on", "deposited_on", "status", "remarks")
    inlines = (LoanInline,)
    actions = ("return_documents", "cancel_documents")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A document that has been lent carries its loans: it is cancelled (注销), not deleted.
        if obj is not None and obj.loans.exists():
            return False
        return super().has_delete_permission(request, obj)

    def timeline_records(self, record: TravelDocument) -> list[Any]:
        return document_timeline(record)

    @admin.display(description="单位", ordering="holder__unit__path")
    def holder_unit(self, obj: TravelDocument) -> str:
        return str(obj.holder.unit)

    @admin.action(description="交还入库", permissions=["change"])
    def return_documents(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        return ask_then_run(
            self, request, queryset, form_class=ReturnForm, title="证件交还入库",
            service=lambda doc, data: travel_document_return(document=doc, returned_on=data["day"], actor=request.user),
            done="交还入库",
        )

    @admin.action(description="注销证件", permissions=["change"])
    def cancel_documents(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        return ask_then_run(
            self, request, queryset, form_class=ReasonForm, title="注销因私出入境证件",
            service=lambda doc, data: already("已注销") if doc.status == TravelDocumentStatus.CANCELLED
            else travel_document_cancel(document=doc, reason=data["reason"], actor=request.user),
            done="注销",
        )


class LoanStateFilter(admin.SimpleListFilter):
    title = "交还情况"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("overdue", "逾期未交还"), ("out", "未交还"), ("returned", "已交还")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "overdue":
            return queryset.filter(returned_on__isnull=True, due_on__lt=timezone.localdate())
        if self.value() == "out":
            return queryset.filter(returned_on__isnull=True)
        if self.value() == "returned":
            return queryset.filter(returned_on__isnull=False)
        return queryset


class LoanForm(forms.ModelForm):
    class Meta:
        model = TravelDocumentLoan
        fields = ("document", "lent_on", "due_on", "purpose", "approved_by")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        document = cleaned.get("document")
        if document is not None and document.status != TravelDocumentStatus.IN_CUSTODY:
            self.add_error("document", f"{document}当前状态为「{document.get_status_display()}」，不能借出。")
        elif document is not None and (refused := lend_day_error(document, cleaned.get("lent_on"))):
            self.add_error("lent_on", refused)
        return cleaned


@admin.register(TravelDocumentLoan)
class TravelDocumentLoanAdmin(RecordStepsMixin, RecordTimelineMixin, ScopedModelAdmin):
    record_steps = LOAN_STEPS
    form = LoanForm
    list_display = ("document", "lent_on", "due_on", "returned_on", "is_overdue", "purpose", "approved_by")
    list_filter = (UnitSubtreeFilter, LoanStateFilter)
    list_select_related = ("document", "document__holder", "document__holder__unit")
    search_fields = ("document__holder__name",)
    autocomplete_fields = ("document",)
    ordering = ("-lent_on", "-id")
    readonly_fields = ("returned_on",)
    actions = ("return_loans",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A loan is registered once; returning goes through the action.
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A loan is the register of who had the document when: it stays.
        return False

    @admin.display(description="逾期")
    def is_overdue(self, obj: TravelDocumentLoan) -> str:
        return warning_flag(obj.returned_on is None and obj.due_on < timezone.localdate(), "已逾期")

    def save_model(self, request: HttpRequest, obj: TravelDocumentLoan, form: Any, change: bool) -> None:
        loan = travel_document_lend(document=obj.document, lent_on=obj.lent_on, due_on=obj.due_on,
                                    purpose=obj.purpose, approved_by=obj.approved_by, actor=request.user)
        obj.pk = loan.pk
        obj._state.adding = False

    @admin.action(description="交还入库（今日）", permissions=["change"])
    def return_loans(self, request: HttpRequest, queryset: Any) -> None:
        today = timezone.localdate()
        run_per_object(self, request, queryset,
                       lambda loan: travel_document_return(document=loan.document, returned_on=today,
                                                           actor=request.user, loan=loan),
                       done="交还入库")


@admin.register(TravelViolation)
class TravelViolationAdmin(RecordTimelineMixin, ScopedModelAdmin):
    list_display = ("cadre", "kind", "found_on", "document")
    list_filter = (UnitSubtreeFilter, "kind")
    list_select_related = ("cadre", "cadre__unit", "document")
    search_fields = ("cadre__name",)
    autocomplete_fields = ("cadre", "document")
    date_hierarchy = "found_on"
