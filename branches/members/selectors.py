"""Read-side queries for members, applicants, transfers and dues, shared by the admin,
the 台账 and the dashboard; every one is scoped to the user."""

from __future__ import annotations

import datetime
import functools
import operator
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Max, Min, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from branches.models import PATH_SEPARATOR, OrgKind, PartyOrganisation
from orgwork.common import dates
from orgwork.units.scope import scope_queryset

from . import rules
from .models import (DUES_OWED, MISSING_INCOME_BASE, ActivistReview, Applicant, Appraisal, CorrectionResult, Disposal,
                     DuesRecord, Member, MemberCategory, MemberStatus, Stage, Transfer, TransferState, dues_owed_on)


def members_visible_to(user: Any) -> QuerySet[Member]:
    return scope_queryset(Member.objects.all(), user)


@dataclass(frozen=True)
class RosterCount:
    """在册党员 of an organisation, counted from the roster: 正式, 预备 and their total."""

    full: int = 0
    probationary: int = 0

    @property
    def total(self) -> int:
        return self.full + self.probationary

    def __str__(self) -> str:
        return f"{self.total}（正式 {self.full}，预备 {self.probationary}）"


def roster_totals_by_path(user: Any) -> dict[str, int]:
    """在册党员 of every organisation in the user's scope, by the organisation's path: a
    党支部 its own, a 党委 or 党总支 those of every branch below it. One grouped query
    for a sheet of tens of thousands of organisations (``roster_counts`` answers for a
    page). An organisation without members is not in it."""
    by_branch = (scope_queryset(Member.objects.filter(status=MemberStatus.ACTIVE), user)
                 .values_list("branch__path").annotate(n=Count("id")).order_by())
    totals: dict[str, int] = defaultdict(int)
    for path, n in by_branch:
        for ancestor in path_and_ancestors(path):  # "PC1/PB1/": the committee's path, then the branch's
            totals[ancestor] += n
    return dict(totals)


def roster_counts(organisations: Iterable[PartyOrganisation]) -> dict[int, RosterCount]:
    """在册党员 per organisation, from the roster: a 党支部 counts its own members (all the
    branches given in one grouped query, on the status-and-branch index); a 党委 or 党总支
    counts those of every branch below it (all of them given in one more grouped query). A
    list's page costs the same two queries whatever its size. Every organisation given has
    an entry."""
    organisations = list(organisations)
    branches = [o.pk for o in organisations if o.kind == OrgKind.BRANCH]
    grouped: dict[int, dict[str, int]] = {o.pk: defaultdict(int) for o in organisations}
    if branches:
        rows = (Member.objects.filter(status=MemberStatus.ACTIVE, branch_id__in=branches)
                .values_list("branch_id", "category").annotate(n=Count("id")).order_by())
        for branch_id, category, n in rows:
            grouped[branch_id][category] = n
    above = {o.path: o.pk for o in organisations if o.kind != OrgKind.BRANCH}
    if above:
        # Grouped by the branch's parent, not the branch: a 党委 above thousands of branches
        # gives a row per 党委 or 党总支 below it, each added to its ancestors on the list.
        below = functools.reduce(operator.or_, (Q(branch__path__startswith=path) for path in above))
        rows = (Member.objects.filter(below, status=MemberStatus.ACTIVE)
                .values_list("branch__parent__path", "category").annotate(n=Count("id")).order_by())
        for parent_path, category, n in rows:
            for ancestor in path_and_ancestors(parent_path):
                if ancestor in above:
                    grouped[above[ancestor]][category] += n
    return {pk: RosterCount(full=by.get(MemberCategory.FULL, 0), probationary=by.get(MemberCategory.PROBATIONARY, 0))
            for pk, by in grouped.items()}


def path_and_ancestors(path: str) -> Iterator[str]:
    """"A/B/C/" gives "A/", "A/B/" and "A/B/C/"."""
    parts = path.split(PATH_SEPARATOR)[:-1]
    for depth in range(1, len(parts) + 1):
        yield PATH_SEPARATOR.join(parts[:depth]) + PATH_SEPARATOR


