"""Changes to the cadre registry (干部信息). Every write of a cadre, post or assessment
goes through here, whichever path called it (admin form and inlines, sheet import,
``.lrmx``, commands, the demo seeder), under the write contract
(``orgwork.common.contract``): an actor is required, the permission and the actor's
jurisdiction are checked, the rules in ``cadres.rules`` hold, and each changed row gets
exactly one audit row, in one transaction."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from orgwork.audit.context import current_actor
from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import concrete_values
from orgwork.common import pinyin, secrets
from orgwork.common.contract import audit_rows, lock_in_scope, require_permission, save_audited
from orgwork.common.versioning import bump_version
from orgwork.imports.probing import refuse_new_near_miss
from orgwork.units.models import Unit
from orgwork.units.scope import scope_queryset

from . import rules
from .models import REVIEW_BELOW_SCORE, Assessment, AssessmentGrade, Cadre, CadreStatus, PositionQuota, Post

logger = logging.getLogger(__name__)

PINYIN_FIELDS = ["name_pinyin", "name_initials"]
REVIEW_DEADLINE = datetime.timedelta(days=90)  # individual reviews are finished within a quarter


def cadre_fill_pinyin(cadre: Cadre) -> list[str]:
    """Set the stored pinyin keys from the name; returns the fields that changed."""
    key, first_letters = pinyin.keys(cadre.name)
    changed = []
    if cadre.name_pinyin != key:
        changed.append("name_pinyin")
        cadre.name_pinyin = key
    if cadre.name_initials != first_letters:
        changed.append("name_initials")
        cadre.name_initials = first_letters
    return changed


def _require_unit_in_scope(unit_id: Any, actor: Any) -> None:
    if not scope_queryset(Unit.objects.filter(pk=unit_id), actor).exists():
        raise ValidationError({"unit": "该单位不存在或不在您的管辖范围内。"}, code="scope")


def _lock_cadre(cadre_id: Any, actor: Any) -> Cadre:
    if cadre_id is None:
        raise ValidationError({"cadre": "请选择干部。"})
    return lock_in_scope(Cadre.objects.all(), cadre_id, actor, what="干部")


# ---------------------------------------------------------------------------
# 干部基本信息
# ---------------------------------------------------------------------------

@transaction.atomic
def cadre_save(*, cadre: Cadre, actor: Any, validate: bool = True) -> Cadre:
    """Create or update a cadre (干部基本信息).

    Refused: a 管理权限 the actor's department does not give (``rules.check_authority_given``),
    a 政治面貌 or 入党时间 a 党纪处分 on file contradicts (``_check_party_standing``),
    职务层次/职级/管理权限 that do not go together, a higher 职级 inside an 影响期
    or without 凡提四必 (``rules.check_cadre``); the case a 职级 raise passes on is recorded
    as spent on it (:func:`vetting_cases_spend`). 现任职务 and 职务层次 follow the current
    principal post when the cadre has posts. ``validate=False`` is for callers that
    already ran ``full_clean`` (the admin form).
    """
    adding = cadre._state.adding or cadre.pk is None
    require_permission(actor, "cadres.add_cadre" if adding else "cadres.change_cadre", "新增干部" if adding else "修改干部信息")
    _require_unit_in_scope(cadre.unit_id, actor)
    before: tuple[str, str] | None = None
    if not adding:
        locked = _lock_cadre(cadre.pk, actor)
        before = (locked.rank, locked.grade)
        if getattr(cadre, "_audit_loaded", None) is None:
            cadre._audit_loaded = concrete_values(locked)
    rules.check_authority_given(actor=actor, authority=cadre.authority, before=None if adding else locked.authority,
                                rank=cadre.rank)
    if not adding:
        _check_party_standing(cadre, political_status=locked.political_status, party_joined_on=locked.party_joined_on)
    _follow_current_post(cadre)
    cadre_fill_pinyin(cadre)
    if validate:
        cadre.full_clean(validate_constraints=False)
    use = rules.check_cadre(cadre, before=before)  # before the constraints: it says which field is wrong
    if validate:
        cadre.validate_constraints()
    refuse_new_near_miss(cadre, actor)
    if not adding:
        bump_version(cadre)
    save_audited(cadre, actor=actor)
    vetting_cases_spend(uses=[use] if use is not None else [], actor=actor)
    return cadre


def vetting_cases_spend(*, uses: Sequence[rules.VettingUse], actor: Any) -> int:
    """凡提四必: record on each cleared case the 职级 raise it paid for (使用日期, 用于), so
    that it answers for no second step (``rules._spent_on``; a promotion's case is
    read from 任职经历, ``rules.promotions_paid``). Part of the write of the
    profile (``cadre_save``, the cadres sheet), in its transaction: the clerk's right to
    change the cadre is the right asked. A case spent meanwhile refuses the write.
    Returns how many cases were recorded."""
    from .supervision.models import VettingCase

    by_case = {use.case_id: use for use in uses}
    if not by_case:
        return 0
    cases = VettingCase.objects.select_for_update(of=("self",)).filter(pk__in=list(by_case)).select_related("cadre__unit")
    for case in cases:
        if case.used_on is not None:
            raise ValidationError({"grade": f"该干部通过的凡提四必审查（拟任{case.proposed_post}）已用于{case.used_for}"
                                            f"（{case.used_on:%Y-%m-%d}）：一次审查只用于一次提拔或一次晋升职级。"})
        use = by_case[case.pk]
        case.used_on, case.used_for = use.on, use.used_for
        save_audited(case, actor=actor, fields=["used_on", "used_for"], message=f"凡提四必审查用于{use.used_for}")
    return len(by_case)


def current_principal_post(cadre: Cadre) -> Post | None:
    """The cadre's current principal post (现任主职务), whose title and rank the profile's
    现任职务 and 职务层次 follow; None for a new cadre or one without it."""
    if cadre.pk is None:
        return None
    return Post.objects.filter(cadre_id=cadre.pk, is_current=True, is_principal=True).only("title", "rank").first()


def _follow_current_post(cadre: Cadre) -> None:
    """现任职务 and 职务层次 are the current principal post's (when the cadre has one)."""
    post = current_principal_post(cadre)
    if post is not None:
        cadre.current_post = post.title
        cadre.rank = post.rank or cadre.rank


