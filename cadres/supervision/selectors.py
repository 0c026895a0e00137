"""Read side of 干部监督: running influence periods (of 组织处理 and of 党纪政务处分 alike),
promotion blockers (with reasons in Chinese), overdue travel documents and the per-cadre
supervision timeline."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import (BooleanField, Case, Exists, ExpressionWrapper, F, IntegerField, OuterRef, Q, QuerySet,
                              Subquery, Value, When)
from django.utils import timezone

from cadres.models import (PARTY_MEMBER_STATUSES, RANK_LEVEL, REVIEW_BELOW_SCORE, Assessment, Cadre, CadreStatus, Post,
                           Rank)
from orgwork.rectification.selectors import rectification_items_for
from orgwork.units.scope import scope_queryset

from .models import (
    DISCREPANCIES,
    FOR_GOOD_KINDS,
    DisciplineFinding,
    DisciplineKind,
    FileAudit,
    FileAuditFinding,
    FileAuditItem,
    FileAuditStatus,
    FindingResult,
    HandlingRecord,
    HandlingType,
    SpotCheck,
    TravelDocumentLoan,
    VettingCase,
    VettingCheck,
    VettingResult,
    VettingStatus,
)


# ---------------------------------------------------------------------------
# 影响期
# ---------------------------------------------------------------------------

def handling_in_force_q(*, first: datetime.date, last: datetime.date | None = None, prefix: str = "") -> Q:
    """A 组织处理 decided on or before ``last`` whose period runs at some time in
    [``first``, ``last``] (one day when ``last`` is None; the end day included)."""
    return Q(**{f"{prefix}decided_on__lte": last or first, f"{prefix}influence_ends_on__gte": first})


def running_influence_q(*, on: datetime.date, prefix: str = "") -> Q:
    """A 组织处理 decided on or before ``on`` whose period runs through ``on`` (the end day included)."""
    return handling_in_force_q(first=on, prefix=prefix)


def finding_in_force_q(*, first: datetime.date, last: datetime.date | None = None, prefix: str = "") -> Q:
    """A 党纪政务处分 decided on or before ``last`` whose period runs at some time in
    [``first``, ``last``] (one day when ``last`` is None) — or holds for good (开除)."""
    last = last or first
    return Q(**{f"{prefix}decided_on__lte": last}) & (
        Q(**{f"{prefix}influence_ends_on__gte": first}) | Q(**{f"{prefix}kind__in": FOR_GOOD_KINDS}))


def running_finding_q(*, on: datetime.date, prefix: str = "") -> Q:
    return finding_in_force_q(first=on, prefix=prefix)


def under_influence(cadre: Any, *, on: datetime.date) -> ExpressionWrapper:
    """True when the cadre (an ``OuterRef``) is inside the 影响期 of a 组织处理 or a 党纪政务处分
    on ``on``: two EXISTS in the same query, for ``filter`` and ``annotate``."""
    return ExpressionWrapper(
        Q(Exists(HandlingRecord.objects.filter(running_influence_q(on=on), cadre=cadre)))
        | Q(Exists(DisciplineFinding.objects.filter(running_finding_q(on=on), cadre=cadre))),
        output_field=BooleanField())


InfluenceSource = HandlingRecord | DisciplineFinding


def influence_in_force(cadre_id: int, *, first: datetime.date,
                       last: datetime.date | None = None) -> InfluenceSource | None:
    """The 组织处理 or 党纪政务处分 whose 影响期 runs at some time in [``first``, ``last``] (the day
    ``first`` when ``last`` is None) and ends last — a finding that holds for good before
    any other. Two indexed queries, one per source."""
    last = last or first
    finding = (DisciplineFinding.objects.filter(finding_in_force_q(first=first, last=last), cadre_id=cadre_id)
               .order_by(F("influence_ends_on").desc(nulls_first=True), "-pk").first())
    if finding is not None and finding.for_good:
        return finding
    record = (HandlingRecord.objects.filter(handling_in_force_q(first=first, last=last), cadre_id=cadre_id)
              .order_by("-influence_ends_on", "-pk").first())
    found = [r for r in (record, finding) if r is not None]
    return max(found, key=lambda r: r.influence_ends_on) if found else None


def handling_under_influence(*, on: datetime.date) -> QuerySet[HandlingRecord]:
    return HandlingRecord.objects.filter(running_influence_q(on=on))


def cadres_under_influence(user: Any, *, on: datetime.date | None = None) -> QuerySet[Cadre]:
    """Cadres in ``user``'s jurisdiction inside an 影响期 on ``on``, of a 组织处理 or a
    党纪政务处分 (one query)."""
    on = on or timezone.localdate()
    return scope_queryset(Cadre.objects.filter(under_influence(OuterRef("pk"), on=on)), user)


# ---------------------------------------------------------------------------
# Blockers (选任阻却情形)
# ---------------------------------------------------------------------------

def unresolved_discrepancy_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}outcome__in": DISCREPANCIES, f"{prefix}resolved_on__isnull": True})


@dataclass(frozen=True)
class Blocker:
    kind: str
    message: str
    source: Any = None


BLOCKER_KINDS = {
    "influence": "处于影响期",
    "file_falsification": "档案疑似造假未查结",
    "spot_check": "个人有关事项漏报瞒报未处理完毕",
    "low_political_score": "政治素质测评低于80分",
}


def blockers_for(cadre: Cadre, *, on: datetime.date | None = None) -> list[Blocker]:
    """Everything that stands in the way of promoting ``cadre`` on ``on``, explained."""
    on = on or timezone.localdate()
    found: list[Blocker] = []
    for record in HandlingRecord.objects.filter(running_influence_q(on=on), cadre=cadre).order_by("decided_on"):
        found.append(Blocker(
            "influence",
            f"{record.decided_on:%Y年%m月%d日}受到{record.get_handling_type_display()}处理"
            f"{f'（{record.document_number}）' if record.document_number else ''}，"
            f"影响期{record.influence_months}个月，至{record.influence_ends_on:%Y年%m月%d日}届满，期间不得提拔。",
            record,
        ))
    for finding in DisciplineFinding.objects.filter(running_finding_q(on=on), cadre=cadre).order_by("decided_on"):
        period = ("长期不得提拔。" if finding.for_good else
                  f"影响期{finding.influence_months}个月，至{finding.influence_ends_on:%Y年%m月%d日}届满，期间不得提拔。")
        found.append(Blocker(
            "influence",
            f"{finding.decided_on:%Y年%m月%d日}受到{finding.get_kind_display()}处分（{finding.document_number}），"
            + period,
            finding,
        ))
    for audit in FileAudit.objects.filter(cadre=cadre, status=FileAuditStatus.SUSPECTED).order_by("audited_on"):
        items = "、".join(f.get_item_display() for f in audit.findings.filter(result="suspected"))
        found.append(Blocker(
            "file_falsification",
            f"{audit.audited_on:%Y年%m月%d日}档案专项审核发现疑似造假（{items or '详见审核记录'}），"
            "尚未查核认定，暂缓选任程序。",
            audit,
        ))
    for check in SpotCheck.objects.filter(unresolved_discrepancy_q(), cadre=cadre).select_related("draw"):
        found.append(Blocker(
            "spot_check",
            f"{check.draw.year}年度个人有关事项报告{check.get_selection_display()}核查结果为"
            f"「{check.get_outcome_display()}」，尚未处理完毕。",
            check,
        ))
    latest = Assessment.objects.filter(cadre=cadre).order_by("-year").first()
    if latest is not None and latest.political_score is not None and latest.political_score < REVIEW_BELOW_SCORE:
        found.append(Blocker(
            "low_political_score",
            f"最近一次（{latest.year}年度）政治素质测评得分 {latest.political_score.normalize():f} 分，低于 80 分。",
            latest,
        ))
    return found


def open_check_reasons(case: VettingCase) -> list[str]:
    """The four checks that are not done, or found a problem, as sentences."""
    reasons = []
    for check in case.checks.all():
        if check.result == VettingResult.PENDING:
            reasons.append(f"「{check.get_kind_display()}」尚未完成。")
        elif check.result == VettingResult.CONCERN:
            reasons.append(f"「{check.get_kind_display()}」发现问题：{check.conclusion or '见佐证材料'}。")
    return reasons


def clearing_refusals(case: VettingCase, *, on: datetime.date | None = None) -> list[str]:
    return open_check_reasons(case) + [b.message for b in blockers_for(case.cadre, on=on)]


def vetting_cases_with_flags(qs: QuerySet[VettingCase], *, on: datetime.date | None = None) -> QuerySet[VettingCase]:
    """Cases annotated in SQL with ``open_checks`` and ``is_blocked`` for the changelist."""
    on = on or timezone.localdate()
    cadre = OuterRef("cadre_id")
    latest_score = Subquery(
        Assessment.objects.filter(cadre=cadre).order_by("-year").values("political_score")[:1]
    )
    return qs.annotate(
        has_open_checks=Exists(
            VettingCheck.objects.filter(case=OuterRef("pk")).exclude(result=VettingResult.CLEAR)
        ),
        latest_score=latest_score,
        has_influence=under_influence(cadre, on=on),
        has_suspected_file=Exists(FileAudit.objects.filter(cadre=cadre, status=FileAuditStatus.SUSPECTED)),
        has_discrepancy=Exists(SpotCheck.objects.filter(unresolved_discrepancy_q(), cadre=cadre)),
    )


def open_vetting_cadre_ids(unit_path: str) -> list[int]:
    """Cadres nominated (an open 凡提四必 case) within a unit subtree."""
    return list(
        VettingCase.objects.filter(status=VettingStatus.REVIEWING, cadre__unit__path__startswith=unit_path)
        .values_list("cadre_id", flat=True)
        .distinct()
    )


# ---------------------------------------------------------------------------
# 因私出入境证件
# ---------------------------------------------------------------------------

def overdue_loans(user: Any, *, today: datetime.date | None = None) -> QuerySet[TravelDocumentLoan]:
    """Documents lent and not returned after their due date, oldest due first."""
    today = today or timezone.localdate()
    return (
        scope_queryset(TravelDocumentLoan.objects.filter(returned_on__isnull=True, due_on__lt=today), user)
        .select_related("document", "document__holder", "document__holder__unit")
        .order_by("due_on", "id")
    )


# ---------------------------------------------------------------------------
# 台账
# ---------------------------------------------------------------------------

def vetting_during_influence(user: Any) -> QuerySet[VettingCase]:
    """凡提四必 cases whose cadre was nominated while an influence period ran, of a 组织处理 or
    a 党纪政务处分. Annotated with the latest end among the periods running that day, per
    source (``handling_ends_on``, ``finding_ends_on``), and ``for_good`` when a finding
    holds for good; :func:`influence_end_of` reads them."""
    nominated = OuterRef("nominated_on")
    handling = HandlingRecord.objects.filter(cadre=OuterRef("cadre_id"), decided_on__lte=nominated,
                                             influence_ends_on__gte=nominated)
    findings = DisciplineFinding.objects.filter(cadre=OuterRef("cadre_id"), decided_on__lte=nominated)
    dated = findings.filter(influence_ends_on__gte=nominated)
    for_good = findings.filter(kind__in=FOR_GOOD_KINDS)
    return (
        scope_queryset(VettingCase.objects.filter(Q(Exists(handling)) | Q(Exists(dated)) | Q(Exists(for_good))), user)
        .annotate(handling_ends_on=Subquery(handling.order_by("-influence_ends_on").values("influence_ends_on")[:1]),
                  finding_ends_on=Subquery(dated.order_by("-influence_ends_on").values("influence_ends_on")[:1]),
                  for_good=Exists(for_good))
        .select_related("cadre", "cadre__unit")
        .order_by("-nominated_on", "pk")
    )


def influence_end_of(case: VettingCase) -> datetime.date | str | None:
    """影响期截止日 of a row of :func:`vetting_during_influence`: the later end, or 长期."""
    if getattr(case, "for_good", False):
        return "长期"
    ends = [d for d in (getattr(case, "handling_ends_on", None), getattr(case, "finding_ends_on", None)) if d]
    return max(ends) if ends else None


def discrepancies_unhandled(user: Any) -> QuerySet[SpotCheck]:
    """个人有关事项抽查核实发现漏报、瞒报，尚未处理完毕."""
    return (
        scope_queryset(SpotCheck.objects.filter(unresolved_discrepancy_q()), user)
        .select_related("cadre", "cadre__unit", "draw", "supplement")
        .order_by("checked_on", "pk")
    )


def files_suspected(user: Any) -> QuerySet[FileAudit]:
    """档案疑似造假、暂缓选任, each annotated with ``suspect_<item>`` (a boolean per item of
    三龄两历一身份 found suspected) — EXISTS per item rather than a string aggregate, so the
    same query runs on the demo's SQLite."""
    suspected = {
        f"suspect_{item}": Exists(FileAuditFinding.objects.filter(
            audit=OuterRef("pk"), item=item, result=FindingResult.SUSPECTED))
        for item in FileAuditItem.values
    }
    return (
        scope_queryset(FileAudit.objects.filter(status=FileAuditStatus.SUSPECTED), user)
        .annotate(**suspected)
        .select_related("cadre", "cadre__unit")
        .order_by("audited_on", "pk")
    )


