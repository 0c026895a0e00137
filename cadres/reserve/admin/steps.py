"""后备干部的办理按钮: the workflow steps on a record's own page, declared with
``orgwork.admin_steps.RecordStep`` — 登记考察 and 调整出库 on a member, 年度动态调整 on a
pool. Each calls the same service as the list's batch action (``..services``), so its
rules and its single audit row hold here too; a refusal comes back on the form, in Chinese."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from orgwork.admin_steps import RecordStep
from orgwork.common import dates

from ..models import ExitReason, InspectionConclusion, MemberStatus, ReserveMember, ReservePool
from ..selectors import adjustment_proposals
from ..services import reserve_adjust, reserve_exit, reserve_inspect

DATE_INPUT = forms.DateInput(attrs={"type": "date"})
PERMISSION = "reserve.change_reservemember"  # the one every reserve service requires


class InspectForm(forms.Form):
    inspected_on = dates.DateFormField(label="考察日期", widget=DATE_INPUT)
    conclusion = forms.ChoiceField(label="考察结论", choices=InspectionConclusion.choices)
    opinion = forms.CharField(label="考察意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ExitForm(forms.Form):
    reason = forms.ChoiceField(label="出库原因", choices=ExitReason.choices)
    exited_on = dates.DateFormField(label="出库日期", widget=DATE_INPUT, initial=timezone.localdate)
    note = forms.CharField(label="调整说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AdjustForm(forms.Form):
    exited_on = dates.DateFormField(label="出库日期", widget=DATE_INPUT, initial=timezone.localdate,
                                help_text="年龄、考核和影响期均按此日计算。")


# ---------------------------------------------------------------- 后备干部


def _inspect(member: ReserveMember, actor: Any, data: dict[str, Any]) -> Any:
    return reserve_inspect(member=member, inspected_on=data["inspected_on"], conclusion=data["conclusion"],
                           opinion=data["opinion"], actor=actor)


def _exit(member: ReserveMember, actor: Any, data: dict[str, Any]) -> Any:
    return reserve_exit(member=member, reason=data["reason"], exited_on=data["exited_on"], note=data["note"],
                        actor=actor)


MEMBER_STEPS = (
    RecordStep(name="inspect_step", label="登记考察", permission=PERMISSION, icon="fact_check",
               applies=lambda m: m.status == MemberStatus.RECOMMENDED, run=_inspect, form=InspectForm,
               refusal_fields={"inspection_conclusion": "conclusion"},
               summary=lambda m: f"{m.cadre.name}于{m.recommended_on:%Y-%m-%d}由{m.recommended_by}推荐进入"
                                 f"{m.pool}。考察合格即入库（名额{m.pool.quota}名）。"),
    RecordStep(name="exit_step", label="调整出库", permission=PERMISSION, icon="logout",
               applies=lambda m: m.status == MemberStatus.IN_POOL, run=_exit, form=ExitForm,
               refusal_fields={"exit_reason": "reason", "exit_note": "note"},
               summary=lambda m: f"{m.cadre.name}于{m.entered_on:%Y-%m-%d}进入{m.pool}，将调整出库。"),
)


# ---------------------------------------------------------------- 后备干部库


def _adjust(pool: ReservePool, actor: Any, data: dict[str, Any]) -> Any:
    return reserve_adjust(pool=pool, actor=actor, on=data["exited_on"], exited_on=data["exited_on"])


def _proposals(pool: ReservePool, form: forms.Form) -> str:
    """The members the adjustment will take out, by the date on the form (today at first)."""
    on: datetime.date = (form.cleaned_data["exited_on"] if form.is_bound and form.is_valid()
                         else timezone.localdate())
    proposals = adjustment_proposals(pool, on=on)
    if not proposals:
        return format_html("<p>按{}计算，库中没有超过年龄上限、考核基本称职或不称职、处于影响期的干部，无需调整。</p>",
                           f"{on:%Y-%m-%d}")
    rows = format_html_join(
        "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        ((p.member.cadre.name, p.member.cadre.unit, f"{p.member.cadre.birth_month:%Y.%m}", p.reason_label,
          p.explanation) for p in proposals))
    return format_html('<table class="reserve-proposals"><thead><tr><th>姓名</th><th>单位</th><th>出生年月</th>'
                       "<th>出库原因</th><th>依据</th></tr></thead><tbody>{}</tbody></table>", rows)


POOL_STEPS = (
    RecordStep(name="adjust_step", label="年度动态调整", verb="办理年度动态调整", permission=PERMISSION,
               icon="manage_accounts", applies=lambda pool: True, run=_adjust, form=AdjustForm,
               summary=lambda pool: f"{pool}（在库{pool.in_pool}名，名额{pool.quota}名，年龄上限{pool.age_limit}岁）"
                                    f"拟调整出库的干部如下，确认后逐一登记出库：",
               details=_proposals),
)
