"""三员分立: who may change what about an account or a role (职责分离规则).

Every function answers with the reason for refusing — Chinese, shown on the form or
the command line and written to the audit trail — or "" when the change is allowed.
The services (``services.py``) and the admin forms ask the same functions.

``actor`` None is the server operator running a command (create_staff, the demo
seeder): the division of the three administrators' duties does not apply to them, the
role table's limits (``roles.allowed_rights``, ``roles.NEVER_GRANTED``) and the
composition of roles still do.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import FieldDoesNotExist

from orgwork.units.scope import in_scope, sees_everything, units_visible_to

from . import roles
from .models import User

# The fields of an account the system administrator keeps; everything else about an
# account (roles, rights, the staff and superuser flags, the password) is not a field
# it may write.
BASIC_FIELDS = ("username", "first_name", "last_name", "email", "mobile", "unit", "is_active")
SUPERUSER_FIELDS = ("is_staff", "is_superuser")


def _is_operator(actor: Any) -> bool:
    return actor is None


def _holds(actor: Any, perm: str) -> bool:
    return _is_operator(actor) or bool(actor.is_active and (actor.is_superuser or actor.has_perm(perm)))


def _names(items: Iterable[str]) -> str:
    return "、".join(sorted(items))


def _field_name(name: str) -> str:
    try:
        return str(User._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _rights(labels: Iterable[str]) -> str:
    """Rights named for the reader of a refusal, by their Chinese names
    (``roles.permission_display``), not ``app.codename``."""
    return "、".join(roles.permission_display(p) for p in roles.permissions_named(labels))


def labels_of(permissions: Iterable[Permission]) -> set[str]:
    return {roles.permission_label(p) for p in permissions}


def rights_of_groups(groups: Iterable[Group]) -> set[str]:
    ids = [g.pk for g in groups if g.pk is not None]
    if not ids:
        return set()
    return labels_of(Permission.objects.filter(group__in=ids).select_related("content_type").distinct())


def composition_problem(role_names: Iterable[str]) -> str:
    """One administrator role at most, and never beside a business or read-only role."""
    names = list(role_names)
    administrator = [n for n in roles.ADMINISTRATOR_ROLES if n in names]
    if len(administrator) > 1:
        return f"一个账号只能担任一个管理员角色（三员分立），不能同时担任{_names(administrator)}。"
    others = [n for n in (*roles.BUSINESS_ROLES, roles.READ_ONLY) if n in names]
    if administrator and others:
        return f"管理员角色「{administrator[0]}」不能与业务角色或只读查阅角色（{_names(others)}）由同一账号担任（三员分立）。"
    return ""


def serves(user: User) -> bool:
    """An account that can carry out an administrator's duty: enabled, and let into the admin."""
    return bool(user.is_active and user.is_staff)


def last_administrator_problem(user: User, *, keeps: Iterable[str] | None = None, serving: bool = True) -> str:
    """The three administrators' duties stay staffed: the last serving holder of 系统管理员,
    安全管理员 or 审计管理员 keeps the role and stays enabled, or nobody could keep accounts,
    give roles or read the audit trail (``keeps``: the roles the account will hold; None,
    those it holds; ``serving``: whether it stays enabled). Asked of the stored account,
    for every actor, the server operator too; the services lock the role first."""
    if user.pk is None or not serves(user):
        return ""
    held = set(user.groups.filter(name__in=roles.ADMINISTRATOR_ROLES).values_list("name", flat=True))
    lost = held if not serving else held - set(keeps if keeps is not None else held)
    for role in sorted(lost):
        others = User.objects.filter(groups__name=role, is_active=True, is_staff=True).exclude(pk=user.pk)
        if not others.exists():
            what = "停用此账号" if not serving else f"撤销其{role}角色"
            return (f"账号 {user.username} 是目前唯一在用的{role}：{what}后将无人履行{role}的职责（三员分立）。"
                    f"请先为另一个账号分配{role}角色。")
    return ""


ACCOUNT_KEPT = "工作人员账号不能删除：账号的操作记录和审计日志须始终能对应到本人。不再使用的账号请停用。"


