"""The audit table's keys to users and content types are checked once per statement on
PostgreSQL, for all the rows it inserts, instead of by a foreign-key constraint that
looks up each row's targets one by one (see ``AuditLog.actor``)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _sql(apps, quote):
    audit = quote(apps.get_model("audit", "AuditLog")._meta.db_table)
    user_meta = apps.get_model(settings.AUTH_USER_MODEL)._meta
    users, user_pk = quote(user_meta.db_table), quote(user_meta.pk.column)
    type_meta = apps.get_model("contenttypes", "ContentType")._meta
    types, type_pk = quote(type_meta.db_table), quote(type_meta.pk.column)
    forward = f"""
CREATE OR REPLACE FUNCTION audit_auditlog_references() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM inserted i WHERE i.actor_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM {users} u WHERE u.{user_pk} = i.actor_id)) THEN
        RAISE EXCEPTION '审计日志的操作人不存在' USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM inserted i WHERE i.content_type_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM {types} t WHERE t.{type_pk} = i.content_type_id)) THEN
        RAISE EXCEPTION '审计日志的对象类型不存在' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditlog_references
    AFTER INSERT ON {audit} REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditlog_references();
"""
    backward = f"""
DROP TRIGGER IF EXISTS audit_auditlog_references ON {audit};
DROP FUNCTION IF EXISTS audit_auditlog_references();
"""
    return forward, backward


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_sql(apps, schema_editor.quote_name)[0])


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_sql(apps, schema_editor.quote_name)[1])


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_drop_redundant_fk_indexes'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditlog',
            name='actor',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人'),
        ),
        migrations.AlterField(
            model_name='auditlog',
            name='content_type',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype', verbose_name='对象类型'),
        ),
        migrations.RunPython(forward, backward),
    ]
