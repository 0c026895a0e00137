"""培训班 (with the roster inline and the 结业 button), 班次学员考勤 (with the roster sheet)
and 年度学时要求. Every save goes through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from unfold.decorators import action

from orgwork.admin_base import ScopedInline, ScopedModelAdmin, UnitSubtreeFilter
from orgwork.admin_not_found import not_found_message
from orgwork.common import dates
from orgwork.imports.admin import ImportExportMixin

from ..models import ClassAttendance, ClassStatus, TrainingClass, TrainingMinimum
from ..selectors import classes_for_list
from ..services import (
    attendance_check_and_credit,
    attendance_save,
    training_class_close,
    training_class_save,
    keeps_the_minimum_table,
    training_minimum_save,
)


def _raise_on_form(form: forms.BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@admin.register(TrainingMinimum)
class TrainingMinimumAdmin(ScopedModelAdmin):
    """年度学时要求: province-wide configuration (``services.keeps_the_minimum_table``)."""

    list_display = ("rank", "hours", "basis")
    ordering = ("rank",)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[TrainingMinimum]:
        # A province-wide table belongs to no unit: whoever holds the permission reads it whole.
        return TrainingMinimum.objects.all()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("rank",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # A city or county office reads the table; the province's staff keep it.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return keeps_the_minimum_table(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return keeps_the_minimum_table(request.user) and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: TrainingMinimum, form: Any, change: bool) -> None:
        training_minimum_save(minimum=obj, actor=request.user)


class RosterForm(forms.ModelForm):
    """One roster line: the class's rules checked on the form, so a refusal shows here."""

    class Meta:
        model = ClassAttendance
        fields = ("cadre", "day", "status", "remarks")

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors or self.instance.training_class_id is None or not self.has_changed():
            return
        try:
            attendance_check_and_credit(self.instance)
        except ValidationError as error:
            _raise_on_form(self, error)


class RosterInline(ScopedInline):
    """班次学员考勤 of the class; corrections go through ``attendance_save``."""

    model = ClassAttendance
    form = RosterForm
    fields = ("cadre", "day", "status", "credited_hours", "remarks")
    readonly_fields = ("credited_hours",)
    autocomplete_fields = ("cadre",)
    can_delete = False
    per_page = 50  # a week's class of fifty is 250 lines: the page shows them fifty at a time
    verbose_name = "学员考勤"
    verbose_name_plural = "班次学员考勤"

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        return super().get_queryset(request).select_related("cadre", "training_class")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status == ClassStatus.CLOSED:
            return False
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status == ClassStatus.CLOSED:
            return False
        return super().has_add_permission(request, obj)


class ClassForm(forms.ModelForm):
    class Meta:
        model = TrainingClass
        fields = ("code", "name", "unit", "starts_on", "ends_on", "place", "mode", "hours")

    def _post_clean(self) -> None:
        super()._post_clean()
        instance = self.instance
        if self.errors or instance.pk is None:
            return
        stored = TrainingClass.objects.filter(pk=instance.pk).first()
        if stored is None:
            return
        changed = [f for f in ("starts_on", "ends_on", "hours") if getattr(stored, f) != getattr(instance, f)]
        if changed and stored.attendances.exists():
            for f in changed:
                self.add_error(f, "该培训班已登记学员考勤，不能再修改。")


class CloseForm(forms.Form):
    closed_on = dates.DateFormField(label="结业办理日期", widget=forms.DateInput(attrs={"type": "date"}))


@admin.register(TrainingClass)
class TrainingClassAdmin(ScopedModelAdmin):
    form = ClassForm
    list_display = ("code", "name", "unit", "starts_on", "ends_on", "mode", "hours", "trainee_count", "status")
    list_filter = (UnitSubtreeFilter, "status", "mode")
    list_select_related = ("unit",)
    search_fields = ("code", "name")
    date_hierarchy = "starts_on"
    ordering = ("-starts_on", "-id")
    readonly_fields = ("status", "closed_on")
    fields = ("code", "name", "unit", "starts_on", "ends_on", "place", "mode", "hours", "status", "closed_on")
    inlines = (RosterInline,)
    actions_detail = ["close_step"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[TrainingClass]:
        return classes_for_list(request.user)

    @admin.display(description="学员人数", ordering="trainees")
    def trainee_count(self, obj: TrainingClass) -> int:
        return getattr(obj, "trainees", 0)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a class on the books is closed (结业), never deleted

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status == ClassStatus.CLOSED:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: TrainingClass, form: Any, change: bool) -> None:
        training_class_save(training_class=obj, actor=request.user)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Each roster line through the service: its rules, its credited hours, its audit row.
        for attendance in formset.save(commit=False):
            attendance.training_class = form.instance
            attendance_save(attendance=attendance, actor=request.user, validate=False)  # the form has validated it
        formset.save_m2m()

    # -- 结业, the record page's step ------------------------------------------------

    def has_close_step_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        if not request.user.has_perm("training.change_trainingclass"):
            return False
        if object_id is None:
            return True
        item = self.get_object(request, str(object_id))
        return item is not None and item.status == ClassStatus.OPEN

    @action(description="结业", url_path="close", permissions=["close_step"], icon="school")
    def close_step(self, request: HttpRequest, object_id: Any) -> HttpResponse:
        item = self.get_object(request, str(object_id))
        if item is None:
            raise Http404(not_found_message(self.opts, object_id))
        if not self.has_close_step_permission(request, object_id):
            raise PermissionDenied
        page = reverse("admin:training_trainingclass_change", args=[item.pk])
        if request.method == "POST":
            form = CloseForm(request.POST)
            if form.is_valid():
                try:
                    training_class_close(training_class=item, closed_on=form.cleaned_data["closed_on"],
                                         actor=request.user)
                except ValidationError as error:
                    form.add_error(None, error.messages)
                else:
                    self.message_user(request, f"「{item}」已结业。", messages.SUCCESS)
                    return HttpResponseRedirect(page)
        else:
            form = CloseForm(initial={"closed_on": max(timezone.localdate(), item.ends_on)})
        context = {
            **self.admin_site.each_context(request),
            "title": f"结业：{item}", "subtitle": None, "opts": self.opts, "item": item, "form": form,
            "label": "结业", "page": page, "media": self.media + form.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/training/class_step.html", context)


class AttendanceForm(RosterForm):
    class Meta:
        model = ClassAttendance
        fields = ("training_class", "cadre", "day", "status", "remarks")


@admin.register(ClassAttendance)
class ClassAttendanceAdmin(ImportExportMixin, ScopedModelAdmin):
    import_resource = "training_attendance"
    form = AttendanceForm
    list_display = ("cadre", "cadre_unit", "training_class", "day", "status", "credited_hours")
    list_filter = (UnitSubtreeFilter, "status")
    list_select_related = ("cadre", "cadre__unit", "training_class")
    search_fields = ("cadre__name", "training_class__code", "training_class__name")
    autocomplete_fields = ("training_class", "cadre")
    date_hierarchy = "day"
    ordering = ("-day", "-id")
    readonly_fields = ("credited_hours",)

    @admin.display(description="单位", ordering="cadre__unit__path")
    def cadre_unit(self, obj: ClassAttendance) -> str:
        return str(obj.cadre.unit)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a wrong line is corrected (出勤 → 缺勤), the roster keeps it

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.training_class.status == ClassStatus.CLOSED:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: ClassAttendance, form: Any, change: bool) -> None:
        attendance_save(attendance=obj, actor=request.user, validate=False)  # the form has validated it
