"""State changes of the branches app: organisations, 三会一课 entry, standardisation
assessments and weak-branch rectification. Every function here is the one way to make
its change; the admin, imports, commands and the demo seeder all call it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Sum, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone

from orgwork.audit.models import AuditAction, AuditLog
from orgwork.audit.recorder import entry_for, record, record_many
from orgwork.common.versioning import bump_version
from orgwork.imports.writer import copy_rows
from orgwork.rectification.models import ChecklistSource
from orgwork.rectification.services import rectification_open_item

from .cadence import local_date
from .models import (
    PATH_SEPARATOR,
    AssessmentState,
    BranchAssessment,
    Meeting,
    MeetingKind,
    ModelBranchQuota,
    PartyOrganisation,
    StandardStatus,
    StandardVersion,
    WeakBranchCase,
    WeakCaseState,
    month_number,
)
from .selectors import ancestor_paths, model_branches_within, standard_version_in_force

BACKENTRY_PERMISSION = "branches.backenter_meeting"


def backentry_days() -> int:
    """补录期限（天）: meetings older than this are entered only by a supervisor, with a reason."""
    return int(getattr(settings, "BRANCH_MEETING_BACKENTRY_DAYS", 30))


def weak_survey_threshold() -> Decimal:
    """软弱涣散销号的知情度、满意度下限（%）."""
    return Decimal(str(getattr(settings, "BRANCH_WEAK_SURVEY_THRESHOLD", 80)))


# ---------------------------------------------------------------------------
# 党组织
# ---------------------------------------------------------------------------


@transaction.atomic
def party_org_save(*, organisation: PartyOrganisation, actor: Any = None) -> PartyOrganisation:
    """Create or update an organisation, keeping its path, its descendants' paths and the
    unit copied onto its meetings right. Nesting and cycles are checked by ``clean()``."""
    old_path, old_unit_id = "", None
    if organisation.pk:
        old_path, old_unit_id = (
            PartyOrganisation.objects.select_for_update().values_list("path", "unit_id").get(pk=organisation.pk)
        )
        organisation.path = old_path
    organisation.full_clean()
    organisation.path = organisation.computed_path()
    if organisation.pk:
        bump_version(organisation)
    organisation.save()
    if old_path and old_path != organisation.path:
        # One statement rewrites the sub-tree: new prefix + the rest of the old path.
        PartyOrganisation.objects.filter(path__startswith=old_path).exclude(pk=organisation.pk).update(
            path=Concat(Value(organisation.path), Substr(F("path"), Length(Value(old_path)) + 1))
        )
    if old_unit_id is not None and old_unit_id != organisation.unit_id:
        # Meeting.unit is a derived copy for the rate queries, not business state.
        Meeting.objects.filter(organisation=organisation).update(unit_id=organisation.unit_id)
    return organisation


def party_orgs_sync_descendants(*, organisations: Iterable[PartyOrganisation]) -> int:
    """After a bulk write (a sheet import) of ``organisations``: their descendants' paths
    follow them, and their meetings carry their unit — what ``party_org_save`` does for
    one organisation. One query per tree level; returns how many paths were rewritten."""
    level = [(o.pk, o.path, o.unit_id) for o in organisations]
    by_unit: dict[int, list[int]] = {}
    for pk, _, unit_id in level:
        by_unit.setdefault(unit_id, []).append(pk)
    for unit_id, pks in by_unit.items():  # one statement per unit, not per organisation
        # Meeting.unit is a derived copy for the rate queries, not business state.
        Meeting.objects.filter(organisation_id__in=pks).exclude(unit_id=unit_id).update(unit_id=unit_id)
    rewritten = 0
    while level:
        parent_paths = {pk: path for pk, path, _ in level}
        children = list(PartyOrganisation.objects.filter(parent_id__in=parent_paths).only("pk", "code", "path", "parent_id"))
        stale = []
        for child in children:
            path = f"{parent_paths[child.parent_id]}{child.code}{PATH_SEPARATOR}"
            if child.path != path:
                child.path = path
                stale.append(child)
        PartyOrganisation.objects.bulk_update(stale, ["path"], batch_size=1000)
        rewritten += len(stale)
        level = [(c.pk, c.path, None) for c in children]
    return rewritten


# ---------------------------------------------------------------------------
# 三会一课
# ---------------------------------------------------------------------------


def backentry_check(*, held_on: datetime.date, actor: Any, reason: str = "", today: datetime.date | None = None) -> bool:
    """Raise if ``actor`` may not enter a meeting held on ``held_on``; True when it is a
    late entry (补录) that is allowed because a supervisor gave a reason."""
    today = today or timezone.localdate()
    if held_on > today:
        raise ValidationError({"held_on": "召开日期不能晚于今天。"})
    days = backentry_days()
    if held_on >= today - datetime.timedelta(days=days):
        return False
    if actor is None or not actor.has_perm(BACKENTRY_PERMISSION):
        raise ValidationError({"held_on": f"召开日期早于 {days} 天的补录期限，普通用户不能录入；请由有补录权限的负责同志说明原因后补录。"})
    if not (reason or "").strip():
        raise ValidationError({"reason": f"召开日期早于 {days} 天的补录期限，补录须填写原因。"})
    return True


def meeting_fill_derived(meeting: Meeting) -> Meeting:
    """Set the copies the rate queries group on (unit, month number) from the organisation and date."""
    meeting.held_on = local_date(meeting.held_on)
    meeting.month_no = month_number(meeting.held_on)
    meeting.unit_id = meeting.organisation.unit_id
    return meeting


@transaction.atomic
def meeting_record(*, organisation: PartyOrganisation, kind: int, held_on: datetime.date, topic: str,
                   expected: int, present: int, actor: Any, reason: str = "",
                   today: datetime.date | None = None) -> Meeting:
    """登记一次三会一课. Entries older than the back-entry window need the supervisor
    permission and a reason, which goes into the audit log."""
    held_on = local_date(held_on)
    late = backentry_check(held_on=held_on, actor=actor, reason=reason, today=today)
    meeting = Meeting(organisation=organisation, kind=kind, held_on=held_on, topic=topic, expected=expected, present=present)
    meeting_fill_derived(meeting)
    meeting.full_clean()
    meeting.save()
    if late:
        meeting_audit_backentry(meeting=meeting, actor=actor, reason=reason)
    return meeting


def meeting_audit_backentry(*, meeting: Meeting, actor: Any, reason: str) -> None:
    record(meeting, action=AuditAction.TRANSITION, actor=actor, message=f"超期补录：{reason.strip()}",
           changes={"held_on": [None, meeting.held_on.isoformat()], "backentry_reason": [None, reason.strip()]})


def meetings_bulk_record(*, meetings: Sequence[Meeting], batch_size: int = 5000) -> int:
    """Bulk path (demo data, migrations of old ledgers): derived fields filled, rows
    inserted in batches, one audit row each. The back-entry window does not apply —
    callers are commands that load history on purpose."""
    for meeting in meetings:
        meeting_fill_derived(meeting)
    created = Meeting.objects.bulk_create(meetings, batch_size=batch_size)
    record_many((entry_for(m, action=AuditAction.CREATE, changes={"kind": [None, m.kind], "held_on": [None, m.held_on.isoformat()]})
                 for m in created), batch_size=batch_size)
    return len(created)


MeetingRow = tuple[PartyOrganisation, int, datetime.date, str, int, int]


def meetings_bulk_load(*, rows: Sequence[MeetingRow]) -> int:
    """Bulk path for a province's volume (a year is ~5 million meetings): the contract of
    :func:`meetings_bulk_record` — derived fields filled, one audit row each, no back-entry
    window — from plain ``(organisation, kind, held_on, topic, expected, present)`` tuples,
    which on PostgreSQL go in with COPY and never become model instances. Organisations
    need their unit loaded (the audit rows' scope). Run it inside a transaction."""
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        return meetings_bulk_record(meetings=[
            Meeting(organisation=o, unit=o.unit, kind=kind, held_on=held_on, topic=topic, expected=expected, present=present)
            for o, kind, held_on, topic, expected, present in rows
        ])
    with connection.cursor() as cursor:
        # The keys first, so that the audit rows can name their meetings; the sequence is
        # looked up once (per row, pg_get_serial_sequence costs more than nextval).
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [Meeting._meta.db_table, Meeting._meta.pk.column])
        cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [cursor.fetchone()[0], len(rows)])
        pks = [r[0] for r in cursor.fetchall()]
    fields = [f for f in AuditLog._meta.concrete_fields if not f.primary_key]
    template = entry_for(None, action=AuditAction.CREATE, content_type=ContentType.objects.get_for_model(Meeting))
    base = [getattr(template, f.attname) for f in fields]
    position = {f.attname: n for n, f in enumerate(fields)}
    oid, orepr, path, delta = (position[a] for a in ("object_id", "object_repr", "unit_path", "changes"))
    labels = dict(MeetingKind.choices)
    known: dict[int, tuple[int, int, str, str]] = {}  # per organisation object: what its rows repeat
    meetings, audit = [], []
    for pk, (organisation, kind, held_on, topic, expected, present) in zip(pks, rows):
        org = known.get(id(organisation))
        if org is None:
            org = known[id(organisation)] = (organisation.pk, organisation.unit_id, organisation.name, organisation.unit.path)
        held_on = local_date(held_on)
        meetings.append((pk, org[0], org[1], kind, held_on, month_number(held_on), topic, expected, present))
        day = held_on.isoformat()
        entry = base.copy()
        entry[oid], entry[path] = str(pk), org[3]
        entry[orepr] = f"{org[2]} {day} {labels[kind]}"[:200]
        entry[delta] = f'{{"kind": [null, {int(kind)}], "held_on": [null, "{day}"]}}'
        audit.append(entry)
    copy_rows(Meeting._meta.db_table,
              ["id", "organisation_id", "unit_id", "kind", "held_on", "month_no", "topic", "expected", "present"], meetings)
    copy_rows(AuditLog._meta.db_table, [f.column for f in fields], audit)
    return len(meetings)


