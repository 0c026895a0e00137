"""挂职与驻村 admin: the assignments with their workflow buttons on the record page
(登记在岗抽查, 年度考核, 期满离岗, 召回, 轮换), the spot checks, the assessments, and the
read-only list of a cadre's assignments on the cadre's page. Nothing on the books is
deleted; every write goes through ``services``."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from cadres import extensions
from cadres.models import Cadre
from orgwork.admin_actions import action_with_form
from orgwork.admin_base import ScopedInline, ScopedModelAdmin, StateFilter, UnitSubtreeFilter, warning_flag
from orgwork.admin_steps import RecordStep, RecordStepsMixin, RecordTimelineMixin, apply_refusal
from orgwork.common import dates
from orgwork.common.numbers import PlainIntegerField
from orgwork.imports.admin import ImportExportMixin
from orgwork.units.scope import scope_queryset

from . import rules
from .models import (
    REPLACED,
    VILLAGE_KINDS,
    AssessmentGrade,
    Assignment,
    AssignmentAssessment,
    AssignmentStatus,
    DutyCheck,
)
from .selectors import RELATED, with_check_figures
from .services import assignment_assess, assignment_end, assignment_save, check_assignment, duty_check_record

DAY = forms.DateInput(attrs={"type": "date"})


# ---------------------------------------------------------------------------
# Forms of the record-page steps
# ---------------------------------------------------------------------------

class DutyCheckStepForm(forms.Form):
    checked_on = dates.DateFormField(label="抽查日期", widget=DAY)
    checker = forms.CharField(label="抽查人", max_length=50)
    present = forms.TypedChoiceField(label="抽查结果", choices=[("1", "在岗"), ("0", "不在岗")],
                                     coerce=lambda v: v == "1", widget=forms.RadioSelect)
    note = forms.CharField(label="情况说明", max_length=200, required=False)


class AssessStepForm(forms.Form):
    year = PlainIntegerField(label="考核年度", min_value=1990, max_value=2100)
    grade = forms.ChoiceField(label="考核等次", choices=AssessmentGrade.choices)
    remarks = forms.CharField(label="考核评语", max_length=200, required=False)


class CompleteStepForm(forms.Form):
    left_on = dates.DateFormField(label="离岗日期", widget=DAY)


class RecallStepForm(forms.Form):
    left_on = dates.DateFormField(label="离岗日期", widget=DAY)
    reason = forms.CharField(label="召回原因", widget=forms.Textarea(attrs={"rows": 3}))
    held_accountable = forms.BooleanField(label="问责处理", required=False,
                                          help_text="对本人作出问责处理的勾选（计入“问责处理”人数）。")
    replacement_cadre = forms.ModelChoiceField(label="接替人选", queryset=Cadre.objects.none(), required=False,
                                               help_text="召回后即派人接替的选择；接替人的选派期至原期满日期。")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["replacement_cadre"].queryset = scope_queryset(Cadre.objects.select_related("unit"), user)


class RotateStepForm(RecallStepForm):
    reason = forms.CharField(label="轮换原因", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["replacement_cadre"].required = True
        self.fields["replacement_cadre"].help_text = "接替人的选派期自离岗日期起至原期满日期。"


def _check(assignment: Assignment, actor: Any, data: dict[str, Any]) -> Any:
    return duty_check_record(check=DutyCheck(assignment=assignment, **data), actor=actor)


def _assess(assignment: Assignment, actor: Any, data: dict[str, Any]) -> Any:
    return assignment_assess(assessment=AssignmentAssessment(assignment=assignment, **data), actor=actor)


def _ender(status: str) -> Callable[[Assignment, Any, dict[str, Any]], Any]:
    return lambda assignment, actor, data: assignment_end(assignment=assignment, status=status, actor=actor, **data)


def _in_post(assignment: Assignment) -> bool:
    return assignment.status == AssignmentStatus.ACTIVE


def _summary(a: Assignment) -> str:
    return (f"{a.get_kind_display()}「{a.cadre.name}」（{a.place}；{a.starts_on:%Y-%m-%d}至{a.ends_on:%Y-%m-%d}；"
            f"{a.get_status_display()}）")


def _step(name: str, label: str, permission: str, run: Callable[..., Any], form: type[forms.Form], icon: str,
          applies: Callable[[Assignment], bool] = _in_post, verb: str = "",
          refusal_fields: dict[str, str] | None = None) -> RecordStep:
    return RecordStep(name=name, label=label, verb=verb, permission=permission, applies=applies, run=run, form=form,
                      icon=icon, form_takes_user=issubclass(form, RecallStepForm),
                      summary=lambda a: f"{_summary(a)}将办理「{verb or label}」。",
                      refusal_fields=refusal_fields or {})


# Every step but the assessment only while the assignment is in post (an assessment may follow the end).
# The one refusal of a check or an assessment not keyed by a field is its model's uniqueness:
# a second check on the same day, a second assessment for the same year.
ASSIGNMENT_STEPS = (
    _step("check_step", "登记在岗抽查", "secondment.add_dutycheck", _check, DutyCheckStepForm, "fact_check",
          refusal_fields={NON_FIELD_ERRORS: "checked_on"}),
    _step("assess_step", "年度考核", "secondment.add_assignmentassessment", _assess, AssessStepForm, "grading",
          applies=lambda a: True, verb="登记年度考核", refusal_fields={NON_FIELD_ERRORS: "year"}),
    _step("complete_step", "期满离岗", "secondment.change_assignment", _ender(AssignmentStatus.COMPLETED),
          CompleteStepForm, "event_available"),
    _step("recall_step", "召回", "secondment.change_assignment", _ender(AssignmentStatus.RECALLED),
          RecallStepForm, "undo"),
    _step("rotate_step", "轮换", "secondment.change_assignment", _ender(AssignmentStatus.ROTATED),
          RotateStepForm, "sync_alt"),
)


# ---------------------------------------------------------------------------
# Assignment
# ---------------------------------------------------------------------------

class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ("kind", "cadre", "sending_unit", "host_unit", "post", "township", "village", "starts_on",
                  "ends_on", "remarks")
        widgets = {"starts_on": DAY, "ends_on": DAY}

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors:
            return
        try:
            check_assignment(self.instance)  # the service's rules, shown on the form
        except ValidationError as error:
            apply_refusal(self, error)


class DutyCheckInline(ScopedInline):
    model = DutyCheck
    fields = ("checked_on", "checker", "present", "note")
    readonly_fields = fields
    can_delete = False
    ordering = ("-checked_on",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AssessmentInline(ScopedInline):
    model = AssignmentAssessment
    fields = ("year", "grade", "remarks")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StatusFilter(StateFilter):
    """在岗状态, 在岗 until another state or 全部 is picked: the list is of those serving
    now; who ended the term, was recalled or rotated is one pick away, and a search finds
    them without one. A pick of 离岗年度 or 离岗方式 is a pick of those who left, and one of
    在岗抽查 (本年有不在岗 counts who left after it too): each starts from everyone."""

    default = AssignmentStatus.ACTIVE.value
    implied_by = ("left_year", "end", "checks")


class CheckStateFilter(admin.SimpleListFilter):
    title = "在岗抽查"
    parameter_name = "checks"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("overdue", "抽查逾期"), ("absent", "本年有不在岗")]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if self.value() == "overdue":
            since = timezone.localdate() - datetime.timedelta(days=rules.check_interval_days())
            return queryset.filter(status=AssignmentStatus.ACTIVE, starts_on__lt=since).filter(
                models.Q(last_checked_on__isnull=True) | models.Q(last_checked_on__lt=since))
        if self.value() == "absent":
            return queryset.filter(absences__gt=0)
        return queryset


class LeftYearFilter(admin.SimpleListFilter):
    title = "离岗年度"
    parameter_name = "left_year"
    checks_own_values = True  # any year: an older one is as good as those listed

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        year = timezone.localdate().year
        return [(str(y), f"{y}年") for y in range(year, year - 5, -1)]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        value = self.value()
        if value is None:
            return queryset
        if not (value.isascii() and value.isdigit() and len(value) == 4):
            raise IncorrectLookupParameters(f"{self.title}「{value}」不是年份")
        return queryset.filter(left_on__year=int(value))


class EndFilter(admin.SimpleListFilter):
    """调整撤换 (召回 or 轮换 of a 驻村 cadre) and 问责处理: the dashboard's two figures."""

    title = "离岗方式"
    parameter_name = "end"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("any", "召回或轮换"), ("replaced", "驻村干部调整撤换"), ("accountable", "驻村干部问责处理")]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if self.value() == "any":
            return queryset.filter(status__in=REPLACED)
        if self.value() in ("replaced", "accountable"):
            queryset = queryset.filter(status__in=REPLACED, kind__in=VILLAGE_KINDS)
            return queryset.filter(held_accountable=True) if self.value() == "accountable" else queryset
        return queryset


