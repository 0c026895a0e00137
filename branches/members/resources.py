"""Member sheets (导入模板): the roster, the applicants' key dates, dues payments and the
year's 民主评议 results.

Cells are parsed by the widgets (ID numbers, dates, choices, branches by 组织代码 within
the importer's scope); each row is checked by the model's ``clean()`` and by
:meth:`prepare_instance`, which calls the same rule functions as the services
(:mod:`branches.members.rules`). The roster sheet cannot do what only a workflow step
may: move a member to another branch (a transfer), or turn a 预备党员 admitted through
the pipeline into a 正式党员 (转正 is recorded on the applicant's file, by the system or by
the applicants' sheet, which checks the whole file's dates by the steps' rules).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from import_export import fields
from import_export.widgets import DecimalWidget, IntegerWidget

from branches.resources import YesNoWidget, org_widget
from orgwork.common import dates
from orgwork.common.contract import SystemActor
from orgwork.imports.resources import ScopedModelResource
from orgwork.imports.widgets import ChoiceWidget, DateWidget, IDNumberWidget, ByIdNumberWidget, ScopedForeignKeyWidget

from . import rules, services
from .models import (ActivistReview, Applicant, Appraisal, AppraisalGrade, CorrectionResult, Disposal, DuesCategory,
                     DuesRecord, Gender, Member, MemberCategory, MemberStatus, Stage)

COL_ID = "身份证号"
COL_NAME = "姓名"
COL_BRANCH = "党支部代码"
ID_ALIASES = {"公民身份号码": COL_ID, "身份证号码": COL_ID, "组织代码": COL_BRANCH, "支部代码": COL_BRANCH}
EXAMPLE_ID = "62010219800517123X"
EXAMPLE_BRANCH = "PB620102-001"  # a 党支部's 组织代码 as the system writes them
CLOSED_STAGES = (Stage.FULL, Stage.CANCELLED, Stage.WITHDRAWN, Stage.DECEASED)
ADMITTED = (Stage.PROBATIONARY, Stage.FULL, Stage.CANCELLED, Stage.DECEASED)  # past the 支部大会 vote: on the roster
# The fields of an application file the sheet carries and rules.file_errors checks.
FILE_FIELDS = ("applied_on", "talked_on", "talk_late_reason", "activist_on", "reviewed_on", "candidate_on",
               "review_late_reason",
               "political_review_on",
               "training_days", "training_hours", "publicity_on", "vote_on", "vote_expected", "vote_present", "vote_for",
               "approved_on", "approval_late_reason", "oath_on",
               "probation_extended_months", "extension_meeting_on", "full_on", "full_meeting_on",
               "full_vote_expected", "full_vote_present", "full_vote_for", "closed_reason",
               "cancel_meeting_on")


# The counts of a 支部大会 vote, with the date of the meeting that held it.
VOTE_MEETINGS = {"admit": "vote_on", "full": "full_meeting_on"}
VOTE_NOTE = ("与支部大会日期一并填写应到会、实到会有表决权的党员（正式党员）人数和赞成人数：实到会人数超过应到会人数的半数方能开会，"
             "赞成人数超过应到会人数的半数决议方能通过。")


SHEET_ACTOR = "members_applicants_sheet"  # who acts for the applicants' sheet when no person does


# The 培养联系人 of a file, with the labels its refusals name them by.
CONTACTS = {"contact_1": "培养联系人一", "contact_2": "培养联系人二"}


# Steps on record whose refusal says where else they are held.
KEPT_MESSAGES = {"vote_on": "已接收为预备党员（入党日期已记入党员名册），支部大会讨论接收日期不能在表中修改。",
                 "approved_on": "上级党委已审批，审批日期不能在表中修改。"}


def branch_widget() -> ScopedForeignKeyWidget:
    widget = org_widget()
    widget.not_found_message = "党支部代码「{value}」不存在或不在您的管辖范围内。"
    return widget


class ReviewDates(datetime.date):
    """The latest of the 考察 dates one cell gives, carrying them all (``every``, oldest first)."""

    every: tuple[datetime.date, ...] = ()


# Between the dates of one cell: 2022-08-20、2023-02-15 (also a comma, a semicolon, a new line).
REVIEW_DATES_APART = re.compile(r"[、,，;；\n]+")


class ReviewDatesWidget(DateWidget):
    """培养考察日期: one date, or the 考察 held since the 积极分子 designation, several dates
    in one cell; the field takes the latest (:class:`ReviewDates` carries the rest)."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> datetime.date | None:
        parts = [p.strip() for p in REVIEW_DATES_APART.split(value)] if isinstance(value, str) else []
        parts = [p for p in parts if p]
        if len(parts) <= 1:
            return super().clean(parts[0] if parts else value, row, **kwargs)
        days = sorted({day for part in parts if (day := DateWidget.clean(self, part, row, **kwargs)) is not None})
        latest = ReviewDates(days[-1].year, days[-1].month, days[-1].day)
        latest.every = tuple(days)
        return latest