# ---------------------------------------------------------------------------
# 监督档案 timeline
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class TimelineEntry:
    day: datetime.date
    kind: str
    title: str
    detail: str = ""
    source: Any = None


def supervision_timeline(cadre: Cadre) -> list[TimelineEntry]:
    """Handling and 党纪政务处分 (with influence periods), spot checks, file audits, vetting
    and the rectification items they opened, newest first. The caller has already reached
    ``cadre`` through a scoped queryset."""
    entries: list[TimelineEntry] = []
    sources: list[Any] = []
    for record in HandlingRecord.objects.filter(cadre=cadre):
        detail = record.facts[:120]
        if record.influence_ends_on:
            detail = f"影响期{record.influence_months}个月，至{record.influence_ends_on:%Y-%m-%d}。" + detail
        entries.append(TimelineEntry(record.decided_on, "组织处理",
                                     f"{record.get_handling_type_display()}（{record.get_source_display()}）",
                                     detail, record))
        if record.influence_ends_on:
            entries.append(TimelineEntry(record.influence_ends_on, "影响期届满",
                                         f"{record.get_handling_type_display()}影响期届满", "", record))
        sources.append(record)
    for finding in DisciplineFinding.objects.filter(cadre=cadre):
        period = ("长期有效。" if finding.for_good
                  else f"影响期{finding.influence_months}个月，至{finding.influence_ends_on:%Y-%m-%d}。")
        title = f"{finding.get_kind_display()}（{finding.deciding_organ}，{finding.document_number}）"
        entries.append(TimelineEntry(finding.decided_on, finding.category_label, title,
                                     period + finding.summary[:120], finding))
        if finding.influence_ends_on:
            entries.append(TimelineEntry(finding.influence_ends_on, "影响期届满",
                                         f"{finding.get_kind_display()}处分影响期届满", "", finding))
    for check in SpotCheck.objects.filter(cadre=cadre).select_related("draw"):
        day = check.checked_on or (check.draw.drawn_at and timezone.localdate(check.draw.drawn_at)) or timezone.localdate()
        entries.append(TimelineEntry(day, "个人有关事项核查",
                                     f"{check.draw.year}年度{check.get_selection_display()}：{check.get_outcome_display()}",
                                     check.handling, check))
        sources.append(check)
    for audit in FileAudit.objects.filter(cadre=cadre):
        entries.append(TimelineEntry(audit.audited_on, "档案审核", f"档案专项审核：{audit.get_status_display()}",
                                     audit.resolution, audit))
        sources.append(audit)
    for case in VettingCase.objects.filter(cadre=cadre):
        entries.append(TimelineEntry(case.nominated_on, "凡提四必", f"拟任{case.proposed_post}：{case.get_status_display()}",
                                     case.termination_reason, case))
    for source in sources:
        for item in rectification_items_for(source):
            entries.append(TimelineEntry(timezone.localdate(item.created_at), "整改事项",
                                         f"整改事项：{item.get_state_display()}", item.problem[:120], item))
    entries.sort(key=lambda e: e.day, reverse=True)
    return entries


