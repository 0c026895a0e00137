"""Workflow steps on the item's own page (事项页面上的办理按钮).

Each step the item's state allows, and the user's role may take, is a button at the top
of the record page (``orgwork.admin_steps``): 开始整改, 申请销号, 销号, 退回, 回头看,
延期. A step that needs a reason, an account or a new deadline opens its small form; the
service is the same one the list's batch actions call, so every rule and the single
audit row hold here too. A refusal comes back on the form, in Chinese.

The reviewer's steps, 销号 and 退回, show only to a user who may review the request
(:func:`orgwork.rectification.rules.review_refusal`: neither its requester nor the
responsible unit of an item on a checklist issued above it); their address typed by
anyone else leads back to the item's page with the rule's reason.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from orgwork.admin_steps import RecordStep, RecordStepsMixin

from .. import rules
from .. import transitions as T
from ..models import RectificationItem
from ..services import STEP_SERVICES
from .forms import ApprovalForm, ClosureRequestForm, ExtendForm, ReasonForm


def _summary(item: RectificationItem) -> str:
    deadline = f"；整改时限：{item.deadline:%Y-%m-%d}" if item.deadline else ""
    return f"整改事项「{item}」（责任单位：{item.responsible_unit}；当前状态：{item.get_state_display()}{deadline}）"


def _step(transition: T.Transition, label: str, form: type[forms.Form] | None, url_path: str,
          icon: str) -> RecordStep:
    service = STEP_SERVICES[transition.name]

    def run(item: RectificationItem, actor: Any, data: dict[str, Any]) -> Any:
        return service(item=item, actor=actor, **data)

    return RecordStep(
        name=f"{transition.name}_step", label=label, verb=transition.label, permission=transition.permission,
        applies=lambda item: item.state in transition.sources, run=run, form=form, url_path=url_path, icon=icon,
        summary=lambda item: f"{_summary(item)}将办理「{transition.label}」。",
    )


class ItemPageStepsMixin(RecordStepsMixin):
    record_steps = (
        _step(T.START, "开始整改", None, "start", "play_arrow"),
        _step(T.REQUEST_CLOSURE, "申请销号", ClosureRequestForm, "request-closure", "outbox"),
        _step(T.APPROVE, "销号", ApprovalForm, "approve", "task_alt"),
        _step(T.SEND_BACK, "退回", ReasonForm, "send-back", "undo"),
        _step(T.REOPEN, "回头看", ReasonForm, "reopen", "history"),
        _step(T.EXTEND, "延期", ExtendForm, "extend", "event"),
    )

    def review_refused(self, request: HttpRequest, record: Any, step: RecordStep) -> str | None:
        """Why the user may not take the reviewer's ``step`` on ``record`` (谁交办谁销号), or None."""
        transition = _REVIEW_STEPS.get(step.name)
        if transition is None or record is None or record.state not in transition.sources:
            return None
        return rules.review_refusal(item=record, actor=request.user, step=transition.label)

    def step_allowed(self, request: HttpRequest, record: Any, step: RecordStep) -> bool:
        return (super().step_allowed(request, record, step)
                and self.review_refused(request, record, step) is None)

    def take_step(self, request: HttpRequest, object_id: Any, step: RecordStep) -> HttpResponse:
        record = self.step_record(request, object_id, step)
        if record is not None and self.holds_step_right(request, step):
            if refused := self.review_refused(request, record, step):
                self.message_user(request, refused, messages.WARNING)  # type: ignore[attr-defined]
                return HttpResponseRedirect(self.record_page(record))
        return super().take_step(request, object_id, step)


_REVIEW_STEPS = {f"{t.name}_step": t for t in (T.APPROVE, T.SEND_BACK)}
