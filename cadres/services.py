"""Changes to the cadre registry (干部信息). Every write of a cadre, post or assessment
goes through here so that pinyin keys, the one-current-principal-post rule, the
assessment rules and the audit trail hold for the admin, commands and imports alike."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from orgwork.common import pinyin, secrets
from orgwork.common.versioning import bump_version

from .models import Assessment, Cadre, Post

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


@transaction.atomic
def cadre_save(*, cadre: Cadre, actor: Any = None, validate: bool = True) -> Cadre:
    """Create or update a cadre (干部基本信息): validated, pinyin keys refreshed, version bumped.

    ``validate=False`` is for callers that already ran ``full_clean`` (the admin form).
    """
    cadre_fill_pinyin(cadre)
    if validate:
        cadre.full_clean()
    if cadre.pk is None or cadre._state.adding:
        cadre.save()
        return cadre
    Cadre.objects.select_for_update().filter(pk=cadre.pk).values_list("pk", flat=True).first()
    bump_version(cadre)
    cadre.save()
    return cadre


@transaction.atomic
def post_appoint(*, post: Post, actor: Any = None) -> Post:
    """任职: record an appointment. A new current principal post ends the previous one
    (removed on the new appointment date) and becomes the cadre's 现任职务 and 职务层次."""
    cadre = Cadre.objects.select_for_update().get(pk=post.cadre_id)
    post.cadre = cadre
    post.full_clean(validate_constraints=False)
    if post.is_current and post.is_principal:
        previous = (
            Post.objects.select_for_update()
            .filter(cadre=cadre, is_current=True, is_principal=True)
            .exclude(pk=post.pk)
            .first()
        )
        if previous is not None:
            if previous.appointed_on > post.appointed_on:
                raise ValidationError({"appointed_on": f"任职时间早于现任主职务「{previous.title}」的任职时间，请核对。"})
            post_remove(post=previous, removed_on=post.appointed_on, actor=actor)
    post.validate_constraints()
    post.save()
    cadre_sync_current_post(cadre=cadre, actor=actor)
    return post


def cadre_sync_current_post(*, cadre: Cadre, actor: Any = None) -> list[str]:
    """现任职务 and 职务层次 on the profile follow the cadre's current principal post.

    With no current principal post (all ended) the profile keeps what it says: the
    person may have retired or moved, which is the profile's own business. Returns the
    fields that changed.
    """
    post = Post.objects.filter(cadre=cadre, is_current=True, is_principal=True).first()
    if post is None:
        return []
    changed = [f for f, v in (("current_post", post.title), ("rank", post.rank or cadre.rank)) if getattr(cadre, f) != v]
    if changed:
        cadre.current_post, cadre.rank = post.title, post.rank or cadre.rank
        cadre.save(update_fields=changed + bump_version(cadre))
    return changed


@transaction.atomic
def post_remove(*, post: Post, removed_on: datetime.date, document: str = "", actor: Any = None) -> Post:
    """免职: end a post. Returns early when it has already ended."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if not post.is_current:
        return post
    if removed_on < post.appointed_on:
        raise ValidationError({"removed_on": "免职时间不能早于任职时间。"})
    post.is_current, post.removed_on = False, removed_on
    if document:
        post.removal_document = document
    post.save(update_fields=["is_current", "removed_on", "removal_document"])
    return post


@transaction.atomic
def assessment_save(*, assessment: Assessment, actor: Any = None, validate: bool = True) -> Assessment:
    """年度考核: record or correct one year's result.

    Refused (``clean``): 优秀 with a political-quality score below 90. Below 80 the row is
    flagged for individual review (``needs_review``, generated) and a rectification item
    is opened on the 政治素质考核 checklist of the cadre's unit.
    """
    if validate:
        assessment.full_clean()
    assessment.save()
    if assessment.is_below_review_line:
        assessment_open_review(assessment=assessment, actor=actor)
    return assessment


def assessment_open_review(*, assessment: Assessment, actor: Any = None) -> Any:
    """逐一复核: put the low score on the books as a rectification item.

    The rectification workflow is a kernel app; opening is idempotent per assessment,
    so calling this on every save is safe. Without that app the flag alone remains.
    """
    try:
        from orgwork.rectification.services import rectification_open_item
    except ImportError:  # the rectification workflow is not installed in this build
        logger.info("rectification workflow unavailable; assessment %s flagged only", assessment.pk)
        return None
    cadre = assessment.cadre
    return rectification_open_item(
        unit=cadre.unit,
        source="political_assessment",
        problem=(
            f"{cadre.name}（{cadre.unit}）{assessment.year}年度政治素质测评得分 "
            f"{assessment.political_score:g} 分，低于 80 分，需逐一复核并提出整改要求。"
        ),
        actor=actor,
        source_object=assessment,
        deadline=timezone.localdate() + REVIEW_DEADLINE,
        responsible_person=cadre.name,
    )


def cadre_record_unmasked_view(*, cadre: Cadre, actor: Any = None, purpose: str) -> None:
    """Who saw a full ID number, when and where (查看敏感信息)."""
    secrets.record_full_view(user=actor, instance=cadre, fields=["id_number"], purpose=purpose)