def branch_member_counts(user: Any) -> QuerySet[PartyOrganisation]:
    """党支部 in scope with ``roster_count``: 在册党员 counted from the roster."""
    return (scope_queryset(PartyOrganisation.objects.filter(kind=OrgKind.BRANCH), user)
            .annotate(roster_count=Count("party_members", filter=Q(party_members__status=MemberStatus.ACTIVE)))
            .select_related("unit").order_by("path"))


def transfers_in_transit(user: Any) -> QuerySet[Transfer]:
    """在途 transfers sent from, or addressed to, a branch in the user's scope."""
    in_scope = scope_queryset(PartyOrganisation.objects.all(), user).values("pk")
    return (Transfer.objects.filter(state=TransferState.IN_TRANSIT)
            .filter(Q(from_branch__in=in_scope) | Q(to_branch__in=in_scope))
            .select_related("member", "from_branch__unit", "to_branch__unit").order_by("sent_on", "pk"))


def transfers_overdue(user: Any, today: datetime.date | None = None) -> QuerySet[Transfer]:
    """在途 more than 30 days since the letter was issued."""
    cutoff = (today or dates.today()) - datetime.timedelta(days=rules.TRANSFER_OVERDUE_DAYS)
    return transfers_in_transit(user).filter(sent_on__lt=cutoff)


def arrears(user: Any) -> QuerySet[Member]:
    """欠缴党费的党员: the denormalised counter and its partial index, no ledger aggregate.
    Members on the roll (在册) only: one who has left is no longer chased (his months after
    leaving are gone, :func:`services.dues_close_on_leaving`; the month of leaving stays in
    the ledger)."""
    return (scope_queryset(Member.objects.filter(unpaid_months__gt=0, status=MemberStatus.ACTIVE), user)
            .select_related("branch__unit").order_by("-unpaid_months", "pk"))


def arrears_months(member: Member) -> list[datetime.date]:
    """The member's months in arrears: unpaid, ended, and not let through by a letter's
    exception (the counter's months)."""
    return list(DuesRecord.objects.filter(DUES_OWED, member=member, month__lt=dates.today().replace(day=1))
                .order_by("month").values_list("month", flat=True))


def last_received_on(member: Member) -> datetime.date | None:
    """The day the member's last 组织关系转接 was received (接收, 回执, 省外转入): his moves
    and changes of standing are dated from it on."""
    return Transfer.objects.filter(member=member, state=TransferState.RECEIVED).aggregate(on=Max("received_on"))["on"]


@dataclass(frozen=True)
class RecordFirsts:
    """The earliest of what is on record for a member, which his 入党日期 may not follow
    (:func:`rules.joined_after_record_error`)."""

    transfer_on: datetime.date | None
    appraisal_year: int | None
    appraisal_on: datetime.date | None
    dues_month: datetime.date | None


def record_firsts(member: Member) -> RecordFirsts:
    """The member's earliest 组织关系转接 date (申请 or 开出介绍信, any state), 民主评议
    年度 and 支部大会评定日期, and 党费 month: three aggregates on the member's own rows."""
    transfers = Transfer.objects.filter(member=member).aggregate(started=Min("started_on"), sent=Min("sent_on"))
    appraisals = Appraisal.objects.filter(member=member).aggregate(year=Min("year"), on=Min("decided_on"))
    transfer_on = min(filter(None, transfers.values()), default=None)
    return RecordFirsts(transfer_on=transfer_on, appraisal_year=appraisals["year"], appraisal_on=appraisals["on"],
                        dues_month=DuesRecord.objects.filter(member=member).aggregate(m=Min("month"))["m"])