def cadres_sync_current_post(*, cadre_ids: Iterable[int], actor: Any) -> int:
    """现任职务 and 职务层次 on the profiles follow each cadre's current principal post
    (one audit row per changed profile). Cadres that have post rows but no current
    principal one show no 现任职务; a cadre without any post row keeps the registered text
    until its 任职经历 is entered. Returns how many profiles changed."""
    ids = list(dict.fromkeys(cadre_ids))
    if not ids:
        return 0
    current = {
        cadre_id: (title, rank)
        for cadre_id, title, rank in Post.objects.filter(cadre_id__in=ids, is_current=True, is_principal=True)
        .values_list("cadre_id", "title", "rank")
    }
    with_posts = set(Post.objects.filter(cadre_id__in=ids).values_list("cadre_id", flat=True).distinct())
    changed = 0
    for cadre in Cadre.objects.select_for_update(of=("self",)).filter(pk__in=ids).select_related("unit"):
        if cadre.pk in current:
            title, rank = current[cadre.pk]
            wanted = {"current_post": title, "rank": rank or cadre.rank}
        elif cadre.pk in with_posts:
            wanted = {"current_post": ""}
        else:
            continue
        fields = [f for f, v in wanted.items() if getattr(cadre, f) != v]
        if not fields:
            continue
        for name in fields:
            setattr(cadre, name, wanted[name])
        save_audited(cadre, actor=actor, fields=fields + bump_version(cadre), message="现任职务随任职经历更新")
        changed += 1
    return changed


def cadre_sync_current_post(*, cadre: Cadre, actor: Any) -> None:
    cadres_sync_current_post(cadre_ids=[cadre.pk], actor=actor)
    cadre.refresh_from_db(fields=["current_post", "rank", "version"])


