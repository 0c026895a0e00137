"""Read side of 选人用人监督: promotions read from the 任职经历, the 主要负责人 who left
without a 离任检查, the lists behind the 台账 and the dashboard panel."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from cadres.models import Post, Rank
from cadres.rules import is_promotion
from orgwork.common import dates
from orgwork.units.scope import scope_queryset

from .models import CheckStatus, DepartureCheck, LookBack, SelectionEvaluation

LOOK_BACK_YEARS = 5
CHIEF_RANKS = tuple(r for r in Rank.values if r.endswith("_chief"))


def promotions_of(cadre_id: int, *, since: datetime.date | None = None,
                  until: datetime.date | None = None) -> list[Post]:
    """提拔: the cadre's principal (主职) posts of a higher 职务层次 than the principal post
    held before them (``cadres.rules.is_promotion``; a first post is no promotion), newest
    first, appointed within [since, until]."""
    posts = list(Post.objects.filter(cadre_id=cadre_id, is_principal=True).exclude(rank="")
                 .order_by("appointed_on", "id"))
    found: list[Post] = []
    for before, post in zip(posts, posts[1:]):
        if not is_promotion(held_rank=before.rank, held_grade="", rank=post.rank, grade=""):
            continue
        if (since is None or post.appointed_on >= since) and (until is None or post.appointed_on <= until):
            found.append(post)
    return sorted(found, key=lambda p: (p.appointed_on, p.pk), reverse=True)


def five_years_before(day: datetime.date) -> datetime.date:
    return dates.years_before(day, LOOK_BACK_YEARS)


def principal_post_q(prefix: str = "") -> Q:
    """主要负责人: a principal (主职) post of a 正职 职务层次 whose title names the unit's 书记
    (党委（党组）书记, the post the 离任检查 applies to), not a 副书记."""
    return (Q(**{f"{prefix}is_principal": True, f"{prefix}rank__in": CHIEF_RANKS, f"{prefix}title__contains": "书记"})
            & ~Q(**{f"{prefix}title__contains": "副书记"}))


def is_principal_post(post: Post) -> bool:
    return bool(post.is_principal and post.rank in CHIEF_RANKS and "书记" in post.title and "副书记" not in post.title)


def departures_unchecked(user: Any) -> QuerySet[Post]:
    """主要负责人离任未开展离任检查: ended principal posts with no 离任检查, in the user's
    jurisdiction (by the unit of the post)."""
    posts = (Post.objects.filter(principal_post_q(), removed_on__isnull=False, unit__isnull=False)
             .filter(~Exists(DepartureCheck.objects.filter(post=OuterRef("pk"))))
             .select_related("cadre", "unit").order_by("-removed_on", "-id"))
    # Scope by the unit the principal left (the cadre may have moved elsewhere since).
    from orgwork.units.models import Unit

    return posts.filter(unit__in=scope_queryset(Unit.objects.all(), user))


def evaluations_over_line(user: Any) -> QuerySet[SelectionEvaluation]:
    return (scope_queryset(SelectionEvaluation.objects.filter(over_line=True), user)
            .select_related("unit", "cadre", "rectification_item").order_by("-year", "unit__path", "id"))


def look_backs_open(user: Any) -> QuerySet[LookBack]:
    return (scope_queryset(LookBack.objects.filter(status=CheckStatus.CHECKING), user)
            .select_related("cadre", "cadre__unit", "handling_record", "discipline_finding")
            .order_by("opened_on", "id"))


