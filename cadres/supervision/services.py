"""Every state change of 干部监督 happens here.

Each service follows the write contract (``orgwork.common.contract``): an actor is
required (a ``SystemActor`` for commands and the demo seeder), its permission is
checked, the row is locked inside its jurisdiction, the rule refuses with a Chinese
``ValidationError``, and the row is saved with ``update_fields`` with exactly one audit
row, in one transaction.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, models, transaction
from django.utils import timezone

from cadres.models import Cadre, CadreStatus
from cadres.rules import check_vetting_rank_given
from orgwork.common import dates
from orgwork.common.display import already
from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import concrete_values, record
from orgwork.common.contract import (
    is_system,
    lock_in_scope,
    require_actor,
    require_permission,
    save_audited,
    user_of,
)
from orgwork.rectification.models import ChecklistSource
from orgwork.rectification.services import rectification_open_item
from orgwork.units.models import Unit
from orgwork.units.scope import scope_queryset

from . import sampling
from .models import (
    DISCIPLINE_MONTHS,
    DISCREPANCIES,
    DisciplineFinding,
    DrawMethod,
    FileAudit,
    FileAuditStatus,
    FindingResult,
    HandlingRecord,
    InfluencePeriodRule,
    PersonalMattersReport,
    SpotCheck,
    SpotCheckDraw,
    SpotCheckOutcome,
    SpotCheckSelection,
    SupplementaryDraw,
    SupplementReason,
    TravelDocument,
    TravelDocumentLoan,
    TravelDocumentStatus,
    UnverifiableReason,
    VettingCase,
    VettingCheck,
    VettingCheckKind,
    VettingResult,
    VettingStatus,
)
from .periods import influence_end
from .selectors import clearing_refusals, open_vetting_cadre_ids
from .signals import basis_corrected, handling_recorded

M = TypeVar("M", bound=models.Model)


def _lock(obj: M, actor: Any, field: str = "id") -> M:
    """The row locked for update, reached through the actor's jurisdiction."""
    try:
        return lock_in_scope(type(obj)._default_manager.all(), obj.pk, actor, what="记录")
    except ValidationError as exc:
        raise ValidationError({field: exc.messages[0]}, code="scope") from None


def _require_perm(actor: Any, perm: str, label: str) -> None:
    require_permission(actor, perm, label)


def _require_cadre_in_scope(cadre_id: Any, actor: Any) -> None:
    if not scope_queryset(Cadre.objects.filter(pk=cadre_id), actor).exists():
        raise ValidationError({"cadre": "该干部不存在或不在您的管辖范围内。"}, code="scope")


def _day_between(day: datetime.date, field: str, label: str, earliest: datetime.date | None,
                 earliest_label: str) -> None:
    """A step's day: not still to come, and not before the day the record it closes began."""
    if dates.after_today(day):
        raise ValidationError({field: f"{label}不能晚于今天。"})
    if earliest is not None and day < earliest:
        raise ValidationError({field: f"{label}不能早于{earliest_label}（{earliest:%Y-%m-%d}）。"})


def _basis_corrected(stored: Any, changed: Any, actor: Any) -> None:
    """A decision corrected to another cadre (录错干部) or another 决定日期: its 影响期
    moves with it, and what rests on the record as it was is withdrawn or refuses the
    correction (``signals.basis_corrected``: a 带病提拔倒查 still open is withdrawn and
    started again; one concluded stands, and refuses a change of cadre). The audit row of
    the save names the values before and after."""
    cadre_changed = stored.cadre_id != changed.cadre_id
    if cadre_changed or stored.decided_on != changed.decided_on:
        basis_corrected.send(sender=type(stored), record=stored, actor=actor, cadre_changed=cadre_changed)


def _copy_back(target: models.Model, source: models.Model, fields: list[str]) -> None:
    for name in fields:
        setattr(target, name, getattr(source, name))
    target._audit_loaded = getattr(source, "_audit_loaded", None)


# ---------------------------------------------------------------------------
# 组织处理 and 影响期
# ---------------------------------------------------------------------------

def influence_months_for(handling_type: str) -> int:
    rule = InfluencePeriodRule.objects.filter(handling_type=handling_type).first()
    return rule.months if rule is not None else 0


def handling_record_fill_period(record: HandlingRecord, original_type: str | None) -> None:
    """The influence period is taken from the rule table when the record is created or its
    handling type changes (``original_type`` is the stored type, None for a new record),
    and kept afterwards: a later edit of the rule does not move the end date of decisions
    already taken. The end date follows the decision date."""
    if original_type is None or original_type != record.handling_type:
        record.influence_months = influence_months_for(record.handling_type)
    record.influence_ends_on = influence_end(record.decided_on, record.influence_months)


@transaction.atomic
def handling_record_save(*, record: HandlingRecord, actor: Any, validate: bool = True) -> HandlingRecord:
    """Record or correct a 组织处理 decision (its 影响期: :func:`handling_record_fill_period`)."""
    adding = record._state.adding or record.pk is None
    _require_perm(actor, "supervision.add_handlingrecord" if adding else "supervision.change_handlingrecord",
                  "登记组织处理")
    _require_cadre_in_scope(record.cadre_id, actor)
    original_type = None
    if not adding:
        stored = _lock(record, actor)
        _basis_corrected(stored, record, actor)
        original_type = stored.handling_type
        if getattr(record, "_audit_loaded", None) is None:
            record._audit_loaded = concrete_values(stored)
    if validate:
        record.full_clean()
    handling_record_fill_period(record, original_type)
    save_audited(record, actor=actor)
    handling_recorded.send(sender=HandlingRecord, record=record, actor=actor)
    return record