def delete_refusal(user: User) -> str:
    """Deleting an account: nobody's, whoever asks. The trail names its actor by the
    account (and protects it), the records it signed keep pointing at it, its export
    requests would go with it, and a freed username could be given to someone else; an
    account no longer used is disabled instead (停用, kept by ``save_refusal``). For the
    last serving holder of an administrator role the reason also says what comes first."""
    return ACCOUNT_KEPT + last_administrator_problem(user, serving=False)


def _scope_problem(actor: Any, user: User) -> str:
    if _is_operator(actor) or sees_everything(actor) or user.pk is None:
        return ""
    return "" if in_scope(user, actor) else "该账号不在您的管辖范围内。"


def _unit_problem(actor: Any, unit_id: int | None) -> str:
    if unit_id is None or _is_operator(actor) or sees_everything(actor):
        return ""
    return "" if units_visible_to(actor).filter(pk=unit_id).exists() else "所属单位不在您的管辖范围内。"


def create_refusal(actor: Any, user: User) -> str:
    """Creating an account: the system administrator's, within its jurisdiction, and
    the account starts with no role and no right."""
    if not _holds(actor, "accounts.add_user"):
        return "只有系统管理员可以创建账号。"
    if (user.is_superuser or not user.is_staff) and not (_is_operator(actor) or actor.is_superuser):
        return "不能创建超级管理员账号或修改账号的“工作人员”标记。"
    return _unit_problem(actor, user.unit_id)


def save_refusal(actor: Any, before: User, after: User, changed: Iterable[str]) -> str:
    """Changing an account's own fields (not its roles, rights or password)."""
    changed = set(changed)
    if not changed:
        return ""
    beyond = changed - set(BASIC_FIELDS) - set(SUPERUSER_FIELDS)
    if beyond:
        return f"这些字段不能在此修改：{_names(_field_name(f) for f in beyond)}。"
    if changed & set(SUPERUSER_FIELDS) and not (_is_operator(actor) or actor.is_superuser):
        return "只有超级管理员可以修改“超级管理员”和“工作人员”标记。"
    if not _holds(actor, "accounts.change_user"):
        return "只有系统管理员可以修改账号的基本信息、所属单位和启用状态。"
    if not _is_operator(actor) and actor.pk == before.pk and changed & {"unit", "is_active"}:
        return "不能修改本人账号的所属单位或启用状态。"
    if before.is_superuser and not (_is_operator(actor) or actor.is_superuser):
        return "只有超级管理员可以修改超级管理员账号。"
    return (_scope_problem(actor, before) or (_unit_problem(actor, after.unit_id) if "unit" in changed else "")
            or (last_administrator_problem(before, serving=False)
                if changed & {"is_active", "is_staff"} and not serves(after) else ""))


def password_reset_refusal(actor: Any, user: User) -> str:
    """Setting someone else's password: the system administrator's, as a reset its owner
    must change at the next login; never for another administrator, who could then be
    impersonated to grant what the system administrator may not."""
    if not _holds(actor, roles.RESET_PASSWORD):
        return "只有系统管理员可以重置其他账号的密码。"
    if _is_operator(actor):
        return ""
    if actor.pk == user.pk:
        return "请通过“修改密码”修改本人的密码。"
    if actor.is_superuser:
        return ""
    if user.is_superuser:
        return "不能重置超级管理员账号的密码。"
    held = set(user.groups.values_list("name", flat=True)) & {roles.SECURITY_ADMIN, roles.AUDIT_ADMIN}
    if held:
        return (f"不能重置担任{_names(held)}的账号的密码：否则可以冒用其职责。"
                "请由运维人员在服务器上用 create_staff 命令重置。")
    return _scope_problem(actor, user)


