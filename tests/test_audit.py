"""The audit trail: every change recorded with actor, time, old and new values;
nobody changes or deletes it through the app."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import psycopg
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from orgwork.accounts.models import User
from orgwork.audit.context import acting_as
from orgwork.audit.models import AuditAction, AuditLog, AuditSource
from orgwork.imports.writer import copy_rows
from orgwork.units.models import Unit


def named_entry(user: Any) -> AuditLog:
    return AuditLog.objects.create(actor=user, actor_name=user.username, action=AuditAction.UPDATE,
                                   content_type=ContentType.objects.get_for_model(Unit))


def unit_entries(unit: Unit) -> Any:
    return AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(Unit), object_id=str(unit.pk))


def test_an_admin_form_save_records_actor_and_old_and_new_values(
    personas: dict[str, Any], tree: dict[str, Unit], client_for: Any
) -> None:
    sysadmin = personas["system_admin"]
    unit = tree["county_a"]
    response = client_for(sysadmin).post(
        reverse("admin:units_unit_change", args=[unit.pk]),
        {"code": unit.code, "name": "城关区（新）", "parent": unit.parent_id, "unit_type": unit.unit_type,
         "level": unit.level, "sort_order": 0},
    )
    assert response.status_code == 302
    entry = unit_entries(unit).filter(action=AuditAction.UPDATE).latest("at")
    assert entry.actor == sysadmin
    assert entry.source == "web"
    assert entry.changes["name"] == ["城关区", "城关区（新）"]
    assert entry.unit_path == unit.path


def test_a_command_is_recorded_as_a_command(tree: dict[str, Unit]) -> None:
    with acting_as(None, source="command"):
        unit = Unit.objects.get(code="620103")
        unit.name = "七里河"
        unit.save()
    entry = unit_entries(unit).latest("at")
    assert (entry.action, entry.source, entry.actor) == (AuditAction.UPDATE, "command", None)


def test_a_save_that_changes_nothing_writes_no_row(tree: dict[str, Unit]) -> None:
    unit = Unit.objects.get(code="620103")
    before = unit_entries(unit).count()
    unit.save()
    assert unit_entries(unit).count() == before


def test_a_delete_is_recorded_with_the_last_values(tree: dict[str, Unit]) -> None:
    unit = Unit.objects.get(code="620102001")
    pk = unit.pk
    unit.delete()
    entry = AuditLog.objects.get(action=AuditAction.DELETE, object_id=str(pk))
    assert entry.changes["name"] == ["城关镇", None]


def test_passwords_never_reach_the_audit_log(personas: dict[str, Any]) -> None:
    user = personas["county_a_clerk"]
    user.set_password("Another#Pass2026")
    user.save()
    entry = AuditLog.objects.filter(object_id=str(user.pk), action=AuditAction.UPDATE).latest("at")
    assert entry.changes["password"][1] == "***"
    assert "Another" not in str(entry.changes)


def test_granting_a_role_is_recorded_as_a_permission_change(personas: dict[str, Any], role_groups: Any) -> None:
    user = personas["county_b_clerk"]
    user.groups.add(role_groups["只读查阅"])
    entry = AuditLog.objects.filter(action=AuditAction.PERMISSION, object_id=str(user.pk)).latest("at")
    assert "授予角色" in entry.message and "只读查阅" in entry.message


def test_nobody_can_change_or_delete_audit_rows_in_the_admin(personas: dict[str, Any], client_for: Any, tree: Any) -> None:
    entry = AuditLog.objects.first()
    assert entry is not None
    auditor = client_for(personas["audit_admin"])
    assert auditor.get(reverse("admin:audit_auditlog_changelist")).status_code == 200
    assert auditor.get(reverse("admin:audit_auditlog_change", args=[entry.pk])).status_code == 200
    assert auditor.post(reverse("admin:audit_auditlog_change", args=[entry.pk]), {"message": "x"}).status_code == 403
    assert auditor.post(reverse("admin:audit_auditlog_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert auditor.get(reverse("admin:audit_auditlog_add")).status_code == 403
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def test_only_the_audit_role_reads_the_audit_log(personas: dict[str, Any], client_for: Any) -> None:
    for name in ("system_admin", "security_admin", "county_a_clerk", "view_only_auditor"):
        assert client_for(personas[name]).get(reverse("admin:audit_auditlog_changelist")).status_code == 403, name


def test_a_county_auditor_sees_only_its_county_rows(make_staff: Any, tree: dict[str, Unit], client_for: Any) -> None:
    county_auditor = make_staff("county_auditor", tree["county_b"], "审计管理员")
    response = client_for(county_auditor).get(reverse("admin:audit_auditlog_changelist"))
    paths = set(response.context["cl"].queryset.values_list("unit_path", flat=True))
    assert paths and all(p.startswith(tree["county_b"].path) for p in paths)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_the_database_refuses_to_update_or_delete_recent_audit_rows(tree: Any) -> None:
    entry = AuditLog.objects.first()
    with pytest.raises(DatabaseError, match="审计日志不可修改"), transaction.atomic():
        AuditLog.objects.filter(pk=entry.pk).update(message="tampered")
    with pytest.raises(DatabaseError, match="不可删除"), transaction.atomic():
        AuditLog.objects.filter(pk=entry.pk).delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
@pytest.mark.parametrize("key, message", [("actor_id", "操作人不存在"), ("content_type_id", "对象类型不存在")])
def test_the_database_refuses_audit_rows_that_point_nowhere(personas: dict[str, Any], key: str, message: str) -> None:
    """One check per statement stands in for the foreign-key constraint: for one row
    and for a COPY of many, where a single bad row refuses the whole statement."""
    good = named_entry(personas["county_a_clerk"])
    with pytest.raises(IntegrityError, match=message), transaction.atomic():
        AuditLog.objects.create(action=AuditAction.CREATE, **{key: 2_000_000_000})
    fields = [f for f in AuditLog._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    rows = [[json.dumps(good.changes) if f.name == "changes" else getattr(good, f.attname) for f in fields]
            for _ in range(200)]
    rows[150][columns.index(key)] = 2_000_000_000
    with pytest.raises(IntegrityError, match=message), transaction.atomic():
        copy_rows(AuditLog._meta.db_table, columns, rows)
    before = AuditLog.objects.count()
    del rows[150]
    copy_rows(AuditLog._meta.db_table, columns, rows)
    assert AuditLog.objects.count() == before + 199


def test_changes_are_kept_as_written_and_every_lookup_still_works(personas: dict[str, Any]) -> None:
    changes = {"name": [None, "王五"], "status": ["active", "retired"], "version": 2}
    entry = AuditLog.objects.create(actor=personas["county_a_clerk"], action=AuditAction.UPDATE, changes=changes)
    AuditLog.objects.bulk_create([AuditLog(action=AuditAction.UPDATE, changes={"z": 1, "a": [1, 2]})])
    assert AuditLog.objects.get(pk=entry.pk).changes == changes
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT changes::text, pg_typeof(changes)::text FROM audit_auditlog WHERE id = %s", [entry.pk])
            # json, not jsonb: the text as written, keys in their order, not re-sorted
            assert cursor.fetchone() == ('{"name": [null, "王五"], "status": ["active", "retired"], "version": 2}', "json")
    found = AuditLog.objects.filter
    assert list(found(changes__status__1="retired")) == [entry]
    assert list(found(changes__name__icontains="王")) == [entry]
    assert list(found(changes__version__gt=1)) == [entry]
    assert list(found(changes__has_key="status")) == [entry]
    assert list(found(changes__contains={"version": 2})) == [entry]
    assert list(found(changes=changes)) == [entry]
    assert found(changes={"z": 1, "a": [1, 2]}).count() == 1


def test_a_user_or_a_content_type_named_in_the_audit_trail_cannot_be_deleted(personas: dict[str, Any]) -> None:
    entry = named_entry(personas["county_a_clerk"])
    with pytest.raises(ProtectedError), transaction.atomic():
        entry.actor.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        entry.content_type.delete()


def test_prune_refuses_anything_younger_than_180_days(tree: Any) -> None:
    with pytest.raises(CommandError, match="至少保留 180 天"):
        call_command("prune_audit", "--older-than-days", "30", "--yes")


def _referent(kind: str) -> Any:
    """A user or a content type that nothing else refers to, so a raw DELETE of it is
    held up by the audit trail alone."""
    if kind == "actor_id":
        return User.objects.create_user("leaving-clerk")
    return ContentType.objects.create(app_label="gone", model="retired")


def _second_connection() -> Any:
    settings = connection.settings_dict
    return psycopg.connect(dbname=settings["NAME"], user=settings["USER"], password=settings["PASSWORD"],
                           host=settings["HOST"], port=settings["PORT"] or None)


def _wait_until_blocked() -> None:
    """Until a session of this database waits for a row lock, or fail."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            # Inside a transaction the activity view is read once and kept; read it afresh.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                           " AND wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                return
        time.sleep(0.02)
    pytest.fail("the second transaction never waited for the first")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers exist on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("key, refused", [("actor_id", "审计日志记录了该账号"), ("content_type_id", "审计日志记录了该对象类型")])
