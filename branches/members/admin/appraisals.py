"""民主评议党员 in the admin: the year's results, one per member, entered on a form or by
the sheet; a 限期改正 is closed by its 期满评定, a step on the result's page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import QuerySet
from django.http import HttpRequest

from orgwork.admin_base import ScopedModelAdmin, UnitSubtreeFilter
from orgwork.admin_steps import RecordStep, RecordStepsMixin, RecordTimelineMixin
from orgwork.common import dates
from orgwork.common.search import PersonSearchMixin
from orgwork.imports.admin import ImportExportMixin
from orgwork.units.scope import scope_queryset

from .. import services
from ..models import Appraisal, AppraisalGrade, Disposal, LeavingOutcome, Member, MemberStatus
from .common import member_label


class YearFilter(admin.SimpleListFilter):
    """评议年度: this year and the five before, without reading the table for its years
    (a province's results are millions of rows)."""

    title = "评议年度"
    parameter_name = "year"
    checks_own_values = True  # any year: an older one is as good as those listed

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        this_year = dates.today().year
        return [(str(year), f"{year}年度") for year in range(this_year, this_year - 6, -1)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Appraisal]) -> QuerySet[Appraisal]:
        value = self.value()
        if value is None:
            return queryset
        if not (value.isascii() and value.isdigit() and len(value) == 4):
            raise IncorrectLookupParameters(f"{self.title}「{value}」不是年份")
        return queryset.filter(year=int(value))


class ReviewForm(forms.Form):
    reviewed_on = dates.DateFormField(label="期满评定日期（支部大会）", initial=dates.today)
    corrected = forms.TypedChoiceField(label="评定结果", coerce=lambda value: value == "yes",
                                       choices=[("yes", "已改正，恢复为合格党员"), ("no", "未改正，劝其退党")])


def _awaiting_review(appraisal: Appraisal) -> bool:
    """A 限期改正 of a member on the roll whose period has ended and has had no 期满评定
    (the service asks again)."""
    return (appraisal.disposal == Disposal.CORRECT and appraisal.reviewed_on is None
            and appraisal.correct_by is not None and appraisal.correct_by <= dates.today()
            and appraisal.member.status == MemberStatus.ACTIVE)


class CarryOutForm(forms.Form):
    outcome = forms.ChoiceField(label="处置落实结果", choices=LeavingOutcome.choices)
    approved_on = dates.DateFormField(label="上级党组织批准日期", initial=dates.today)
    approved_by = forms.CharField(label="批准机关", max_length=100,
                                  help_text="如：中共兰州市城关区委员会。")


def _awaiting_carry_out(appraisal: Appraisal) -> bool:
    """劝其退党, 除名 or 未改正, the member still on the roll, no approval recorded."""
    return (services.leaves_the_party(appraisal) and appraisal.approved_on is None
            and appraisal.member.status == MemberStatus.ACTIVE)


def _carry_out_summary(appraisal: Appraisal) -> str:
    decided = (f"{appraisal.reviewed_on:%Y-%m-%d} 期满评定为未改正" if appraisal.reviewed_on
               else f"{appraisal.decided_on:%Y-%m-%d} 支部大会决定{appraisal.get_disposal_display()}")
    return (f"{member_label(appraisal.member)} {appraisal.year}年度评为不合格，{decided}。"
            "经上级党组织批准后在此登记：该党员同时移出党员名册（党籍状态：出党）。")


APPRAISAL_STEPS = (
    RecordStep(name="review_step", label="限期改正期满评定", permission="members.change_appraisal",
               applies=_awaiting_review, form=ReviewForm, icon="gavel",
               summary=lambda a: f"{member_label(a.member)} {a.year}年度评为不合格，限期改正至 {a.correct_by:%Y-%m-%d}。",
               run=lambda a, u, d: services.appraisal_review(appraisal=a, reviewed_on=d["reviewed_on"],
                                                             corrected=d["corrected"], actor=u)),
    RecordStep(name="carry_out_step", label="落实组织处置（出党）",
               permission=("members.change_appraisal", "members.change_member"), applies=_awaiting_carry_out,
               form=CarryOutForm, icon="person_remove", verb="落实组织处置", summary=_carry_out_summary,
               run=lambda a, u, d: services.appraisal_carry_out(
                   appraisal=a, outcome=d["outcome"], approved_on=d["approved_on"], approved_by=d["approved_by"],
                   actor=u)),
)


@admin.register(Appraisal)
class AppraisalAdmin(RecordStepsMixin, RecordTimelineMixin, PersonSearchMixin, ImportExportMixin, ScopedModelAdmin):
    """民主评议党员. The list by year, grade and disposal; the member picked by name or ID
    number among the clerk's members on the roll."""

    record_steps = APPRAISAL_STEPS
    import_resource = "members_appraisals"
    list_display = ["member_shown", "branch", "year", "grade", "decided_on", "disposal", "correct_by", "review_result"]
    list_filter = [UnitSubtreeFilter, YearFilter, "grade", "disposal", "review_result"]
    search_fields = ["member__name"]  # the search itself: PersonSearchMixin on the member
    person_lookup_prefix = "member__"
    ordering = ["-year", "member_id"]
    autocomplete_fields = ["member"]

    @admin.display(description="党员", ordering="member__name")
    def member_shown(self, obj: Appraisal) -> str:
        return obj.member.name_and_tail  # two 郭建国 of one branch, told apart

    @admin.display(description="党支部", ordering="member__branch__path")
    def branch(self, obj: Appraisal) -> str:
        return obj.member.branch.placed_name

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """A new result: 合格 (the usual one, never a silent 优秀), for the year being
        appraised: the past year until mid-year, when the 支部大会 of the year is still
        to come, this year after it."""
        today = dates.today()
        year = today.year - 1 if today.month <= 6 else today.year
        return {"grade": AppraisalGrade.QUALIFIED, "year": year, **super().get_changeform_initial_data(request)}

    def get_fields(self, request: HttpRequest, obj: Appraisal | None = None) -> list[str]:
        fields = ["member", "year", "grade", "decided_on", "disposal", "correct_by", "note"]
        if obj is not None and obj.reviewed_on:
            fields += ["reviewed_on", "review_result"]
        if obj is not None and obj.approved_on:
            fields += ["outcome", "approved_on", "approved_by"]
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Appraisal | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # a result is not moved to another member; the steps' fields are theirs
            fields += ["member", "reviewed_on", "review_result", "outcome", "approved_on", "approved_by"]
        return fields

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "member":
            kwargs["queryset"] = scope_queryset(Member.objects.filter(status=MemberStatus.ACTIVE), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Appraisal]:
        # The list's 党员 and 党支部, the page's step (the member's status) and its summary.
        return super().get_queryset(request).select_related("member__branch__unit")

    def save_model(self, request: HttpRequest, obj: Appraisal, form: Any, change: bool) -> None:
        services.appraisal_save(appraisal=obj, actor=request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A result closed by its 期满评定 or carried out is read, not edited (no save button).
        if obj is not None and (obj.reviewed_on is not None or obj.approved_on is not None):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a result entered wrongly is corrected, and the correction audited
