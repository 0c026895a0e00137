"""Rules of the cadre registry (干部任免与考核规则), in one place for every path.

Each function here answers one question about a record about to be written and raises
``ValidationError({field: 中文})`` when the answer is no. The admin forms call them in
``clean()`` so the message shows on the form; the services call them again inside the
transaction (with the rows locked); the sheet resources call them from
``prepare_instance``; ``.lrmx``, commands and the demo seeder go through the services.

- 提拔/晋升职级 (:func:`check_promotion`): a higher 职务层次 or 职级 is refused while an
  影响期 — of a 组织处理 or of a 党纪政务处分 — runs on the appointment day, and — for
  appointments on or after ``settings.VETTING_REQUIRED_FROM`` — without a cleared 凡提四必
  case that vetted this step (its 拟任职务层次) and has not answered for another promotion
  (任职经历) or 职级 raise (recorded on the case by the writer of the profile). In
  任职经历 (:func:`check_post`) a principal post above the one held before it is a
  promotion whether it is current or entered as past.
- 年度考核 (:func:`check_assessment`): 优秀 is refused inside an 影响期 (either source)
  that touches the assessment year (the score rules themselves are row rules in
  ``Assessment.clean``).
- 干部信息 (:func:`check_combination`): 职务层次, 职级 and 管理权限 must go together
  (:data:`GRADE_BANDS`, :data:`AUTHORITIES_FOR_RANK`).
- 管理权限 (:func:`check_authority_given`): given only by the department that manages
  the cadre — a county clerk records 县管, not 市管 (:data:`AUTHORITIES_GIVEN_BY`); nor
  does a department record a post, or open a 凡提四必 case, above its ceiling
  (:func:`check_post_rank_given`, :func:`check_vetting_rank_given`, :data:`RANK_CEILING`).
- 现任主职务 (:func:`check_current_principal_count`): a serving cadre has exactly one.
- 离任检查 (:func:`check_departure_checked`): a post's 免职时间 does not move past the
  date of its departure check, nor is it cleared.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from orgwork.units.models import UnitLevel
from orgwork.units.scope import home_unit, sees_everything

from .models import (
    AUTHORITIES_FOR_RANK,
    GRADE_BANDS,
    GRADE_ORDER,
    RANK_LEVEL,
    AssessmentGrade,
    Authority,
    Cadre,
    CadreStatus,
    Grade,
    Post,
    Rank,
)

# ---------------------------------------------------------------------------
# Levels and the combination table (职务层次 × 职级 × 管理权限)
# ---------------------------------------------------------------------------

# The tables live beside the choices in ``cadres.models`` (the database constraint
# ``cadre_rank_grade_authority`` is built from them too).
def _label(choices: Any, value: str) -> str:
    return dict(choices.choices).get(value, value)


def combination_errors(*, rank: str, grade: str, authority: str) -> dict[str, str]:
    """职务层次 / 职级 / 管理权限 that do not go together, as {field: message}."""
    errors: dict[str, str] = {}
    if not rank:
        return errors
    if grade and grade not in GRADE_BANDS.get(rank, frozenset()):
        errors["grade"] = f"职务层次为「{_label(Rank, rank)}」的干部不能任「{_label(Grade, grade)}」职级。"
    if authority and authority not in AUTHORITIES_FOR_RANK.get(rank, frozenset(Authority.values)):
        errors["authority"] = f"职务层次为「{_label(Rank, rank)}」的干部管理权限不能是「{_label(Authority, authority)}」。"
    return errors


def check_combination(*, rank: str, grade: str, authority: str) -> None:
    errors = combination_errors(rank=rank, grade=grade, authority=authority)
    if errors:
        raise ValidationError(errors)


# ---------------------------------------------------------------------------
# 管理权限: given by the department that manages the cadre (分级管理)
# ---------------------------------------------------------------------------

# The 管理权限 a department may give, by its unit's 行政层级: its own level's and those
# below — the province any, a city 市管 or 县管, a county (and a township under it) 县管.
# 其他 (部门管理 and the like) is any department's.
AUTHORITIES_GIVEN_BY: dict[str, frozenset[str]] = {
    UnitLevel.PROVINCE: frozenset(Authority.values),
    UnitLevel.CITY: frozenset({Authority.CITY, Authority.COUNTY, Authority.OTHER}),
    UnitLevel.COUNTY: frozenset({Authority.COUNTY, Authority.OTHER}),
    UnitLevel.TOWNSHIP: frozenset({Authority.COUNTY, Authority.OTHER}),
}
# Who decides a 管理权限 a lower department may not give.
AUTHORITY_DECIDED_BY = {Authority.PROVINCE: "省委组织部", Authority.CITY: "市（州）委组织部"}


# The highest 职务层次 a department records (任职, 管理权限), by its unit's 行政层级: a
# county (and a township) 乡科级, a city 县处级; the province has no ceiling here.
RANK_CEILING: dict[str, str] = {
    UnitLevel.CITY: Rank.COUNTY_CHIEF,
    UnitLevel.COUNTY: Rank.TOWNSHIP_CHIEF,
    UnitLevel.TOWNSHIP: Rank.TOWNSHIP_CHIEF,
}


def _beyond_ceiling(actor: Any, rank: str) -> tuple[str, str, Any] | None:
    """(who manages cadres of 职务层次 ``rank``, the actor's ceiling, the actor's home unit)
    when ``rank`` is above what the actor's department records (:data:`RANK_CEILING`)."""
    if not rank or sees_everything(actor):
        return None
    home = home_unit(actor)
    ceiling = RANK_CEILING.get(home.level) if home is not None else None
    if ceiling is None or RANK_LEVEL.get(rank, 0) <= RANK_LEVEL[ceiling]:
        return None
    decided_by = AUTHORITY_DECIDED_BY[Authority.CITY if RANK_LEVEL[rank] <= RANK_LEVEL[Rank.COUNTY_CHIEF]
                                      else Authority.PROVINCE]
    return decided_by, ceiling, home


