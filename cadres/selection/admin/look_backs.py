"""带病提拔倒查 admin: the promotions under look-back, with their 凡提四必 case and signer,
and the 办结 step (verdict, findings, 追责问责)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from unfold.decorators import action

from orgwork.admin_base import ScopedInline, ScopedModelAdmin, UnitSubtreeFilter

from ..models import CheckStatus, LookBack, LookBackPromotion, LookBackVerdict
from ..services import look_back_conclude
from .steps import RecordStepsMixin


class PromotionInline(ScopedInline):
    model = LookBackPromotion
    fields = ("appointed_on", "title", "rank_label", "vetting_link", "vetting_status", "signed_by")
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # listed when the look-back is opened

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="凡提四必审查")
    def vetting_link(self, obj: LookBackPromotion) -> str:
        if obj.vetting_case_id is None:
            return "—"
        return format_html('<a href="{}">查看</a>', reverse("admin:supervision_vettingcase_change",
                                                          args=[obj.vetting_case_id]))


class ConcludeForm(forms.Form):
    verdict = forms.ChoiceField(label="倒查结论", choices=LookBackVerdict.choices)
    conclusion = forms.CharField(label="倒查情况", widget=forms.Textarea(attrs={"rows": 4}))
    accountability = forms.CharField(label="追责问责情况", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                     help_text="属于带病提拔的必填：对动议、考察、审查把关失察失误者的追责问责。")


@admin.register(LookBack)
class LookBackAdmin(RecordStepsMixin, ScopedModelAdmin):
    list_display = ("cadre", "cadre_unit", "handling", "opened_on", "window_start", "status", "verdict")
    list_filter = (UnitSubtreeFilter, "status", "verdict")
    list_select_related = ("cadre", "cadre__unit", "handling_record")
    search_fields = ("cadre__name",)
    ordering = ("-opened_on", "-id")
    inlines = (PromotionInline,)
    fields = ("cadre", "handling_record", "opened_on", "window_start", "status", "verdict", "conclusion",
              "accountability", "concluded_at", "concluded_by")
    readonly_fields = fields
    actions_detail = ["conclude_step"]

    @admin.display(description="单位", ordering="cadre__unit__path")
    def cadre_unit(self, obj: LookBack) -> str:
        return str(obj.cadre.unit)

    @admin.display(description="组织处理")
    def handling(self, obj: LookBack) -> str:
        record = obj.handling_record
        return f"{record.get_handling_type_display()}（{record.decided_on:%Y-%m-%d}）"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # opened by a 组织处理, never by hand

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_conclude_step_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        if not request.user.has_perm("selection.change_lookback"):
            return False
        if object_id is None:
            return True
        look_back = self.get_object(request, str(object_id))
        return look_back is not None and look_back.status == CheckStatus.CHECKING

    @action(description="办结倒查", url_path="conclude", permissions=["conclude_step"], icon="task_alt")
    def conclude_step(self, request: HttpRequest, object_id: Any) -> HttpResponse:
        return self.run_step(
            request, object_id, label="办结倒查", allowed=lambda lb: lb.status == CheckStatus.CHECKING,
            form_class=ConcludeForm,
            service=lambda lb, data: look_back_conclude(look_back=lb, actor=request.user, **data))
