"""三员分立 on every path: the admin forms (driven through the real admin) and the
services and commands behind them. Each refused escalation leaves the account or role
as it was, tells why in Chinese, and leaves an unsuccessful 权限变更 row in the trail."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from orgwork.accounts import roles, services
from orgwork.accounts.models import User
from orgwork.audit.models import AuditAction, AuditLog

from .conftest import PASSWORD

NEW_PASSWORD = "Reset#Pass2026"


def perm(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def of(target: Any) -> Any:
    """The trail of one account or role (object ids alone repeat across tables)."""
    return AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(type(target)),
                                   object_id=str(target.pk))


def refusals(actor: Any = None, target: Any = None) -> Any:
    rows = AuditLog.objects.filter(action=AuditAction.PERMISSION, success=False)
    if target is not None:
        rows = rows & of(target)
    return rows.filter(actor=actor) if actor is not None else rows.filter(actor__isnull=True)


def refused_once(actor: Any, target: Any, words: str) -> AuditLog:
    rows = refusals(actor, target) if target is not None else refusals(actor).filter(object_id="")
    assert rows.count() == 1, list(rows.values_list("message", flat=True))
    row = rows.get()
    assert words in row.message and row.changes.get("refused")
    return row


def post_data(form: Any) -> dict[str, Any]:
    """What the browser sends back for an unchanged admin form."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else value
    return data


def form_errors(response: Any) -> str:
    form = response.context["adminform"].form
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def user_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def password_url(user: User) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])


def role_url(group: Group) -> str:
    return reverse("admin:auth_group_change", args=[group.pk])


@pytest.fixture
def newcomer(make_staff: Any, tree: Any) -> User:
    """An account the system administrator has just created: a unit, no role."""
    return make_staff("newcomer", tree["county_b"])


@pytest.fixture
def sysadmin(personas: dict[str, User]) -> User:
    return personas["system_admin"]


@pytest.fixture
def secadmin(personas: dict[str, User]) -> User:
    return personas["security_admin"]


# ---------------------------------------------------------------------------
# The system administrator: accounts and units, no roles, no rights, resets only
# ---------------------------------------------------------------------------

def test_the_system_administrator_cannot_give_a_role_through_the_user_form(
        sysadmin: User, newcomer: User, role_groups: Any, client_for: Any) -> None:
    client = client_for(sysadmin)
    data = post_data(client.get(user_url(newcomer)).context["adminform"].form)
    assert "groups" not in data and "unit" in data  # offered: the unit; not offered: roles
    data["groups"] = [role_groups[roles.CADRE_SUPERVISION].pk]
    response = client.post(user_url(newcomer), data)
    assert response.status_code == 200
    assert "只有安全管理员可以分配角色和权限" in form_errors(response)
    assert "只有安全管理员可以分配角色和权限" in response.content.decode()
    assert not newcomer.groups.exists()
    row = refused_once(sysadmin, newcomer, "只有安全管理员可以分配角色和权限")
    assert row.changes["refused"]["groups"] == [roles.CADRE_SUPERVISION]


def test_the_system_administrator_cannot_grant_the_unmask_right_through_the_user_form(
        sysadmin: User, newcomer: User, client_for: Any) -> None:
    client = client_for(sysadmin)
    data = post_data(client.get(user_url(newcomer)).context["adminform"].form)
    data["user_permissions"] = [perm("cadres.view_unmasked_id_number").pk]
    response = client.post(user_url(newcomer), data)
    assert response.status_code == 200 and "只有安全管理员可以分配角色和权限" in form_errors(response)
    assert not newcomer.user_permissions.exists()
    refused_once(sysadmin, newcomer, "只有安全管理员")


def test_the_system_administrator_cannot_make_an_account_a_superuser(
        sysadmin: User, newcomer: User, client_for: Any) -> None:
    client = client_for(sysadmin)
    data = post_data(client.get(user_url(newcomer)).context["adminform"].form)
    data["is_superuser"] = "on"
    response = client.post(user_url(newcomer), data)
    assert response.status_code == 200 and "只有超级管理员可以修改" in form_errors(response)
    newcomer.refresh_from_db()
    assert not newcomer.is_superuser
    refused_once(sysadmin, newcomer, "只有超级管理员")


