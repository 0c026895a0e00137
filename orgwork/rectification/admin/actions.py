"""Workflow buttons (批量操作) of the item changelist.

Each action calls one service per selected item, collects the refusals and ends with
one summary message. Steps that need a reason or evidence first show a form page; the
same page comes back with the errors until the form is valid.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.template.response import TemplateResponse

from orgwork.admin_actions import batch_summary, refusal

from .. import transitions as T
from ..services import STEP_SERVICES
from .forms import ApprovalForm, ClosureRequestForm, ExtendForm, ReasonForm


class WorkflowActionsMixin:
    """Needs ``self`` to be a ModelAdmin; the permission hooks name the custom permissions."""

    def has_request_closure_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(T.REQUEST_CLOSURE.permission)

    def has_approve_closure_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(T.APPROVE.permission)

    def has_reopen_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(T.REOPEN.permission)

    def has_extend_deadline_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(T.EXTEND.permission)

    def run_step(self, request: HttpRequest, queryset: models.QuerySet[Any], step: str, **kwargs: Any) -> None:
        transition = T.TRANSITIONS[step]
        service = STEP_SERVICES[step]
        done = 0
        failures: list[str] = []
        # The changelist's queryset is already scoped: forged ids of other units never get here.
        for item in queryset.order_by("pk"):
            try:
                service(item=item, actor=request.user, **kwargs)
                done += 1
            except ValidationError as error:
                failures.append(refusal(item, error))
        if done == 0 and not failures:
            self.message_user(request, f"{transition.label}：没有可办理的事项（所选事项不存在或不在您的管辖范围内）。",
                              messages.WARNING)
            return
        text = batch_summary(transition.label, done, failures, unit="项")
        level = messages.SUCCESS if not failures else (messages.WARNING if done else messages.ERROR)
        self.message_user(request, text, level)

    def step_with_form(self, request: HttpRequest, queryset: models.QuerySet[Any], step: str,
                       form_class: type[forms.Form], action_name: str) -> TemplateResponse | None:
        if "apply" in request.POST:
            form = form_class(request.POST)
            if form.is_valid():
                self.run_step(request, queryset, step, **form.cleaned_data)
                return None
        else:
            form = form_class()
        opts = self.model._meta
        transition = T.TRANSITIONS[step]
        items = list(queryset.order_by("pk")[:200])
        context = {
            **self.admin_site.each_context(request),
            "title": f"{transition.label}（共 {queryset.count()} 项）",
            "subtitle": None,
            "opts": opts,
            "form": form,
            "items": items,
            "action_name": action_name,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "selected_ids": [str(pk) for pk in queryset.values_list("pk", flat=True)],
            "transition": transition,
            "media": self.media + form.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/rectification/action_form.html", context)

    @admin.action(description="开始整改", permissions=["change"])
    def start_action(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        self.run_step(request, queryset, T.START.name)

    @admin.action(description="申请销号", permissions=["request_closure"])
    def request_closure_action(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> TemplateResponse | None:
        return self.step_with_form(request, queryset, T.REQUEST_CLOSURE.name, ClosureRequestForm,
                                   "request_closure_action")

    @admin.action(description="审核通过，予以销号", permissions=["approve_closure"])
    def approve_action(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> TemplateResponse | None:
        return self.step_with_form(request, queryset, T.APPROVE.name, ApprovalForm, "approve_action")

    @admin.action(description="退回整改", permissions=["approve_closure"])
    def send_back_action(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> TemplateResponse | None:
        return self.step_with_form(request, queryset, T.SEND_BACK.name, ReasonForm, "send_back_action")

    @admin.action(description="回头看：重新挂账", permissions=["reopen"])
    def reopen_action(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> TemplateResponse | None:
        return self.step_with_form(request, queryset, T.REOPEN.name, ReasonForm, "reopen_action")

    @admin.action(description="延期（调整整改时限）", permissions=["extend_deadline"])
    def extend_action(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> TemplateResponse | None:
        return self.step_with_form(request, queryset, T.EXTEND.name, ExtendForm, "extend_action")