def cadres_reconcile_sheet_posts(*, cadres: models.QuerySet[Cadre], actor: Any, on: datetime.date | None = None) -> int:
    """The cadres sheet (干部基本信息表) carries each cadre's current post in its 现任职务
    and 职务层次 columns. After the sheet is written, a serving cadre without a current
    principal post gets one, dated the import day (the 任职经历 page corrects the date and
    adds the 文号). A cadre who has one keeps it as it is: the sheet has no 任职时间 or 文号,
    so it cannot record a new appointment, and rewriting the post would rewrite the
    history (``check_sheet_cadre`` refuses such a row). Returns how many posts were written."""
    on = on or timezone.localdate()
    rows = list(cadres.filter(status=CadreStatus.ACTIVE).exclude(current_post="")
                .filter(~models.Exists(Post.objects.filter(cadre=models.OuterRef("pk"), is_current=True, is_principal=True)))
                .values_list("pk", "unit_id", "current_post", "rank"))
    if not rows:
        return 0
    fresh = [Post(cadre_id=pk, unit_id=unit_id, title=title, rank=rank, is_current=True, is_principal=True,
                  appointed_on=on) for pk, unit_id, title, rank in rows]
    created = Post.objects.bulk_create(fresh)
    written = Post.objects.filter(pk__in=[p.pk for p in created]).select_related("cadre__unit")
    audit_rows([(p, {"title": [None, p.title], "rank": [None, p.rank], "appointed_on": [None, str(p.appointed_on)]})
                for p in written], actor=actor, action=AuditAction.CREATE, message="按干部信息表登记现任职务")
    return len(fresh)


SHEET_POST_CHANGE = ("该干部的现任职务是任职经历中的现任主职务「{title}」（{rank}，{since:%Y-%m-%d}任职），"
                     "干部信息表不能改动：职务变动请在任职经历中登记新职务及其任职时间、任职文号（干部信息页的"
                     "任职经历表，或任职经历页面新增），原职务随之免去；表中的现任职务、职务层次留空或照录原值即可。")


def _follow_post_on_sheet(cadre: Cadre, original: Cadre) -> None:
    """现任职务 and 职务层次 on a cadres-sheet row for a cadre who holds a current principal
    post: blank cells follow the post; a different value is refused (the sheet carries no
    appointment date, so it can neither end the post nor date a new one)."""
    post = (Post.objects.filter(cadre_id=original.pk, is_current=True, is_principal=True)
            .only("title", "rank", "appointed_on").first())
    if post is None:
        return
    title = (cadre.current_post or "").strip()
    changed = []
    if title and title != post.title:
        changed.append("current_post")
    if post.rank and cadre.rank and cadre.rank != post.rank:
        changed.append("rank")
    if changed:
        message = SHEET_POST_CHANGE.format(title=post.title, rank=post.get_rank_display() or "职务层次未填",
                                           since=post.appointed_on)
        raise ValidationError({changed[0]: message})
    cadre.current_post = post.title
    cadre.rank = post.rank or cadre.rank


def check_sheet_cadre(cadre: Cadre, original: Cadre | None, *, actor: Any) -> rules.VettingUse | None:
    """Rules of one cadres-sheet row (the rules every other path applies in ``cadre_save``):
    a new serving cadre carries its current post; an existing cadre's 现任职务 and 职务层次
    follow the current principal post, as on the page and in ``.lrmx``
    (:func:`_follow_post_on_sheet`); the 管理权限 is one the actor's department gives; the
    combination and promotion rules. Returns the
    凡提四必 case a 职级 raise spends, for the sheet to record once written
    (:func:`vetting_cases_spend`)."""
    if original is None and cadre.status == CadreStatus.ACTIVE and not (cadre.current_post or "").strip():
        raise ValidationError({"current_post": "在职干部须填写现任职务（导入后登记为其现任主职务）。"})
    if original is not None:
        _follow_post_on_sheet(cadre, original)
    stored = _stored(original)
    rules.check_authority_given(actor=actor, authority=cadre.authority,
                                before=None if original is None else stored.get("authority", ""), rank=cadre.rank)
    if original is not None:
        _check_party_standing(cadre, political_status=stored.get("political_status", ""),
                              party_joined_on=stored.get("party_joined_on"))
    return rules.check_cadre(cadre, before=None if original is None else (stored.get("rank", ""), stored.get("grade", "")),
                             cadre_id=None if original is None else original.pk)