def rank_beyond_refusal(actor: Any, rank: str) -> str | None:
    """Why ``actor``'s department may not record a post, or give a 管理权限, at 职务层次
    ``rank`` (:data:`RANK_CEILING`): those cadres are managed above it. None when it may."""
    if (beyond := _beyond_ceiling(actor, rank)) is None:
        return None
    decided_by, ceiling, home = beyond
    return (f"职务层次为「{_label(Rank, rank)}」的干部由{decided_by}管理，其任职和管理权限由{decided_by}登记："
            f"您所在单位（{home.get_level_display()}）只登记{_label(Rank, ceiling)}及以下的。")


def vetting_rank_beyond_refusal(actor: Any, rank: str) -> str | None:
    """Why ``actor``'s department may not open a 凡提四必 case for a 拟任职务层次 ``rank``:
    the same ceiling as the posts (:func:`rank_beyond_refusal`) — a promotion to it is
    decided, and vetted, by the department that manages such cadres. None when it may."""
    if (beyond := _beyond_ceiling(actor, rank)) is None:
        return None
    decided_by, ceiling, home = beyond
    return (f"拟任职务层次为「{_label(Rank, rank)}」的干部由{decided_by}管理，其凡提四必审查由{decided_by}办理："
            f"您所在单位（{home.get_level_display()}）只办理拟任{_label(Rank, ceiling)}及以下的审查。")


def check_vetting_rank_given(*, actor: Any, rank: str, before: str | None = None) -> None:
    """A 凡提四必 case opened, or given another 拟任职务层次, within the actor's ceiling."""
    if before is not None and before == rank:
        return
    if refusal := vetting_rank_beyond_refusal(actor, rank):
        raise ValidationError({"proposed_rank": refusal}, code="rank_beyond")


def check_post_rank_given(*, actor: Any, post: Post, before: Post | None) -> None:
    """A post written new, or given another 职务层次, within what the actor's department
    records (:func:`rank_beyond_refusal`) — current or past, principal or concurrent: a
    county does not record a 县处级 post, even as history (the department that managed
    the cadre in it records it). A stored row kept at its 职务层次 is not a change."""
    if before is not None and before.rank == post.rank:
        return
    if refusal := rank_beyond_refusal(actor, post.rank):
        raise ValidationError({"rank": refusal}, code="rank_beyond")


def authorities_given_by(actor: Any) -> frozenset[str]:
    """The 管理权限 ``actor`` may give a cadre (:data:`AUTHORITIES_GIVEN_BY`). System actors
    and superusers stand for the province; an account without a home unit gives none."""
    if sees_everything(actor):
        return frozenset(Authority.values)
    home = home_unit(actor)
    return AUTHORITIES_GIVEN_BY.get(home.level, frozenset()) if home is not None else frozenset()


