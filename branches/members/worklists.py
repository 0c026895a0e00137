"""Member 台账 and the dashboard panel, registered from ``MembersConfig.ready``."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from orgwork import dashboard
from orgwork.common import dates
from orgwork.notifications import registry as notifications
from orgwork.notifications.registry import DeadlineSource, DueItem
from orgwork.worklists.registry import Column, WorkList, register

from . import rules, selectors, structure
from .models import Transfer, TransferState

SECTION = "党员与发展党员"

SLUG_REVIEW = "members_activists_due_review"
SLUG_CHECKS = "members_candidates_missing_checks"
SLUG_PROBATION = "members_probation_ending"
SLUG_APPROVAL = "members_approval_pending"
SLUG_TRANSIT = "members_transfers_in_transit"
SLUG_OVERDUE = "members_transfers_overdue"
SLUG_ARREARS = "members_dues_arrears"
SLUG_COUNTS = "members_per_branch"
SLUG_NO_BASE = "members_dues_no_base"
SLUG_CORRECTIONS = "members_corrections_due"
SLUG_DISPOSALS = "members_disposals_pending"
SLUG_PROBATION_OVERDUE = "members_roster_probation_overdue"
SLUG_REVIEW_GAPS = "members_review_gaps_unexplained"


def applicant_link(applicant: Any) -> str:
    return reverse("admin:members_applicant_change", args=[applicant.pk])


def transfer_link(transfer: Any) -> str:
    return reverse("admin:members_transfer_change", args=[transfer.pk])


def member_link(member: Any) -> str:
    return reverse("admin:members_member_change", args=[member.pk])


def appraisal_link(appraisal: Any) -> str:
    return reverse("admin:members_appraisal_change", args=[appraisal.pk])


def missing_checks(applicant: Any) -> str:
    missing = []
    if applicant.political_review_on is None:
        missing.append("政治审查")
    if applicant.training_days < 3 and applicant.training_hours < 24:
        missing.append("集中培训")
    if applicant.publicity_on is None:
        missing.append("公示")
    return "、".join(missing)


def last_review(applicant: Any) -> Any:
    """The latest 考察 on record; one never reviewed says so (the 积极分子 date is not a 考察)."""
    return applicant.reviewed_on or "未考察"


def review_due(applicant: Any) -> datetime.date:
    """Six months after the latest 考察, or after the designation for one never reviewed."""
    return rules.add_months(applicant.reviewed_on or applicant.activist_on, rules.REVIEW_EVERY_MONTHS)


def file_of(member: Any) -> Any:
    """The member's 发展党员 file (read with the list), or None for one on the roster alone."""
    return member.application if hasattr(member, "application") else None


def unexplained_gap(applicant: Any) -> str:
    """The stretch without a 考察, as 2024-01-05至2024-09-10."""
    gap = selectors.review_gap_unexplained(applicant)
    return f"{gap[0]:%Y-%m-%d}至{gap[1]:%Y-%m-%d}" if gap else ""


def probation_link(member: Any) -> str:
    file = file_of(member)
    return applicant_link(file) if file is not None else member_link(member)


def probation_ends(member: Any) -> datetime.date | None:
    """预备期满: as the file has it (with any extension), or a year from the 入党日期."""
    file = file_of(member)
    return file.probation_ends_on if file is not None else rules.probation_end(member.joined_on)


def approval_deadline(applicant: Any) -> datetime.date:
    """上级党委审批 within three months of the 支部大会 vote."""
    return rules.add_months(applicant.vote_on, rules.APPROVAL_WITHIN_MONTHS)


def approval_days_left(applicant: Any) -> str:
    left = (approval_deadline(applicant) - dates.today()).days
    return f"已逾期{-left}天" if left < 0 else f"{left}天"


TRANSFER_COLUMNS = (
    Column("党员", "member.name_and_tail"), Column("转出党支部", "from_branch.placed_name"), Column("转入", "destination_shown"),
    Column("介绍信编号", "letter_number"), Column("开出日期", "sent_on"),
)


def probations_due(until: datetime.date) -> Iterator[DueItem]:
    """到期事项来源: 预备党员 whose 预备期 ends on or before ``until`` (the 支部大会 must
    discuss 转正), admitted by a 发展党员 file or entered on the roster alone, each once,
    where they are now: the 预备期将满 list's own (:func:`selectors.probations_ending_by`).
    The rule's lead time (30 days) makes it "ending within 30 days". Keyed by the member."""
    for member in selectors.probations_ending_by(until).iterator(chunk_size=2000):
        yield DueItem(pk=member.pk, title=f"{member.branch.placed_name}预备党员{member.name}预备期满讨论转正",
                      deadline=probation_ends(member), unit_id=member.branch.unit_id, link=probation_link(member))


