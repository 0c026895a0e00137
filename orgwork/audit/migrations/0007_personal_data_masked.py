"""The audit trail keeps personal data masked, with a keyed hash, never in clear.

Rows written before rewrite ID numbers and phone numbers in place: a declared field's
old and new values become ``{"masked": …, "hmac": …}`` (``orgwork.common.secrets``),
and every other text of a row (its note, other values) has the ID and mobile numbers in
it masked. On PostgreSQL the append-only trigger refuses UPDATE; the migration lets
this one transaction through by replacing the trigger's function, and puts the very
same function back before it commits, so no other session ever sees it relaxed.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

from django.db import migrations

from orgwork.common import secrets

# The declaration as it stood when this migration was written (``secrets.SENSITIVE``).
SENSITIVE = {
    ("cadres", "cadre"): {"id_number": secrets.ID_NUMBER},
    ("talent", "person"): {"id_number": secrets.ID_NUMBER, "phone": secrets.PHONE},
}
REDACTED = "***"
BATCH = 2000

ALLOW_UPDATE = """
CREATE OR REPLACE FUNCTION audit_auditlog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RETURN NEW;
    END IF;
    IF OLD.at > now() - interval '180 days' THEN
        RAISE EXCEPTION '不足180天的审计日志不可删除';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
"""


def _kept(value: Any, kind: str) -> Any:
    if value in (None, "", REDACTED) or secrets.is_audit_value(value):
        return value
    return secrets.audit_value(value, kind)


def rewritten(changes: Any, message: str, fields: dict[str, str]) -> tuple[Any, str]:
    """A row's change record and note as the trail now keeps them."""
    if isinstance(changes, dict):
        out: dict[str, Any] = {}
        for name, pair in changes.items():
            kind = fields.get(name)
            if kind and isinstance(pair, list):
                out[name] = [_kept(v, kind) for v in pair]
            elif kind:
                out[name] = _kept(pair, kind)
            else:
                out[name] = secrets.shown_value(pair)
        changes = out
    else:
        changes = secrets.shown_value(changes)
    return changes, secrets.mask_text(message or "")


def rewrite_rows(apps: Any, connection: Any, sensitive: dict[tuple[str, str], dict[str, str]] = SENSITIVE,
                 scan_texts: bool = True) -> int:
    """Rewrite every row that may hold personal data in clear; the number rewritten.
    ``sensitive``: the declared fields by model; ``scan_texts``: also every other row
    with a long run of digits (an ID or mobile number in a note or a filter)."""
    AuditLog = apps.get_model("audit", "AuditLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    by_type = {ct.pk: sensitive[(ct.app_label, ct.model)]
               for ct in ContentType.objects.all() if (ct.app_label, ct.model) in sensitive}
    if not by_type and not scan_texts:
        return 0
    table = connection.ops.quote_name(AuditLog._meta.db_table)
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor, append_only_relaxed(cursor, postgres):
        # Candidates: rows of a declared model, and any row with eleven digits in a row
        # (an ID or mobile number may sit in a note or a filter).
        digits = "~ '[0-9]{11}'" if postgres else "GLOB '*[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]*'"
        types = ", ".join(str(pk) for pk in by_type) or "NULL"
        texts = f" OR CAST(changes AS TEXT) {digits} OR message {digits}" if scan_texts else ""
        select = (f"SELECT id, content_type_id, changes, message FROM {table} WHERE id > %s "
                  f"AND (content_type_id IN ({types}){texts}) "
                  f"ORDER BY id LIMIT {BATCH}")
        done = 0
        last = 0
        while True:
            cursor.execute(select, [last])
            rows = cursor.fetchall()
            if not rows:
                break
            last = rows[-1][0]
            batch: list[tuple[int, str, str]] = []
            for pk, type_id, changes, message in rows:
                loaded = json.loads(changes) if isinstance(changes, str) else changes
                new_changes, new_message = rewritten(loaded, message, by_type.get(type_id, {}))
                if new_changes != loaded or new_message != (message or ""):
                    batch.append((pk, json.dumps(new_changes, ensure_ascii=False), new_message))
            done += _update(cursor, table, batch, postgres)
    return done


@contextlib.contextmanager
def append_only_relaxed(cursor: Any, postgres: bool) -> Iterator[None]:
    """Inside: the append-only trigger lets UPDATE through (PostgreSQL; SQLite has no
    such trigger). After: the refusing function, exactly as it was. On an error the whole
    transaction, the relaxed function with it, is rolled back."""
    if not postgres:
        yield
        return
    cursor.execute("SELECT pg_get_functiondef('audit_auditlog_append_only'::regproc)")
    original = cursor.fetchone()[0]
    cursor.execute(ALLOW_UPDATE)
    yield
    cursor.execute(original)


def _update(cursor: Any, table: str, batch: list[tuple[int, str, str]], postgres: bool) -> int:
    if not batch:
        return 0
    if postgres:
        values = ", ".join(["(%s, %s, %s)"] * len(batch))
        cursor.execute(f"UPDATE {table} AS a SET changes = v.changes::json, message = v.message "
                       f"FROM (VALUES {values}) AS v(id, changes, message) WHERE a.id = v.id::bigint",
                       [p for row in batch for p in row])
    else:
        cursor.executemany(f"UPDATE {table} SET changes = %s, message = %s WHERE id = %s",
                           [(changes, message, pk) for pk, changes, message in batch])
    return len(batch)


def forward(apps: Any, schema_editor: Any) -> None:
    rewrite_rows(apps, schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_references_held_until_commit"), ("contenttypes", "0002_remove_content_type_name")]
    # Masked values cannot be unmasked: going back leaves the rows as they are.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