class MemberWidget(ByIdNumberWidget):
    """The member, by ID number, within the importer's scope."""

    # No number in the message: an error report must not print full ID numbers back.
    not_found_message = "该身份证号的党员不在名册中或不在您的管辖范围内。"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Member, **kwargs)


class MemberResource(ScopedModelResource):
    """党员名册: one row per member, keyed by ID number."""

    slug = "members_roster"
    verbose_name = "党员名册"
    header_aliases = {**ID_ALIASES, "类别": "党员类别", "入党时间": "入党日期", "转正时间": "转正日期"}
    example_row = {COL_NAME: "王建国", COL_ID: EXAMPLE_ID, "性别": "男", COL_BRANCH: EXAMPLE_BRANCH,
                   "党员类别": "正式党员", "入党日期": "2005-07-01", "转正日期": "2006-07-01", "流动党员": "否",
                   "失联党员": "否", "党费类别": "在职", "党费计算基数（元/月）": "4500", "欠缴原因": "外出务工，返乡后补交"}
    column_notes = {COL_BRANCH: "已在名册中的党员不能在本表中改支部：转到其他党支部须办理组织关系转接，"
                                "与系统中不一致的行不导入。"}

    name = fields.Field(attribute="name", column_name=COL_NAME)
    id_number = fields.Field(attribute="id_number", column_name=COL_ID, widget=IDNumberWidget())
    gender = fields.Field(attribute="gender", column_name="性别", widget=ChoiceWidget(Gender.choices))
    branch = fields.Field(attribute="branch", column_name=COL_BRANCH, widget=branch_widget())
    category = fields.Field(attribute="category", column_name="党员类别", widget=ChoiceWidget(
        MemberCategory.choices, {"正式": "正式党员", "预备": "预备党员"}))
    joined_on = fields.Field(attribute="joined_on", column_name="入党日期", widget=DateWidget(need_day=True))
    full_on = fields.Field(attribute="full_on", column_name="转正日期", widget=DateWidget(need_day=True))
    is_floating = fields.Field(attribute="is_floating", column_name="流动党员", widget=YesNoWidget("流动党员"))
    is_lost = fields.Field(attribute="is_lost", column_name="失联党员", widget=YesNoWidget("失联党员"))
    dues_category = fields.Field(attribute="dues_category", column_name="党费类别", widget=ChoiceWidget(
        DuesCategory.choices, {"退休": "离退休", "离休": "离退休", "在职职工": "在职"}))
    income_base = fields.Field(attribute="income_base", column_name="党费计算基数（元/月）", widget=DecimalWidget())
    arrears_reason = fields.Field(attribute="arrears_reason", column_name="欠缴原因")
    status = fields.Field(attribute="status", column_name="党籍状态", readonly=True,
                          widget=ChoiceWidget(MemberStatus.choices))
    # Shown, never read back: a 党籍状态 changes by its step (变更党籍状态), with its date and grounds.
    status_changed_on = fields.Field(attribute="status_changed_on", column_name="党籍状态变更日期", readonly=True,
                                     widget=DateWidget(need_day=True))
    status_reason = fields.Field(attribute="status_reason", column_name="党籍状态变更原因或依据", readonly=True)

    class Meta:
        model = Member
        fields = ("name", "id_number", "gender", "branch", "category", "joined_on", "full_on", "is_floating",
                  "is_lost", "dues_category", "income_base", "arrears_reason", "status", "status_changed_on",
                  "status_reason")
        import_id_fields = ("id_number",)
        identity_check = ("name",)  # a row whose name is not the member's on record is refused, not a rename
        skip_unchanged = True
        clean_model_instances = True

    def prepare_instance(self, instance: Member, original: Member | None) -> None:
        if not instance.category:
            instance.category = MemberCategory.FULL
        if not instance.dues_category:
            instance.dues_category = DuesCategory.EMPLOYED
        if original is None:
            return
        # The engine fills the stored record in place: compare with the values it was loaded with.
        stored = getattr(original, "_audit_loaded", {})
        if stored.get("status") == MemberStatus.TRANSFERRED_OUT:  # not 未变: the row would read as back on the roll
            raise ValidationError({"id_number": rules.TRANSFERRED_OUT_BACK})
        if stored.get("branch_id") != instance.branch_id:
            raise ValidationError({"branch": "党员转到其他党支部须办理组织关系转接，不能在名册表中直接改支部。"})
        if held := services.file_held_errors(instance, stored):
            raise ValidationError(held)
        if instance.written_now("joined_on") and (errors := services.joined_on_record_errors(instance)):
            raise ValidationError(errors)


