"""Workflow steps on a record's own page (办理按钮), as the rectification items have them:
each step is a button at the top of the record page (unfold's ``actions_detail``) that
opens a small form; the service is the same one every other path calls, and a refusal
comes back on the form, in Chinese."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse


class RecordStepsMixin:
    """Needs ``self`` to be the record's ModelAdmin (unfold's, for ``actions_detail``)."""

    def run_step(self, request: HttpRequest, object_id: Any, *, label: str, allowed: Callable[[Any], bool],
                 form_class: type[forms.Form] | None, service: Callable[[Any, dict[str, Any]], Any]) -> HttpResponse:
        obj = self.get_object(request, str(object_id))  # type: ignore[attr-defined]  # scoped
        if obj is None:
            raise Http404("该记录不存在或不在您的管辖范围内。")
        if not allowed(obj):
            raise PermissionDenied
        opts = self.model._meta  # type: ignore[attr-defined]
        page = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        form = None
        if form_class is not None:
            form = form_class(request.POST) if request.method == "POST" else form_class()
        if request.method == "POST" and (form is None or form.is_valid()):
            try:
                service(obj, form.cleaned_data if form is not None else {})
            except ValidationError as error:
                if form is None:
                    self.message_user(request, f"{label}未办理：{'；'.join(error.messages)}",  # type: ignore[attr-defined]
                                      messages.ERROR)
                    return HttpResponseRedirect(page)
                if hasattr(error, "error_dict"):
                    for field, errs in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errs)
                else:
                    form.add_error(None, error.messages)
            else:
                self.message_user(request, f"「{obj}」已{label}。", messages.SUCCESS)  # type: ignore[attr-defined]
                return HttpResponseRedirect(page)
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": f"{label}：{obj}",
            "subtitle": None,
            "opts": opts,
            "obj": obj,
            "form": form,
            "label": label,
            "page": page,
            "media": self.media + (form.media if form else forms.Media()),  # type: ignore[attr-defined]
        }
        request.current_app = self.admin_site.name  # type: ignore[attr-defined]
        return TemplateResponse(request, "admin/selection/step.html", context)