# ---------------------------------------------------------------------------
# 党纪处分 / 政务处分
# ---------------------------------------------------------------------------

def discipline_finding_fill_period(finding: DisciplineFinding) -> None:
    """The 影响期 follows the statutes (``models.DISCIPLINE_MONTHS``) from the kind and the
    decision date; 开除党籍 and 开除公职 hold for good (no end date)."""
    finding.influence_months = DISCIPLINE_MONTHS.get(finding.kind, 0)
    finding.influence_ends_on = (None if finding.for_good or finding.decided_on is None
                                 else influence_end(finding.decided_on, finding.influence_months))


@transaction.atomic
def discipline_finding_save(*, finding: DisciplineFinding, actor: Any, validate: bool = True) -> DisciplineFinding:
    """Record or correct a 党纪处分 or 政务处分 decision (its 影响期:
    :func:`discipline_finding_fill_period`). Like a 组织处理, it is announced with
    ``signals.handling_recorded`` in the same transaction (the 带病提拔倒查 listens)."""
    adding = finding._state.adding or finding.pk is None
    _require_perm(actor, "supervision.add_disciplinefinding" if adding else "supervision.change_disciplinefinding",
                  "登记党纪政务处分")
    _require_cadre_in_scope(finding.cadre_id, actor)
    if not adding:
        stored = _lock(finding, actor)
        _basis_corrected(stored, finding, actor)
        if getattr(finding, "_audit_loaded", None) is None:
            finding._audit_loaded = concrete_values(stored)
    finding.document_number = (finding.document_number or "").strip()
    finding.deciding_organ = (finding.deciding_organ or "").strip()
    discipline_finding_fill_period(finding)
    if validate:
        finding.full_clean()
    save_audited(finding, actor=actor)
    handling_recorded.send(sender=DisciplineFinding, record=finding, actor=actor)
    return finding


# ---------------------------------------------------------------------------
# 凡提四必
# ---------------------------------------------------------------------------

@transaction.atomic
def vetting_open(*, cadre: Cadre, proposed_post: str, nominated_by: str, nominated_on: datetime.date,
                 actor: Any, proposed_rank: str = "") -> VettingCase:
    """提名: open a vetting case with its four checks, all pending. ``proposed_rank`` (拟任职务层次)
    is the step the case vets: once cleared it answers for one promotion to that 职务层次
    (``cadres.rules.vetting_refusal``), within what the actor's department vets
    (``cadres.rules.check_vetting_rank_given``: a county no 县处级 step)."""
    _require_perm(actor, "supervision.add_vettingcase", "发起凡提四必审查")
    _require_cadre_in_scope(cadre.pk, actor)
    check_vetting_rank_given(actor=actor, rank=proposed_rank)
    if VettingCase.objects.filter(cadre=cadre, status=VettingStatus.REVIEWING).exists():
        raise ValidationError({"cadre": f"{cadre.name}已有审查中的凡提四必案件，不能重复发起。"}, code="duplicate")
    case = VettingCase(cadre=cadre, proposed_post=proposed_post.strip(), proposed_rank=proposed_rank,
                       nominated_by=nominated_by.strip(), nominated_on=nominated_on)
    case.full_clean()
    save_audited(case, actor=actor)
    for kind in VettingCheckKind.values:
        VettingCheck.objects.create(case=case, kind=kind)
    return case


@transaction.atomic
def vetting_record_check(*, check: VettingCheck, result: str, checked_on: datetime.date | None, handler: str,
                         conclusion: str = "", evidence: File | None = None, actor: Any) -> VettingCheck:
    """Record the outcome of one of the four checks on an open case."""
    _require_perm(actor, "supervision.change_vettingcheck", "登记核查结果")
    locked = _lock(check, actor, "result")
    if locked.case.status != VettingStatus.REVIEWING:
        raise ValidationError({"status": f"该审查{already(locked.case.get_status_display())}，不能再修改核查结果。"},
                              code="state")
    locked.result = result
    locked.checked_on = checked_on
    locked.handler = handler.strip()
    locked.conclusion = conclusion.strip()
    fields = ["result", "checked_on", "handler", "conclusion"]
    if evidence is not None:
        locked.evidence = evidence
        fields.append("evidence")
    locked.full_clean()
    save_audited(locked, actor=actor, fields=fields)
    _copy_back(check, locked, fields)
    return locked


@transaction.atomic
def vetting_clear(*, case: VettingCase, actor: Any) -> VettingCase:
    """审查通过: refused while a check is open or found a problem, or a blocker stands;
    the refusal lists every reason."""
    _require_perm(actor, "supervision.change_vettingcase", "审查通过")
    locked = _lock(case, actor, "status")
    if locked.status != VettingStatus.REVIEWING:
        raise ValidationError({"status": f"该审查{already(locked.get_status_display())}。"}, code="state")
    # Lock the cadre too: a decision recorded meanwhile must not slip between check and save.
    Cadre.objects.select_for_update(of=("self",)).filter(pk=locked.cadre_id).first()
    reasons = clearing_refusals(locked)
    if reasons:
        # One sentence, the reasons joined: a header of its own would be joined to the first
        # reason by a batch summary as 「：；」.
        joined = "；".join(reason.rstrip("。；") for reason in reasons)
        raise ValidationError({"status": f"{locked.cadre}不能通过凡提四必审查：{joined}。"}, code="blocked")
    locked.status = VettingStatus.CLEARED
    locked.concluded_at = timezone.now()
    locked.concluded_by = user_of(actor)
    fields = ["status", "concluded_at", "concluded_by"]
    save_audited(locked, actor=actor, fields=fields, action=AuditAction.TRANSITION,
                 message="凡提四必审查通过")
    _copy_back(case, locked, fields)
    return locked