def dues_paid_to(member: Member, as_of: datetime.date) -> datetime.date | None:
    """党费交至 (the month a 组织关系介绍信 says the dues are paid to): the last month of the
    member's ledger paid by ``as_of`` (the letter's date) with no month unpaid then before
    it; None when none is. A payment recorded after the letter does not change it. A month
    an earlier letter let through by its exception is settled for a later letter (it does
    not stop the months paid since), though not itself paid. A month of 应交 0.00 owes
    nothing (:data:`DUES_OWED`): it is settled as a paid one is, once it has begun."""
    first_unpaid = member.dues.filter(dues_owed_on(as_of)).aggregate(month=Min("month"))["month"]
    paid = member.dues.filter(Q(paid_on__lte=as_of) | Q(due=0, month__lte=as_of))
    if first_unpaid is not None:
        paid = paid.filter(month__lt=first_unpaid)
    return paid.aggregate(month=Max("month"))["month"]


def dues_unpaid_before_letter(member: Member, sent_on: datetime.date) -> list[datetime.date]:
    """The months before the letter's month that were not paid by the letter's day (as
    :func:`dues_paid_to` reads the ledger), oldest first: a member transferring out
    settles them before 确认转出 (:func:`rules.dues_unsettled_error`). A month an earlier
    letter let through by its exception is settled with its reason: a later letter (from
    the branch that received him) is not refused for it, nor does its exception cover it.
    A month of 应交 0.00 owes nothing (:data:`DUES_OWED`) and is never among them."""
    return list(member.dues.filter(dues_owed_on(sent_on), month__lt=sent_on.replace(day=1))
                .order_by("month")
                .values_list("month", flat=True))


def missing_income_base(user: Any) -> QuerySet[Member]:
    """在职、离退休党员未填写党费计算基数: on the roll, no dues generated for them until filled."""
    return (scope_queryset(Member.objects.filter(MISSING_INCOME_BASE, status=MemberStatus.ACTIVE), user)
            .select_related("branch__unit").order_by("branch_id", "name", "id"))


def arrears_naive() -> QuerySet[Member]:
    """The same list as the plain ORM aggregate over the ledger (the bench's baseline):
    the months that have ended, unpaid and not let through by a letter's exception."""
    current = dates.today().replace(day=1)  # the current month is not in arrears yet
    return (Member.objects.annotate(unpaid=Count("dues", filter=Q(dues__paid_on__isnull=True,
                                                                  dues__excused_by__isnull=True,
                                                                  dues__month__lt=current)))
            .filter(unpaid__gt=0).order_by("-unpaid", "pk"))


def applicants_visible_to(user: Any) -> QuerySet[Applicant]:
    return scope_queryset(Applicant.objects.all(), user).select_related("branch__unit")


def activists_due_review(user: Any, today: datetime.date | None = None) -> QuerySet[Applicant]:
    """入党积极分子 whose last 考察 (or designation) is more than six months ago; the
    file keeps its latest review date (``reviewed_on``), so no aggregate over the reviews."""
    cutoff = rules.add_months(today or dates.today(), -rules.REVIEW_EVERY_MONTHS)
    return (applicants_visible_to(user).filter(stage=Stage.ACTIVIST)
            .annotate(last_review=Coalesce("reviewed_on", "activist_on"))
            .filter(last_review__lt=cutoff).order_by("last_review", "pk"))


def candidates_missing_checks(user: Any) -> QuerySet[Applicant]:
    """发展对象 without 政审, enough 集中培训 or 公示."""
    return (applicants_visible_to(user).filter(stage=Stage.CANDIDATE)
            .filter(Q(political_review_on__isnull=True) | Q(publicity_on__isnull=True)
                    | Q(training_days__lt=rules.TRAINING_MIN_DAYS, training_hours__lt=rules.TRAINING_MIN_HOURS))
            .order_by("candidate_on", "pk"))


def approvals_awaited(due_by: datetime.date | None = None) -> QuerySet[Applicant]:
    """预备党员 voted in by the 支部大会 and not yet approved by the higher committee, the
    earliest vote (the nearest or longest-passed deadline) first; ``due_by``: only those
    whose three months for the approval end on or before that day."""
    awaited = Applicant.objects.filter(stage=Stage.PROBATIONARY, approved_on__isnull=True)
    if due_by is not None:
        awaited = awaited.filter(vote_on__lte=rules.latest_start(due_by, rules.APPROVAL_WITHIN_MONTHS))
    return awaited.select_related("branch__unit").order_by("vote_on", "pk")


