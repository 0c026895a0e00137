"""销号条件 of an item's source record (来源记录): the rule a domain app sets for striking
off the items its records put on the books.

An item opened by another module (:func:`.services.rectification_open_item` with a
``source_object``) may carry a closing rule of its own: a 软弱涣散 branch's item is struck
off only after the 知情度满意度测评 reaches the threshold. This kernel app imports no
domain app, so the domain app registers its rule here from its ``AppConfig.ready``,
naming its model by label; 申请销号 and 销号 ask :func:`refusal` on every path (the
record page's steps, the list's batch actions, the services the other apps and the demo
seeder call).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import RectificationItem

# The source record → why its item may not be struck off yet ("" when it may).
ClosingRule = Callable[[Any], str]
# What the source record does once its item is struck off: (source, actor) → None, in the
# transaction of the 销号.
StruckOff = Callable[[Any, Any], None]

_RULES: dict[str, ClosingRule] = {}
_STRUCK_OFF: dict[str, StruckOff] = {}
_REOPENED: dict[str, StruckOff] = {}
_EXTENDED: dict[str, StruckOff] = {}
# The item's fields its source record writes (a 软弱涣散 case's problems and plan), which
# follow the record and are not edited on the item.
_GOVERNS: dict[str, tuple[str, ...]] = {}


def register(model_label: str, rule: ClosingRule, *, struck_off: StruckOff | None = None,
             reopened: StruckOff | None = None, extended: StruckOff | None = None,
             governs: tuple[str, ...] = ()) -> None:
    """Set the closing rule of the items whose source is a ``model_label`` record
    (``"branches.weakbranchcase"``), and what the record does when its item is struck
    off (a 软弱涣散 case is closed with it), when a look-back puts the item on the
    books again (the case is reopened) and when its deadline is moved by 延期 (the
    case's 整顿时限 follows), whichever page or step does it. ``governs`` names the
    item's fields the record writes (:func:`governed_refusals`): they change with the
    record, through :func:`.services.rectification_item_follow_source`."""
    label = model_label.lower()
    _RULES[label] = rule
    _GOVERNS[label] = tuple(governs)
    if struck_off is not None:
        _STRUCK_OFF[label] = struck_off
    if reopened is not None:
        _REOPENED[label] = reopened
    if extended is not None:
        _EXTENDED[label] = extended


def lock_source(item: RectificationItem) -> models.Model | None:
    """The item's source record, locked, when its model has a closing rule; None otherwise.

    Taken before the item's own row: the domain app's steps lock their record first and
    the item after (a case's 销号 strikes off its item), so the same order here keeps two
    concurrent steps from waiting on each other."""
    source = (RectificationItem.objects.filter(pk=item.pk)
              .values_list("source_content_type_id", "source_object_id").first())
    if source is None or source[0] is None:
        return None
    content_type = ContentType.objects.get_for_id(source[0])
    model = content_type.model_class()
    if model is None or model._meta.label_lower not in _RULES:
        return None
    return model._default_manager.select_for_update(of=("self",)).filter(pk=source[1]).first()


def refusal(source: models.Model | None) -> str:
    """Why the item whose source is ``source`` (from :func:`lock_source`) may not be struck
    off yet, in Chinese; "" when it may."""
    if source is None:
        return ""
    return _RULES[source._meta.label_lower](source)


def follow_struck_off(source: models.Model | None, actor: Any) -> None:
    """Tell the source record (from :func:`lock_source`) that its item was struck off."""
    _follow(_STRUCK_OFF, source, actor)


def follow_reopened(source: models.Model | None, actor: Any) -> None:
    """Tell the source record (from :func:`lock_source`) that its item is on the books again."""
    _follow(_REOPENED, source, actor)


def follow_extended(source: models.Model | None, actor: Any) -> None:
    """Tell the source record (from :func:`lock_source`) that its item's deadline was moved by 延期."""
    _follow(_EXTENDED, source, actor)


def _follow(followers: dict[str, StruckOff], source: models.Model | None, actor: Any) -> None:
    if source is None:
        return
    follow = followers.get(source._meta.label_lower)
    if follow is not None:
        follow(source, actor)


def governed_fields(content_type_id: int | None) -> tuple[str, ...]:
    """The item fields written by a source record of ``content_type_id`` (none for an
    item without a source, or whose source governs none)."""
    if content_type_id is None or not _GOVERNS:
        return ()
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return _GOVERNS.get(model._meta.label_lower, ()) if model is not None else ()


def governed_refusals(content_type_id: int | None, changed: list[str]) -> dict[str, str]:
    """Field → why it is not edited on the item, for the ``changed`` fields its source
    record writes: the item says what the record says, and is corrected there."""
    governed = [name for name in changed if name in governed_fields(content_type_id)]
    if not governed:
        return {}
    what = ContentType.objects.get_for_id(content_type_id).model_class()._meta.verbose_name  # type: ignore[union-attr]
    labels = "、".join(str(RectificationItem._meta.get_field(name).verbose_name) for name in governed)
    message = (f"该整改事项由{what}挂账，{labels}随{what}填写，不在整改事项中修改："
               f"请在{what}中更正，整改事项随之更新。")
    return {name: message for name in governed}