@transaction.atomic
def vetting_terminate(*, case: VettingCase, actor: Any, reason: str) -> VettingCase:
    """终止审查 (e.g. the nomination was withdrawn or a problem was confirmed)."""
    _require_perm(actor, "supervision.change_vettingcase", "终止审查")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"termination_reason": "终止审查须填写原因。"})
    locked = _lock(case, actor, "status")
    if locked.status != VettingStatus.REVIEWING:
        raise ValidationError({"status": f"该审查{already(locked.get_status_display())}。"}, code="state")
    locked.status = VettingStatus.TERMINATED
    locked.termination_reason = reason
    locked.concluded_at = timezone.now()
    locked.concluded_by = user_of(actor)
    fields = ["status", "termination_reason", "concluded_at", "concluded_by"]
    save_audited(locked, actor=actor, fields=fields, action=AuditAction.TRANSITION,
                 message=f"终止凡提四必审查：{reason}")
    _copy_back(case, locked, fields)
    return locked


# ---------------------------------------------------------------------------
# 个人有关事项
# ---------------------------------------------------------------------------

@transaction.atomic
def personal_matters_report_save(*, report: PersonalMattersReport, actor: Any,
                                 validate: bool = True) -> PersonalMattersReport:
    """Record or correct a 个人有关事项报告. A report a 抽查 has drawn keeps its cadre and
    year and files no later than the check (``PersonalMattersReport.spot_check_errors``,
    through ``clean()``, as on the sheet)."""
    adding = report._state.adding or report.pk is None
    _require_perm(actor, "supervision.add_personalmattersreport" if adding
                  else "supervision.change_personalmattersreport", "登记个人有关事项报告")
    _require_cadre_in_scope(report.cadre_id, actor)
    if not adding:
        stored = _lock(report, actor)
        if getattr(report, "_audit_loaded", None) is None:
            report._audit_loaded = concrete_values(stored)
    if validate:
        report.full_clean()
    save_audited(report, actor=actor)
    return report


def personal_matters_record_view(*, report: PersonalMattersReport, actor: Any) -> None:
    """Who opened a personal-matters report, and when (查看敏感信息)."""
    require_actor(actor)
    record(report, action=AuditAction.VIEW_SENSITIVE, actor=actor,
           message=f"查看{report.cadre}{report.year}年度个人有关事项报告")


def draw_population(*, unit: Unit, year: int) -> sampling.Population:
    """Cadres in ``unit``'s subtree with a report for ``year``, as (cadre id, unit id)."""
    rows = PersonalMattersReport.objects.filter(year=year, cadre__unit__path__startswith=unit.path).values_list(
        "cadre_id", "cadre__unit_id"
    )
    return sampling.normalise(rows)


def draw_count_errors(draw: SpotCheckDraw, population_size: int) -> dict[str, str]:
    """A draw with no one to draw at random is refused, by either method: it would use up
    the unit's one draw of the year (``draw_once_per_unit_year``) and leave 补充抽取
    nothing to draw from. 按人数: a count larger than the population is refused, saying
    how many there are, rather than silently drawing everyone."""
    if population_size == 0:
        field = "count" if draw.method == DrawMethod.COUNT else "ratio"
        return {field: f"{draw.unit} {draw.year}年度没有已报告个人有关事项的干部，无可抽取：请先登记该年度的"
                       "个人有关事项报告再抽取（每个单位每个报告年度只能抽取一次）。"}
    if draw.method != DrawMethod.COUNT or not draw.count or draw.count <= population_size:
        return {}
    return {"count": f"抽取人数{draw.count}人超过总体人数{population_size}人（{draw.unit} {draw.year}年度已报告的干部）；"
                     f"请填写不超过{population_size}的人数（填{population_size}即抽取全部{population_size}人）。"}


# PostgreSQL advisory lock namespace: (DRAW_YEAR_LOCK, report year) is held by a draw's
# transaction while it looks for an overlapping draw of that year and records its own.
DRAW_YEAR_LOCK = 0x5344


def overlapping_draw(*, unit: Unit, year: int) -> SpotCheckDraw | None:
    """The draw of ``year`` whose population overlaps ``unit``'s: a draw for the unit
    itself, for a unit above it (whose subtree holds it) or below it (inside its subtree).
    A draw's population is its unit's whole subtree, so two such draws would draw the same
    cadres twice in one year."""
    ancestors = [unit.path[:i + 1] for i, char in enumerate(unit.path) if char == "/"]
    return (SpotCheckDraw.objects.select_related("unit")
            .filter(year=year)
            .filter(models.Q(unit__path__in=ancestors) | models.Q(unit__path__startswith=unit.path))
            .order_by("unit__path", "pk").first())


def overlap_errors(draw: SpotCheckDraw) -> dict[str, str]:
    """已有覆盖同一范围的抽查: refused, naming the year's draw to supplement instead."""
    existing = overlapping_draw(unit=draw.unit, year=draw.year)
    if existing is None:
        return {}
    named = f"「{existing.unit} {existing.year}年度抽查」"
    if existing.unit_id == draw.unit_id:
        where = f"该单位该报告年度已经抽取过（{named}）"
    elif draw.unit.is_within(existing.unit):
        where = f"{draw.unit}在{existing.unit}的抽查范围内，已有{named}"
    else:
        where = f"{draw.unit}的范围包含{existing.unit}，已有{named}"
    return {"unit": f"{where}，同一批干部一个报告年度只能抽取一次；所抽人员无法核查或上级要求扩大抽查的，"
                    f"请在{named}的页面办理「补充抽取」。"}