@admin.register(Assignment)
class AssignmentAdmin(RecordStepsMixin, RecordTimelineMixin, ImportExportMixin, ScopedModelAdmin):
    import_resource = "secondment_assignments"
    form = AssignmentForm
    list_display = ("cadre", "cadre_unit", "kind", "place_display", "sending_unit", "starts_on", "ends_on", "status",
                    "last_checked", "absences_this_year", "check_overdue")
    list_filter = (UnitSubtreeFilter, "kind", StatusFilter, CheckStateFilter, LeftYearFilter, EndFilter)
    list_select_related = RELATED
    search_fields = ("cadre__name", "village")
    autocomplete_fields = ("cadre", "sending_unit", "host_unit", "township")
    ordering = ("-starts_on", "-id")
    readonly_fields = ("status", "left_on", "end_reason", "accountable_shown", "replacement")
    fieldsets = (
        (None, {"fields": ("kind", "cadre", "sending_unit", ("starts_on", "ends_on"), "remarks")}),
        ("挂职", {"fields": ("host_unit", "post")}),
        ("驻村", {"fields": ("township", "village")}),
        ("在岗与离岗", {"fields": ("status", "left_on", "end_reason", "accountable_shown", "replacement")}),
    )
    inlines = (DutyCheckInline, AssessmentInline)
    actions = ("complete_selected",)
    record_steps = ASSIGNMENT_STEPS

    @admin.action(description="期满离岗", permissions=["change"])
    def complete_selected(self, request: HttpRequest, queryset: models.QuerySet[Assignment]) -> HttpResponse | None:
        """A batch's terms end together (a 第一书记 round): one leaving day, each through the service."""
        return action_with_form(
            self, request, queryset, form_class=CompleteStepForm, title="期满离岗", action="complete_selected",
            service=lambda a, data: assignment_end(assignment=a, status=AssignmentStatus.COMPLETED,
                                                   left_on=data["left_on"], actor=request.user))

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Assignment]:
        return with_check_figures(super().get_queryset(request))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Corrections while in post; an ended assignment stays as it ended.
        if obj is not None and obj.status != AssignmentStatus.ACTIVE:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description="单位", ordering="cadre__unit__path")
    def cadre_unit(self, obj: Assignment) -> str:
        return str(obj.cadre.unit)

    @admin.display(description="挂职单位/驻村")
    def place_display(self, obj: Assignment) -> str:
        return obj.place

    @admin.display(description="最近抽查", ordering="last_checked_on")
    def last_checked(self, obj: Assignment) -> str:
        return f"{obj.last_checked_on:%Y-%m-%d}" if getattr(obj, "last_checked_on", None) else "—"

    @admin.display(description="本年不在岗", ordering="absences")
    def absences_this_year(self, obj: Assignment) -> int:
        return getattr(obj, "absences", 0)

    @admin.display(description="抽查逾期")
    def check_overdue(self, obj: Assignment) -> str:
        since = timezone.localdate() - datetime.timedelta(days=rules.check_interval_days())
        last = getattr(obj, "last_checked_on", None)
        overdue = obj.status == AssignmentStatus.ACTIVE and obj.starts_on < since and (last is None or last < since)
        return warning_flag(overdue, "逾期")

    # 有 where the cadre was held to account, a dash where not: a red cross read as a fault.
    @admin.display(description="问责处理")
    def accountable_shown(self, obj: Assignment) -> str:
        return "有" if obj.held_accountable else "—"

    def save_model(self, request: HttpRequest, obj: Assignment, form: Any, change: bool) -> None:
        assignment_save(assignment=obj, actor=request.user)  # the form has shown the rules

    def timeline_records(self, record: Assignment) -> list[models.Model]:
        return [record, *record.duty_checks.order_by("pk"), *record.assessments.order_by("pk")]

    def timeline_name(self, obj: models.Model) -> str:
        if isinstance(obj, DutyCheck):
            return f"{obj.checked_on:%Y-%m-%d}"
        if isinstance(obj, AssignmentAssessment):
            return f"{obj.year}年度"
        return str(obj)


