"""Record-page steps (记录页面上的办理按钮) of 后备干部: 登记考察 and 调整出库 on a member,
年度动态调整 on a pool. Each opens a small form; the service is the one every other path
calls, so the rules and the single audit row hold here too; a refusal comes back on the
form, in Chinese."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from ..models import ExitReason, InspectionConclusion

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class InspectForm(forms.Form):
    inspected_on = forms.DateField(label="考察日期", widget=DATE_INPUT)
    conclusion = forms.ChoiceField(label="考察结论", choices=InspectionConclusion.choices)
    opinion = forms.CharField(label="考察意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ExitForm(forms.Form):
    reason = forms.ChoiceField(label="出库原因", choices=ExitReason.choices)
    exited_on = forms.DateField(label="出库日期", widget=DATE_INPUT, initial=timezone.localdate)
    note = forms.CharField(label="调整说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AdjustForm(forms.Form):
    exited_on = forms.DateField(label="出库日期", widget=DATE_INPUT, initial=timezone.localdate,
                                help_text="年龄、考核和影响期均按此日计算。")


def run_step(model_admin: Any, request: HttpRequest, object_id: Any, *, label: str,
             allowed: Callable[[Any], bool], form_class: type[forms.Form],
             service: Callable[[Any, dict[str, Any]], Any], intro: Callable[[Any, forms.Form], dict[str, Any]]
             ) -> HttpResponse:
    """Show ``form_class`` for the record; on a valid POST call ``service(obj, data)`` and go
    back to the record page, or show the refusal on the form."""
    obj = model_admin.get_object(request, str(object_id))  # scoped
    if obj is None:
        raise Http404("该记录不存在或不在您的管辖范围内。")
    if not allowed(obj):
        raise PermissionDenied
    opts = model_admin.model._meta
    page = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    form = form_class(request.POST) if request.method == "POST" else form_class()
    if request.method == "POST" and form.is_valid():
        try:
            service(obj, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            model_admin.message_user(request, f"「{obj}」已办理{label}。", messages.SUCCESS)
            return HttpResponseRedirect(page)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"{label}：{obj}",
        "subtitle": None,
        "opts": opts,
        "obj": obj,
        "form": form,
        "label": label,
        "page": page,
        "media": model_admin.media + form.media,
        **intro(obj, form),
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/reserve/step.html", context)