def spot_check_draw_errors(draw: SpotCheckDraw) -> dict[str, str]:
    """What the form shows before the draw: an overlapping draw of the year, and the
    rules that need the population."""
    if draw.unit_id is None or not draw.year:
        return {}
    if errors := overlap_errors(draw):
        return errors
    return draw_count_errors(draw, len(draw_population(unit=draw.unit, year=draw.year)))


def _refuse_a_chosen_seed(seed: int | None, actor: Any) -> None:
    """随机种子 is generated by the system and recorded, never chosen by a person: with
    the population on record, whoever types the seed can pick the sample. Only a system
    actor (a test, a command re-running a recorded draw) may pass one, for reproducibility."""
    if seed is not None and not is_system(actor):
        raise ValidationError({"seed": "随机种子由系统随机生成并记录，不能由人指定；请不填种子，直接抽取。"},
                              code="seed")


@transaction.atomic
def spot_check_draw(*, draw: SpotCheckDraw, actor: Any) -> SpotCheckDraw:
    """随机抽取: snapshot the population, draw from the seed, add every nominated cadre
    of the subtree as a targeted check (重点抽查). ``draw`` is an unsaved instance with
    unit, year, method, ratio or count and stratified; its seed is generated here
    (a system actor may give one: :func:`_refuse_a_chosen_seed`)."""
    _require_perm(actor, "supervision.add_spotcheckdraw", "随机抽取")
    if draw.pk is not None:
        raise ValidationError("该批次已抽取，不能重新抽取；需要再抽的，请在该批次的页面办理「补充抽取」。")
    if not scope_queryset(Unit.objects.filter(pk=draw.unit_id), actor).exists():
        raise ValidationError({"unit": "抽查范围不在您的管辖范围内。"}, code="scope")
    _refuse_a_chosen_seed(draw.seed, actor)
    if draw.seed is None:
        draw.seed = secrets.randbelow(2**53)
    draw.full_clean()
    # Draws of one report year wait for each other here, so that two overlapping draws
    # made at the same moment cannot both find the other absent. SQLite (the embedded
    # first look) has no such lock and lets one writer at a time anyway.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [DRAW_YEAR_LOCK, draw.year])
    if errors := overlap_errors(draw):
        raise ValidationError(errors, code="overlap")
    population = draw_population(unit=draw.unit, year=draw.year)
    size = len(population)
    if errors := draw_count_errors(draw, size):
        raise ValidationError(errors)
    total = (
        sampling.size_for_ratio(size, draw.ratio) if draw.method == DrawMethod.RATIO else min(draw.count or 0, size)
    )
    chosen = sampling.draw(population, seed=draw.seed, total=total, stratified=draw.stratified)
    targeted = sorted(set(open_vetting_cadre_ids(draw.unit.path)) - set(chosen))
    draw.population = [list(pair) for pair in population]
    draw.population_hash = sampling.population_hash(population)
    draw.population_size = size
    draw.random_total = len(chosen)
    draw.targeted_total = len(targeted)
    draw.drawn_by = user_of(actor)
    draw.drawn_by_system = actor.name if is_system(actor) else ""
    draw.drawn_at = timezone.now()
    save_audited(draw, actor=actor, action=AuditAction.TRANSITION,
                 message=f"随机抽取：总体{size}人，随机抽取{len(chosen)}人，重点抽查{len(targeted)}人，种子{draw.seed}")
    reports = dict(
        PersonalMattersReport.objects.filter(year=draw.year, cadre_id__in=chosen + targeted).values_list(
            "cadre_id", "id"
        )
    )
    for cadre_id, selection in [(c, SpotCheckSelection.RANDOM) for c in chosen] + [
        (c, SpotCheckSelection.TARGETED) for c in targeted
    ]:
        SpotCheck.objects.create(draw=draw, cadre_id=cadre_id, report_id=reports.get(cadre_id), selection=selection)
    return draw


def spot_check_redraw(draw: SpotCheckDraw) -> list[int]:
    """Re-run a recorded draw from its stored seed and population (for verification)."""
    return sampling.draw(draw.population, seed=draw.seed, total=draw.random_total, stratified=draw.stratified)


def supplement_population(draw: SpotCheckDraw) -> sampling.Population:
    """补充抽取的总体: the draw's recorded population less everyone already drawn in it
    (original and earlier supplementary draws, random and targeted alike)."""
    drawn = set(draw.checks.values_list("cadre_id", flat=True))
    return sampling.normalise(pair for pair in draw.population if int(pair[0]) not in drawn)


