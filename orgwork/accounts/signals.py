"""Permission changes (权限变更) into the audit trail: roles of a user, rights of a role."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed

from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import record

from .middleware import session_renewed_at_login
from .models import User

VERBS = {"post_add": "授予", "post_remove": "撤销", "pre_clear": "清空"}
# m2m table → (the relation's attribute on the instance, what it holds)
RELATIONS = {
    User.groups.through: ("groups", "角色"),
    User.user_permissions.through: ("user_permissions", "权限"),
    Group.permissions.through: ("permissions", "权限"),
}


def _label(obj: Any) -> str:
    if isinstance(obj, Permission):
        return f"{obj.content_type.app_label}.{obj.codename}"
    return str(obj)


def audit_permission_change(sender: Any, instance: Any, action: str, reverse: bool, model: type, pk_set: Any, **kwargs: Any) -> None:
    if action not in VERBS or reverse:
        return
    attribute, what = RELATIONS[sender]
    if action == "pre_clear":
        items = getattr(instance, attribute).all()
    else:
        items = model._default_manager.filter(pk__in=pk_set or ())
    if model is Permission:
        items = items.select_related("content_type")
    names = [_label(o) for o in items]
    if not names:
        return
    record(instance, action=AuditAction.PERMISSION, message=f"{VERBS[action]}{what}：{'、'.join(names)}",
           changes={attribute: {"action": VERBS[action], "items": names}})


for _through in RELATIONS:
    m2m_changed.connect(audit_permission_change, sender=_through, dispatch_uid=f"audit-perms-{_through._meta.label}")
user_logged_in.connect(session_renewed_at_login, dispatch_uid="session-renewed-at-login")
