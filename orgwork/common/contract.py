"""The write contract (写入约定): one shape for every state change of a business record.

A service that changes a row does all of this in one transaction, whichever path called
it (admin form, inline, action, record-page button, sheet import, ``.lrmx``, management
command, demo seeder, task worker):

1. an actor is required: a staff account, or a named :class:`SystemActor` for commands,
   seeders and the worker; no actor is refused (:func:`require_actor`);
2. the actor's permission is checked (:func:`require_permission`);
3. the row is locked inside the actor's jurisdiction (:func:`lock_in_scope`);
4. the rule is checked (the service's own code, raising ``ValidationError``);
5. the row is saved with ``update_fields`` and exactly one audit row is written, without
   ``updated_at``/``version`` noise (:func:`save_audited`).

:func:`perform` strings the steps together for the common case of one row. Bulk paths
(imports, tree moves) apply the same rules to many rows and audit each row they change
(:func:`audit_rows`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from orgwork.audit.actors import SYSTEM_PREFIX, system_actor_shown
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.audit.recorder import concrete_values, deleted_changes, diff, entry_for, record_many
from orgwork.common import dates, freetext
from orgwork.units.scope import scope_queryset

M = TypeVar("M", bound=models.Model)

# Columns that change on every save and say nothing a reader of the trail wants to know.
NOISE_FIELDS = frozenset({"updated_at", "version"})


@dataclass(frozen=True)
class SystemActor:
    """系统操作人: who acts when no person does — a management command, the demo seeder,
    the task worker. It is named in the audit trail (``system:<name>``), holds every
    permission and sees every unit, and cannot log in (it is not an account)."""

    name: str

    is_authenticated = True
    is_active = True
    is_superuser = True
    is_staff = False
    is_anonymous = False
    pk = None
    id = None
    unit = None
    unit_id = None

    @property
    def username(self) -> str:
        return f"{SYSTEM_PREFIX}{self.name}"

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return True

    def has_perms(self, perms: Iterable[str], obj: Any = None) -> bool:
        return True

    def get_username(self) -> str:
        return self.username

    def __str__(self) -> str:
        return system_actor_shown(self.name)


def is_system(actor: Any) -> bool:
    return isinstance(actor, SystemActor)


def user_of(actor: Any) -> Any:
    """The account behind an actor, for foreign keys such as ``requested_by``; None for the system."""
    return None if actor is None or is_system(actor) else actor


def require_actor(actor: Any) -> Any:
    """Step 1: a change without an actor is refused, never attributed to nobody."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", True):
        raise ValidationError("未指明操作人，不能写入：请登录，系统命令须以系统身份运行。", code="no_actor")
    return actor


def require_permission(actor: Any, permission: str | Sequence[str] | None, label: str) -> None:
    """Step 2: the actor holds ``permission`` (all of them, for a list)."""
    require_actor(actor)
    if not permission:
        return
    perms = [permission] if isinstance(permission, str) else list(permission)
    if not actor.has_perms(perms):
        raise ValidationError(f"您没有「{label}」的权限。", code="permission")


def lock_in_scope(queryset: models.QuerySet[M], pk: Any, actor: Any, *, what: str) -> M:
    """Step 3: the row, locked, if it lies in the actor's jurisdiction; otherwise refused
    with the same words whether it exists elsewhere or not at all."""
    locked = scope_queryset(queryset.filter(pk=pk), actor).select_for_update(of=("self",)).first()
    if locked is None:
        raise ValidationError(f"该{what}不存在或不在您的管辖范围内。", code="scope")
    return locked


def _changes(instance: models.Model, before: dict[str, Any] | None, fields: Iterable[str] | None) -> dict[str, Any]:
    changes = diff(instance, before)
    wanted = None if fields is None else {instance._meta.get_field(f).name for f in fields}
    return {name: pair for name, pair in changes.items()
            if name not in NOISE_FIELDS and (wanted is None or name in wanted)}


