"""干部监督的办理按钮: the workflow steps on each record's own page.

Declared with ``orgwork.admin_steps.RecordStep``: each calls the same service as the
list's batch action (``..services``), so its rules and its audit row hold here too.

- 凡提四必 case: 登记核查结果 (one of the four checks, with evidence), 审查通过, 终止审查.
- Spot check: 登记核查结果, 处理完毕, 开立整改事项.
- File audit: 审核完成, 查结.
- Travel document: 借出, 交还, 注销; a loan: 交还.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from orgwork.admin_steps import RecordStep

from ..models import (
    DISCREPANCIES,
    FileAudit,
    FileAuditStatus,
    SpotCheck,
    SpotCheckOutcome,
    TravelDocument,
    TravelDocumentStatus,
    VettingCase,
    VettingResult,
    VettingStatus,
)
from ..services import (
    file_audit_complete,
    file_audit_resolve,
    spot_check_open_rectification,
    spot_check_record_outcome,
    spot_check_resolve,
    travel_document_cancel,
    travel_document_lend,
    travel_document_return,
    vetting_clear,
    vetting_record_check,
    vetting_terminate,
)


def day_field(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, initial=timezone.localdate if required else None,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def text_field(label: str, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}))


class ReasonStepForm(forms.Form):
    reason = text_field("原因")


# ---------------------------------------------------------------- 凡提四必


class VettingCheckStepForm(forms.Form):
    """登记核查结果: one of the case's four checks, its result and the evidence."""

    check = forms.TypedChoiceField(label="核查事项", coerce=int)
    result = forms.ChoiceField(label="核查结果",
                               choices=[c for c in VettingResult.choices if c[0] != VettingResult.PENDING])
    checked_on = day_field("核查日期")
    handler = forms.CharField(label="经办人", max_length=50)
    conclusion = text_field("核查情况", required=False)
    evidence = forms.FileField(label="佐证材料", required=False)

    def __init__(self, *args: Any, case: VettingCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checks = {check.pk: check for check in case.checks.order_by("pk")}
        self.fields["check"].choices = [(pk, str(check)) for pk, check in self.checks.items()]
        pending = [pk for pk, check in self.checks.items() if check.result == VettingResult.PENDING]
        if pending:
            self.fields["check"].initial = pending[0]

    def clean_check(self) -> Any:
        return self.checks[self.cleaned_data["check"]]


def _record_check(case: VettingCase, actor: Any, data: dict[str, Any]) -> Any:
    return vetting_record_check(check=data["check"], result=data["result"], checked_on=data["checked_on"],
                                handler=data["handler"], conclusion=data["conclusion"],
                                evidence=data.get("evidence") or None, actor=actor)


def _reviewing(case: VettingCase) -> bool:
    return case.status == VettingStatus.REVIEWING


VETTING_STEPS = (
    RecordStep(name="record_check_step", label="登记核查结果", permission="supervision.change_vettingcheck",
               applies=_reviewing, run=_record_check, form=VettingCheckStepForm, icon="fact_check",
               form_kwargs=lambda case: {"case": case}),
    RecordStep(name="clear_step", label="审查通过", permission="supervision.change_vettingcase",
               applies=_reviewing, run=lambda case, actor, data: vetting_clear(case=case, actor=actor),
               icon="verified"),
    RecordStep(name="terminate_step", label="终止审查", permission="supervision.change_vettingcase",
               applies=_reviewing, form=ReasonStepForm, icon="block",
               run=lambda case, actor, data: vetting_terminate(case=case, reason=data["reason"], actor=actor)),
)


# ---------------------------------------------------------------- 个人有关事项抽查


class OutcomeStepForm(forms.Form):
    outcome = forms.ChoiceField(label="核查结果",
                                choices=[c for c in SpotCheckOutcome.choices if c[0] != SpotCheckOutcome.PENDING])
    checked_on = day_field("核查日期")
    findings = text_field("核查情况", required=False)
    handling = text_field("处理情况", required=False)


class ResolveStepForm(forms.Form):
    resolved_on = day_field("处理完毕日期")
    handling = text_field("处理情况")


class RectificationDeadlineForm(forms.Form):
    deadline = day_field("整改时限", required=False)


def _discrepancy(check: SpotCheck) -> bool:
    return check.outcome in DISCREPANCIES


SPOT_CHECK_STEPS = (
    RecordStep(name="record_outcome_step", label="登记核查结果", permission="supervision.change_spotcheck",
               applies=lambda check: check.outcome == SpotCheckOutcome.PENDING, form=OutcomeStepForm,
               icon="fact_check",
               run=lambda check, actor, data: spot_check_record_outcome(
                   check=check, outcome=data["outcome"], checked_on=data["checked_on"], findings=data["findings"],
                   handling=data["handling"], actor=actor)),
    RecordStep(name="resolve_step", label="处理完毕", permission="supervision.change_spotcheck",
               applies=lambda check: _discrepancy(check) and check.resolved_on is None, form=ResolveStepForm,
               icon="task_alt",
               run=lambda check, actor, data: spot_check_resolve(
                   check=check, resolved_on=data["resolved_on"], handling=data["handling"], actor=actor)),
    RecordStep(name="open_rectification_step", label="开立整改事项", permission="supervision.change_spotcheck",
               applies=_discrepancy, form=RectificationDeadlineForm, icon="playlist_add", verb="开立整改事项（挂账）",
               run=lambda check, actor, data: spot_check_open_rectification(
                   check=check, deadline=data["deadline"], actor=actor)),
)


# ---------------------------------------------------------------- 干部档案专项审核


class FileResolveStepForm(forms.Form):
    resolved_on = day_field("查结日期")
    resolution = text_field("查核结论")


FILE_AUDIT_STEPS = (
    RecordStep(name="complete_step", label="审核完成", permission="supervision.change_fileaudit",
               applies=lambda audit: audit.status == FileAuditStatus.AUDITING, icon="task_alt",
               run=lambda audit, actor, data: file_audit_complete(audit=audit, actor=actor)),
    RecordStep(name="resolve_step", label="查结", verb="查结并解除暂缓", permission="supervision.change_fileaudit",
               applies=lambda audit: audit.status == FileAuditStatus.SUSPECTED, form=FileResolveStepForm,
               icon="gavel",
               run=lambda audit, actor, data: file_audit_resolve(
                   audit=audit, resolution=data["resolution"], resolved_on=data["resolved_on"], actor=actor)),
)


# ---------------------------------------------------------------- 因私出入境证件


class LendStepForm(forms.Form):
    lent_on = day_field("借出日期")
    due_on = day_field("应交还日期")
    purpose = forms.CharField(label="事由及目的地", max_length=200)
    approved_by = forms.CharField(label="审批人", max_length=50)


class ReturnStepForm(forms.Form):
    returned_on = day_field("交还日期")


def _return(document: TravelDocument, actor: Any, data: dict[str, Any]) -> Any:
    return travel_document_return(document=document, returned_on=data["returned_on"], actor=actor)


TRAVEL_DOCUMENT_STEPS = (
    RecordStep(name="lend_step", label="借出", permission="supervision.add_traveldocumentloan",
               applies=lambda doc: doc.status == TravelDocumentStatus.IN_CUSTODY, form=LendStepForm,
               icon="outbox",
               run=lambda doc, actor, data: travel_document_lend(document=doc, actor=actor, **data)),
    RecordStep(name="return_step", label="交还", verb="交还入库", permission="supervision.change_traveldocumentloan",
               applies=lambda doc: doc.status == TravelDocumentStatus.LENT, form=ReturnStepForm, icon="move_to_inbox",
               run=_return),
    RecordStep(name="cancel_step", label="注销", verb="注销证件", permission="supervision.change_traveldocument",
               applies=lambda doc: doc.status == TravelDocumentStatus.IN_CUSTODY, form=ReasonStepForm, icon="block",
               run=lambda doc, actor, data: travel_document_cancel(document=doc, reason=data["reason"], actor=actor)),
)

LOAN_STEPS = (
    RecordStep(name="return_step", label="交还", verb="交还入库", permission="supervision.change_traveldocumentloan",
               applies=lambda loan: loan.returned_on is None, form=ReturnStepForm, icon="move_to_inbox",
               run=lambda loan, actor, data: _return(loan.document, actor, data)),
)


def vetting_timeline(case: VettingCase) -> list[Any]:
    return [case, *case.checks.order_by("pk")]


def document_timeline(document: TravelDocument) -> list[Any]:
    return [document, *document.loans.order_by("pk")]


def file_audit_timeline(audit: FileAudit) -> list[Any]:
    return [audit, *audit.findings.order_by("pk")]