# ---------------------------------------------------------------------------
# Decisions the registry has not followed yet (组织处理、处分决定的落实)
# ---------------------------------------------------------------------------

# 组织处理 that take the cadre out of his post or lower it, and the 政务处分 that do: each
# is carried out through 任职经历 (the post ended, a new one appointed) or 干部状态. 降职
# and 撤职 (which lowers the post, 《公职人员政务处分法》) are carried out by a lower
# 职务层次, not by any new post; 开除公职 by the cadre leaving 在职.
POST_ENDING_HANDLING = (HandlingType.POST_ADJUSTMENT, HandlingType.ORDERED_RESIGNATION, HandlingType.DISMISSAL,
                        HandlingType.DEMOTION)
LOWERING = (HandlingType.DEMOTION, DisciplineKind.PUBLIC_DISMISSAL)


def _post_held_before_decision() -> QuerySet[Post]:
    """The serving cadre's current principal post taken before the decision: the post the
    decision was about, still held."""
    return Post.objects.filter(Q(appointed_on__lt=OuterRef("decided_on")) | Q(appointed_on__isnull=True),
                               cadre=OuterRef("cadre_id"), is_current=True, is_principal=True,
                               cadre__status=CadreStatus.ACTIVE)


def _rank_level(field: str) -> Case:
    """职务层次 ``field`` on the scale of ``RANK_LEVEL`` (0: none)."""
    return Case(*(When(**{field: rank}, then=Value(level)) for rank, level in RANK_LEVEL.items()),
                default=Value(0), output_field=IntegerField())


