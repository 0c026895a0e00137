"""The rules of member recruitment, transfers and dues (《中国共产党发展党员工作细则》,
《关于中国共产党党费收缴、使用和管理的规定》), as pure functions of dates and values.

Each returns a Chinese message (or a dict of them) when the rule is broken and nothing
otherwise, so the model's ``clean()``, the services and the sheets all call the same one.
"""

from __future__ import annotations

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings

MIN_AGE = 18
TALK_WITHIN_MONTHS = 1
REVIEW_EVERY_MONTHS = 6
ACTIVIST_MIN_MONTHS = 12
TRAINING_MIN_DAYS = 3
TRAINING_MIN_HOURS = 24
APPROVAL_WITHIN_MONTHS = 3
PROBATION_MONTHS = 12
EXTENSION_MIN, EXTENSION_MAX = 6, 12
ARREARS_LAPSE_MONTHS = 6
TRANSFER_OVERDUE_DAYS = 30

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
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def years_between(start: datetime.date, end: datetime.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


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
                        birth_date: datetime.date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if category == "full" and full_on is None:
        errors["full_on"] = "正式党员须填写转正日期。"
    if category == "probationary" and full_on is not None:
        errors["full_on"] = "预备党员尚未转正，不应填写转正日期。"
    if joined_on and full_on and full_on < add_months(joined_on, PROBATION_MONTHS):
        errors["full_on"] = "转正日期不能早于入党日期满一年（预备期为一年）。"
    if joined_on and birth_date and years_between(birth_date, joined_on) < MIN_AGE:
        errors["joined_on"] = f"入党时须年满{MIN_AGE}岁。"
    return errors


def application_age_error(birth_date: datetime.date, applied_on: datetime.date) -> str:
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


def contacts_error(contacts: list[Any]) -> str:
    """One or two 培养联系人, each a 正式党员 in good standing."""
    if not 1 <= len(contacts) <= 2:
        return "须指定一至两名培养联系人。"
    if len({c.pk for c in contacts}) != len(contacts):
        return "两名培养联系人不能是同一人。"
    for contact in contacts:
        if contact.category != "full" or contact.status != "active":
            return f"培养联系人「{contact}」须是在册的正式党员。"
    return ""


def candidate_errors(*, activist_on: datetime.date, candidate_on: datetime.date) -> dict[str, str]:
    if candidate_on < add_months(activist_on, ACTIVIST_MIN_MONTHS):
        return {"candidate_on": "入党积极分子须经一年以上培养教育和考察，方可确定为发展对象。"}
    return {}


def admission_errors(*, political_review_on: datetime.date | None, training_days: int, training_hours: int,
                     publicity_on: datetime.date | None, vote_on: datetime.date,
                     candidate_on: datetime.date | None) -> dict[str, str]:
    """Before the 支部大会 votes: 政治审查, 集中培训 (≥3 days or ≥24 学时) and 公示 done."""
    errors: dict[str, str] = {}
    if political_review_on is None:
        errors["political_review_on"] = "发展对象未完成政治审查，不能提交支部大会讨论。"
    if training_days < TRAINING_MIN_DAYS and training_hours < TRAINING_MIN_HOURS:
        errors["training_days"] = (f"发展对象须经集中培训，时间不少于{TRAINING_MIN_DAYS}天"
                                   f"（或不少于{TRAINING_MIN_HOURS}学时）。")
    if publicity_on is None:
        errors["publicity_on"] = "发展对象未经公示，不能提交支部大会讨论。"
    elif publicity_on > vote_on:
        errors["publicity_on"] = "公示须在支部大会讨论之前结束。"
    if candidate_on and vote_on < candidate_on:
        errors["vote_on"] = "支部大会日期不能早于确定为发展对象日期。"
    return errors


def approval_error(vote_on: datetime.date, approved_on: datetime.date) -> str:
    if approved_on < vote_on:
        return "上级党委审批日期不能早于支部大会日期。"
    if approved_on > add_months(vote_on, APPROVAL_WITHIN_MONTHS):
        return "上级党委应在支部大会通过后三个月内审批；已超过期限。"
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


def extension_error(months: int, already_extended: int) -> str:
    if already_extended:
        return "预备期只能延长一次。"
    if not EXTENSION_MIN <= months <= EXTENSION_MAX:
        return f"延长预备期为{EXTENSION_MIN}至{EXTENSION_MAX}个月。"
    return ""


def transfer_errors(*, from_branch_id: int | None, to_branch: Any, destination: str) -> dict[str, str]:
    if to_branch is None and not destination.strip():
        return {"destination": "省内转接请选择转入党支部；转出本省请填写转往单位。"}
    if to_branch is not None and destination.strip():
        return {"destination": "已选择省内转入党支部，不必再填写省外转往单位。"}
    if to_branch is not None:
        if to_branch.pk == from_branch_id:
            return {"to_branch": "转入党支部不能是党员现在的党支部。"}
        message = branch_error(to_branch)
        if message:
            return {"to_branch": message}
    return {}


def dues_month_error(month: datetime.date, today: datetime.date) -> str:
    """应交党费 is generated for a month that has begun, never ahead of time."""
    if (month.year, month.month) > (today.year, today.month):
        return f"{month:%Y.%m}尚未到来，不能提前生成党费。"
    return ""


def _rates() -> dict[str, Any]:
    return getattr(settings, "MEMBER_DUES_RATES", DEFAULT_DUES_RATES)


def _bracket(brackets: list[tuple[Decimal | None, Decimal]], income: Decimal) -> Decimal:
    for upper, rate in brackets:
        if upper is None or income <= upper:
            return rate
    return brackets[-1][1]


def monthly_dues(*, category: str, income_base: Decimal) -> Decimal:
    """应交党费 for one month, to the fen."""
    table = _rates()
    if category in table["fixed"]:
        return Decimal(table["fixed"][category])
    brackets = table["retired_brackets"] if category == "retired" else table["brackets"]
    amount = Decimal(income_base) * _bracket(brackets, Decimal(income_base))
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def longest_unpaid_run(months_unpaid: list[datetime.date]) -> int:
    """The longest run of consecutive unpaid months (``months_unpaid`` are month starts)."""
    best = run = 0
    previous: datetime.date | None = None
    for month in sorted(months_unpaid):
        run = run + 1 if previous is not None and add_months(previous, 1) == month else 1
        best = max(best, run)
        previous = month
    return best
