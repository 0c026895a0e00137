"""个人有关事项 admin: reports (each opening logged), draws with their 补充抽取, and
spot-check outcomes. A draw's page shows the original draw's checks, its supplementary
draws and their checks apart."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import F, Func, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from orgwork.admin_base import ScopedInline, ScopedModelAdmin, UnitSubtreeFilter, once_per_record
from orgwork.admin_steps import RecordStepsMixin, RecordTimelineMixin
from orgwork.imports.admin import ImportExportMixin

from ..models import (
    DISCREPANCIES,
    PersonalMattersReport,
    SpotCheck,
    SpotCheckDraw,
    SpotCheckOutcome,
    SupplementaryDraw,
)
from ..services import (
    personal_matters_record_view,
    personal_matters_report_save,
    spot_check_draw,
    spot_check_draw_errors,
    spot_check_open_rectification,
    spot_check_record_outcome,
    spot_check_redraw,
    spot_check_resolve,
    spot_check_supplement_redraw,
)
from .base import DatedTextForm, ask_then_run, run_per_object
from .steps import DRAW_STEPS, SPOT_CHECK_STEPS


@admin.register(PersonalMattersReport)
class PersonalMattersReportAdmin(ImportExportMixin, ScopedModelAdmin):
    import_resource = "personal_matters_reports"
    list_display = ("cadre", "cadre_unit", "year", "submitted_on")
    list_filter = (UnitSubtreeFilter, "year")
    list_select_related = ("cadre", "cadre__unit")
    search_fields = ("cadre__name",)
    autocomplete_fields = ("cadre",)

    @admin.display(description="单位", ordering="cadre__unit__path")
    def cadre_unit(self, obj: PersonalMattersReport) -> str:
        return str(obj.cadre.unit)

    def save_model(self, request: HttpRequest, obj: PersonalMattersReport, form: Any, change: bool) -> None:
        personal_matters_report_save(report=obj, actor=request.user, validate=False)  # the form has validated it

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            # Only a report the user actually reached (in scope, permitted) is logged as seen.
            report = self.get_object(request, object_id)
            if report is not None:
                personal_matters_record_view(report=report, actor=request.user)
        return response


class SpotCheckInline(ScopedInline):
    """原抽取的抽查核实: the cadres the year's draw itself chose (随机 and 重点)."""

    model = SpotCheck
    verbose_name = "抽查核实（原抽取）"
    verbose_name_plural = "抽查核实（原抽取）"
    fields = ("cadre", "selection", "outcome", "unverifiable_reason", "checked_on", "resolved_on")
    readonly_fields = fields
    can_delete = False
    show_change_link = True
    supplementary = False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).filter(supplement__isnull=not self.supplementary).select_related(
            "cadre", "supplement")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SupplementCheckInline(SpotCheckInline):
    """补充抽取的抽查核实: the cadres drawn by the draw's 补充抽取, each with its round."""

    verbose_name = "抽查核实（补充抽取）"
    verbose_name_plural = "抽查核实（补充抽取）"
    fields = ("cadre", "round_label", "outcome", "unverifiable_reason", "checked_on", "resolved_on")
    readonly_fields = fields
    supplementary = True

    @admin.display(description="抽取批次")
    def round_label(self, obj: SpotCheck) -> str:
        return obj.round_label


class SupplementaryDrawInline(ScopedInline):
    """补充抽取记录: read-only, as the draw itself. Readable by whoever reads the draw."""

    model = SupplementaryDraw
    verbose_name = "补充抽取记录"
    verbose_name_plural = "补充抽取记录"
    # Paired values share a column (要求单位及文号, 批准, 总体/补抽, 抽取人及时间), so that the
    # table fits the page at 1440 px.
    fields = ("sequence", "reason", "explanation", "order", "approval", "sizes", "seed", "drawer", "replaced")
    readonly_fields = fields
    can_delete = False

    @admin.display(description="要求单位及文号")
    def order(self, obj: SupplementaryDraw) -> str:
        return "，".join(filter(None, [obj.ordered_by, obj.order_document])) or "—"

    @admin.display(description="批准领导或机构及文号")
    def approval(self, obj: SupplementaryDraw) -> str:
        return "，".join(filter(None, [obj.approved_by, obj.approval_document])) or "—"

    @admin.display(description="总体/补抽人数")
    def sizes(self, obj: SupplementaryDraw) -> str:
        return f"{obj.population_size}/{obj.count}"

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("drawn_by")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("supervision.view_spotcheckdraw")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="抽取人及时间")
    def drawer(self, obj: SupplementaryDraw) -> str:
        return f"{obj.drawer_shown}，{timezone.localtime(obj.drawn_at):%Y-%m-%d %H:%M}"

    @admin.display(description="替换的无法核查人员")
    def replaced(self, obj: SupplementaryDraw) -> str:
        rows = obj.replaced_checks.select_related("cadre").order_by("cadre_id")
        return "、".join(f"{c.cadre.name}（{c.get_unverifiable_reason_display()}）" for c in rows) or "—"