def test_a_delete_racing_an_import_waits_for_it_and_is_refused(key: str, refused: str) -> None:
    """Django's PROTECT looks for audit rows before its DELETE; an import's rows that are
    not committed yet are invisible to it. The database holds the reference instead."""
    referent = _referent(key)
    table = referent._meta.db_table
    outcome: dict[str, Any] = {}

    def delete_it() -> None:
        with _second_connection() as other:
            try:
                other.execute(f'DELETE FROM "{table}" WHERE id = %s', [referent.pk])
                other.commit()
            except psycopg.Error as error:
                outcome["error"] = error

    with transaction.atomic():
        AuditLog.objects.create(action=AuditAction.IMPORT, source=AuditSource.IMPORT, **{key: referent.pk})
        deleter = threading.Thread(target=delete_it)
        deleter.start()
        _wait_until_blocked()
    deleter.join(10)
    assert isinstance(outcome.get("error"), psycopg.errors.ForeignKeyViolation)
    assert refused in str(outcome["error"])
    assert type(referent).objects.filter(pk=referent.pk).exists()
    assert AuditLog.objects.filter(**{key: referent.pk}).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers exist on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("key, missing", [("actor_id", "操作人不存在"), ("content_type_id", "对象类型不存在")])
def test_an_import_racing_a_delete_waits_for_it_and_is_refused(key: str, missing: str) -> None:
    referent = _referent(key)
    outcome: dict[str, Any] = {}

    def write_audit() -> None:
        try:
            with transaction.atomic():
                AuditLog.objects.create(action=AuditAction.IMPORT, source=AuditSource.IMPORT, **{key: referent.pk})
        except IntegrityError as error:
            outcome["error"] = error
        finally:
            connection.close()

    with _second_connection() as other:
        other.execute(f'DELETE FROM "{referent._meta.db_table}" WHERE id = %s', [referent.pk])
        writer = threading.Thread(target=write_audit)
        writer.start()
        _wait_until_blocked()
        other.commit()
    writer.join(10)
    assert missing in str(outcome.get("error"))
    assert not AuditLog.objects.filter(**{key: referent.pk}).exists()
