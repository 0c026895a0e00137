"""凡提四必 admin: the case with its four checks inline and the blockers explained."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html, format_html_join

from cadres.rules import check_vetting_rank_given
from orgwork.audit.context import current_actor
from orgwork.common.display import already
from orgwork.admin_files import FileDownloadMixin
from orgwork.admin_base import ScopedInline, ScopedModelAdmin, UnitSubtreeFilter, warning_flag
from orgwork.admin_steps import RecordStepsMixin, RecordTimelineMixin

from ..models import VettingCase, VettingCheck, VettingResult, VettingStatus
from ..selectors import blockers_for, open_check_reasons, vetting_cases_with_flags
from ..services import vetting_clear, vetting_open, vetting_record_check, vetting_terminate
from .base import ReasonForm, ask_then_run, run_per_object
from .steps import VETTING_STEPS, vetting_timeline


class VettingCheckForm(forms.ModelForm):
    class Meta:
        model = VettingCheck
        fields = ("result", "checked_on", "handler", "conclusion", "evidence")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        case = self.instance.case if self.instance.case_id else None
        if case is not None and case.status != VettingStatus.REVIEWING and self.has_changed():
            raise forms.ValidationError(f"该审查{already(case.get_status_display())}，不能再修改核查结果。")
        return cleaned


class VettingCheckInline(ScopedInline):
    model = VettingCheck
    form = VettingCheckForm
    fields = ("kind", "result", "checked_on", "handler", "conclusion", "evidence")
    readonly_fields = ("kind",)
    can_delete = False
    max_num = 4

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the four checks are created with the case


class VettingCaseForm(forms.ModelForm):
    class Meta:
        model = VettingCase
        fields = ("cadre", "proposed_post", "proposed_rank", "nominated_by", "nominated_on")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "proposed_rank" in self.fields and not self.instance.pk:
            self.fields["proposed_rank"].required = True  # a new case names the step it vets

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        cadre = cleaned.get("cadre")
        if (
            not self.instance.pk
            and cadre is not None
            and VettingCase.objects.filter(cadre=cadre, status=VettingStatus.REVIEWING).exists()
        ):
            self.add_error("cadre", f"{cadre.name}已有审查中的凡提四必案件，不能重复发起。")
        if "proposed_rank" in self.fields and "proposed_rank" not in self.errors:
            before = VettingCase.objects.filter(pk=self.instance.pk).values_list("proposed_rank", flat=True).first()
            try:
                check_vetting_rank_given(actor=current_actor().user, rank=cleaned.get("proposed_rank") or "",
                                         before=before)
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


@admin.register(VettingCase)
class VettingCaseAdmin(FileDownloadMixin, RecordStepsMixin, RecordTimelineMixin, ScopedModelAdmin):
    record_steps = VETTING_STEPS
    form = VettingCaseForm
    list_display = ("cadre", "proposed_post", "proposed_rank", "nominated_by", "nominated_on", "status", "checks_done",
                    "blocked")
    list_filter = (UnitSubtreeFilter, "status")
    list_select_related = ("cadre", "cadre__unit")
    search_fields = ("cadre__name", "proposed_post")
    autocomplete_fields = ("cadre",)
    date_hierarchy = "nominated_on"
    inlines = (VettingCheckInline,)
    actions = ("clear_cases", "terminate_cases")
    readonly_fields = ("status", "blockers_explained", "current_blockers", "concluded_at", "concluded_by",
                       "termination_reason", "used_on", "used_for")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A case is on the books from its nomination: it is cleared or terminated, never deleted.
        return False

    def timeline_records(self, record: VettingCase) -> list[Any]:
        return vetting_timeline(record)

    def timeline_name(self, obj: Any) -> str:
        return obj.get_kind_display() if isinstance(obj, VettingCheck) else str(obj)

    def get_queryset(self, request: HttpRequest) -> Any:
        return vetting_cases_with_flags(super().get_queryset(request))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[tuple[Any, dict[str, Any]]]:
        main = (None, {"fields": ["cadre", "proposed_post", "proposed_rank", "nominated_by", "nominated_on"]})
        if obj is None:
            return [main]
        # A concluded case shows today's blockers instead of the reasons it could not pass:
        # the list's 现存阻却情形 column points here (a blocker found after passing is the
        # 带病提拔 look-back the clerk must act on).
        explained = "blockers_explained" if obj.status == VettingStatus.REVIEWING else "current_blockers"
        # A case spent on a 职级 raise says so (a promotion in 任职经历 shows on the cadre's page).
        used = ["used_on", "used_for"] if obj.used_on is not None else []
        return [main, ("审查情况", {"fields": ["status", explained, "concluded_at", "concluded_by",
                                          "termination_reason", *used]})]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is not None and obj.status != VettingStatus.REVIEWING:
            # What was vetted is fixed once the case is concluded: a cleared case answers for that step only.
            return (*self.readonly_fields, "cadre", "proposed_post", "proposed_rank", "nominated_by", "nominated_on")
        if obj is not None:
            return (*self.readonly_fields, "cadre")
        return self.readonly_fields

    def get_inlines(self, request: HttpRequest, obj: Any) -> tuple[Any, ...]:
        return self.inlines if obj is not None else ()

    @admin.display(description="四必完成", boolean=True)
    def checks_done(self, obj: VettingCase) -> bool:
        return not obj.has_open_checks

    @admin.display(description="现存阻却情形")
    def blocked(self, obj: VettingCase) -> str:
        low = obj.latest_score is not None and obj.latest_score < 80
        return warning_flag(obj.has_influence or obj.has_suspected_file or obj.has_discrepancy or low, "存在")

    @admin.display(description="不能通过的原因")
    def blockers_explained(self, obj: VettingCase) -> str:
        if obj.status != VettingStatus.REVIEWING:
            return "—"
        reasons = open_check_reasons(obj) + [b.message for b in blockers_for(obj.cadre)]
        if not reasons:
            return "四项核查均已完成且无问题，无阻却情形，可以审查通过。"
        return format_html('<ul class="errorlist">{}</ul>', format_html_join("", "<li>{}</li>", ((r,) for r in reasons)))

    @admin.display(description="现存阻却情形")
    def current_blockers(self, obj: VettingCase) -> str:
        """Blockers standing today for a concluded case (those at the time of passing were none)."""
        reasons = [b.message for b in blockers_for(obj.cadre)]
        if not reasons:
            return "目前无阻却情形。"
        return format_html('<p>审查结束后该干部目前存在以下阻却情形，请核查：</p><ul class="errorlist">{}</ul>',
                           format_html_join("", "<li>{}</li>", ((r,) for r in reasons)))

    def save_model(self, request: HttpRequest, obj: VettingCase, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = vetting_open(cadre=obj.cadre, proposed_post=obj.proposed_post, proposed_rank=obj.proposed_rank,
                               nominated_by=obj.nominated_by, nominated_on=obj.nominated_on, actor=request.user)
        obj.pk = created.pk
        obj._state.adding = False

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not VettingCheck:
            super().save_formset(request, form, formset, change)
            return
        # The admin's change message reads these; the service saves instead of formset.save().
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for check_form in formset.forms:
            if not check_form.has_changed():
                continue
            data = check_form.cleaned_data
            vetting_record_check(
                check=check_form.instance, result=data.get("result") or VettingResult.PENDING,
                checked_on=data.get("checked_on"), handler=data.get("handler", ""),
                conclusion=data.get("conclusion", ""),
                evidence=data.get("evidence") if "evidence" in check_form.changed_data else None,
                actor=request.user,
            )
            formset.changed_objects.append((check_form.instance, check_form.changed_data))

    @admin.action(description="审查通过", permissions=["change"])
    def clear_cases(self, request: HttpRequest, queryset: Any) -> None:
        run_per_object(self, request, queryset, lambda case: vetting_clear(case=case, actor=request.user),
                       done="审查通过")

    @admin.action(description="终止审查", permissions=["change"])
    def terminate_cases(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        return ask_then_run(
            self, request, queryset, form_class=ReasonForm, title="终止凡提四必审查",
            service=lambda case, data: vetting_terminate(case=case, actor=request.user, reason=data["reason"]),
            done="终止审查",
        )