# ---------------------------------------------------------------------------
# 在岗抽查 and 年度考核
# ---------------------------------------------------------------------------

class DutyCheckForm(forms.ModelForm):
    class Meta:
        model = DutyCheck
        fields = ("assignment", "checked_on", "checker", "present", "note")
        widgets = {"checked_on": DAY}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assignment, checked_on = cleaned.get("assignment"), cleaned.get("checked_on")
        if assignment is not None and checked_on is not None:
            for field, message in rules.duty_check_errors(assignment, checked_on).items():
                self.add_error(field, message)
        return cleaned


@admin.register(DutyCheck)
class DutyCheckAdmin(ImportExportMixin, ScopedModelAdmin):
    import_resource = "secondment_duty_checks"
    form = DutyCheckForm
    list_display = ("cadre_name", "cadre_unit", "assignment_kind", "place_display", "checked_on", "checker",
                    "present_display", "note")
    list_filter = (UnitSubtreeFilter, "present")
    list_select_related = ("assignment", *[f"assignment__{r}" for r in RELATED])
    search_fields = ("assignment__cadre__name", "checker")
    autocomplete_fields = ("assignment",)
    ordering = ("-checked_on", "-id")
    date_hierarchy = "checked_on"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A check is a finding on a day: recorded once, never rewritten.
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="姓名", ordering="assignment__cadre__name_pinyin")
    def cadre_name(self, obj: DutyCheck) -> str:
        return obj.assignment.cadre.name

    @admin.display(description="单位", ordering="assignment__cadre__unit__path")
    def cadre_unit(self, obj: DutyCheck) -> str:
        return str(obj.assignment.cadre.unit)

    @admin.display(description="选派类型")
    def assignment_kind(self, obj: DutyCheck) -> str:
        return obj.assignment.get_kind_display()

    @admin.display(description="挂职单位/驻村")
    def place_display(self, obj: DutyCheck) -> str:
        return obj.assignment.place

    @admin.display(description="抽查结果", ordering="present")
    def present_display(self, obj: DutyCheck) -> str:
        return "在岗" if obj.present else warning_flag(True, "不在岗")

    def save_model(self, request: HttpRequest, obj: DutyCheck, form: Any, change: bool) -> None:
        duty_check_record(check=obj, actor=request.user)