def supplement_count_errors(*, reason: str, count: int | None, replaced: int, remaining: int) -> dict[str, str]:
    """补抽人数: at least 1 and no more than the people not yet drawn. Replacing cadres who
    cannot be verified draws exactly as many as it replaces (all that remain, when fewer
    remain): fewer would shrink the year's sample, more is an expansion, which only a
    higher level orders."""
    if remaining == 0:
        return {"count": "该年度抽查总体中的人员都已抽取，没有可补充抽取的人员。"}
    if reason == SupplementReason.UNVERIFIABLE:
        expected = min(replaced, remaining)
        if count is None or count == expected:
            return {}
        if count > replaced:
            return {"count": f"补抽人数{count}人多于被替换的{replaced}人：替换无法核查的人员只补抽同样的人数；"
                             "需要多抽的属于扩大抽查，请选择「上级要求扩大抽查比例」并填写要求单位和文号。"}
        if count > remaining:
            return {"count": f"未抽取的人员只剩{remaining}人，补抽人数请填写{remaining}（或留空）。"}
        return {"count": f"补抽人数{count}人少于被替换的{replaced}人：替换后抽查人数不能减少，"
                         f"请填写{expected}（或留空，按被替换人数补抽）。"}
    if count is None:
        return {"count": "请填写补抽人数。"}
    if count < 1:
        return {"count": "补抽人数至少为1人。"}
    if count > remaining:
        return {"count": f"补抽人数{count}人超过尚未抽取的{remaining}人；请填写不超过{remaining}的人数。"}
    return {}


# 无法核查 reasons the cadre's record must show, and those that need an approval instead.
ON_RECORD = (UnverifiableReason.TRANSFERRED, UnverifiableReason.RETIRED, UnverifiableReason.DECEASED)
NEED_APPROVAL = (UnverifiableReason.SICK_LEAVE, UnverifiableReason.OTHER)


def _record_disagrees(check: SpotCheck, reason: str, draw: SpotCheckDraw) -> str:
    """How the cadre's record contradicts a 调离/退休/去世 reason ("" when it agrees):
    退休 and 去世 need the cadre's 状态 to say so; 调离 needs the cadre 调出 or 免职, moved
    out of the draw's unit subtree, or holding no current post."""
    cadre = check.cadre
    shown = f"{cadre.name}的干部信息为「{cadre.get_status_display()}」、{cadre.unit}"
    if reason == UnverifiableReason.RETIRED and cadre.status != CadreStatus.RETIRED:
        return f"{shown}，未登记退休"
    if reason == UnverifiableReason.DECEASED and cadre.status != CadreStatus.DECEASED:
        return f"{shown}，未登记去世"
    if reason == UnverifiableReason.TRANSFERRED:
        gone = (cadre.status in (CadreStatus.TRANSFERRED, CadreStatus.REMOVED)
                or not cadre.unit.is_within(draw.unit)
                or not (cadre.current_post.strip() or cadre.posts.filter(is_current=True).exists()))
        if not gone:
            return f"{shown}，仍在{draw.unit}范围内任现职，未登记调离"
    return ""


def _unverifiable_errors(checks: list[SpotCheck], reasons: Mapping[int, str], draw: SpotCheckDraw,
                         approved_by: str, approval_document: str) -> dict[str, str]:
    """无法核查 has to be shown, not just said: 调离/退休/去世 must agree with the cadre's
    record (update it first); 长期病假 and 其他 need a named approval with its 文号 or 批示;
    and a cadre brought in by a 补充抽取 is not replaced again for 其他 — each round of
    「其他」 would otherwise be a free re-draw until the sample suits."""
    errors: dict[str, str] = {}
    if again := [c for c in checks if reasons[c.pk] == UnverifiableReason.OTHER and c.supplement_id]:
        errors["replaced"] = ("、".join(f"{c.cadre.name}是{c.round_label}抽中的人员" for c in again)
                              + "，不能再以「其他」原因由补充抽取替换：请照常核查；确因调离、退休、去世或长期病假"
                              "无法核查的，按该原因登记。")
        return errors
    if disagree := [text for c in checks if reasons[c.pk] in ON_RECORD
                    for text in [_record_disagrees(c, reasons[c.pk], draw)] if text]:
        errors["replaced"] = ("；".join(disagree) + "。以调离、退休、去世为由的，须与干部信息一致："
                              "请先在干部信息中更新其状态、单位或任职，再登记无法核查。")
        return errors
    if any(reasons[c.pk] in NEED_APPROVAL for c in checks):
        if not approved_by:
            errors["approved_by"] = "因长期病假或其他原因无法核查的，须填写批准替换的领导或机构。"
        if not approval_document:
            errors["approval_document"] = "因长期病假或其他原因无法核查的，须填写批准文号或批示。"
    return errors