class ApplicantResource(ScopedModelResource):
    """发展党员: an applicant's whole file, keyed by ID number, from 入党申请 to 转正 (or
    延长预备期, 取消). The stage follows from the dates given (:func:`rules.file_stage`)
    and the dates are checked together by :func:`rules.file_errors`, which applies the
    rules each step's service applies. A file that reaches the 支部大会 vote enters the
    roster after the sheet (:func:`services.applicants_to_roster`). A sheet may carry a
    file further, never rewrite what the roster already holds: the vote's date (the
    member's 入党日期), an approval or an extension recorded, a file closed; nor take a
    step at a stage the file has passed (:meth:`passed_errors`: a 考察 of a 预备党员)."""

    slug = "members_applicants"
    verbose_name = "发展党员"
    header_aliases = {**ID_ALIASES, "申请日期": "递交入党申请书日期", "入党申请日期": "递交入党申请书日期",
                      "支部大会日期": "支部大会讨论接收日期", "接收预备党员日期": "支部大会讨论接收日期",
                      "审批日期": "上级党委审批日期", "宣誓日期": "入党宣誓日期", "延长预备期": "延长预备期（月）",
                      "取消原因": "取消资格或终止培养原因", "终止培养原因": "取消资格或终止培养原因",
                      "取消资格支部大会日期": "取消预备党员资格支部大会日期"}
    example_row = {COL_NAME: "李晓", COL_ID: EXAMPLE_ID, COL_BRANCH: EXAMPLE_BRANCH, "递交入党申请书日期": "2022-03-01",
                   "谈话日期": "2022-03-20", "逾期谈话原因": "申请人外出务工，返乡后谈话",
                   "确定为入党积极分子日期": "2022-05-10", "培养联系人一身份证号": "620102197507011231",
                   "培养联系人二身份证号": "620102197803021231", "最近一次培养考察日期": "2022-11-10",
                   "确定为发展对象日期": "2023-05-10", "考察逾期原因": "培养联系人调离，补派后考察",
                   "政治审查完成日期": "2023-07-01", "集中培训天数": "3", "集中培训学时": "24",
                   "公示结束日期": "2023-07-20", "支部大会讨论接收日期": "2023-08-01", "接收表决应到会人数": "23", "接收表决实到会人数": "21",
                   "赞成接收人数": "21", "上级党委审批日期": "2023-09-15",
                   "审批逾期原因": "上级党委换届，党委会推迟召开", "入党宣誓日期": "2023-10-01", "延长预备期（月）": "6",
                   "延长预备期支部大会日期": "2024-08-06", "转正日期": "2024-08-01", "讨论转正支部大会日期": "2024-08-06",
                   "转正表决应到会人数": "24", "转正表决实到会人数": "22", "赞成转正人数": "22",
                   "取消资格或终止培养原因": "不履行党员义务，不具备党员条件",
                   "取消预备党员资格支部大会日期": "2024-08-06"}
    column_notes = {COL_NAME: "新增的申请人填写其姓名；已有档案的，须与系统中该身份证号的申请人的姓名一致，"
                              "不一致的行不导入（本表不能修改姓名）。",
                    COL_BRANCH: "已有档案不能在本表中转到其他党支部：转到其他支部须办理组织关系转接，"
                                "与系统中不一致的行不导入。",
                    "逾期谈话原因": "谈话晚于递交入党申请书一个月以上的填写，其余留空。",
                    "最近一次培养考察日期": "填写最近一次培养考察的日期；确定为入党积极分子以来的各次考察（每半年一次）"
                                          "可一并填写，用顿号分隔，如 2022-08-20、2023-02-15，各次均记入考察记录。",
                    "考察逾期原因": "两次培养考察之间超过六个月的填写，其余留空。",
                    "审批逾期原因": "上级党委审批晚于支部大会三个月以上的填写，其余留空。",
                    "延长预备期（月）": "支部大会决定延长预备期的填写6至12个月，并填写延长预备期支部大会日期，其余留空。",
                    "取消资格或终止培养原因": "取消预备党员资格或终止培养的填写，其余留空。",
                    "接收表决应到会人数": VOTE_NOTE, "转正表决应到会人数": VOTE_NOTE}

    name = fields.Field(attribute="name", column_name=COL_NAME)
    id_number = fields.Field(attribute="id_number", column_name=COL_ID, widget=IDNumberWidget())
    branch = fields.Field(attribute="branch", column_name=COL_BRANCH, widget=branch_widget())
    applied_on = fields.Field(attribute="applied_on", column_name="递交入党申请书日期", widget=DateWidget(need_day=True))
    talked_on = fields.Field(attribute="talked_on", column_name="谈话日期", widget=DateWidget(need_day=True))
    talk_late_reason = fields.Field(attribute="talk_late_reason", column_name="逾期谈话原因")
    activist_on = fields.Field(attribute="activist_on", column_name="确定为入党积极分子日期", widget=DateWidget(need_day=True))
    contact_1 = fields.Field(attribute="contact_1", column_name="培养联系人一身份证号",
                             widget=MemberWidget(keeps_masked=True))
    contact_2 = fields.Field(attribute="contact_2", column_name="培养联系人二身份证号",
                             widget=MemberWidget(keeps_masked=True))
    reviewed_on = fields.Field(attribute="reviewed_on", column_name="最近一次培养考察日期",
                               widget=ReviewDatesWidget(need_day=True))
    candidate_on = fields.Field(attribute="candidate_on", column_name="确定为发展对象日期", widget=DateWidget(need_day=True))
    review_late_reason = fields.Field(attribute="review_late_reason", column_name="考察逾期原因")
    political_review_on = fields.Field(attribute="political_review_on", column_name="政治审查完成日期",
                                       widget=DateWidget(need_day=True))
    training_days = fields.Field(attribute="training_days", column_name="集中培训天数", widget=IntegerWidget())
    training_hours = fields.Field(attribute="training_hours", column_name="集中培训学时", widget=IntegerWidget())
    publicity_on = fields.Field(attribute="publicity_on", column_name="公示结束日期", widget=DateWidget(need_day=True))
    vote_on = fields.Field(attribute="vote_on", column_name="支部大会讨论接收日期", widget=DateWidget(need_day=True))
    vote_expected = fields.Field(attribute="vote_expected", column_name="接收表决应到会人数", widget=IntegerWidget())
    vote_present = fields.Field(attribute="vote_present", column_name="接收表决实到会人数", widget=IntegerWidget())
    vote_for = fields.Field(attribute="vote_for", column_name="赞成接收人数", widget=IntegerWidget())
    approved_on = fields.Field(attribute="approved_on", column_name="上级党委审批日期", widget=DateWidget(need_day=True))
    approval_late_reason = fields.Field(attribute="approval_late_reason", column_name="审批逾期原因")
    oath_on = fields.Field(attribute="oath_on", column_name="入党宣誓日期", widget=DateWidget(need_day=True))
    probation_extended_months = fields.Field(attribute="probation_extended_months", column_name="延长预备期（月）",
                                             widget=IntegerWidget())
    extension_meeting_on = fields.Field(attribute="extension_meeting_on", column_name="延长预备期支部大会日期",
                                        widget=DateWidget(need_day=True))
    full_on = fields.Field(attribute="full_on", column_name="转正日期", widget=DateWidget(need_day=True))
    full_meeting_on = fields.Field(attribute="full_meeting_on", column_name="讨论转正支部大会日期",
                                   widget=DateWidget(need_day=True))
    full_vote_expected = fields.Field(attribute="full_vote_expected", column_name="转正表决应到会人数",
                                      widget=IntegerWidget())
    full_vote_present = fields.Field(attribute="full_vote_present", column_name="转正表决实到会人数",
                                     widget=IntegerWidget())
    full_vote_for = fields.Field(attribute="full_vote_for", column_name="赞成转正人数", widget=IntegerWidget())
    closed_reason = fields.Field(attribute="closed_reason", column_name="取消资格或终止培养原因")
    cancel_meeting_on = fields.Field(attribute="cancel_meeting_on", column_name="取消预备党员资格支部大会日期",
                                     widget=DateWidget(need_day=True))
    stage = fields.Field(attribute="stage", column_name="发展阶段", readonly=True, widget=ChoiceWidget(Stage.choices))

    class Meta:
        model = Applicant
        fields = ("name", "id_number", "branch", "applied_on", "talked_on", "talk_late_reason", "activist_on",
                  "contact_1", "contact_2", "reviewed_on", "candidate_on", "review_late_reason", "political_review_on", "training_days", "training_hours", "publicity_on",
                  "vote_on", "vote_expected", "vote_present", "vote_for", "approved_on", "approval_late_reason", "oath_on",
                  "probation_extended_months", "extension_meeting_on", "full_on", "full_meeting_on",
                  "full_vote_expected", "full_vote_present", "full_vote_for", "closed_reason", "cancel_meeting_on", "stage")
        import_id_fields = ("id_number",)
        skip_unchanged = True
        clean_model_instances = True

    @staticmethod
    def as_kept(instance: Applicant) -> bool:
        """The row's blank counts and reasons as a file keeps them (0, ""). A file kept
        before a rule was made stricter comes back on its exported sheet as it stands, and
        such a row is 未变 (``orgwork.imports.engine``); a review cell of several dates may
        add 考察记录 to a file it otherwise leaves alone, so that row is checked."""
        instance.training_days = instance.training_days or 0
        instance.training_hours = instance.training_hours or 0
        instance.probation_extended_months = instance.probation_extended_months or 0
        instance.talk_late_reason = (instance.talk_late_reason or "").strip()
        instance.review_late_reason = (instance.review_late_reason or "").strip()
        instance.approval_late_reason = (instance.approval_late_reason or "").strip()
        instance.closed_reason = (instance.closed_reason or "").strip()
        return len(getattr(instance.reviewed_on, "every", ())) <= 1

    def prepare_instance(self, instance: Applicant, original: Applicant | None) -> None:
        self.as_kept(instance)
        stored = getattr(original, "_audit_loaded", {}) if original is not None else {}
        # The cell's earlier 考察 (2022-08-20、2023-02-15): checked with the latest, recorded after the sheet.
        sheet_reviews = list(getattr(instance.reviewed_on, "every", ()))
        if sheet_reviews:
            instance.reviewed_on = sheet_reviews[-1]
        if stored.get("reviewed_on") and (instance.reviewed_on is None or instance.reviewed_on < stored["reviewed_on"]):
            instance.reviewed_on = stored["reviewed_on"]  # a sheet cannot take back a 考察 on record
        if instance.contact_1_id is None and instance.contact_2_id is None and stored.get("contact_1_id"):
            instance.contact_1_id, instance.contact_2_id = stored["contact_1_id"], stored.get("contact_2_id")
            instance._state.fields_cache.pop("contact_1", None)  # blank cells keep the contacts on record
            instance._state.fields_cache.pop("contact_2", None)
        values = {name: getattr(instance, name) for name in FILE_FIELDS}
        if stored:
            self.check_kept(instance, stored, values)
        errors = rules.file_errors(values, dates.today())
        if stored:  # a step the file has passed is refused as its page refuses it, before its dates are
            errors.update(self.passed_errors(instance, stored, sheet_reviews))
        errors.update({k: v for k, v in self.step_errors(instance, stored, sheet_reviews).items() if k not in errors})
        if errors:
            raise ValidationError(errors)
        instance.stage = rules.file_stage(values)
        if (stored.get("member_id") and stored.get("stage") == Stage.PROBATIONARY
                and instance.stage in (Stage.FULL, Stage.CANCELLED)):
            # 转正 and 取消 move the member on the roster: as on their step pages, only where
            # his relationship now is, and only while he is on the roll.
            member = Member.objects.filter(pk=stored["member_id"]).first()
            if message := services.file_member_error(instance, member, self.user or SystemActor(SHEET_ACTOR)):
                raise ValidationError({"full_on" if instance.stage == Stage.FULL else "closed_reason": message})
            # The 取消's meeting is the member's 党籍状态变更日期 (出党), held as 变更党籍状态 holds it.
            if (instance.stage == Stage.CANCELLED and instance.cancel_meeting_on and member is not None
                    and (message := services.cancel_status_error(member, instance.cancel_meeting_on))):
                raise ValidationError({"cancel_meeting_on": message})
        if sheet_reviews and stored.get("stage") not in CLOSED_STAGES:
            if not hasattr(self, "sheet_reviews"):
                self.sheet_reviews: dict[str, list[datetime.date]] = {}
            self.sheet_reviews[instance.id_number] = sheet_reviews
        if (instance.stage in ADMITTED and not stored.get("member_id") and instance.id_number
                and Member.objects.filter(id_number=instance.id_number).exists()):
            raise ValidationError({"id_number": "该身份证号已在党员名册中，不能再由发展党员表接收为预备党员。"})

    @staticmethod
    def step_errors(instance: Applicant, stored: dict[str, Any],
                    sheet_reviews: Sequence[datetime.date] = ()) -> dict[str, str]:
        """The steps whose rules need more than the file's dates, checked when the sheet
        takes them: 确定为入党积极分子 names one or two 培养联系人 (full members on the
        roster, in the importer's scope — the widget looks them up there); 确定为发展对象
        needs a 考察 on or before that day, on the sheet or on record, and no stretch of
        more than six months without one (:func:`rules.review_gap_error`) through the
        考察 on record and the sheet's (``sheet_reviews``: every date of the cell, each not
        before the designation nor after today); 取消预备党员资格, 延长预备期 and 转正 need the
        date of the 支部大会 that decided them, and 转正 the 入党宣誓 (a file closed or
        decided before the date was kept stays as it is)."""
        errors: dict[str, str] = {}
        # The 支部大会's count, when the sheet records the meeting or a count not on record.
        for kind, meeting in VOTE_MEETINGS.items():
            names = rules.VOTE_FIELDS[kind]
            counts = [getattr(instance, name) for name in names]
            given = any(count is not None for count in counts)
            if given and not getattr(instance, meeting):
                errors[next(n for n, c in zip(names, counts) if c is not None)] = rules.vote_without_meeting_error(kind)
            elif ((getattr(instance, meeting) and not stored.get(meeting))
                  or (given and counts != [stored.get(name) for name in names])) and instance.branch_id:
                errors.update(services.vote_count_errors(kind, branch_id=instance.branch_id,
                                                         day=getattr(instance, meeting), expected=counts[0],
                                                         present=counts[1], in_favour=counts[2]))
        # 延长预备期 and 转正 taken by the sheet: each by a 支部大会 whose date it gives, as on
        # their step pages; 转正 after the 入党宣誓 (files on record before are left as they are).
        extended = instance.probation_extended_months or 0
        if extended and extended != (stored.get("probation_extended_months") or 0) and not instance.extension_meeting_on:
            errors["extension_meeting_on"] = rules.EXTENSION_MEETING_MISSING
        if instance.full_on and not stored.get("full_on"):
            if not instance.full_meeting_on:
                errors["full_meeting_on"] = rules.FULL_MEETING_MISSING
            if not instance.oath_on:
                errors["oath_on"] = rules.NO_OATH
        if instance.closed_reason and instance.vote_on and stored.get("stage") not in (Stage.CANCELLED, Stage.DECEASED):
            if message := rules.death_cancel_error(instance.closed_reason):
                errors["closed_reason"] = message  # a file the system closed on a death is kept, not refused
            elif not instance.cancel_meeting_on:
                errors["cancel_meeting_on"] = rules.CANCEL_MEETING_MISSING
        for day in sheet_reviews[:-1]:  # the latest is the file's date, checked by rules.file_errors
            if message := (rules.future_error(day, "培养考察日期", dates.today())
                           or rules.review_date_error(instance.activist_on, day, instance.vote_on)):
                errors["reviewed_on"] = message
                break
        ids = (instance.contact_1_id, instance.contact_2_id)
        if ids != (None, None) and not instance.activist_on:
            errors["contact_1"] = "培养联系人在确定为入党积极分子时指定：请同时填写确定为入党积极分子日期，或删去培养联系人。"
        elif instance.activist_on and not stored.get("activist_on") and ids == (None, None):
            errors["contact_1"] = "确定为入党积极分子须指定一至两名培养联系人，请填写培养联系人的身份证号。"
        elif ids != (stored.get("contact_1_id"), stored.get("contact_2_id")) and ids != (None, None):
            contacts = [m for m in (instance.contact_1, instance.contact_2) if m is not None]
            # Each contact's refusal under its own column (联系人二 marked, not 联系人一).
            named = {field: message for field, contact in (("contact_1", instance.contact_1),
                                                           ("contact_2", instance.contact_2))
                     if contact is not None and (message := rules.contact_error(contact, instance.activist_on))}
            if named:
                errors.update(named)
            elif message := rules.contacts_error(contacts, on=instance.activist_on):
                errors["contact_2" if len(contacts) == 2 else "contact_1"] = message
        candidate_on = instance.candidate_on
        if candidate_on and candidate_on != stored.get("candidate_on") and instance.activist_on:
            reviews = list(ActivistReview.objects.filter(applicant_id=instance.pk).values_list(
                "reviewed_on", flat=True)) if instance.pk else []
            if instance.reviewed_on is not None:
                reviews.append(instance.reviewed_on)
            reviews.extend(sheet_reviews)
            if not any(day <= candidate_on for day in reviews):
                errors["reviewed_on"] = rules.NO_REVIEW
            elif message := rules.review_gap_error(instance.activist_on, reviews, candidate_on,
                                                   instance.review_late_reason):
                errors["candidate_on"] = message
        return errors

    @staticmethod
    def passed_errors(instance: Applicant, stored: dict[str, Any],
                      sheet_reviews: Sequence[datetime.date] = ()) -> dict[str, str]:
        """The steps a stored file has passed that the row takes again, refused by the
        steps' own rules (:func:`services.sheet_steps_passed_errors`): the row's 考察 are
        the days of its cell the file has no record of (its 最近一次培养考察日期 on record
        is one it has)."""
        days = (set(sheet_reviews) or {instance.reviewed_on}) - {None, stored.get("reviewed_on")}
        reason = instance.review_late_reason and instance.review_late_reason != stored.get("review_late_reason")
        on_record: set[datetime.date] = set()
        if days or reason:
            on_record = set(ActivistReview.objects.filter(applicant_id=instance.pk)
                            .values_list("reviewed_on", flat=True))
            if stored.get("reviewed_on"):
                on_record.add(stored["reviewed_on"])
        return services.sheet_steps_passed_errors(applicant=instance, stored=stored, reviews=sorted(days - on_record),
                                                  reviews_on_record=on_record)

    @staticmethod
    def check_kept(instance: Applicant, stored: dict[str, Any], values: dict[str, Any]) -> None:
        """What a stored file already holds that the sheet may not rewrite. A closed file
        changes no more, its name, branch and contacts included; an open one moves only
        forward, as on its page: the sheet may fill in a step not yet recorded, never clear
        or change one on record (the vote's date is the member's 入党日期, the 培养联系人 are
        those the 确定为入党积极分子 named), nor rename the applicant or move the file to
        another branch (a move is a 组织关系转接); an extension on record is the one allowed."""
        stage = stored.get("stage")
        contacts = {f"{name}_id": getattr(instance, f"{name}_id") for name in CONTACTS}
        if stage in CLOSED_STAGES:
            # Nothing at all: the file's name and branch, its contacts and its dates.
            held = {**values, **contacts, "name": instance.name, "branch_id": instance.branch_id}
            if any(stored.get(name) != value for name, value in held.items()):
                raise ValidationError({"id_number": f"该申请人的发展程序已办结（{Stage(stage).label}），档案不能再修改。"})
            return
        errors: dict[str, str] = {}
        if instance.name != stored.get("name"):
            errors["name"] = "已有申请人档案的姓名不能在表中修改；请核对身份证号。"
        if instance.branch_id != stored.get("branch_id"):
            errors["branch"] = "已有申请人档案不能在表中转到其他党支部；转到其他支部须办理组织关系转接。"
        if stored.get("activist_on"):
            # The contacts are named by the 确定为入党积极分子 on record: kept as its date is.
            for name, label in CONTACTS.items():
                if contacts[f"{name}_id"] != stored.get(f"{name}_id"):
                    errors[name] = f"档案中已记录的{label}不能在表中清空或修改（在确定为入党积极分子时指定）。"
        for name in FILE_FIELDS:
            before = stored.get(name)
            if name == "reviewed_on" or before in (None, "", 0) or values[name] == before:
                continue  # a later 考察 moves the date on (prepare_instance)
            if name == "probation_extended_months":
                errors[name] = rules.extension_error(values[name], before)
            else:
                label = Applicant._meta.get_field(name).verbose_name
                errors[name] = KEPT_MESSAGES.get(name) or rules.kept_error(label, before, "在表中")
        if errors:
            raise ValidationError(errors)

    def after_import_commit(self, records: models.QuerySet[Applicant]) -> list[str]:
        """The roster follows the files; the job's message names the unpaid months a
        取消预备党员资格 deleted."""
        given = getattr(self, "sheet_reviews", {})
        earlier = {pk: given[number] for pk, number in records.values_list("pk", "id_number") if number in given}
        services.applicant_reviews_from_sheet(applicant_ids=records.filter(reviewed_on__isnull=False)
                                              .values_list("pk", flat=True),
                                              actor=self.user or SystemActor(SHEET_ACTOR), earlier=earlier)
        return services.applicants_to_roster(
            applicant_ids=records.filter(stage__in=ADMITTED).values_list("pk", flat=True),
            actor=self.user or SystemActor(SHEET_ACTOR)).notes