def test_the_system_administrator_may_move_an_account_to_another_unit_and_disable_it(
        sysadmin: User, newcomer: User, tree: Any, client_for: Any) -> None:
    client = client_for(sysadmin)
    data = post_data(client.get(user_url(newcomer)).context["adminform"].form)
    data["unit"] = tree["county_a"].pk
    data.pop("is_active", None)
    assert client.post(user_url(newcomer), data).status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.unit == tree["county_a"] and not newcomer.is_active
    assert not refusals(sysadmin).exists()


def test_the_system_administrator_creates_an_account_with_no_role_and_a_password_to_change(
        sysadmin: User, tree: Any, client_for: Any) -> None:
    response = client_for(sysadmin).post(reverse("admin:accounts_user_add"), {
        "username": "wangfang", "last_name": "王", "first_name": "芳", "unit": tree["county_a"].pk,
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    created = User.objects.get(username="wangfang")
    assert created.is_staff and not created.is_superuser and created.unit == tree["county_a"]
    assert not created.groups.exists() and created.password_must_change

    owner = Client()
    owner.post(reverse("admin:login"), {"username": "wangfang", "password": NEW_PASSWORD, "next": "/admin/"})
    assert owner.get("/admin/")["Location"] == reverse("admin:password_change")


def test_the_system_administrator_cannot_create_an_account_holding_a_role(
        sysadmin: User, tree: Any, role_groups: Any, client_for: Any) -> None:
    response = client_for(sysadmin).post(reverse("admin:accounts_user_add"), {
        "username": "backdoor", "unit": tree["county_a"].pk, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
        "groups": [role_groups[roles.CADRE_SUPERVISION].pk],
        "user_permissions": [perm("cadres.view_unmasked_id_number").pk]})
    assert response.status_code == 200 and "只有安全管理员可以分配角色和权限" in form_errors(response)
    assert not User.objects.filter(username="backdoor").exists()
    refused_once(sysadmin, None, "只有安全管理员")


def test_an_account_without_a_unit_is_refused_with_a_chinese_message(
        sysadmin: User, client_for: Any) -> None:
    response = client_for(sysadmin).post(reverse("admin:accounts_user_add"), {
        "username": "nowhere", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 200 and "每个工作人员账号都必须属于一个单位" in form_errors(response)
    assert not User.objects.filter(username="nowhere").exists()


def test_a_reset_password_must_be_changed_at_the_next_login(
        sysadmin: User, county_a_clerk: User, client_for: Any) -> None:
    response = client_for(sysadmin).post(password_url(county_a_clerk), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                               "usable_password": "true"})
    assert response.status_code == 302
    county_a_clerk.refresh_from_db()
    assert county_a_clerk.check_password(NEW_PASSWORD) and county_a_clerk.password_must_change

    owner = Client()
    owner.post(reverse("admin:login"), {"username": county_a_clerk.username, "password": NEW_PASSWORD,
                                        "next": "/admin/"})
    for page in ("/admin/", reverse("admin:cadres_cadre_changelist")):
        response = owner.get(page)
        assert response.status_code == 302 and response["Location"] == reverse("admin:password_change")
    response = owner.post(reverse("admin:password_change"), {
        "old_password": NEW_PASSWORD, "new_password1": "Mine#Own2026pw", "new_password2": "Mine#Own2026pw"})
    assert response.status_code == 302
    county_a_clerk.refresh_from_db()
    assert not county_a_clerk.password_must_change
    assert owner.get("/admin/").status_code == 200


def test_the_system_administrator_cannot_reset_the_security_administrators_password(
        sysadmin: User, secadmin: User, client_for: Any) -> None:
    before = User.objects.get(pk=secadmin.pk).password
    response = client_for(sysadmin).post(password_url(secadmin),
                                         {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == user_url(secadmin)
    assert User.objects.get(pk=secadmin.pk).password == before
    refused_once(sysadmin, secadmin, "不能重置担任安全管理员的账号的密码")


def test_nobody_moves_their_own_account_to_a_wider_jurisdiction(
        sysadmin: User, tree: Any, client_for: Any, make_staff: Any) -> None:
    city_sysadmin = make_staff("city_sysadmin", tree["city"], roles.SYSTEM_ADMIN)
    client = client_for(city_sysadmin)
    data = post_data(client.get(user_url(city_sysadmin)).context["adminform"].form)
    assert "unit" not in data
    data["unit"] = tree["province"].pk
    response = client.post(user_url(city_sysadmin), data)
    assert response.status_code == 200 and "不能修改本人账号的所属单位" in form_errors(response)
    city_sysadmin.refresh_from_db()
    assert city_sysadmin.unit == tree["city"]
    refused_once(city_sysadmin, city_sysadmin, "不能修改本人账号")


# ---------------------------------------------------------------------------
# The security administrator: roles, rights and lockouts; no accounts, no passwords
# ---------------------------------------------------------------------------

def test_the_security_administrator_cannot_set_a_password(
        secadmin: User, county_a_clerk: User, client_for: Any) -> None:
    before = User.objects.get(pk=county_a_clerk.pk).password
    client = client_for(secadmin)
    url = password_url(county_a_clerk)
    page = client.get(url, follow=True)
    assert "只有系统管理员可以重置其他账号的密码" in page.content.decode()
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(pk=county_a_clerk.pk).password == before
    refused_once(secadmin, county_a_clerk, "只有系统管理员可以重置")


def test_the_security_administrator_cannot_create_an_account(
        secadmin: User, tree: Any, client_for: Any) -> None:
    response = client_for(secadmin).post(reverse("admin:accounts_user_add"), {
        "username": "shadow", "unit": tree["province"].pk, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True)
    assert "只有系统管理员可以创建账号" in response.content.decode()
    assert not User.objects.filter(username="shadow").exists()
    refused_once(secadmin, None, "只有系统管理员可以创建账号")


def test_the_security_administrator_cannot_move_an_account_to_another_unit(
        secadmin: User, county_a_clerk: User, tree: Any, client_for: Any) -> None:
    client = client_for(secadmin)
    data = post_data(client.get(user_url(county_a_clerk)).context["adminform"].form)
    assert "unit" not in data and "groups" in data
    data["unit"] = tree["province"].pk
    response = client.post(user_url(county_a_clerk), data)
    assert response.status_code == 200 and "只有系统管理员可以修改账号的基本信息" in form_errors(response)
    county_a_clerk.refresh_from_db()
    assert county_a_clerk.unit == tree["county_a"]
    refused_once(secadmin, county_a_clerk, "只有系统管理员")


def test_the_security_administrator_gives_a_role_and_the_grant_is_audited(
        secadmin: User, newcomer: User, role_groups: Any, client_for: Any) -> None:
    client = client_for(secadmin)
    data = post_data(client.get(user_url(newcomer)).context["adminform"].form)
    data["groups"] = [role_groups[roles.CADRE_SUPERVISION].pk]
    assert client.post(user_url(newcomer), data).status_code == 302
    assert list(newcomer.groups.values_list("name", flat=True)) == [roles.CADRE_SUPERVISION]
    granted = of(newcomer).get(action=AuditAction.PERMISSION, success=True)
    assert granted.actor == secadmin and roles.CADRE_SUPERVISION in granted.message


def test_the_security_administrator_gives_the_unmask_right_to_a_cadre_clerk_one_by_one(
        secadmin: User, newcomer: User, role_groups: Any, client_for: Any) -> None:
    newcomer.groups.set([role_groups[roles.CADRE_SUPERVISION]])
    client = client_for(secadmin)
    data = post_data(client.get(user_url(newcomer)).context["adminform"].form)
    data["user_permissions"] = [perm("cadres.view_unmasked_id_number").pk]
    assert client.post(user_url(newcomer), data).status_code == 302
    assert User.objects.get(pk=newcomer.pk).has_perm("cadres.view_unmasked_id_number")


def test_nobody_gives_a_read_only_account_the_unmask_right(
        secadmin: User, newcomer: User, role_groups: Any, client_for: Any) -> None:
    newcomer.groups.set([role_groups[roles.READ_ONLY]])
    client = client_for(secadmin)
    data = post_data(client.get(user_url(newcomer)).context["adminform"].form)
    data["user_permissions"] = [perm("cadres.view_unmasked_id_number").pk]
    response = client.post(user_url(newcomer), data)
    assert response.status_code == 200
    assert "角色「只读查阅」不能持有这些权限" in form_errors(response)
    errors = form_errors(response)
    assert roles.permission_display(perm("cadres.view_unmasked_id_number")) in errors
    assert "cadres.view_unmasked_id_number" not in errors
    assert not newcomer.user_permissions.exists()
    refused_once(secadmin, newcomer, "不能持有这些权限")


def test_nobody_gives_one_account_an_administrator_role_and_a_business_role(
        secadmin: User, newcomer: User, role_groups: Any, client_for: Any) -> None:
    client = client_for(secadmin)
    data = post_data(client.get(user_url(newcomer)).context["adminform"].form)
    data["groups"] = [role_groups[roles.SYSTEM_ADMIN].pk, role_groups[roles.CADRE_SUPERVISION].pk]
    response = client.post(user_url(newcomer), data)
    assert response.status_code == 200 and "三员分立" in form_errors(response)
    assert not newcomer.groups.exists()
    refused_once(secadmin, newcomer, "不能与业务角色或只读查阅角色")


def test_nobody_gives_one_account_two_administrator_roles(
        secadmin: User, newcomer: User, role_groups: Any) -> None:
    with pytest.raises(ValidationError, match="只能担任一个管理员角色"):
        services.account_set_roles(actor=secadmin, user=newcomer,
                                   groups=[role_groups[roles.SYSTEM_ADMIN], role_groups[roles.AUDIT_ADMIN]])
    assert not newcomer.groups.exists()
    refused_once(secadmin, newcomer, "只能担任一个管理员角色")


def test_the_security_administrator_creates_a_narrower_role_and_the_grant_is_audited(
        secadmin: User, client_for: Any) -> None:
    response = client_for(secadmin).post(reverse("admin:auth_group_add"), {
        "name": "干部信息查阅", "permissions": [perm("cadres.view_cadre").pk, perm("cadres.view_post").pk]})
    assert response.status_code == 302
    created = Group.objects.get(name="干部信息查阅")
    assert {p.codename for p in created.permissions.all()} == {"view_cadre", "view_post"}
    granted = of(created).get(action=AuditAction.PERMISSION, success=True)
    assert granted.actor == secadmin and "cadres.view_cadre" in granted.message


def test_nobody_creates_a_role_that_may_delete_the_audit_trail(
        secadmin: User, client_for: Any) -> None:
    response = client_for(secadmin).post(reverse("admin:auth_group_add"), {
        "name": "清理员", "permissions": [perm("audit.delete_auditlog").pk, perm("audit.view_auditlog").pk]})
    assert response.status_code == 200 and "写入或删除审计日志" in form_errors(response)
    assert not Group.objects.filter(name="清理员").exists()
    refused_once(secadmin, None, "写入或删除审计日志")


def test_nobody_widens_a_role_beyond_the_role_table(
        secadmin: User, role_groups: Any, client_for: Any) -> None:
    reader = role_groups[roles.READ_ONLY]
    before = set(reader.permissions.values_list("pk", flat=True))
    client = client_for(secadmin)
    for label, words in (("cadres.view_unmasked_id_number", "只能由安全管理员逐人授予"),
                         ("cadres.change_cadre", "以角色权限表为准")):
        data = post_data(client.get(role_url(reader)).context["adminform"].form)
        data["permissions"] = [*data["permissions"], perm(label).pk]
        response = client.post(role_url(reader), data)
        assert response.status_code == 200 and words in form_errors(response)
        assert set(reader.permissions.values_list("pk", flat=True)) == before
    assert refusals(secadmin, reader).count() == 2


def test_a_custom_role_cannot_carry_its_members_beyond_their_roles(
        secadmin: User, county_a_clerk: User, client_for: Any) -> None:
    helpers = Group.objects.create(name="协助组")
    county_a_clerk.groups.add(helpers)
    client = client_for(secadmin)
    data = post_data(client.get(role_url(helpers)).context["adminform"].form)
    data["permissions"] = [perm("auth.change_group").pk]
    response = client.post(role_url(helpers), data)
    assert response.status_code == 200 and "county_a_clerk" in form_errors(response)
    assert not helpers.permissions.exists()
    refused_once(secadmin, helpers, "超出其角色的权限")


def test_nobody_edits_a_role_they_hold_and_the_attempt_is_audited(
        secadmin: User, role_groups: Any, client_for: Any) -> None:
    own = role_groups[roles.SECURITY_ADMIN]
    before = set(own.permissions.values_list("pk", flat=True))
    response = client_for(secadmin).post(role_url(own), {
        "name": own.name, "permissions": [*before, perm("cadres.view_cadre").pk]}, follow=True)
    assert "不能修改本人所担任角色的权限" in response.content.decode()
    assert set(own.permissions.values_list("pk", flat=True)) == before
    refused_once(secadmin, own, "不能修改本人所担任角色的权限")


def test_the_system_administrator_cannot_edit_a_role(sysadmin: User, role_groups: Any, client_for: Any) -> None:
    reader = role_groups[roles.READ_ONLY]
    response = client_for(sysadmin).post(role_url(reader), {
        "name": reader.name, "permissions": [perm("cadres.view_unmasked_id_number").pk]}, follow=True)
    assert "只有安全管理员可以创建或修改角色" in response.content.decode()
    assert not reader.permissions.filter(codename="view_unmasked_id_number").exists()
    refused_once(sysadmin, reader, "只有安全管理员")


def test_the_audit_administrator_only_reads_the_trail(personas: dict[str, User], client_for: Any) -> None:
    auditor = personas["audit_admin"]
    assert auditor.get_all_permissions() == {"audit.view_auditlog"}
    client = client_for(auditor)
    assert client.get(reverse("admin:audit_auditlog_changelist")).status_code == 200
    assert client.get(user_url(personas["county_a_clerk"])).status_code == 403
    assert client.post(reverse("admin:accounts_user_add"), {"username": "x"}).status_code == 403


# ---------------------------------------------------------------------------
# The same rules through the services and the command
# ---------------------------------------------------------------------------

def test_the_role_service_refuses_the_system_administrator(sysadmin: User, newcomer: User, role_groups: Any) -> None:
    with pytest.raises(ValidationError, match="只有安全管理员可以分配角色和权限"):
        services.account_set_roles(actor=sysadmin, user=newcomer, groups=[role_groups[roles.CADRE_SUPERVISION]],
                                   permissions=[perm("cadres.view_unmasked_id_number")])
    assert not newcomer.groups.exists() and not newcomer.user_permissions.exists()
    refused_once(sysadmin, newcomer, "只有安全管理员")


def test_the_password_service_refuses_the_security_administrator(secadmin: User, county_a_clerk: User) -> None:
    with pytest.raises(ValidationError, match="只有系统管理员可以重置"):
        services.account_reset_password(actor=secadmin, user=county_a_clerk, password=NEW_PASSWORD)
    assert User.objects.get(pk=county_a_clerk.pk).check_password(PASSWORD)
    refused_once(secadmin, county_a_clerk, "只有系统管理员可以重置")


def test_the_account_service_refuses_the_security_administrator(secadmin: User, tree: Any) -> None:
    with pytest.raises(ValidationError, match="只有系统管理员可以创建账号"):
        services.account_create(actor=secadmin, user=User(username="shadow", unit=tree["province"]),
                                password=NEW_PASSWORD)
    assert not User.objects.filter(username="shadow").exists()
    refused_once(secadmin, None, "只有系统管理员可以创建账号")


def test_the_role_service_refuses_a_role_that_may_delete_the_audit_trail(secadmin: User) -> None:
    with pytest.raises(ValidationError, match="写入或删除审计日志"):
        services.role_save(actor=secadmin, group=Group(name="清理员"), permissions=[perm("audit.delete_auditlog")])
    assert not Group.objects.filter(name="清理员").exists()
    refused_once(secadmin, None, "写入或删除审计日志")


def test_nobody_changes_their_own_roles_through_the_service(secadmin: User, role_groups: Any) -> None:
    with pytest.raises(ValidationError, match="不能修改本人账号的角色和权限"):
        services.account_set_roles(actor=secadmin, user=secadmin,
                                   groups=[role_groups[roles.SECURITY_ADMIN], role_groups[roles.CADRE_SUPERVISION]])
    refused_once(secadmin, secadmin, "不能修改本人")


def test_create_staff_refuses_a_role_that_may_not_hold_the_accounts_own_rights(
        newcomer: User, role_groups: Any) -> None:
    newcomer.groups.set([role_groups[roles.CADRE_SUPERVISION]])
    newcomer.user_permissions.add(perm("cadres.view_unmasked_id_number"))
    with pytest.raises(CommandError, match=roles.permission_display(perm("cadres.view_unmasked_id_number"))):
        call_command("create_staff", "newcomer", "--unit", "620103", "--role", roles.READ_ONLY, stdout=StringIO())
    assert list(newcomer.groups.values_list("name", flat=True)) == [roles.CADRE_SUPERVISION]
    refused_once(None, newcomer, "只读查阅")


def test_a_password_set_by_create_staff_must_be_changed_at_the_next_login(
        county_a_clerk: User, tree: Any) -> None:
    call_command("create_staff", "county_a_clerk", "--unit", "620102", "--role", roles.CADRE_SUPERVISION,
                 "--password", NEW_PASSWORD, stdout=StringIO())
    county_a_clerk.refresh_from_db()
    assert county_a_clerk.check_password(NEW_PASSWORD) and county_a_clerk.password_must_change
    call_command("create_staff", "brand_new", "--unit", "620102", "--role", roles.READ_ONLY,
                 "--password", NEW_PASSWORD, stdout=StringIO())
    assert User.objects.get(username="brand_new").password_must_change


# ---------------------------------------------------------------------------
# check --deploy: what the database holds, whatever path wrote it
# ---------------------------------------------------------------------------

def separation_errors() -> str:
    """The 三员分立 errors of ``manage.py check --deploy`` (other deploy findings aside)."""
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", "--deploy", "--fail-level", "ERROR", stdout=StringIO(), stderr=StringIO())
    except SystemCheckError as error:
        return "\n".join(line for line in str(error).splitlines() if "orgwork.E001" in line)
    return ""


def test_check_deploy_is_clean_for_accounts_that_keep_to_their_duties(personas: dict[str, User]) -> None:
    assert separation_errors() == ""


def test_check_deploy_fails_on_one_account_holding_two_administrator_roles(make_staff: Any, tree: Any) -> None:
    make_staff("both", tree["province"], roles.SYSTEM_ADMIN, roles.SECURITY_ADMIN)
    assert "both" in separation_errors() and "只能担任一个管理员角色" in separation_errors()


@pytest.mark.parametrize("other", [roles.CADRE_SUPERVISION, roles.READ_ONLY])
def test_check_deploy_fails_on_an_administrator_also_holding_a_business_or_read_only_role(
        make_staff: Any, tree: Any, other: str) -> None:
    make_staff("mixed", tree["province"], roles.AUDIT_ADMIN, other)
    errors = separation_errors()
    assert "mixed" in errors and other in errors and "三员分立" in errors


def test_check_deploy_fails_on_a_role_widened_beyond_the_table(role_groups: Any) -> None:
    role_groups[roles.SECURITY_ADMIN].permissions.add(perm("audit.delete_auditlog"))
    errors = separation_errors()
    assert "安全管理员" in errors and "audit.delete_auditlog" in errors


def test_check_deploy_fails_on_an_account_holding_rights_beyond_its_roles(view_only_auditor: User) -> None:
    view_only_auditor.user_permissions.add(perm("cadres.view_unmasked_id_number"))
    errors = separation_errors()
    assert "view_only_auditor" in errors and "cadres.view_unmasked_id_number" in errors


def test_only_the_system_administrator_is_offered_the_password_reset_link(personas: dict[str, Any], client_for: Any) -> None:
    target = personas["county_a_clerk"]
    page = client_for(personas["security_admin"]).get(reverse("admin:accounts_user_change", args=[target.pk]))
    assert page.status_code == 200
    reset = reverse("admin:auth_user_password_change", args=[target.pk])
    assert 'id="id_password"' not in page.content.decode() and reset not in page.content.decode()
    shown = client_for(personas["system_admin"]).get(reverse("admin:accounts_user_change", args=[target.pk]))
    assert reset in shown.content.decode() and "重置密码" in shown.content.decode()


def test_the_system_administrator_is_not_offered_a_reset_of_another_administrators_password(
        sysadmin: User, secadmin: User, client_for: Any) -> None:
    """The reset page would refuse it (「不能重置担任安全管理员的账号的密码」): no link leads there."""
    page = client_for(sysadmin).get(user_url(secadmin))
    assert page.status_code == 200
    assert password_url(secadmin) not in page.content.decode() and "重置密码（本人" not in page.content.decode()
