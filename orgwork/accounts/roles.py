"""Roles (角色) as Django groups, and what each may do.

Three administrators are kept apart (三员分立): the system administrator manages units
and accounts, the security administrator manages accounts, lockouts and permissions,
the audit administrator reads the audit trail; none of them reads business records.

Business roles come from the apps: an AppConfig lists the roles that work its models in
``business_roles``; every such role gets all of that app's model permissions except the
ones named in ``withheld_permissions`` (granted one by one, e.g. unmasked ID numbers).
The read-only role gets ``view_*`` on every business model.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

SYSTEM_ADMIN = "系统管理员"
SECURITY_ADMIN = "安全管理员"
AUDIT_ADMIN = "审计管理员"
CADRE_SUPERVISION = "干部监督"
PARTY_BUILDING = "基层党建"
TALENT_WORK = "人才工作"
READ_ONLY = "只读查阅"

ADMINISTRATOR_ROLES = (SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN)
BUSINESS_ROLES = (CADRE_SUPERVISION, PARTY_BUILDING, TALENT_WORK)
ALL_ROLES = ADMINISTRATOR_ROLES + BUSINESS_ROLES + (READ_ONLY,)

# Administrator grants: "app_label.model" → actions.
ADMINISTRATOR_GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    SYSTEM_ADMIN: {
        "units.unit": ("add", "change", "delete", "view"),
        "accounts.user": ("add", "change", "view"),
        "auth.group": ("view",),
    },
    SECURITY_ADMIN: {
        "accounts.user": ("change", "view"),
        "auth.group": ("add", "change", "view"),
        "auth.permission": ("view",),
        "axes.accessattempt": ("view", "delete"),
        "axes.accesslog": ("view",),
        "axes.accessfailurelog": ("view",),
        # Configuration, not a personnel record: the 影响期 table of cadre supervision.
        "supervision.influenceperiodrule": ("view", "change"),
    },
    AUDIT_ADMIN: {"audit.auditlog": ("view",)},
}
# Every business role picks units and colleagues in forms (always within its scope).
BUSINESS_COMMON_GRANTS: dict[str, tuple[str, ...]] = {"units.unit": ("view",), "accounts.user": ("view",)}


def _model_permissions(label: str, actions: Iterable[str]) -> list[Permission]:
    app_label, model_name = label.split(".")
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:  # an optional app (axes) that is not installed
        return []
    ct = ContentType.objects.get_for_model(model, for_concrete_model=False)
    codenames = [f"{action}_{model._meta.model_name}" for action in actions]
    return list(Permission.objects.filter(content_type=ct, codename__in=codenames))


def business_apps() -> list[tuple[object, tuple[str, ...]]]:
    return [
        (config, tuple(getattr(config, "business_roles", ())))
        for config in apps.get_app_configs()
        if getattr(config, "business_roles", None)
    ]


def permissions_for(role: str) -> set[Permission]:
    perms: set[Permission] = set()
    for label, actions in ADMINISTRATOR_GRANTS.get(role, {}).items():
        perms.update(_model_permissions(label, actions))
    if role in BUSINESS_ROLES or role == READ_ONLY:
        for label, actions in BUSINESS_COMMON_GRANTS.items():
            perms.update(_model_permissions(label, actions))
    for config, roles in business_apps():
        withheld = set(getattr(config, "withheld_permissions", ()))
        for model in config.get_models():  # type: ignore[attr-defined]
            ct = ContentType.objects.get_for_model(model, for_concrete_model=False)
            model_perms = Permission.objects.filter(content_type=ct)
            if role in roles:
                perms.update(p for p in model_perms if p.codename not in withheld)
            elif role == READ_ONLY:
                # Withheld permissions (full ID numbers) are granted person by person, never with a role.
                perms.update(p for p in model_perms if p.codename.startswith("view_") and p.codename not in withheld)
    return perms


@transaction.atomic
def setup_roles() -> dict[str, int]:
    """Create or refresh every role group; idempotent. Returns permission counts."""
    from django.contrib.auth.management import create_permissions

    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0)
    counts = {}
    for role in ALL_ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        perms = permissions_for(role)
        group.permissions.set(perms)
        counts[role] = len(perms)
    return counts