def review_gap_unexplained(applicant: Applicant) -> Any:
    """The file's first stretch of more than six months without a 考察 before its 发展对象
    decision, when no reason is recorded (:func:`rules.review_gap`; reads the file's
    reviews, prefetched by :func:`review_gaps_unexplained`); None otherwise."""
    if applicant.review_late_reason.strip() or applicant.activist_on is None or applicant.candidate_on is None:
        return None
    return rules.review_gap(applicant.activist_on, [r.reviewed_on for r in applicant.reviews.all()],
                            applicant.candidate_on)


def review_gaps_unexplained(user: Any) -> QuerySet[Applicant]:
    """完整性检查 (发展党员质量): files whose 发展对象 decision was recorded, before the
    half-yearly rule held, after a stretch of more than six months without a 考察 and
    with no reason, the earliest decision first. The rule is applied as the services apply
    it, to each candidate file's dates (two queries: the files, their reviews)."""
    files = (applicants_visible_to(user).filter(candidate_on__isnull=False, activist_on__isnull=False,
                                                review_late_reason="")
             .prefetch_related(Prefetch("reviews", ActivistReview.objects.only("applicant_id", "reviewed_on"))))
    gapped = [f.pk for f in files.iterator(chunk_size=2000) if review_gap_unexplained(f) is not None]
    return (applicants_visible_to(user).filter(pk__in=gapped).prefetch_related("reviews")
            .order_by("candidate_on", "pk"))


def approvals_pending(user: Any) -> QuerySet[Applicant]:
    """The list of 预备党员 awaiting the higher committee's approval, in the user's scope."""
    return scope_queryset(approvals_awaited(), user)


def probations_ending_by(until: datetime.date) -> QuerySet[Member]:
    """预备党员 on the roll whose 预备期 ends on or before ``until`` (or has ended without a
    decision), each once: one year from the 入党日期 (the 支部大会 vote), plus the extension
    their 发展党员 file records; one entered on the roster alone has no file and no
    extension. Where they are now (a member moves with a transfer, the file does not)."""
    ends_by = Q(extended_months=0, joined_on__lte=rules.latest_start(until, rules.PROBATION_MONTHS))
    for months in range(rules.EXTENSION_MIN, rules.EXTENSION_MAX + 1):
        ends_by |= Q(extended_months=months, joined_on__lte=rules.latest_start(until, rules.PROBATION_MONTHS + months))
    return (Member.objects.filter(category=MemberCategory.PROBATIONARY, status=MemberStatus.ACTIVE)
            .annotate(extended_months=Coalesce("application__probation_extended_months", 0)).filter(ends_by)
            .select_related("branch__unit", "application").order_by("joined_on", "pk"))


def probation_ending(user: Any, today: datetime.date | None = None, within_days: int = 30) -> QuerySet[Member]:
    """The 预备期将满 list: :func:`probations_ending_by` the day ``within_days`` ahead, in
    the user's scope."""
    return scope_queryset(probations_ending_by((today or dates.today()) + datetime.timedelta(days=within_days)), user)


def roster_probationers_overdue(user: Any, today: datetime.date | None = None) -> QuerySet[Member]:
    """完整性检查: 预备党员 on the roll and on the roster alone (no 发展党员 file, whose steps
    decide 转正) whose 入党日期 is further back than the longest 预备期
    (:func:`rules.probation_overdue_error`). The roster refuses such a record now; one stored
    before the rule held stays until it is corrected, and is listed here."""
    return (members_visible_to(user).filter(category=MemberCategory.PROBATIONARY, status=MemberStatus.ACTIVE,
                                            application__isnull=True,
                                            joined_on__lt=rules.probation_overdue_before(today or dates.today()))
            .select_related("branch__unit").order_by("joined_on", "pk"))


