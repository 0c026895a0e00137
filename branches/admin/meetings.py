"""三会一课 records, and the two report pages on top of them: 开展率 and 缺会名单."""

from __future__ import annotations

import copy
import datetime
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode

from orgwork.admin_base import ScopedModelAdmin, UnitSubtreeFilter
from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import record
from orgwork.common.numbers import PlainIntegerField
from orgwork.units.scope import units_visible_to
from orgwork.imports.admin import ImportExportMixin

from ..cadence import Period, required_kinds
from ..models import Meeting, MeetingKind
from ..selectors import branches_missing_meetings, meeting_rates
from ..services import backentry_days, meeting_delete, meeting_delete_refusal, meeting_prepare, meeting_save
from .export import xlsx_response


class AtLeast(int):
    """A count that stopped at its cap: computes as the cap, reads "10000+" on the page
    (“10000+ 条结果”), never as if it were the whole count."""

    def __str__(self) -> str:
        return f"{int(self)}+"


class CappedCountPaginator(Paginator):
    """Counting millions of rows for the page links costs more than the page itself; the
    count stops at ``cap`` and the list then says "10000+"."""

    cap = 10000

    @property
    def count(self) -> int:  # type: ignore[override]
        if not hasattr(self, "_capped_count"):
            found = self.object_list[: self.cap + 1].count()
            self._capped_count = AtLeast(self.cap) if found > self.cap else found
        return self._capped_count


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["organisation", "kind", "held_on", "topic", "expected", "present", "backentry_reason"]
        widgets = {"backentry_reason": forms.Textarea(attrs={"rows": 2})}

    user: Any = None

    def _post_clean(self) -> None:
        super()._post_clean()  # the instance now carries the form's values
        meeting = self.instance
        if meeting.organisation_id is None or meeting.held_on is None or "held_on" in self.errors:
            return
        try:  # the rule the sheet and the service apply as well (a copy: the service prepares the row itself)
            meeting_prepare(meeting=copy.copy(meeting), actor=self.user, original=meeting if meeting.pk else None)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)


