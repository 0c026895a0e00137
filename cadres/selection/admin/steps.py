"""选人用人监督的办理按钮: the workflow steps on each record's own page.

Declared with ``orgwork.admin_steps.RecordStep``: each calls the same service as every
other path (``..services``), so its rules and its single audit row hold here too, and a
refusal comes back on the step's form, in Chinese.

- 离任检查: 登记检查发现 (a problem goes on the rectification checklist), 办结检查.
- 带病提拔倒查: 办结倒查 (verdict, findings, 追责问责).
"""

from __future__ import annotations

from typing import Any

from django import forms

from orgwork.admin_steps import RecordStep

from ..models import CheckStatus, DepartureCheck, LookBack, LookBackVerdict
from ..services import departure_add_finding, departure_check_conclude, look_back_conclude


def _checking(record: DepartureCheck | LookBack) -> bool:
    return record.status == CheckStatus.CHECKING


# ---------------------------------------------------------------- 离任检查


class FindingForm(forms.Form):
    description = forms.CharField(label="发现情况", widget=forms.Textarea(attrs={"rows": 3}))
    is_problem = forms.BooleanField(label="属于问题（列入整改清单）", required=False)


DEPARTURE_CHECK_STEPS = (
    RecordStep(name="add_finding_step", label="登记检查发现", permission="selection.change_departurecheck",
               applies=_checking, form=FindingForm, icon="add_comment",
               run=lambda check, actor, data: departure_add_finding(
                   check=check, description=data["description"], is_problem=data["is_problem"], actor=actor)),
    RecordStep(name="conclude_step", label="办结检查", permission="selection.change_departurecheck",
               applies=_checking, icon="task_alt",
               run=lambda check, actor, data: departure_check_conclude(check=check, actor=actor)),
)


def departure_check_timeline(check: DepartureCheck) -> list[Any]:
    return [check, *check.findings.order_by("pk")]


# ---------------------------------------------------------------- 带病提拔倒查


class ConcludeForm(forms.Form):
    verdict = forms.ChoiceField(label="倒查结论", choices=LookBackVerdict.choices)
    conclusion = forms.CharField(label="倒查情况", widget=forms.Textarea(attrs={"rows": 4}))
    accountability = forms.CharField(label="追责问责情况", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                     help_text="属于带病提拔的必填：对动议、考察、审查把关失察失误者的追责问责。")


LOOK_BACK_STEPS = (
    RecordStep(name="conclude_step", label="办结倒查", permission="selection.change_lookback",
               applies=_checking, form=ConcludeForm, icon="task_alt",
               run=lambda look_back, actor, data: look_back_conclude(look_back=look_back, actor=actor, **data)),
)