def corrections_due(user: Any, today: datetime.date | None = None, within_days: int = 30) -> QuerySet[Appraisal]:
    """限期改正 of members still on the roll whose period ends within ``within_days`` (or
    has ended) without a 期满评定, on their partial index."""
    limit = (today or dates.today()) + datetime.timedelta(days=within_days)
    return (scope_queryset(Appraisal.objects.filter(disposal=Disposal.CORRECT, reviewed_on__isnull=True,
                                                    correct_by__lte=limit, member__status=MemberStatus.ACTIVE), user)
            .select_related("member__branch__unit").order_by("correct_by", "pk"))


def disposals_pending(user: Any) -> QuerySet[Appraisal]:
    """Members still on the roll whose result says they leave: 劝其退党 or 除名, or a
    限期改正 found 未改正 at its 期满评定."""
    leaving = (Q(disposal__in=[Disposal.PERSUADE, Disposal.REMOVE])
               | Q(review_result=CorrectionResult.NOT_CORRECTED))
    return (scope_queryset(Appraisal.objects.filter(leaving, member__status=MemberStatus.ACTIVE), user)
            .select_related("member__branch__unit").order_by("-year", "member_id"))


@dataclass(frozen=True)
class RollHistory:
    """What a 党支部's roll now tells of who can have been on it on a past day: the
    members on it now, the day each member of its roll left it (出党, 去世, 停止党籍, 转出本省)
    and the last day it sent each of the others to another branch."""

    on_roll: int = 0
    left_on: tuple[datetime.date, ...] = ()
    sent_on: tuple[datetime.date, ...] = ()

    @property
    def entered(self) -> bool:
        """Whether the roster holds anybody of the branch, now or before: a 党支部 has at
        least three members, so one with nobody has not been entered on the roster yet."""
        return bool(self.on_roll or self.left_on or self.sent_on)

    def at_most(self, day: datetime.date) -> int:
        """The most members the branch can have had on ``day``: those on the roll now and
        those who left it on or after ``day``. A bound, not a count: a member who joined
        later is in it too, so it never refuses what the branch could have had."""
        return self.on_roll + sum(1 for d in self.left_on if d >= day) + sum(1 for d in self.sent_on if d >= day)


def roll_histories(branch_ids: Iterable[int], *, full_only: bool = False) -> dict[int, RollHistory]:
    """:class:`RollHistory` of every branch given (``full_only``: of its 正式党员; those it
    sent away are counted whatever their category, as the roll does not tell what they
    were then), in three grouped queries per ten thousand branches."""
    wanted = sorted(set(branch_ids))
    on_roll: dict[int, int] = {}
    left: dict[int, list[datetime.date]] = defaultdict(list)
    sent: dict[int, list[datetime.date]] = defaultdict(list)
    for start in range(0, len(wanted), 10_000):
        part = wanted[start:start + 10_000]
        members = Member.objects.filter(branch_id__in=part)
        if full_only:
            members = members.filter(category=MemberCategory.FULL)
        on_roll.update(members.filter(status=MemberStatus.ACTIVE).values_list("branch_id")
                       .annotate(n=Count("id")).order_by())
        for branch_id, day in (members.exclude(status=MemberStatus.ACTIVE).filter(status_changed_on__isnull=False)
                               .values_list("branch_id", "status_changed_on")):
            left[branch_id].append(day)
        for branch_id, day in (Transfer.objects.filter(from_branch_id__in=part).exclude(member__branch_id=F("from_branch_id"))
                               .values_list("from_branch_id", "member_id").annotate(last=Max("started_on"))
                               .order_by().values_list("from_branch_id", "last")):
            sent[branch_id].append(day)
    return {pk: RollHistory(on_roll.get(pk, 0), tuple(left.get(pk, ())), tuple(sent.get(pk, ()))) for pk in wanted}


def voters_at_most(branch_id: int, day: datetime.date) -> int:
    """The most members with a vote (正式党员) the 党支部 can have had on ``day``, as its roll
    now tells (:class:`RollHistory`): its 正式党员 on the roll, those of its roll who left
    it since and those whose relationship it has sent to another branch since."""
    return roll_histories([branch_id], full_only=True)[branch_id].at_most(day)
