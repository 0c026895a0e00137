"""Admin for enrollees (入选人员), funding (资助经费), term reviews (聘期考核) and rewards."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import DecimalField, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse

from unfold.forms import PaginationInlineFormSet

from orgwork.admin_files import FileDownloadMixin
from orgwork.admin_base import ScopedInline, ScopedModelAdmin, UnitSubtreeFilter
from orgwork.admin_steps import RecordStepsMixin, RecordTimelineMixin
from orgwork.admin_actions import action_with_form, run_per_object
from orgwork.common.search import IdSearchGuard
from orgwork.imports.admin import ImportExportMixin

from .. import services
from ..models import Enrollment, Funding, Reward, TermReview, TrainingPlanFile, yuan
from ..selectors import funding_totals_by_programme, funding_totals_by_unit, programmes_open_to
from .common import EnrollmentStatusFilter, ProgrammeFilter
from .forms import ExitForm, ReviewForm
from .steps import ENROLLMENT_STEPS

MONEY_SUM = DecimalField(max_digits=14, decimal_places=2)


class EnrollmentForm(forms.ModelForm):
    class Meta:
        model = Enrollment
        fields = ["person", "programme", "batch_year", "term_start", "term_end", "training_plan"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        programme, batch = data.get("programme"), data.get("batch_year")
        moved = self.instance.pk is None or {"programme", "batch_year"} & set(self.changed_data)
        if programme is not None and moved and not programme.is_active:
            self.add_error("programme", f"「{programme}」已停止实施，不能新增入选人员。")
        if programme is not None and batch is not None and moved:
            message = services.enrollment_quota_error(programme=programme, batch_year=batch,
                                                      exclude_pk=self.instance.pk)
            if message:
                self.add_error("batch_year", message)
        return data


class PlanFileInline(ScopedInline):
    model = TrainingPlanFile
    fields = ["file", "title", "uploaded_at"]
    readonly_fields = ["uploaded_at"]


class FundingFormSet(PaginationInlineFormSet):
    """The enrollee page's funding rows: a disbursed row offers no 删除 (its form's
    ``delete_refusal`` says why; ``orgwork/templates/unfold/helpers/edit_inline/inline_delete.html``
    leaves its trash out), and a 删除 posted for it all the same — a forged form, or a row
    disbursed since the page was drawn — is refused, as the funding list refuses it
    (``services.funding_delete_refusal``)."""

    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        form.delete_refusal = services.funding_delete_refusal(form.instance) if form.instance.pk else ""

    def clean(self) -> None:
        super().clean()
        refusals = []
        for form in self.deleted_forms:
            stored = form.instance
            if stored.pk is not None:
                stored = Funding.objects.filter(pk=stored.pk).first() or stored  # as stored, not as typed
                refusals.append(services.funding_delete_refusal(stored))
        refusals = [r for r in refusals if r]
        if refusals:
            raise forms.ValidationError(refusals)


class FundingInline(ScopedInline):
    model = Funding
    formset = FundingFormSet
    fields = ["year", "amount", "granted_on", "note"]


class ReviewInline(ScopedInline):
    model = TermReview
    fields = ["review_year", "grade", "reviewed_on", "comment"]
    readonly_fields = ["review_year", "grade", "reviewed_on", "comment"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # reviews carry consequences: recorded through the 登记聘期考核 action


@admin.register(Enrollment)
class EnrollmentAdmin(FileDownloadMixin, RecordStepsMixin, RecordTimelineMixin, IdSearchGuard, ImportExportMixin, ScopedModelAdmin):
    record_steps = ENROLLMENT_STEPS
    import_resource = "talent_enrollments"
    form = EnrollmentForm
    list_display = ["person", "person_unit", "programme", "batch_year", "status", "term_start", "term_end",
                    "funding_total"]
    list_filter = [UnitSubtreeFilter, ProgrammeFilter, EnrollmentStatusFilter, "batch_year"]
    list_select_related = ["person", "person__unit", "programme"]
    search_fields = ["^person__name", "=person__id_number"]
    search_help_text = "输入姓名开头或完整身份证号"
    person_lookup_prefix = "person__"  # a whole number is searched only with the right (IdSearchGuard)
    autocomplete_fields = ["person"]
    readonly_fields = ["status", "exit_reason", "exit_date", "exit_note"]
    fieldsets = (
        (None, {"fields": ("person", "programme", "batch_year", "status")}),
        ("聘期", {"fields": ("term_start", "term_end")}),
        ("个性化培养方案", {"fields": ("training_plan",)}),
        ("退出", {"fields": ("exit_reason", "exit_date", "exit_note")}),
    )
    inlines = [PlanFileInline, FundingInline, ReviewInline]
    actions = ["record_review", "exit_enrollment", "complete_term"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An enrollee stays on the books: the batch quota, the funding and the reviews count
        # them. One who leaves exits (退出) with a reason.
        return False

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Funding:
            super().save_formset(request, form, formset, change)
            return
        # Each funding row goes through the funding services, as on the funding's own page
        # and the funding sheet: the same rules, one audit row per row that changed.
        for funding in formset.save(commit=False):
            values = {"year": funding.year, "amount": funding.amount, "granted_on": funding.granted_on,
                      "note": funding.note, "actor": request.user}
            if funding.pk is None:
                services.funding_grant(enrollment=form.instance, **values)
            else:
                services.funding_update(funding=funding, **values)
        for funding in formset.deleted_objects:
            services.funding_delete(funding=funding, actor=request.user)

    def timeline_records(self, record: Enrollment) -> list[Any]:
        return [record, *record.reviews.order_by("pk")]

    def timeline_name(self, obj: Any) -> str:
        return f"{obj.review_year}年" if isinstance(obj, TermReview) else str(obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Fixed once registered (talent.models.ENROLLEE_FIXED): the funding and the reviews
        # hang from the enrollment.
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + ["person", "programme"] if obj is not None else readonly

    def save_model(self, request: HttpRequest, obj: Enrollment, form: Any, change: bool) -> None:
        if change:
            services.enrollment_update(enrollment=obj, actor=request.user)
            return
        saved = services.enrollment_create(
            person=obj.person, programme=obj.programme, batch_year=obj.batch_year, term_start=obj.term_start,
            term_end=obj.term_end, training_plan=obj.training_plan, actor=request.user)
        obj.pk, obj._state.adding = saved.pk, False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enrollment]:
        return super().get_queryset(request).annotate(
            funding_sum=Coalesce(Sum("fundings__amount"), 0, output_field=MONEY_SUM)
        ).order_by("-batch_year", "person__name", "pk")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "programme":
            # Stopped programmes stay listed so existing enrollees' pages still open; the
            # form refuses them for new enrollments.
            kwargs["queryset"] = programmes_open_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="工作单位", ordering="person__unit__path")
    def person_unit(self, obj: Enrollment) -> str:
        return str(obj.person.unit)

    @admin.display(description="累计资助", ordering="funding_sum")
    def funding_total(self, obj: Any) -> str:
        return yuan(obj.funding_sum)

    @admin.action(description="登记聘期考核", permissions=["change"])
    def record_review(self, request: HttpRequest, queryset: QuerySet[Enrollment]) -> HttpResponse | None:
        return action_with_form(
            self, request, queryset, form_class=ReviewForm, title="登记聘期考核", action="record_review",
            service=lambda e, d: services.term_review_record(
                enrollment=e, review_year=d["review_year"], grade=d["grade"], reviewed_on=d["reviewed_on"],
                comment=d["comment"], actor=request.user),
        )

    @admin.action(description="办理退出", permissions=["change"])
    def exit_enrollment(self, request: HttpRequest, queryset: QuerySet[Enrollment]) -> HttpResponse | None:
        return action_with_form(
            self, request, queryset, form_class=ExitForm, title="办理退出", action="exit_enrollment",
            service=lambda e, d: services.enrollment_exit(enrollment=e, reason=d["reason"], exit_date=d["exit_date"],
                                                          note=d["note"], actor=request.user),
        )

    @admin.action(description="聘期期满", permissions=["change"])
    def complete_term(self, request: HttpRequest, queryset: QuerySet[Enrollment]) -> None:
        run_per_object(self, request, queryset, "聘期期满", lambda e: services.enrollment_complete_term(enrollment=e,
                                                                                          actor=request.user))


@admin.register(Funding)
class FundingAdmin(ImportExportMixin, ScopedModelAdmin):
    import_resource = "talent_funding"
    list_display = ["person", "programme", "year", "amount_text", "granted_on"]
    list_filter = [UnitSubtreeFilter, ProgrammeFilter, "year"]
    list_select_related = ["person", "programme"]
    search_fields = ["^person__name"]
    autocomplete_fields = ["enrollment"]
    fields = ["enrollment", "year", "amount", "granted_on", "note"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Money paid out is on the books: no 删除, the delete URL answers 403.
        if obj is not None and services.funding_delete_refusal(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A grant is one enrollee's: a record made for the wrong enrollee is withdrawn (or,
        # once disbursed, corrected in its 备注), not moved to another.
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + ["enrollment"] if obj is not None else readonly

    def delete_model(self, request: HttpRequest, obj: Funding) -> None:
        services.funding_delete(funding=obj, actor=request.user)

    def save_model(self, request: HttpRequest, obj: Funding, form: Any, change: bool) -> None:
        values = {"year": obj.year, "amount": obj.amount, "granted_on": obj.granted_on, "note": obj.note,
                  "actor": request.user}
        if change:
            # The record this page shows, corrected in place; a grant looked up by the
            # typed year would be another year's record.
            services.funding_update(funding=obj, **values)
            return
        saved = services.funding_grant(enrollment=obj.enrollment, **values)
        obj.pk, obj._state.adding = saved.pk, False

    @admin.display(description="资助金额", ordering="amount")
    def amount_text(self, obj: Funding) -> str:
        return yuan(obj.amount)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """The list, headed by the totals per programme and per unit below the user's own
        (two aggregate queries over the user's scope)."""
        programmes = [{**row, "total_text": yuan(row["total"])} for row in funding_totals_by_programme(request.user)]
        units = [u for u in funding_totals_by_unit(request.user) if u.funding_total]
        for unit in units:
            unit.total_text = yuan(unit.funding_total)
        context = {"programme_totals": programmes, "unit_totals": units, **(extra_context or {})}
        return super().changelist_view(request, context)


@admin.register(TermReview)
class TermReviewAdmin(RecordTimelineMixin, ImportExportMixin, ScopedModelAdmin):
    """Reviews are recorded through the enrollee list's 登记聘期考核 action (or the
    review sheet), never typed here: their consequences run in the service."""
    import_resource = "talent_reviews"

    list_display = ["person", "programme", "review_year", "grade", "reviewed_on"]
    list_filter = [UnitSubtreeFilter, ProgrammeFilter, "review_year", "grade"]
    list_select_related = ["person", "programme"]
    search_fields = ["^person__name"]
    fields = ["enrollment", "review_year", "grade", "reviewed_on", "comment"]
    readonly_fields = ["enrollment", "review_year", "grade", "reviewed_on"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Reward)
class RewardAdmin(ScopedModelAdmin):
    """考核奖励: created by an excellent term review; read here, never typed."""

    list_display = ["enrollment", "amount_text", "awarded_on"]
    list_filter = [UnitSubtreeFilter]
    list_select_related = ["enrollment__person", "enrollment__programme"]
    fields = ["enrollment", "review", "amount", "awarded_on"]
    readonly_fields = fields
    date_hierarchy = "awarded_on"

    @admin.display(description="奖励金额", ordering="amount")
    def amount_text(self, obj: Reward) -> str:
        return yuan(obj.amount)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