@transaction.atomic
def spot_check_supplement(*, draw: SpotCheckDraw, reason: str, explanation: str, actor: Any,
                          replaced: Mapping[Any, str] | None = None, count: int | None = None,
                          seed: int | None = None, ordered_by: str = "", order_document: str = "",
                          approved_by: str = "", approval_document: str = "") -> SupplementaryDraw:
    """补充抽取: a recorded, reproducible second draw belonging to ``draw`` (which stays the
    one draw of its unit and year). ``replaced`` maps each drawn check (or its id) that
    cannot be verified to its :class:`UnverifiableReason`; those checks stay in the record
    marked 无法核查. An 上级要求 draw names ``ordered_by`` and its ``order_document``. The
    new cadres are drawn by ``sampling.draw`` from :func:`supplement_population` with
    ``seed`` (generated and recorded; only a system actor may give one), unstratified: a
    few places allotted by unit would always go to the largest units. A replacement for
    调离/退休/去世 must agree with the cadre's record; one for 长期病假/其他 names
    ``approved_by`` and its ``approval_document`` (:func:`_unverifiable_errors`)."""
    replaced = dict(replaced or {})
    _require_perm(actor, "supervision.add_spotcheckdraw", "补充抽取")
    _refuse_a_chosen_seed(seed, actor)
    if replaced:
        _require_perm(actor, "supervision.change_spotcheck", "登记无法核查")
    locked = _lock(draw, actor, "draw")
    explanation = (explanation or "").strip()
    ordered_by, order_document = (ordered_by or "").strip(), (order_document or "").strip()
    approved_by, approval_document = (approved_by or "").strip(), (approval_document or "").strip()
    errors: dict[str, str] = {}
    if reason not in SupplementReason.values:
        errors["reason"] = "请选择补抽原因。"
    if not explanation:
        errors["explanation"] = "补充抽取须写明说明。"
    if reason == SupplementReason.EXPANSION:
        if not ordered_by:
            errors["ordered_by"] = "上级要求扩大抽查比例的，须填写作出要求的单位。"
        if not order_document:
            errors["order_document"] = "上级要求扩大抽查比例的，须填写要求文号。"
        if replaced:
            errors["replaced"] = "扩大抽查不替换已抽取的人员；有人员无法核查的，请另行以「所抽人员无法核查」补充抽取。"
    checks: list[SpotCheck] = []
    reasons = {getattr(key, "pk", key): value for key, value in replaced.items()}
    if reason == SupplementReason.UNVERIFIABLE:
        ids = set(reasons)
        by_id = {c.pk: c for c in SpotCheck.objects.select_for_update(of=("self",))
                 .select_related("cadre", "cadre__unit", "supplement").filter(draw=locked, pk__in=ids)}
        checks = sorted(by_id.values(), key=lambda c: c.cadre_id)
        if not replaced:
            errors["replaced"] = "请选择无法核查的已抽取人员。"
        elif len(by_id) != len(ids):
            errors["replaced"] = "所选人员不是本次抽查抽取的人员。"
        elif bad := [c for c in checks if c.selection != SpotCheckSelection.RANDOM]:
            errors["replaced"] = f"{'、'.join(c.cadre.name for c in bad)}是重点抽查对象，不能由随机补充抽取替换。"
        elif done := [c for c in checks if c.outcome != SpotCheckOutcome.PENDING]:
            errors["replaced"] = ("、".join(f"{c.cadre.name}（{c.get_outcome_display()}）" for c in done)
                                  + "已有核查结果，不能再登记为无法核查。")
        elif missing := [c for c in checks if reasons[c.pk] not in UnverifiableReason.values]:
            errors["replaced"] = f"请选择{'、'.join(c.cadre.name for c in missing)}无法核查的原因。"
        else:
            errors.update(_unverifiable_errors(checks, reasons, locked, approved_by, approval_document))
    if errors:
        raise ValidationError(errors)
    population = supplement_population(locked)
    size = len(population)
    if errors := supplement_count_errors(reason=reason, count=count, replaced=len(checks), remaining=size):
        raise ValidationError(errors)
    if count is None:
        count = min(len(checks), size)
    if seed is None:
        seed = secrets.randbelow(2**53)
    chosen = sampling.draw(population, seed=seed, total=count, stratified=False)
    last = locked.supplements.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    supplement = SupplementaryDraw(
        draw=locked, sequence=last + 1, reason=reason, explanation=explanation, ordered_by=ordered_by,
        order_document=order_document, approved_by=approved_by, approval_document=approval_document,
        count=count, seed=seed, population=[list(pair) for pair in population],
        population_hash=sampling.population_hash(population), population_size=size, drawn_by=user_of(actor),
        drawn_by_system=actor.name if is_system(actor) else "", drawn_at=timezone.now(),
    )
    supplement.full_clean()
    names = "、".join(f"{c.cadre.name}（{UnverifiableReason(reasons[c.pk]).label}）" for c in checks)
    save_audited(supplement, actor=actor, action=AuditAction.TRANSITION, message=(
        f"补充抽取（{supplement.get_reason_display()}）：尚未抽取的总体{size}人，补抽{count}人，种子{seed}"
        + (f"；替换无法核查的{names}" if checks else "")
        + (f"；依据{ordered_by}{order_document}" if reason == SupplementReason.EXPANSION else "")
        + (f"；经{approved_by}批准（{approval_document}）" if approved_by else "")))
    for check in checks:
        check.outcome = SpotCheckOutcome.UNVERIFIABLE
        check.unverifiable_reason = reasons[check.pk]
        check.replaced_in = supplement
        save_audited(check, actor=actor, fields=["outcome", "unverifiable_reason", "replaced_in"],
                     action=AuditAction.TRANSITION,
                     message=f"无法核查（{check.get_unverifiable_reason_display()}），由第{supplement.sequence}次补充抽取替换")
    reports = dict(PersonalMattersReport.objects.filter(year=locked.year, cadre_id__in=chosen)
                   .values_list("cadre_id", "id"))
    for cadre_id in chosen:
        save_audited(SpotCheck(draw=locked, cadre_id=cadre_id, report_id=reports.get(cadre_id),
                               selection=SpotCheckSelection.RANDOM, supplement=supplement), actor=actor)
    return supplement


def spot_check_supplement_redraw(supplement: SupplementaryDraw) -> list[int]:
    """Re-run a recorded 补充抽取 from its stored seed and remaining population."""
    return sampling.draw(supplement.population, seed=supplement.seed, total=supplement.count, stratified=False)