def approvals_due(until: datetime.date) -> Iterator[DueItem]:
    """到期事项来源: 预备党员 voted in by the 支部大会 whose three months for the higher
    committee's approval end on or before ``until`` without it, the list of approvals
    pending's own (:func:`selectors.approvals_awaited`); the file's branch's unit follows
    them up, the unit above hears of those long overdue."""
    for applicant in selectors.approvals_awaited(due_by=until).iterator(chunk_size=2000):
        yield DueItem(pk=applicant.pk, title=f"{applicant.branch.placed_name}预备党员{applicant.name}待上级党委审批",
                      deadline=approval_deadline(applicant), unit_id=applicant.branch.unit_id,
                      link=applicant_link(applicant))


def transfers_due(until: datetime.date) -> Iterator[DueItem]:
    """到期事项来源: transfers 在途 ``TRANSFER_OVERDUE_DAYS`` after the letter was issued; the
    sending branch's unit follows them up."""
    days = datetime.timedelta(days=rules.TRANSFER_OVERDUE_DAYS)
    rows = (Transfer.objects.filter(state=TransferState.IN_TRANSIT, sent_on__lte=until - days)
            .values_list("pk", "member__name", "letter_number", "sent_on", "from_branch__unit_id", "to_branch_id")
            .order_by("sent_on", "pk"))
    for pk, name, letter, sent_on, unit_id, to_branch_id in rows.iterator(chunk_size=2000):
        awaited = "接收" if to_branch_id is not None else "回执"  # out of the province: the receipt returned
        yield DueItem(pk=pk, title=f"党员{name}组织关系转接（介绍信{letter}）{awaited}", deadline=sent_on + days,
                      unit_id=unit_id, link=reverse("admin:members_transfer_change", args=[pk]))


def register_sources() -> None:
    notifications.register(DeadlineSource(
        key="members_probation_end", title="预备党员预备期满", due=probations_due,
        permission="members.view_member",
        list_url=lambda: reverse("admin:worklist", args=[SLUG_PROBATION])))
    notifications.register(DeadlineSource(
        key="members_approval_due", title="预备党员上级党委审批期限", due=approvals_due,
        permission="members.view_applicant",
        list_url=lambda: reverse("admin:worklist", args=[SLUG_APPROVAL])))
    notifications.register(DeadlineSource(
        key="members_transfer_transit", title="组织关系转接在途超过30天", due=transfers_due,
        permission="members.view_transfer",
        list_url=lambda: reverse("admin:worklist", args=[SLUG_OVERDUE])))


