"""State changes of the branches app: organisations, 三会一课 entry, standardisation
assessments and weak-branch rectification. Every function here is the one way to make
its change; the admin, imports, commands and the demo seeder all call it."""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Sum, Value
from django.db.models.functions import Concat, Length, Substr, Upper
from django.utils import timezone

from orgwork.audit.models import AuditAction, AuditLog
from orgwork.audit.recorder import concrete_values, diff, entry_for, record, record_many
from orgwork.common.contract import (
    audit_rows,
    delete_audited,
    is_system,
    lock_in_scope,
    perform,
    require_actor,
    require_permission,
    save_audited,
    user_of,
)
from orgwork.common.versioning import bump_version
from orgwork.imports.writer import copy_rows
from orgwork.rectification.models import ChecklistSource, ItemState, RectificationItem
from orgwork.rectification.rules import FROZEN_STATES, MAX_EXTENSION_MONTHS, frozen_message
from orgwork.rectification.services import (
    rectification_approve_closure,
    rectification_item_follow_source,
    rectification_open_item,
    rectification_request_closure,
    rectification_start,
)
from orgwork.units.models import Unit
from orgwork.units.scope import scope_queryset, units_visible_to

from .cadence import local_date
from .members.selectors import RollHistory, roll_histories
from .models import (
    PATH_SEPARATOR,
    AssessmentItemScore,
    AssessmentState,
    BranchAssessment,
    Meeting,
    MeetingKind,
    ModelBranchQuota,
    OrgKind,
    PartyOrganisation,
    Secretary,
    StandardItem,
    StandardStatus,
    StandardVersion,
    TermElection,
    WeakBranchCase,
    WeakCaseState,
    ELECTION_HOLDER_KINDS,
    assessed_kind_error,
    below_itself_message,
    meeting_before_founding_error,
    meeting_holder_error,
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


def _require_unit_in_scope(actor: Any, unit_id: Any, field: str = "unit") -> None:
    """A record may only be placed in a unit of the actor's jurisdiction."""
    if unit_id is None or not units_visible_to(actor).filter(pk=unit_id).exists():
        raise ValidationError({field: "所在单位不在您的管辖范围内。"}, code="scope")


def _require_organisation_in_scope(actor: Any, organisation: PartyOrganisation, field: str = "organisation") -> None:
    if organisation is None or organisation.pk is None or not scope_queryset(
            PartyOrganisation.objects.filter(pk=organisation.pk), actor).exists():
        raise ValidationError({field: "该党组织不存在或不在您的管辖范围内。"}, code="scope")


class SheetTree:
    """The parents (上级党组织) the rows of one sheet give their organisations so far, by
    code: a row is checked against the tree as the sheet's earlier rows leave it, not
    only as stored, so that rows which each look right alone cannot close a cycle
    together (A under B in one row, B under A in another). One per sheet run."""

    def __init__(self) -> None:
        # code (upper case) → (its new parent's code, that parent's stored ancestors, nearest first)
        self.parents: dict[str, tuple[str, list[str]]] = {}
        self.names: dict[str, str] = {}  # code (upper case) → the organisation's name, as the rows give it
        self.rows: dict[str, int] = {}  # code (upper case) → the number of the row that gave its parent

    @staticmethod
    def _above(organisation: PartyOrganisation | None) -> tuple[str, list[str]]:
        """An organisation's code and its ancestors' codes by its path, nearest first."""
        if organisation is None:
            return "", []
        codes = [c.upper() for c in (organisation.path or "").split(PATH_SEPARATOR) if c]
        own = organisation.code.upper()
        if codes and codes[-1] == own:
            codes.pop()
        return own, codes[::-1]

    def cycle_through(self, organisation: PartyOrganisation, row: int | None = None) -> list[tuple[str, str, bool]] | None:
        """The links that put ``organisation``'s new parent below it, in the tree as the
        sheet's rows so far leave it, from the parent up: ``(code, its parent's code,
        given by this sheet)``; None when nothing does, and its new parent is then
        recorded for the rows after it, with the number of the ``row`` that gives it."""
        code = organisation.code.upper()
        self.names[code] = str(organisation)
        parent = self._above(organisation.parent if organisation.parent_id else None)
        if organisation.parent_id:
            self.names.setdefault(parent[0], str(organisation.parent))
        current, above = parent
        links: list[tuple[str, str, bool]] = []
        seen: set[str] = set()
        while current and current not in seen:  # one seen again: a cycle refused at its own rows
            if current == code:
                return links
            seen.add(current)
            child = current
            given = current in self.parents
            if given:
                current, above = self.parents[current]
            else:
                current, above = (above[0], above[1:]) if above else ("", [])
            if current:
                links.append((child, current, given))
        self.parents[code] = parent
        if row is not None:
            self.rows[code] = row
        return None

    def cycle_message(self, organisation: PartyOrganisation, links: list[tuple[str, str, bool]]) -> str:
        """The refusal of a row that closes a cycle with the sheet's other rows, naming
        each link of it: those the other rows give, then those already on record."""
        missing = {c for link in links for c in link[:2]} - self.names.keys()
        if missing:  # ancestors known by their stored paths only
            self.names.update((o.code.upper(), str(o)) for o in PartyOrganisation.objects.annotate(
                upper_code=Upper("code")).filter(upper_code__in=missing))
        names = self.names
        given = "，".join(f"{self._row_of(child)}把「{names.get(child, child)}」放在了「{names.get(parent, parent)}」之下"
                         for child, parent, sheet in links if sheet)
        stored = "、".join(f"「{names.get(child, child)}」原在「{names.get(parent, parent)}」之下"
                          for child, parent, sheet in links if not sheet)
        return (below_itself_message(organisation.parent) + (f"本表{given}。" if given else "")
                + (f"（{stored}。）" if stored else ""))

    def _row_of(self, code: str) -> str:
        """「第3行」: the row that gave ``code`` its parent, as the sheet numbers it."""
        row = self.rows.get(code)
        return f"第{row}行" if row is not None else "另一行"


def party_org_prepare(*, organisation: PartyOrganisation, original: PartyOrganisation | None = None,
                      sheet: SheetTree | None = None, row: int | None = None) -> None:
    """The rules of one organisation row that ``clean()`` cannot see on a row built from a
    sheet (the stored path of the row being moved, and the parents the sheet's other rows
    give: ``sheet``, this being its ``row``), and its path from its parent. A blank 成立日期 cell keeps the date on
    record (the column may be left blank for an organisation whose date is unknown; it
    never erases one entered), as the applicants' sheet keeps its 培养联系人."""
    stored = (getattr(original, "_audit_loaded", None) or {}) if original is not None else {}
    if organisation.founded_on is None and stored.get("founded_on") is not None:
        organisation.founded_on = stored["founded_on"]
    if (organisation.parent_id and original is not None and original.path
            and organisation.parent.path.startswith(original.path)):
        raise ValidationError({"parent": below_itself_message(organisation.parent)})
    if sheet is not None and (links := sheet.cycle_through(organisation, row)) is not None:
        raise ValidationError({"parent": sheet.cycle_message(organisation, links)})
    if message := model_branches_move_error(organisation, stored.get("unit_id")):
        raise ValidationError({"unit": message})
    organisation.path = organisation.computed_path()


def party_org_save(*, organisation: PartyOrganisation, actor: Any) -> PartyOrganisation:
    """Create or update an organisation, keeping its path, its descendants' paths and the
    unit copied onto its meetings right. Nesting and cycles are checked by ``clean()``.
    The contract: actor, permission, scope (the row and its unit), one audit row for the
    organisation and one for each descendant whose path the move rewrites."""
    creating = organisation.pk is None
    require_permission(actor, "branches.add_partyorganisation" if creating else "branches.change_partyorganisation",
                       "新增党组织" if creating else "修改党组织")
    with transaction.atomic():
        old_path, old_unit_id = "", None
        if not creating:
            locked = lock_in_scope(PartyOrganisation.objects.all(), organisation.pk, actor, what="党组织")
            old_path, old_unit_id = locked.path, locked.unit_id
            organisation.path = old_path
            organisation._audit_loaded = getattr(locked, "_audit_loaded", None)
        _require_unit_in_scope(actor, organisation.unit_id)
        organisation.full_clean()
        if message := model_branches_move_error(organisation, old_unit_id):
            raise ValidationError({"unit": message})
        organisation.path = organisation.computed_path()
        if not creating:
            bump_version(organisation)
        save_audited(organisation, actor=actor)
        if old_path and old_path != organisation.path:
            party_orgs_move_subtree(old_path=old_path, new_path=organisation.path, exclude_pk=organisation.pk, actor=actor)
        if old_unit_id is not None and old_unit_id != organisation.unit_id:
            # Meeting.unit is a derived copy for the rate queries, not business state.
            Meeting.objects.filter(organisation=organisation).update(unit_id=organisation.unit_id)
    return organisation


def party_orgs_move_subtree(*, old_path: str, new_path: str, actor: Any, exclude_pk: int | None = None) -> int:
    """Rewrite the paths of the sub-tree below ``old_path`` to start with ``new_path``: one
    statement for the rows, one audit row for each row it changed (bulk path of the contract)."""
    require_actor(actor)
    below = PartyOrganisation.objects.filter(path__startswith=old_path)
    if exclude_pk is not None:
        below = below.exclude(pk=exclude_pk)
    moved = list(below.select_for_update(of=("self",)).select_related("unit").only("pk", "name", "path", "unit__path"))
    if not moved:
        return 0
    # One statement rewrites the sub-tree: new prefix + the rest of the old path.
    below.filter(pk__in=[o.pk for o in moved]).update(
        path=Concat(Value(new_path), Substr(F("path"), Length(Value(old_path)) + 1)))
    return audit_rows(((o, {"path": [o.path, new_path + o.path[len(old_path):]]}) for o in moved), actor=actor,
                      message="上级党组织调整，层级路径随之改变")


PATH_LENGTH = PartyOrganisation._meta.get_field("path").max_length


def path_too_long_message(organisation: PartyOrganisation, parent: PartyOrganisation) -> str:
    """Why a path longer than the column cannot be written: a cycle (the organisation's
    code is on its parent's path already), else a tree too deep."""
    if organisation.code.upper() in {code.upper() for code in parent.path.split(PATH_SEPARATOR)}:
        return below_itself_message(parent)
    return f"「{organisation}」的层级路径超过 {PATH_LENGTH} 个字符：党组织层级过深，请核对上级党组织。"


def party_orgs_sync_descendants(*, organisations: Iterable[PartyOrganisation], actor: Any) -> int:
    """After a bulk write (a sheet import) of ``organisations``: their descendants' paths
    follow them, and their meetings carry their unit — what ``party_org_save`` does for
    one organisation, each rewritten descendant audited. One query per tree level;
    returns how many paths were rewritten. A path that outgrows its column (层级路径, the
    mark of a cycle, which makes paths grow for ever) is refused: the loop always ends,
    and the caller's transaction is rolled back."""
    require_actor(actor)
    organisations = list(organisations)
    by_unit: dict[int, list[int]] = {}
    for organisation in organisations:
        by_unit.setdefault(organisation.unit_id, []).append(organisation.pk)
    for unit_id, pks in by_unit.items():  # one statement per unit, not per organisation
        # Meeting.unit is a derived copy for the rate queries, not business state.
        Meeting.objects.filter(organisation_id__in=pks).exclude(unit_id=unit_id).update(unit_id=unit_id)
    rewritten = 0
    parents = {o.pk: o for o in organisations}
    while parents:
        children = list(PartyOrganisation.objects.filter(parent_id__in=parents).select_related("unit")
                        .only("pk", "name", "code", "path", "parent_id", "unit__path"))
        stale, changes = [], []
        for child in children:
            parent = parents[child.parent_id]
            path = f"{parent.path}{child.code}{PATH_SEPARATOR}"
            if len(path) > PATH_LENGTH:
                raise ValidationError({"parent": path_too_long_message(child, parent)})
            if child.path != path:
                changes.append((child, {"path": [child.path, path]}))
                child.path = path
                stale.append(child)
        PartyOrganisation.objects.bulk_update(stale, ["path"], batch_size=1000)
        audit_rows(changes, actor=actor, message="上级党组织调整，层级路径随之改变")
        rewritten += len(stale)
        parents = {c.pk: c for c in children}
    return rewritten


def secretary_save(*, secretary: Secretary, actor: Any) -> Secretary:
    """Create or update an organisation's secretary (书记): actor, permission, the
    organisation in scope, one audit row."""
    creating = secretary.pk is None
    require_permission(actor, "branches.add_secretary" if creating else "branches.change_secretary",
                       "登记书记" if creating else "修改书记")
    with transaction.atomic():
        if not creating:
            locked = lock_in_scope(Secretary.objects.all(), secretary.pk, actor, what="书记")
            secretary._audit_loaded = getattr(locked, "_audit_loaded", None)
        _require_organisation_in_scope(actor, secretary.organisation)
        secretary.full_clean()
        save_audited(secretary, actor=actor)
    return secretary


def secretary_delete(*, secretary: Secretary, actor: Any) -> None:
    require_permission(actor, "branches.delete_secretary", "删除书记")
    with transaction.atomic():
        lock_in_scope(Secretary.objects.all(), secretary.pk, actor, what="书记").delete()


# ---------------------------------------------------------------------------
# 三会一课
# ---------------------------------------------------------------------------


def backentry_late(held_on: datetime.date, today: datetime.date | None = None) -> bool:
    """Whether a meeting held on ``held_on`` lies before the back-entry window (补录期限)."""
    return held_on < (today or timezone.localdate()) - datetime.timedelta(days=backentry_days())


def backentry_check(*, held_on: datetime.date, actor: Any, reason: str = "", today: datetime.date | None = None,
                    verb: str = "录入") -> bool:
    """The back-entry rule (补录期限), one for every path: raise if ``actor`` may not enter
    (``verb`` 录入) or change (修改) a meeting held on ``held_on``; True when it is a late
    entry (补录) that is allowed because the actor holds the back-entry permission and
    gave a reason."""
    today = today or timezone.localdate()
    if held_on > today:
        raise ValidationError({"held_on": "召开日期不能晚于今天。"})
    days = backentry_days()
    if not backentry_late(held_on, today):
        return False
    if actor is None or not actor.has_perm(BACKENTRY_PERMISSION):
        if verb == "录入":
            raise ValidationError({"held_on": f"召开日期早于 {days} 天的补录期限，普通用户不能录入；请由有补录权限的负责同志说明原因后补录。"})
        raise ValidationError({"held_on": f"该会议召开于 {held_on:%Y-%m-%d}，早于 {days} 天的补录期限，普通用户不能{verb}；"
                                          f"请由有补录权限的负责同志说明原因后{verb}。"})
    if not (reason or "").strip():
        if verb == "录入":
            raise ValidationError({"backentry_reason": f"召开日期早于 {days} 天的补录期限，补录须填写原因。"})
        raise ValidationError({"backentry_reason": f"该会议召开于 {held_on:%Y-%m-%d}，早于 {days} 天的补录期限，{verb}须填写补录原因。"})
    return True


def meeting_fill_derived(meeting: Meeting) -> Meeting:
    """Set the copies the rate queries group on (unit, month number) from the organisation and date."""
    meeting.held_on = local_date(meeting.held_on)
    meeting.month_no = month_number(meeting.held_on)
    meeting.unit_id = meeting.organisation.unit_id
    return meeting


# What a meeting record says; a row sent again that says the same changes nothing.
MEETING_CONTENT = ("organisation_id", "kind", "held_on", "topic", "expected", "present")


def meeting_prepare(*, meeting: Meeting, actor: Any, original: Meeting | None = None,
                    today: datetime.date | None = None, founding_read: set[int] | None = None,
                    rolls_read: dict[int, RollHistory] | None = None, committees: Committees | None = None) -> bool:
    """The rules of one meeting row, shared by the form, the sheet and the service: the
    derived copies, and the back-entry window — for a new row, for a new date, and for
    any change to a meeting held before the window (the 补录 right and a reason, as for
    entering it late). The reason is kept only on a late entry. ``original`` is the
    stored row (the sheet passes the row itself: its stored values are the loaded ones).
    Returns whether it is a late entry. A new row, or one moved to another organisation,
    goes to a 党支部 (:func:`meeting_holder_check`); its 应到人数, when written now, is
    held to the branch's roll (:func:`meetings_roster_check`), and a 支委会's, when it or the
    kind is written now, to the committee in office (:func:`meetings_committee_check`).
    ``founding_read``: the organisations whose 成立日期 this transaction has read under its
    lock already (a sheet's run); ``rolls_read`` and ``committees``: the rolls and the
    elections a sheet's run has read."""
    if original is None or meeting.organisation_id != (getattr(original, "_audit_loaded", None)
                                                       or concrete_values(original)).get("organisation_id"):
        meeting_holder_check(meeting.organisation)
    meeting_fill_derived(meeting)
    loaded = None if original is None else (getattr(original, "_audit_loaded", None) or concrete_values(original))
    written = {name for name in ("organisation_id", "held_on", "expected")
               if loaded is None or getattr(meeting, name) != loaded.get(name)}
    # Asked when what they read is written now: a meeting on record before its
    # organisation's 成立日期 or its roll was entered is left to be corrected, not to block a step.
    if written & {"organisation_id", "held_on"}:
        meeting_founding_check((meeting.organisation, meeting.held_on), locked=founding_read)
    if written:
        meetings_roster_check((meeting.organisation, meeting.held_on, meeting.expected), read=rolls_read)
    if written or (loaded is not None and meeting.kind != loaded.get("kind")):
        meetings_committee_check((meeting.organisation, meeting.kind, meeting.held_on, meeting.expected),
                                 read=committees)
    meeting.backentry_reason = (meeting.backentry_reason or "").strip()
    if original is None:
        late = backentry_check(held_on=meeting.held_on, actor=actor, reason=meeting.backentry_reason, today=today)
        if not late:
            meeting.backentry_reason = ""
        return late
    stored = getattr(original, "_audit_loaded", None) or concrete_values(original)
    # A row sent again with the reason left blank keeps the reason it was entered with.
    reason = meeting.backentry_reason or stored.get("backentry_reason") or ""
    if all(getattr(meeting, name) == stored.get(name) for name in MEETING_CONTENT):
        meeting.backentry_reason = reason
        return False
    held_before = stored.get("held_on") or meeting.held_on
    late = backentry_check(held_on=held_before, actor=actor, reason=reason, today=today, verb="修改")
    if meeting.held_on != held_before:
        late = backentry_check(held_on=meeting.held_on, actor=actor, reason=reason, today=today) or late
    meeting.backentry_reason = reason if late else ""
    return late


def meeting_holder_check(*organisations: PartyOrganisation) -> None:
    """三会一课 are held by 党支部 (:data:`branches.models.MEETING_HOLDER_KINDS`): refuse a
    meeting of any other organisation, naming the first, on every path that records one."""
    for organisation in organisations:
        if message := meeting_holder_error(organisation):
            raise ValidationError({"organisation": message}, code="not_a_branch")


def organisations_founding_read(organisations: Iterable[PartyOrganisation], *, locked: set[int] | None = None) -> None:
    """Read the 成立日期 of ``organisations`` again, on PostgreSQL under ``FOR KEY SHARE``,
    held to the end of the transaction. It is the lock a meeting's own foreign key takes,
    and it conflicts with the ``FOR UPDATE`` under which an organisation is saved
    (:func:`party_org_save`, the sheet): a meeting checked while a new 成立日期 is being
    saved waits for it and is checked against it, and a 成立日期 saved while a meeting is
    being recorded waits for the meeting and sees it
    (:meth:`~branches.models.PartyOrganisation.founding_after_meetings_error`). Meetings
    recorded at once take the same lock and do not wait for each other. ``locked``: the
    organisations this transaction has read so already (a sheet's run), not read again;
    the ones read now are added to it. One query for all of them."""
    wanted: dict[int, list[PartyOrganisation]] = {}
    for organisation in organisations:
        if organisation.pk is not None and (locked is None or organisation.pk not in locked):
            wanted.setdefault(organisation.pk, []).append(organisation)
    if not wanted:
        return
    if connection.vendor == "postgresql":
        meta = PartyOrganisation._meta
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {quote(meta.pk.column)}, {quote(meta.get_field('founded_on').column)} "
                           f"FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = ANY(%s) FOR KEY SHARE",
                           [list(wanted)])
            fresh = dict(cursor.fetchall())
    else:  # SQLite: one writer at a time
        fresh = dict(PartyOrganisation.objects.filter(pk__in=wanted).values_list("pk", "founded_on"))
    for pk, instances in wanted.items():
        for organisation in instances:
            organisation.founded_on = fresh.get(pk, organisation.founded_on)
    if locked is not None:
        locked.update(wanted)


