"""干部 changelist and form, with the 任免审批表 print page and ``.lrmx`` buttons."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from orgwork.admin_base import ScopedInline, ScopedModelAdmin, UnitSubtreeFilter, once_per_record, warning_flag
from orgwork.admin_not_found import not_found_message
from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import record
from orgwork.common import secrets
from orgwork.units.models import Unit
from orgwork.units.scope import units_visible_to
from orgwork.imports.admin import ImportExportMixin

from .. import extensions, lrmx, rules
from ..models import Assessment, Cadre, Education, FamilyMember, Post, RewardPunishment
from ..printing import appointment_form_context
from ..selectors import cadres_for_list
from ..services import assessment_save, cadre_posts_save, cadre_record_unmasked_view, cadre_save
from ..training.selectors import hours_of
from .filters import (AgeBandFilter, GenerationFilter, InfluenceFilter, MeritCandidateFilter, MinorityFilter,
                      NonPartyFilter, StatusFilter, WomenFilter)
from .forms import AssessmentForm, CadreForm, DayField, PostForm, PostInlineFormSet
from .search import CadreSearchMixin

UNMASK_PERMISSION = "cadres.view_unmasked_id_number"
TRAINING_PERMISSION = "training.view_classattendance"


def can_unmask(request: HttpRequest) -> bool:
    return secrets.may_unmask(request.user, Cadre)


# Every date of the cadre's page is read by the one date parser (2021.01 = 2021-01-01).
DATES = {models.DateField: {"form_class": DayField}}


class PostInline(ScopedInline):
    """任职经历 on the cadre's page: the columns a clerk reads down before printing the
    任免审批表, all of them visible at 1440 px; an old post is ended (免职时间) and the new one
    entered in the same save. The 批准机关, 任前公示 and 免职文号 of a post are on the post's
    own page (the row's link), where the same rules hold (``Post.clean``)."""

    model = Post
    form = PostForm
    formset = PostInlineFormSet
    formfield_overrides = DATES
    fields = ["title", "unit", "rank", "is_principal", "is_current", "appointed_on", "appointment_document",
              "removed_on"]
    autocomplete_fields = ["unit"]
    show_change_link = True


class EducationInline(ScopedInline):
    model = Education
    formfield_overrides = DATES
    fields = ["kind", "education", "degree", "school", "major", "entered_on", "graduated_on"]


class ArchiveMaterialInline(ScopedInline):
    """Rows that are 干部人事档案 material (年度考核, 奖惩): corrected on the row, never
    deleted. The archive rules forbid taking material out of a file, and deleting a
    基本称职 or 不称职 year or a 处分 would silently lift what it holds back."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AssessmentInline(ArchiveMaterialInline):
    model = Assessment
    form = AssessmentForm
    fields = ["year", "grade", "political_score", "review", "remarks"]
    readonly_fields = ["review"]

    @admin.display(description="需逐一复核")
    def review(self, obj: Assessment) -> str:
        return warning_flag(bool(obj.pk) and obj.needs_review, "需复核")


class RewardInline(ArchiveMaterialInline):
    model = RewardPunishment
    formfield_overrides = DATES
    fields = ["kind", "title", "decided_on", "approving_body", "reason"]


class FamilyInline(ScopedInline):
    model = FamilyMember
    formfield_overrides = DATES
    fields = ["sort_order", "relation", "name", "birth_month", "political_status", "work_unit_and_post"]


class LrmxImportForm(forms.Form):
    file = forms.FileField(label="任免审批表文件（.lrmx）")
    unit = forms.ModelChoiceField(
        label="新干部所在单位", queryset=Unit.objects.none(), required=False,
        help_text="文件中的干部尚未登记时，登记到此单位；留空则为您本人所在单位。",
    )
    commit = forms.BooleanField(label="确认写入", required=False, help_text="不勾选时只检查文件并列出将要变更的内容，不写入。")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_visible_to(user).order_by("path")


@admin.register(Cadre)
class CadreAdmin(ImportExportMixin, CadreSearchMixin, ScopedModelAdmin):
    """干部: the personnel record, which nobody deletes (no 删除 on its page, no bulk delete,
    the delete address refused with 403; the role table gives no ``cadres.delete_cadre``).

    Deleting a cadre would take the posts, education, assessments, rewards and punishments
    and family with it (they cascade), and it is what the 凡提四必 and 选人用人 checks read
    back; the supervision, selection, reserve, training and secondment records already
    protect it. A cadre who leaves stays on the books with the 状态 that says why — 退休,
    调出, 免职 or 去世 (「现任职务」 on this page, with the posts ended in 任职经历); the lists filter
    by it. A record entered by mistake is corrected on this page, each change audited. One
    that should never have been entered is not removed through the application either:
    the clerk who entered it should not be the one to erase it, and the 系统管理员 reads no
    business records (三员分立); that removal is left to the database operator, and the
    audit trail records it.
    """

    import_resource = "cadres"
    form = CadreForm
    list_display = ["name", "gender", "birth", "id_number_masked", "unit_name", "current_post", "rank", "grade",
                    "authority", "status"]
    list_display_links = ["name"]
    list_filter = [UnitSubtreeFilter, "rank", "grade", "authority", StatusFilter, AgeBandFilter, GenerationFilter,
                   WomenFilter, MinorityFilter, NonPartyFilter, "is_naked_official", MeritCandidateFilter,
                   InfluenceFilter]
    list_select_related = ["unit"]
    search_fields = ["name"]  # the search itself: CadreSearchMixin (exact ID, pinyin prefix, name prefix)
    autocomplete_fields = ["unit"]
    ordering = ["name_pinyin", "id"]
    inlines = [PostInline, EducationInline, AssessmentInline, RewardInline, FamilyInline]

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[Any]:
        # Read-only inlines of the domain's subpackages (cadres.extensions), shown on an existing
        # cadre's page. They submit nothing, so a save does not build them (nor ask for their
        # management forms).
        shown = obj is not None and request.method in ("GET", "HEAD")
        return [*super().get_inlines(request, obj), *(extensions.CADRE_INLINES if shown else [])]
    fieldsets = [
        ("基本信息", {"fields": [
            ("name", "gender"), ("birth_month", "ethnicity"), ("native_place", "birthplace"),
            ("political_status", "party_joined_on"), ("work_started_on", "health"),
            "professional_title", "expertise", "id_number", "photo_upload",
        ]}),
        ("学历学位", {"fields": [
            ("fulltime_education", "fulltime_degree"), "fulltime_education_school", "fulltime_degree_school",
            ("inservice_education", "inservice_degree"), "inservice_education_school", "inservice_degree_school",
        ]}),
        ("现任职务", {"fields": ["unit", "current_post", ("rank", "grade"), ("authority", "status"), "is_naked_official"]}),
        ("任免审批表", {"classes": ["collapse"], "fields": [
            "resume", "rewards_summary", "assessment_summary", "proposed_post", "proposed_removal",
            "appointment_reason", "reporting_unit", ("age_reckoned_on", "form_filled_on"), "form_filled_by",
        ]}),
    ]

    # ------------------------------------------------------------ list
    # What the list shows and sorts by. Loading only these halves the time to build a
    # page's objects: forty-odd columns (long texts among them) are never read there,
    # and Django spreads deferred columns slower than it loads a short list of them.
    list_columns = ["name", "gender", "birth_month", "id_number", "unit", "current_post", "rank", "grade",
                    "authority", "status", "name_pinyin"]

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = super().get_queryset(request)
        if (request.method == "GET" and request.resolver_match
                and request.resolver_match.url_name == "cadres_cadre_changelist"):
            return qs.only(*self.list_columns)
        return qs

    @admin.display(description="出生年月", ordering="birth_month")
    def birth(self, obj: Cadre) -> str:
        return obj.birth_month_display

    @admin.display(description="身份证号")
    def id_number_masked(self, obj: Cadre) -> str:
        # Lists always mask; a full number is shown one record at a time, and logged.
        return obj.masked_id_number

    @admin.display(description="单位", ordering="unit__path")
    def unit_name(self, obj: Cadre) -> str:
        return str(obj.unit)

    # Every form that picks a cadre by typing (年度考核, 组织处理, 凡提四必, 后备干部…) names
    # each with unit and ID number tail: a province holds many 冯强.
    autocomplete_select_related = ["unit"]

    def autocomplete_label(self, obj: Cadre) -> str:
        return f"{obj.name}（{obj.unit}，尾号{obj.masked_id_number[-4:]}）"

    # ------------------------------------------------------------ form
    @admin.display(description="本年度学时")
    @once_per_record
    def training_hours(self, obj: Cadre) -> str:
        """教育培训: this year's 学时, class and online apart (one query, on the record page only)."""
        year = timezone.localdate().year
        hours = hours_of(obj, year)
        required = hours["required_hours"]
        verdict = "本职务层次无年度要求" if required is None else (
            f"年度要求{required}学时，{'已达标' if hours['total_hours'] >= required else '未达标'}")
        return (f"{year}年：培训班{hours['class_hours']}学时，网络学习{hours['online_hours']}学时，"
                f"合计{hours['total_hours']}学时（{verdict}）")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.has_perm(TRAINING_PERMISSION):
            fieldsets = [*fieldsets, ("教育培训", {"fields": ["training_hours"]})]
        if obj is not None and not self.has_change_permission(request, obj):
            # The upload is a form field, not a value: a read-only page has nothing to show
            # for it (Django would label it 「Photo upload」 from its name).
            fieldsets = [(name, {**options, "fields": [f for f in options["fields"] if f != "photo_upload"]})
                         for name, options in fieldsets]
        if obj is None or can_unmask(request):
            return fieldsets
        swapped = []
        for name, options in fieldsets:
            fields = ["id_number_masked" if f == "id_number" else f for f in options["fields"]]
            swapped.append((name, {**options, "fields": fields}))
        return swapped

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly.append("training_hours")
        if obj is not None and not can_unmask(request):
            readonly.append("id_number_masked")
        return readonly

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # see the class docstring: a cadre leaves by 状态, never by deletion

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        # 管理权限 offers what the clerk's department gives (cadres.rules.check_authority_given).
        return type(form.__name__, (form,), {"authorities_given": rules.authorities_given_by(request.user)})

    def save_model(self, request: HttpRequest, obj: Cadre, form: Any, change: bool) -> None:
        photo = form.cleaned_data.get("photo_upload")
        if photo:
            obj.photo = photo
        cadre_save(cadre=obj, actor=request.user, validate=False)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is Post:
            # The posts table is one change of the cadre's posts (cadres.services.cadre_posts_save).
            posts = formset.save(commit=False)
            cadre_posts_save(cadre=form.instance, posts=posts, deleted=formset.deleted_objects, actor=request.user)
            formset.save_m2m()
            return
        if formset.model is not Assessment:
            return super().save_formset(request, form, formset, change)
        # Assessments go through the service: its rules, and the follow-up it puts on the books.
        for obj in formset.save(commit=False):
            assessment_save(assessment=obj, actor=request.user, validate=False)
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "status_code", None) == 200 and can_unmask(request):
            original = getattr(response, "context_data", {}).get("original")
            if original is not None:
                cadre_record_unmasked_view(cadre=original, actor=request.user, purpose="干部信息编辑页")
        return response

    # ------------------------------------------------------------ 任免审批表 and .lrmx
    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("import-lrmx/", wrap(self.import_lrmx_view), name="cadres_cadre_import_lrmx"),
            path("<path:object_id>/print/", wrap(self.print_view), name="cadres_cadre_print"),
            path("<path:object_id>/lrmx/", wrap(self.export_lrmx_view), name="cadres_cadre_export_lrmx"),
            *super().get_urls(),
        ]

    def _cadre_or_404(self, request: HttpRequest, object_id: str) -> Cadre:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(not_found_message(self.opts, object_id))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def print_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        cadre = self._cadre_or_404(request, object_id)
        unmask = can_unmask(request)
        if unmask:
            cadre_record_unmasked_view(cadre=cadre, actor=request.user, purpose="打印任免审批表")
        context = {**appointment_form_context(cadre, unmask=unmask), "title": f"干部任免审批表：{cadre.name}"}
        return TemplateResponse(request, "cadres/appointment_form.html", context)

    def export_lrmx_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        cadre = self._cadre_or_404(request, object_id)
        if not request.user.has_perm("cadres.export_cadre"):
            raise PermissionDenied
        unmask = can_unmask(request)
        # A masked file names its user: that user may import it back within seven days.
        content = lrmx.export_person(cadre, mask_id=not unmask, user=request.user)
        record(cadre, action=AuditAction.EXPORT, actor=request.user,
               message="导出任免审批表（.lrmx）" + ("，含完整身份证号" if unmask else "，身份证号已遮蔽"))
        if unmask:
            cadre_record_unmasked_view(cadre=cadre, actor=request.user, purpose="导出任免审批表")
        response = HttpResponse(content, content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, f"{cadre.name}.lrmx")
        return response

    def import_lrmx_view(self, request: HttpRequest) -> HttpResponse:
        if not (request.user.has_perm("cadres.import_cadre") and self.has_change_permission(request)):
            raise PermissionDenied
        outcome: lrmx.LrmxOutcome | None = None
        problems: list[str] = []
        form = LrmxImportForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                person = lrmx.parse(form.cleaned_data["file"].read())
                outcome = lrmx.import_person(person, user=request.user, unit=form.cleaned_data["unit"],
                                             commit=form.cleaned_data["commit"])
            except ValidationError as exc:
                problems = list(exc.messages)
            else:
                if outcome.committed:
                    self.message_user(request, outcome.summary(), messages.SUCCESS if outcome.writes else messages.INFO)
                    return HttpResponseRedirect(reverse("admin:cadres_cadre_change", args=[outcome.cadre.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "导入任免审批表（.lrmx）",
            "opts": self.opts,
            "form": form,
            "outcome": outcome,
            "problems": problems,
        }
        return TemplateResponse(request, "admin/cadres/cadre/import_lrmx.html", context)