@transaction.atomic
def spot_check_record_outcome(*, check: SpotCheck, outcome: str, checked_on: datetime.date, findings: str = "",
                              handling: str = "", actor: Any) -> SpotCheck:
    """核查结果: 一致, 漏报 or 瞒报. A discrepancy stays unresolved until handled."""
    _require_perm(actor, "supervision.change_spotcheck", "登记核查结果")
    if outcome not in SpotCheckOutcome.values or outcome in (SpotCheckOutcome.PENDING, SpotCheckOutcome.UNVERIFIABLE):
        raise ValidationError({"outcome": "核查结果应为一致、漏报或瞒报（无法核查的人员通过补充抽取登记）。"})
    if outcome in DISCREPANCIES and not findings.strip():
        raise ValidationError({"findings": "漏报、瞒报的，须写明核查情况。"})
    locked = _lock(check, actor, "outcome")
    if locked.outcome == SpotCheckOutcome.UNVERIFIABLE:
        raise ValidationError({"outcome": f"{locked.cadre.name}已登记为无法核查并由补充抽取替换，不能再登记核查结果。"},
                              code="state")
    locked.outcome = outcome
    locked.checked_on = checked_on
    locked.clean()  # the day: not to come, not before the report
    locked.findings = findings.strip()
    locked.handling = handling.strip()
    # A consistent report needs no handling; a discrepancy must be resolved explicitly.
    locked.resolved_on = checked_on if outcome == SpotCheckOutcome.CONSISTENT else None
    fields = ["outcome", "checked_on", "findings", "handling", "resolved_on"]
    save_audited(locked, actor=actor, fields=fields, action=AuditAction.TRANSITION,
                 message=f"核查结果：{locked.get_outcome_display()}")
    _copy_back(check, locked, fields)
    return locked


@transaction.atomic
def spot_check_resolve(*, check: SpotCheck, resolved_on: datetime.date, handling: str, actor: Any) -> SpotCheck:
    """处理完毕: the 漏报/瞒报 has been dealt with (批评教育, 诫勉, 取消提拔资格…)."""
    _require_perm(actor, "supervision.change_spotcheck", "处理完毕")
    handling = (handling or "").strip()
    locked = _lock(check, actor, "resolved_on")
    if locked.outcome not in DISCREPANCIES:
        raise ValidationError({"outcome": "只有漏报、瞒报的核查结果需要办理处理完毕。"})
    if locked.resolved_on is not None:
        return locked
    if not handling and not locked.handling:
        raise ValidationError({"handling": "办理处理完毕须写明处理情况。"})
    _day_between(resolved_on, "resolved_on", "处理完毕日期", locked.checked_on, "核查日期")
    locked.resolved_on = resolved_on
    if handling:
        locked.handling = handling
    fields = ["resolved_on", "handling"]
    save_audited(locked, actor=actor, fields=fields, action=AuditAction.TRANSITION,
                 message="漏报瞒报处理完毕")  # what was done stays out of the trail (audit_redacted_fields)
    _copy_back(check, locked, fields)
    return locked


@transaction.atomic
def spot_check_open_rectification(*, check: SpotCheck, actor: Any, deadline: datetime.date | None = None) -> Any:
    """挂账: put a 漏报/瞒报 on the books of the cadre's unit (idempotent per check). The item
    names the check and its outcome, not its 核查情况 and 处理情况: those are kept out of the
    audit trail (``SpotCheck.audit_redacted_fields``), which records the item's text in full;
    the item's page links to the check (来源记录)."""
    _require_perm(actor, "supervision.change_spotcheck", "开立整改事项")
    check = _lock(check, actor, "outcome")
    if check.outcome not in DISCREPANCIES:
        raise ValidationError({"outcome": "只有漏报、瞒报的核查结果可以开立整改事项。"})
    cadre = check.cadre
    return rectification_open_item(
        unit=cadre.unit,
        source=ChecklistSource.OTHER,
        problem=(f"{cadre.name}（{cadre.unit}）{check.draw.year}年度个人有关事项报告经"
                 f"{check.get_selection_display()}核实存在{check.get_outcome_display()}"
                 "（核查情况和处理情况见来源的抽查核实记录）"),
        actor=actor,
        source_object=check,
        deadline=deadline,
        responsible_person=cadre.name,
    )


# ---------------------------------------------------------------------------
# 干部档案专项审核
# ---------------------------------------------------------------------------

@transaction.atomic
def file_audit_complete(*, audit: FileAudit, actor: Any) -> FileAudit:
    """审核完成: the status follows the findings; 疑似造假 suspends selection."""
    _require_perm(actor, "supervision.change_fileaudit", "审核完成")
    locked = _lock(audit, actor, "status")
    if locked.status != FileAuditStatus.AUDITING:
        raise ValidationError({"status": f"该审核{already(locked.get_status_display())}。"}, code="state")
    results = set(locked.findings.values_list("result", flat=True))
    if not results:
        raise ValidationError({"status": "请先逐项录入三龄两历一身份的审核认定。"})
    if FindingResult.SUSPECTED in results:
        locked.status = FileAuditStatus.SUSPECTED
    elif FindingResult.CORRECTED in results:
        locked.status = FileAuditStatus.CORRECTED
    else:
        locked.status = FileAuditStatus.PASSED
    save_audited(locked, actor=actor, fields=["status"], action=AuditAction.TRANSITION,
                 message=f"档案审核完成：{locked.get_status_display()}")
    _copy_back(audit, locked, ["status"])
    return locked


@transaction.atomic
def file_audit_resolve(*, audit: FileAudit, resolution: str, resolved_on: datetime.date,
                       actor: Any) -> FileAudit:
    """查结: the suspected falsification has been investigated; the suspension is lifted."""
    _require_perm(actor, "supervision.change_fileaudit", "查结并解除暂缓")
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": "解除暂缓须写明查核结论。"})
    locked = _lock(audit, actor, "status")
    if locked.status != FileAuditStatus.SUSPECTED:
        raise ValidationError({"status": "只有疑似造假、暂缓选任的审核需要查结。"}, code="state")
    _day_between(resolved_on, "resolved_on", "查结日期", locked.audited_on, "审核日期")
    locked.status = FileAuditStatus.RESOLVED
    locked.resolution = resolution
    locked.resolved_on = resolved_on
    fields = ["status", "resolution", "resolved_on"]
    save_audited(locked, actor=actor, fields=fields, action=AuditAction.TRANSITION,
                 message=f"疑似造假查结，解除暂缓：{resolution}")
    _copy_back(audit, locked, fields)
    return locked