def _with_posts(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The serving cadre's current principal post (title, since, 职务层次) and the 职务层次
    of the principal post he held on the decision day, each row annotated."""
    current = Post.objects.filter(cadre=OuterRef("cadre_id"), is_current=True, is_principal=True,
                                  cadre__status=CadreStatus.ACTIVE).order_by("-appointed_on")
    on_decision = (Post.objects.filter(Q(appointed_on__lt=OuterRef("decided_on")) | Q(appointed_on__isnull=True),
                                       Q(removed_on__isnull=True) | Q(removed_on__gte=OuterRef("decided_on")),
                                       cadre=OuterRef("cadre_id"), is_principal=True)
                   .exclude(rank="").order_by("-appointed_on"))
    return (queryset.annotate(post_held=Subquery(current.values("title")[:1]),
                              post_held_since=Subquery(current.values("appointed_on")[:1]),
                              rank_now=Subquery(current.values("rank")[:1]),
                              rank_on_decision=Subquery(on_decision.values("rank")[:1]))
            .annotate(level_now=_rank_level("rank_now"), level_on_decision=_rank_level("rank_on_decision")))


def _not_lowered() -> Q:
    """降职 or 撤职 not carried out: still in the post held before the decision, or in a
    post of no lower 职务层次 than that day's."""
    return Q(Exists(_post_held_before_decision())) | Q(level_on_decision__gt=0, level_now__gte=F("level_on_decision"))


def handling_not_carried_out(user: Any) -> QuerySet[HandlingRecord]:
    """调整职务, 责令辞职 and 免职 whose cadre is still 在职 in the principal post he held
    before the decision, and 降职 whose cadre holds no lower 职务层次 than on the decision
    day: the decision is on file, but 任职经历 and 干部状态 do not show it carried out.
    Oldest decisions first."""
    records = _with_posts(HandlingRecord.objects.filter(handling_type__in=POST_ENDING_HANDLING,
                                                        cadre__status=CadreStatus.ACTIVE))
    records = records.filter((Q(handling_type=HandlingType.DEMOTION) & _not_lowered())
                             | (~Q(handling_type=HandlingType.DEMOTION) & Q(Exists(_post_held_before_decision()))))
    return scope_queryset(records, user).select_related("cadre", "cadre__unit").order_by("decided_on", "pk")


def findings_not_carried_out(user: Any) -> QuerySet[DisciplineFinding]:
    """撤职 whose cadre holds no lower 职务层次 than on the decision day, 开除公职 whose cadre
    is still 在职, and 开除党籍 whose cadre is still recorded as 中共党员 or 中共预备党员: the
    处分 is on file, the registry does not show it carried out. Oldest decisions first."""
    findings = _with_posts(DisciplineFinding.objects.all()).filter(
        (Q(kind=DisciplineKind.PUBLIC_DISMISSAL, cadre__status=CadreStatus.ACTIVE) & _not_lowered())
        | Q(kind=DisciplineKind.PUBLIC_EXPULSION, cadre__status=CadreStatus.ACTIVE)
        | Q(kind=DisciplineKind.PARTY_EXPULSION, cadre__political_status__in=PARTY_MEMBER_STATUSES))
    return scope_queryset(findings, user).select_related("cadre", "cadre__unit").order_by("decided_on", "pk")


def not_carried_out_reason(row: HandlingRecord | DisciplineFinding) -> str:
    """What a row of :func:`handling_not_carried_out` or :func:`findings_not_carried_out`
    still waits for, in a sentence."""
    kind = row.kind if isinstance(row, DisciplineFinding) else row.handling_type
    if kind == DisciplineKind.PARTY_EXPULSION:
        return (f"已开除党籍，干部信息中的政治面貌仍为{row.cadre.political_status}：请更正政治面貌"
                "（填有入党时间的一并清空，原值留在修改记录中）。")
    if kind == DisciplineKind.PUBLIC_EXPULSION:
        return "已开除公职，干部状态仍为在职：请修改干部状态（开除公职后不再任职）。"
    what = row.get_handling_type_display() if isinstance(row, HandlingRecord) else row.get_kind_display()
    post = getattr(row, "post_held", "") or "原职务"
    since = f"（{row.post_held_since:%Y-%m-%d}任职）" if getattr(row, "post_held_since", None) else ""
    if kind in LOWERING:
        before = dict(Rank.choices).get(getattr(row, "rank_on_decision", "") or "", "")
        now = dict(Rank.choices).get(getattr(row, "rank_now", "") or "", "")
        level = f"，职务层次仍为{now}（决定时为{before}）" if now and before else ""
        return f"{what}后仍任「{post}」{since}{level}：请在任职经历中登记降低职务层次后的新任职务。"
    return f"{what}后仍任「{post}」{since}：请在任职经历中登记免职或新任职务，或修改干部状态。"