# ---------------------------------------------------------------------------
# 标准化评定
# ---------------------------------------------------------------------------


def assessment_grade(score: Decimal, version: StandardVersion) -> tuple[str, int | None, bool]:
    """(status, star level, eligible for 示范) for a reviewed score under ``version``.
    The status is 达标 at most: 示范 comes only through a nomination within the quota."""
    score = Decimal(score)
    status = StandardStatus.PASSED if score >= version.pass_score else StandardStatus.BELOW
    thresholds = version.star_thresholds()
    stars = sum(1 for t in thresholds if score >= t) if thresholds else None
    return status, stars, score >= version.model_score


def version_max_score(version: StandardVersion) -> Decimal | None:
    total = version.items.aggregate(total=Sum("points"))["total"]
    return Decimal(total) if total else None


def _check_score(score: Any, version: StandardVersion, field: str) -> Decimal:
    if score is None or score == "":
        raise ValidationError({field: "请填写得分。"})
    value = Decimal(str(score))
    if value < 0:
        raise ValidationError({field: "得分不能为负数。"})
    maximum = version_max_score(version)
    if maximum is not None and value > maximum:
        raise ValidationError({field: f"得分不能超过标准总分 {maximum} 分。"})
    return value


def is_above(user: Any, organisation: PartyOrganisation) -> bool:
    """The user's unit lies strictly above the organisation's unit (上级审核)."""
    unit = getattr(user, "unit", None)
    if unit is None:
        return False
    return organisation.unit.path.startswith(unit.path) and organisation.unit.path != unit.path


