"""Staff accounts (工作人员账号) and roles (角色): every change goes through here.

Each function asks :mod:`.duties` whether the actor may make the change (三员分立);
a refusal is written to the audit trail (权限变更, unsuccessful) and raised as a
``ValidationError`` with the reason in Chinese. The row is locked, and the change saved
and audited, in one transaction. ``actor`` None is the server operator (a command).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import models, transaction

from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import record
from orgwork.units.models import Unit

from . import duties
from .models import UNIT_REQUIRED, User
from .roles import ADMINISTRATOR_ROLES, ALL_ROLES, permission_label

T = TypeVar("T")


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _user(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def record_refusal(*, actor: Any, target: models.Model | None, message: str, attempted: dict[str, Any]) -> None:
    """One unsuccessful 权限变更 row: who tried what on which account or role, and why not."""
    record(target, action=AuditAction.PERMISSION, success=False, actor=_user(actor),
           message=f"已拒绝：{message}", changes={"refused": attempted})


def refuse(*, actor: Any, target: models.Model | None, message: str, attempted: dict[str, Any]) -> ValidationError:
    record_refusal(actor=actor, target=target, message=message, attempted=attempted)
    return ValidationError(message, code="refused")


def _guarded(check: Callable[[], str], change: Callable[[], T], *, actor: Any, target: models.Model | None,
             attempted: dict[str, Any]) -> T:
    """``change`` in a transaction when ``check`` (asked inside it, after the lock) finds
    nothing to refuse. A refusal is recorded after the rollback, so that it stays."""
    try:
        with transaction.atomic():
            message = check()
            if message:
                raise _Refused(message)
            return change()
    except _Refused as refused:
        raise refuse(actor=actor, target=target, message=refused.message, attempted=attempted) from None


def _lock(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


def _lock_administrator_roles(user: User) -> None:
    """Lock the administrator roles ``user`` holds, so that two accounts cannot each be
    removed from a role as "not the last holder" at the same time (one waits for the
    other, then counts again): ``duties.last_administrator_problem``."""
    list(Group.objects.select_for_update(of=("self",)).filter(name__in=ADMINISTRATOR_ROLES, user=user).order_by("pk"))


def group_names(groups: Iterable[Group]) -> list[str]:
    return sorted(g.name for g in groups)


def permission_labels(permissions: Iterable[Permission]) -> list[str]:
    ids = [p.pk for p in permissions]
    return sorted(permission_label(p) for p in Permission.objects.filter(pk__in=ids).select_related("content_type"))


def _is_temporary(actor: Any, temporary: bool) -> bool:
    # Only the server operator may set a password that stays (the demo's published one).
    return temporary or actor is not None


def account_create(*, actor: Any, user: User, password: str | None, temporary_password: bool = True) -> User:
    """Create a working account with a home unit and no role (系统管理员). A password set
    here is someone else's choice: its owner changes it at the first login."""
    if actor is not None and not actor.is_superuser:
        user.is_staff, user.is_superuser = True, False

    def change() -> User:
        if user.unit_id is None and user.needs_unit:
            raise ValidationError({"unit": UNIT_REQUIRED}, code="unit_required")
        if password:
            validate_password(password, user)
            user.set_password(password)
            user.password_must_change = _is_temporary(actor, temporary_password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        return user

    return _guarded(lambda: duties.create_refusal(actor, user), change, actor=actor, target=user,
                    attempted={"create": user.username, "unit": user.unit_id})


def account_save(*, actor: Any, user: User) -> User:
    """Save an account's own fields (username, name, e-mail, unit, enabled; the staff and
    superuser flags for a superuser): the system administrator's. Roles, rights and
    the password have their own services."""
    fields = (*duties.BASIC_FIELDS, *duties.SUPERUSER_FIELDS)
    changed: set[str] = set()

    def check() -> str:
        before = _lock(user)
        _lock_administrator_roles(before)
        attnames = {f: User._meta.get_field(f).attname for f in fields}
        changed.update(f for f, attname in attnames.items() if getattr(before, attname) != getattr(user, attname))
        return duties.save_refusal(actor, before, user, changed)

    def change() -> User:
        if changed:
            user.full_clean(exclude=["password"])
            user.save(update_fields=[User._meta.get_field(f).attname for f in sorted(changed)])
        return user

    return _guarded(check, change, actor=actor, target=user, attempted={"change": "基本信息"})


def account_reset_password(*, actor: Any, user: User, password: str, temporary: bool = True) -> User:
    """Set another account's password (系统管理员: 重置密码); its owner must change it at
    the next login. Refused for another administrator's account (``duties``)."""
    must_change = _is_temporary(actor, temporary)

    def check() -> str:
        return duties.password_reset_refusal(actor, _lock(user))

    def change() -> User:
        locked = User.objects.get(pk=user.pk)
        if locked.password_must_change == must_change and locked.check_password(password):
            return locked  # nothing changes: a command run again
        validate_password(password, locked)
        locked.set_password(password)
        locked.password_must_change = must_change
        locked.save(update_fields=["password", "password_changed_at", "password_must_change"])
        user.password, user.password_changed_at, user.password_must_change = (
            locked.password, locked.password_changed_at, locked.password_must_change)
        return locked

    return _guarded(check, change, actor=actor, target=user, attempted={"password": "重置密码"})


def account_set_roles(*, actor: Any, user: User, groups: Iterable[Group],
                      permissions: Iterable[Permission] | None = None) -> User:
    """Give an account its roles and, when given, its individual rights (安全管理员).
    Each grant and revocation is audited by ``signals.audit_permission_change``."""
    groups = list(groups)
    permissions = None if permissions is None else list(permissions)

    def check() -> str:
        locked = _lock(user)
        _lock_administrator_roles(locked)
        return duties.roles_refusal(actor, locked, groups, permissions)

    def change() -> User:
        user.groups.set(groups)
        if permissions is not None:
            user.user_permissions.set(permissions)
        return user

    attempted: dict[str, Any] = {"groups": group_names(groups)}
    if permissions is not None:
        attempted["user_permissions"] = permission_labels(permissions)
    return _guarded(check, change, actor=actor, target=user, attempted=attempted)


def role_save(*, actor: Any, group: Group, permissions: Iterable[Permission]) -> Group:
    """Create or edit a role and its rights (安全管理员), within the role table."""
    permissions = list(permissions)

    def check() -> str:
        if group.pk is not None:
            Group.objects.select_for_update().filter(pk=group.pk).first()
        return duties.role_refusal(actor, group, group.name, permissions)

    def change() -> Group:
        group.save()
        group.permissions.set(permissions)
        return group

    return _guarded(check, change, actor=actor, target=group if group.pk else None,
                    attempted={"role": group.name, "permissions": permission_labels(permissions)})


def role_delete(*, actor: Any, group: Group) -> None:
    """Delete a role outside the role table (``duties.role_delete_refusal``). Its members
    lose it without an m2m signal, so the one 权限变更 row names them and its rights."""

    def check() -> str:
        return duties.role_delete_refusal(actor, Group.objects.select_for_update().get(pk=group.pk))

    def change() -> None:
        held = {"role": group.name, "permissions": permission_labels(group.permissions.all()),
                "members": sorted(group.user_set.values_list("username", flat=True))}
        record(group, action=AuditAction.PERMISSION, actor=_user(actor), message=f"删除角色「{group.name}」",
               changes={"deleted": held})
        group.delete()

    _guarded(check, change, actor=actor, target=group, attempted={"delete": group.name})


def staff_create_or_update(*, username: str, unit_code: str, role: str, password: str | None = None,
                           temporary_password: bool = True) -> tuple[User, bool]:
    """Create or update a staff account with one role and one home unit, as the server
    operator (``create_staff``, the demo). A password given here must be changed at the
    owner's next login unless ``temporary_password`` is False (the demo's published one).
    The role replaces the account's roles; rights given to it one by one that the new
    role may not hold are refused, not silently kept or dropped."""
    if role not in ALL_ROLES:
        raise ValidationError({"role": f"角色「{role}」不存在，可选：{'、'.join(ALL_ROLES)}。"})
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None:
        raise ValidationError({"unit": f"单位代码「{unit_code}」不存在。"})
    group = Group.objects.filter(name=role).first()
    if group is None:
        raise ValidationError({"role": "角色尚未创建，请先运行 python manage.py setup_roles。"})
    user = User.objects.filter(username=username).first()
    if user is not None:
        # Asked before anything is written, so that the refusal is all that happens.
        message = duties.roles_refusal(None, user, [group], None)
        if message:
            raise refuse(actor=None, target=user, message=message, attempted={"groups": [role]})
    with transaction.atomic():
        created = user is None
        if user is None:
            user = account_create(actor=None, user=User(username=username, unit=unit, is_staff=True),
                                  password=password, temporary_password=temporary_password)
        else:
            user.unit, user.is_staff, user.is_active = unit, True, True
            account_save(actor=None, user=user)
            if password:
                account_reset_password(actor=None, user=user, password=password, temporary=temporary_password)
        account_set_roles(actor=None, user=user, groups=[group])
    return user, created