class SpotCheckDrawForm(forms.ModelForm):
    class Meta:
        model = SpotCheckDraw
        # No 随机种子: the system generates and records it (services._refuse_a_chosen_seed).
        fields = ("unit", "year", "method", "ratio", "count", "stratified")

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors:
            return
        for field, message in spot_check_draw_errors(self.instance).items():
            self.add_error(field, message)


@admin.register(SpotCheckDraw)
class SpotCheckDrawAdmin(RecordStepsMixin, RecordTimelineMixin, ScopedModelAdmin):
    record_steps = DRAW_STEPS
    form = SpotCheckDrawForm
    list_display = ("unit", "year", "method", "ratio", "count", "stratified", "population_size", "random_total",
                    "targeted_total", "supplemented", "seed", "drawer", "drawn_at")
    list_filter = (UnitSubtreeFilter, "year")
    list_select_related = ("unit", "drawn_by")
    inlines = (SpotCheckInline, SupplementaryDrawInline, SupplementCheckInline)
    readonly_fields = ("seed", "population_size", "population_hash", "random_total", "targeted_total", "drawer",
                       "drawn_at", "reproduction")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[tuple[Any, dict[str, Any]]]:
        main = (None, {"fields": ["unit", "year", "method", "ratio", "count", "stratified"],
                       "description": "总体为所选单位（含下级）已报告该年度个人有关事项的干部；审查中的被提名干部"
                                      "全部列为重点抽查。随机种子由系统随机生成并记录，供复核；抽取后不可修改。"})
        if obj is None:
            return [main]
        return [main, ("抽取记录", {"fields": ["seed", "population_size", "population_hash", "random_total",
                                           "targeted_total", "drawer", "drawn_at", "reproduction"]})]

    def get_queryset(self, request: HttpRequest) -> Any:
        # Subqueries, not Count()/Sum() over a join: those would add a GROUP BY to the list.
        rounds = SupplementaryDraw.objects.filter(draw=OuterRef("pk")).order_by().values("draw")
        return super().get_queryset(request).annotate(
            supplement_rounds=Subquery(rounds.annotate(n=Func(F("pk"), function="COUNT")).values("n")),
            supplement_people=Subquery(rounds.annotate(n=Func(F("count"), function="SUM")).values("n")),
        )

    @admin.display(description="补充抽取")
    def supplemented(self, obj: SpotCheckDraw) -> str:
        rounds = getattr(obj, "supplement_rounds", None) or 0
        return f"{rounds}次，{obj.supplement_people}人" if rounds else "—"

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        # A draw not yet made has no checks: the add page shows the draw's own fields only.
        return self.inlines if obj is not None else ()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A draw is a record of what happened: it can be read, never edited (补充抽取 is a step).
        return False if obj is not None else super().has_change_permission(request, obj)

    def timeline_records(self, record: SpotCheckDraw) -> list[Any]:
        return [record, *record.supplements.order_by("sequence")]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="抽取人", ordering="drawn_by")
    def drawer(self, obj: SpotCheckDraw) -> str:
        return obj.drawer_shown

    @admin.display(description="复核")
    @once_per_record
    def reproduction(self, obj: SpotCheckDraw) -> str:
        random_ids = sorted(obj.checks.filter(selection="random", supplement__isnull=True)
                            .values_list("cadre_id", flat=True))
        if spot_check_redraw(obj) == random_ids:
            said = ["按记录的种子和总体重新抽取，结果与本次抽取一致。"]
        else:
            said = ["按记录的种子和总体重新抽取，结果与本次抽取不一致，请核查！"]
        for supplement in obj.supplements.order_by("sequence"):
            drawn = sorted(supplement.checks.values_list("cadre_id", flat=True))
            same = spot_check_supplement_redraw(supplement) == drawn
            said.append(f"第{supplement.sequence}次补充抽取按记录的种子和尚未抽取的总体重新抽取，"
                        + ("结果一致。" if same else "结果不一致，请核查！"))
        return "".join(said)

    def save_model(self, request: HttpRequest, obj: SpotCheckDraw, form: Any, change: bool) -> None:
        spot_check_draw(draw=obj, actor=request.user)