# ---------------------------------------------------------------------------
# 因私出入境证件
# ---------------------------------------------------------------------------

def lend_day_error(document: TravelDocument, lent_on: datetime.date | None) -> str | None:
    """借出日期 within the document's custody: not before it was deposited (交存日期), and
    not before the previous loan came back (交还日期): the loans of one document do not overlap."""
    if lent_on is None:
        return None
    if document.deposited_on and lent_on < document.deposited_on:
        return (f"借出日期 {lent_on:%Y-%m-%d} 早于证件的交存日期 {document.deposited_on:%Y-%m-%d}："
                f"证件交存组织保管后才能借出，请核对借出日期。")
    previous = (TravelDocumentLoan.objects.filter(document=document, returned_on__isnull=False)
                .order_by("-returned_on").first())
    if previous is not None and lent_on < previous.returned_on:
        return (f"借出日期 {lent_on:%Y-%m-%d} 早于上次借用（{previous.lent_on:%Y-%m-%d} 借出）的交还日期 "
                f"{previous.returned_on:%Y-%m-%d}：同一证件的借用不能重叠，请核对借出日期。")
    return None


@transaction.atomic
def travel_document_lend(*, document: TravelDocument, lent_on: datetime.date, due_on: datetime.date, purpose: str,
                         approved_by: str, actor: Any) -> TravelDocumentLoan:
    """借出: only a document in custody, with a due date, on a day it was in custody
    (:func:`lend_day_error`)."""
    _require_perm(actor, "supervision.add_traveldocumentloan", "借出证件")
    locked = _lock(document, actor, "document")
    if locked.status != TravelDocumentStatus.IN_CUSTODY:
        raise ValidationError({"document": f"{locked}当前状态为「{locked.get_status_display()}」，不能借出。"})
    _day_between(lent_on, "lent_on", "借出日期", None, "")
    if refused := lend_day_error(locked, lent_on):
        raise ValidationError({"lent_on": refused})
    if locked.expires_on and locked.expires_on < due_on:
        raise ValidationError({"due_on": f"证件有效期至{locked.expires_on:%Y-%m-%d}，早于应交还日期。"})
    loan = TravelDocumentLoan(document=locked, lent_on=lent_on, due_on=due_on, purpose=purpose.strip(),
                              approved_by=approved_by.strip())
    loan.full_clean()
    save_audited(loan, actor=actor)
    locked.status = TravelDocumentStatus.LENT
    save_audited(locked, actor=actor, fields=["status"], action=AuditAction.TRANSITION, message="借出证件")
    _copy_back(document, locked, ["status"])
    return loan


@transaction.atomic
def travel_document_return(*, document: TravelDocument, returned_on: datetime.date, actor: Any,
                           loan: TravelDocumentLoan | None = None) -> TravelDocumentLoan:
    """交还: closes the open loan and puts the document back in custody. ``loan``: the
    loan the clerk chose (the list's action), which must be that open loan."""
    _require_perm(actor, "supervision.change_traveldocumentloan", "交还证件")
    locked = _lock(document, actor, "document")
    chosen = loan
    loan = (
        TravelDocumentLoan.objects.select_for_update().filter(document=locked, returned_on__isnull=True).first()
    )
    if chosen is not None and (loan is None or loan.pk != chosen.pk):
        if chosen.returned_on is not None:
            raise ValidationError({"returned_on": f"这次借用已于 {chosen.returned_on:%Y-%m-%d} 交还。"})
        raise ValidationError({"document": "这不是该证件当前未交还的借用记录。"})
    if locked.status != TravelDocumentStatus.LENT or loan is None:
        raise ValidationError({"document": f"{locked}未借出，无需交还。"})
    _day_between(returned_on, "returned_on", "交还日期", None, "")
    if returned_on < loan.lent_on:
        raise ValidationError({"returned_on": "交还日期不能早于借出日期。"})
    loan.returned_on = returned_on
    save_audited(loan, actor=actor, fields=["returned_on"])
    locked.status = TravelDocumentStatus.IN_CUSTODY
    save_audited(locked, actor=actor, fields=["status"], action=AuditAction.TRANSITION, message="交还证件")
    _copy_back(document, locked, ["status"])
    return loan


@transaction.atomic
def travel_document_cancel(*, document: TravelDocument, reason: str, actor: Any) -> TravelDocument:
    """注销: a document in custody that has expired or been invalidated."""
    _require_perm(actor, "supervision.change_traveldocument", "注销证件")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"remarks": "注销证件须写明原因。"})
    locked = _lock(document, actor, "document")
    if locked.status == TravelDocumentStatus.CANCELLED:
        return locked
    if locked.status == TravelDocumentStatus.LENT:
        raise ValidationError({"document": f"{locked}已借出，交还后才能注销。"})
    locked.status = TravelDocumentStatus.CANCELLED
    locked.remarks = reason[:200]
    save_audited(locked, actor=actor, fields=["status", "remarks"], action=AuditAction.TRANSITION,
                 message=f"注销证件：{reason}")
    _copy_back(document, locked, ["status", "remarks"])
    return locked