def meeting_founding_check(*held: tuple[PartyOrganisation, datetime.date], locked: set[int] | None = None) -> None:
    """No 三会一课 before its organisation's 成立日期 (blank: founded before the system),
    on every path that records one: refuse the first ``(organisation, held_on)`` that is,
    against the date as committed (:func:`organisations_founding_read`)."""
    organisations_founding_read((organisation for organisation, _ in held), locked=locked)
    for organisation, held_on in held:
        if message := meeting_before_founding_error(organisation, held_on):
            raise ValidationError({"held_on": message}, code="before_founding")


def meetings_roster_check(*held: tuple[PartyOrganisation, datetime.date, int | None],
                          read: dict[int, RollHistory] | None = None) -> None:
    """应到人数 no more than the members the 党支部's roll can have held on the day of the
    meeting (:meth:`~branches.members.selectors.RollHistory.at_most`: those on it now and
    those who left it since), on every path that records one; a branch nobody of which is
    on the roster yet is not held to it. Refuse the first ``(organisation, held_on,
    expected)`` that is more. The rolls are read in one go (:func:`roll_histories`);
    ``read``: those a sheet's run has read already, to which the ones read now are added."""
    rolls = {} if read is None else read
    if unread := {o.pk for o, _, _ in held if o.pk is not None and o.pk not in rolls}:
        rolls.update(roll_histories(unread))
    for organisation, held_on, expected in held:
        roll = rolls.get(organisation.pk)
        if roll is None or not roll.entered or not isinstance(held_on, datetime.date) or not isinstance(expected, int):
            continue
        if expected > (most := roll.at_most(held_on)):
            raise ValidationError({"expected": (
                f"应到人数 {expected} 人多于「{organisation}」{held_on.isoformat()} 时可能在册的党员人数（按党员名册至多 "
                f"{most} 人：现在册的党员和此后才离开本支部的党员）。请核对应到人数；名册中缺少的党员，请先在党员名册中登记。")},
                code="more_than_roster")


