"""The role table (orgwork.accounts.roles): every role holds exactly what is written
there, pinned here in another shape, so that a new right reaches a role only by a
deliberate edit of both."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from orgwork.accounts import roles
from orgwork.common import idnumber

CRUD = "add change delete view"
SHEETS = "add change delete view import export"


def expand(spec: dict[str, str]) -> set[str]:
    """``{"cadres.cadre": "add view"}`` → ``{"cadres.add_cadre", "cadres.view_cadre"}``; a
    codename with its own name is written whole after a colon: ``{"x:": "x.y_z"}``."""
    rights = set()
    for label, actions in spec.items():
        if label.endswith(":"):
            rights.update(actions.split())
            continue
        app_label, model = label.split(".")
        rights.update(f"{app_label}.{action}_{model}" for action in actions.split())
    return rights


COMMON = {"accounts.user": "view", "units.unit": "view"}
RECTIFICATION = {
    "rectification.checklist": SHEETS,
    "rectification.evidence": CRUD,
    "rectification.itemtransition": CRUD,
    "rectification.rectificationitem": SHEETS + " request_closure approve_closure reopen extend_deadline",
    "imports.importjob": "add delete view",
}
REMINDERS = {"notifications.reminderrule": "add change view", "notifications.notification": "view"}

PINNED: dict[str, dict[str, str]] = {
    "系统管理员": {"units.unit": CRUD, "accounts.user": "add change view", "auth.group": "view",
               "notifications.delivery": "view", "custom:": "accounts.reset_password"},
    "安全管理员": {"accounts.user": "view", "auth.group": "add change view", "auth.permission": "view",
               "axes.accessattempt": "view delete", "axes.accesslog": "view", "axes.accessfailurelog": "view",
               "supervision.influenceperiodrule": "view change", "custom:": "accounts.assign_role"},
    "审计管理员": {"audit.auditlog": "view"},
    "干部监督": {**COMMON, **RECTIFICATION, **REMINDERS,
             "cadres.cadre": "add change view import export", "cadres.post": SHEETS,
             "cadres.assessment": "add change view import export",  # archive material: never deleted
             "cadres.education": CRUD, "cadres.familymember": CRUD, "cadres.positionquota": CRUD,
             "cadres.rewardpunishment": "add change view",
             "supervision.handlingrecord": "add change view import export",
             "supervision.disciplinefinding": "add change view import export",
             "supervision.personalmattersreport": SHEETS,
             "supervision.influenceperiodrule": "view",
             "supervision.vettingcase": CRUD, "supervision.vettingcheck": CRUD, "supervision.spotcheck": CRUD,
             "supervision.spotcheckdraw": CRUD, "supervision.fileaudit": CRUD, "supervision.fileauditfinding": CRUD,
             "supervision.traveldocument": CRUD, "supervision.traveldocumentloan": CRUD,
             "supervision.travelviolation": CRUD,
             "selection.selectionreport": "add change view",
             "selection.selectionevaluation": "add change view import export",
             "selection.dissatisfactionline": "view", "selection.departurecheck": "add change view",
             "selection.departurefinding": "view", "selection.lookback": "change view",
             "selection.lookbackpromotion": "view",
             "reserve.reservepool": "add change view", "reserve.reservemember": "add change view import export",
             "training.trainingclass": "add change view", "training.classattendance": "add change view import export",
             "training.onlinecourse": "add change view", "training.onlinecompletion": "add change view import export",
             "training.trainingminimum": "add change view",
             "secondment.assignment": "add change view import export", "secondment.dutycheck": "add view import export",
             "secondment.assignmentassessment": "add change view"},
    "基层党建": {**COMMON, **RECTIFICATION, **REMINDERS,
             "branches.partyorganisation": SHEETS, "branches.secretary": SHEETS, "branches.meeting": SHEETS,
             "branches.meetingyear": CRUD, "branches.standard": CRUD, "branches.standardversion": CRUD,
             "branches.standarditem": CRUD, "branches.branchassessment": CRUD, "branches.modelbranchquota": CRUD,
             "branches.assessmentitemscore": CRUD, "branches.weakbranchcase": CRUD, "branches.termelection": SHEETS,
             "members.member": SHEETS, "members.applicant": SHEETS, "members.duesrecord": SHEETS,
             "members.appraisal": SHEETS, "members.transfer": CRUD, "members.activistreview": CRUD},
    "人才工作": {**COMMON, **RECTIFICATION, **REMINDERS,
             "talent.person": SHEETS, "talent.enrollment": SHEETS, "talent.funding": SHEETS,
             "talent.termreview": SHEETS,
             "talent.programme": CRUD, "talent.reward": CRUD, "talent.trainingplanfile": CRUD,
             "talent.servicecard": CRUD, "talent.greenchannelrequest": CRUD, "talent.expertliaison": CRUD,
             "talent.liaisoncontact": CRUD},
    "只读查阅": {**COMMON, "notifications.notification": "view", **{model: "view" for model in (
        "cadres.cadre", "cadres.post", "cadres.assessment", "cadres.education", "cadres.familymember",
        "cadres.positionquota", "cadres.rewardpunishment",
        "supervision.handlingrecord", "supervision.disciplinefinding", "supervision.influenceperiodrule",
        "supervision.vettingcase",
        "supervision.vettingcheck", "supervision.personalmattersreport", "supervision.spotcheck",
        "supervision.spotcheckdraw", "supervision.fileaudit", "supervision.fileauditfinding",
        "supervision.traveldocument", "supervision.traveldocumentloan", "supervision.travelviolation",
        "selection.selectionreport", "selection.selectionevaluation", "selection.dissatisfactionline",
        "selection.departurecheck", "selection.departurefinding", "selection.lookback", "selection.lookbackpromotion",
        "reserve.reservepool", "reserve.reservemember",
        "training.trainingclass", "training.classattendance", "training.onlinecourse", "training.onlinecompletion",
        "training.trainingminimum",
        "secondment.assignment", "secondment.dutycheck", "secondment.assignmentassessment",
        "branches.partyorganisation", "branches.secretary", "branches.meeting", "branches.meetingyear",
        "branches.standard", "branches.standardversion", "branches.standarditem", "branches.branchassessment",
        "branches.modelbranchquota", "branches.assessmentitemscore", "branches.weakbranchcase", "branches.termelection",
        "members.member", "members.transfer", "members.applicant", "members.activistreview", "members.duesrecord",
        "members.appraisal",
        "talent.programme", "talent.person", "talent.enrollment", "talent.funding", "talent.termreview",
        "talent.reward", "talent.trainingplanfile", "talent.servicecard", "talent.greenchannelrequest",
        "talent.expertliaison", "talent.liaisoncontact",
        "rectification.checklist", "rectification.evidence", "rectification.itemtransition",
        "rectification.rectificationitem", "imports.importjob")}},
}


def held_by(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {roles.permission_label(p) for p in group.permissions.select_related("content_type")}


@pytest.mark.parametrize("role", roles.ALL_ROLES)
def test_each_role_holds_exactly_its_pinned_rights(role: str, role_groups: Any) -> None:
    assert set(roles.ROLE_PERMISSIONS[role]) == expand(PINNED[role])
    assert held_by(role) == expand(PINNED[role])


def test_the_pin_covers_every_role_of_the_table() -> None:
    assert set(PINNED) == set(roles.ROLE_PERMISSIONS) == set(roles.ALL_ROLES)


def test_the_read_only_role_holds_no_unmask_or_withheld_right(role_groups: Any) -> None:
    held = held_by(roles.READ_ONLY)
    assert not held & roles.personal_rights()
    assert not {r for r in held if "unmasked" in r}
    assert all(r.split(".")[1].startswith("view_") for r in held)
    assert roles.allowed_rights([roles.READ_ONLY]) == frozenset(held)


def test_a_read_only_reader_sees_a_cadres_id_number_masked(view_only_auditor: Any, tree: Any, client_for: Any) -> None:
    from orgwork.codes import lookup
    from seeds.reference import load_reference
    from tests.samples.cadres import cadre_in

    lookup.cache_clear()
    load_reference()
    cadre = cadre_in(tree["county_a"])
    body = client_for(view_only_auditor).get(reverse("admin:cadres_cadre_change", args=[cadre.pk])).content.decode()
    lookup.cache_clear()
    assert idnumber.mask(cadre.id_number) in body and cadre.id_number not in body
    assert not view_only_auditor.has_perm("cadres.view_unmasked_id_number")
    assert not view_only_auditor.has_perm("talent.view_unmasked_id_number")


def test_rights_given_one_by_one_belong_to_no_role(role_groups: Any) -> None:
    for role in roles.ALL_ROLES:
        assert not held_by(role) & roles.personal_rights(), role
        assert not held_by(role) & roles.NEVER_GRANTED, role
    for role, rights in roles.PERSONAL_GRANTS.items():
        assert role in roles.BUSINESS_ROLES or role == roles.SYSTEM_ADMIN, role
        assert set(rights) <= roles.allowed_rights([role])
    # The one right given one by one outside the business roles: the accounts' keeper sees
    # a colleague's mobile number whole (for 短信), nothing of the business records.
    assert roles.PERSONAL_GRANTS[roles.SYSTEM_ADMIN] == ("accounts.view_unmasked_mobile",)


def test_no_role_may_write_the_audit_trail() -> None:
    for role in roles.ALL_ROLES:
        assert not roles.allowed_rights([role]) & {"audit.add_auditlog", "audit.change_auditlog",
                                                   "audit.delete_auditlog"}, role


def test_a_new_permission_reaches_no_role_until_the_table_names_it(role_groups: Any) -> None:
    ct = ContentType.objects.get_for_model(Group)
    Permission.objects.create(content_type=ct, codename="view_everything_new", name="新权限")
    roles.setup_roles()
    assert not Group.objects.filter(permissions__codename="view_everything_new").exists()


def test_a_right_the_table_names_that_does_not_exist_stops_setup_roles(db: Any, monkeypatch: Any) -> None:
    monkeypatch.setitem(roles.ROLE_PERMISSIONS, roles.READ_ONLY, (*roles.ROLE_PERMISSIONS[roles.READ_ONLY],
                                                                  "cadres.view_cadre_typo"))
    with pytest.raises(ImproperlyConfigured, match="cadres.view_cadre_typo"):
        roles.setup_roles()


def test_setup_roles_takes_back_a_right_added_to_a_role_by_hand(role_groups: Any) -> None:
    role_groups[roles.READ_ONLY].permissions.add(Permission.objects.get(codename="change_cadre"))
    roles.setup_roles()
    assert held_by(roles.READ_ONLY) == expand(PINNED[roles.READ_ONLY])