@admin.register(Meeting)
class MeetingAdmin(ImportExportMixin, ScopedModelAdmin):
    import_resource = "meetings"
    form = MeetingForm
    list_display = ["held_on", "organisation", "kind", "topic", "expected", "present", "unit"]
    list_filter = ["kind", UnitSubtreeFilter]
    list_select_related = ["organisation", "unit"]
    date_hierarchy = "held_on"
    search_fields = ["=organisation__code"]  # an exact code finds its meetings through the index; text search would scan millions
    autocomplete_fields = ["organisation"]
    ordering = ["-held_on", "-id"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    fields = ["organisation", "kind", "held_on", "topic", "expected", "present", "backentry_reason"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        if "backentry_reason" in form.base_fields:
            form.base_fields["backentry_reason"].help_text = (
                f"召开日期早于 {backentry_days()} 天时必填（录入或修改这样的会议记录），只有具备补录权限的人员可以补录或修改；"
                "原因记入审计日志。")
        return form

    def save_model(self, request: HttpRequest, obj: Meeting, form: Any, change: bool) -> None:
        meeting_save(meeting=obj, actor=request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A meeting before the back-entry window counts in reported months: a plain clerk
        # sees no 删除 and its delete URL answers 403 (meeting_delete refuses it elsewhere).
        if obj is not None and meeting_delete_refusal(meeting=obj, actor=request.user):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request: HttpRequest, obj: Meeting) -> None:
        meeting_delete(meeting=obj, actor=request.user)

    def get_urls(self) -> list[Any]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path("missing/", self.admin_site.admin_view(self.missing_view), name="%s_%s_missing" % info),
            path("rates/", self.admin_site.admin_view(self.rates_view), name="%s_%s_rates" % info),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        extra = {"report_links": [("三会一课开展率", reverse("admin:branches_meeting_rates")),
                                  ("缺会名单", reverse("admin:branches_meeting_missing"))]}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    # -- report pages ------------------------------------------------------------------------

    def _report_context(self, request: HttpRequest, title: str) -> tuple[PeriodForm, dict[str, Any]]:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        # Opened without a query, the page answers for the last whole month (as the 台账 of
        # branches missing meetings does) instead of waiting for 查询.
        data = request.GET if request.GET else PeriodForm.last_month()
        form = PeriodForm(data, user=request.user)
        query = urlencode([(key, value) for key, value in data.items() if key not in ("format", "p")])
        context = {**self.admin_site.each_context(request), "title": title, "opts": self.opts, "form": form,
                   "query": query}
        return form, context

    def rates_view(self, request: HttpRequest) -> HttpResponse:
        form, context = self._report_context(request, "三会一课开展率")
        if form.is_valid():
            period, units, root = form.period(), form.units(), form.root()
            report = meeting_rates(units=units, period=period, by=form.cleaned_data["by"] or "subtree", root=root)
            kinds = list(MeetingKind.values)
            header = ["单位/党支部", "党支部数"] + [f"{MeetingKind(k).label}（开展/应开展，开展率）" for k in kinds]

            def line(row: Any) -> list[Any]:
                cells = [f"{row.label}" + (f"（{row.unit_label}）" if row.unit_label else ""), row.branches]
                for k in kinds:
                    kr = next(x for x in row.kinds() if x.kind == k)
                    cells.append("—" if kr.required == 0 else f"{kr.held}/{kr.required}，{kr.rate}%")
                return cells

            rows = [line(r) for r in report.rows] + [line(report.total)]
            if request.GET.get("format") == "xlsx":
                self._audit_export(request, f"导出三会一课开展率（{period.label}）", len(rows))
                return xlsx_response(f"三会一课开展率_{period.slug}.xlsx", header, rows, title=f"三会一课开展率（{period.label}）")
            context.update({"header": header, "rows": rows, "period": period})
        return TemplateResponse(request, "admin/branches/meeting_report.html", context)

    def missing_view(self, request: HttpRequest) -> HttpResponse:
        form, context = self._report_context(request, "缺会名单")
        if form.is_valid():
            period, units = form.period(), form.units()
            missing = branches_missing_meetings(units=units, period=period)
            kinds = required_kinds(period)
            header = ["党组织代码", "党支部", "所在单位", "缺少的会议"] + [f"{MeetingKind(k).label}（开展/应开展）" for k in kinds]
            rows = [[m.code, m.name, m.unit_name, m.shortfall_text] + [f"{m.held.get(k, 0)}/{m.required[k]}" for k in kinds]
                    for m in missing]
            if request.GET.get("format") == "xlsx":
                self._audit_export(request, f"导出缺会名单（{period.label}）", len(rows))
                return xlsx_response(f"缺会名单_{period.slug}.xlsx", header, rows, title=f"缺会名单（{period.label}）")
            page = Paginator(rows, 200).get_page(request.GET.get("p"))
            context.update({"header": header, "rows": page.object_list, "page": page, "total": len(rows), "period": period})
        return TemplateResponse(request, "admin/branches/meeting_report.html", context)

    def _audit_export(self, request: HttpRequest, message: str, count: int) -> None:
        record(None, action=AuditAction.EXPORT, actor=request.user, message=f"{message}，共 {count} 行",
               unit_path=getattr(getattr(request.user, "unit", None), "path", ""))


class PeriodForm(forms.Form):
    """统计期间与范围."""

    PERIOD_CHOICES = [("month", "月度"), ("quarter", "季度"), ("year", "年度")]

    unit = forms.ChoiceField(label="单位（含下级）", required=False)
    year = PlainIntegerField(label="年度", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="统计期间", choices=PERIOD_CHOICES, initial="month")
    quarter = forms.TypedChoiceField(label="季度", required=False, coerce=int, empty_value=None,
                                     choices=[("", "—")] + [(q, f"第{q}季度") for q in range(1, 5)])
    month = forms.TypedChoiceField(label="月份", required=False, coerce=int, empty_value=None,
                                   choices=[("", "—")] + [(m, f"{m}月") for m in range(1, 13)])
    by = forms.ChoiceField(label="分组", required=False, choices=[("subtree", "按下级单位"), ("branch", "按党支部")])

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        visible = units_visible_to(user).only("code", "name", "path").order_by("path")
        home_depth = user.unit.depth if getattr(user, "unit", None) is not None and not user.is_superuser else 1
        self.fields["unit"].choices = [("", "全部（本人管辖范围）")] + [
            (u.code, "　" * max(0, u.depth - home_depth) + u.name) for u in visible if u.depth <= home_depth + 2
        ]

    @staticmethod
    def last_month() -> dict[str, Any]:
        """The form's data for the last whole month, within the user's whole jurisdiction."""
        previous = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
        return {"year": previous.year, "kind": "month", "month": previous.month, "by": "subtree"}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind == "month" and not data.get("month"):
            self.add_error("month", "请选择月份。")
        if kind == "quarter" and not data.get("quarter"):
            self.add_error("quarter", "请选择季度。")
        return data

    def period(self) -> Period:
        data = self.cleaned_data
        if data["kind"] == "month":
            return Period.of_month(data["year"], data["month"])
        if data["kind"] == "quarter":
            return Period.of_quarter(data["year"], data["quarter"])
        return Period.of_year(data["year"])

    def root(self) -> Any:
        code = self.cleaned_data.get("unit")
        if not code:
            return None
        return units_visible_to(self.user).filter(code=code).first()

    def units(self) -> QuerySet[Any]:
        visible = units_visible_to(self.user)
        root = self.root()
        return visible.filter(path__startswith=root.path) if root is not None else visible