@transaction.atomic
def assessment_open(*, organisation: PartyOrganisation, year: int, actor: Any = None) -> BranchAssessment:
    """Start a year's assessment against the standard version in force at the end of that year."""
    existing = BranchAssessment.objects.filter(organisation=organisation, year=year).first()
    if existing is not None:
        return existing
    version = standard_version_in_force(unit=organisation.unit, domain=organisation.domain, on=datetime.date(year, 12, 31))
    if version is None:
        raise ValidationError({"version": f"没有适用于「{organisation.get_domain_display()}」领域、{year}年度施行的建设标准，请先制定标准。"})
    assessment = BranchAssessment(organisation=organisation, year=year, version=version)
    assessment.full_clean()
    assessment.save()
    return assessment


def _locked(assessment: BranchAssessment) -> BranchAssessment:
    return BranchAssessment.objects.select_for_update().select_related("organisation__unit", "version").get(pk=assessment.pk)


@transaction.atomic
def assessment_submit_self(*, assessment: BranchAssessment, actor: Any, score: Any = None, note: str | None = None) -> BranchAssessment:
    """提交自评. The score may be passed or already typed into the record."""
    locked = _locked(assessment)
    if locked.state == AssessmentState.REVIEWED:
        raise ValidationError({"state": "已审核的评定不能再修改自评。"})
    locked.self_score = _check_score(score if score is not None else locked.self_score, locked.version, "self_score")
    if note is not None:
        locked.self_note = note
    locked.self_assessed_at = timezone.now()
    before = locked.state
    locked.state = AssessmentState.SELF_ASSESSED
    locked.save(update_fields=["self_score", "self_note", "self_assessed_at", "state"])
    record(locked, action=AuditAction.TRANSITION, actor=actor, message=f"提交自评：{locked.self_score}分",
           changes={"state": [before, locked.state]})
    return locked