def roles_refusal(actor: Any, user: User, groups: Iterable[Group], permissions: Iterable[Permission] | None) -> str:
    """Giving an account its roles and individual rights: the security administrator's.
    Whatever the account ends up holding must lie within what the table allows its roles
    (``roles.allowed_rights``): nobody grants a right beyond it, by a role or one by one."""
    groups = list(groups)
    if not _holds(actor, roles.ASSIGN_ROLE):
        return "只有安全管理员可以分配角色和权限。"
    if not _is_operator(actor):
        if actor.pk == user.pk:
            return "不能修改本人账号的角色和权限。"
        if user.is_superuser and not actor.is_superuser:
            return "只有超级管理员可以修改超级管理员账号。"
        problem = _scope_problem(actor, user)
        if problem:
            return problem
    names = [g.name for g in groups]
    problem = composition_problem(names)
    if problem:
        return problem
    own = labels_of(permissions) if permissions is not None else labels_of(
        user.user_permissions.select_related("content_type")) if user.pk else set()
    held = rights_of_groups(groups) | own
    forbidden = held & roles.NEVER_GRANTED
    if forbidden:
        return f"任何账号都不能持有写入或删除审计日志的权限：{_rights(forbidden)}。"
    excess = held - roles.allowed_rights(names)
    if excess:
        what = f"角色「{_names(names)}」" if names else "没有角色的账号"
        return f"{what}不能持有这些权限（见角色权限表）：{_rights(excess)}。"
    return last_administrator_problem(user, keeps=names)


def role_refusal(actor: Any, group: Group, name: str, permissions: Iterable[Permission]) -> str:
    """Creating or editing a role: the security administrator's, never a role it holds
    itself; a role of the table stays within its line of the table (an administrator
    role holds exactly its line); no role holds a right of ``NEVER_GRANTED`` or one that
    is given person by person; and no member of the role comes to hold more than the
    table allows their roles."""
    rights = labels_of(permissions)
    creating = group.pk is None
    if not _holds(actor, "auth.add_group" if creating else "auth.change_group"):
        return "只有安全管理员可以创建或修改角色。"
    if not creating and not _is_operator(actor) and actor.groups.filter(pk=group.pk).exists():
        return "不能修改本人所担任角色的权限。"
    old_name = "" if creating else Group.objects.filter(pk=group.pk).values_list("name", flat=True).first() or ""
    if old_name in roles.ROLE_PERMISSIONS and name != old_name:
        return f"内置角色「{old_name}」不能改名。"
    forbidden = rights & roles.NEVER_GRANTED
    if forbidden:
        return f"任何角色都不能持有写入或删除审计日志的权限：{_rights(forbidden)}。"
    personal = rights & roles.personal_rights()
    if personal:
        return f"这些权限只能由安全管理员逐人授予，不能放入角色：{_rights(personal)}。"
    if name in roles.ROLE_PERMISSIONS:
        excess = rights - roles.role_rights(name)
        if excess:
            return f"角色「{name}」的权限以角色权限表为准，不能加入：{_rights(excess)}。"
        # An administrator role is exactly its line: stripped, a duty of another
        # administrator (the audit trail's reader, say) would go unperformed. A business
        # role may be narrowed below its line.
        missing = labels_of(roles.permissions_for(name)) - rights if name in roles.ADMINISTRATOR_ROLES else set()
        if missing:
            return f"管理员角色「{name}」的权限以角色权限表为准，不能去掉（三员分立）：{_rights(missing)}。"
    if creating:
        return ""
    for member in User.objects.filter(groups=group).prefetch_related("groups"):
        others = [g for g in member.groups.all() if g.pk != group.pk]
        names = [g.name for g in others] + [name]
        held = rights_of_groups(others) | rights | labels_of(member.user_permissions.select_related("content_type"))
        excess = held - roles.allowed_rights(names)
        if excess:
            return f"账号 {member.username} 担任此角色，将因此持有超出其角色的权限：{_rights(excess)}。"
    return ""


def role_delete_refusal(actor: Any, group: Group) -> str:
    """Deleting a role: never one of the role table (``setup_roles`` would bring the group
    back, not who held it: an administrator's duty would go with it), never one the actor
    holds; otherwise whoever holds ``auth.delete_group`` (no role of the table does)."""
    if group.name in roles.ROLE_PERMISSIONS:
        return f"内置角色「{group.name}」不能删除：角色权限表中的角色始终保留，担任它的账号靠它履行职责。"
    if not _holds(actor, "auth.delete_group"):
        return "您没有删除角色的权限。"
    if not _is_operator(actor) and actor.groups.filter(pk=group.pk).exists():
        return "不能删除本人所担任的角色。"
    return ""
