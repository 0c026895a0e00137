"""Workflow steps on the item's own page (事项页面上的办理按钮).

Each step the item's state allows, and the user's role may take, is a button at the top
of the record page (unfold's ``actions_detail``): 开始整改, 申请销号, 销号, 退回, 回头看,
延期. A step that needs a reason, an account or a new deadline opens its small form; the
service is the same one the list's batch actions call, so every rule and the single
audit row hold here too. A refusal comes back on the form, in Chinese.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from unfold.decorators import action

from .. import transitions as T
from ..services import STEP_SERVICES
from .forms import ApprovalForm, ClosureRequestForm, ExtendForm, ReasonForm

STEP_FORMS: dict[str, type[forms.Form] | None] = {
    T.START.name: None,
    T.REQUEST_CLOSURE.name: ClosureRequestForm,
    T.APPROVE.name: ApprovalForm,
    T.SEND_BACK.name: ReasonForm,
    T.REOPEN.name: ReasonForm,
    T.EXTEND.name: ExtendForm,
}


class ItemPageStepsMixin:
    """Needs ``self`` to be the item's ModelAdmin (unfold's, for ``actions_detail``)."""

    actions_detail = ["start_step", "request_closure_step", "approve_step", "send_back_step", "reopen_step",
                      "extend_step"]

    def _step_allowed(self, request: HttpRequest, object_id: Any, step: str) -> bool:
        transition = T.TRANSITIONS[step]
        if not request.user.has_perm(transition.permission):
            return False
        if object_id is None:
            return True
        item = self.get_object(request, str(object_id))  # type: ignore[attr-defined]  # scoped
        return item is not None and item.state in transition.sources

    def has_start_step_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        return self._step_allowed(request, object_id, T.START.name)

    def has_request_closure_step_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        return self._step_allowed(request, object_id, T.REQUEST_CLOSURE.name)

    def has_approve_step_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        return self._step_allowed(request, object_id, T.APPROVE.name)

    def has_send_back_step_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        return self._step_allowed(request, object_id, T.SEND_BACK.name)

    def has_reopen_step_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        return self._step_allowed(request, object_id, T.REOPEN.name)

    def has_extend_step_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        return self._step_allowed(request, object_id, T.EXTEND.name)

    def take_step(self, request: HttpRequest, object_id: Any, step: str) -> HttpResponse:
        item = self.get_object(request, str(object_id))  # type: ignore[attr-defined]
        if item is None:
            raise Http404("该整改事项不存在或不在您的管辖范围内。")
        if not self._step_allowed(request, object_id, step):
            raise PermissionDenied
        transition = T.TRANSITIONS[step]
        page = reverse("admin:rectification_rectificationitem_change", args=[item.pk])
        form_class = STEP_FORMS[step]
        form = form_class(request.POST) if form_class is not None and request.method == "POST" else (
            form_class() if form_class is not None else None)
        if request.method == "POST" and (form is None or form.is_valid()):
            try:
                STEP_SERVICES[step](item=item, actor=request.user, **(form.cleaned_data if form else {}))
            except ValidationError as error:
                if form is None:
                    self.message_user(request, f"{transition.label}未办理：{'；'.join(error.messages)}",  # type: ignore[attr-defined]
                                      messages.ERROR)
                    return HttpResponseRedirect(page)
                form.add_error(None, error.messages)
            else:
                self.message_user(request, f"「{item}」已{transition.label}。", messages.SUCCESS)  # type: ignore[attr-defined]
                return HttpResponseRedirect(page)
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": f"{transition.label}：{item}",
            "subtitle": None,
            "opts": self.model._meta,  # type: ignore[attr-defined]
            "item": item,
            "form": form,
            "transition": transition,
            "page": page,
            "media": self.media + (form.media if form else forms.Media()),  # type: ignore[attr-defined]
        }
        request.current_app = self.admin_site.name  # type: ignore[attr-defined]
        return TemplateResponse(request, "admin/rectification/item_step.html", context)

    @action(description="开始整改", url_path="start", permissions=["start_step"], icon="play_arrow")
    def start_step(self, request: HttpRequest, object_id: Any) -> HttpResponse:
        return self.take_step(request, object_id, T.START.name)

    @action(description="申请销号", url_path="request-closure", permissions=["request_closure_step"],
            icon="outbox")
    def request_closure_step(self, request: HttpRequest, object_id: Any) -> HttpResponse:
        return self.take_step(request, object_id, T.REQUEST_CLOSURE.name)

    @action(description="销号", url_path="approve", permissions=["approve_step"], icon="task_alt")
    def approve_step(self, request: HttpRequest, object_id: Any) -> HttpResponse:
        return self.take_step(request, object_id, T.APPROVE.name)

    @action(description="退回", url_path="send-back", permissions=["send_back_step"], icon="undo")
    def send_back_step(self, request: HttpRequest, object_id: Any) -> HttpResponse:
        return self.take_step(request, object_id, T.SEND_BACK.name)

    @action(description="回头看", url_path="reopen", permissions=["reopen_step"], icon="history")
    def reopen_step(self, request: HttpRequest, object_id: Any) -> HttpResponse:
        return self.take_step(request, object_id, T.REOPEN.name)

    @action(description="延期", url_path="extend", permissions=["extend_step"], icon="event")
    def extend_step(self, request: HttpRequest, object_id: Any) -> HttpResponse:
        return self.take_step(request, object_id, T.EXTEND.name)