@transaction.atomic
def assessment_review(*, assessment: BranchAssessment, reviewer: Any, score: Any = None, note: str | None = None) -> BranchAssessment:
    """上级审核: the reviewed score sets status and star level with the version's thresholds."""
    locked = _locked(assessment)
    if locked.state != AssessmentState.SELF_ASSESSED:
        message = "尚未提交自评，不能审核。" if locked.state == AssessmentState.DRAFT else "该评定已审核。"
        raise ValidationError({"state": message})
    if not is_above(reviewer, locked.organisation):
        raise ValidationError({"reviewer": f"审核须由「{locked.organisation.unit}」的上级单位进行。"})
    value = _check_score(score if score is not None else locked.reviewed_score, locked.version, "reviewed_score")
    status, stars, _ = assessment_grade(value, locked.version)
    locked.reviewed_score, locked.status, locked.star_level = value, status, stars
    if note is not None:
        locked.review_note = note
    locked.reviewer, locked.reviewed_at, locked.state = reviewer, timezone.now(), AssessmentState.REVIEWED
    locked.save(update_fields=["reviewed_score", "status", "star_level", "review_note", "reviewer", "reviewed_at", "state"])
    record(locked, action=AuditAction.TRANSITION, actor=reviewer,
           message=f"审核评定：{value}分，{locked.get_status_display()}" + (f"，{stars}星" if stars else ""),
           changes={"state": [AssessmentState.SELF_ASSESSED, locked.state], "status": ["", status]})
    return locked


@transaction.atomic
def assessment_nominate_model(*, assessment: BranchAssessment, actor: Any) -> BranchAssessment:
    """评定为示范党支部: reviewed, at or above the 示范 line, and within every quota set for
    the branch's unit and the units above it for that year."""
    locked = _locked(assessment)
    if locked.status == StandardStatus.MODEL:
        return locked
    if locked.state != AssessmentState.REVIEWED or locked.reviewed_score is None:
        raise ValidationError({"status": "审核定级后才能评定示范。"})
    if locked.reviewed_score < locked.version.model_score:
        raise ValidationError({"status": f"审核得分 {locked.reviewed_score} 分低于示范分数线 {locked.version.model_score} 分。"})
    if not is_above(actor, locked.organisation):
        raise ValidationError({"status": f"示范评定须由「{locked.organisation.unit}」的上级单位进行。"})
    quotas = (
        ModelBranchQuota.objects.select_for_update()
        .filter(year=locked.year, unit__path__in=ancestor_paths(locked.organisation.unit))
        .select_related("unit")
        .order_by("unit__path")
    )
    for quota in quotas:
        used = model_branches_within(quota.unit, locked.year, exclude_pk=locked.pk)
        if used >= quota.quota:
            raise ValidationError({"status": f"「{quota.unit}」{locked.year}年示范党支部名额为 {quota.quota} 个，已评定 {used} 个，名额已满。"})
    before = locked.status
    locked.status = StandardStatus.MODEL
    locked.save(update_fields=["status"])
    record(locked, action=AuditAction.TRANSITION, actor=actor, message="评定为示范党支部", changes={"status": [before, locked.status]})
    return locked