DUES_OF_ANOTHER_BRANCH = "该月党费由该党员组织关系转出前所在的党支部收缴和登记，不在您的管辖范围内，不能在此登记交纳。"


class DuesPaymentResource(ScopedModelResource):
    """党费交纳登记: payments against the months already generated, by ID number and month.
    After the sheet, the arrears counters follow and the 自行脱党 check runs."""

    slug = "members_dues"
    verbose_name = "党费交纳"
    # A month the sheet names that is on the ledger, out of scope: the member is in the
    # clerk's jurisdiction (MemberWidget), the month was collected by the branch he left.
    out_of_scope_error = ("月份", DUES_OF_ANOTHER_BRANCH)
    header_aliases = {**ID_ALIASES, "所属月份": "月份", "实交": "实交金额（元）", "实交金额": "实交金额（元）",
                      "交纳时间": "交纳日期"}
    example_row = {COL_ID: EXAMPLE_ID, COL_NAME: "王建国", "月份": "2026-03", "应交金额（元）": "45.00",
                   "实交金额（元）": "45.00", "交纳日期": "2026-03-10"}

    member = fields.Field(attribute="member", column_name=COL_ID, widget=MemberWidget())
    # Shown for the reader and checked: a name that is not the member's refuses the row.
    name = fields.Field(attribute="member__name", column_name=COL_NAME, readonly=True)
    month = fields.Field(attribute="month", column_name="月份", widget=DateWidget(month_only=True))
    due = fields.Field(column_name="应交金额（元）", readonly=True)  # shown for the reader; generated by the system
    paid = fields.Field(attribute="paid", column_name="实交金额（元）", widget=DecimalWidget())
    paid_on = fields.Field(attribute="paid_on", column_name="交纳日期", widget=DateWidget(need_day=True))

    class Meta:
        model = DuesRecord
        fields = ("member", "name", "month", "due", "paid", "paid_on")
        import_id_fields = ("member", "month")
        identity_check = ("name",)
        skip_unchanged = True
        clean_model_instances = True

    def dehydrate_due(self, record: DuesRecord) -> str:
        return f"{record.due:.2f}" if record.due is not None else ""

    def prepare_instance(self, instance: DuesRecord, original: DuesRecord | None) -> None:
        if instance.month:
            instance.month = instance.month.replace(day=1)
        if original is None:
            if instance.member_id is None or instance.month is None:
                return  # the key cell that failed says what is wrong
            member = instance.member
            if member.status != MemberStatus.ACTIVE:
                # Not "generate it first": no month is generated for a member off the roll.
                since = f"于{member.status_changed_on:%Y-%m-%d}" if member.status_changed_on else ""
                raise ValidationError({"month": f"该党员已{since}{member.get_status_display()}，不在名册中，"
                                                f"{instance.month:%Y.%m}的党费不再收缴，不能登记交纳。"})
            if DuesRecord.objects.filter(member_id=instance.member_id, month=instance.month).exists():
                return  # collected by the branch he left: out_of_scope_error says so
            raise ValidationError({"month": "该党员该月的应交党费尚未生成，不能登记交纳。"})
        paid_before = getattr(original, "_audit_loaded", {}).get("paid_on")
        errors = services.dues_payment_error(due=original.due, paid=instance.paid, paid_on=instance.paid_on,
                                             month=original.month, paid_before=paid_before, read_on="sheet")
        if not errors and (message := services.dues_recorded_error(
                record=original, paid=instance.paid, paid_on=instance.paid_on, where=services.DUES_CORRECT_WHERE)):
            errors = {"paid_on": message}
        if errors:
            raise ValidationError(errors)

    def after_import_commit(self, records: models.QuerySet[DuesRecord]) -> None:
        member_ids = set(records.values_list("member_id", flat=True))
        services.dues_recount(member_ids)
        # The whole jurisdiction, not just the rows: a sheet is when a clerk looks at arrears,
        # and the partial index keeps the candidates (six months or more unpaid) few.
        services.members_check_arrears(actor=self.user or SystemActor("members_dues_sheet"))


