"""What 三员分立 keeps in place: accounts are disabled, never deleted. On every path that
could break it — the record's delete page, the list's bulk delete — and each refusal says why in Chinese, changes
nothing and leaves an unsuccessful 权限变更 row, as the other 三员分立 refusals do."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from orgwork.accounts import duties, roles
from orgwork.accounts.models import User
from orgwork.audit.models import AuditAction, AuditLog

from .test_separation_of_duties import refused_once

pytestmark = pytest.mark.django_db
KEPT = "工作人员账号不能删除"


@pytest.fixture
def root(tree: Any) -> User:
    return User.objects.create_superuser(username="root", password="Root#pass2026x", unit=tree["province"])


def delete_url(target: Any) -> str:
    return reverse("admin:accounts_user_delete", args=[target.pk])


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


def test_the_account_list_has_no_bulk_delete(personas: dict[str, User], root: User, client_for: Any) -> None:
    client = client_for(root)
    changelist = reverse("admin:accounts_user_changelist")
    assert "delete_selected" not in client.get(changelist).content.decode()
    chosen = [personas["audit_admin"].pk, personas["county_a_clerk"].pk]
    answer = client.post(changelist, {"action": "delete_selected", "_selected_action": chosen, "post": "yes"})
    assert answer.status_code in (200, 302)
    assert User.objects.filter(pk__in=chosen).count() == 2


def test_the_refusal_names_the_last_administrator_only_while_it_is_the_last(
        personas: dict[str, User], make_staff: Any, tree: Any) -> None:
    auditor = personas["audit_admin"]
    assert "唯一在用的审计管理员" in duties.delete_refusal(auditor)
    make_staff("audit_admin_2", tree["province"], roles.AUDIT_ADMIN)
    assert duties.delete_refusal(auditor) == duties.ACCOUNT_KEPT


# ---------------------------------------------------------------------
