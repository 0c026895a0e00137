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

from orgwork.admin_actions import batch_summary, refusal
from orgwork.admin_base import ScopedInline, ScopedModelAdmin, UnitSubtreeFilter

from ..models import AssessmentItemScore, AssessmentState, BranchAssessment
from ..selectors import standard_version_in_force
from ..services import (
    SELF_SCORES_SUBMITTED,
    assessment_nominate_model,
    assessment_open,
    assessment_record_scores,
    assessment_review,
    assessment_submit_self,
    is_above,
    item_score_check,
    self_review_error,
)


def run_per_object(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any],
                   verb: str, call: Callable[[Any], Any]) -> None:
    """Call a service per selected record; one summary message at the end."""
    done, failures = 0, []
    for obj in queryset:
        try:
            call(obj)
            done += 1
        except ValidationError as error:
            failures.append(refusal(obj, error))
    level = messages.SUCCESS if not failures else (messages.WARNING if done else messages.ERROR)
    model_admin.message_user(request, batch_summary(verb, done, failures), level)


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = BranchAssessment
        fields = ["organisation", "year", "self_note", "review_note"]

    user: Any = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        organisation = data.get("organisation") or getattr(self.instance, "organisation", None)
        if not self.instance.pk and organisation is not None and data.get("year"):
            version = standard_version_in_force(unit=organisation.unit, domain=organisation.domain,
                                                on=datetime.date(data["year"], 12, 31))
            if version is None:
                self.add_error("organisation", f"没有适用于「{organisation.get_domain_display()}」领域、{data['year']}年度施行的建设标准，请先制定标准。")
        return data


class ItemScoreForm(forms.ModelForm):
    """One line of the 逐项评分表: each score checked against its item by the domain rule."""

    class Meta:
        model = AssessmentItemScore
        fields = ["self_score", "reviewed_score"]

    user: Any = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        line = self.instance
        if line.pk is None:
            return data
        assessment = line.assessment
        for name in ("self_score", "reviewed_score"):
            if name not in self.changed_data:
                continue
            if assessment.state == AssessmentState.REVIEWED:
                self.add_error(name, "已审核的评定不能修改得分。")
                continue
            if name == "self_score" and assessment.state == AssessmentState.SELF_ASSESSED:
                self.add_error(name, SELF_SCORES_SUBMITTED)  # as assessment_record_scores refuses it
                continue
            if name == "reviewed_score" and data.get(name) is not None and not is_above(self.user, assessment.organisation):
                self.add_error(name, f"审核得分须由「{assessment.organisation.unit}」的上级单位填写。")
                continue
            if name == "reviewed_score" and data.get(name) is not None and (
                    message := self_review_error(assessment, self.user)):
                self.add_error(name, message)
                continue
            try:
                item_score_check(line.item, data.get(name), field=name)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field, messages)
        return data


class ItemScoreInline(ScopedInline):
    model = AssessmentItemScore
    form = ItemScoreForm
    fields = ["item_seq", "item_title", "item_points", "item_veto", "self_score", "reviewed_score"]
    readonly_fields = ["item_seq", "item_title", "item_points", "item_veto"]
    verbose_name = "细则得分"
    verbose_name_plural = "逐项评分（总分和评定结果由各项得分得出）"
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("item", "assessment__organisation__unit")

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.user = request.user
        return formset

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # one line per item of the version, made when the assessment opens

    @admin.display(description="序号")
    def item_seq(self, obj: AssessmentItemScore) -> Any:
        return obj.item.seq

    @admin.display(description="检查内容")
    def item_title(self, obj: AssessmentItemScore) -> str:
        return obj.item.title

    @admin.display(description="分值")
    def item_points(self, obj: AssessmentItemScore) -> Any:
        return obj.item.points

    @admin.display(description="一票否决")
    def item_veto(self, obj: AssessmentItemScore) -> str:
        return "是" if obj.item.is_veto else "否"


@admin.register(BranchAssessment)
class BranchAssessmentAdmin(ScopedModelAdmin):
    form = AssessmentForm
    inlines = [ItemScoreInline]
    list_display = ["organisation", "year", "self_score", "reviewed_score", "status", "star_level", "state", "version"]
    list_filter = ["year", "state", "status", "star_level", UnitSubtreeFilter, "organisation__domain"]
    list_select_related = ["organisation", "version__standard"]
    search_fields = ["organisation__name", "^organisation__code"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["version", "state", "self_score", "reviewed_score", "status", "star_level", "self_assessed_at",
                       "self_assessor", "reviewer", "reviewed_at"]
    fieldsets = [
        (None, {"fields": ["organisation", "year", "version", "state"]}),
        ("自评", {"fields": ["self_score", "self_note", "self_assessed_at", "self_assessor"]}),
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

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """An assessment opened by mistake can go while nothing is submitted. Once the
        branch has assessed itself, its scores, and after review its 评定结果, 星级 and any
        示范 title, are on the books: deleting it would quietly undo them."""
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.state == AssessmentState.DRAFT)

    def save_model(self, request: HttpRequest, obj: BranchAssessment, form: Any, change: bool) -> None:
        if not change:
            # The version in force is chosen by the service, which also makes the item lines.
            created = assessment_open(organisation=obj.organisation, year=obj.year, actor=request.user)
            obj.pk, obj.version_id, obj.state = created.pk, created.version_id, created.state
            obj._state.adding = False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Notes and item scores of one submit go to the service together: one audit row."""
        for formset in formsets:  # what the change message reads of a saved formset
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if not change:
            return
        scores: dict[str, dict[int, Any]] = {"self_score": {}, "reviewed_score": {}}
        for formset in formsets:
            for line_form in formset.forms:
                if line_form.instance.pk is None:
                    continue
                for name in scores:
                    if name in line_form.changed_data:
                        scores[name][line_form.instance.item_id] = line_form.cleaned_data.get(name)
        notes = {name: form.cleaned_data.get(name) for name in ("self_note", "review_note") if name in form.changed_data}
        assessment_record_scores(assessment=form.instance, actor=request.user, self_scores=scores["self_score"],
                                 reviewed_scores=scores["reviewed_score"], **notes)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        from django.utils import timezone

        return {**super().get_changeform_initial_data(request), "year": timezone.localdate().year}

    @admin.action(description="提交自评", permissions=["change"])
    def submit_self(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        run_per_object(self, request, queryset, "提交自评",
                       lambda a: assessment_submit_self(assessment=a, actor=request.user))

    @admin.action(description="上级审核定级（按审核得分）", permissions=["change"])
    def review(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        run_per_object(self, request, queryset, "审核定级", lambda a: assessment_review(assessment=a, actor=request.user))

    @admin.action(description="评定为示范党支部（受名额限制）", permissions=["change"])
    def nominate_model(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        run_per_object(self, request, queryset, "评定示范", lambda a: assessment_nominate_model(assessment=a, actor=request.user))
