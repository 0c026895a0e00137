"""What 三员分立 keeps in place: accounts are disabled, never deleted; the roles of the
role table are never deleted; an administrator role holds exactly its line of the table.
Each on every path that could break it — the record's delete page, the list's bulk
delete, the services, ``check --deploy`` — and each refusal says why in Chinese, changes
nothing and leaves an unsuccessful 权限变更 row, as the other 三员分立 refusals do."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgwork.accounts import duties, roles, services
from orgwork.accounts.models import User
from orgwork.audit.models import AuditAction, AuditLog

from .test_separation_of_duties import form_errors, of, perm, post_data, refused_once, role_url, separation_errors

pytestmark = pytest.mark.django_db
KEPT = "工作人员账号不能删除"
BUILT_IN = "不能删除：角色权限表中的角色始终保留"
STRIPPED = "不能去掉（三员分立）"


@pytest.fixture
def root(tree: Any) -> User:
    return User.objects.create_superuser(username="root", password="Root#pass2026x", unit=tree["province"])


def delete_url(target: Any) -> str:
    name = "admin:accounts_user_delete" if isinstance(target, User) else "admin:auth_group_delete"
    return reverse(name, args=[target.pk])


def rights(group: Group) -> set[int]:
    return set(group.permissions.values_list("pk", flat=True))


# ---------------------------------------------------------------------------
# Accounts: disabled, never deleted
# ---------------------------------------------------------------------------


def test_a_superuser_cannot_delete_the_last_audit_administrator_and_is_told_to_disable_once_another_holds_the_role(
        personas: dict[str, User], root: User, client_for: Any) -> None:
    auditor = personas["audit_admin"]
    page = client_for(root).post(delete_url(auditor), {"post": "yes"}, follow=True).content.decode()
    assert ("工作人员账号不能删除：账号的操作记录和审计日志须始终能对应到本人。不再使用的账号请停用。"
            "账号 audit_admin 是目前唯一在用的审计管理员：停用此账号后将无人履行审计管理员的职责（三员分立）。"
            "请先为另一个账号分配审计管理员角色。") in page
    assert User.objects.filter(pk=auditor.pk, is_active=True, groups__name=roles.AUDIT_ADMIN).exists()
    refused_once(root, auditor, "唯一在用的审计管理员")


def test_the_system_administrator_cannot_delete_a_clerks_account_and_is_told_to_disable_it(
        personas: dict[str, User], client_for: Any) -> None:
    sysadmin, clerk = personas["system_admin"], personas["county_a_clerk"]
    page = client_for(sysadmin).post(delete_url(clerk), {"post": "yes"}, follow=True).content.decode()
    assert "不再使用的账号请停用。" in page and "唯一在用" not in page
    assert User.objects.filter(pk=clerk.pk).exists()
    refused_once(sysadmin, clerk, KEPT)


def test_no_account_page_offers_a_delete_and_opening_the_delete_page_is_forbidden(
        personas: dict[str, User], root: User, client_for: Any) -> None:
    client = client_for(root)
    auditor = personas["audit_admin"]
    assert delete_url(auditor) not in client.get(reverse("admin:accounts_user_change", args=[auditor.pk])).content.decode()
    assert client.get(delete_url(auditor)).status_code == 403
    assert not AuditLog.objects.filter(action=AuditAction.PERMISSION, success=False).exists()


def test_the_account_list_has_no_bulk_delete_and_a_submitted_one_is_refused_and_audited(
        personas: dict[str, User], root: User, client_for: Any) -> None:
    client = client_for(root)
    changelist = reverse("admin:accounts_user_changelist")
    assert "delete_selected" not in client.get(changelist).content.decode()
    auditor, clerk = personas["audit_admin"], personas["county_a_clerk"]
    answer = client.post(changelist, {"action": "delete_selected", "_selected_action": [auditor.pk, clerk.pk],
                                      "post": "yes"}, follow=True)
    assert answer.redirect_chain == [(changelist, 302)]
    assert [str(m) for m in answer.context["messages"]] == [
        f"不能批量删除：{duties.delete_refusal(auditor)}；{duties.delete_refusal(clerk)}"]
    assert User.objects.filter(pk__in=[auditor.pk, clerk.pk]).count() == 2
    refused_once(root, auditor, "唯一在用的审计管理员")
    refused_once(root, clerk, KEPT)


def test_the_refusal_names_the_last_administrator_only_while_it_is_the_last(
        personas: dict[str, User], make_staff: Any, tree: Any) -> None:
    auditor = personas["audit_admin"]
    assert "唯一在用的审计管理员" in duties.delete_refusal(auditor)
    make_staff("audit_admin_2", tree["province"], roles.AUDIT_ADMIN)
    assert duties.delete_refusal(auditor) == duties.ACCOUNT_KEPT


# ---------------------------------------------------------------------------
# Roles of the table: never deleted
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*roles.ADMINISTRATOR_ROLES, roles.CADRE_SUPERVISION])
def test_a_superuser_cannot_delete_a_role_of_the_table(
        personas: dict[str, User], role_groups: Any, root: User, client_for: Any, role: str) -> None:
    group = role_groups[role]
    members, held = set(group.user_set.values_list("pk", flat=True)), rights(group)
    page = client_for(root).post(delete_url(group), {"post": "yes"}, follow=True).content.decode()
    assert f"内置角色「{role}」{BUILT_IN}" in page
    assert set(group.user_set.values_list("pk", flat=True)) == members and rights(group) == held
    refused_once(root, group, BUILT_IN)


def test_no_role_of_the_table_offers_a_delete_and_the_role_list_has_no_bulk_delete(
        role_groups: Any, root: User, client_for: Any) -> None:
    client = client_for(root)
    auditing = role_groups[roles.AUDIT_ADMIN]
    assert delete_url(auditing) not in client.get(role_url(auditing)).content.decode()
    assert client.get(delete_url(auditing)).status_code == 403
    changelist = reverse("admin:auth_group_changelist")
    assert "delete_selected" not in client.get(changelist).content.decode()
    chosen = [g.pk for g in role_groups.values()]
    answer = client.post(changelist, {"action": "delete_selected", "_selected_action": chosen, "post": "yes"}, follow=True)
    assert answer.redirect_chain == [(changelist, 302)]
    assert all(BUILT_IN in str(m) for m in answer.context["messages"])
    assert Group.objects.filter(pk__in=chosen).count() == len(chosen)
    refused_once(root, auditing, BUILT_IN)  # one unsuccessful 权限变更 row for each role chosen


def test_the_role_service_refuses_to_delete_a_role_of_the_table_for_the_server_operator_too(
        role_groups: Any) -> None:
    auditing = role_groups[roles.AUDIT_ADMIN]
    with pytest.raises(ValidationError, match=BUILT_IN):
        services.role_delete(actor=None, group=auditing)
    assert Group.objects.filter(pk=auditing.pk).exists()
    refused_once(None, auditing, BUILT_IN)


def test_the_security_administrator_cannot_delete_a_role(
        personas: dict[str, User], client_for: Any) -> None:
    secadmin = personas["security_admin"]
    helpers = Group.objects.create(name="协助组")
    page = client_for(secadmin).post(delete_url(helpers), {"post": "yes"}, follow=True).content.decode()
    assert "您没有删除角色的权限。" in page
    assert Group.objects.filter(pk=helpers.pk).exists()
    refused_once(secadmin, helpers, "没有删除角色的权限")


def test_a_superuser_deletes_a_custom_role_and_the_trail_names_its_members_and_rights(
        personas: dict[str, User], root: User, client_for: Any) -> None:
    helpers = Group.objects.create(name="协助组")
    helpers.permissions.add(perm("cadres.view_cadre"))
    personas["county_a_clerk"].groups.add(helpers)
    pk = helpers.pk
    assert client_for(root).post(delete_url(helpers), {"post": "yes"}).status_code == 302
    assert not Group.objects.filter(pk=pk).exists()
    row = AuditLog.objects.get(content_type=ContentType.objects.get_for_model(Group), object_id=str(pk),
                               action=AuditAction.PERMISSION, success=True, message="删除角色「协助组」")
    assert row.actor == root
    assert row.changes["deleted"] == {"role": "协助组", "permissions": ["cadres.view_cadre"],
                                      "members": ["county_a_clerk"]}


# ---------------------------------------------------------------------------
# An administrator role holds exactly its line of the table
# ---------------------------------------------------------------------------


def test_the_security_administrator_cannot_take_the_audit_trail_from_the_audit_administrators_role(
        personas: dict[str, User], role_groups: Any, client_for: Any) -> None:
    secadmin, auditing = personas["security_admin"], role_groups[roles.AUDIT_ADMIN]
    client = client_for(secadmin)
    data = post_data(client.get(role_url(auditing)).context["adminform"].form)
    data["permissions"] = []
    response = client.post(role_url(auditing), data)
    assert response.status_code == 200
    assert f"管理员角色「审计管理员」的权限以角色权限表为准，{STRIPPED}：审计 · 审计日志 · 可查看审计日志。" in form_errors(response)
    assert rights(auditing) == {perm("audit.view_auditlog").pk}
    refused_once(secadmin, auditing, STRIPPED)


@pytest.mark.parametrize("role", roles.ADMINISTRATOR_ROLES)
def test_the_role_service_keeps_each_administrator_role_to_its_line(role_groups: Any, role: str) -> None:
    group = role_groups[role]
    held = list(group.permissions.all())
    with pytest.raises(ValidationError, match=STRIPPED):
        services.role_save(actor=None, group=group, permissions=held[1:])
    assert rights(group) == {p.pk for p in held}
    refused_once(None, group, STRIPPED)


def test_the_security_administrator_may_narrow_a_business_role_below_its_line(
        personas: dict[str, User], role_groups: Any, client_for: Any) -> None:
    secadmin, reader = personas["security_admin"], role_groups[roles.READ_ONLY]
    dropped = perm("cadres.view_cadre")
    client = client_for(secadmin)
    data = post_data(client.get(role_url(reader)).context["adminform"].form)
    data["permissions"] = [pk for pk in data["permissions"] if pk != dropped.pk]
    assert client.post(role_url(reader), data).status_code == 302
    assert dropped.pk not in rights(reader)
    revoked = of(reader).get(action=AuditAction.PERMISSION, success=True, actor=secadmin)
    assert "撤销权限：cadres.view_cadre" in revoked.message


def test_check_deploy_fails_on_an_administrator_role_stripped_of_a_right(role_groups: Any) -> None:
    role_groups[roles.AUDIT_ADMIN].permissions.remove(perm("audit.view_auditlog"))
    errors = separation_errors()
    assert "管理员角色「审计管理员」缺少角色权限表中的权限：audit.view_auditlog" in errors


# ---------------------------------------------------------------------------
# An account's logins and rights are audit trail: the 审计管理员's to read
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["county_a_clerk", "system_admin", "security_admin"])
def test_an_accounts_history_of_logins_and_roles_is_neither_offered_nor_opened_outside_the_audit_trail(
        who: str, personas: dict[str, User], role_groups: Any, client_for: Any) -> None:
    colleague = personas["county_a_clerk"] if who != "county_a_clerk" else personas["county_b_clerk"]
    colleague.refresh_from_db()
    client = client_for(personas[who])
    page = client.get(reverse("admin:accounts_user_change", args=[colleague.pk]))
    history = reverse("admin:accounts_user_history", args=[colleague.pk])
    if page.status_code == 200:
        assert history not in page.content.decode()
    assert client.get(history).status_code == 403
    role = role_groups[roles.PARTY_BUILDING]
    assert client.get(reverse("admin:auth_group_history", args=[role.pk])).status_code in (403, 302)


def test_a_clerk_picking_a_colleague_sees_no_sign_in_dates_and_the_system_administrator_does(
        personas: dict[str, User], client_for: Any) -> None:
    colleague = personas["county_a_clerk"]
    User.objects.filter(pk=colleague.pk).update(last_login="2026-11-30T09:15:00+08:00")
    for who, shown in (("province_officer", False), ("security_admin", False), ("system_admin", True)):
        client = client_for(personas[who])
        listing = client.get(reverse("admin:accounts_user_changelist"))
        assert listing.status_code == 200
        assert ("last_login" in listing.context["cl"].list_display) is shown, who
        page = client.get(reverse("admin:accounts_user_change", args=[colleague.pk]))
        assert page.status_code == 200
        assert ("上次登录" in page.content.decode()) is shown, who


def test_the_role_pages_call_a_role_a_role_not_a_group(personas: dict[str, User], role_groups: Any,
                                                        client_for: Any) -> None:
    client = client_for(personas["security_admin"])
    for url in (reverse("admin:auth_group_changelist"),
                reverse("admin:auth_group_change", args=[role_groups[roles.PARTY_BUILDING].pk])):
        html = client.get(url).content.decode()
        assert "角色与权限" in html and "认证和授权" not in html
        assert "组" not in html.replace("组织", "")


def test_an_account_without_a_name_is_headed_by_its_username_as_written(personas: dict[str, User],
                                                                        client_for: Any) -> None:
    clerk = personas["county_a_clerk"]
    User.objects.filter(pk=clerk.pk).update(first_name="", last_name="")
    html = client_for(personas["system_admin"]).get(
        reverse("admin:accounts_user_change", args=[clerk.pk])).content.decode()
    assert "county_a_clerk" in html and "County_a_clerk" not in html
