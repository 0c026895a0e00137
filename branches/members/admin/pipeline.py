"""发展党员 in the admin: the application is added through the form; every later step is
a button on the record's page and a batch action on the list, each asking for its date
(and reason, contacts or months) and calling the service (``.steps``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from orgwork.admin_base import ScopedInline, ScopedModelAdmin, UnitSubtreeFilter
from orgwork.admin_steps import RecordStepsMixin, RecordTimelineMixin
from orgwork.common.search import PersonSearchMixin
from orgwork.imports.admin import ImportExportMixin

from .. import services
from ..models import ActivistReview, Applicant, Stage
from .common import MaskedPersonalDataMixin, PlacedBranchColumn, branches_for
from .filters import StageFilter
from .steps import APPLICANT_STEPS


class ReviewInline(ScopedInline):
    model = ActivistReview
    fields = ["reviewed_on", "summary"]
    readonly_fields = ["reviewed_on", "summary"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # through the 考察 action, which checks the stage and the dates


STEP_FIELDS = ["stage", "talked_on", "talk_late_reason", "activist_on", "contact_1", "contact_2", "reviewed_on",
               "candidate_on", "review_late_reason",
               "political_review_on", "training_days", "training_hours", "publicity_on", "vote_on", "vote_expected",
               "vote_present", "vote_for", "approved_on", "approval_late_reason",
               "oath_on", "probation_ends_on", "probation_extended_months", "extension_meeting_on", "full_on", "full_meeting_on",
               "full_vote_expected", "full_vote_present", "full_vote_for", "closed_reason", "cancel_meeting_on", "member"]


# The record page of a file, in the 细则's chapters: a chapter shows once the file has
# reached it or holds a date of it, so a new applicant's page is not thirty empty lines.
FILE_CHAPTERS = [
    ("入党申请", Stage.APPLIED, ["stage", "talked_on", "talk_late_reason"]),
    ("入党积极分子的确定和培养教育", Stage.ACTIVIST,
     ["activist_on", "contact_1", "contact_2", "reviewed_on", "review_late_reason"]),
    ("发展对象的确定和考察", Stage.CANDIDATE,
     ["candidate_on", "political_review_on", "training_days", "training_hours", "publicity_on"]),
    ("预备党员的接收", Stage.PROBATIONARY,
     ["vote_on", "vote_expected", "vote_present", "vote_for", "approved_on", "approval_late_reason", "oath_on"]),
    ("预备党员的教育考察和转正", Stage.PROBATIONARY,
     ["probation_ends_on", "probation_extended_months", "extension_meeting_on", "full_on", "full_meeting_on",
      "full_vote_expected", "full_vote_present", "full_vote_for", "member"]),
    ("发展程序终止", None, ["closed_reason", "cancel_meeting_on"]),
]
STAGE_ORDER = [Stage.APPLIED, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY, Stage.FULL]
CLOSED = (Stage.CANCELLED, Stage.WITHDRAWN, Stage.DECEASED)


def _chapter_shown(applicant: Applicant, reached_with: str | None, names: list[str]) -> bool:
    """A chapter (``reached_with`` the stage that opens it, None for the closing one) shows
    when the file is at or past that stage, or when any of its fields holds something."""
    if any(getattr(applicant, name, None) not in (None, "", 0) for name in names if name != "stage"):
        return True
    if reached_with is None:
        return applicant.stage in CLOSED
    return applicant.stage in STAGE_ORDER and STAGE_ORDER.index(applicant.stage) >= STAGE_ORDER.index(reached_with)


@admin.register(Applicant)
class ApplicantAdmin(RecordStepsMixin, RecordTimelineMixin, MaskedPersonalDataMixin, PlacedBranchColumn,
                     PersonSearchMixin, ImportExportMixin, ScopedModelAdmin):
    import_resource = "members_applicants"
    record_steps = APPLICANT_STEPS
    batch_unit = "人"  # a batch's result counts people (已办理 N 人，未办理 M 人)
    changes_only_by_steps = True
    # The steps a 发展党员 台账 lists; the 谈话 date is on the record page and in the sheet.
    list_display = ["name", "masked_id_number", "branch_shown", "stage", "applied_on", "activist_on", "candidate_on",
                    "vote_on", "probation_ends_on"]
    list_filter = [UnitSubtreeFilter, StageFilter]
    list_select_related = ["branch__unit"]
    search_fields = ["name"]  # the search itself: PersonSearchMixin (exact ID number or name prefix)
    autocomplete_fields = ["branch"]  # tens of thousands in a province: picked by name or code
    inlines = [ReviewInline]
    actions = ["talk", "make_activist", "review", "make_candidate", "record_preparation", "admit", "approve", "oath",
               "make_full", "extend", "withdraw", "disqualify"]

    def get_inlines(self, request: HttpRequest, obj: Applicant | None) -> list[type[ReviewInline]]:
        """The 考察记录 shows once the file has reached 入党积极分子 or holds a review, as the
        chapters do: an applicant's page has no empty table of reviews that cannot be."""
        if obj is None:
            return []
        reached = obj.stage in STAGE_ORDER and STAGE_ORDER.index(obj.stage) >= STAGE_ORDER.index(Stage.ACTIVIST)
        return list(self.inlines) if reached or obj.reviews.exists() else []

    def get_fields(self, request: HttpRequest, obj: Applicant | None = None) -> list[str]:
        base = ["name", self.id_field(request, obj), "gender", self.birth_field(request, obj), "branch", "applied_on"]
        return base if obj is None else base + STEP_FIELDS

    def get_fieldsets(self, request: HttpRequest, obj: Applicant | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        fields = [name for _, options in fieldsets for name in options["fields"]]
        charted = {name for _, _, names in FILE_CHAPTERS for name in names}
        person = [name for name in fields if name not in charted]  # the person, and the form's own
        chapters = []
        for title, reached_with, names in FILE_CHAPTERS:
            shown = [name for name in names if name in fields]
            if _chapter_shown(obj, reached_with, shown):
                chapters.append((title, {"fields": person + shown if not chapters else shown}))
        return chapters

    def get_readonly_fields(self, request: HttpRequest, obj: Applicant | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:  # after the application, the file changes only by its steps
            fields += ["name", "id_number", "gender", "birth_date", "branch", "applied_on", *STEP_FIELDS]
        return fields

    @admin.display(description="预备期满")
    def probation_ends_on(self, obj: Applicant) -> Any:
        """The day the 预备期 ends or ended; none for a file whose 预备期 was cut short
        (取消预备党员资格, 预备期内去世): a date there would read as a 转正 still to come."""
        if obj.stage in (Stage.CANCELLED, Stage.DECEASED):
            return "—"
        return obj.probation_ends_on

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "branch":
            kwargs["queryset"] = branches_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Applicant, form: Any, change: bool) -> None:
        if not change:
            services.applicant_apply(applicant=obj, actor=request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _step(self, request: HttpRequest, queryset: QuerySet[Applicant], action: str, title: str,
              **form_kwargs: Any) -> HttpResponse | None:
        """The batch action ``action``: the record page's step of the same name on every
        selected file."""
        return self.batch_step(request, queryset, f"{action}_step", action=action, title=title, **form_kwargs)

    @admin.action(description="谈话", permissions=["change"])
    def talk(self, request: HttpRequest, queryset: QuerySet[Applicant]) -> HttpResponse | None:
        return self._step(request, queryset, "talk", "谈话")

    @admin.action(description="确定为入党积极分子", permissions=["change"])
    def make_activist(self, request: HttpRequest, queryset: QuerySet[Applicant]) -> HttpResponse | None:
        return self._step(request, queryset, "make_activist", "确定为入党积极分子", user=request.user)

    @admin.action(description="登记培养考察", permissions=["change"])
    def review(self, request: HttpRequest, queryset: QuerySet[Applicant]) -> HttpResponse | None:
        return self._step(request, queryset, "review", "登记培养考察")

    @admin.action(description="确定为发展对象", permissions=["change"])
    def make_candidate(self, request: HttpRequest, queryset: QuerySet[Applicant]) -> HttpResponse | None:
        return self._step(request, queryset, "make_candidate", "确定为发展对象")

    @admin.action(description="登记政审、培训、公示", permissions=["change"])
    def record_preparation(self, request: HttpRequest, queryset: QuerySet[Applicant]) -> HttpResponse | None:
        return self._step(request, queryset, "record_preparation", "登记政审、培训、公示")

    def _one_meeting(self, request: HttpRequest, queryset: QuerySet[Applicant], words: str) -> bool:
        """Whether the selected files can share one 支部大会 and its count: a branch's
        meeting votes on its own files only."""
        branches = queryset.values("branch_id").distinct().count()
        if branches > 1:
            self.message_user(request, f"所选的{queryset.count()}人分属{branches}个党支部：{words}由各党支部的支部大会分别表决，"
                                       f"请按党支部分别选择后办理，未作任何更改。", messages.ERROR)
        return branches <= 1

    @admin.action(description="支部大会接收为预备党员", permissions=["change"])
    def admit(self, request: HttpRequest, queryset: QuerySet[Applicant]) -> HttpResponse | None:
        if not self._one_meeting(request, queryset, "接收预备党员"):
            return None
        return self._step(request, queryset, "admit", "支部大会接收为预备党员")

    @admin.action(description="上级党委审批", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Applicant]) -> HttpResponse | None:
        return self._step(request, queryset, "approve", "上级党委审批")

    @admin.action(description="入党宣誓", permissions=["change"])
    def oath(self, request: HttpRequest, queryset: QuerySet[Applicant]) -> HttpResponse | None:
        return self._step(request, queryset, "oath", "入党宣誓")

    @admin.action(description="预备党员转正", permissions=["change"])
    def make_full(self, request: HttpRequest, queryset: QuerySet[Applicant]) -> HttpResponse | None:
        if not self._one_meeting(request, queryset, "预备党员转正"):
            return None
        return self._step(request, queryset, "make_full", "预备党员转正")

    @admin.action(description="延长预备期", permissions=["change"])
    def extend(self, request: HttpRequest, queryset: QuerySet[Applicant]) -> HttpResponse | None:
        return self._step(request, queryset, "extend", "延长预备期")

    @admin.action(description="终止培养", permissions=["change"])
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Applicant]) -> HttpResponse | None:
        return self._step(request, queryset, "withdraw", "终止培养")

    @admin.action(description="取消预备党员资格", permissions=["change"])
    def disqualify(self, request: HttpRequest, queryset: QuerySet[Applicant]) -> HttpResponse | None:
        # Apart from 终止培养: the 支部大会 that decided it is asked for, and required.
        return self._step(request, queryset, "disqualify", "取消预备党员资格")