def _check_party_standing(cadre: Cadre, *, political_status: str, party_joined_on: Any) -> None:
    """A changed 政治面貌 or 入党时间 must agree with the 党纪处分 on file, which were given to
    a full member (``supervision.models.party_discipline_conflict``); unchanged, an older
    record is left as it is."""
    from .supervision.models import party_discipline_conflict

    if (cadre.political_status, cadre.party_joined_on) == (political_status, party_joined_on):
        return
    if conflict := party_discipline_conflict(cadre):
        field = "political_status" if cadre.political_status != political_status else "party_joined_on"
        raise ValidationError({field: conflict}, code="party_discipline")


def _stored(original: Any) -> dict[str, Any]:
    """The row as it was read from the database: the import engine fills the instance it
    read (``original``) with the sheet's cells, so its attributes are already the new ones."""
    if original is None:
        return {}
    return getattr(original, "_audit_loaded", None) or concrete_values(original)


# ---------------------------------------------------------------------------
# 任职经历
# ---------------------------------------------------------------------------

def _previous_current(post: Post) -> Post | None:
    return (Post.objects.select_for_update(of=("self",))
            .filter(cadre_id=post.cadre_id, is_current=True, is_principal=True).exclude(pk=post.pk).first())


def _write_post(post: Post, *, cadre: Cadre, actor: Any) -> Post:
    """One row of 任职经历, with its rules; the count of current principal posts and the
    profile are the caller's to settle."""
    adding = post._state.adding or post.pk is None
    before = None
    if not adding:
        before = Post.objects.select_for_update(of=("self",)).filter(pk=post.pk, cadre=cadre).first()
        if before is None:
            raise ValidationError("该任职经历不存在或不在您的管辖范围内。", code="scope")
    if post.unit_id is not None:
        _require_unit_in_scope(post.unit_id, actor)
    post.cadre = cadre
    post.full_clean(validate_constraints=False)
    rules.check_post_rank_given(actor=actor, post=post, before=before)
    use = rules.check_post(post, before=before, held=(cadre.rank, cadre.grade))
    if post.is_current and post.is_principal:
        previous = _previous_current(post)
        if previous is not None:
            if previous.appointed_on > post.appointed_on:
                raise ValidationError({"appointed_on": f"任职时间早于现任主职务「{previous.title}」的任职时间，请核对。"})
            _end_post(previous, removed_on=post.appointed_on, document="", actor=actor)
    post.validate_constraints()
    if before is not None and getattr(post, "_audit_loaded", None) is None:
        post._audit_loaded = concrete_values(before)
    save_audited(post, actor=actor)
    vetting_cases_spend(uses=[use] if use is not None else [], actor=actor)
    return post


def _end_post(post: Post, *, removed_on: datetime.date, document: str, actor: Any) -> Post:
    if not post.is_current:
        return post
    if removed_on < post.appointed_on:
        raise ValidationError({"removed_on": "免职时间不能早于任职时间。"})
    post.is_current, post.removed_on = False, removed_on
    rules.check_departure_checked(post)
    fields = ["is_current", "removed_on"]
    if document:
        post.removal_document = document
        fields.append("removal_document")
    save_audited(post, actor=actor, fields=fields, action=AuditAction.TRANSITION, message="免职")
    return post


def _settle(cadre: Cadre, *, actor: Any) -> None:
    rules.check_current_principal_count(status=cadre.status, current_principal=rules.current_principal_count(cadre))
    cadre_sync_current_post(cadre=cadre, actor=actor)