def save_audited(
    instance: M,
    *,
    actor: Any,
    fields: Sequence[str] | None = None,
    action: str | None = None,
    message: str = "",
    extra_changes: dict[str, Any] | None = None,
) -> AuditLog | None:
    """Step 5: save (``update_fields`` when ``fields`` is given; a new row otherwise) and
    write one audit row for what changed. Returns it, or None when nothing changed."""
    require_actor(actor)
    created = instance._state.adding
    # The one door every service writes through: free text no field may hold (a masked
    # or a whole ID number, only unseen characters) in an action's 退回原因 or a command's value is
    # refused here as on a page's form (orgwork.common.freetext).
    # Dates likewise: none written now outside the years the sheet and the forms accept.
    if refused := {**freetext.written_text_errors(instance, None if created else fields),
                   **dates.written_date_errors(instance, None if created else fields)}:
        raise ValidationError(refused)
    before = None if created else getattr(instance, "_audit_loaded", None)
    instance._audit_explicit = True  # the post_save handler leaves this save to us
    try:
        if created or fields is None:
            instance.save()
        else:
            instance.save(update_fields=list(dict.fromkeys([*fields, *_auto_fields(instance)])))
    finally:
        instance.__dict__.pop("_audit_explicit", None)
    changes = _changes(instance, before, None if created else fields)
    if extra_changes:
        changes.update(extra_changes)
    instance._audit_loaded = concrete_values(instance)
    if not created and not changes and not message:
        return None
    entry = entry_for(instance, action=action or (AuditAction.CREATE if created else AuditAction.UPDATE),
                      changes=changes, message=message, actor=actor)
    entry.save()
    return entry


def delete_audited(instance: models.Model, *, actor: Any, message: str = "") -> AuditLog:
    """Delete a row a service has locked and write one audit row (删除) naming ``actor``,
    with the values the row held and why (``message``)."""
    require_actor(actor)
    entry = entry_for(instance, action=AuditAction.DELETE, changes=deleted_changes(instance), message=message,
                      actor=actor)  # built first: the row's key is gone once it is deleted
    instance._audit_explicit = True  # the post_delete handler leaves this delete to us
    try:
        instance.delete()
    finally:
        instance.__dict__.pop("_audit_explicit", None)
    entry.save()
    return entry


def _auto_fields(instance: models.Model) -> list[str]:
    """``auto_now`` columns, which a save with ``update_fields`` would otherwise leave stale."""
    return [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]


def perform(
    queryset: models.QuerySet[M],
    pk: Any,
    *,
    actor: Any,
    permission: str | Sequence[str] | None,
    label: str,
    what: str,
    apply: Callable[[M], Sequence[str]],
    action: str = AuditAction.UPDATE,
    message: str | Callable[[M], str] = "",
) -> M:
    """The whole contract for one row: actor, permission, lock in scope, ``apply`` (which
    checks the rule, sets fields and returns their names, or raises), save, one audit row.
    ``message`` may be read from the row once ``apply`` has run (what the step found)."""
    require_permission(actor, permission, label)
    with transaction.atomic():
        locked = lock_in_scope(queryset, pk, actor, what=what)
        loaded = getattr(locked, "_audit_loaded", None)
        fields = list(apply(locked))
        if loaded is not None:  # a step that sets what the record already holds writes nothing
            fields = [name for name in fields
                      if getattr(locked, (attname := locked._meta.get_field(name).attname)) != loaded.get(attname)]
        if fields:
            save_audited(locked, actor=actor, fields=fields, action=action,
                         message=message(locked) if callable(message) else message)
    return locked


def audit_rows(
    pairs: Iterable[tuple[models.Model, dict[str, Any]]],
    *,
    actor: Any,
    action: str = AuditAction.UPDATE,
    message: str = "",
) -> int:
    """Bulk paths: one audit row per changed record, ``pairs`` being (record, changes).
    Returns how many rows were written."""
    require_actor(actor)
    entries = [entry_for(obj, action=action, changes=changes, message=message, actor=actor)
               for obj, changes in pairs if changes]
    record_many(entries)
    return len(entries)