class AssignmentAssessmentForm(forms.ModelForm):
    class Meta:
        model = AssignmentAssessment
        fields = ("assignment", "year", "grade", "remarks")

    def clean(self) -> dict[str, Any]:
        from .services import absences_in_year

        cleaned = super().clean()
        assignment, year, grade = cleaned.get("assignment"), cleaned.get("year"), cleaned.get("grade")
        if assignment is not None and year is not None and grade:
            errors = rules.assessment_errors(assignment, year=year, grade=grade,
                                             absences=absences_in_year(assignment.pk, year))
            for field, message in errors.items():
                self.add_error(field, message)
        return cleaned


@admin.register(AssignmentAssessment)
class AssignmentAssessmentAdmin(ScopedModelAdmin):
    form = AssignmentAssessmentForm
    list_display = ("cadre_name", "cadre_unit", "assignment_kind", "year", "grade", "remarks")
    list_filter = (UnitSubtreeFilter, "year", "grade")
    list_select_related = ("assignment", "assignment__cadre", "assignment__cadre__unit")
    search_fields = ("assignment__cadre__name",)
    autocomplete_fields = ("assignment",)
    ordering = ("-year", "-id")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("assignment", "year") if obj is not None else ()

    @admin.display(description="姓名", ordering="assignment__cadre__name_pinyin")
    def cadre_name(self, obj: AssignmentAssessment) -> str:
        return obj.assignment.cadre.name

    @admin.display(description="单位", ordering="assignment__cadre__unit__path")
    def cadre_unit(self, obj: AssignmentAssessment) -> str:
        return str(obj.assignment.cadre.unit)

    @admin.display(description="选派类型")
    def assignment_kind(self, obj: AssignmentAssessment) -> str:
        return obj.assignment.get_kind_display()

    def save_model(self, request: HttpRequest, obj: AssignmentAssessment, form: Any, change: bool) -> None:
        assignment_assess(assessment=obj, actor=request.user)


# ---------------------------------------------------------------------------
# On the cadre's page
# ---------------------------------------------------------------------------

class CadreAssignmentInline(ScopedInline):
    """挂职与驻村 on the cadre's page: read only, registered in ``cadres.extensions``."""

    model = Assignment
    fk_name = "cadre"
    verbose_name = "挂职与驻村"
    verbose_name_plural = "挂职与驻村"
    fields = ("kind", "place_display", "sending_unit", "starts_on", "ends_on", "status", "left_on")
    readonly_fields = fields
    can_delete = False
    show_change_link = True
    ordering = ("-starts_on",)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Assignment]:
        return super().get_queryset(request).select_related("sending_unit", "host_unit", "township", "cadre")

    @admin.display(description="挂职单位/驻村")
    def place_display(self, obj: Assignment) -> str:
        return obj.place

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


extensions.register_cadre_inline(CadreAssignmentInline)