@transaction.atomic
def post_appoint(*, post: Post, actor: Any) -> Post:
    """任职 (or a correction of a 任职经历 row). A new current principal post ends the
    previous one (removed on the new appointment date) and becomes the cadre's 现任职务
    and 职务层次. Refused: a promotion inside an 影响期 or without 凡提四必
    (``rules.check_post``); leaving a serving cadre without a current principal post."""
    adding = post._state.adding or post.pk is None
    require_permission(actor, "cadres.add_post" if adding else "cadres.change_post", "登记任职经历")
    cadre = _lock_cadre(post.cadre_id, actor)
    _write_post(post, cadre=cadre, actor=actor)
    _settle(cadre, actor=actor)
    return post


@transaction.atomic
def post_remove(*, post: Post, removed_on: datetime.date, document: str = "", actor: Any) -> Post:
    """免职: end a post. Returns early when it has already ended. A serving cadre's only
    current principal post is ended by appointing the next one, or after the status changes."""
    require_permission(actor, "cadres.change_post", "免职")
    locked = lock_in_scope(Post.objects.all(), post.pk, actor, what="任职经历")
    cadre = _lock_cadre(locked.cadre_id, actor)
    if not locked.is_current:
        return locked
    _end_post(locked, removed_on=removed_on, document=document, actor=actor)
    _settle(cadre, actor=actor)
    return locked


@transaction.atomic
def cadre_posts_save(*, cadre: Cadre, posts: Sequence[Post], deleted: Sequence[Post], actor: Any) -> None:
    """The posts table on the cadre's page, saved as one change: deletions first, ended
    posts (oldest first) before the one that becomes current (the one-current-principal-post
    constraint holds at every step), each row through the same rules as ``post_appoint``; then the
    cadre must have exactly one current principal post if serving."""
    if posts:
        require_permission(actor, ["cadres.add_post", "cadres.change_post"], "登记任职经历")
    if deleted:
        require_permission(actor, "cadres.delete_post", "删除任职经历")
    locked = _lock_cadre(cadre.pk, actor)
    for obj in deleted:
        if obj.pk is not None and obj.cadre_id == locked.pk:
            obj.delete()
    # Past posts oldest first: each is checked against the principal post held before it.
    for obj in sorted(posts, key=lambda p: (bool(p.is_current and p.is_principal), p.appointed_on or datetime.date.min)):
        _write_post(obj, cadre=locked, actor=actor)
    _settle(locked, actor=actor)
    cadre.current_post, cadre.rank, cadre.version = locked.current_post, locked.rank, locked.version


class SheetPrincipals:
    """The 现任主职务 the rows of one 任职经历 sheet give so far: cadre → the number of the
    row that does. Two rows of one sheet that each pass against the database would
    otherwise both become current and principal, and the commit fail on
    ``post_one_current_principal`` with no row named. One per sheet run."""

    def __init__(self) -> None:
        self.rows: dict[int, int] = {}


def check_sheet_post(post: Post, original: Post | None, *, sheet: SheetPrincipals | None = None,
                     row: int | None = None) -> rules.VettingUse | None:
    """Rules of one posts-sheet row: the promotion and combination rules; the sheet cannot
    replace or end a serving cadre's current principal post (the page does both at once),
    nor give a cadre a second one in another of its rows (``sheet``, this being ``row``).
    Returns the 凡提四必 case a past promotion spends outside ``promotions_of``
    (``rules.check_post``), for the sheet to record once written."""
    stored = _stored(original)
    before = None if original is None else Post(
        pk=original.pk, cadre_id=post.cadre_id, rank=stored.get("rank", ""), appointed_on=stored.get("appointed_on"),
        is_current=bool(stored.get("is_current")), is_principal=bool(stored.get("is_principal")))
    rules.check_post_rank_given(actor=current_actor().user, post=post, before=before)
    use = rules.check_post(post, before=before)
    cadre = post.cadre
    was_current = before is not None and before.is_current and before.is_principal
    now_current = post.is_current and post.is_principal
    if now_current and not was_current:
        other = (Post.objects.filter(cadre_id=post.cadre_id, is_current=True, is_principal=True)
                 .exclude(pk=None if original is None else original.pk).first())
        if other is not None:
            raise ValidationError({"is_current": f"该干部已有现任主职务「{other.title}」：请先在任职经历页免去原职务，"
                                                 "或在干部信息页登记新职务。"})
    if was_current and not now_current and cadre.status == CadreStatus.ACTIVE:
        raise ValidationError({"is_current": "在职干部须有一个现任主职务：免去现任主职务请在干部信息页同时登记新职务，"
                                             "或先修改干部状态。"})
    if now_current and sheet is not None:
        if (earlier := sheet.rows.get(post.cadre_id)) is not None:
            raise ValidationError({"is_current": f"与第 {earlier} 行同为该干部的现任主职务：每名干部只能有一个现任主职务。"})
        if row is not None:
            sheet.rows[post.cadre_id] = row
    return use