def register_all() -> None:
    register_sources()
    register(WorkList(
        slug=SLUG_REVIEW, title="应开展培养考察的入党积极分子", section=SECTION, permission="members.view_applicant",
        queryset=selectors.activists_due_review, row_link=applicant_link,
        description="入党积极分子每半年考察一次；上次考察（从未考察的，自确定为积极分子起）已超过六个月的列在这里。",
        columns=(Column("姓名", "name_and_tail"), Column("党支部", "branch.placed_name"), Column("确定为积极分子", "activist_on"),
                 Column("上次考察", last_review), Column("应考察日期", review_due)),
    ))
    register(WorkList(
        slug=SLUG_CHECKS, title="政审、培训或公示未完成的发展对象", section=SECTION, permission="members.view_applicant",
        queryset=selectors.candidates_missing_checks, row_link=applicant_link,
        description="发展对象提交支部大会讨论前须完成政治审查、集中培训（不少于3天或24学时）和公示。",
        columns=(Column("姓名", "name_and_tail"), Column("党支部", "branch.placed_name"), Column("确定为发展对象", "candidate_on"),
                 Column("未完成", missing_checks)),
    ))
    register(WorkList(
        slug=SLUG_APPROVAL, title="支部大会通过后待上级党委审批的预备党员", section=SECTION,
        permission="members.view_applicant", queryset=selectors.approvals_pending, row_link=applicant_link,
        description="支部大会讨论通过的预备党员，上级党委应在三个月内审批；已逾期的排在前面，请督促及时审批。",
        columns=(Column("姓名", "name_and_tail"), Column("党支部", "branch.placed_name"), Column("支部大会接收", "vote_on"),
                 Column("审批期限", approval_deadline), Column("剩余天数", approval_days_left)),
    ))
    register(WorkList(
        slug=SLUG_PROBATION, title="30天内预备期满的预备党员", section=SECTION, permission="members.view_applicant",
        queryset=selectors.probation_ending, row_link=probation_link,
        description="预备期满应及时召开支部大会讨论转正、延长预备期或取消预备党员资格；已满未讨论的也列在这里。"
                    "经发展党员程序接收的按其档案（含延长预备期）计算，名册中直接登记的预备党员按入党日期满一年计算。",
        columns=(Column("姓名", "name_and_tail"), Column("党支部", "branch.placed_name"), Column("入党日期", "joined_on"),
                 Column("预备期满", probation_ends),
                 Column("发展党员档案", lambda m: "有" if file_of(m) is not None else "名册登记")),
    ))
    register(WorkList(
        slug=SLUG_TRANSIT, title="在途的组织关系转接", section=SECTION, permission="members.view_transfer",
        queryset=selectors.transfers_in_transit, row_link=transfer_link,
        description="已开出介绍信、转入党支部尚未接收（转往省外的尚未登记回执）的组织关系转接（转出和转入本辖区的都在内）。",
        columns=TRANSFER_COLUMNS,
    ))
    register(WorkList(
        slug=SLUG_OVERDUE, title="在途超过30天的组织关系转接", section=SECTION, permission="members.view_transfer",
        queryset=selectors.transfers_overdue, row_link=transfer_link,
        description="开出介绍信超过30天仍未接收或未收到回执，请督促转入党支部接收、催收省外回执或查明退回原因。",
        columns=TRANSFER_COLUMNS,
    ))
    register(WorkList(
        slug=SLUG_ARREARS, title="欠缴党费的党员", section=SECTION, permission="members.view_duesrecord",
        queryset=selectors.arrears, row_link=member_link,
        description="有未交月份的党员，按欠缴月数排列；连续6个月不交纳且无正当理由的，已列入整改清单作自行脱党审查。",
        columns=(Column("姓名", "name_and_tail"), Column("党支部", "branch.placed_name"), Column("欠缴月数", "unpaid_months"),
                 Column("欠缴原因", "arrears_reason")),
    ))
    register(WorkList(
        slug=SLUG_NO_BASE, title="在职、离退休党员未填写党费计算基数", section=SECTION, permission="members.view_member",
        queryset=selectors.missing_income_base, row_link=member_link,
        description="在职党员按月工资收入中的固定部分、离退休党员按月离退休费交纳党费；未填写计算基数的，生成党费时跳过，"
                    "请在党员页面填写“党费计算基数”后重新生成该月党费。",
        columns=(Column("姓名", "name_and_tail"), Column("党支部", "branch.placed_name"), Column("入党日期", "joined_on")),
    ))
    register(WorkList(
        slug=SLUG_CORRECTIONS, title="30天内限期改正期满的党员", section=SECTION, permission="members.view_appraisal",
        queryset=selectors.corrections_due, row_link=appraisal_link,
        description="民主评议中评为不合格、限期改正的党员，期满应召开支部大会评定是否改正；未改正的劝其退党。"
                    "已期满尚未评定的也列在这里。",
        columns=(Column("姓名", "member.name_and_tail"), Column("党支部", "member.branch.placed_name"), Column("评议年度", "year"),
                 Column("限期改正期满", "correct_by")),
    ))
    register(WorkList(
        slug=SLUG_DISPOSALS, title="组织处置尚未落实的党员", section=SECTION, permission="members.view_appraisal",
        queryset=selectors.disposals_pending, row_link=appraisal_link,
        description="民主评议中作出劝其退党、除名处置，或限期改正期满仍未改正的党员，仍在党员名册中。"
                    "除名经上级党组织批准、劝退的本人退党后，请打开该党员的民主评议结果，办理「落实组织处置（出党）」，"
                    "登记批准日期和批准机关，党籍状态随之变为出党。",
        columns=(Column("姓名", "member.name_and_tail"), Column("党支部", "member.branch.placed_name"), Column("评议年度", "year"),
                 Column("组织处置", "get_disposal_display"), Column("期满评定", "get_review_result_display")),
    ))
    register(WorkList(
        slug=SLUG_PROBATION_OVERDUE, title="名册中入党满两年仍为预备党员（完整性检查）", section=SECTION,
        permission="members.view_member", queryset=selectors.roster_probationers_overdue, row_link=member_link,
        expected_empty=True,
        description="预备期为一年，延长最多一年，入党满两年的不会仍是预备党员。名册现已拒绝这样的登记；"
                    "此前登记的仍列在这里，请核对：已转正的，在党员页面改为正式党员并填写转正日期；入党日期有误的，"
                    "更正入党日期；已取消预备党员资格的，变更党籍状态。",
        columns=(Column("姓名", "name_and_tail"), Column("党支部", "branch.placed_name"), Column("入党日期", "joined_on"),
                 Column("满两年", lambda m: rules.add_months(m.joined_on, rules.PROBATION_MAX_MONTHS))),
    ))
    register(WorkList(
        slug=SLUG_REVIEW_GAPS, title="培养考察逾期未说明原因的档案（完整性检查）", section=SECTION,
        permission="members.view_applicant", queryset=selectors.review_gaps_unexplained, row_link=applicant_link,
        expected_empty=True,
        description="入党积极分子每半年考察一次；确定为发展对象前有超过六个月没有考察、又未写明原因的，"
                    "系统现已拒绝确定为发展对象。此前登记的档案列在这里，请在档案页面办理「补记考察原因」，"
                    "据实写明未按时考察的原因（考察已开展而漏登的，写明考察日期和情况）。",
        columns=(Column("姓名", "name_and_tail"), Column("党支部", "branch.placed_name"), Column("发展阶段", "get_stage_display"),
                 Column("确定为发展对象", "candidate_on"), Column("未考察期间", unexplained_gap)),
    ))
    register(WorkList(
        slug=SLUG_COUNTS, title="各党支部党员人数（名册统计）", section=SECTION, permission="members.view_member",
        queryset=selectors.branch_member_counts,
        row_link=lambda b: reverse("admin:branches_partyorganisation_change", args=[b.pk]),
        description="在册党员人数按党员名册统计（在册的正式党员和预备党员）。",
        columns=(Column("党支部", "name"), Column("组织代码", "code"), Column("所在单位", "unit.full_name"),
                 Column("在册党员人数", "roster_count")),
    ))
    dashboard.register(dashboard.Panel(
        slug="members_work", title="党员与发展党员待办", permission="members.view_member", compute=work_panel, order=60,
    ))
    dashboard.register(dashboard.Panel(
        slug="members_structure", title="党员队伍结构", permission="members.view_member",
        compute=structure.structure_panel, order=61, deferred=True,
    ))


