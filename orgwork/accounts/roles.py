"""Roles (角色) as Django groups, and the one table of what each may do (角色权限表).

Rights are denied unless this table names them: ``ROLE_PERMISSIONS`` lists, role by
role, every permission the role holds, as ``"app_label.codename"``. Nothing is granted by
pattern, so a new model or permission reaches nobody until it is written in here.
``setup_roles`` makes the groups hold exactly these lists.

Three administrators are kept apart (三员分立), none of them reads business records:

- 系统管理员 keeps units and accounts: creates and disables accounts, sets their home
  unit, and resets a password (which its owner must change at the next login). It does
  not assign roles or rights.
- 安全管理员 assigns roles and individual rights, edits roles within this table, lifts
  lockouts and keeps the influence-period table. It neither creates accounts nor sets
  passwords.
- 审计管理员 reads the audit trail, and nothing else.

A few rights are never given with a role but to one account at a time, by the security
administrator, and only to holders of the role named in ``PERSONAL_GRANTS`` (the full ID
number to a 干部监督 clerk, say). ``NEVER_GRANTED`` rights (writing the audit trail) go to
no role, no group and no account. What an account may hold at most is therefore
``allowed_rights`` of its roles; the services and admin forms refuse anything beyond it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
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

# Custom rights of the account model (accounts.User.Meta.permissions).
RESET_PASSWORD = "accounts.reset_password"
ASSIGN_ROLE = "accounts.assign_role"

# Every business role and the read-only role pick units and colleagues in forms.
_COMMON = (
    "accounts.view_user",
    "units.view_unit",
)
# 整改清单 and sheet imports serve all three business roles.
_RECTIFICATION = (
    "rectification.add_checklist", "rectification.change_checklist", "rectification.delete_checklist",
    "rectification.view_checklist", "rectification.import_checklist", "rectification.export_checklist",
    "rectification.add_evidence", "rectification.change_evidence", "rectification.delete_evidence",
    "rectification.view_evidence",
    "rectification.add_itemtransition", "rectification.change_itemtransition",
    "rectification.delete_itemtransition", "rectification.view_itemtransition",
    "rectification.add_rectificationitem", "rectification.change_rectificationitem",
    "rectification.delete_rectificationitem", "rectification.view_rectificationitem",
    "rectification.import_rectificationitem", "rectification.export_rectificationitem",
    "rectification.request_closure_rectificationitem", "rectification.approve_closure_rectificationitem",
    "rectification.reopen_rectificationitem", "rectification.extend_deadline_rectificationitem",
)
# 提醒规则 are kept by the business roles (switched off, never deleted) — by the province's
# own staff only, each for their line of work; a city or county clerk reads them
# (notifications.services.keeps_reminder_rules). Each reads its own messages (站内消息:
# the inbox shows an account's own and nobody else's).
_REMINDERS = (
    "notifications.add_reminderrule", "notifications.change_reminderrule", "notifications.view_reminderrule",
    "notifications.view_notification",
)
# Managing someone else's import job (imports.change_importjob) is given one by one.
_IMPORTS = (
    "imports.add_importjob", "imports.delete_importjob", "imports.view_importjob",
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    SYSTEM_ADMIN: (
        "units.add_unit", "units.change_unit", "units.delete_unit", "units.view_unit",
        "accounts.add_user", "accounts.change_user", "accounts.view_user", RESET_PASSWORD,
        "auth.view_group",
        # The mail log: who was mailed when and what failed, never the mail's content.
        "notifications.view_delivery",
    ),
    SECURITY_ADMIN: (
        "accounts.view_user", ASSIGN_ROLE,
        "auth.add_group", "auth.change_group", "auth.view_group",
        "auth.view_permission",
        "axes.view_accessattempt", "axes.delete_accessattempt",
        "axes.view_accesslog",
        "axes.view_accessfailurelog",
        # Configuration, not a personnel record: the 影响期 table of cadre supervision.
        "supervision.view_influenceperiodrule", "supervision.change_influenceperiodrule",
    ),
    AUDIT_ADMIN: (
        "audit.view_auditlog",
    ),
    CADRE_SUPERVISION: (
        *_COMMON, *_RECTIFICATION, *_IMPORTS, *_REMINDERS,
        # A cadre is a personnel record: never deleted, it leaves by 状态 (cadres.admin.cadre.CadreAdmin).
        "cadres.add_cadre", "cadres.change_cadre", "cadres.view_cadre",
        "cadres.import_cadre", "cadres.export_cadre",
        "cadres.add_post", "cadres.change_post", "cadres.delete_post", "cadres.view_post",
        "cadres.import_post", "cadres.export_post",
        # 年度考核 and 奖惩 are archive material: corrected, never deleted (cadres.admin.cadre.ArchiveMaterialInline).
        "cadres.add_assessment", "cadres.change_assessment", "cadres.view_assessment",
        "cadres.import_assessment", "cadres.export_assessment",
        "cadres.add_education", "cadres.change_education", "cadres.delete_education", "cadres.view_education",
        "cadres.add_familymember", "cadres.change_familymember", "cadres.delete_familymember",
        "cadres.view_familymember",
        "cadres.add_positionquota", "cadres.change_positionquota", "cadres.delete_positionquota",
        "cadres.view_positionquota",
        "cadres.add_rewardpunishment", "cadres.change_rewardpunishment",
        "cadres.view_rewardpunishment",
        # 组织处理 is never deleted either: it carries the 影响期 (cadres.supervision.admin.handling).
        "supervision.add_handlingrecord", "supervision.change_handlingrecord",
        "supervision.view_handlingrecord", "supervision.import_handlingrecord", "supervision.export_handlingrecord",
        "supervision.add_disciplinefinding", "supervision.change_disciplinefinding",
        "supervision.view_disciplinefinding",
        "supervision.import_disciplinefinding", "supervision.export_disciplinefinding",
        "supervision.view_influenceperiodrule",
        "supervision.add_vettingcase", "supervision.change_vettingcase", "supervision.delete_vettingcase",
        "supervision.view_vettingcase",
        "supervision.add_vettingcheck", "supervision.change_vettingcheck", "supervision.delete_vettingcheck",
        "supervision.view_vettingcheck",
        "supervision.add_personalmattersreport", "supervision.change_personalmattersreport",
        "supervision.delete_personalmattersreport", "supervision.view_personalmattersreport",
        "supervision.import_personalmattersreport", "supervision.export_personalmattersreport",
        "supervision.add_spotcheck", "supervision.change_spotcheck", "supervision.delete_spotcheck",
        "supervision.view_spotcheck",
        "supervision.add_spotcheckdraw", "supervision.change_spotcheckdraw", "supervision.delete_spotcheckdraw",
        "supervision.view_spotcheckdraw",
        "supervision.add_fileaudit", "supervision.change_fileaudit", "supervision.delete_fileaudit",
        "supervision.view_fileaudit",
        "supervision.add_fileauditfinding", "supervision.change_fileauditfinding",
        "supervision.delete_fileauditfinding", "supervision.view_fileauditfinding",
        "supervision.add_traveldocument", "supervision.change_traveldocument", "supervision.delete_traveldocument",
        "supervision.view_traveldocument",
        "supervision.add_traveldocumentloan", "supervision.change_traveldocumentloan",
        "supervision.delete_traveldocumentloan", "supervision.view_traveldocumentloan",
        "supervision.add_travelviolation", "supervision.change_travelviolation",
        "supervision.delete_travelviolation", "supervision.view_travelviolation",
        # 选人用人监督 (cadres.selection): records on the books are corrected, never deleted;
        # 带病提拔倒查 are opened by a 组织处理, not by hand; the 不满意率 line is the business
        # lead's (a personal grant, below).
        "selection.add_selectionreport", "selection.change_selectionreport", "selection.view_selectionreport",
        "selection.add_selectionevaluation", "selection.change_selectionevaluation",
        "selection.view_selectionevaluation", "selection.import_selectionevaluation",
        "selection.export_selectionevaluation", "selection.view_dissatisfactionline",
        "selection.add_departurecheck", "selection.change_departurecheck", "selection.view_departurecheck",
        "selection.view_departurefinding",
        "selection.change_lookback", "selection.view_lookback", "selection.view_lookbackpromotion",
        # 后备干部 (cadres.reserve): no delete — a recommendation on the books leaves by 动态调整.
        "reserve.add_reservepool", "reserve.change_reservepool", "reserve.view_reservepool",
        "reserve.add_reservemember", "reserve.change_reservemember", "reserve.view_reservemember",
        "reserve.import_reservemember", "reserve.export_reservemember",
        # 教育培训 (cadres.training). The yearly minimum is changed by the province's staff only
        # (training.services.keeps_the_minimum_table); no delete of records on the books.
        "training.add_trainingclass", "training.change_trainingclass", "training.view_trainingclass",
        "training.add_classattendance", "training.change_classattendance", "training.view_classattendance",
        "training.import_classattendance", "training.export_classattendance",
        "training.add_onlinecourse", "training.change_onlinecourse", "training.view_onlinecourse",
        "training.add_onlinecompletion", "training.change_onlinecompletion", "training.view_onlinecompletion",
        "training.import_onlinecompletion", "training.export_onlinecompletion",
        "training.add_trainingminimum", "training.change_trainingminimum", "training.view_trainingminimum",
        # 挂职与驻村 (cadres.secondment): records on the books are never deleted.
        "secondment.add_assignment", "secondment.change_assignment", "secondment.view_assignment",
        "secondment.import_assignment", "secondment.export_assignment",
        "secondment.add_dutycheck", "secondment.view_dutycheck", "secondment.import_dutycheck",
        "secondment.export_dutycheck",
        "secondment.add_assignmentassessment", "secondment.change_assignmentassessment",
        "secondment.view_assignmentassessment",
    ),
    PARTY_BUILDING: (
        *_COMMON, *_RECTIFICATION, *_IMPORTS, *_REMINDERS,
        "branches.add_partyorganisation", "branches.change_partyorganisation", "branches.delete_partyorganisation",
        "branches.view_partyorganisation", "branches.import_partyorganisation", "branches.export_partyorganisation",
        "branches.add_secretary", "branches.change_secretary", "branches.delete_secretary", "branches.view_secretary",
        "branches.import_secretary", "branches.export_secretary",
        "branches.add_meeting", "branches.change_meeting", "branches.delete_meeting", "branches.view_meeting",
        "branches.import_meeting", "branches.export_meeting",
        "branches.add_meetingyear", "branches.change_meetingyear", "branches.delete_meetingyear",
        "branches.view_meetingyear",
        # 党员名册、组织关系转接、发展党员、党费、民主评议党员 (branches.members)
        "members.add_member", "members.change_member", "members.delete_member", "members.view_member",
        "members.import_member", "members.export_member",
        "members.add_transfer", "members.change_transfer", "members.delete_transfer", "members.view_transfer",
        "members.add_applicant", "members.change_applicant", "members.delete_applicant", "members.view_applicant",
        "members.import_applicant", "members.export_applicant",
        "members.add_activistreview", "members.change_activistreview", "members.delete_activistreview",
        "members.view_activistreview",
        "members.add_duesrecord", "members.change_duesrecord", "members.delete_duesrecord",
        "members.view_duesrecord", "members.import_duesrecord", "members.export_duesrecord",
        "members.add_appraisal", "members.change_appraisal", "members.delete_appraisal", "members.view_appraisal",
        "members.import_appraisal", "members.export_appraisal",
        "branches.add_standard", "branches.change_standard", "branches.delete_standard", "branches.view_standard",
        "branches.add_standardversion", "branches.change_standardversion", "branches.delete_standardversion",
        "branches.view_standardversion",
        "branches.add_standarditem", "branches.change_standarditem", "branches.delete_standarditem",
        "branches.view_standarditem",
        "branches.add_branchassessment", "branches.change_branchassessment", "branches.delete_branchassessment",
        "branches.view_branchassessment",
        "branches.add_assessmentitemscore", "branches.change_assessmentitemscore",
        "branches.delete_assessmentitemscore", "branches.view_assessmentitemscore",
        "branches.add_modelbranchquota", "branches.change_modelbranchquota", "branches.delete_modelbranchquota",
        "branches.view_modelbranchquota",
        "branches.add_weakbranchcase", "branches.change_weakbranchcase", "branches.delete_weakbranchcase",
        "branches.view_weakbranchcase",
        "branches.add_termelection", "branches.change_termelection", "branches.delete_termelection",
        "branches.view_termelection", "branches.import_termelection", "branches.export_termelection",
    ),
    TALENT_WORK: (
        *_COMMON, *_RECTIFICATION, *_IMPORTS, *_REMINDERS,
        "talent.add_programme", "talent.change_programme", "talent.delete_programme", "talent.view_programme",
        "talent.add_person", "talent.change_person", "talent.delete_person", "talent.view_person",
        "talent.import_person", "talent.export_person",
        "talent.add_enrollment", "talent.change_enrollment", "talent.delete_enrollment", "talent.view_enrollment",
        "talent.import_enrollment", "talent.export_enrollment",
        "talent.add_funding", "talent.change_funding", "talent.delete_funding", "talent.view_funding",
        "talent.import_funding", "talent.export_funding",
        "talent.add_termreview", "talent.change_termreview", "talent.delete_termreview", "talent.view_termreview",
        "talent.import_termreview", "talent.export_termreview",
        "talent.add_reward", "talent.change_reward", "talent.delete_reward", "talent.view_reward",
        "talent.add_trainingplanfile", "talent.change_trainingplanfile", "talent.delete_trainingplanfile",
        "talent.view_trainingplanfile",
        "talent.add_servicecard", "talent.change_servicecard", "talent.delete_servicecard", "talent.view_servicecard",
        "talent.add_greenchannelrequest", "talent.change_greenchannelrequest", "talent.delete_greenchannelrequest",
        "talent.view_greenchannelrequest",
        "talent.add_expertliaison", "talent.change_expertliaison", "talent.delete_expertliaison",
        "talent.view_expertliaison",
        "talent.add_liaisoncontact", "talent.change_liaisoncontact", "talent.delete_liaisoncontact",
        "talent.view_liaisoncontact",
    ),
    # Reads the business records, masked: no unmasked ID numbers, no imports or exports.
    READ_ONLY: (
        *_COMMON, "notifications.view_notification",
        "cadres.view_cadre", "cadres.view_post", "cadres.view_assessment", "cadres.view_education",
        "cadres.view_familymember", "cadres.view_positionquota", "cadres.view_rewardpunishment",
        "supervision.view_handlingrecord", "supervision.view_disciplinefinding", "supervision.view_influenceperiodrule",
        "supervision.view_vettingcase",
        "supervision.view_vettingcheck", "supervision.view_personalmattersreport", "supervision.view_spotcheck",
        "supervision.view_spotcheckdraw", "supervision.view_fileaudit", "supervision.view_fileauditfinding",
        "supervision.view_traveldocument", "supervision.view_traveldocumentloan", "supervision.view_travelviolation",
        "selection.view_selectionreport", "selection.view_selectionevaluation", "selection.view_dissatisfactionline",
        "selection.view_departurecheck", "selection.view_departurefinding", "selection.view_lookback",
        "selection.view_lookbackpromotion",
        "reserve.view_reservepool", "reserve.view_reservemember",
        "training.view_trainingclass", "training.view_classattendance", "training.view_onlinecourse",
        "training.view_onlinecompletion", "training.view_trainingminimum",
        "secondment.view_assignment", "secondment.view_dutycheck", "secondment.view_assignmentassessment",
        "branches.view_partyorganisation", "branches.view_secretary", "branches.view_meeting",
        "branches.view_meetingyear", "branches.view_standard", "branches.view_standardversion",
        "branches.view_standarditem", "branches.view_branchassessment", "branches.view_modelbranchquota",
        "branches.view_assessmentitemscore", "branches.view_weakbranchcase", "branches.view_termelection",
        "members.view_member", "members.view_transfer", "members.view_applicant", "members.view_activistreview",
        "members.view_duesrecord", "members.view_appraisal",
        "talent.view_programme", "talent.view_person", "talent.view_enrollment", "talent.view_funding",
        "talent.view_termreview", "talent.view_reward", "talent.view_trainingplanfile", "talent.view_servicecard",
        "talent.view_greenchannelrequest", "talent.view_expertliaison", "talent.view_liaisoncontact",
        "rectification.view_checklist", "rectification.view_evidence", "rectification.view_itemtransition",
        "rectification.view_rectificationitem",
        "imports.view_importjob",
    ),
}

# Rights given to one account at a time, never with a role, and only to a holder of
# the role they are listed under.
PERSONAL_GRANTS: dict[str, tuple[str, ...]] = {
    SYSTEM_ADMIN: ("accounts.view_unmasked_mobile",),  # who keeps colleagues' numbers for 短信
    # selection.change_dissatisfactionline: the business lead who keeps the 不满意率 line.
    CADRE_SUPERVISION: ("cadres.view_unmasked_id_number", "imports.change_importjob",
                        "selection.change_dissatisfactionline"),
    PARTY_BUILDING: ("branches.backenter_meeting", "imports.change_importjob",  # 超期补录三会一课
                     "members.view_unmasked_id_number"),
    TALENT_WORK: ("talent.view_unmasked_id_number", "imports.change_importjob"),
}

# The audit trail is written by the system alone.
NEVER_GRANTED = frozenset({"audit.add_auditlog", "audit.change_auditlog", "audit.delete_auditlog"})


def role_rights(role: str) -> frozenset[str]:
    """What the role's group holds: exactly its line of the table (nothing for a name
    that is not a role of the table)."""
    return frozenset(ROLE_PERMISSIONS.get(role, ()))


def allowed_rights(role_names: Iterable[str]) -> frozenset[str]:
    """The most an account holding these roles may hold, from its roles and one by one.
    Groups that are not roles of the table add nothing."""
    allowed: set[str] = set()
    for role in role_names:
        allowed.update(ROLE_PERMISSIONS.get(role, ()))
        allowed.update(PERSONAL_GRANTS.get(role, ()))
    return frozenset(allowed - NEVER_GRANTED)


def personal_rights() -> frozenset[str]:
    return frozenset(right for rights in PERSONAL_GRANTS.values() for right in rights)


def grantable_rights() -> frozenset[str]:
    """Every right the table gives some role or lets be given to some account: all an
    account can come to hold (``allowed_rights`` of every role at once)."""
    return allowed_rights(ALL_ROLES)


def permission_label(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


PERMISSION_ACTIONS = {"add": "新增", "change": "修改", "delete": "删除", "view": "查看"}


def permission_display(permission: Permission) -> str:
    """权限的中文名称: "干部管理 · 干部 · 可查看干部". Django names its default rights in
    English when it creates them ("Can view 干部"); a clerk reads them by their model's
    Chinese name. A right of our own already has a Chinese name and keeps it."""
    content_type = permission.content_type
    model = content_type.model_class()
    model_name = str(model._meta.verbose_name) if model is not None else content_type.model
    try:
        app_name = str(apps.get_app_config(content_type.app_label).verbose_name)
    except LookupError:
        app_name = content_type.app_label
    action, _, rest = permission.codename.partition("_")
    if action in PERMISSION_ACTIONS and model is not None and rest == model._meta.model_name:
        name = f"可{PERMISSION_ACTIONS[action]}{model_name}"
    elif any("\u4e00" <= ch <= "\u9fff" for ch in permission.name):
        name = permission.name
    else:
        name = permission.codename
    return f"{app_name} · {model_name} · {name}"


def permissions_named(rights: Iterable[str]) -> list[Permission]:
    """The permissions for ``"app_label.codename"`` names. A name of an installed app that
    matches no permission is an error in the table; an app that is not installed
    (axes is optional) contributes nothing."""
    wanted = set(rights)
    found = {
        permission_label(p): p
        for p in Permission.objects.select_related("content_type").filter(
            codename__in={name.split(".", 1)[1] for name in wanted})
    }
    installed = {config.label for config in apps.get_app_configs()}
    missing = [name for name in sorted(wanted - set(found)) if name.split(".", 1)[0] in installed]
    if missing:
        raise ImproperlyConfigured(f"角色权限表中的权限不存在：{'、'.join(missing)}。")
    return [found[name] for name in sorted(wanted & set(found))]


def permissions_for(role: str) -> set[Permission]:
    return set(permissions_named(role_rights(role)))


@transaction.atomic
def setup_roles() -> dict[str, int]:
    """Create or refresh every role group so that it holds exactly its line of the
    table; idempotent. Returns permission counts."""
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