# ---------------------------------------------------------------------------
# 软弱涣散基层党组织整顿
# ---------------------------------------------------------------------------


@transaction.atomic
def weak_case_open(*, organisation: PartyOrganisation, year: int, categories: Iterable[str], problems: str, plan: str,
                   contact_leader: str, deadline: datetime.date, actor: Any, link_rectification: bool = True) -> WeakBranchCase:
    """列入软弱涣散整顿：一支部一方案，明确联系领导和整顿时限，并挂入整改清单."""
    case = WeakBranchCase(organisation=organisation, year=year, categories=list(categories), problems=problems, plan=plan,
                          contact_leader=contact_leader, deadline=deadline)
    case.full_clean()
    case.save()
    if link_rectification:
        weak_case_link_rectification(case=case, actor=actor)
    return case


@transaction.atomic
def weak_case_link_rectification(*, case: WeakBranchCase, actor: Any) -> WeakBranchCase:
    """挂入整改清单 (问题、责任、措施、时限) through the rectification app's service."""
    if case.rectification_item_id:
        return case
    organisation = case.organisation
    item = rectification_open_item(
        unit=organisation.unit,
        source=ChecklistSource.WEAK_BRANCH,
        problem=f"{organisation.name}（{case.year}年软弱涣散）：{case.category_labels()}。{case.problems}",
        actor=actor,
        source_object=case,
        measure=case.plan,
        deadline=case.deadline,
        responsible_unit=organisation.unit,
        responsible_person="",
        lead_leader=case.contact_leader,
    )
    case.rectification_item_id = item.pk
    case.save(update_fields=["rectification_item_id"])
    return case


@transaction.atomic
def weak_case_record_survey(*, case: WeakBranchCase, awareness: Any, satisfaction: Any, surveyed_on: datetime.date,
                            actor: Any) -> WeakBranchCase:
    """记录知情度满意度测评结果（%）."""
    locked = WeakBranchCase.objects.select_for_update().get(pk=case.pk)
    if locked.state == WeakCaseState.CLOSED:
        raise ValidationError({"state": "已销号的整顿不能再修改测评结果。"})
    locked.awareness_rate, locked.satisfaction_rate, locked.surveyed_on = Decimal(str(awareness)), Decimal(str(satisfaction)), surveyed_on
    locked.full_clean()
    locked.save(update_fields=["awareness_rate", "satisfaction_rate", "surveyed_on"])
    return locked


@transaction.atomic
def weak_case_close(*, case: WeakBranchCase, actor: Any, closed_on: datetime.date | None = None) -> WeakBranchCase:
    """销号: only when the 知情度 and 满意度 of the survey both reach the threshold."""
    locked = WeakBranchCase.objects.select_for_update().get(pk=case.pk)
    if locked.state == WeakCaseState.CLOSED:
        return locked
    threshold = weak_survey_threshold()
    if locked.awareness_rate is None or locked.satisfaction_rate is None:
        raise ValidationError({"state": "尚未开展知情度满意度测评，不能销号。"})
    short = [f"{name} {value}%" for name, value in (("知情度", locked.awareness_rate), ("满意度", locked.satisfaction_rate))
             if value < threshold]
    if short:
        raise ValidationError({"state": f"{'、'.join(short)}，未达到 {threshold}% 的销号要求，不能销号。"})
    locked.state, locked.closed_on = WeakCaseState.CLOSED, closed_on or timezone.localdate()
    locked.save(update_fields=["state", "closed_on"])
    record(locked, action=AuditAction.TRANSITION, actor=actor,
           message=f"测评达标销号（知情度 {locked.awareness_rate}%，满意度 {locked.satisfaction_rate}%）",
           changes={"state": [WeakCaseState.RECTIFYING, locked.state]})
    return locked


__all__ = [
    "assessment_grade",
    "assessment_nominate_model",
    "assessment_open",
    "assessment_review",
    "assessment_submit_self",
    "backentry_check",
    "meeting_record",
    "meetings_bulk_record",
    "party_org_save",
    "weak_case_close",
    "weak_case_link_rectification",
    "weak_case_open",
    "weak_case_record_survey",
]