# ---------------------------------------------------------------------------
# 年度考核
# ---------------------------------------------------------------------------

@transaction.atomic
def assessment_save(*, assessment: Assessment, actor: Any, validate: bool = True) -> Assessment:
    """年度考核: record or correct one year's result.

    Refused: 优秀 without a political-quality score or below 90 (``Assessment.clean``),
    优秀 inside an 影响期 (``rules.check_assessment``). Consequences
    (:func:`assessment_follow_up`): below 80, 基本称职 or 不称职 put one item on the books.
    """
    adding = assessment._state.adding or assessment.pk is None
    require_permission(actor, "cadres.add_assessment" if adding else "cadres.change_assessment", "登记年度考核")
    cadre = _lock_cadre(assessment.cadre_id, actor)
    stored: dict[str, Any] = {}
    if not adding:
        # Reached through its stored cadre, which a correction (录错干部) may change.
        before = (Assessment.objects.select_for_update(of=("self",))
                  .filter(pk=assessment.pk, cadre__in=scope_queryset(Cadre.objects.all(), actor)).first())
        if before is None:
            raise ValidationError("该考核记录不存在或不在您的管辖范围内。", code="scope")
        stored = concrete_values(before)
        if getattr(assessment, "_audit_loaded", None) is None:
            assessment._audit_loaded = stored
    assessment.cadre = cadre
    if validate:
        assessment.full_clean()
    rules.check_assessment(assessment)
    if refused := assessment_correction_refusal(assessment, stored):
        raise ValidationError(refused, code="item_frozen")
    save_audited(assessment, actor=actor)
    assessment_item_follows(assessment=assessment, stored=stored, actor=actor)
    assessment_follow_up(assessment=assessment, actor=actor)
    return assessment


FOLLOW_UP_GRADES = (AssessmentGrade.BASICALLY_COMPETENT, AssessmentGrade.INCOMPETENT)


def needs_follow_up_q() -> Q:
    return Q(political_score__lt=REVIEW_BELOW_SCORE) | Q(grade__in=FOLLOW_UP_GRADES)


def score_text(score: Decimal) -> str:
    """A score as the department writes it: 78, 80.5 (not 78.00, nor 1E+2)."""
    return format(score.normalize(), "f")


def follow_up_requirements(assessment: Assessment) -> list[str]:
    """What the result calls for (from the provincial rules): below 80 each case is
    reviewed one by one with a rectification requirement; 基本称职 → 诫勉谈话 or
    organisational adjustment; 不称职 → the demotion procedure."""
    needs = []
    if assessment.is_below_review_line:
        needs.append(f"政治素质测评得分 {score_text(assessment.political_score)} 分，低于 80 分，需逐一复核并提出整改要求")
    if assessment.grade == AssessmentGrade.BASICALLY_COMPETENT:
        needs.append("考核等次为基本称职，应进行诫勉谈话或组织调整")
    if assessment.grade == AssessmentGrade.INCOMPETENT:
        needs.append("考核等次为不称职，应按规定启动降职程序")
    return needs


def assessment_problem(assessment: Assessment, needs: Sequence[str]) -> str:
    """The 问题描述 of the assessment's checklist item: the cadre, the year and what the
    result calls for."""
    cadre = assessment.cadre
    return f"{cadre.name}（{cadre.unit}）{assessment.year}年度：" + "；".join(needs) + "。"