def check_authority_given(*, actor: Any, authority: str, before: str | None, rank: str = "") -> None:
    """干部管理权限 is the managing department's to give: a new or changed 管理权限 — and
    the one it replaces — must be among those the actor's department gives
    (:func:`authorities_given_by`), for a cadre of a 职务层次 it records (``rank``,
    :func:`rank_beyond_refusal`: no 其他 for a 县处级 cadre from a county). A 管理权限
    written as stored is not a change: a county clerk keeps the record of a 市管 cadre of
    his county without touching it."""
    authority, before = authority or "", before or ""
    if authority == before:
        return
    if refusal := rank_beyond_refusal(actor, rank):
        raise ValidationError({"authority": refusal}, code="authority")
    given = authorities_given_by(actor)
    beyond = next((value for value in (authority, before) if value and value not in given), None)
    if beyond is None:
        return
    home = home_unit(actor)
    level = home.get_level_display() if home is not None else "无所属单位"
    names = [_label(Authority, value) for value in Authority.values if value in given]
    allowed = "或".join(["、".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    decided_by = AUTHORITY_DECIDED_BY.get(beyond, "上级组织部门")
    if beyond == before:
        message = (f"该干部为{_label(Authority, before)}干部，管理权限由{decided_by}确定，"
                   f"您所在单位（{level}）不能改动。")
    else:
        message = (f"{_label(Authority, authority)}干部的管理权限由{decided_by}确定：您所在单位（{level}）"
                   + (f"只能登记为{allowed}。" if allowed else "不能登记管理权限。"))
    raise ValidationError({"authority": message}, code="authority")


# ---------------------------------------------------------------------------
# 提拔 / 晋升职级: 影响期 and 凡提四必
# ---------------------------------------------------------------------------

DEFAULT_VETTING_REQUIRED_FROM = datetime.date(2026, 1, 1)
# A cleared 凡提四必 case answers for appointments within a year of the nomination.
VETTING_VALID_DAYS = 365


def vetting_required_from() -> datetime.date:
    """``settings.VETTING_REQUIRED_FROM``: appointments before it are history being back-filled."""
    value = getattr(settings, "VETTING_REQUIRED_FROM", None) or DEFAULT_VETTING_REQUIRED_FROM
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return value


def is_promotion(*, held_rank: str, held_grade: str, rank: str, grade: str) -> bool:
    """A higher 职务层次, or a higher 职级, than the cadre holds (nothing held: not a promotion)."""
    higher_rank = bool(held_rank and rank) and RANK_LEVEL.get(rank, 0) > RANK_LEVEL.get(held_rank, 0)
    higher_grade = bool(held_grade and grade) and GRADE_ORDER.get(grade, 0) > GRADE_ORDER.get(held_grade, 0)
    return higher_rank or higher_grade


def influence_refusal(cadre_id: int, on: datetime.date, *, what: str = "不得提拔或晋升职级") -> str | None:
    """The sentence refusing a step for a cadre inside an 影响期 on ``on`` — of a 组织处理 or
    a 党纪政务处分, the one that ends last — or None."""
    from .supervision.selectors import influence_in_force

    record = influence_in_force(cadre_id, first=on)
    return None if record is None else _influence_sentence(record, what)


def _influence_sentence(record: Any, what: str) -> str:
    from .supervision.models import DisciplineFinding

    if isinstance(record, DisciplineFinding):
        kind = record.get_kind_display()
        if record.for_good:
            return f"该干部受到{kind}处分（处分决定：{record.document_number}），{what}。"
        return (f"该干部处于{kind}处分影响期内（处分决定：{record.document_number}，"
                f"影响期至 {record.influence_ends_on:%Y-%m-%d}），{what}。")
    decision = record.document_number or f"{record.decided_on:%Y-%m-%d}{record.get_handling_type_display()}"
    return (f"该干部处于{record.get_handling_type_display()}影响期内（处理决定：{decision}，"
            f"影响期至 {record.influence_ends_on:%Y-%m-%d}），{what}。")


NO_VETTING = ("该干部没有已通过的凡提四必审查（档案必审、个人有关事项必核、纪检监察机关意见必听、线索具体的信访举报必查），"
              "不得提拔或晋升职级。")


def vetting_covers(case: Any, *, rank: str, title: str) -> bool:
    """Whether a 凡提四必 case vetted this step: its 拟任职务层次 is the new 职务层次; a case
    recorded without one (before it was asked) by its 拟任职务, word for word."""
    if case.proposed_rank:
        return case.proposed_rank == rank
    return bool(title.strip()) and case.proposed_post.strip() == title.strip()


def promotions_paid(cadre_id: int, cases: list[Any], *, until: datetime.date,
                    post_id: int | None = None) -> dict[int, Any]:
    """The promotions in 任职经历 up to ``until`` and the cleared case each paid with, as
    {case id: post}: each promotion, oldest first, with the first case by nomination that
    vetted its step (:func:`vetting_covers`), was nominated within the year before it and
    had paid for nothing yet — the case :func:`vetting_decision` chose when it was
    written. A case recorded as spent on a 职级 raise (``used_on``) pays for no promotion;
    a promotion no case fits (one before ``VETTING_REQUIRED_FROM``) takes none. ``post_id``
    is the post being written, which is not yet a promotion on file."""
    from .selection.selectors import promotions_of

    free = sorted((c for c in cases if c.used_on is None), key=lambda c: (c.nominated_on, c.pk))
    if not free:
        return {}
    paid: dict[int, Any] = {}
    for post in reversed(promotions_of(cadre_id, since=free[0].nominated_on, until=until)):
        if post.pk == post_id:
            continue
        case = next((c for c in free if c.pk not in paid and c.nominated_on <= post.appointed_on
                     <= c.nominated_on + datetime.timedelta(days=VETTING_VALID_DAYS)
                     and vetting_covers(c, rank=post.rank, title=post.title)), None)
        if case is not None:
            paid[case.pk] = post
    return paid


def _spent_on(case: Any, paid: dict[int, Any]) -> str | None:
    """What this cleared case already answered for, if anything — a 职级 raise recorded on
    the case (``used_on``), or a promotion in 任职经历 (:func:`promotions_paid`) — in words:
    one case, one step."""
    if case.used_on is not None:
        return f"{case.used_for}（{case.used_on:%Y-%m-%d}）"
    post = paid.get(case.pk)
    return None if post is None else f"提拔为「{post.title}」（{post.appointed_on:%Y-%m-%d}任职）"


def vetting_decision(cadre_id: int, on: datetime.date, *, rank: str = "", title: str = "",
                     post_id: int | None = None) -> tuple[Any, str | None]:
    """凡提四必: (the cleared case that pays for this step, None) or (None, the refusal).
    Before the start date neither: (None, None). See :func:`vetting_refusal`."""
    from .supervision.models import VettingCase, VettingStatus

    if on < vetting_required_from():
        return None, None
    every = list(VettingCase.objects.filter(cadre_id=cadre_id, status=VettingStatus.CLEARED, nominated_on__lte=on)
                 .order_by("nominated_on", "id"))
    cleared = [c for c in every if c.nominated_on >= on - datetime.timedelta(days=VETTING_VALID_DAYS)]
    if not cleared:
        return None, NO_VETTING
    step = _label(Rank, rank) if rank else "职务层次未填"
    covering = [c for c in cleared if vetting_covers(c, rank=rank, title=title)]
    paid = promotions_paid(cadre_id, every, until=on, post_id=post_id) if covering else {}
    uses = []
    for case in covering:
        spent = _spent_on(case, paid)
        if spent is None:
            return case, None
        uses.append(f"拟任{case.proposed_post}，提名日期 {case.nominated_on:%Y-%m-%d}）已用于{spent}")
    if uses:
        which = "该干部通过的凡提四必审查（" if len(uses) == 1 else f"该干部通过的{len(uses)}份凡提四必审查均已使用：（"
        return None, (which + "；（".join(uses) + "：一次审查只用于一次提拔或一次晋升职级，本次提拔或晋升须另行审查。")
    case = cleared[-1]
    vetted = _label(Rank, case.proposed_rank) if case.proposed_rank else "未登记拟任职务层次"
    return None, (f"该干部通过的凡提四必审查是为拟任「{case.proposed_post}」（{vetted}）进行的，不能用于本次提拔或晋升"
                  f"（{step}{f'「{title}」' if title else ''}）：请为本次提拔发起凡提四必审查，并登记拟任职务层次。")


def vetting_refusal(cadre_id: int, on: datetime.date, *, rank: str = "", title: str = "",
                    post_id: int | None = None) -> str | None:
    """凡提四必: an appointment on or after the start date needs a cleared case nominated
    within the year before it, that vetted this step (:func:`vetting_covers`: the new
    职务层次 ``rank``, or the post ``title`` for a case without one) and has not answered for
    another promotion or 职级 raise already (``post_id`` is the post being written, when it
    is stored)."""
    return vetting_decision(cadre_id, on, rank=rank, title=title, post_id=post_id)[1]


def check_promotion(*, cadre_id: int | None, held_rank: str, held_grade: str, rank: str, grade: str,
                    on: datetime.date, field: str, title: str = "", post_id: int | None = None) -> Any:
    """提拔 or 晋升职级 on ``on``: refused inside an 影响期, and without a cleared 凡提四必
    case for this step for appointments from ``VETTING_REQUIRED_FROM``
    (:func:`vetting_refusal`). Not a promotion: nothing to check. Returns the case that
    pays for the step (None when none is needed)."""
    if cadre_id is None or not is_promotion(held_rank=held_rank, held_grade=held_grade, rank=rank, grade=grade):
        return None
    case, refused = vetting_decision(cadre_id, on, rank=rank, title=title, post_id=post_id)
    reasons = [r for r in (influence_refusal(cadre_id, on), refused) if r]
    if reasons:
        raise ValidationError({field: reasons})
    return case


def held_rank_and_grade(cadre_id: int | None) -> tuple[str, str]:
    """What the cadre holds as stored (not as a form is about to change it)."""
    if cadre_id is None:
        return "", ""
    row = Cadre.objects.filter(pk=cadre_id).values_list("rank", "grade").first()
    return row if row is not None else ("", "")


def becomes_current_principal(post: Post, before: Post | None) -> bool:
    """A post that is current and principal now, and was not (or at a lower 职务层次) before."""
    if not (post.is_current and post.is_principal):
        return False
    if before is None or not (before.is_current and before.is_principal):
        return True
    return RANK_LEVEL.get(post.rank, 0) > RANK_LEVEL.get(before.rank, 0)


def rank_held_before(post: Post) -> str | None:
    """职务层次 the cadre held just before a past (not current) principal post: that of the
    principal post on file appointed last before it, in the order
    ``cadres.selection.selectors.promotions_of`` reads promotions (任职时间, then entry);
    None when there is none on file before it."""
    earlier = Post.objects.filter(cadre_id=post.cadre_id, is_principal=True).exclude(rank="")
    if post.pk is not None:
        earlier = earlier.exclude(pk=post.pk).filter(Q(appointed_on__lt=post.appointed_on)
                                                     | Q(appointed_on=post.appointed_on, pk__lt=post.pk))
    else:
        earlier = earlier.filter(appointed_on__lte=post.appointed_on)
    return earlier.order_by("-appointed_on", "-id").values_list("rank", flat=True).first()


def enters_past_principal(post: Post, before: Post | None) -> bool:
    """A past (not current) principal post written new, or moved to another 职务层次 or
    任职时间, or made principal: a step of the cadre's career being recorded."""
    if post.is_current or not post.is_principal or not post.rank:
        return False
    if before is None or not before.is_principal:
        return True
    return (before.rank, before.appointed_on) != (post.rank, post.appointed_on)


def moves_current_principal(post: Post, before: Post | None) -> bool:
    """A current principal post that already was one, its 任职时间 corrected: neither
    :func:`becomes_current_principal` nor :func:`enters_past_principal` sees it."""
    return (before is not None and post.pk is not None and post.is_current and post.is_principal
            and before.is_current and before.is_principal and post.appointed_on is not None
            and before.appointed_on != post.appointed_on)


def principal_held_before(post: Post, before: Post) -> Post | None:
    """The principal post the cadre held before ``post`` as stored (``before``): appointed
    last before it, in the order of ``promotions_of``."""
    return (Post.objects.filter(cadre_id=post.cadre_id, is_principal=True).exclude(rank="").exclude(pk=post.pk)
            .filter(Q(appointed_on__lt=before.appointed_on) | Q(appointed_on=before.appointed_on, pk__lt=post.pk))
            .order_by("-appointed_on", "-id").first())


def check_moved_current_principal(post: Post, before: Post,
                                  removals: Mapping[int, datetime.date | None] | None = None) -> None:
    """A corrected 任职时间 of the current principal post: not before the 免职时间 of the
    principal post held before it (the two would overlap), and, when it is a promotion over
    that post, the promotion's rules on the new day (:func:`check_promotion`: no 影响期,
    a 凡提四必 case for the step). ``removals``: the 免职时间 the same save gives other
    posts, by key (the cadre page's posts table moves both days at once)."""
    previous = principal_held_before(post, before)
    if previous is None:
        return
    removed_on = (removals or {}).get(previous.pk, previous.removed_on)
    if removed_on is not None and post.appointed_on < removed_on:
        raise ValidationError({"appointed_on": (
            f"任职时间 {post.appointed_on:%Y-%m-%d} 早于此前所任主职务「{previous.title}」的免职时间 "
            f"{removed_on:%Y-%m-%d}：现任主职务不能与此前的主职务重叠，请核对任职时间。")})
    if becomes_current_principal(post, before):
        return  # a higher 职务层次 as well: check_post checks the promotion against the profile
    check_promotion(cadre_id=post.cadre_id, held_rank=previous.rank, held_grade="", rank=post.rank, grade="",
                    on=post.appointed_on, field="appointed_on", title=post.title, post_id=post.pk)


def _promoted_in_year(post: Post, year: int) -> bool:
    """Whether the cadre's principal posts, ``post`` as it is being written, hold a
    promotion appointed in ``year`` (the reading of ``promotions_of``)."""
    posts = [p for p in Post.objects.filter(cadre_id=post.cadre_id, is_principal=True).exclude(rank="")
             .exclude(pk=post.pk)]
    if post.is_principal and post.rank and post.appointed_on is not None:
        posts.append(post)
    posts.sort(key=lambda p: (p.appointed_on, p.pk))
    return any(is_promotion(held_rank=held.rank, held_grade="", rank=later.rank, grade="")
               and later.appointed_on.year == year for held, later in zip(posts, posts[1:]))


def check_evaluations_kept(post: Post, before: Post | None) -> None:
    """A 新提拔干部评议 on record rests on a promotion in its year (``SelectionEvaluation.
    promotion``): a correction of that post's 任职时间, 职务层次 or 主职 that leaves the
    cadre without a promotion in that year is refused, as a 免职时间 may not leave a
    离任检查 behind (:func:`check_departure_checked`)."""
    if before is None or post.pk is None:
        return
    if (before.appointed_on, before.rank, before.is_principal) == (post.appointed_on, post.rank, post.is_principal):
        return
    from .selection.models import EvaluationKind, SelectionEvaluation

    for evaluation in SelectionEvaluation.objects.filter(kind=EvaluationKind.CADRE, promotion_id=post.pk).order_by(
            "year", "id"):
        if _promoted_in_year(post, evaluation.year):
            continue
        field = "appointed_on" if before.appointed_on != post.appointed_on else "rank"
        raise ValidationError({field: (
            f"该干部{evaluation.year}年度新提拔干部评议（评议日期 {evaluation.evaluated_on:%Y-%m-%d}）以这次提拔为依据："
            f"改动后该干部{evaluation.year}年度没有提拔任职，评议将失去依据。请核对任职时间和职务层次。")},
            code="evaluated")


def expelled_from_office_refusal(cadre_id: int | None, on: datetime.date) -> str | None:
    """开除公职 ends public office for good: no post is taken on or after its decision."""
    from .supervision.models import DisciplineFinding, DisciplineKind

    if cadre_id is None:
        return None
    finding = (DisciplineFinding.objects.filter(cadre_id=cadre_id, kind=DisciplineKind.PUBLIC_EXPULSION,
                                                decided_on__lte=on).order_by("decided_on").first())
    if finding is None:
        return None
    return (f"该干部已被开除公职（处分决定：{finding.document_number}，{finding.decided_on:%Y-%m-%d}），"
            f"此后不能再任职：任职时间 {on:%Y-%m-%d} 不能登记。")


def departure_check_refusal(post: Post) -> str | None:
    """离任检查 is of a post that has ended, dated on or after its 免职时间
    (``DepartureCheck.before_departure_error``). Once a check is on record, a 免职时间
    written now may not move past the check's date, nor be cleared (the post would be
    current again with its departure checked). A date on record is left alone."""
    if post.pk is None or not post.written_now("removed_on"):
        return None
    from .selection.models import DepartureCheck

    checked_on = DepartureCheck.objects.filter(post_id=post.pk).values_list("checked_on", flat=True).first()
    if checked_on is None:
        return None
    if post.removed_on is None:
        return (f"该职务已开展离任检查（检查日期 {checked_on:%Y-%m-%d}），免职时间不能清空：离任检查只对已免职的职务开展。")
    if isinstance(post.removed_on, datetime.date) and post.removed_on > checked_on:
        return (f"离任检查在离任后开展：免职时间（{post.removed_on:%Y-%m-%d}）不能晚于该职务离任检查的检查日期"
                f"（{checked_on:%Y-%m-%d}）。")
    return None


def check_departure_checked(post: Post) -> None:
    """The 免职时间 of a post whose departure was checked (:func:`departure_check_refusal`),
    on every path that writes it: the 任职经历 page and the cadre page's posts table (the
    form), the posts sheet, and the services (``post_appoint``, ``post_remove``)."""
    if refusal := departure_check_refusal(post):
        raise ValidationError({"removed_on": refusal}, code="departure_checked")


def check_post(post: Post, *, before: Post | None = None, held: tuple[str, str] | None = None,
               removals: Mapping[int, datetime.date | None] | None = None) -> VettingUse | None:
    """Rules of one 任职经历 row: a principal post of a higher 职务层次 than the cadre held
    before it is a promotion (see :func:`check_promotion`) — a new current one, against
    the profile; a past one too, current or not (补录的提拔也是提拔), against the
    principal post held before its 任职时间 (:func:`rank_held_before`), so back-filled
    history at or below that level, demotions and concurrent posts pass. Its 职务层次 must
    fit the cadre's 职级 and 管理权限 (:func:`check_combination`). No post is taken after
    a 开除公职 (:func:`expelled_from_office_refusal`). ``before`` is the stored row, when
    there is one.

    A past post with no principal post on file before it is measured against the
    profile's 职务层次; ``promotions_of`` does not count such a first post, so the case
    that pays for it is returned, for the writer to record as spent
    (``cadres.services.vetting_cases_spend``), as for a 职级 raise. A 免职时间 keeps to
    the post's 离任检查 (:func:`check_departure_checked`). A corrected 任职时间 of the current
    principal post is checked again (:func:`check_moved_current_principal`, with the
    ``removals`` the same save gives the cadre's other posts), and no
    correction takes away the promotion a 新提拔干部评议 rests on (:func:`check_evaluations_kept`)."""
    check_departure_checked(post)
    if post.appointed_on is not None and (before is None or before.appointed_on != post.appointed_on):
        if refusal := expelled_from_office_refusal(post.cadre_id, post.appointed_on):
            raise ValidationError({"appointed_on": refusal})
    if post.appointed_on is None:
        return None
    check_evaluations_kept(post, before)
    held_rank, _ = held if held is not None else held_rank_and_grade(post.cadre_id)
    if enters_past_principal(post, before):
        on_file = rank_held_before(post)
        case = check_promotion(cadre_id=post.cadre_id, held_rank=held_rank if on_file is None else on_file,
                               held_grade="", rank=post.rank, grade="", on=post.appointed_on, field="rank",
                               title=post.title, post_id=post.pk)
        if case is None or on_file is not None:
            return None
        return VettingUse(case.pk, post.appointed_on, f"提拔为「{post.title}」（{post.appointed_on:%Y-%m-%d}任职）")
    if moves_current_principal(post, before):
        check_moved_current_principal(post, before, removals)
    if not becomes_current_principal(post, before):
        return None
    check_promotion(cadre_id=post.cadre_id, held_rank=held_rank, held_grade="", rank=post.rank, grade="",
                    on=post.appointed_on, field="rank", title=post.title, post_id=post.pk)
    cadre = post.cadre
    errors = combination_errors(rank=post.rank, grade=cadre.grade, authority=cadre.authority)
    if errors:
        raise ValidationError({"rank": list(errors.values())})
    return None


class VettingUse(NamedTuple):
    """A cleared 凡提四必 case paying for a raise on the profile (晋升职级), which leaves no
    任职经历 row: the writer records it on the case (``cadres.services.vetting_cases_spend``)."""

    case_id: int
    on: datetime.date
    used_for: str


def check_cadre(cadre: Cadre, *, before: tuple[str, str] | None = None, on: datetime.date | None = None,
                cadre_id: int | None = None) -> VettingUse | None:
    """Rules of the profile: 职务层次/职级/管理权限 go together; a higher 职级 (or a 职务层次
    raised on the profile itself) is a promotion. ``before`` is (rank, grade) as stored.
    Returns the 凡提四必 case the raise spends, for the writer to record (None: no raise,
    or one before ``VETTING_REQUIRED_FROM``)."""
    check_combination(rank=cadre.rank, grade=cadre.grade, authority=cadre.authority)
    cadre_id = cadre_id or cadre.pk
    if cadre_id is None:
        return None
    held_rank, held_grade = before if before is not None else held_rank_and_grade(cadre_id)
    raised_grade = GRADE_ORDER.get(cadre.grade, 0) > GRADE_ORDER.get(held_grade, 0)
    on = on or timezone.localdate()
    case = check_promotion(cadre_id=cadre_id, held_rank=held_rank, held_grade=held_grade, rank=cadre.rank,
                           grade=cadre.grade, on=on, field="grade" if raised_grade else "rank",
                           title=cadre.current_post or "")
    if case is None:
        return None
    used_for = (f"晋升职级为「{_label(Grade, cadre.grade)}」" if raised_grade
                else f"职务层次提升为「{_label(Rank, cadre.rank)}」")
    return VettingUse(case.pk, on, used_for)


# ---------------------------------------------------------------------------
# 现任主职务: exactly one for a serving cadre
# ---------------------------------------------------------------------------

def check_current_principal_count(*, status: str, current_principal: int) -> None:
    """A serving (在职) cadre has exactly one current principal post (现任主职务)."""
    if current_principal > 1:
        raise ValidationError("每名干部只能有一个现任主职务：请只保留一条“现任”且“主职”的任职经历。")
    if status == CadreStatus.ACTIVE and current_principal == 0:
        raise ValidationError("在职干部须有一个现任主职务：请登记一条“现任”且“主职”的任职经历；"
                              "已退休、调出或免职的，请先修改干部状态。")


def current_principal_count(cadre: Cadre, *, excluding: Iterable[int] = ()) -> int:
    return Post.objects.filter(cadre=cadre, is_current=True, is_principal=True).exclude(pk__in=list(excluding)).count()


# ---------------------------------------------------------------------------
# 年度考核: 优秀 inside an 影响期
# ---------------------------------------------------------------------------

def check_assessment(assessment: Any) -> None:
    """优秀 is refused when an 影响期 — of a 组织处理 or a 党纪政务处分 — runs at any time in
    the assessment year. The score rules (优秀 needs a score of at least 90) are row rules
    in ``Assessment.clean``."""
    from .supervision.selectors import influence_in_force

    if assessment.grade != AssessmentGrade.EXCELLENT or not assessment.cadre_id or not assessment.year:
        return
    first, last = datetime.date(assessment.year, 1, 1), datetime.date(assessment.year, 12, 31)
    record = influence_in_force(assessment.cadre_id, first=first, last=last)
    if record is not None:
        raise ValidationError({"grade": _influence_sentence(record, f"{assessment.year}年度不得确定为“优秀”等次")})


# ---------------------------------------------------------------------------
# 职数: approved by the level above
# ---------------------------------------------------------------------------

OWN_QUOTA_MESSAGE = "职数由上级核定：不能核定或修改本单位的职数，请报上级组织部门核定。"


def may_set_quota(actor: Any, unit: Any) -> bool:
    """Whether ``actor`` may set the 职数 of ``unit``: only of a unit below their own home
    unit (a clerk never approves his own unit's numbers). System actors and superusers
    stand for the approving level and may set any."""
    if sees_everything(actor):
        return True
    home = home_unit(actor)
    if home is None or unit is None:
        return False
    return unit.pk != home.pk and unit.path.startswith(home.path)


def check_quota(quota: Any, *, actor: Any, before: Any = None) -> None:
    """职数: set by the level above (:func:`may_set_quota`), and every new or changed
    核定职数 carries the 批准文号 of the document that approved it — a changed number
    with the old document's number is refused, as the old document did not approve it."""
    errors: dict[str, str] = {}
    units = [quota.unit if quota.unit_id else None]
    if before is not None and before.unit_id != quota.unit_id:
        units.append(before.unit)
    if any(unit is not None and not may_set_quota(actor, unit) for unit in units):
        errors["unit"] = OWN_QUOTA_MESSAGE
    number = (quota.approval_document or "").strip()
    if before is None or before.approved != quota.approved:
        if not number:
            errors["approval_document"] = "核定或调整职数须填写批准文号。"
        elif before is not None and number == (before.approval_document or "").strip():
            errors["approval_document"] = (
                f"核定职数由 {before.approved} 调整为 {quota.approved}，须填写批准本次调整的文号"
                f"（「{number}」是原核定文号）。"
            )
    if errors:
        raise ValidationError(errors)
