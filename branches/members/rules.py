"""The rules of member recruitment, transfers and dues (《中国共产党发展党员工作细则》,
《关于中国共产党党费收缴、使用和管理的规定》), as pure functions of dates and values.

Each returns a Chinese message (or a dict of them) when the rule is broken and nothing
otherwise, so the model's ``clean()``, the services and the sheets all call the same one.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings

from orgwork.common import dates, numbers

MIN_AGE = 18
TALK_WITHIN_MONTHS = 1
REVIEW_EVERY_MONTHS = 6
ACTIVIST_MIN_MONTHS = 12
TRAINING_MIN_DAYS = 3
TRAINING_MIN_HOURS = 24
APPROVAL_WITHIN_MONTHS = 3
PROBATION_MONTHS = 12
EXTENSION_MIN, EXTENSION_MAX = 6, 12
PROBATION_MAX_MONTHS = PROBATION_MONTHS + EXTENSION_MAX  # the year and the longest extension
ARREARS_LAPSE_MONTHS = 6
TRANSFER_OVERDUE_DAYS = 30
# 介绍信有效期: the letter states 有效期X天, in practice 10 to 30 days, never beyond three months.
LETTER_VALID_DAYS_DEFAULT = 30
LETTER_VALID_DAYS_MAX = 90
DUES_EXCEPTION_MAX = 200  # 党费未交清例外原因
# A 党费交至 on a letter from outside may run ahead of the receipt (paid in advance), not by years.
DUES_PAID_AHEAD_MAX_MONTHS = 12

# 党费标准: monthly income brackets (upper bound inclusive, rate) and fixed monthly amounts.
# Override with settings.MEMBER_DUES_RATES = {"brackets": [...], "fixed": {...}}.
DEFAULT_DUES_RATES: dict[str, Any] = {
    "brackets": [(Decimal("3000"), Decimal("0.005")), (Decimal("5000"), Decimal("0.01")),
                 (Decimal("10000"), Decimal("0.015")), (None, Decimal("0.02"))],
    "fixed": {"student": Decimal("0.20"), "farmer": Decimal("0.20"), "unemployed": Decimal("0.20")},
    # 离退休: by pension; ≤5000 0.5%, above 1%.
    "retired_brackets": [(Decimal("5000"), Decimal("0.005")), (None, Decimal("0.01"))],
}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the month's last day when it has fewer)."""
    return dates.add_months(day, months)


def latest_start(end: datetime.date, months: int) -> datetime.date:
    """The latest day from which ``months`` months (:func:`add_months`) end on or before
    ``end``: a period ending on a month's last day may start on any later day of its first
    month (2025-08-31 + 6 months is 2026-02-28)."""
    start = add_months(end, -months)
    if end.day == calendar.monthrange(end.year, end.month)[1]:
        start = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    return start


