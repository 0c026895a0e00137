"""Writing the audit trail (审计日志).

``record`` writes one event; ``entry_for`` builds an unsaved row so that bulk paths
can ``AuditLog.objects.bulk_create`` thousands at once. Saves and deletes of
``Audited`` models are recorded automatically by the handlers at the bottom.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import post_delete, post_save

from orgwork.common import secrets

from .context import current_actor
from .models import AuditAction, Audited, AuditLog

REDACTED = "***"


def jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if hasattr(value, "name") and hasattr(value, "url"):  # a FieldFile
        return value.name or ""
    return str(value)


def unit_path_of(instance: models.Model) -> str:
    """The materialised path of the unit a record belongs to (for scoping audit rows)."""
    field = getattr(instance, "scope_field", None)
    if field is None:
        return ""
    obj: Any = instance
    if field:
        for part in field.split("__"):
            obj = getattr(obj, part, None)
            if obj is None:
                return ""
    return getattr(obj, "path", "") or ""


def concrete_values(instance: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def kept(value: Any, kind: str | None) -> Any:
    """A value as the trail keeps it: personal data (``orgwork.common.secrets``) as its
    masked form and keyed hash, never in clear."""
    return secrets.audit_value(value, kind) if kind else jsonable(value)


def diff(instance: models.Model, before: dict[str, Any] | None) -> dict[str, list[Any]]:
    """``{field name: [old, new]}`` for the fields whose values differ."""
    after = concrete_values(instance)
    sensitive = secrets.sensitive_fields(instance)
    redacted = set(getattr(instance, "audit_redacted_fields", ())) - set(sensitive)
    ignored = set(getattr(instance, "audit_ignored_fields", ()))
    changes: dict[str, list[Any]] = {}
    for field in instance._meta.concrete_fields:
        if field.name in ignored:
            continue
        old = before.get(field.attname) if before is not None else None
        new = after[field.attname]
        if before is not None and old == new:
            continue
        if before is None and new in (None, ""):
            continue
        if field.name in redacted:
            changes[field.name] = [REDACTED if old not in (None, "") else old, REDACTED]
        else:
            kind = sensitive.get(field.name)
            changes[field.name] = [kept(old, kind), kept(new, kind)]
    return changes


def entry_for(
    instance: models.Model | None,
    *,
    action: str,
    changes: dict[str, Any] | None = None,
    message: str = "",
    success: bool = True,
    actor: Any = None,
    source: str | None = None,
    ip: str | None = None,
    unit_path: str | None = None,
    content_type: ContentType | None = None,
) -> AuditLog:
    """An unsaved audit row; actor, source and IP default to the current context."""
    ctx = current_actor()
    user = actor if actor is not None else ctx.user
    actor_name = ""
    if user is not None and getattr(user, "pk", None) is None and getattr(user, "is_authenticated", False):
        # A system actor (orgwork.common.contract.SystemActor): named, but no account.
        actor_name, user = user.username, None
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if instance is not None and content_type is None:
        # Not type(instance): request.user arrives as a lazy proxy.
        content_type = ContentType.objects.get_for_model(instance._meta.model)
    return AuditLog(
        actor=user,
        actor_name=getattr(user, "username", "") if user else actor_name,
        action=action,
        source=source or ctx.source,
        content_type=content_type,
        object_id=str(instance.pk) if instance is not None and instance.pk is not None else "",
        object_repr=str(instance)[:200] if instance is not None else "",
        unit_path=unit_path if unit_path is not None else (unit_path_of(instance) if instance is not None else ""),
        changes=changes or {},
        message=secrets.mask_text(message),  # a note never carries an ID or mobile number
        ip=ip or ctx.ip,
        success=success,
    )


def record(instance: models.Model | None, *, action: str, **kwargs: Any) -> AuditLog:
    entry = entry_for(instance, action=action, **kwargs)
    entry.save()
    return entry


def record_many(entries: Iterable[AuditLog], batch_size: int = 2000) -> None:
    AuditLog.objects.bulk_create(entries, batch_size=batch_size)


def _snapshot(instance: Audited) -> None:
    instance._audit_loaded = concrete_values(instance)


def on_save(sender: type[models.Model], instance: Audited, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.__dict__.get("_audit_explicit"):  # fixtures; a contract save audits itself
        return
    before = None if created else getattr(instance, "_audit_loaded", None)
    changes = diff(instance, before)
    if not created and not changes:
        _snapshot(instance)
        return
    record(instance, action=AuditAction.CREATE if created else AuditAction.UPDATE, changes=changes)
    _snapshot(instance)


def deleted_changes(instance: models.Model) -> dict[str, list[Any]]:
    """``{field name: [value held, None]}`` of a row being deleted (personal data masked)."""
    before = getattr(instance, "_audit_loaded", None) or concrete_values(instance)
    sensitive = secrets.sensitive_fields(instance)
    redacted = set(getattr(instance, "audit_redacted_fields", ())) - set(sensitive)
    return {
        f.name: [REDACTED if f.name in redacted else kept(before.get(f.attname), sensitive.get(f.name)), None]
        for f in instance._meta.concrete_fields
        if before.get(f.attname) not in (None, "")
    }


def on_delete(sender: type[models.Model], instance: Audited, **kwargs: Any) -> None:
    if instance.__dict__.get("_audit_explicit"):  # a contract delete audits itself
        return
    record(instance, action=AuditAction.DELETE, changes=deleted_changes(instance))


def connect_handlers() -> None:
    from django.apps import apps

    for model in apps.get_models():
        if issubclass(model, Audited):
            post_save.connect(on_save, sender=model, dispatch_uid=f"audit-save-{model._meta.label}")
            post_delete.connect(on_delete, sender=model, dispatch_uid=f"audit-delete-{model._meta.label}")
