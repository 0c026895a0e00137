"""Changes to the unit tree (单位). The only writer of ``Unit.path`` and ``Unit.full_name``."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from orgwork.audit.models import AuditAction
from orgwork.common.contract import audit_rows, lock_in_scope, require_actor, require_permission, save_audited

from .models import Unit


@transaction.atomic
def unit_save(*, unit: Unit, actor: Any) -> Unit:
    """Create or update a unit, keeping its own and its descendants' paths and place
    names right (单位全称 follows a move or a rename all the way down).

    Cycles are refused by ``Unit.clean``; this function calls ``full_clean`` so that
    commands and imports get the same messages as the admin form. The unit and each
    descendant that changes get one audit row each.
    """
    require_permission(actor, "units.change_unit" if unit.pk else "units.add_unit",
                       "修改单位" if unit.pk else "新增单位")
    old_path = ""
    old_full_name = ""
    if unit.pk:
        locked = lock_in_scope(Unit.objects.all(), unit.pk, actor, what="单位")
        old_path, old_full_name = locked.path, locked.full_name
        unit.path = old_path
    if unit.parent_id is not None and unit.parent is not None:
        # A parent outside the actor's jurisdiction is refused like one that does not exist.
        lock_in_scope(Unit.objects.all(), unit.parent_id, actor, what="上级单位")
    unit.full_clean()
    unit.path = unit.computed_path()
    unit.full_name = unit.computed_full_name()
    save_audited(unit, actor=actor, fields=None)
    if old_path and (old_path != unit.path or old_full_name != unit.full_name):
        _rewrite_subtree(unit, old_path, actor=actor)
    return unit


def _rewrite_subtree(unit: Unit, old_path: str, *, actor: Any) -> int:
    """Paths and place names below a unit that moved or was renamed, parents before
    children; each changed row is written and audited."""
    below = list(Unit.objects.select_for_update().filter(path__startswith=old_path).exclude(pk=unit.pk)
                 .order_by("path"))
    by_pk: dict[int, Unit] = {unit.pk: unit}
    changed: list[tuple[Unit, dict[str, list[str]]]] = []
    for child in below:
        child.parent = by_pk[child.parent_id]
        changes: dict[str, list[str]] = {}
        for field, value in (("path", child.computed_path()), ("full_name", child.computed_full_name())):
            if getattr(child, field) != value:
                changes[field] = [getattr(child, field), value]
                setattr(child, field, value)
        by_pk[child.pk] = child
        if changes:
            changed.append((child, changes))
    Unit.objects.bulk_update([child for child, _ in changed], ["path", "full_name"], batch_size=500)
    return audit_rows(changed, actor=actor, action=AuditAction.UPDATE,
                      message=f"上级单位「{unit.full_name}」调整，层级路径与单位全称随之更新")


def unit_place_names_refresh(*, actor: Any) -> int:
    """Recompute every unit's place name (after a bulk import of units); returns how many
    changed. Each change is audited."""
    require_actor(actor)
    units = list(Unit.objects.select_for_update().order_by("path"))
    by_pk = {u.pk: u for u in units}
    changed: list[tuple[Unit, dict[str, list[str]]]] = []
    for u in units:
        if u.parent_id is not None:
            u.parent = by_pk[u.parent_id]
        value = u.computed_full_name()
        if u.full_name != value:
            changed.append((u, {"full_name": [u.full_name, value]}))
            u.full_name = value
    Unit.objects.bulk_update([u for u, _ in changed], ["full_name"], batch_size=500)
    return audit_rows(changed, actor=actor, action=AuditAction.UPDATE, message="单位全称按上级单位更新")