def years_between(start: datetime.date, end: datetime.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The day ``years`` before ``day`` (28 February for a 29th): whoever was born, or
    became a 正式党员, on or before it has ``years`` whole years on ``day``
    (:func:`years_between`), so an age or a 党龄 band is a range of dates."""
    return dates.years_before(day, years)


def standing_years(full_on: datetime.date | None, today: datetime.date | None = None) -> int | None:
    """党龄 counts from 转正日期, in whole years."""
    if full_on is None:
        return None
    return max(0, years_between(full_on, today or datetime.date.today()))


def branch_error(branch: Any) -> str:
    """Members and applicants belong to a 党支部, not a 党委 or 党总支."""
    from branches.models import OrgKind

    if branch.kind != OrgKind.BRANCH:
        return f"「{branch}」是{branch.get_kind_display()}，党员和入党申请人须编入党支部。"
    return ""


def member_dates_errors(*, category: str, joined_on: datetime.date | None, full_on: datetime.date | None,
                        birth_date: datetime.date | None, today: datetime.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, day, label in (("joined_on", joined_on, "入党日期"), ("full_on", full_on, "转正日期")):
        if isinstance(day, datetime.date) and (message := future_error(day, label, today)):
            errors[name] = message
    if category == "full" and full_on is None:
        errors["full_on"] = "正式党员须填写转正日期。"
    if category == "probationary" and full_on is not None:
        errors["full_on"] = "预备党员尚未转正，不应填写转正日期。"  # said first: the date should not be there at all
    elif joined_on and full_on and full_on < add_months(joined_on, PROBATION_MONTHS):
        errors["full_on"] = "转正日期不能早于入党日期满一年（预备期为一年）。"
    if joined_on and birth_date and years_between(birth_date, joined_on) < MIN_AGE:
        errors["joined_on"] = f"入党时须年满{MIN_AGE}岁。"
    return errors


def probation_overdue_before(today: datetime.date) -> datetime.date:
    """The 入党日期 before which no one is still a 预备党员 on ``today``."""
    return add_months(today, -PROBATION_MAX_MONTHS)


def probation_overdue_error(joined_on: datetime.date, today: datetime.date) -> str:
    """A 预备党员 is one for a year, two at most with an extension: one whose 入党日期 is
    further back has been made full (or lost the status) and is recorded so."""
    latest = probation_overdue_before(today)
    if joined_on < latest:
        return (f"预备期为一年，延长最多一年：入党日期在{latest:%Y-%m-%d}之前的不能登记为预备党员，"
                "应按正式党员登记并填写转正日期，或核对入党日期。")
    return ""


def application_age_error(birth_date: datetime.date, applied_on: datetime.date) -> str:
    if applied_on < birth_date:
        return f"递交入党申请书日期早于出生日期（{birth_date:%Y-%m-%d}），请核对。"
    if years_between(birth_date, applied_on) < MIN_AGE:
        return f"递交入党申请书时须年满{MIN_AGE}周岁（申请时{years_between(birth_date, applied_on)}岁）。"
    return ""


def talk_error(applied_on: datetime.date, talked_on: datetime.date, late_reason: str) -> str:
    """谈话 within one month of the application; later only with the reason recorded."""
    if talked_on < applied_on:
        return "谈话日期不能早于递交入党申请书日期。"
    if talked_on > add_months(applied_on, TALK_WITHIN_MONTHS) and not late_reason.strip():
        return "党组织应在收到入党申请书后一个月内派人谈话；逾期谈话须填写逾期原因。"
    return ""


def contact_error(contact: Any, on: datetime.date | None = None) -> str:
    """A 培养联系人 is a 正式党员 on the roll, and was one on the day of the 确定为入党积极分子
    (``on``): made full (转正日期) on or before it."""
    if contact.category != "full" or contact.status != "active":
        return f"培养联系人「{contact}」须是在册的正式党员。"
    if on is not None and (contact.full_on is None or contact.full_on > on):
        when = f"于{contact.full_on:%Y-%m-%d}转正" if contact.full_on else "没有转正日期"
        return (f"培养联系人「{contact}」{when}，确定为入党积极分子之日（{on:%Y-%m-%d}）还不是正式党员："
                "培养联系人须是确定之日的正式党员。")
    return ""


def contacts_error(contacts: list[Any], on: datetime.date | None = None) -> str:
    """One or two 培养联系人, each a 正式党员 in good standing, and one on the day ``on``
    of the 确定为入党积极分子 (:func:`contact_error`)."""
    if not 1 <= len(contacts) <= 2:
        return "须指定一至两名培养联系人。"
    if len({c.pk for c in contacts}) != len(contacts):
        return "两名培养联系人不能是同一人。"
    return next((message for contact in contacts if (message := contact_error(contact, on))), "")


NO_REVIEW = "没有培养考察记录（每半年一次），不能确定为发展对象。"


def review_date_error(activist_on: datetime.date | None, reviewed_on: datetime.date,
                      vote_on: datetime.date | None = None) -> str:
    """A 考察 is of an 入党积极分子 or a 发展对象: never before the designation, nor on or
    after the 支部大会 vote (``vote_on``) that made the applicant a 预备党员."""
    if activist_on is None:
        return "须先确定为入党积极分子。"
    if reviewed_on < activist_on:
        return "考察日期不能早于确定为入党积极分子日期。"
    if vote_on is not None:
        return review_vote_error(reviewed_on, vote_on)
    return ""


def review_vote_error(reviewed_on: datetime.date, vote_on: datetime.date) -> str:
    """A 考察 comes before the 支部大会 vote (``vote_on``) that made the applicant a 预备党员:
    one wording for a 考察 recorded after the vote (:func:`review_date_error`) and a vote
    recorded on or before a 考察 on file (``services.applicant_admit``)."""
    if reviewed_on >= vote_on:
        return (f"培养考察是对入党积极分子和发展对象的考察，考察日期须早于支部大会讨论接收日期（{vote_on:%Y-%m-%d}）："
                "接收为预备党员以后不再登记培养考察。")
    return ""


def review_gap(activist_on: datetime.date, reviews: Iterable[datetime.date],
               candidate_on: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    """The first stretch, from the designation through each 考察 to the 发展对象 decision,
    that passed six months without a 考察: its two ends, or None."""
    previous = activist_on
    for day in [*sorted({d for d in reviews if activist_on <= d <= candidate_on}), candidate_on]:
        if day > add_months(previous, REVIEW_EVERY_MONTHS):
            return previous, day
        previous = day
    return None


def review_gap_error(activist_on: datetime.date, reviews: Iterable[datetime.date], candidate_on: datetime.date,
                     late_reason: str) -> str:
    """细则: 党组织每半年对入党积极分子进行一次考察. At the 发展对象 decision, no stretch
    from the designation through each 考察 to the decision may pass six months without
    one; a longer stretch only with its reason recorded (as a late 谈话)."""
    if late_reason.strip() or (gap := review_gap(activist_on, reviews, candidate_on)) is None:
        return ""
    return (f"入党积极分子须每半年考察一次：{gap[0]:%Y-%m-%d}至{gap[1]:%Y-%m-%d}之间超过六个月没有考察记录，"
            "不能确定为发展对象；确有原因的，须填写考察逾期原因。")


def candidate_errors(*, activist_on: datetime.date, candidate_on: datetime.date) -> dict[str, str]:
    if candidate_on < add_months(activist_on, ACTIVIST_MIN_MONTHS):
        return {"candidate_on": "入党积极分子须经一年以上培养教育和考察，方可确定为发展对象。"}
    return {}


def admission_errors(*, political_review_on: datetime.date | None, training_days: int, training_hours: int,
                     publicity_on: datetime.date | None, vote_on: datetime.date,
                     candidate_on: datetime.date | None) -> dict[str, str]:
    """Before the 支部大会 votes: 政治审查, 集中培训 (≥3 days or ≥24 学时) and 公示 done —
    政审 and 公示 finished on or before the day of the vote."""
    errors: dict[str, str] = {}
    if political_review_on is None:
        errors["political_review_on"] = "发展对象未完成政治审查，不能提交支部大会讨论。"
    if training_days < TRAINING_MIN_DAYS and training_hours < TRAINING_MIN_HOURS:
        errors["training_days"] = (f"发展对象须经集中培训，时间不少于{TRAINING_MIN_DAYS}天"
                                   f"（或不少于{TRAINING_MIN_HOURS}学时）。")
    if political_review_on is not None and political_review_on > vote_on:
        errors["political_review_on"] = "政治审查须在支部大会讨论之前完成。"
    if publicity_on is None:
        errors["publicity_on"] = "发展对象未经公示，不能提交支部大会讨论。"
    elif publicity_on > vote_on:
        errors["publicity_on"] = "公示须在支部大会讨论之前结束。"
    if candidate_on and vote_on < candidate_on:
        errors["vote_on"] = "支部大会日期不能早于确定为发展对象日期。"
    return errors


def future_error(day: datetime.date, label: str, today: datetime.date) -> str:
    """A step is recorded when it has happened: no date after today."""
    if day > today:
        return f"{label}不能晚于今天。"
    return ""


def activist_error(talked_on: datetime.date | None, activist_on: datetime.date) -> dict[str, str]:
    """确定入党积极分子 after the 谈话."""
    if talked_on is None:
        return {"talked_on": "尚未谈话，不能确定为入党积极分子。"}
    if activist_on < talked_on:
        return {"activist_on": "确定为入党积极分子日期不能早于谈话日期。"}
    return {}


def preparation_error(candidate_on: datetime.date | None, day: datetime.date, label: str) -> str:
    """政治审查 and 公示 of a 发展对象 come after the day it was designated."""
    if candidate_on and day < candidate_on:
        return f"{label}不能早于确定为发展对象日期。"
    return ""


def kept_error(label: str, before: Any, where: str = "") -> str:
    """发展党员档案只向前走: a step on record (``before``) is not cleared or rewritten; ``where``
    names the path that tried (在表中), nothing for a step's page."""
    shown = before.isoformat() if hasattr(before, "isoformat") else str(before)
    return f"档案中已记录的{label}（{shown}）不能{where}清空或修改。"


def oath_error(approved_on: datetime.date | None, oath_on: datetime.date) -> str:
    """入党宣誓 after the higher committee's approval."""
    if approved_on is None:
        return "上级党委审批后方可组织入党宣誓。"
    if oath_on < approved_on:
        return "入党宣誓日期不能早于上级党委审批日期。"
    return ""


def full_after_oath_error(oath_on: datetime.date, full_meeting_on: datetime.date) -> str:
    """转正 comes after the 入党宣誓: the 支部大会 that discusses it sits on or after the day
    of the oath (the same day is allowed)."""
    if full_meeting_on < oath_on:
        return (f"讨论转正支部大会日期（{full_meeting_on:%Y-%m-%d}）不能早于入党宣誓日期（{oath_on:%Y-%m-%d}）："
                "预备党员入党宣誓后方能讨论转正。")
    return ""


APPROVAL_LATE = "上级党委应在支部大会通过后三个月内审批；审批确已逾期的，须填写审批逾期原因后登记。"


def approval_error(vote_on: datetime.date, approved_on: datetime.date, late_reason: str = "") -> str:
    """上级党委审批 within three months of the 支部大会; a later approval, which did happen,
    is recorded only with its reason (as a late 谈话 or 考察)."""
    if approved_on < vote_on:
        return "上级党委审批日期不能早于支部大会日期。"
    if approved_on > add_months(vote_on, APPROVAL_WITHIN_MONTHS) and not late_reason.strip():
        return APPROVAL_LATE
    return ""


def probation_end(vote_on: datetime.date | None, extended_months: int = 0) -> datetime.date | None:
    """预备期 runs one year from the 支部大会 vote, plus an extension."""
    if vote_on is None:
        return None
    return add_months(vote_on, PROBATION_MONTHS + extended_months)


def full_error(ends_on: datetime.date, decided_on: datetime.date) -> str:
    if decided_on < ends_on:
        return f"预备期至 {ends_on:%Y-%m-%d} 期满，期满前不能讨论转正。"
    return ""


def extension_meeting_error(vote_on: datetime.date, months: int, decided_on: datetime.date) -> str:
    """延长预备期 by ``months``, as 转正, is decided by the 支部大会 when the (one-year)
    预备期 has ended, and before the extended one would end: a meeting held after that
    extends nothing, it decides 转正 or 取消预备党员资格."""
    ends_on = probation_end(vote_on)
    if decided_on < ends_on:
        return f"预备期至 {ends_on:%Y-%m-%d} 期满，期满前不能讨论延长预备期。"
    extended_to = probation_end(vote_on, months)
    if decided_on >= extended_to:
        return (f"延长{months}个月的预备期至 {extended_to:%Y-%m-%d} 期满，不晚于这次支部大会，延长不了预备期："
                "支部大会应讨论转正或取消预备党员资格。")
    return ""


# 支部大会表决 (细则): the meeting sits only when more than half of the members with a vote
# (正式党员) it should have are there, and a resolution passes only when more than half
# of them — not of those present — are for it. Kept with the meeting's date: the
# admission (接收预备党员) and the 转正 vote.
VOTE_FIELDS = {"admit": ("vote_expected", "vote_present", "vote_for"),
               "full": ("full_vote_expected", "full_vote_present", "full_vote_for")}
VOTE_RESOLUTIONS = {"admit": "接收预备党员", "full": "同意转正"}
# Below a count's floor, in the words of the field (Applicant's count fields), the step
# form and the sheet alike (orgwork.common.numbers.floor_message).
VOTE_EXPECTED_SOMEONE = "应到会有表决权的党员人数至少为1。"
VOTE_PRESENT_FLOOR = numbers.count_floor("实到会有表决权的党员人数")
VOTE_FOR_FLOOR = numbers.count_floor("赞成人数")


def vote_tally_errors(kind: str, expected: int | None, present: int | None, in_favour: int | None) -> dict[str, str]:
    """Why the 支部大会's count for ``kind`` (``admit`` or ``full``) does not carry the
    resolution, under the count it is about; nothing when it does."""
    expected_field, present_field, for_field = VOTE_FIELDS[kind]
    resolution = VOTE_RESOLUTIONS[kind]
    missing = {field: f"请填写{label}：支部大会表决{resolution}须记录应到会、实到会有表决权的正式党员人数和赞成人数。"
               for field, label, value in ((expected_field, "应到会有表决权的党员人数", expected),
                                           (present_field, "实到会有表决权的党员人数", present),
                                           (for_field, "赞成人数", in_favour)) if value is None}
    if missing:
        return missing
    assert expected is not None and present is not None and in_favour is not None
    if expected < 1:
        return {expected_field: VOTE_EXPECTED_SOMEONE}
    if present > expected:
        return {present_field: f"实到会有表决权的党员（{present}人）不能多于应到会的（{expected}人）。"}
    if present * 2 <= expected:
        return {present_field: (f"到会有表决权的党员{present}人，未超过应到会有表决权党员{expected}人的半数，"
                                f"支部大会不能开会，{resolution}的表决无效。")}
    if in_favour > present:
        return {for_field: f"赞成人数（{in_favour}人）不能多于实到会有表决权的党员（{present}人）。"}
    if in_favour * 2 <= expected:
        return {for_field: (f"赞成{in_favour}人，未超过应到会有表决权的正式党员{expected}人的半数，"
                            f"{resolution}的决议未通过。")}
    return {}


def vote_without_meeting_error(kind: str) -> str:
    meeting = "支部大会讨论接收日期" if kind == "admit" else "讨论转正支部大会日期"
    return f"填写了表决人数，请同时填写{meeting}；没有召开的支部大会不记录表决人数。"


CANCEL_MEETING_MISSING = "取消预备党员资格须经支部大会讨论决定，请填写支部大会日期。"
EXTENSION_MEETING_MISSING = "延长预备期须经支部大会讨论决定，请填写延长预备期支部大会日期。"
FULL_MEETING_MISSING = "转正须经支部大会讨论决定，请填写讨论转正支部大会日期。"
NO_OATH = "预备党员尚未进行入党宣誓，不能转正：请先登记入党宣誓日期。"
# Also the table's constraint (members_applicant_cancel_meeting), in the same words: a
# sheet row that breaks both is told once.
CANCEL_MEETING_EARLY = "取消预备党员资格的支部大会日期不能早于接收为预备党员的支部大会日期。"


# A 预备党员 who died is not disqualified: 取消预备党员资格 records him as 出党. His death is
# recorded on the roster (变更党籍状态: 去世), which closes his file (as 预备党员去世).
DEATH_WORDS = ("去世", "逝世", "离世", "过世", "辞世", "亡故", "身亡", "病故", "病逝", "死亡", "身故")
# The closing reason the roster writes on the file of a 预备党员 who died (stage 预备期内去世).
DIED_REASON = "预备党员去世"
DEATH_NOT_CANCEL = ("预备党员去世不按取消预备党员资格办理（取消的记为出党）：请在党员名册中对其办理「变更党籍状态」为去世，"
                    "发展党员档案随之办结。")


def death_cancel_error(reason: str) -> str:
    """取消预备党员资格 given a death as its reason (因病去世): refused, with where to record it."""
    return DEATH_NOT_CANCEL if any(word in reason for word in DEATH_WORDS) else ""


# The steps of a 预备党员's file that a 取消 may not come before, once on record (or in the
# same sheet row): the decision ends a file that had already reached them.
CANCEL_AFTER = (("approved_on", "上级党委审批日期"), ("oath_on", "入党宣誓日期"),
                ("extension_meeting_on", "延长预备期支部大会日期"))


def cancel_meeting_error(vote_on: datetime.date, decided_on: datetime.date,
                         steps: dict[str, datetime.date | None] | None = None) -> str:
    """取消预备党员资格 is decided by the 支部大会, during the 预备期 or after it: on a day
    not before the meeting that admitted the member, nor before the latest of the steps
    of :data:`CANCEL_AFTER` on the file (``steps``: their dates by field), which it names."""
    if decided_on < vote_on:
        return CANCEL_MEETING_EARLY
    taken = [(day, label) for field, label in CANCEL_AFTER if (day := (steps or {}).get(field))]
    if taken and decided_on < (latest := max(taken, key=lambda step: step[0]))[0]:
        return (f"取消预备党员资格的支部大会日期（{decided_on:%Y-%m-%d}）不能早于已登记的"
                f"{latest[1]}（{latest[0]:%Y-%m-%d}）。")
    return ""


def extension_error(months: int, already_extended: int) -> str:
    if already_extended:
        return "预备期只能延长一次。"
    if not EXTENSION_MIN <= months <= EXTENSION_MAX:
        return f"延长预备期为{EXTENSION_MIN}至{EXTENSION_MAX}个月。"
    return ""


EXTENSION_NOT_APPROVED = "上级党委尚未审批，不能延长预备期。"


# The dated steps of one application file, in the order they are taken, with the
# labels the services and the sheet use in their messages.
FILE_DATES = (
    ("applied_on", "递交入党申请书日期"), ("talked_on", "谈话日期"), ("activist_on", "确定为入党积极分子日期"),
    ("reviewed_on", "最近一次培养考察日期"), ("candidate_on", "确定为发展对象日期"),
    ("political_review_on", "政治审查完成日期"),
    ("publicity_on", "公示结束日期"), ("vote_on", "支部大会讨论接收日期"), ("approved_on", "上级党委审批日期"),
    ("oath_on", "入党宣誓日期"), ("extension_meeting_on", "延长预备期支部大会日期"), ("full_on", "转正日期"),
    ("full_meeting_on", "讨论转正支部大会日期"), ("cancel_meeting_on", "取消预备党员资格支部大会日期"),
)
# Each step needs the one before it: (field, the field it needs, what is missing).
FILE_NEEDS = (
    ("candidate_on", "activist_on", "须先确定为入党积极分子。"),
    ("political_review_on", "candidate_on", "须先确定为发展对象。"),
    # 集中培训 is of a 发展对象, recorded with the 政审 and 公示 (登记政审、培训、公示).
    ("training_days", "candidate_on", "须先确定为发展对象。"),
    ("training_hours", "candidate_on", "须先确定为发展对象。"),
    # 考察逾期原因 is given with the 发展对象 decision (or recorded after it).
    ("review_late_reason", "candidate_on", "须先确定为发展对象。"),
    ("publicity_on", "candidate_on", "须先确定为发展对象。"),
    ("vote_on", "candidate_on", "须先确定为发展对象。"),
    ("approved_on", "vote_on", "须先经支部大会讨论接收为预备党员。"),
    ("oath_on", "approved_on", "上级党委审批后方可组织入党宣誓。"),
    ("full_on", "approved_on", "上级党委尚未审批，不能转正。"),
    ("probation_extended_months", "approved_on", EXTENSION_NOT_APPROVED),
    ("extension_meeting_on", "probation_extended_months", "未延长预备期，不应填写延长预备期支部大会日期。"),
    ("full_meeting_on", "full_on", "未转正，不应填写讨论转正支部大会日期。"),
    ("cancel_meeting_on", "closed_reason", "未取消预备党员资格，不应填写取消预备党员资格支部大会日期。"),
    ("cancel_meeting_on", "vote_on", "尚未经支部大会接收为预备党员：终止培养不填写取消预备党员资格支部大会日期。"),
)


def file_errors(values: dict[str, Any], today: datetime.date) -> dict[str, str]:
    """The whole file of one applicant at once (a sheet row carries it), checked by the
    same rules each step's service applies when the step is taken in the system: no
    date after today, each step after the one it needs and within its time limits,
    延长预备期 of six to twelve months, 转正 on the day the 预备期 ends, 取消 only
    before 转正. ``values`` holds the fields of :data:`FILE_DATES` and
    ``talk_late_reason``, ``review_late_reason``, ``training_days``, ``training_hours``,
    ``probation_extended_months``, ``closed_reason``, and the 支部大会 dates of an
    extension and of the 转正 where the sheet gives them (each on or after the day the
    预备期 it decides on ends) and of a 取消 (not before the vote, the 审批, the 宣誓 or
    the extension's meeting; the sheet requires it when it takes the 取消,
    :meth:`ApplicantResource.step_errors`). The first problem of each field is reported."""
    errors: dict[str, str] = {}

    def add(found: dict[str, str]) -> None:
        for field, message in found.items():
            errors.setdefault(field, message)

    get = values.get
    for field, label in FILE_DATES:
        if get(field) and (message := future_error(get(field), label, today)):
            add({field: message})
    for field, needed, message in FILE_NEEDS:
        if get(field) and not get(needed):
            add({field: message})
    if get("talked_on") and get("applied_on") and (message := talk_error(get("applied_on"), get("talked_on"),
                                                                          get("talk_late_reason") or "")):
        add({"talked_on": message})
    if get("activist_on"):  # reported on the 积极分子 column, whichever date is at fault
        add({"activist_on": message for message in activist_error(get("talked_on"), get("activist_on")).values()})
    if get("reviewed_on") and (message := review_date_error(get("activist_on"), get("reviewed_on"), get("vote_on"))):
        add({"reviewed_on": message})
    if get("candidate_on") and get("activist_on"):
        add(candidate_errors(activist_on=get("activist_on"), candidate_on=get("candidate_on")))
    for field, label in (("political_review_on", "政治审查完成日期"), ("publicity_on", "公示结束日期")):
        if get(field) and (message := preparation_error(get("candidate_on"), get(field), label)):
            add({field: message})
    if get("vote_on") and get("candidate_on"):
        add(admission_errors(political_review_on=get("political_review_on"), training_days=get("training_days") or 0,
                             training_hours=get("training_hours") or 0, publicity_on=get("publicity_on"),
                             vote_on=get("vote_on"), candidate_on=get("candidate_on")))
    if get("approved_on") and get("vote_on") and (message := approval_error(get("vote_on"), get("approved_on"),
                                                                            get("approval_late_reason") or "")):
        add({"approved_on": message})
    if get("oath_on") and get("approved_on") and (message := oath_error(get("approved_on"), get("oath_on"))):
        add({"oath_on": message})
    if get("oath_on") and get("full_meeting_on") and (message := full_after_oath_error(get("oath_on"),
                                                                                         get("full_meeting_on"))):
        add({"full_meeting_on": message})
    extended = get("probation_extended_months") or 0
    if extended:
        if not get("vote_on"):
            add({"probation_extended_months": "须先经支部大会讨论接收为预备党员。"})
        elif message := extension_error(extended, 0):
            add({"probation_extended_months": message})
    if extended and get("extension_meeting_on") and get("vote_on") and (message := extension_meeting_error(
            get("vote_on"), extended, get("extension_meeting_on"))):
        add({"extension_meeting_on": message})
    if get("full_on") and get("vote_on"):
        ends = probation_end(get("vote_on"), extended)
        if get("full_on") != ends:
            add({"full_on": f"转正日期为预备期满之日（{ends:%Y-%m-%d}），"
                            f"{'延长预备期' if extended else '预备期一年'}后方能转正。"})
        elif get("full_meeting_on") and (message := full_error(ends, get("full_meeting_on"))):
            add({"full_meeting_on": message})
    if (get("closed_reason") or "").strip() and get("full_on"):
        add({"closed_reason": "已转正的党员不能取消预备党员资格或终止培养。"})
    if get("cancel_meeting_on") and get("vote_on") and (message := cancel_meeting_error(
            get("vote_on"), get("cancel_meeting_on"), {field: get(field) for field, _ in CANCEL_AFTER})):
        add({"cancel_meeting_on": message})
    return errors


def file_stage(values: dict[str, Any]) -> str:
    """The stage a file has reached, read from its dates (and a closing reason)."""
    if reason := (values.get("closed_reason") or "").strip():
        if not values.get("vote_on"):
            return "withdrawn"
        return "deceased" if reason == DIED_REASON else "cancelled"
    for field, stage in (("full_on", "full"), ("vote_on", "probationary"), ("candidate_on", "candidate"),
                         ("activist_on", "activist")):
        if values.get(field):
            return stage
    return "applied"


# A member whose relationship left the province is off the roll: he comes back by a
# transfer into the province, on his own record, never by a roster row.
TRANSFERRED_OUT_BACK = ("该党员的组织关系已转出本省，不在名册中；转回本省的，请办理「省外转入」（在组织关系转接列表的"
                        "「登记省外转入」页面填写其身份证号，或在其党员页面），填写省外党组织开出的介绍信，"
                        "不能在名册中重新登记或恢复。")


def letter_valid_days_error(days: Any) -> str:
    """介绍信有效期: whole days, from 1 to three months (90 days)."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= LETTER_VALID_DAYS_MAX:
        return f"介绍信有效期应为1至{LETTER_VALID_DAYS_MAX}天（通常为10至30天，最长不超过3个月）。"
    return ""


def letter_valid_until(sent_on: datetime.date | None, valid_days: int | None) -> datetime.date | None:
    """有效至: the letter's last valid day, ``valid_days`` after it was issued."""
    if sent_on is None or valid_days is None:
        return None
    return sent_on + datetime.timedelta(days=valid_days)


LETTER_VALID_DAYS_MISSING = (f"请填写介绍信有效期（天）：开出的介绍信须注明有效期，一般为10至30天，"
                             f"最长不超过{LETTER_VALID_DAYS_MAX}天。")
LETTER_FROM_OUTSIDE_VALID_DAYS_MISSING = "请填写省外介绍信注明的有效期（天）。"


def letter_valid_days_required_error(days: Any, missing: str = LETTER_VALID_DAYS_MISSING) -> str:
    """A letter issued or registered from now on states its 有效期 (``missing`` says which
    letter); the letters issued before it was recorded keep none and are not checked."""
    if days is None or days == "":
        return missing
    return letter_valid_days_error(days)


def _day(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def letter_expired_error(valid_until: datetime.date | None, received_on: datetime.date) -> str:
    """党员必须在有效期内办理接转手续: a letter received after its validity is sent back
    for re-issue (退回 stays open); a letter that states no validity is not checked."""
    if valid_until is None or received_on <= valid_until:
        return ""
    return f"介绍信已过有效期（有效至{_day(valid_until)}）：请退回介绍信，由转出党组织重新开具。"


def receipt_expired_error(valid_until: datetime.date | None, received_on: datetime.date) -> str:
    """回执 of a letter out of the province: the organisation outside receives the member
    within the letter's validity; a receipt dated after it is not recorded. The letter
    has run out: the clerk records it as come back (介绍信被退回) and issues a new one."""
    if valid_until is None or received_on <= valid_until:
        return ""
    return (f"回执日期（{_day(received_on)}）晚于介绍信有效期，介绍信已于{_day(valid_until)}到期：不能登记回执。"
            "请登记「介绍信被退回」，再为该党员重新开具介绍信。")


def letter_from_outside_errors(*, sent_on: datetime.date, valid_days: int,
                               received_on: datetime.date) -> dict[str, str]:
    """登记省外转入: the letter from outside is received on or after the day it was issued
    and within its 有效期; one that ran out goes back to the organisation outside, which
    issues a new one."""
    if received_on < sent_on:
        return {"received_on": f"接收日期不能早于省外介绍信的开出日期（{_day(sent_on)}）。"}
    until = letter_valid_until(sent_on, valid_days)
    assert until is not None
    if received_on > until:
        return {"received_on": f"接收日期（{_day(received_on)}）晚于省外介绍信的有效期，介绍信已于{_day(until)}到期："
                               "不能凭此介绍信登记转入，请退回开出介绍信的省外党组织重新开具，凭新介绍信登记。"}
    return {}


def dues_unsettled_error(unpaid: list[datetime.date], sent_on: datetime.date, exception: str) -> str:
    """党员转出前应交清转出当月以前的党费 (the letter states 党费交至): months before the
    letter's month unpaid by its day are refused, unless the clerk records the exception
    and its reason (例外原因, e.g. 困难党员经批准减免), as a late step of the recruitment
    file records its reason."""
    if not unpaid or exception.strip():
        return ""
    shown = "、".join(f"{m:%Y.%m}" for m in unpaid)
    return (f"截至开出介绍信日期（{_day(sent_on)}）尚有{len(unpaid)}个月党费未交纳（{shown}）：党员转出前应交清"
            f"转出当月以前的党费。请先登记交纳；经批准减免等例外情形的，填写例外原因后再确认转出。")


def dues_paid_to_error(paid_to: datetime.date, received_on: datetime.date,
                       joined_on: datetime.date | None = None) -> str:
    """党费交至 on a letter from outside: a month paid ahead of the receipt is possible, a
    year beyond it is not believable (a mistyped year). Behind it, the months after it are
    owed here, generated as any month's dues: no further back than generation reaches
    (``DUES_GENERATE_BACK_MONTHS`` before the receipt's month), and none before he joined
    the Party (a month before his joining month says nothing was paid)."""
    month = received_on.replace(day=1)
    if paid_to > add_months(month, DUES_PAID_AHEAD_MAX_MONTHS):
        return (f"党费交至{paid_to:%Y.%m}晚于接收日期所在月份{DUES_PAID_AHEAD_MAX_MONTHS}个月以上，"
                "请核对介绍信上的月份。")
    if joined_on is not None and paid_to < add_months(joined_on.replace(day=1), -1):
        return (f"党费交至{paid_to:%Y.%m}早于入党日期（{joined_on:%Y-%m-%d}）：入党前不交党费，请核对介绍信上的月份；"
                f"入党后一直未交的，填入党前一个月（{add_months(joined_on.replace(day=1), -1):%Y.%m}）。")
    if paid_to < add_months(month, -(DUES_GENERATE_BACK_MONTHS + 1)):
        return (f"党费交至{paid_to:%Y.%m}早于接收日期所在月份{DUES_GENERATE_BACK_MONTHS}个月以上：欠缴的党费只能"
                f"补记最近{DUES_GENERATE_BACK_MONTHS}个月，请核对介绍信上的月份；确系长期未交的，请与转出的省外党组织核实后再登记。")
    return ""


def dues_first_owed(*, received_on: datetime.date, paid_to: datetime.date | None) -> datetime.date:
    """The first month a member transferred in from outside owes dues here: the month after
    the letter's 党费交至 (arrears follow the member, a month paid ahead is not asked
    again), or the month of the receipt when the letter names none."""
    if paid_to is None:
        return received_on.replace(day=1)
    return add_months(paid_to.replace(day=1), 1)


ROUTE_MISSING = "省内转接请选择转入党支部；转出本省请填写转往单位。"


def transfer_errors(*, from_branch_id: int | None, to_branch: Any, destination: str) -> dict[str, str]:
    if to_branch is None and not destination.strip():
        return {"destination": ROUTE_MISSING}
    if to_branch is not None and destination.strip():
        return {"destination": "已选择省内转入党支部，不必再填写省外转往单位。"}
    if to_branch is not None:
        if to_branch.pk == from_branch_id:
            return {"to_branch": "转入党支部不能是党员现在的党支部。"}
        message = branch_error(to_branch)
        if message:
            return {"to_branch": message}
    return {}


# --- 变更党籍状态 (出党、停止党籍、去世, and back 在册) ---------------------------------

STATUS_DATE_MISSING = "请填写党籍状态变更日期。"
STATUS_BEFORE_JOINING = "党籍状态变更日期不能早于入党日期。"
# The statuses whose change must say on what grounds (a decision with its 文号): leaving
# by 出党 or 停止党籍, and coming back 在册 (恢复党籍, or a change recorded in error).
# 去世 needs only the date (the reason may note how it was learnt); 转出 is a transfer's.
STATUS_REASON_REQUIRED = {
    "expelled": "出党须写明原因或依据（如除名、开除党籍的决定及文号，或本人退党）。",
    "suspended": "停止党籍须写明原因或依据（如停止党籍的决定及文号）。",
    "active": "恢复在册须写明依据（如恢复党籍的决定及文号，或原变更登记有误）。",
}
STATUS_REASON_MAX = 200


def status_change_errors(*, status: str, changed_on: datetime.date | None, reason: str,
                         joined_on: datetime.date, previous_on: datetime.date | None,
                         today: datetime.date, received_on: datetime.date | None = None) -> dict[str, str]:
    """变更党籍状态: the day of the change (变更日期) is required, not after today, not before
    入党日期, nor before the change it follows, nor before the member's last 组织关系转接
    was received (``received_on``: he was on the roll of the branch that received him from
    that day); the reason or grounds (变更原因/依据) is required for 出党、停止党籍 and for
    coming back 在册 (:data:`STATUS_REASON_REQUIRED`)."""
    errors: dict[str, str] = {}
    if changed_on is None:
        errors["status_changed_on"] = STATUS_DATE_MISSING
    elif message := future_error(changed_on, "党籍状态变更日期", today):
        errors["status_changed_on"] = message
    elif changed_on < joined_on:
        errors["status_changed_on"] = f"党籍状态变更日期不能早于入党日期（{joined_on:%Y-%m-%d}）。"
    elif previous_on is not None and changed_on < previous_on:
        errors["status_changed_on"] = f"党籍状态变更日期不能早于上一次变更的日期（{previous_on:%Y-%m-%d}）。"
    elif received_on is not None and changed_on < received_on:
        errors["status_changed_on"] = (f"党籍状态变更日期不能早于该党员上一次组织关系转接的接收日期"
                                       f"（{received_on:%Y-%m-%d}）。")
    if status in STATUS_REASON_REQUIRED and not reason.strip():
        errors["status_reason"] = STATUS_REASON_REQUIRED[status]
    elif len(reason.strip()) > STATUS_REASON_MAX:
        errors["status_reason"] = f"变更原因或依据不能超过{STATUS_REASON_MAX}字。"
    return errors


def left_by_letter_error(*, name: str, sent_on: datetime.date, joined_on: datetime.date,
                         previous_on: datetime.date | None) -> str:
    """登记回执 of a letter out of the province dates the member's 转出 by the letter
    (开出介绍信日期), which may not come before his 入党日期 or his last change of
    党籍状态: a record corrected, or written before those rules, after the letter left."""
    if sent_on < joined_on:
        return (f"介绍信的开出日期（{sent_on:%Y-%m-%d}）早于「{name}」的入党日期（{joined_on:%Y-%m-%d}），"
                "不能据此登记转出本省：请核对该党员的入党日期，或登记「介绍信被退回」后重新开具介绍信。")
    if previous_on is not None and sent_on < previous_on:
        return (f"介绍信的开出日期（{sent_on:%Y-%m-%d}）早于「{name}」上一次党籍状态变更的日期"
                f"（{previous_on:%Y-%m-%d}），不能据此登记转出本省：请登记「介绍信被退回」后重新开具介绍信。")
    return ""


def transfer_started_error(*, started_on: datetime.date, joined_on: datetime.date,
                           received_on: datetime.date | None, status_changed_on: datetime.date | None) -> str:
    """申请组织关系转接: the 申请日期 is not before 入党日期, nor before the member came to
    the branch he leaves (the last transfer's receipt), nor before his last change of
    党籍状态 (he was off the roll before a 恢复在册)."""
    if started_on < joined_on:
        return f"申请日期不能早于入党日期（{joined_on:%Y-%m-%d}）。"
    if received_on is not None and started_on < received_on:
        return f"申请日期不能早于上一次组织关系转接的接收日期（{received_on:%Y-%m-%d}）。"
    if status_changed_on is not None and started_on < status_changed_on:
        return f"申请日期不能早于该党员上一次党籍状态变更的日期（{status_changed_on:%Y-%m-%d}）。"
    return ""


def joined_after_record_error(*, joined_on: datetime.date, transfer_on: datetime.date | None,
                              appraisal_year: int | None, appraisal_on: datetime.date | None,
                              dues_month: datetime.date | None) -> str:
    """入党日期 corrected on the roster is not later than what is on record for the member:
    his earliest 组织关系转接 (申请 or 开出介绍信), 民主评议 (its 年度 and 支部大会评定日期)
    and 党费 month (a month is owed by one who joined in it). Each is refused to a
    joined_on after it when recorded afresh; the message names those it would contradict."""
    found = []
    if transfer_on is not None and joined_on > transfer_on:
        found.append(f"组织关系转接（{transfer_on:%Y-%m-%d}）")
    if appraisal_year is not None and joined_on.year > appraisal_year:
        found.append(f"{appraisal_year}年度民主评议")
    elif appraisal_on is not None and joined_on > appraisal_on:
        found.append(f"民主评议（支部大会评定日期{appraisal_on:%Y-%m-%d}）")
    if dues_month is not None and joined_on.replace(day=1) > dues_month:
        found.append(f"{dues_month:%Y.%m}的党费记录")
    if not found:
        return ""
    return f"入党日期（{joined_on:%Y-%m-%d}）不能晚于该党员已有的记录：{'、'.join(found)}。请核对入党日期。"


def left_the_party_error(*, name: str, left_on: datetime.date | None) -> str:
    """A member who has left the Party (出党) is no longer a member: his death or a
    停止党籍 is not recorded against him; the one change left is 恢复党籍 (back 在册).
    A member 停止党籍 (out of contact) is still the Party's: his death may be recorded."""
    when = f"已于{left_on:%Y-%m-%d}出党" if left_on else "已出党"
    return f"「{name}」{when}，不再登记为党员去世或停止党籍；恢复党籍的，请变更为“在册”。"


def dues_first_month_gone(*, status: str, left_on: datetime.date) -> datetime.date:
    """党费 on leaving the roll (离开名册后的党费): the first month whose unpaid dues are no
    longer asked for. A member who leaves (组织关系转出本省、出党、停止党籍) pays up to and
    including the month of leaving (转出: the month the letter is issued) and owes nothing
    after it; for one who died (去世) nothing is asked from the month of death on."""
    month = left_on.replace(day=1)
    return month if status == "deceased" else add_months(month, 1)


# How far back a month's dues may still be generated (a ledger started late, a branch
# catching up): older months would make arrears, and 自行脱党 reviews, of dues never asked for.
DUES_GENERATE_BACK_MONTHS = 12


def dues_month_error(month: datetime.date, today: datetime.date) -> str:
    """应交党费 is generated for a month that has begun, never ahead of time, and not more
    than a year back."""
    if (month.year, month.month) > (today.year, today.month):
        return f"{month:%Y.%m}尚未到来，不能提前生成党费。"
    earliest = add_months(today.replace(day=1), -DUES_GENERATE_BACK_MONTHS)
    if month < earliest:
        return f"只能生成最近{DUES_GENERATE_BACK_MONTHS}个月（{earliest:%Y.%m}以后）的党费。"
    return ""


def _rates() -> dict[str, Any]:
    return getattr(settings, "MEMBER_DUES_RATES", DEFAULT_DUES_RATES)


def _bracket(brackets: list[tuple[Decimal | None, Decimal]], income: Decimal) -> Decimal:
    for upper, rate in brackets:
        if upper is None or income <= upper:
            return rate
    return brackets[-1][1]


# The 党费类别 whose dues are a rate of the member's income: without an income base above
# 0 there is nothing to compute from (empty: not yet filled, e.g. a member just admitted).
# The categories whose dues are a share of a base (在职: the fixed part of the monthly pay;
# 离退休: the monthly pension): without one, a month would be 应交 0.00 and never paid.
INCOME_BASE_REQUIRED = ("employed", "retired")
INCOME_BASE_MISSING = ("在职和离退休党员须填写党费计算基数（在职为月工资收入中的固定部分，离退休为月离退休费，大于0）；"
                       "尚未核定的可暂留空。")


def income_base_error(*, category: str, income_base: Decimal | None) -> str:
    """An 在职 or 离退休 member's base, once filled, is above 0 (0 would make every month
    应交 0.00)."""
    if category in INCOME_BASE_REQUIRED and income_base is not None and income_base <= 0:
        return INCOME_BASE_MISSING
    return ""


def monthly_dues(*, category: str, income_base: Decimal | None) -> Decimal:
    """应交党费 for one month, to the fen (callers skip an 在职 or 离退休 member without a
    base)."""
    table = _rates()
    if category in table["fixed"]:
        return Decimal(table["fixed"][category])
    brackets = table["retired_brackets"] if category == "retired" else table["brackets"]
    base = Decimal(income_base or 0)
    amount = base * _bracket(brackets, base)
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# A payment above this many times the month's 应交 is most likely a typing slip (3600.00
# for 36.00); a member may pay more of their own will (自愿多交党费), so such an amount is
# taken only when confirmed on the record's page.
DUES_CONFIRM_MULTIPLE = 10


def dues_amount_error(*, due: Decimal, paid: Decimal, confirmed: bool, read_on: str = "") -> str:
    """An amount far above the amount due, not confirmed. What to do is said for where
    the message is read (``read_on``): on the record's page (``"page"``) the box is right
    there; a sheet's row (``"sheet"``) cannot be confirmed, so the row is taken out and
    the payment registered on the record's page; a service caller is sent to the page."""
    if paid > due * DUES_CONFIRM_MULTIPLE and not confirmed:
        head = f"实交 {paid} 元超过应交 {due} 元的{DUES_CONFIRM_MULTIPLE}倍，请核对金额；确系自愿多交党费的，"
        if read_on == "page":
            return head + "请勾选“确认自愿多交”后保存。"
        if read_on == "sheet":
            return head + "表中不能确认，请从表中删去该行，在该党费记录的页面登记并勾选“确认自愿多交”。"
        return head + "请在该党费记录的页面登记并勾选“确认自愿多交”。"
    return ""


def longest_unpaid_run(months_unpaid: list[datetime.date], today: datetime.date) -> int:
    """The longest run of consecutive unpaid months (``months_unpaid`` are month starts)
    among the months that have ended: the current month is paid within the month."""
    current = today.replace(day=1)
    best = run = 0
    previous: datetime.date | None = None
    for month in sorted(m for m in months_unpaid if m < current):
        run = run + 1 if previous is not None and add_months(previous, 1) == month else 1
        best = max(best, run)
        previous = month
    return best


# --- 民主评议党员 -----------------------------------------------------------------------
# 《中国共产党党员教育管理工作条例》: members are appraised once a year, 优秀 / 合格 /
# 基本合格 / 不合格; a member found 不合格 is given an organisational disposal by the
# 支部大会: 限期改正 (generally for one year), 劝其退党, or 除名 for one who will not leave;
# a 预备党员 found 不合格 has the 预备期 extended or the 预备党员资格 cancelled. When a
# 限期改正 period ends, the branch discusses whether the member has corrected.

CORRECTION_MAX_MONTHS = 12
DISPOSAL_CHOICES_MESSAGE = "限期改正、劝其退党或除名"


FIRST_APPRAISAL_YEAR = 1949


def appraisal_errors(*, year: int | None, grade: str, decided_on: datetime.date | None, disposal: str,
                     correct_by: datetime.date | None, category: str | None, joined_on: datetime.date | None,
                     status: str | None, today: datetime.date) -> dict[str, str]:
    """The rules of one member's 民主评议 result, by the field each one is about.
    ``status``: the member's, for a result being recorded (None when correcting one: a
    result recorded while the member was on the roll may be corrected after they left)."""
    errors: dict[str, str] = {}
    if status is not None and status != "active":
        errors["member"] = "只有在册党员参加民主评议。"
    plausible = year is not None and FIRST_APPRAISAL_YEAR <= year <= today.year
    if year is not None:
        if year > today.year:
            errors["year"] = f"评议年度不能晚于今年（{today.year}年）。"
        elif year < FIRST_APPRAISAL_YEAR:
            errors["year"] = f"评议年度不能早于{FIRST_APPRAISAL_YEAR}年。"
        elif joined_on is not None and joined_on.year > year:
            errors["year"] = f"该党员{joined_on.year}年入党，不参加{year}年度的民主评议。"
    if decided_on is not None:
        if decided_on > today:
            errors["decided_on"] = "支部大会评定日期不能晚于今天。"
        elif joined_on is not None and decided_on < joined_on:
            errors["decided_on"] = f"支部大会评定日期不能早于该党员的入党日期（{joined_on:%Y-%m-%d}）。"
        elif plausible and not year <= decided_on.year <= year + 1:  # type: ignore[operator]
            errors["decided_on"] = f"{year}年度的民主评议应在{year}年内或次年评定。"
    if grade == "unqualified":
        if not disposal:
            errors["disposal"] = ("评为不合格的党员须作出组织处置：正式党员" + DISPOSAL_CHOICES_MESSAGE
                                  + "，预备党员延长预备期或取消预备党员资格。")
        elif category == "probationary" and disposal != "probation":
            errors["disposal"] = "预备党员评为不合格的，组织处置为延长预备期或取消预备党员资格。"
        elif category == "full" and disposal == "probation":
            errors["disposal"] = f"正式党员评为不合格的，组织处置为{DISPOSAL_CHOICES_MESSAGE}。"
    elif grade and disposal:
        errors["disposal"] = "只有评为不合格的党员才作组织处置。"
    if disposal == "correct" and "disposal" not in errors:
        if correct_by is None:
            errors["correct_by"] = "限期改正须填写期满日期（期限一般为一年）。"
        elif decided_on is not None and not decided_on < correct_by <= add_months(decided_on, CORRECTION_MAX_MONTHS):
            errors["correct_by"] = (f"限期改正的期满日期应在评定日期（{decided_on:%Y-%m-%d}）之后、"
                                    f"{CORRECTION_MAX_MONTHS}个月以内。")
    elif correct_by is not None and disposal != "correct":
        errors["correct_by"] = "只有限期改正才填写期满日期。"
    return errors


def correction_review_error(*, correct_by: datetime.date, reviewed_on: datetime.date,
                            today: datetime.date) -> str:
    """限期改正期满评定: held when the period has ended, not later than today."""
    if reviewed_on > today:
        return "期满评定日期不能晚于今天。"
    if reviewed_on < correct_by:
        return f"限期改正至{correct_by:%Y-%m-%d}期满，期满后才能讨论是否改正。"
    return ""


def carry_out_error(*, decided_on: datetime.date, reviewed_on: datetime.date | None, approved_on: datetime.date,
                    today: datetime.date) -> str:
    """落实组织处置: the higher committee approves after the 支部大会 that decided (the
    评定, or the 期满评定 that found the member 未改正), and not later than today."""
    if approved_on > today:
        return "批准日期不能晚于今天。"
    decided = reviewed_on or decided_on
    if approved_on < decided:
        what = "期满评定" if reviewed_on else "支部大会评定"
        return f"批准日期不能早于{what}日期（{decided:%Y-%m-%d}）：先由支部大会讨论决定，再报上级党组织批准。"
    return ""