def assessment_follow_up(*, assessment: Assessment, actor: Any) -> Any:
    """挂账: one rectification item per assessment that calls for follow-up (below 80,
    基本称职, 不称职), on the checklist of the cadre's unit. Opening is idempotent per
    assessment (``rectification_open_item``), so every path may call this on every save."""
    needs = follow_up_requirements(assessment)
    if not needs:
        return None
    from orgwork.rectification.models import ChecklistSource
    from orgwork.rectification.services import rectification_open_item

    cadre = assessment.cadre
    source = ChecklistSource.POLITICAL_ASSESSMENT if assessment.is_below_review_line else ChecklistSource.ANNUAL_ASSESSMENT
    return rectification_open_item(
        unit=cadre.unit,
        source=source,
        problem=assessment_problem(assessment, needs),
        actor=actor,
        source_object=assessment,
        deadline=timezone.localdate() + REVIEW_DEADLINE,
        responsible_person=cadre.name,
    )


# The checklist item's fields an assessment writes (问题描述 from the cadre, year and
# result; 责任人 the cadre): they follow a corrected assessment (:func:`assessment_item_follows`)
# and are not edited on the item (``orgwork.rectification.closing.register(governs=…)``).
ASSESSMENT_ITEM_FIELDS = ("problem", "responsible_person")
# The assessment's stored values (by attname) they are written from.
_ASSESSMENT_ITEM_SOURCES = ("cadre_id", "year", "grade", "political_score")


def _assessment_corrected(assessment: Assessment, stored: dict[str, Any]) -> list[str]:
    """The stored assessment's fields its checklist item is written from that this edit changes."""
    if not stored:
        return []
    return [f for f in _ASSESSMENT_ITEM_SOURCES if getattr(assessment, f) != stored.get(f)]


def _assessment_item(assessment_pk: Any, *, lock: bool = False) -> Any:
    """The latest checklist item opened for the assessment, or None."""
    from django.contrib.contenttypes.models import ContentType

    from orgwork.rectification.models import RectificationItem

    items = RectificationItem.objects.filter(source_content_type=ContentType.objects.get_for_model(Assessment),
                                             source_object_id=str(assessment_pk))
    if lock:
        items = items.select_for_update(of=("self",))
    return items.select_related("checklist__unit").order_by("-id").first()


def assessment_closing_refusal(assessment: Assessment) -> str:
    """An assessment's item has no condition of its own to be struck off (its written
    account or evidence suffices, as for any item): "" always. Registered all the same, so
    that a step on the item locks the assessment first, as a correction does."""
    return ""


def assessment_correction_refusal(assessment: Assessment, stored: dict[str, Any]) -> dict[str, str]:
    """Field → why a recorded assessment is not corrected now: the checklist item it put on
    the books, which would follow (:func:`assessment_item_follows`), is past 申请销号 and
    reads what the reviewer signs off. {} when nothing refuses."""
    from orgwork.rectification.models import ItemState
    from orgwork.rectification.rules import FROZEN_STATES

    corrected = _assessment_corrected(assessment, stored)
    if not corrected:
        return {}
    item = _assessment_item(assessment.pk)
    if item is None:
        return {}
    if item.state in FROZEN_STATES:
        requested = item.state == ItemState.CLOSURE_REQUESTED
        state, then = (("已申请销号", "须由审核人先退回该事项") if requested
                       else ("已销号", "须先经「回头看：重新挂账」"))
        message = (f"该考核挂入的整改事项「{item}」{state}，整改事项不能随之更正，"
                   f"考核结果也就不能更正；如需更正，{then}。")
        return {f.removesuffix("_id"): message for f in corrected}
    if "cadre_id" in corrected and assessment.cadre.unit_id != item.checklist.unit_id:
        # An item stays on its checklist (rectification.rules.STAYS_ON_CHECKLIST), one open a record.
        return {"cadre": f"该考核已在{item.checklist.unit}挂账整改（「{item}」），整改事项不能随之改到其他单位，"
                         "只能更正为本单位的干部。"}
    return {}


