"""Changes to the unit tree (单位). The only writer of ``Unit.path``."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr

from .models import Unit


@transaction.atomic
def unit_save(*, unit: Unit, actor: Any = None) -> Unit:
    """Create or update a unit, keeping its own and its descendants' paths right.

    Cycles are refused by ``Unit.clean``; this function calls ``full_clean`` so that
    commands and imports get the same messages as the admin form.
    """
    old_path = ""
    if unit.pk:
        old_path = Unit.objects.select_for_update().values_list("path", flat=True).get(pk=unit.pk)
        unit.path = old_path
    unit.full_clean()
    new_path = unit.computed_path()
    unit.path = new_path
    unit.save()
    if old_path and old_path != new_path:
        # One statement rewrites the whole subtree: new prefix + the rest of the old path.
        Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
            path=Concat(Value(new_path), Substr(F("path"), Length(Value(old_path)) + 1))
        )
    return unit