class AppraisalResource(ScopedModelResource):
    """民主评议党员: one member's result for one year, by ID number and year; a second
    sheet for the same year corrects the results it carries. The rules are the form's
    (:func:`rules.appraisal_errors`, the model's ``clean``); a result closed by its
    期满评定 is not rewritten."""

    slug = "members_appraisals"
    verbose_name = "民主评议党员"
    header_aliases = {**ID_ALIASES, "年度": "评议年度", "等次": "评定等次", "评议等次": "评定等次",
                      "评定日期": "支部大会评定日期", "处置": "组织处置", "组织处置方式": "组织处置",
                      "期满日期": "限期改正期满日期", "限期改正期限": "限期改正期满日期"}
    example_row = {COL_ID: EXAMPLE_ID, COL_NAME: "王建国", "评议年度": "2025", "评定等次": "合格",
                   "支部大会评定日期": "2026-01-15", "组织处置": "限期改正", "限期改正期满日期": "2026-07-15",
                   "备注": "支部大会到会党员一致通过"}
    column_notes = {"组织处置": "评定为不合格的填写（正式党员：限期改正、劝其退党或除名；预备党员：延长预备期"
                                "或取消预备党员资格），其余留空。",
                    "限期改正期满日期": "组织处置为限期改正的填写，在评定日期之后12个月以内，其余留空。"}

    member = fields.Field(attribute="member", column_name=COL_ID, widget=MemberWidget())
    name = fields.Field(attribute="member__name", column_name=COL_NAME, readonly=True)
    year = fields.Field(attribute="year", column_name="评议年度", widget=IntegerWidget())
    grade = fields.Field(attribute="grade", column_name="评定等次", widget=ChoiceWidget(AppraisalGrade.choices))
    decided_on = fields.Field(attribute="decided_on", column_name="支部大会评定日期", widget=DateWidget(need_day=True))
    disposal = fields.Field(attribute="disposal", column_name="组织处置", widget=ChoiceWidget(
        Disposal.choices, {"延长预备期": "延长预备期或取消预备党员资格", "取消预备党员资格": "延长预备期或取消预备党员资格",
                           "劝退": "劝其退党"}))
    correct_by = fields.Field(attribute="correct_by", column_name="限期改正期满日期", widget=DateWidget(need_day=True))
    note = fields.Field(attribute="note", column_name="备注")
    review_result = fields.Field(attribute="review_result", column_name="期满评定结果", readonly=True,
                                 widget=ChoiceWidget(CorrectionResult.choices))

    class Meta:
        model = Appraisal
        fields = ("member", "name", "year", "grade", "decided_on", "disposal", "correct_by", "note", "review_result")
        import_id_fields = ("member", "year")
        identity_check = ("name",)
        skip_unchanged = True
        clean_model_instances = True

    def prepare_instance(self, instance: Appraisal, original: Appraisal | None) -> None:
        instance.disposal = instance.disposal or ""
        instance.note = (instance.note or "").strip()
        if original is not None and (message := services.appraisal_kept_error(
                getattr(original, "_audit_loaded", {}), instance)):
            raise ValidationError({"grade": message})