Committees = dict[int, list[tuple[datetime.date, int]]]


def committees_read(organisation_ids: Iterable[int]) -> Committees:
    """The 换届选举 of each organisation given, as ``(选举日期, 委员人数)`` in the order they
    were held, in one query per ten thousand organisations."""
    found: Committees = {pk: [] for pk in organisation_ids}
    wanted = sorted(found)
    for start in range(0, len(wanted), 10_000):
        for pk, elected_on, size in (TermElection.objects.filter(organisation_id__in=wanted[start:start + 10_000])
                                     .order_by("organisation_id", "elected_on")
                                     .values_list("organisation_id", "elected_on", "committee_size")):
            found[pk].append((elected_on, size))
    return found


def committee_on(elections: list[tuple[datetime.date, int]], day: datetime.date) -> tuple[datetime.date, int] | None:
    """The election whose committee was in office on ``day`` (the last one held on or
    before it), or None when none of those recorded was."""
    return next((held for held in reversed(elections) if held[0] <= day), None)


def committee_meeting_error(organisation: PartyOrganisation, held_on: datetime.date, expected: int,
                            elected: tuple[datetime.date, int]) -> str:
    elected_on, size = elected
    return (f"支委会应到人数 {expected} 人多于「{organisation}」{held_on.isoformat()} 时在任的支部委员会委员人数"
            f"（{elected_on.isoformat()} 换届选举产生 {size} 人）：支委会应到的是支部委员会委员，列席人员不计入。"
            f"请核对应到人数；委员人数登记有误的，请先更正该次换届选举。")


def meetings_committee_check(*held: tuple[PartyOrganisation, int, datetime.date, int | None],
                             read: Committees | None = None) -> None:
    """支委会应到人数 no more than the 委员人数 of the branch committee in office on the day of
    the meeting: the one its last 换届选举 on or before that day elected (a 补选 fills a seat
    of that number). A branch with no election recorded before the meeting is held to its
    roll alone (:func:`meetings_roster_check`). Refuse the first ``(organisation, kind,
    held_on, expected)`` that is more, on every path that records a meeting. ``read``: the
    elections a sheet's run has read already, to which the ones read now are added."""
    wanted = [(o, d, n) for o, kind, d, n in held if kind == MeetingKind.COMMITTEE_MEETING and o.pk is not None
              and isinstance(d, datetime.date) and isinstance(n, int)]
    if not wanted:
        return
    elections = {} if read is None else read
    if unread := {o.pk for o, _, _ in wanted if o.pk not in elections}:
        elections.update(committees_read(unread))
    for organisation, held_on, expected in wanted:
        elected = committee_on(elections.get(organisation.pk, []), held_on)
        if elected is not None and expected > elected[1]:
            raise ValidationError({"expected": committee_meeting_error(organisation, held_on, expected, elected)},
                                  code="more_than_committee")


def meeting_delete_refusal(*, meeting: Meeting, actor: Any, today: datetime.date | None = None) -> str:
    """Why ``actor`` may not delete ``meeting`` ("" when they may): a meeting held before
    the back-entry window counts in months already reported (开展率, 缺会名单), so only
    one who holds the 补录 right removes it. One nobody was expected at (应到人数 0, from
    before the rule) counts nowhere, and its clerk deletes it."""
    if meeting.expected is not None and meeting.expected < 1:
        return ""
    if backentry_late(meeting.held_on, today) and (actor is None or not actor.has_perm(BACKENTRY_PERMISSION)):
        return (f"该会议召开于 {meeting.held_on:%Y-%m-%d}，早于 {backentry_days()} 天的补录期限，已计入开展率和缺会名单，"
                f"普通用户不能删除；确属重复或录错的，请由有补录权限的负责同志处理。")
    return ""


def meeting_delete(*, meeting: Meeting, actor: Any, today: datetime.date | None = None) -> None:
    """删除一条三会一课记录 (重复或录错的): actor, permission, scope, the back-entry
    window, one audit row with the values it held."""
    require_permission(actor, "branches.delete_meeting", "删除三会一课记录")
    with transaction.atomic():
        locked = lock_in_scope(Meeting.objects.all(), meeting.pk, actor, what="三会一课记录")
        refusal = meeting_delete_refusal(meeting=locked, actor=actor, today=today)
        if refusal:
            raise ValidationError(refusal)
        delete_audited(locked, actor=actor,
                       message="删除超过补录期限的会议记录" if backentry_late(locked.held_on, today) else "")


def meeting_save(*, meeting: Meeting, actor: Any, today: datetime.date | None = None) -> Meeting:
    """登记或修改一次三会一课: actor, permission, the organisation in scope, the back-entry
    rule, one audit row (a late entry's reason is in it)."""
    creating = meeting.pk is None
    require_permission(actor, "branches.add_meeting" if creating else "branches.change_meeting",
                       "登记三会一课" if creating else "修改三会一课记录")
    with transaction.atomic():
        original = None
        if not creating:
            original = lock_in_scope(Meeting.objects.all(), meeting.pk, actor, what="三会一课记录")
            meeting._audit_loaded = getattr(original, "_audit_loaded", None)
        _require_organisation_in_scope(actor, meeting.organisation)
        late = meeting_prepare(meeting=meeting, actor=actor, original=original, today=today)
        meeting.full_clean()
        late_word = "超期补录" if creating else "超期修改"
        save_audited(meeting, actor=actor, message=f"{late_word}：{meeting.backentry_reason}" if late else "")
    return meeting


def meeting_record(*, organisation: PartyOrganisation, kind: int, held_on: datetime.date, topic: str,
                   expected: int, present: int, actor: Any, reason: str = "",
                   today: datetime.date | None = None) -> Meeting:
    """登记一次三会一课. Entries older than the back-entry window need the supervisor
    permission and a reason, which is kept on the record and in its audit row."""
    meeting = Meeting(organisation=organisation, kind=kind, held_on=local_date(held_on), topic=topic, expected=expected,
                      present=present, backentry_reason=reason or "")
    return meeting_save(meeting=meeting, actor=actor, today=today)


def meetings_bulk_record(*, meetings: Sequence[Meeting], actor: Any, batch_size: int = 5000) -> int:
    """Bulk path (demo data, migrations of old ledgers): derived fields filled, rows
    inserted in batches, one audit row each. The back-entry window does not apply —
    callers are commands that load history on purpose, as a named system actor."""
    require_actor(actor)
    meeting_holder_check(*{id(m.organisation): m.organisation for m in meetings}.values())
    for meeting in meetings:
        meeting_fill_derived(meeting)
    meeting_founding_check(*((m.organisation, m.held_on) for m in meetings))
    meetings_roster_check(*((m.organisation, m.held_on, m.expected) for m in meetings))
    meetings_committee_check(*((m.organisation, m.kind, m.held_on, m.expected) for m in meetings))
    created = Meeting.objects.bulk_create(meetings, batch_size=batch_size)
    record_many((entry_for(m, action=AuditAction.CREATE, actor=actor,
                           changes={"kind": [None, m.kind], "held_on": [None, m.held_on.isoformat()]})
                 for m in created), batch_size=batch_size)
    return len(created)


MeetingRow = tuple[PartyOrganisation, int, datetime.date, str, int, int]


