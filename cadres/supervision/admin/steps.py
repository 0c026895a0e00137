"""干部监督的办理按钮: the workflow steps on each record's own page.

Declared with ``orgwork.admin_steps.RecordStep``: each calls the same service as the
list's batch action (``..services``), so its rules and its audit row hold here too.

- 凡提四必 case: 登记核查结果 (one of the four checks, with evidence), 审查通过, 终止审查.
- Spot-check draw: 补充抽取 (replacing drawn cadres who cannot be verified, or an
  expansion ordered by a higher level).
- Spot check: 登记核查结果, 处理完毕, 开立整改事项.
- File audit: 审核完成, 查结.
- Travel document: 借出, 交还, 注销; a loan: 交还.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import F
from django.utils import timezone

from orgwork.admin_steps import RecordStep
from orgwork.common import dates
from orgwork.common.numbers import PlainIntegerField

from ..models import (
    DISCREPANCIES,
    FileAudit,
    FileAuditStatus,
    SpotCheck,
    SpotCheckDraw,
    SpotCheckOutcome,
    SpotCheckSelection,
    SupplementReason,
    TravelDocument,
    TravelDocumentStatus,
    UnverifiableReason,
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
    spot_check_supplement,
    supplement_population,
    travel_document_cancel,
    travel_document_lend,
    travel_document_return,
    vetting_clear,
    vetting_record_check,
    vetting_terminate,
)


def day_field(label: str, required: bool = True) -> forms.DateField:
    return dates.DateFormField(label=label, required=required, initial=timezone.localdate if required else None,
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


class SupplementStepForm(forms.Form):
    """补充抽取: the reason, the 说明, and for 无法核查 one choice per drawn cadre still to be
    checked (left at 继续核查, or the reason the cadre cannot be verified). No 随机种子: the
    system generates and records it."""

    reason = forms.ChoiceField(label="补抽原因", choices=[("", "请选择"), *SupplementReason.choices])
    explanation = text_field("说明")
    count = PlainIntegerField(label="补抽人数", required=False, min_value=1,
                               help_text="替换无法核查人员的，留空即按被替换人数补抽；扩大抽查的须填写。")
    ordered_by = forms.CharField(label="要求单位", max_length=100, required=False,
                                 help_text="上级要求扩大抽查比例的填写，如：中共甘肃省委组织部。")
    order_document = forms.CharField(label="要求文号", max_length=100, required=False,
                                     help_text="上级要求扩大抽查比例的填写，如：甘组通〔2026〕8号。")
    approved_by = forms.CharField(label="批准领导或机构", max_length=100, required=False,
                                  help_text="有人员因长期病假或其他原因无法核查的填写，如：县委组织部部务会。")
    approval_document = forms.CharField(label="批准文号或批示", max_length=200, required=False,
                                        help_text="如：城组函〔2026〕3号，或“同意。张明 2026.4.2”的批示。")

    def __init__(self, *args: Any, draw: SpotCheckDraw, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pending = (draw.checks.filter(selection=SpotCheckSelection.RANDOM, outcome=SpotCheckOutcome.PENDING)
                   .select_related("cadre", "cadre__unit", "supplement")
                   .order_by(F("supplement__sequence").asc(nulls_first=True), "cadre_id"))
        self.replaceable = {f"replace_{check.pk}": check for check in pending}
        for name, check in self.replaceable.items():
            self.fields[name] = forms.ChoiceField(
                label=f"{check.cadre.name}（{check.cadre.unit}，{check.round_label}）", required=False,
                choices=[("", "继续核查"), *UnverifiableReason.choices])


def _supplement(draw: SpotCheckDraw, actor: Any, data: dict[str, Any]) -> Any:
    replaced = {int(name.removeprefix("replace_")): value for name, value in data.items()
                if name.startswith("replace_") and value}
    return spot_check_supplement(draw=draw, reason=data["reason"], explanation=data["explanation"],
                                 replaced=replaced, count=data.get("count"),
                                 ordered_by=data.get("ordered_by", ""), order_document=data.get("order_document", ""),
                                 approved_by=data.get("approved_by", ""),
                                 approval_document=data.get("approval_document", ""), actor=actor)


def _draw_summary(draw: SpotCheckDraw) -> str:
    rounds = draw.supplements.count()
    drawn = f"已抽取{draw.checks.count()}人" + (f"（含{rounds}次补充抽取）" if rounds else "")
    return (f"「{draw}」：总体{draw.population_size}人，{drawn}，尚未抽取{len(supplement_population(draw))}人。"
            "补充抽取只从尚未抽取的人员中抽取，抽取结果与原抽取分开记录。所抽人员无法核查的，"
            "在表单下方的待核查人员中选择其无法核查的原因（其余保持「继续核查」），补抽人数与被替换人数相同；"
            "被替换的人员保留在抽查记录中，标为「无法核查」。以调离、退休、去世为由的，须先在干部信息中登记"
            "（状态、单位或任职）；以长期病假或其他为由的，须填写批准的领导或机构及批准文号或批示；"
            "补充抽取抽中的人员不能再以「其他」为由替换。")


DRAW_STEPS = (
    RecordStep(name="supplement_step", label="补充抽取", permission="supervision.add_spotcheckdraw",
               applies=lambda draw: draw.drawn_at is not None, form=SupplementStepForm, icon="person_add",
               form_kwargs=lambda draw: {"draw": draw}, summary=_draw_summary,
               run=_supplement,
               done_note=lambda supplement: (f"第{supplement.sequence}次补充抽取{supplement.count}人"
                                             f"（种子{supplement.seed}）")),
)


class OutcomeStepForm(forms.Form):
    outcome = forms.ChoiceField(label="核查结果",
                                choices=[c for c in SpotCheckOutcome.choices
                                         if c[0] not in (SpotCheckOutcome.PENDING, SpotCheckOutcome.UNVERIFIABLE)])
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