def assessment_item_follows(*, assessment: Assessment, stored: dict[str, Any], actor: Any) -> None:
    """A corrected assessment (cadre, year, grade or score) corrects the checklist item it
    put on the books, in the caller's transaction, while the item is open:
    - the result still calls for follow-up: the item's 问题描述 and 责任人 follow, with one
      audit row on the item (a record entered on the wrong cadre, 录错干部, names the right one);
    - it no longer does (corrected to 称职, 80 or above): the item goes to 申请销号 with the
      correction as its written account, for a reviewer to strike off.
    Refused before the write (:func:`assessment_correction_refusal`): a correction from
    申请销号 on, and one to a cadre of another unit, whose checklist the item cannot move
    to. The item's state cannot move meanwhile, since a step on it locks this assessment
    first (``orgwork.rectification.closing.lock_source``)."""
    corrected = _assessment_corrected(assessment, stored)
    if not corrected:
        return
    from orgwork.rectification.models import ItemState
    from orgwork.rectification.services import (
        rectification_item_follow_source,
        rectification_request_closure,
        rectification_start,
    )

    item = _assessment_item(assessment.pk, lock=True)
    if item is None or item.state not in (ItemState.ON_BOOKS, ItemState.IN_PROGRESS, ItemState.REOPENED):
        return
    cadre = assessment.cadre
    needs = follow_up_requirements(assessment)
    if needs:
        rectification_item_follow_source(
            item_id=item.pk, values={"problem": assessment_problem(assessment, needs), "responsible_person": cadre.name},
            actor=actor, because=f"随{cadre.name}{assessment.year}年度考核更正")
        return
    account = (f"{cadre.name}{assessment.year}年度考核已更正为{assessment.get_grade_display()}"
               + (f"、政治素质测评得分 {score_text(assessment.political_score)} 分" if assessment.political_score is not None
                  else "") + "，不再需要后续处理。")
    if item.account.strip():  # what the clerk had written stays above the correction
        account = f"{item.account.rstrip()}\n{account}"
    if item.state != ItemState.IN_PROGRESS:
        item = rectification_start(item=item, actor=actor)
    rectification_request_closure(item=item, actor=actor, account=account)


# Kept under its old name: the 逐一复核 of a low score is one of the follow-ups.
assessment_open_review = assessment_follow_up


def assessments_follow_up(*, assessments: models.QuerySet[Assessment], actor: Any) -> int:
    """The same follow-up for many rows (the assessments sheet, after it is written)."""
    opened = 0
    for assessment in assessments.filter(needs_follow_up_q()).select_related("cadre", "cadre__unit"):
        if assessment_follow_up(assessment=assessment, actor=actor) is not None:
            opened += 1
    return opened


def cadre_record_unmasked_view(*, cadre: Cadre, actor: Any = None, purpose: str) -> None:
    """Who saw a full ID number, when and where (查看敏感信息)."""
    secrets.record_full_view(user=actor, instance=cadre, fields=["id_number"], purpose=purpose)


# ---------------------------------------------------------------------------
# 职数
# ---------------------------------------------------------------------------

@transaction.atomic
def position_quota_save(*, quota: PositionQuota, actor: Any, validate: bool = True) -> PositionQuota:
    """职数: set or change one unit's 核定职数 for one rank.

    Refused (``rules.check_quota``): a unit that is not below the actor's own (职数 are
    approved by the level above), a new or changed number without its 批准文号.
    """
    adding = quota._state.adding or quota.pk is None
    require_permission(actor, "cadres.add_positionquota" if adding else "cadres.change_positionquota", "核定职数")
    before = None
    if not adding:
        before = lock_in_scope(PositionQuota.objects.select_related("unit"), quota.pk, actor, what="职数")
        if getattr(quota, "_audit_loaded", None) is None:
            quota._audit_loaded = concrete_values(before)
    if quota.unit_id is not None:
        _require_unit_in_scope(quota.unit_id, actor)
    quota.approval_document = (quota.approval_document or "").strip()
    if validate:
        quota.full_clean()
    rules.check_quota(quota, actor=actor, before=before)
    save_audited(quota, actor=actor)
    return quota
