"""三员 stay staffed: the last enabled holder of 系统管理员, 安全管理员 or 审计管理员 keeps the
role and stays enabled — on the account form, in the services and in ``create_staff`` —
or nobody could keep accounts, give roles or read the audit trail. Each refusal says
why in Chinese and leaves an unsuccessful 权限变更 row, as the other 三员分立 refusals do."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from orgwork.accounts import roles, services
from orgwork.accounts.models import User

from .test_separation_of_duties import form_errors, post_data, refused_once, user_url

pytestmark = pytest.mark.django_db
LAST = "是目前唯一在用的"


def held(user: User) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


def saved_without(client: Any, user: User, field: str) -> Any:
    """The account's page submitted as it stands, with ``field`` cleared."""
    data = post_data(client.get(user_url(user)).context["adminform"].form)
    data.pop(field)
    return client.post(user_url(user), data)


def test_the_security_administrator_cannot_save_the_last_audit_administrator_without_a_role(
        personas: dict[str, User], client_for: Any) -> None:
    secadmin, auditor = personas["security_admin"], personas["audit_admin"]
    response = saved_without(client_for(secadmin), auditor, "groups")
    assert response.status_code == 200
    assert ("账号 audit_admin 是目前唯一在用的审计管理员：撤销其审计管理员角色后将无人履行审计管理员的职责（三员分立）。"
            "请先为另一个账号分配审计管理员角色。") in form_errors(response)
    assert held(auditor) == [roles.AUDIT_ADMIN]
    refused_once(secadmin, auditor, LAST)


def test_the_security_administrator_may_take_the_role_away_once_another_enabled_account_holds_it(
        personas: dict[str, User], make_staff: Any, tree: Any, client_for: Any) -> None:
    make_staff("audit_admin_2", tree["province"], roles.AUDIT_ADMIN)
    auditor = personas["audit_admin"]
    assert saved_without(client_for(personas["security_admin"]), auditor, "groups").status_code == 302
    assert held(auditor) == []


def test_a_disabled_holder_does_not_keep_the_audit_administrators_duty_staffed(
        personas: dict[str, User], make_staff: Any, tree: Any) -> None:
    stand_in = make_staff("audit_admin_2", tree["province"], roles.AUDIT_ADMIN)
    stand_in.is_active = False
    stand_in.save(update_fields=["is_active"])
    auditor = personas["audit_admin"]
    with pytest.raises(ValidationError, match=LAST):
        services.account_set_roles(actor=personas["security_admin"], user=auditor, groups=[])
    assert held(auditor) == [roles.AUDIT_ADMIN]


def test_the_system_administrator_cannot_disable_the_last_security_administrator(
        personas: dict[str, User], client_for: Any) -> None:
    sysadmin, secadmin = personas["system_admin"], personas["security_admin"]
    response = saved_without(client_for(sysadmin), secadmin, "is_active")
    assert response.status_code == 200
    assert "账号 security_admin 是目前唯一在用的安全管理员：停用此账号后将无人履行安全管理员的职责" in form_errors(response)
    secadmin.refresh_from_db()
    assert secadmin.is_active
    refused_once(sysadmin, secadmin, LAST)


@pytest.mark.parametrize("persona, role", [("system_admin", roles.SYSTEM_ADMIN),
                                           ("security_admin", roles.SECURITY_ADMIN),
                                           ("audit_admin", roles.AUDIT_ADMIN)])
def test_the_role_service_keeps_each_administrator_role_on_its_last_holder(
        personas: dict[str, User], role_groups: Any, persona: str, role: str) -> None:
    holder = personas[persona]
    with pytest.raises(ValidationError, match=f"唯一在用的{role}"):
        services.account_set_roles(actor=None, user=holder, groups=[role_groups[roles.READ_ONLY]])
    assert held(holder) == [role]
    refused_once(None, holder, LAST)


@pytest.mark.parametrize("persona", ["system_admin", "security_admin", "audit_admin"])
def test_the_account_service_keeps_the_last_holder_of_each_administrator_role_enabled(
        personas: dict[str, User], persona: str) -> None:
    holder = personas[persona]
    holder.is_active = False
    with pytest.raises(ValidationError, match="停用此账号后将无人履行"):
        services.account_save(actor=None, user=holder)
    holder.refresh_from_db()
    assert holder.is_active


def test_create_staff_cannot_move_the_last_audit_administrator_to_a_business_role(
        personas: dict[str, User]) -> None:
    auditor = personas["audit_admin"]
    with pytest.raises(CommandError, match="唯一在用的审计管理员"):
        call_command("create_staff", "audit_admin", "--unit", "62", "--role", roles.CADRE_SUPERVISION, stdout=StringIO())
    assert held(auditor) == [roles.AUDIT_ADMIN]
    refused_once(None, auditor, LAST)


def test_create_staff_may_move_an_audit_administrator_once_another_holds_the_role(
        personas: dict[str, User], make_staff: Any, tree: Any) -> None:
    make_staff("audit_admin_2", tree["province"], roles.AUDIT_ADMIN)
    call_command("create_staff", "audit_admin", "--unit", "62", "--role", roles.CADRE_SUPERVISION, stdout=StringIO())
    assert held(personas["audit_admin"]) == [roles.CADRE_SUPERVISION]


@pytest.mark.django_db(transaction=True)
def test_two_audit_administrators_removed_at_once_leave_one_of_them_holding_the_role(
        personas: dict[str, User], make_staff: Any, tree: Any, monkeypatch: Any) -> None:
    """Each removal counts the other as still holding the role; the role's lock makes the
    second count wait for the first removal, so the second is refused. Without it, both
    counts would pass (the barrier lets the two meet between counting and writing)."""
    import threading

    from django.db import connection

    from orgwork.accounts import duties

    first, second = personas["audit_admin"], make_staff("audit_admin_2", tree["province"], roles.AUDIT_ADMIN)
    counted = threading.Barrier(2, timeout=2)
    ask = duties.last_administrator_problem

    def counting_then_meeting(user: User, **kwargs: Any) -> str:
        answer = ask(user, **kwargs)
        try:
            counted.wait()
        except threading.BrokenBarrierError:
            pass  # the other removal is waiting for the lock, as it should
        return answer

    monkeypatch.setattr(duties, "last_administrator_problem", counting_then_meeting)
    outcomes: dict[str, str] = {}

    def remove(holder: User) -> None:
        try:
            services.account_set_roles(actor=None, user=holder, groups=[])
            outcomes[holder.username] = "removed"
        except ValidationError:
            outcomes[holder.username] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=remove, args=(holder,)) for holder in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["refused", "removed"]
    assert User.objects.filter(groups__name=roles.AUDIT_ADMIN, is_active=True).count() == 1