class SpotCheckForm(forms.ModelForm):
    class Meta:
        model = SpotCheck
        fields = ("outcome", "checked_on", "findings", "handling")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "outcome" in self.fields:  # 无法核查 is registered by a 补充抽取 only
            self.fields["outcome"].choices = [c for c in SpotCheckOutcome.choices
                                              if c[0] != SpotCheckOutcome.UNVERIFIABLE]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome and outcome != SpotCheckOutcome.PENDING:
            if not cleaned.get("checked_on"):
                self.add_error("checked_on", "请填写核查日期。")
            if outcome in DISCREPANCIES and not (cleaned.get("findings") or "").strip():
                self.add_error("findings", "漏报、瞒报的，须写明核查情况。")
        return cleaned


class OpenDiscrepancyFilter(admin.SimpleListFilter):
    title = "处理状态"
    parameter_name = "handling"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("open", "漏报瞒报未处理完毕"), ("done", "已处理完毕")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "open":
            return queryset.filter(outcome__in=DISCREPANCIES, resolved_on__isnull=True)
        if self.value() == "done":
            return queryset.filter(resolved_on__isnull=False)
        return queryset


class RoundFilter(admin.SimpleListFilter):
    title = "抽取批次"
    parameter_name = "round"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("original", "原抽取"), ("supplement", "补充抽取")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() in ("original", "supplement"):
            return queryset.filter(supplement__isnull=self.value() == "original")
        return queryset


@admin.register(SpotCheck)
class SpotCheckAdmin(RecordStepsMixin, RecordTimelineMixin, ScopedModelAdmin):
    record_steps = SPOT_CHECK_STEPS
    form = SpotCheckForm
    list_display = ("cadre", "draw", "round_label", "selection", "outcome", "checked_on", "resolved_on")
    list_filter = (UnitSubtreeFilter, "selection", RoundFilter, "outcome", OpenDiscrepancyFilter)
    list_select_related = ("cadre", "cadre__unit", "draw", "draw__unit", "supplement")
    search_fields = ("cadre__name",)
    readonly_fields = ("draw", "cadre", "round_label", "selection", "unverifiable_reason", "replaced_in",
                       "resolved_on")
    actions = ("open_rectification", "resolve_checks")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and obj.outcome == SpotCheckOutcome.UNVERIFIABLE:
            return ["draw", "cadre", "round_label", "selection", "outcome", "unverifiable_reason", "replaced_in"]
        return ["draw", "cadre", "round_label", "selection", "outcome", "checked_on", "findings", "handling",
                "resolved_on"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # 无法核查 stays as the 补充抽取 recorded it.
        if obj is not None and obj.outcome == SpotCheckOutcome.UNVERIFIABLE:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description="抽取批次", ordering="supplement__sequence")
    def round_label(self, obj: SpotCheck) -> str:
        return obj.round_label

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # checks come from a draw

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A drawn check is part of the draw's record: the sample stays as it was drawn.
        return False

    def save_model(self, request: HttpRequest, obj: SpotCheck, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if data["outcome"] == SpotCheckOutcome.PENDING:
            return
        spot_check_record_outcome(check=obj, outcome=data["outcome"], checked_on=data["checked_on"],
                                  findings=data.get("findings", ""), handling=data.get("handling", ""),
                                  actor=request.user)

    @admin.action(description="开立整改事项（挂账）", permissions=["change"])
    def open_rectification(self, request: HttpRequest, queryset: Any) -> None:
        run_per_object(self, request, queryset,
                       lambda check: spot_check_open_rectification(check=check, actor=request.user),
                       done="开立整改事项（已开立的不重复开立）")

    @admin.action(description="漏报瞒报处理完毕", permissions=["change"])
    def resolve_checks(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        return ask_then_run(
            self, request, queryset, form_class=DatedTextForm, title="漏报瞒报处理完毕（日期与处理情况）",
            service=lambda check, data: spot_check_resolve(check=check, resolved_on=data["day"], handling=data["text"],
                                                           actor=request.user),
            done="漏报瞒报处理完毕",
        )
