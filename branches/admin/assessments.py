"""标准化评定: scores are typed on the form, the workflow buttons run the services."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from orgwork.admin_base import ScopedModelAdmin, UnitSubtreeFilter

from ..models import AssessmentState, BranchAssessment
from ..selectors import standard_version_in_force
from ..services import assessment_nominate_model, assessment_open, assessment_review, assessment_submit_self, is_above


def run_per_object(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any],
                   verb: str, call: Callable[[Any], Any]) -> None:
    """Call a service per selected record; one summary message at the end."""
    done, failures = 0, []
    for obj in queryset:
        try:
            call(obj)
            done += 1
        except ValidationError as error:
            failures.append(f"{obj}：{'；'.join(error.messages)}")
    if done:
        model_admin.message_user(request, f"{verb}成功 {done} 条。", messages.SUCCESS)
    if failures:
        model_admin.message_user(request, f"{verb}未成功 {len(failures)} 条：" + " ".join(failures[:20]), messages.ERROR)


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = BranchAssessment
        fields = ["organisation", "year", "self_score", "self_note", "reviewed_score", "review_note"]

    user: Any = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        organisation = data.get("organisation") or getattr(self.instance, "organisation", None)
        if "reviewed_score" in self.changed_data and data.get("reviewed_score") is not None and organisation is not None:
            if not is_above(self.user, organisation):
                self.add_error("reviewed_score", f"审核得分须由「{organisation.unit}」的上级单位填写。")
        if not self.instance.pk and organisation is not None and data.get("year"):
            version = standard_version_in_force(unit=organisation.unit, domain=organisation.domain,
                                                on=datetime.date(data["year"], 12, 31))
            if version is None:
                self.add_error("organisation", f"没有适用于「{organisation.get_domain_display()}」领域、{data['year']}年度施行的建设标准，请先制定标准。")
        if self.instance.pk and self.instance.state == AssessmentState.REVIEWED:
            locked = {"self_score", "reviewed_score"} & set(self.changed_data)
            for name in locked:
                self.add_error(name, "已审核的评定不能修改得分。")
        return data


@admin.register(BranchAssessment)
class BranchAssessmentAdmin(ScopedModelAdmin):
    form = AssessmentForm
    list_display = ["organisation", "year", "self_score", "reviewed_score", "status", "star_level", "state", "version"]
    list_filter = ["year", "state", "status", "star_level", UnitSubtreeFilter, "organisation__domain"]
    list_select_related = ["organisation", "version__standard"]
    search_fields = ["organisation__name", "^organisation__code"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["version", "state", "status", "star_level", "self_assessed_at", "reviewer", "reviewed_at"]
    fieldsets = [
        (None, {"fields": ["organisation", "year", "version", "state"]}),
        ("自评", {"fields": ["self_score", "self_note", "self_assessed_at"]}),
        ("上级审核", {"fields": ["reviewed_score", "review_note", "reviewer", "reviewed_at", "status", "star_level"]}),
    ]
    actions = ["submit_self", "review", "nominate_model"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["organisation", "year"]
        return fields

    def save_model(self, request: HttpRequest, obj: BranchAssessment, form: Any, change: bool) -> None:
        if not change:
            # The version in force is chosen by the service; the form's scores follow.
            created = assessment_open(organisation=obj.organisation, year=obj.year, actor=request.user)
            obj.pk, obj.version_id, obj.state = created.pk, created.version_id, created.state
            obj._state.adding = False
        obj.save()

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        from django.utils import timezone

        return {**super().get_changeform_initial_data(request), "year": timezone.localdate().year}

    @admin.action(description="提交自评", permissions=["change"])
    def submit_self(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        run_per_object(self, request, queryset, "提交自评",
                       lambda a: assessment_submit_self(assessment=a, actor=request.user))

    @admin.action(description="上级审核定级（按审核得分）", permissions=["change"])
    def review(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        run_per_object(self, request, queryset, "审核定级", lambda a: assessment_review(assessment=a, reviewer=request.user))

    @admin.action(description="评定为示范党支部（受名额限制）", permissions=["change"])
    def nominate_model(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        run_per_object(self, request, queryset, "评定示范", lambda a: assessment_nominate_model(assessment=a, actor=request.user))