PANEL_ITEMS = (
    ("积极分子待考察", SLUG_REVIEW, lambda u: selectors.activists_due_review(u).count()),
    ("发展对象缺项", SLUG_CHECKS, lambda u: selectors.candidates_missing_checks(u).count()),
    ("待上级审批", SLUG_APPROVAL, lambda u: selectors.approvals_pending(u).count()),
    ("预备期将满", SLUG_PROBATION, lambda u: selectors.probation_ending(u).count()),
    ("转接在途", SLUG_TRANSIT, lambda u: selectors.transfers_in_transit(u).count()),
    ("转接逾期", SLUG_OVERDUE, lambda u: selectors.transfers_overdue(u).count()),
    ("欠缴党费", SLUG_ARREARS, lambda u: selectors.arrears(u).count()),
    ("未填党费基数", SLUG_NO_BASE, lambda u: selectors.missing_income_base(u).count()),
    ("限期改正期满", SLUG_CORRECTIONS, lambda u: selectors.corrections_due(u).count()),
    ("处置待落实", SLUG_DISPOSALS, lambda u: selectors.disposals_pending(u).count()),
)


def work_panel(user: Any) -> dashboard.PanelData:
    """One bar per list, each linking to it."""
    links = [reverse("admin:worklist", args=[slug]) for _, slug, _ in PANEL_ITEMS]
    return dashboard.PanelData(
        labels=[label for label, _, _ in PANEL_ITEMS],
        series=[dashboard.Series("人数", [count(user) for _, _, count in PANEL_ITEMS], links)],
        unit="人", link=reverse("admin:worklist", args=[SLUG_ARREARS]),
        note="点击各项查看台账。", empty="管辖范围内党员与发展党员各项台账均为空，暂无待办。",
    )
