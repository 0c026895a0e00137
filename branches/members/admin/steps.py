"""党员, 发展党员 and 组织关系转接: the steps on a record's own page (记录页面上的办理按钮), declared
with :class:`orgwork.admin_steps.RecordStep`, and the small forms they share with the
lists' batch actions. A button shows only at the stage where its step applies (谈话 for an
applicant not yet talked to, 上级党委审批 for a 预备党员 not yet approved, …); each calls
the same service as the batch action, so every time rule, the exceptions with their
reason and the single audit row hold on this path too, and a refusal comes back on the
form in Chinese."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from branches.models import OrgKind, PartyOrganisation
from orgwork.admin_steps import RecordStep
from orgwork.admin_widgets import KeyCheckedAutocompleteSelect
from orgwork.common import dates
from orgwork.common.numbers import PlainDecimalField, PlainIntegerField
from orgwork.units.scope import scope_queryset

from .. import rules, selectors, services
from ..models import BEFORE_VOTE, Applicant, Member, MemberCategory, MemberStatus, Stage, Transfer, TransferState
from .common import ReasonForm, branch_label, branches_for, day_form, member_label

APPLICANT = "members.change_applicant"  # the permission every 发展党员 service requires
TRANSFER = "members.change_transfer"


class ApproveForm(forms.Form):
    day = dates.DateFormField(label="上级党委审批日期", initial=dates.today, help_text="支部大会通过后三个月内。")
    late_reason = forms.CharField(label="审批逾期原因", max_length=200, required=False,
                                  help_text="支部大会通过三个月后才审批的，必须填写。")


class TalkForm(forms.Form):
    day = dates.DateFormField(label="谈话日期", initial=dates.today)
    late_reason = forms.CharField(label="逾期谈话原因", max_length=200, required=False,
                                  help_text="收到入党申请书一个月后才谈话的，必须填写。")


class ContactField(forms.ModelChoiceField):
    """A 培养联系人, picked by name or ID number (a county holds tens of thousands of
    members) and named so that namesakes can be told apart: 何国庆（城关区第1党支部，尾号016X）."""

    def __init__(self, name: str, **kwargs: Any) -> None:
        super().__init__(queryset=Member.objects.none(),
                         widget=KeyCheckedAutocompleteSelect(Applicant._meta.get_field(name), admin.site), **kwargs)

    def label_from_instance(self, obj: Member) -> str:
        return member_label(obj)


class ActivistForm(forms.Form):
    day = dates.DateFormField(label="支部委员会决定日期", initial=dates.today)
    contact_1 = ContactField("contact_1", label="培养联系人一")
    contact_2 = ContactField("contact_2", label="培养联系人二", required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        """A contact is a 正式党员 on the roll in the clerk's jurisdiction, as the service
        accepts; the autocomplete offers those (``MemberAdmin.get_search_results``)."""
        super().__init__(*args, **kwargs)
        full = scope_queryset(Member.objects.filter(category=MemberCategory.FULL, status=MemberStatus.ACTIVE), user)
        self.fields["contact_1"].queryset = self.fields["contact_2"].queryset = full.select_related("branch__unit")


class ReviewForm(forms.Form):
    day = dates.DateFormField(label="考察日期", initial=dates.today)
    summary = forms.CharField(label="考察意见", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class CandidateForm(forms.Form):
    day = dates.DateFormField(label="确定为发展对象日期", initial=dates.today)
    late_reason = forms.CharField(label="考察逾期原因", max_length=200, required=False,
                                  help_text="入党积极分子每半年考察一次；间隔超过六个月的，必须填写。")


class PreparationForm(forms.Form):
    political_review_on = dates.DateFormField(label="政治审查完成日期", required=False)
    training_days = PlainIntegerField(label="集中培训天数", min_value=0, max_value=366, required=False)
    training_hours = PlainIntegerField(label="集中培训学时", min_value=0, max_value=3000, required=False)
    publicity_on = dates.DateFormField(label="公示结束日期", required=False)


class MeetingForm(forms.Form):
    day = dates.DateFormField(label="支部大会日期", initial=dates.today, help_text="预备期满后召开的支部大会。")


def with_vote_count(form: type[forms.Form], name: str) -> type[forms.Form]:
    """``form`` (the meeting's date) asking the 支部大会's count after it (细则): more than half
    of the members with a vote there, more than half of them for. One meeting may decide
    several files, each by its own vote."""
    fields = {
        "expected": PlainIntegerField(label="应到会有表决权的党员人数", min_value=1, max_value=32767,
                                       error_messages={"min_value": rules.VOTE_EXPECTED_SOMEONE},
                                       help_text="本支部正式党员人数（预备党员没有表决权）。"),
        "present": PlainIntegerField(label="实到会有表决权的党员人数", min_value=0, max_value=32767,
                                      error_messages={"min_value": rules.VOTE_PRESENT_FLOOR},
                                      help_text="须超过应到会人数的半数，支部大会方能开会。"),
        "in_favour": PlainIntegerField(label="赞成人数", min_value=0, max_value=32767,
                                        error_messages={"min_value": rules.VOTE_FOR_FLOOR},
                                        help_text="须超过应到会有表决权的正式党员人数的半数，决议方能通过。"),
    }
    return type(name, (form,), {**fields, "__module__": __name__})


AdmitForm = with_vote_count(day_form("支部大会讨论接收日期"), "AdmitForm")
FullForm = with_vote_count(MeetingForm, "FullForm")


# The services' names of a vote's counts, and the form's.
VOTE_COUNTS = {"admit": dict(zip(("vote_expected", "vote_present", "vote_for"), ("expected", "present", "in_favour"))),
               "full": dict(zip(("full_vote_expected", "full_vote_present", "full_vote_for"),
                                ("expected", "present", "in_favour")))}


class ExtendForm(MeetingForm):
    months = PlainIntegerField(label="延长月数", min_value=6, max_value=12)


class DisqualifyForm(ReasonForm):
    day = dates.DateFormField(label="支部大会日期", initial=dates.today,
                          help_text="讨论决定取消预备党员资格的支部大会，预备期内或期满后召开。")


# ---------------------------------------------------------------- 发展党员


def _about(applicant: Applicant, words: str) -> str:
    return f"{applicant.get_stage_display()}{applicant.name}（{applicant.branch.placed_name}）将办理「{words}」。"


def _under_first_field(form: type[forms.Form], refused: tuple[str, ...]) -> dict[str, str]:
    """The services' fields named in ``refused`` (the date a step records), each refused
    under the first field of the step's form (the day it asks for)."""
    first = next(iter(form.base_fields))
    return {name: first for name in refused}


def _dues_deleted(done: Any) -> str:
    """What leaving did to the member's unpaid dues, as the service left it on its result."""
    return services.dues_deleted_note(getattr(done, "dues_deleted", []))


def _step(name: str, label: str, words: str, applies: Any, run: Any, form: type[forms.Form], icon: str,
          refused: tuple[str, ...] = (), refusal_map: dict[str, str] | None = None, **extra: Any) -> RecordStep:
    """A step whose button says ``label`` (short: up to four of them share the page's
    header) and whose page and message say ``words`` (the step's full name); a refusal of
    a field in ``refused`` stands under the form's first field."""
    return RecordStep(name=f"{name}_step", label=label, permission=APPLICANT, applies=applies, run=run, form=form,
                      icon=icon, verb=f"办理{words}", summary=lambda a: _about(a, words),
                      refusal_fields={**_under_first_field(form, refused), **(refusal_map or {})}, **extra)


class ReviewGapForm(forms.Form):
    reason = forms.CharField(label="考察逾期原因", max_length=200,
                             help_text="确定为发展对象前培养考察间隔超过六个月的原因，据实补记。")


def _probationary(applicant: Applicant, approved: bool) -> bool:
    return applicant.stage == Stage.PROBATIONARY and (applicant.approved_on is not None) == approved


APPLICANT_STEPS = (
    _step("talk", "登记谈话", "谈话", lambda a: a.stage == Stage.APPLIED and a.talked_on is None,
          lambda a, u, d: services.applicant_talk(applicant=a, talked_on=d["day"], late_reason=d["late_reason"],
                                                  actor=u), TalkForm, "forum", refused=("talked_on",)),
    _step("make_activist", "确定积极分子", "确定为入党积极分子",
          lambda a: a.stage == Stage.APPLIED and a.talked_on is not None,
          lambda a, u, d: services.applicant_make_activist(
              applicant=a, decided_on=d["day"], actor=u,
              contacts=[c for c in (d["contact_1"], d["contact_2"]) if c is not None]),
          ActivistForm, "person_add", form_takes_user=True,
          refused=("activist_on", "talked_on")),
    _step("review", "培养考察", "登记培养考察", lambda a: a.stage in services.REVIEW_STAGES,
          lambda a, u, d: services.applicant_review(applicant=a, reviewed_on=d["day"], summary=d["summary"], actor=u),
          ReviewForm, "fact_check", refused=("reviewed_on",)),
    _step("make_candidate", "确定发展对象", "确定为发展对象", lambda a: a.stage == Stage.ACTIVIST,
          lambda a, u, d: services.applicant_make_candidate(applicant=a, decided_on=d["day"],
                                                            late_reason=d["late_reason"], actor=u), CandidateForm,
          "how_to_reg", refused=("candidate_on",)),
    _step("explain_review_gap", "补记考察原因", "补记考察逾期原因",
          lambda a: selectors.review_gap_unexplained(a) is not None,
          lambda a, u, d: services.applicant_explain_review_gap(applicant=a, reason=d["reason"], actor=u),
          ReviewGapForm, "edit_note", refused=("review_late_reason",)),
    _step("record_preparation", "政审培训公示", services.PREPARATION, lambda a: a.stage in services.PREPARATION_STAGES,
          lambda a, u, d: services.applicant_record_preparation(applicant=a, actor=u, **d), PreparationForm,
          "assignment_turned_in"),
    _step("admit", "支部大会接收", "支部大会接收为预备党员", lambda a: a.stage == Stage.CANDIDATE,
          lambda a, u, d: services.applicant_admit(applicant=a, vote_on=d["day"], expected=d["expected"],
                                                   present=d["present"], in_favour=d["in_favour"], actor=u),
          AdmitForm, "how_to_vote", refused=("vote_on",), refusal_map=VOTE_COUNTS["admit"]),
    _step("approve", "上级党委审批", "上级党委审批", lambda a: _probationary(a, approved=False),
          lambda a, u, d: services.applicant_approve(applicant=a, approved_on=d["day"],
                                                     late_reason=d["late_reason"], actor=u), ApproveForm,
          "approval", refused=("approved_on",)),
    _step("oath", "入党宣誓", "入党宣誓", lambda a: _probationary(a, approved=True) and a.oath_on is None,
          lambda a, u, d: services.applicant_oath(applicant=a, oath_on=d["day"], actor=u), day_form("入党宣誓日期"),
          "flag", refused=("oath_on",)),
    _step("make_full", "讨论转正", "预备党员转正", lambda a: _probationary(a, approved=True),
          lambda a, u, d: services.applicant_make_full(applicant=a, decided_on=d["day"], expected=d["expected"],
                                                       present=d["present"], in_favour=d["in_favour"], actor=u),
          FullForm, "verified", refused=("full_on", "full_meeting_on"), refusal_map=VOTE_COUNTS["full"]),
    _step("extend", "延长预备期", "延长预备期",
          lambda a: _probationary(a, approved=True) and not a.probation_extended_months,
          lambda a, u, d: services.applicant_extend_probation(applicant=a, months=d["months"], decided_on=d["day"],
                                                              actor=u), ExtendForm,
          "more_time", refused=("extension_meeting_on",), refusal_map={"probation_extended_months": "months"}),
    # One service, named for what it is at each stage (细则: 取消预备党员资格, decided by the
    # 支部大会; before the 支部大会 the file is closed: 终止培养).
    _step("withdraw", "终止培养", "终止培养",
          lambda a: a.stage in BEFORE_VOTE,
          lambda a, u, d: services.applicant_cancel(applicant=a, reason=d["reason"], actor=u), ReasonForm, "block",
          refused=("closed_reason",)),
    _step("disqualify", "取消预备党员资格", "取消预备党员资格", lambda a: a.stage == Stage.PROBATIONARY,
          lambda a, u, d: services.applicant_cancel(applicant=a, reason=d["reason"], decided_on=d["day"], actor=u),
          DisqualifyForm, "block", refused=("closed_reason",), refusal_map={"cancel_meeting_on": "day"},
          done_note=_dues_deleted),
)


# ---------------------------------------------------------------- 党员


class StatusForm(forms.Form):
    """变更党籍状态 (the member's page and the roster's batch action): the new status, the
    day and the grounds, checked by :func:`services.member_set_status`."""

    # Starts on 请选择, never on the member's own status: the clerk chooses the change.
    status = forms.ChoiceField(label="党籍状态", choices=[("", "请选择"), *(
        c for c in MemberStatus.choices if c[0] != MemberStatus.TRANSFERRED_OUT)])
    changed_on = dates.DateFormField(label="变更日期", required=False,
                                 help_text="出党（除名、退党）、停止党籍或恢复党籍的决定日期，或去世日期；"
                                           "不能晚于今天，不能早于入党日期。")
    reason = forms.CharField(label="变更原因或依据", max_length=rules.STATUS_REASON_MAX, required=False,
                             help_text="出党、停止党籍和恢复在册须填写，如决定文号；去世的可说明情况。")


# The service's fields, refused under the form's.
STATUS_REFUSALS = {"status_changed_on": "changed_on", "status_reason": "reason"}


# How the two sides of a transfer are filled in: on its entry forms only (the record's
# read-only page has nothing to fill in).
TO_BRANCH_HELP = "省内转接选择转入党支部；转出本省的留空并填写去向。"
DESTINATION_HELP = "转出本省的，填写接收组织关系的省外党组织。"


class TransferStartStepForm(forms.Form):
    """The transfer form of the 组织关系转接 list, for the member whose page it is: the
    receiving branch picked by name or 组织代码 among every branch of the province."""

    to_branch = forms.ModelChoiceField(
        label="转入党支部（省内）", required=False, queryset=PartyOrganisation.objects.filter(kind=OrgKind.BRANCH),
        widget=KeyCheckedAutocompleteSelect(Transfer._meta.get_field("to_branch"), admin.site), help_text=TO_BRANCH_HELP)
    destination = forms.CharField(label="转往单位（省外）", max_length=200, required=False, help_text=DESTINATION_HELP)
    letter_number = forms.CharField(label="介绍信编号", max_length=50)
    started_on = dates.DateFormField(label="申请日期", initial=dates.today)


OUTSIDE_JURISDICTION = "请在您管辖范围内的党支部中选择转入党支部。"


def dues_month_field() -> forms.CharField:
    """党费交至 as the letter from outside writes it (2026.06), optional."""
    return forms.CharField(label="党费交至", max_length=20, required=False,
                           help_text="省外介绍信注明的党费交到的月份，如 2026.06；此后各月的党费在本省交纳"
                                     "（含此前欠交的月份）。介绍信未注明的留空，自接收当月起交纳。")


def clean_dues_month(form: forms.Form) -> Any:
    value = form.cleaned_data.get("dues_paid_to")
    return services.month_start(dates.parse_date(value)) if value and str(value).strip() else None


class TransferInStepForm(forms.Form):
    """省外转入: the letter from the organisation outside the province and the receiving
    branch's receipt. The receiving side acts: the branch is one of the clerk's own,
    searched as a member's branch is (``PartyOrganisationAdmin.get_search_results``);
    another posted is refused under the field, in the same words whether it exists or not."""

    to_branch = forms.ModelChoiceField(
        label="转入党支部", queryset=PartyOrganisation.objects.none(),
        error_messages={"invalid_choice": OUTSIDE_JURISDICTION},
        widget=KeyCheckedAutocompleteSelect(Member._meta.get_field("branch"), admin.site))
    origin = forms.CharField(label="转出单位（省外）", max_length=200, help_text="开出介绍信的省外党组织。")
    letter_number = forms.CharField(label="介绍信编号", max_length=50)
    sent_on = dates.DateFormField(label="开出介绍信日期", help_text="省外介绍信上的开出日期。")
    valid_days = PlainIntegerField(
        label="有效期（天）", min_value=1, max_value=rules.LETTER_VALID_DAYS_MAX,
        help_text="省外介绍信注明的有效期；接收日期须在开出日期起的有效期内，过期的退回省外党组织重新开具。",
        error_messages={"required": rules.LETTER_FROM_OUTSIDE_VALID_DAYS_MISSING,
                        "min_value": rules.letter_valid_days_error(0),
                        "max_value": rules.letter_valid_days_error(0),
                        "invalid": rules.letter_valid_days_error(0)})
    received_on = dates.DateFormField(label="接收日期", initial=dates.today)
    dues_paid_to = dues_month_field()

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_branch"].queryset = branches_for(user)
        self.fields["to_branch"].label_from_instance = branch_label

    def clean_dues_paid_to(self) -> Any:
        return clean_dues_month(self)


class TransferInNewMemberForm(TransferInStepForm, forms.ModelForm):
    """省外转入 of a person new to the province (组织关系介绍信 from another province's
    organisation): the letter, the receiving branch and the person as the roster holds
    them, checked by the model's rules (the ID number by GB 11643 and not yet on the
    roster, the dates, the dues base). Saved by :func:`services.transfer_in_from_outside`,
    never by the form."""

    class Meta:
        model = Member
        fields = ["name", "id_number", "category", "joined_on", "full_on", "dues_category", "income_base"]
        field_classes = {"income_base": PlainDecimalField}

    LETTER = ["origin", "letter_number", "sent_on", "valid_days", "received_on", "dues_paid_to", "to_branch"]
    field_order = [*LETTER, *Meta.fields]

    def returning_member(self) -> Member | None:
        """The member whose relationship left the province under this ID number (the
        model's rule refused it): he comes back on his own record, by its 省外转入."""
        if rules.TRANSFERRED_OUT_BACK not in self.errors.get("id_number", []):
            return None
        return Member.objects.filter(id_number=self.instance.id_number, status=MemberStatus.TRANSFERRED_OUT).first()


def _member_about(member: Member, words: str) -> str:
    return (f"党员{member.name}（{member.branch.placed_name}，{member.get_category_display()}，"
            f"党籍状态：{member.get_status_display()}）将办理「{words}」。")


def _in_transfer(member: Member) -> bool:
    """Whether the member has a transfer not yet finished (the service allows one at a time)."""
    return member.transfers.filter(state__in=[TransferState.PENDING, TransferState.IN_TRANSIT]).exists()


TRANSFER_IN_STEP = "transfer_in_step"  # the receiving side's (MemberAdmin.step_record)


def _file_followed(done: Any) -> str:
    """That a 预备党员's open 发展党员 file came with the member (services.FILE_FOLLOWS)."""
    return services.FILE_FOLLOWS if getattr(done, "file_followed", False) else ""


def _dues_owed(done: Any) -> str:
    """The months a member transferred in from outside now owes (services.dues_owed_note),
    and the file that came with him."""
    return "；".join(filter(None, [services.dues_owed_note(done), _file_followed(done)]))


MEMBER_STEPS = (
    RecordStep(name="transfer_step", label="办理组织关系转接", permission="members.add_transfer", icon="move_up",
               applies=lambda m: m.status == MemberStatus.ACTIVE and not _in_transfer(m), form=TransferStartStepForm,
               run=lambda m, u, d: services.transfer_start(member=m, to_branch=d["to_branch"],
                                                           destination=d["destination"],
                                                           letter_number=d["letter_number"],
                                                           started_on=d["started_on"], actor=u),
               verb="申请组织关系转接", summary=lambda m: _member_about(m, "组织关系转接")),
    RecordStep(name="status_step", label="变更党籍状态", permission="members.change_member", icon="badge",
               applies=lambda m: m.status != MemberStatus.TRANSFERRED_OUT, form=StatusForm,
               run=lambda m, u, d: services.member_set_status(member=m, status=d["status"], changed_on=d["changed_on"],
                                                              reason=d["reason"], actor=u),
               verb="变更党籍状态", summary=lambda m: _member_about(m, "变更党籍状态"),
               refusal_fields=STATUS_REFUSALS,
               done_note=_dues_deleted),
    RecordStep(name=TRANSFER_IN_STEP, label="省外转入", permission="members.add_transfer", icon="login",
               applies=lambda m: m.status == MemberStatus.TRANSFERRED_OUT, form=TransferInStepForm,
               form_takes_user=True,
               run=lambda m, u, d: services.transfer_in_from_outside(
                   member=m, to_branch=d["to_branch"], origin=d["origin"], letter_number=d["letter_number"],
                   sent_on=d["sent_on"], valid_days=d["valid_days"], received_on=d["received_on"],
                   dues_paid_to=d["dues_paid_to"], actor=u),
               verb="办理省外转入", summary=lambda m: _member_about(m, "省外转入（恢复在册）"), done_note=_dues_owed),
)


# ---------------------------------------------------------------- 组织关系转接


def _transfer_about(transfer: Transfer, label: str) -> str:
    return (f"{transfer.member.name}的组织关系由{transfer.source_shown}转往{transfer.destination_shown}"
            f"（介绍信{transfer.letter_number}，"
            f"当前状态：{transfer.get_state_display()}），将办理「{label}」。")


def _transfer_step(name: str, label: str, applies: Any, run: Any, form: type[forms.Form], icon: str,
                   refused: str, verb: str = "", done_note: Any = _dues_deleted) -> RecordStep:
    """``refused``: the transfer's field whose refusal goes under the form's first field. A
    step named for what it confirms (确认转出) is said as it is, elsewhere 办理 the step."""
    verb = verb or (label if label.startswith("确认") else f"办理{label}")
    return RecordStep(name=f"{name}_step", label=label, permission=TRANSFER, applies=applies,
                      run=run, form=form, icon=icon, verb=verb, summary=lambda t: _transfer_about(t, label),
                      refusal_fields=_under_first_field(form, (refused,)), done_note=done_note)


def _in_state(state: str, *, leaves_province: bool | None = None) -> Any:
    """The step applies in ``state``; with ``leaves_province``, only to a transfer that
    leaves the province (to_branch empty) or only to one that stays in it."""
    def applies(t: Transfer) -> bool:
        return t.state == state and (leaves_province is None or (t.to_branch_id is None) == leaves_province)
    return applies


def _receive(t: Transfer, u: Any, d: dict[str, Any]) -> Any:
    return services.transfer_receive(transfer=t, received_on=d["day"], actor=u)


def _record_receipt(t: Transfer, u: Any, d: dict[str, Any]) -> Any:
    """The same call as 接收; its refusals of the date name the date the form asks for."""
    try:
        return _receive(t, u, d)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError({name: [m.replace("接收日期", "回执日期") for m in messages]
                               for name, messages in error.message_dict.items()}) from error


class SendForm(forms.Form):
    """确认转出 (the step page and the list's batch action): the day the letter is issued
    and the 有效期 it states, checked again by :func:`services.transfer_send`."""

    day = dates.DateFormField(label="开出介绍信日期", initial=dates.today,
                          help_text="介绍信按党费收缴记录注明党费交至的月份（此前各月均已交纳的最后一个月）；"
                                    "转出前应交清党费。")
    valid_days = PlainIntegerField(
        label="有效期（天）", initial=rules.LETTER_VALID_DAYS_DEFAULT, min_value=1, max_value=rules.LETTER_VALID_DAYS_MAX,
        help_text=f"介绍信注明的有效期，一般为10至30天，最长不超过{rules.LETTER_VALID_DAYS_MAX}天；"
                  "党员须在有效期内到接收党组织办理接转手续，过期的退回重新开具。",
        error_messages={"min_value": rules.letter_valid_days_error(0),
                        "max_value": rules.letter_valid_days_error(0),
                        "invalid": rules.letter_valid_days_error(0)})
    dues_exception = forms.CharField(
        label="例外原因", max_length=rules.DUES_EXCEPTION_MAX, required=False,
        help_text="转出当月以前各月的党费须交清后才开出介绍信；未交清而经批准的例外情形（如困难党员经批准减免），"
                  "写明原因及批准情况，记入转接的办理记录。已交清的不填。")


EXCEPTION_UNUSED = "转出当月以前的党费已交清，填写的例外原因未记入"


def _sent(done: Transfer) -> str:
    """What 确认转出 let through by an exception (the unpaid months), as the service left it;
    or that the 例外原因 typed was not kept, nothing being unpaid (not dropped in silence)."""
    if getattr(done, "exception_unused", False):
        return EXCEPTION_UNUSED
    return services.dues_exception_note(getattr(done, "dues_unsettled", []))


class SendBackForm(ReasonForm):
    reason = forms.CharField(label="退回原因", max_length=200,
                             help_text="如介绍信抬头有误、材料不全、介绍信已过有效期；退回后由转出党组织重新开具。")


class CameBackForm(ReasonForm):
    reason = forms.CharField(label="退回原因", max_length=200,
                             help_text="省外党组织未接收、将介绍信退回本支部的，登记其退回原因；党员仍在本支部名册。")


TRANSFER_STEPS = (
    _transfer_step("send", "确认转出", _in_state(TransferState.PENDING),
                   lambda t, u, d: services.transfer_send(transfer=t, sent_on=d["day"], valid_days=d["valid_days"],
                                                          dues_exception=d["dues_exception"], actor=u),
                   SendForm, "outbox", "sent_on", done_note=_sent),
    _transfer_step("receive", "接收组织关系", _in_state(TransferState.IN_TRANSIT, leaves_province=False), _receive,
                   day_form("接收日期"), "move_to_inbox", "received_on", done_note=_file_followed),
    # Out of the province no branch here receives: the sending clerk records the receipt
    # (回执) the organisation outside returns, by the same service call.
    _transfer_step("receipt", "登记回执", _in_state(TransferState.IN_TRANSIT, leaves_province=True), _record_receipt,
                   day_form("回执日期", "转往省外的组织关系，按接收单位退回的回执登记。"), "receipt_long", "received_on"),
    # The list's 退回介绍信 takes both; the page of a letter out of the province offers it as
    # what happened there: the organisation outside did not receive it (TransferAdmin.step_allowed).
    _transfer_step("send_back", "退回介绍信", _in_state(TransferState.IN_TRANSIT),
                   lambda t, u, d: services.transfer_return(transfer=t, reason=d["reason"], actor=u), SendBackForm,
                   "undo", "returned_reason"),
    _transfer_step("came_back", "介绍信被退回", _in_state(TransferState.IN_TRANSIT, leaves_province=True),
                   lambda t, u, d: services.transfer_return(transfer=t, reason=d["reason"], actor=u), CameBackForm,
                   "undo", "returned_reason", verb="登记介绍信被退回"),
)