def meetings_bulk_load(*, rows: Sequence[MeetingRow], actor: Any) -> int:
    """Bulk path for a province's volume (a year is ~5 million meetings): the contract of
    :func:`meetings_bulk_record` — derived fields filled, one audit row each, no back-entry
    window — from plain ``(organisation, kind, held_on, topic, expected, present)`` tuples,
    which on PostgreSQL go in with COPY and never become model instances. Organisations
    need their unit loaded (the audit rows' scope). Run it inside a transaction."""
    require_actor(actor)
    if not rows:
        return 0
    meeting_holder_check(*{id(row[0]): row[0] for row in rows}.values())
    meeting_founding_check(*((row[0], local_date(row[2])) for row in rows))
    meetings_roster_check(*((row[0], local_date(row[2]), row[4]) for row in rows))
    meetings_committee_check(*((row[0], row[1], local_date(row[2]), row[4]) for row in rows))
    if connection.vendor != "postgresql":
        return meetings_bulk_record(actor=actor, meetings=[
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
    template = entry_for(None, action=AuditAction.CREATE, actor=actor, content_type=ContentType.objects.get_for_model(Meeting))
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


def assessment_grade(score: Decimal, version: StandardVersion, *, vetoed: bool = False) -> tuple[str, int | None, bool]:
    """(status, star level, eligible for 示范) for a reviewed total under ``version``; a
    一票否决 item short of its points (``vetoed``) makes it 未达标 whatever the total.
    The status is 达标 at most: 示范 comes only through a nomination within the quota."""
    score = Decimal(score)
    if vetoed:
        return StandardStatus.BELOW, None, False
    status = StandardStatus.PASSED if score >= version.pass_score else StandardStatus.BELOW
    thresholds = version.star_thresholds()
    stars = sum(1 for t in thresholds if score >= t) if thresholds else None
    return status, stars, score >= version.model_score


def version_max_score(version: StandardVersion) -> Decimal | None:
    total = version.items.aggregate(total=Sum("points"))["total"]
    return Decimal(total) if total else None


def item_score_check(item: StandardItem, value: Any, *, field: str = "score") -> Decimal | None:
    """One checklist item's score: blank, or a number from 0 to the item's points."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError({field: f"第{item.seq}项「{item.title}」的得分「{value}」不是数字。"}) from None
    if number < 0:
        raise ValidationError({field: f"第{item.seq}项「{item.title}」的得分不能为负数。"})
    if number > item.points:
        raise ValidationError({field: f"第{item.seq}项「{item.title}」的得分不能超过该项分值 {item.points} 分。"})
    return number


def assessment_items_total(scores: Sequence[tuple[StandardItem, Decimal | None]], *, field: str) -> tuple[Decimal, list[StandardItem]]:
    """The total of a scored checklist (every item scored) and its 一票否决 items short of
    their points. The status is derived from these two, never from a typed total."""
    if not scores:
        raise ValidationError({field: "适用的标准版本尚未制定细则条目，不能逐项评分。"})
    missing = [f"第{item.seq}项" for item, value in scores if value is None]
    if missing:
        raise ValidationError({field: f"须逐项评分：{'、'.join(missing)}尚未评分。"})
    total = sum((value for _, value in scores), Decimal("0"))
    vetoes = [item for item, value in scores if item.is_veto and value < item.points]
    return total, vetoes


def is_above(user: Any, organisation: PartyOrganisation) -> bool:
    """The user's unit lies strictly above the organisation's unit (上级审核); the system
    actor of a command or the seeder acts for the level above every unit."""
    if is_system(user):
        return True
    unit = getattr(user, "unit", None)
    if unit is None:
        return False
    return organisation.unit.path.startswith(unit.path) and organisation.unit.path != unit.path


def standard_items_frozen_message(version: StandardVersion) -> str:
    """Why the items (细则条目) of ``version`` can no longer be changed, "" while they can:
    once a branch is assessed against the version, its scores, totals, 一票否决 and result
    were given on these items and their 分值, so adding, removing or re-scoring an item
    (or rewording what was checked) would leave them standing on a checklist that no
    longer exists. A change is a new version (新建标准版本) from a later date."""
    used = version.organisations_assessed()
    if not used:
        return ""
    return f"该标准版本已有 {used} 个党组织按其评定，评分项和分值不能再修改；如需调整，请新建标准版本。"


def _lock_version_items(version_pk: Any, actor: Any) -> StandardVersion:
    """The version locked in the actor's jurisdiction, its items refused once it is in use
    (an assessment opening meanwhile waits on the same row: :func:`assessment_open`)."""
    locked = lock_in_scope(StandardVersion.objects.all(), version_pk, actor, what="标准版本")
    if message := standard_items_frozen_message(locked):
        raise ValidationError(message, code="version_in_use")
    return locked


def standard_item_save(*, item: StandardItem, actor: Any) -> StandardItem:
    """新增或修改标准细则条目: actor, permission, the version in scope and not yet used by
    any assessment (:func:`standard_items_frozen_message`), one audit row."""
    creating = item.pk is None
    require_permission(actor, "branches.add_standarditem" if creating else "branches.change_standarditem",
                       "新增标准细则" if creating else "修改标准细则")
    with transaction.atomic():
        if not creating:
            stored = lock_in_scope(StandardItem.objects.all(), item.pk, actor, what="标准细则")
            if stored.version_id != item.version_id:
                _lock_version_items(stored.version_id, actor)
            item._audit_loaded = getattr(stored, "_audit_loaded", None)
        _lock_version_items(item.version_id, actor)
        item.full_clean()
        save_audited(item, actor=actor)
    return item


def standard_item_delete(*, item: StandardItem, actor: Any) -> None:
    """删除标准细则条目: only while no assessment uses its version; one audit row."""
    require_permission(actor, "branches.delete_standarditem", "删除标准细则")
    with transaction.atomic():
        locked = lock_in_scope(StandardItem.objects.all(), item.pk, actor, what="标准细则")
        _lock_version_items(locked.version_id, actor)
        delete_audited(locked, actor=actor)


def assessment_open(*, organisation: PartyOrganisation, year: int, actor: Any) -> BranchAssessment:
    """Start a year's assessment against the standard version in force at the end of that
    year, with one score line per checklist item of that version."""
    require_permission(actor, "branches.add_branchassessment", "新增标准化评定")
    with transaction.atomic():
        _require_organisation_in_scope(actor, organisation)
        existing = BranchAssessment.objects.filter(organisation=organisation, year=year).first()
        if existing is not None:
            return existing
        version = standard_version_in_force(unit=organisation.unit, domain=organisation.domain, on=datetime.date(year, 12, 31))
        if version is None:
            raise ValidationError({"version": f"没有适用于「{organisation.get_domain_display()}」领域、{year}年度施行的建设标准，请先制定标准。"})
        # The version's items are frozen from its first assessment on (standard_item_save waits here).
        list(StandardVersion.objects.select_for_update().filter(pk=version.pk).values_list("pk"))
        assessment = BranchAssessment(organisation=organisation, year=year, version=version)
        assessment.full_clean()
        save_audited(assessment, actor=actor)
        AssessmentItemScore.objects.bulk_create(
            [AssessmentItemScore(assessment=assessment, item=item) for item in version.items.order_by("seq")])
    return assessment


def _locked_assessment(assessment: BranchAssessment, actor: Any) -> BranchAssessment:
    return lock_in_scope(BranchAssessment.objects.select_related("organisation__unit", "version"), assessment.pk, actor,
                         what="标准化评定")


def self_review_error(assessment: BranchAssessment, actor: Any) -> str:
    """Why ``actor`` may not review ``assessment`` (its reviewed scores, its 定级) because
    they submitted its self-assessment: the branch assesses itself, the level above reviews
    ("" when they may)."""
    if assessment.self_assessor_id is not None and assessment.self_assessor_id == getattr(user_of(actor), "pk", None):
        return "自评由您提交，不能再由您审核定级：党支部自评、上级审核，请由上级单位的其他同志审核。"
    return ""


def _require_assessed_kind(assessment: BranchAssessment) -> None:
    """An assessment of an organisation that is no 党支部 (opened before the rule) takes no
    step of the workflow (自评, 审核, 示范: model_branch_quota_check); it is deleted while
    still 待自评. Notes and scores typed on its page are kept: they decide nothing."""
    if message := assessed_kind_error(assessment.organisation):
        raise ValidationError({"organisation": message}, code="not_a_branch")


def _apply_item_scores(locked: BranchAssessment, scores: Mapping[Any, Any] | None, stage: str,
                       field: str, *, complete: bool = True) -> tuple[Decimal | None, list[StandardItem], dict[str, Any]]:
    """Write the given item scores (``{item or item pk: score}``) of one stage (``self_score``
    or ``reviewed_score``) and return the stage's total, its failed veto items and the
    changes for the audit row. With ``complete`` every item must be scored; without it
    (typing on the record's page) the total is None."""
    lines = {line.item_id: line for line in
             AssessmentItemScore.objects.select_for_update(of=("self",)).filter(assessment=locked).select_related("item")}
    for item in locked.version.items.exclude(pk__in=list(lines)).order_by("seq"):  # items added to the version since
        lines[item.pk] = AssessmentItemScore.objects.create(assessment=locked, item=item)
    changes: dict[str, Any] = {}
    for key, value in (scores or {}).items():
        item_pk = getattr(key, "pk", key)
        line = lines.get(int(item_pk))
        if line is None:
            raise ValidationError({field: "细则条目不属于该评定适用的标准版本。"})
        number = item_score_check(line.item, value, field=field)
        if getattr(line, stage) != number:
            changes[f"第{line.item.seq}项{'自评' if stage == 'self_score' else '审核'}得分"] = [
                None if getattr(line, stage) is None else str(getattr(line, stage)), None if number is None else str(number)]
            setattr(line, stage, number)
            line.save(update_fields=[stage])
    if not complete:
        return None, [], changes
    ordered = sorted(lines.values(), key=lambda line: line.item.seq)
    total, vetoes = assessment_items_total([(line.item, getattr(line, stage)) for line in ordered], field=field)
    return total, vetoes, changes


SELF_SCORES_SUBMITTED = ("自评已提交，逐项自评得分不能在这里修改（自评总分是提交时各项得分之和）。"
                         "如需更正，请在「提交自评」中重新填写各项自评得分并提交，自评总分随之重算。")


def assessment_record_scores(*, assessment: BranchAssessment, actor: Any, self_scores: Mapping[Any, Any] | None = None,
                             reviewed_scores: Mapping[Any, Any] | None = None, self_note: str | None = None,
                             review_note: str | None = None) -> BranchAssessment:
    """Keep item scores and notes typed on the record's page (逐项评分) without moving the
    workflow: self scores before review, reviewed scores only from the level above; one
    audit row."""
    require_permission(actor, "branches.change_branchassessment", "修改标准化评定")
    with transaction.atomic():
        locked = _locked_assessment(assessment, actor)
        if locked.state == AssessmentState.REVIEWED and (self_scores or reviewed_scores):
            raise ValidationError({"state": "已审核的评定不能修改得分。"})
        if reviewed_scores and not is_above(actor, locked.organisation):
            raise ValidationError({"reviewed_score": f"审核得分须由「{locked.organisation.unit}」的上级单位填写。"})
        if reviewed_scores and (message := self_review_error(locked, actor)):
            raise ValidationError({"reviewed_score": message})
        changes: dict[str, Any] = {}
        for stage, scores in (("self_score", self_scores), ("reviewed_score", reviewed_scores)):
            if scores:  # partly scored is fine while typing; submit and review need every item
                changed = _apply_item_scores(locked, scores, stage, stage, complete=False)[2]
                if changed and stage == "self_score" and locked.state == AssessmentState.SELF_ASSESSED:
                    # The submitted total is the items' sum: an item changed here would leave
                    # it wrong. A correction is submitted again, which sums the items anew.
                    raise ValidationError({"self_score": SELF_SCORES_SUBMITTED})
                changes.update(changed)
        fields = []
        for name, value in (("self_note", self_note), ("review_note", review_note)):
            if value is not None and value != getattr(locked, name):
                setattr(locked, name, value)
                fields.append(name)
        if changes or fields:
            save_audited(locked, actor=actor, fields=fields, message="逐项评分" if changes else "", extra_changes=changes)
    return locked


def assessment_submit_self(*, assessment: BranchAssessment, actor: Any, scores: Mapping[Any, Any] | None = None,
                           note: str | None = None) -> BranchAssessment:
    """提交自评: every checklist item scored (given here or typed before); the self total
    is their sum."""
    require_permission(actor, "branches.change_branchassessment", "提交自评")
    with transaction.atomic():
        locked = _locked_assessment(assessment, actor)
        _require_assessed_kind(locked)
        if locked.state == AssessmentState.REVIEWED:
            raise ValidationError({"state": "已审核的评定不能再修改自评。"})
        total, _, changes = _apply_item_scores(locked, scores, "self_score", "self_score")
        locked.self_score = total
        if note is not None:
            locked.self_note = note
        locked.self_assessed_at, locked.self_assessor = timezone.now(), user_of(actor)
        locked.state = AssessmentState.SELF_ASSESSED
        save_audited(locked, actor=actor, fields=["self_score", "self_note", "self_assessed_at", "self_assessor", "state"],
                     action=AuditAction.TRANSITION, message=f"提交自评：{total}分", extra_changes=changes)
    return locked


def assessment_review(*, assessment: BranchAssessment, actor: Any, scores: Mapping[Any, Any] | None = None,
                      note: str | None = None) -> BranchAssessment:
    """上级审核: every checklist item scored by the level above — not by the account that
    submitted the self-assessment (自评提交人); the reviewed total is their sum, and status
    and star level follow from it and from the 一票否决 items."""
    require_permission(actor, "branches.change_branchassessment", "审核标准化评定")
    with transaction.atomic():
        locked = _locked_assessment(assessment, actor)
        _require_assessed_kind(locked)
        if locked.state != AssessmentState.SELF_ASSESSED:
            message = "尚未提交自评，不能审核。" if locked.state == AssessmentState.DRAFT else "该评定已审核。"
            raise ValidationError({"state": message})
        if not is_above(actor, locked.organisation):
            raise ValidationError({"reviewer": f"审核须由「{locked.organisation.unit}」的上级单位进行。"})
        if message := self_review_error(locked, actor):
            raise ValidationError({"reviewer": message})
        total, vetoes, changes = _apply_item_scores(locked, scores, "reviewed_score", "reviewed_score")
        status, stars, _ = assessment_grade(total, locked.version, vetoed=bool(vetoes))
        locked.reviewed_score, locked.status, locked.star_level = total, status, stars
        if note is not None:
            locked.review_note = note
        locked.reviewer, locked.reviewed_at, locked.state = user_of(actor), timezone.now(), AssessmentState.REVIEWED
        veto_text = ("；一票否决：" + "、".join(f"第{i.seq}项「{i.title}」" for i in vetoes)) if vetoes else ""
        save_audited(locked, actor=actor, fields=["reviewed_score", "status", "star_level", "review_note", "reviewer",
                                                  "reviewed_at", "state"], action=AuditAction.TRANSITION,
                     message=f"审核评定：{total}分，{locked.get_status_display()}" + (f"，{stars}星" if stars else "") + veto_text,
                     extra_changes=changes)
    return locked


def model_branch_share() -> Decimal:
    """示范党支部的默认比例: where no quota is set for the top unit of the tree, it may
    name at most this share of its branches (setting ``BRANCH_MODEL_BRANCH_SHARE``;
    default 1.3 %, the province's 1,000 model branches out of 76,000)."""
    return Decimal(str(getattr(settings, "BRANCH_MODEL_BRANCH_SHARE", "0.013")))


def model_branch_limits(*, organisation: PartyOrganisation, year: int) -> list[tuple[Unit, int, bool]]:
    """The 示范 limits a branch of ``organisation``'s unit falls under for ``year``:
    (unit, limit, set explicitly) for every unit above or at it with a quota, and for the
    top unit a default share of its branches (rounded up) when none is set there."""
    paths = ancestor_paths(organisation.unit)
    quotas = {q.unit.path: q for q in ModelBranchQuota.objects.filter(year=year, unit__path__in=paths).select_related("unit")}
    # Nearest first: a refusal names the quota the clerk is most likely to know.
    limits = [(q.unit, q.quota, True) for path, q in sorted(quotas.items(), reverse=True)]
    top = min(paths, key=len)
    if top not in quotas:
        unit = Unit.objects.get(path=top)
        branches = PartyOrganisation.objects.filter(kind=OrgKind.BRANCH, unit__path__startswith=top).count()
        limits.append((unit, math.ceil(branches * model_branch_share()), False))
    return limits


def _limit_kind(explicit: bool) -> str:
    return "名额为" if explicit else f"未设定名额，按党支部数的 {(model_branch_share() * 100).normalize():f}% 计为"


def model_branches_move_error(organisation: PartyOrganisation, old_unit_id: Any) -> str:
    """Why a 党支部 rated 示范 may not move to its new 所在单位 ("" when it may): the 示范
    count goes by unit, so the move takes its 示范 into the new unit's count, which must
    stay within every limit there (:func:`model_branch_limits`), as a nomination must."""
    if organisation.pk is None or old_unit_id is None or organisation.unit_id in (None, old_unit_id):
        return ""
    rated = BranchAssessment.objects.filter(organisation_id=organisation.pk, status=StandardStatus.MODEL)
    for assessment in rated.order_by("year"):
        for unit, limit, explicit in model_branch_limits(organisation=organisation, year=assessment.year):
            used = model_branches_within(unit, assessment.year, exclude_pk=assessment.pk)
            if used >= limit:
                return (f"该党支部是{assessment.year}年示范党支部，改到「{organisation.unit}」后计入「{unit}」的示范名额："
                        f"「{unit}」{assessment.year}年示范党支部{_limit_kind(explicit)} {limit} 个，已评定 {used} 个，"
                        "名额已满。请先调整该单位的示范名额。")
    return ""


def model_branch_quota_check(*, assessment: BranchAssessment) -> None:
    """The 示范 rule, one for every path that can mark a branch 示范: a 党支部, reviewed, at
    or above the 示范 line, no 一票否决, and within every limit of :func:`model_branch_limits`."""
    if message := assessed_kind_error(assessment.organisation):
        raise ValidationError({"organisation": message}, code="not_a_branch")
    if assessment.state != AssessmentState.REVIEWED or assessment.reviewed_score is None:
        raise ValidationError({"status": "审核定级后才能评定示范。"})
    if assessment.status == StandardStatus.BELOW:
        raise ValidationError({"status": "评定结果为未达标（含一票否决），不能评定示范。"})
    if assessment.reviewed_score < assessment.version.model_score:
        raise ValidationError({"status": f"审核得分 {assessment.reviewed_score} 分低于示范分数线 {assessment.version.model_score} 分。"})
    for unit, limit, explicit in model_branch_limits(organisation=assessment.organisation, year=assessment.year):
        used = model_branches_within(unit, assessment.year, exclude_pk=assessment.pk)
        if used >= limit:
            raise ValidationError({"status": f"「{unit}」{assessment.year}年示范党支部{_limit_kind(explicit)} {limit} 个，"
                                             f"已评定 {used} 个，名额已满。"})


def assessment_nominate_model(*, assessment: BranchAssessment, actor: Any) -> BranchAssessment:
    """评定为示范党支部: by the level above, under :func:`model_branch_quota_check`."""
    require_permission(actor, "branches.change_branchassessment", "评定示范党支部")
    with transaction.atomic():
        locked = _locked_assessment(assessment, actor)
        if locked.status == StandardStatus.MODEL:
            return locked
        if not is_above(actor, locked.organisation):
            raise ValidationError({"status": f"示范评定须由「{locked.organisation.unit}」的上级单位进行。"})
        # Nominations within one tree wait for each other: the count below stays true until commit.
        list(Unit.objects.select_for_update().filter(path__in=ancestor_paths(locked.organisation.unit)).values_list("pk"))
        model_branch_quota_check(assessment=locked)
        locked.status = StandardStatus.MODEL
        save_audited(locked, actor=actor, fields=["status"], action=AuditAction.TRANSITION, message="评定为示范党支部")
    return locked


def model_quota_save(*, quota: ModelBranchQuota, actor: Any) -> ModelBranchQuota:
    """示范党支部名额: a quota is never set below the model branches already named under it."""
    creating = quota.pk is None
    require_permission(actor, "branches.add_modelbranchquota" if creating else "branches.change_modelbranchquota",
                       "设定示范名额")
    with transaction.atomic():
        if not creating:
            locked = lock_in_scope(ModelBranchQuota.objects.all(), quota.pk, actor, what="示范名额")
            quota._audit_loaded = getattr(locked, "_audit_loaded", None)
        _require_unit_in_scope(actor, quota.unit_id)
        model_quota_check(quota=quota)
        quota.full_clean()
        save_audited(quota, actor=actor)
    return quota


def model_quota_check(*, quota: ModelBranchQuota) -> None:
    if quota.unit_id is None or quota.year is None or quota.quota is None:
        return
    used = model_branches_within(quota.unit, quota.year)
    if quota.quota < used:
        raise ValidationError({"quota": f"「{quota.unit}」{quota.year}年已评定示范党支部 {used} 个，名额不能少于 {used} 个。"})


# ---------------------------------------------------------------------------
# 软弱涣散基层党组织整顿
# ---------------------------------------------------------------------------


def weak_case_open(*, organisation: PartyOrganisation, year: int, categories: Iterable[str], problems: str, plan: str,
                   contact_leader: str, deadline: datetime.date, actor: Any, link_rectification: bool = True) -> WeakBranchCase:
    """列入软弱涣散整顿：一支部一方案，明确联系领导和整顿时限，并挂入整改清单."""
    case = WeakBranchCase(organisation=organisation, year=year, categories=list(categories), problems=problems, plan=plan,
                          contact_leader=contact_leader, deadline=deadline)
    return weak_case_save(case=case, actor=actor, link_rectification=link_rectification)


def weak_case_deadline_message(case: WeakBranchCase) -> str:
    """Why the 整顿时限 of a registered case is not typed over, and where it is moved
    instead: by the 延期 step of its checklist item (a reason, at most
    ``MAX_EXTENSION_MONTHS`` months at a time), which the case follows
    (:func:`weak_case_item_extended`)."""
    where = ("请在整改清单中打开该整顿挂入的整改事项，使用「延期」并说明理由"
             if case.rectification_item_id else "请先将该整顿「挂入整改清单」，再在该整改事项中使用「延期」并说明理由")
    return (f"整顿时限确定后不能在整顿台账中直接修改：整顿时限只能通过整改事项的「延期」调整，"
            f"每次最长延期{MAX_EXTENSION_MONTHS}个月，延期后整顿时限随之调整。{where}。")


# Once on the checklist, the item is about this organisation in this year: its problem
# text names them, and the year's identification counts it.
WEAK_CASE_ON_CHECKLIST = ("该整顿已挂入整改清单，{}不能再修改：整改事项按原党组织和排查年度挂账。"
                          "确属录错的，请在整改清单中说明情况，由挂账单位处理该事项。")


def weak_case_check(*, case: WeakBranchCase, original: WeakBranchCase | None = None) -> None:
    """Rules of the case's own fields, for the form and the service: a struck-off case is
    not changed, its 整顿时限 moves only by 延期 (:func:`weak_case_deadline_message`), its
    党组织 and 排查年度 stay once it is on the checklist, its text is not corrected once its
    item is past 申请销号 (the item follows it: :func:`_item_follows_case`), and survey
    results come as a whole (both rates and the date)."""
    if original is not None and original.state == WeakCaseState.CLOSED:
        raise ValidationError("已销号的整顿台账不能修改。")
    if original is not None and case.deadline != original.deadline:
        raise ValidationError({"deadline": weak_case_deadline_message(original)}, code="deadline_by_extension")
    if original is not None and original.rectification_item_id:
        moved = {name: label for name, label in (("organisation", "党组织"), ("year", "排查年度"))
                 if getattr(case, f"{name}_id" if name == "organisation" else name)
                 != getattr(original, f"{name}_id" if name == "organisation" else name)}
        if moved:
            raise ValidationError({name: WEAK_CASE_ON_CHECKLIST.format(label) for name, label in moved.items()},
                                  code="on_checklist")
    if original is not None and (frozen := _item_frozen_refusal(case, original)):
        raise ValidationError(frozen, code="item_frozen")
    rates = [case.awareness_rate, case.satisfaction_rate]
    if any(r is not None for r in rates) and (None in rates or not case.surveyed_on):
        raise ValidationError({"surveyed_on": "测评结果须同时填写知情度、满意度和测评日期。"})


def weak_case_delete_refusal(case: WeakBranchCase) -> str:
    """Why a case may not be deleted ("" when it may): once it is struck off (已销号) or
    on the rectification checklist, the year's identification, its survey and the
    checklist item's source are on the books; only a case entered by mistake that is
    neither may be removed."""
    if case.state != WeakCaseState.RECTIFYING:
        return f"「{case}」{case.get_state_display()}，在册的整顿台账不能删除。"
    if case.rectification_item_id:
        return f"「{case}」已挂入整改清单，在册的整顿台账不能删除；录错的内容请在原记录上更正。"
    return ""


def weak_case_delete(*, case: WeakBranchCase, actor: Any) -> None:
    """删除误录的整顿台账: actor, permission, scope, only while
    :func:`weak_case_delete_refusal` allows, one audit row with the values it held."""
    require_permission(actor, "branches.delete_weakbranchcase", "删除软弱涣散整顿台账")
    with transaction.atomic():
        locked = lock_in_scope(WeakBranchCase.objects.select_related("organisation"), case.pk, actor, what="整顿台账")
        refusal = weak_case_delete_refusal(locked)
        if refusal:
            raise ValidationError(refusal)
        delete_audited(locked, actor=actor)


def weak_case_save(*, case: WeakBranchCase, actor: Any, link_rectification: bool = True) -> WeakBranchCase:
    """Create or edit a case (the admin form): actor, permission, scope, the case's rules,
    one audit row; a new case goes onto the rectification checklist in the same transaction."""
    creating = case.pk is None
    require_permission(actor, "branches.add_weakbranchcase" if creating else "branches.change_weakbranchcase",
                       "列入软弱涣散整顿" if creating else "修改软弱涣散整顿台账")
    with transaction.atomic():
        original = None
        if not creating:
            original = lock_in_scope(WeakBranchCase.objects.all(), case.pk, actor, what="整顿台账")
            case._audit_loaded = getattr(original, "_audit_loaded", None)
            case.state, case.closed_on, case.rectification_item_id = original.state, original.closed_on, original.rectification_item_id
        _require_organisation_in_scope(actor, case.organisation)
        weak_case_check(case=case, original=original)
        case.full_clean()
        surveyed = original is not None and any(
            getattr(case, f) != getattr(original, f) for f in ("awareness_rate", "satisfaction_rate", "surveyed_on"))
        if creating and link_rectification:
            # The checklist item names the case, so the case is saved first; its one audit
            # row is written once the link is set (the trail is append-only).
            case._audit_explicit = True
            try:
                case.save()
            finally:
                case.__dict__.pop("_audit_explicit", None)
            case.rectification_item_id = _open_checklist_item(case, actor).pk
            WeakBranchCase.objects.filter(pk=case.pk).update(rectification_item_id=case.rectification_item_id)
            record(case, action=AuditAction.CREATE, actor=actor, changes=diff(case, None))
            case._audit_loaded = concrete_values(case)
        else:
            save_audited(case, actor=actor)
            if original is not None:
                _item_follows_case(case, original, actor)
        if surveyed and weak_survey_passes(case):  # as weak_case_record_survey does
            _request_checklist_closure(case, actor)
    return case


# The checklist item's fields a case writes (问题描述 from its types and problems, 整改措施
# from its plan, 牵头领导 its contact leader): they follow the case (:func:`_item_follows_case`)
# and are not edited on the item (``orgwork.rectification.closing.register(governs=…)``).
WEAK_CASE_ITEM_FIELDS = ("problem", "measure", "lead_leader")
# The case's fields they are written from, by the item field.
_ITEM_FIELD_SOURCES = {"problem": ("categories", "problems"), "measure": ("plan",), "lead_leader": ("contact_leader",)}


def _item_content(case: WeakBranchCase) -> dict[str, str]:
    """What the case's checklist item says, field by field (:data:`WEAK_CASE_ITEM_FIELDS`)."""
    return {
        "problem": f"{case.organisation.name}（{case.year}年软弱涣散）：{case.category_labels()}。{case.problems}",
        "measure": case.plan,
        "lead_leader": case.contact_leader,
    }


def _item_follows_case(case: WeakBranchCase, original: WeakBranchCase, actor: Any) -> None:
    """A corrected case (its types, problems, plan or contact leader) corrects its checklist
    item in the same transaction, with one audit row on the item: the item reads as the
    case does. Past 申请销号 the edit was refused by :func:`weak_case_check`
    (:func:`_item_frozen_refusal`); the item's state cannot move meanwhile, since a step on
    it locks this case first (``orgwork.rectification.closing.lock_source``)."""
    changed = [name for name, sources in _ITEM_FIELD_SOURCES.items()
               if any(getattr(case, f) != getattr(original, f) for f in sources)]
    if not changed or not case.rectification_item_id:
        return
    content = _item_content(case)
    rectification_item_follow_source(item_id=case.rectification_item_id,
                                     values={name: content[name] for name in changed}, actor=actor,
                                     because=f"随软弱涣散整顿台账「{case}」更正")


def _corrected(case: WeakBranchCase, original: WeakBranchCase) -> list[str]:
    """The case's fields its checklist item is written from that this edit changes."""
    return [f for sources in _ITEM_FIELD_SOURCES.values() for f in sources if getattr(case, f) != getattr(original, f)]


def _item_frozen_refusal(case: WeakBranchCase, original: WeakBranchCase) -> dict[str, str]:
    """Field → why the case's text is not corrected now: its checklist item, which would
    follow (:func:`_item_follows_case`), is past 申请销号 and reads what the reviewer signs off."""
    corrected = _corrected(case, original) if original.rectification_item_id else []
    if not corrected:
        return {}
    state = (RectificationItem.objects.filter(pk=original.rectification_item_id)
             .values_list("state", flat=True).first())
    if state not in FROZEN_STATES:
        return {}
    message = f"该整顿挂入的整改事项不能随之更正：{frozen_message(state)}"
    return {f: message for f in corrected}


def _open_checklist_item(case: WeakBranchCase, actor: Any) -> RectificationItem:
    organisation = case.organisation
    content = _item_content(case)
    return rectification_open_item(
        unit=organisation.unit,
        source=ChecklistSource.WEAK_BRANCH,
        problem=content["problem"],
        actor=actor,
        source_object=case,
        measure=content["measure"],
        deadline=case.deadline,
        responsible_unit=organisation.unit,
        responsible_person="",
        lead_leader=content["lead_leader"],
    )


def weak_case_link_rectification(*, case: WeakBranchCase, actor: Any) -> WeakBranchCase:
    """挂入整改清单 (问题、责任、措施、时限) through the rectification app's service."""

    def apply(locked: WeakBranchCase) -> list[str]:
        if locked.rectification_item_id:
            return []
        if locked.state == WeakCaseState.CLOSED:
            raise ValidationError({"state": "已销号的整顿不再挂入整改清单。"})
        locked.rectification_item_id = _open_checklist_item(locked, actor).pk
        return ["rectification_item_id"]

    return perform(WeakBranchCase.objects.select_related("organisation__unit"), case.pk, actor=actor,
                   permission="branches.change_weakbranchcase", label="挂入整改清单", what="整顿台账", apply=apply)


def weak_survey_passes(case: WeakBranchCase) -> bool:
    threshold = weak_survey_threshold()
    return (case.awareness_rate is not None and case.satisfaction_rate is not None
            and case.awareness_rate >= threshold and case.satisfaction_rate >= threshold)


def _survey_shortfall(case: WeakBranchCase) -> str | None:
    """The rates of the case's survey below the threshold (``知情度 76.0%``), "" when both
    reach it, None before the survey."""
    if case.awareness_rate is None or case.satisfaction_rate is None:
        return None
    threshold = weak_survey_threshold()
    return "、".join(f"{name} {value}%" for name, value in (("知情度", case.awareness_rate),
                                                            ("满意度", case.satisfaction_rate)) if value < threshold)


def weak_case_closing_refusal(case: WeakBranchCase) -> str:
    """销号条件 of the case's checklist item (整改事项), registered with the kernel's
    :mod:`orgwork.rectification.closing` from ``BranchesConfig.ready``: the item is put up
    for 销号 and struck off only once the 知情度满意度测评 reaches the threshold, whichever
    page or step does it. "" when it may be."""
    short = _survey_shortfall(case)
    threshold = weak_survey_threshold()
    rule = f"软弱涣散基层党组织整顿须经知情度满意度测评，知情度、满意度均达到 {threshold}% 后方可销号"
    if short is None:
        return f"该事项来自软弱涣散整顿台账「{case}」，尚未开展测评：{rule}；请先在整顿台账中记录测评结果。"
    if short:
        return f"该事项来自软弱涣散整顿台账「{case}」，{short}，未达到销号要求：{rule}。"
    return ""


def _survey_account(case: WeakBranchCase) -> str:
    return (f"知情度满意度测评（{case.surveyed_on:%Y-%m-%d}）：知情度 {case.awareness_rate}%，"
            f"满意度 {case.satisfaction_rate}%，达到 {weak_survey_threshold()}% 的销号要求。")


def weak_case_record_survey(*, case: WeakBranchCase, awareness: Any, satisfaction: Any, surveyed_on: datetime.date,
                            actor: Any) -> WeakBranchCase:
    """记录知情度满意度测评结果（%）. A survey that reaches the threshold is the evidence
    for striking the checklist item off: the item is put up for 销号 (申请销号) in the same
    transaction, by the one who recorded the survey; :func:`weak_case_close` signs it off."""

    def apply(locked: WeakBranchCase) -> list[str]:
        if locked.state == WeakCaseState.CLOSED:
            raise ValidationError({"state": "已销号的整顿不能再修改测评结果。"})
        tenth = Decimal("0.1")
        try:
            locked.awareness_rate = Decimal(str(awareness)).quantize(tenth)
            locked.satisfaction_rate = Decimal(str(satisfaction)).quantize(tenth)
        except InvalidOperation:
            raise ValidationError({"awareness_rate": "知情度、满意度应为 0 到 100 之间的数字。"}) from None
        locked.surveyed_on = surveyed_on
        locked.full_clean()
        return ["awareness_rate", "satisfaction_rate", "surveyed_on"]

    with transaction.atomic():
        locked = perform(WeakBranchCase.objects.select_related("organisation__unit"), case.pk, actor=actor,
                         permission="branches.change_weakbranchcase", label="记录测评结果", what="整顿台账", apply=apply)
        if weak_survey_passes(locked):
            _request_checklist_closure(locked, actor)
    return locked


def _checklist_item(case: WeakBranchCase) -> RectificationItem | None:
    if not case.rectification_item_id:
        return None
    return RectificationItem.objects.filter(pk=case.rectification_item_id).first()


def _request_checklist_closure(case: WeakBranchCase, actor: Any) -> RectificationItem | None:
    """Take the case's checklist item to 申请销号 through the kernel's own steps."""
    item = _checklist_item(case)
    if item is None or item.state in (ItemState.CLOSED, ItemState.CLOSURE_REQUESTED):
        return item
    if item.state in (ItemState.ON_BOOKS, ItemState.REOPENED):
        item = rectification_start(item=item, actor=actor)
    return rectification_request_closure(item=item, actor=actor, account=_survey_account(case))


def weak_case_close(*, case: WeakBranchCase, actor: Any, closed_on: datetime.date | None = None) -> WeakBranchCase:
    """销号: only when the 知情度 and 满意度 of the survey both reach the threshold; the
    case's checklist item is struck off (销号) in the same transaction through the
    kernel's steps, so the closer signs it off — someone other than who put it up for
    销号 (the kernel's rule)."""
    require_permission(actor, "branches.change_weakbranchcase", "软弱涣散整顿销号")
    with transaction.atomic():
        locked = lock_in_scope(WeakBranchCase.objects.select_related("organisation__unit"), case.pk, actor, what="整顿台账")
        if locked.state == WeakCaseState.CLOSED:
            return locked
        short = _survey_shortfall(locked)
        if short is None:
            raise ValidationError({"state": "尚未开展知情度满意度测评，不能销号。"})
        if short:
            raise ValidationError({"state": f"{short}，未达到 {weak_survey_threshold()}% 的销号要求，不能销号。"})
        item = _request_checklist_closure(locked, actor)
        # The case first: striking its item off then finds it closed (weak_case_item_struck_off).
        locked.state, locked.closed_on = WeakCaseState.CLOSED, closed_on or timezone.localdate()
        save_audited(locked, actor=actor, fields=["state", "closed_on"], action=AuditAction.TRANSITION,
                     message=f"测评达标销号（知情度 {locked.awareness_rate}%，满意度 {locked.satisfaction_rate}%）")
        if item is not None and item.state == ItemState.CLOSURE_REQUESTED:
            rectification_approve_closure(item=item, actor=actor, note=f"软弱涣散整顿测评达标销号。{_survey_account(locked)}")
    return locked


def weak_case_item_struck_off(case: WeakBranchCase, actor: Any) -> None:
    """The case's checklist item was struck off (销号) on the checklist's own page or in
    a batch — which the closing rule allows only once the survey passed: the case is
    closed with it, in the same transaction, by the same reviewer, so the 整顿台账 does
    not read 整顿中 beside an item already 已销号. Registered with the kernel's
    :mod:`orgwork.rectification.closing` from ``BranchesConfig.ready``; a case
    :func:`weak_case_close` closed first is left as it is."""
    if case.state == WeakCaseState.CLOSED:
        return
    case.state, case.closed_on = WeakCaseState.CLOSED, timezone.localdate()
    save_audited(case, actor=actor, fields=["state", "closed_on"], action=AuditAction.TRANSITION,
                 message=f"整改事项销号，整顿随之销号（知情度 {case.awareness_rate}%，满意度 {case.satisfaction_rate}%）")


def weak_case_item_extended(case: WeakBranchCase, actor: Any) -> None:
    """The case's checklist item was extended (延期, on its page or in a batch, with the
    reason and within the kernel's limit): the case's 整顿时限 becomes the item's new
    deadline in the same transaction, so the 逾期 台账 of cases and the checklist agree.
    Registered with :mod:`orgwork.rectification.closing` from ``BranchesConfig.ready``."""
    item = _checklist_item(case)
    if item is None or item.deadline is None or item.deadline == case.deadline:
        return
    before = case.deadline
    case.deadline = item.deadline
    save_audited(case, actor=actor, fields=["deadline"], action=AuditAction.TRANSITION,
                 message=f"整改事项延期，整顿时限由 {before:%Y-%m-%d} 延至 {item.deadline:%Y-%m-%d}")


def weak_case_item_reopened(case: WeakBranchCase, actor: Any) -> None:
    """The case's checklist item was put on the books again (回头看重新挂账): the problem
    is back, so the case is 整顿中 again and its survey is taken anew — the one that
    closed it no longer stands for the item (the trail keeps its rates). Registered with
    :mod:`orgwork.rectification.closing` from ``BranchesConfig.ready``."""
    if case.state != WeakCaseState.CLOSED and case.surveyed_on is None:
        return
    before = (f"原测评 {case.surveyed_on:%Y-%m-%d}：知情度 {case.awareness_rate}%，满意度 {case.satisfaction_rate}%"
              if case.surveyed_on else "尚未测评")
    case.state, case.closed_on = WeakCaseState.RECTIFYING, None
    case.awareness_rate = case.satisfaction_rate = case.surveyed_on = None
    save_audited(case, actor=actor, fields=["state", "closed_on", "awareness_rate", "satisfaction_rate", "surveyed_on"],
                 action=AuditAction.TRANSITION, message=f"整改事项回头看重新挂账，整顿重新开始，须重新测评（{before}）")


__all__ = [
    "assessment_grade",
    "assessment_items_total",
    "assessment_nominate_model",
    "assessment_open",
    "assessment_record_scores",
    "assessment_review",
    "assessment_submit_self",
    "backentry_check",
    "backentry_late",
    "item_score_check",
    "meeting_delete",
    "meeting_delete_refusal",
    "meeting_holder_check",
    "meeting_prepare",
    "meeting_record",
    "meeting_save",
    "meetings_committee_check",
    "meetings_roster_check",
    "meetings_bulk_load",
    "meetings_bulk_record",
    "model_branch_limits",
    "model_branch_quota_check",
    "model_quota_save",
    "party_org_save",
    "party_orgs_move_subtree",
    "party_orgs_sync_descendants",
    "secretary_delete",
    "secretary_save",
    "standard_item_delete",
    "standard_item_save",
    "standard_items_frozen_message",
    "weak_case_check",
    "weak_case_close",
    "weak_case_closing_refusal",
    "weak_case_delete",
    "weak_case_deadline_message",
    "weak_case_delete_refusal",
    "weak_case_item_extended",
    "weak_case_item_reopened",
    "weak_case_item_struck_off",
    "weak_case_link_rectification",
    "weak_case_open",
    "weak_case_record_survey",
    "weak_case_save",
]


# ---------------------------------------------------------------------------
# 换届选举
# ---------------------------------------------------------------------------


class SheetElections:
    """The elections a sheet's earlier rows record, by organisation: a row is checked
    against the organisation's elections as the rows before it leave them, so that a sheet
    carrying a branch's 2020 and 2023 elections checks the second against the first. One
    per sheet run."""

    def __init__(self) -> None:
        self.by_organisation: dict[int, list[tuple[datetime.date, datetime.date, bool]]] = {}

    def add(self, election: TermElection) -> None:
        self.by_organisation.setdefault(election.organisation_id, []).append(
            (election.elected_on, election.term_ends_on, election.early))


def _stored(election: TermElection | None) -> dict[str, Any]:
    if election is None:
        return {}
    return getattr(election, "_audit_loaded", None) or concrete_values(election)


def term_election_check(*, election: TermElection, original: TermElection | None = None,
                        sheet: SheetElections | None = None) -> None:
    """The rules of one election that need the organisation's others, for the form, the
    sheet and the service alike:

    - it follows the organisation's previous election (and, a correction of an older one,
      precedes the next): elections are recorded in the order they were held;
    - held before the previous term's 届满日期, it is a 提前换届 and needs the higher
      organisation's 批准文号 and a reason; held on or after it, it is not one;
    - a term already followed by an election is not extended (延期换届), and a change of
      its dates does not make the next election early without approval, nor leave one
      approved as early that no longer is;
    - moved to another organisation, it is that organisation's latest
      (:func:`_left_behind_check`), as only the latest is deleted;
    - the 委员人数 it elected holds the 支委会 of its term already recorded
      (:func:`_committee_meetings_check`), and the 支委会 of the days a later date or
      another organisation hands back to the committee before it hold to that one
      (:func:`_handed_back_check`).

    ``original`` is the stored row (the sheet passes the row itself: its stored values are
    the loaded ones); ``sheet`` the elections of the sheet's earlier rows.
    """
    election.fill_derived()
    organisation = election.organisation
    if organisation.kind not in ELECTION_HOLDER_KINDS:
        raise ValidationError({"organisation": f"{organisation.get_kind_display()}不登记换届选举。"})
    if not isinstance(election.elected_on, datetime.date) or not isinstance(election.term_ends_on, datetime.date):
        return  # the field's own message says what is missing
    stored = _stored(original)
    others = [(d, end, early) for d, end, early in TermElection.objects.filter(organisation_id=organisation.pk)
              .exclude(pk=election.pk).values_list("elected_on", "term_ends_on", "early")]
    if sheet is not None:
        others += sheet.by_organisation.get(organisation.pk, [])
    same_place = original is not None and stored.get("organisation_id") == organisation.pk
    anchor = stored.get("elected_on") if same_place else None
    earlier = [o for o in others if anchor is None or o[0] < anchor]
    later = [o for o in others if anchor is not None and o[0] > anchor]
    previous = max(earlier, default=None)
    following = min(later, default=None)
    day = election.elected_on
    if previous is not None and day <= previous[0]:
        raise ValidationError({"elected_on": (
            f"选举日期 {day.isoformat()} 不晚于「{organisation}」已登记的上一次换届选举（{previous[0].isoformat()}）："
            f"换届选举按举行的先后登记，本次选举应在上一次之后。")}, code="before_previous")
    if following is not None and day >= following[0]:
        raise ValidationError({"elected_on": (
            f"选举日期 {day.isoformat()} 不早于「{organisation}」已登记的下一次换届选举（{following[0].isoformat()}）："
            f"更正后的日期应在两次换届之间。")}, code="after_following")
    if previous is not None:
        end = previous[1]
        if day < end and not election.early:
            raise ValidationError({"early": (
                f"上届任期至 {end.isoformat()} 届满，选举日期 {day.isoformat()} 在届满之前，属于提前换届："
                f"须经上级党组织批准，请勾选「提前换届」并填写批准文号和提前换届原因。")}, code="early_unapproved")
        if day >= end and election.early:
            raise ValidationError({"early": (
                f"上届任期至 {end.isoformat()} 届满，选举日期 {day.isoformat()} 不在届满之前，不是提前换届："
                f"请取消「提前换届」并把批准文号和原因留空。")}, code="not_early")
    if following is not None:
        if election.extended_until is not None and election.written_now("extended_until"):
            raise ValidationError({"extended_until": (
                f"「{organisation}」已于 {following[0].isoformat()} 进行了下一次换届选举，本届已结束，不能再延期。")},
                code="succeeded")
        if following[0] < election.term_ends_on and not following[2]:
            raise ValidationError({"term_years": (
                f"按此更正，本届任期至 {election.term_ends_on.isoformat()} 届满，而下一次换届选举在 "
                f"{following[0].isoformat()}，会成为未经批准的提前换届；请先核对下一次换届的登记。")},
                code="following_early")
        if following[0] >= election.term_ends_on and following[2]:
            field = "elected_on" if stored.get("elected_on") != election.elected_on else "term_years"
            raise ValidationError({field: (
                f"按此更正，本届任期至 {election.term_ends_on.isoformat()} 届满，下一次换届选举 "
                f"{following[0].isoformat()} 已不在届满之前，而它登记为经批准的提前换届：届满之后的换届不是提前换届。"
                f"请核对本次的选举日期和任期年限；确属录错的，须先删除之后的换届登记（从最近一次删起），"
                f"更正本次后再依次重新登记。")}, code="following_no_longer_early")
    if original is not None and not same_place:
        _left_behind_check(stored)
    _committee_meetings_check(election, stored, following[0] if following is not None else None)
    _handed_back_check(election, stored)


def _left_behind_check(stored: dict[str, Any]) -> None:
    """An election moved to another organisation leaves the one it was recorded for, as a
    deletion does (:func:`term_election_delete_refusal`): only that organisation's latest
    may leave, since the next one's previous term would otherwise be another."""
    old_place, old_day = stored.get("organisation_id"), stored.get("elected_on")
    if old_place is None or not isinstance(old_day, datetime.date):
        return
    following = _election_after(old_place, old_day)
    if following is None:
        return
    left = PartyOrganisation.objects.filter(pk=old_place).first()
    raise ValidationError({"organisation": (
        f"本次换届选举原登记在「{left}」，该党组织在本次之后还有 {following:%Y-%m-%d} 的换届选举："
        f"改登记到其他党组织会改变下一次换届的上一届任期（是否属于提前换届），只有该党组织最近一次换届选举可以改登记。"
        f"录错的内容请在原记录上更正。")}, code="moved_from_the_middle")


def _committee_meetings_check(election: TermElection, stored: dict[str, Any], next_held: datetime.date | None) -> None:
    """A correction of an election that would leave a 支委会 of its term, up to the next
    election, with more expected than the 委员人数 it elected is refused, naming the first
    such meeting: the rule of :func:`meetings_committee_check`, from the election's side,
    asked when the 委员人数, the date or the organisation is changed.

    A new election is not held to the meetings already recorded: history is entered in
    the order it was held (an older election before a newer one), so a 支委会 on record
    may belong to a term whose election is still to be entered. Such a meeting is held to
    the committee when it is next written."""
    size, day = election.committee_size, election.elected_on
    if not stored or not isinstance(size, int) or all(stored.get(name) == value for name, value in (
            ("organisation_id", election.organisation_id), ("elected_on", day), ("committee_size", size))):
        return
    meetings = Meeting.objects.filter(organisation_id=election.organisation_id, kind=MeetingKind.COMMITTEE_MEETING,
                                      held_on__gte=day, expected__gt=size)
    if next_held is not None:
        meetings = meetings.filter(held_on__lt=next_held)
    first = meetings.order_by("held_on", "pk").first()
    if first is not None:
        raise ValidationError({"committee_size": (
            f"「{election.organisation}」{first.held_on.isoformat()} 的支委会应到 {first.expected} 人，多于本次换届选举"
            f"产生的委员人数 {size} 人：支委会应到的是支部委员会委员。请核对委员人数；"
            f"该次支委会应到人数登记有误的，请先在三会一课中更正。")}, code="fewer_than_committee_meetings")


def _handed_back_check(election: TermElection, stored: dict[str, Any]) -> None:
    """A correction that moves an election later, or to another organisation, hands the
    days it leaves back to the committee elected before it: the 支委会 of those days are
    then held to that committee's 委员人数 (:func:`_handed_back_meeting`), and the
    correction is refused, under the field it changes, while one of them is over it."""
    old_place, old_day = stored.get("organisation_id"), stored.get("elected_on")
    if not isinstance(old_day, datetime.date) or old_place is None:
        return
    if old_place == election.organisation_id:
        if not isinstance(election.elected_on, datetime.date) or election.elected_on <= old_day:
            return
        field, until, what = "elected_on", election.elected_on, "选举日期"
        because = f"选举日期改为 {election.elected_on.isoformat()} 后"
    elif election.organisation_id is not None:
        field, until, what = "organisation", _election_after(old_place, old_day), "所属党组织"
        because = "本次换届选举改登记到其他党组织后"
    else:
        return
    advice = f"请核对{what}；该次支委会应到人数登记有误的，请先在三会一课中更正。"
    if refusal := _handed_back_meeting(old_place, old_day, until, because, advice):
        raise ValidationError({field: refusal}, code="meetings_over_previous_committee")


def _election_after(organisation_id: int, day: datetime.date) -> datetime.date | None:
    """The date of ``organisation_id``'s first 换届选举 after ``day`` (None: none recorded)."""
    return (TermElection.objects.filter(organisation_id=organisation_id, elected_on__gt=day)
            .order_by("elected_on").values_list("elected_on", flat=True).first())


def _handed_back_meeting(organisation_id: int, since: datetime.date, until: datetime.date | None, because: str,
                         advice: str) -> str:
    """Why an election held on ``since`` may not leave the days ``[since, until)`` of
    ``organisation_id`` ("" when it may): the first 支委会 of those days that expects more
    than the 委员人数 of the election before ``since``, the committee in office in them once
    that one is corrected or deleted. With no election before, the meetings are held to
    the roll alone."""
    previous = (TermElection.objects.filter(organisation_id=organisation_id, elected_on__lt=since)
                .order_by("-elected_on").values_list("elected_on", "committee_size").first())
    if previous is None:
        return ""
    meetings = Meeting.objects.filter(organisation_id=organisation_id, kind=MeetingKind.COMMITTEE_MEETING,
                                      held_on__gte=since, expected__gt=previous[1])
    if until is not None:
        meetings = meetings.filter(held_on__lt=until)
    first = meetings.select_related("organisation").order_by("held_on", "pk").first()
    if first is None:
        return ""
    return (f"{because}，「{first.organisation}」{first.held_on.isoformat()} 的支委会在上一届支部委员会任内"
            f"（{previous[0].isoformat()} 换届选举产生 {previous[1]} 人），其应到人数 {first.expected} 人多于该届委员人数："
            f"支委会应到的是支部委员会委员。{advice}")


def term_election_save(*, election: TermElection, actor: Any, sheet: SheetElections | None = None) -> TermElection:
    """登记或修改一次换届选举 (the admin form): actor, permission, the organisation in scope,
    the row's rules and :func:`term_election_check`, one audit row."""
    creating = election.pk is None
    require_permission(actor, "branches.add_termelection" if creating else "branches.change_termelection",
                       "登记换届选举" if creating else "修改换届选举")
    with transaction.atomic():
        original = None
        if not creating:
            original = lock_in_scope(TermElection.objects.all(), election.pk, actor, what="换届选举登记")
            election._audit_loaded = getattr(original, "_audit_loaded", None)
        _require_organisation_in_scope(actor, election.organisation)
        # The organisation's elections are read in order: two clerks recording at once wait here.
        PartyOrganisation.objects.select_for_update().filter(pk=election.organisation.pk).first()
        term_election_check(election=election, original=original, sheet=sheet)
        election.full_clean()
        save_audited(election, actor=actor)
    return election


def term_election_record(*, organisation: PartyOrganisation, elected_on: datetime.date, secretary_name: str,
                         committee_size: int, actor: Any, term_years: int | None = None, approval_number: str = "",
                         approved_on: datetime.date | None = None, early: bool = False,
                         early_approval_number: str = "", early_reason: str = "", note: str = "") -> TermElection:
    """登记一次换届选举 (任期年限 left out: by the organisation's kind)."""
    election = TermElection(
        organisation=organisation, elected_on=elected_on, term_years=term_years, secretary_name=secretary_name,
        committee_size=committee_size, approval_number=approval_number, approved_on=approved_on, early=early,
        early_approval_number=early_approval_number, early_reason=early_reason, note=note)
    return term_election_save(election=election, actor=actor)


EXTENSION_FIELDS = ("extended_until", "extension_approval_number", "extension_reason")


def term_extension_grant(*, election: TermElection, until: datetime.date, approval_number: str, reason: str,
                         actor: Any) -> TermElection:
    """延期换届: the higher organisation approved holding the next election later, until
    ``until`` (after the 届满日期, at most a year after it), with its 批准文号 and the
    reason. Only the current term (no later election on record) is extended; one audit
    row names the new date and the reason."""
    require_permission(actor, "branches.change_termelection", "批准延期换届")
    with transaction.atomic():
        locked = lock_in_scope(TermElection.objects.select_related("organisation"), election.pk, actor,
                               what="换届选举登记")
        PartyOrganisation.objects.select_for_update().filter(pk=locked.organisation_id).first()
        locked.extended_until = until
        locked.extension_approval_number = (approval_number or "").strip()
        locked.extension_reason = (reason or "").strip()
        term_election_check(election=locked, original=locked)
        locked.full_clean()
        save_audited(locked, actor=actor, fields=list(EXTENSION_FIELDS),
                     message=f"批准延期换届至 {until:%Y-%m-%d}（{locked.extension_approval_number}）：{locked.extension_reason}")
    return locked


def term_election_delete_refusal(election: TermElection) -> str:
    """Why an election may not be deleted ("" when it may): only the organisation's latest.
    Each election is checked against the one before it (:func:`term_election_check`:
    提前换届 or not); taking one out of the middle of the history would make the next one's
    previous term another, and the next election an unapproved 提前换届 — or an approved
    one that no longer is. A wrong entry in the middle is corrected where it stands, or
    the later ones are deleted first. Nor is one whose 支委会 would then expect more than
    the committee elected before it (:func:`_handed_back_meeting`)."""
    following = _election_after(election.organisation_id, election.elected_on)
    if following is None:
        return _handed_back_meeting(election.organisation_id, election.elected_on, None, "删除本次换届选举后",
                                    "请先在三会一课中核对该次支委会的应到人数，再删除。")
    return (f"只能删除该党组织最近一次换届记录：「{election.organisation}」在本次之后还有 {following:%Y-%m-%d} 的换届选举，"
            f"删除中间的一次会改变下一次换届的上一届任期（是否属于提前换届）。录错的内容请在原记录上更正。")


def term_election_delete(*, election: TermElection, actor: Any) -> None:
    """删除误录的换届选举登记: actor, permission, scope, only the organisation's latest
    (:func:`term_election_delete_refusal`), one audit row with the values it held."""
    require_permission(actor, "branches.delete_termelection", "删除换届选举登记")
    with transaction.atomic():
        locked = lock_in_scope(TermElection.objects.select_related("organisation"), election.pk, actor,
                               what="换届选举登记")
        # The organisation's elections are read in order: a clerk recording one meanwhile waits here.
        PartyOrganisation.objects.select_for_update().filter(pk=locked.organisation_id).first()
        if refusal := term_election_delete_refusal(locked):
            raise ValidationError(refusal, code="not_latest")
        delete_audited(locked, actor=actor)
