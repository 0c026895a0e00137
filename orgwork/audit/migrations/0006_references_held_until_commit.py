"""The per-statement reference check of 0004 closes the two races a foreign-key
constraint closes, on PostgreSQL:

- an INSERT or COPY into the audit trail locks the users and content types it names
  (``FOR KEY SHARE``, the lock a constraint takes), so a concurrent delete of one of them
  waits for the writing transaction, and a delete already made but not yet committed
  makes the writer wait and then fail;
- deleting a user or a content type that audit rows name is refused by the database
  too, not only by ``PROTECT``: Django's check runs before the DELETE and cannot see an
  import's audit rows that commit while the DELETE waits for the lock.
"""

from django.conf import settings
from django.db import migrations


def _names(apps, quote):
    audit = quote(apps.get_model("audit", "AuditLog")._meta.db_table)
    user_meta = apps.get_model(settings.AUTH_USER_MODEL)._meta
    type_meta = apps.get_model("contenttypes", "ContentType")._meta
    return (audit, [
        ("actor_id", quote(user_meta.db_table), quote(user_meta.pk.column), "操作人不存在",
         "审计日志记录了该账号，不能删除", "audit_user_referenced"),
        ("content_type_id", quote(type_meta.db_table), quote(type_meta.pk.column), "对象类型不存在",
         "审计日志记录了该对象类型，不能删除", "audit_content_type_referenced"),
    ])


def _insert_check(references, lock):
    """The body of audit_auditlog_references(): with ``lock``, each referenced row is
    locked first; the check then runs on a fresh snapshot, so a row deleted by a
    transaction that committed while this one waited is found missing."""
    body = []
    for column, table, pk, missing, _, _ in references:
        if lock:
            body.append(f"    PERFORM 1 FROM {table} r WHERE r.{pk} IN (SELECT i.{column} FROM inserted i)"
                        f" FOR KEY SHARE OF r;")
        body.append(f"""    IF EXISTS (SELECT 1 FROM inserted i WHERE i.{column} IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM {table} r WHERE r.{pk} = i.{column})) THEN
        RAISE EXCEPTION '{missing}' USING ERRCODE = 'foreign_key_violation';
    END IF;""")
    return "CREATE OR REPLACE FUNCTION audit_auditlog_references() RETURNS trigger AS $$\nBEGIN\n" + \
        "\n".join(body) + "\n    RETURN NULL;\nEND;\n$$ LANGUAGE plpgsql;\n"


def _delete_guard(audit, reference):
    column, table, pk, _, referenced, name = reference
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM deleted d WHERE EXISTS (SELECT 1 FROM {audit} a WHERE a.{column} = d.{pk})) THEN
        RAISE EXCEPTION '{referenced}' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {name}
    AFTER DELETE ON {table} REFERENCING OLD TABLE AS deleted
    FOR EACH STATEMENT EXECUTE FUNCTION {name}();
"""


def _drop_delete_guard(audit, reference):
    _, table, _, _, _, name = reference
    return f"DROP TRIGGER IF EXISTS {name} ON {table};\nDROP FUNCTION IF EXISTS {name}();"


def _migrate(apps, schema_editor, forward):
    if schema_editor.connection.vendor != "postgresql":
        return
    audit, references = _names(apps, schema_editor.quote_name)
    guard = _delete_guard if forward else _drop_delete_guard
    statements = [_insert_check(references, lock=forward)] + [guard(audit, r) for r in references]
    schema_editor.execute("\n".join(statements))


def forward(apps, schema_editor):
    _migrate(apps, schema_editor, forward=True)


def backward(apps, schema_editor):
    _migrate(apps, schema_editor, forward=False)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0005_changes_kept_as_written"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(forward, backward)]
