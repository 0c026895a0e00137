"""The contents of supervision records stay out of the audit trail: a 个人有关事项报告's
matters (婚姻变化…、房产投资收入…、出入境…、备注), an 抽查核实's 核查情况 and 处理情况, an
组织处理's 主要事实 and 函询回复. Their models now list them in ``audit_redacted_fields``
(the trail keeps ``***``: that the field changed, not what it says), as an account's
password is kept; the rows written before are rewritten the same way, under the guard
of the append-only trigger that migration 0007 relaxes for its one transaction. The
models are named by label (this kernel app imports no domain app)."""

from __future__ import annotations

import importlib
import json
from typing import Any

from django.db import migrations

# The redacted fields as they stood when this migration was written.
REDACTED_FIELDS = {
    ("supervision", "personalmattersreport"): ("marital_changes", "property_summary", "travel_summary", "remarks"),
    ("supervision", "spotcheck"): ("findings", "handling"),
    ("supervision", "handlingrecord"): ("facts", "inquiry_reply"),
}


def redacted(changes: Any, fields: tuple[str, ...], mark: str) -> Any:
    if not isinstance(changes, dict):
        return changes
    out = dict(changes)
    for name in fields:
        if name in out:
            pair = out[name]
            hide = (lambda v: v if v in (None, "") else mark)
            out[name] = [hide(v) for v in pair] if isinstance(pair, list) else hide(pair)
    return out


def forward(apps: Any, schema_editor: Any) -> None:
    earlier = importlib.import_module("orgwork.audit.migrations.0007_personal_data_masked")
    AuditLog = apps.get_model("audit", "AuditLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    by_type = {ct.pk: REDACTED_FIELDS[(ct.app_label, ct.model)] for ct in ContentType.objects.all()
               if (ct.app_label, ct.model) in REDACTED_FIELDS}
    if not by_type:
        return
    connection = schema_editor.connection
    table = connection.ops.quote_name(AuditLog._meta.db_table)
    postgres = connection.vendor == "postgresql"
    types = ", ".join(str(pk) for pk in by_type)
    select = (f"SELECT id, content_type_id, changes, message FROM {table} WHERE id > %s AND content_type_id IN ({types}) "
              f"ORDER BY id LIMIT {earlier.BATCH}")
    with connection.cursor() as cursor, earlier.append_only_relaxed(cursor, postgres):
        last = 0
        while True:
            cursor.execute(select, [last])
            rows = cursor.fetchall()
            if not rows:
                break
            last = rows[-1][0]
            batch = []
            for pk, type_id, changes, message in rows:
                loaded = json.loads(changes) if isinstance(changes, str) else changes
                new = redacted(loaded, by_type[type_id], earlier.REDACTED)
                if new != loaded:
                    batch.append((pk, json.dumps(new, ensure_ascii=False), message or ""))
            earlier._update(cursor, table, batch, postgres)


class Migration(migrations.Migration):
    dependencies = [("audit", "0009_talent_birth_date_masked"), ("contenttypes", "0002_remove_content_type_name")]
    # Redacted values cannot be brought back: going back leaves the rows as they are.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
