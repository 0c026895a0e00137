"""An 抽查核实's 核查情况 and 处理情况 stay out of the audit trail on every path (0010 kept
the check's own rows as ``***``), and two paths still wrote them in clear: the step
漏报瞒报处理完毕 quoted the 处理情况 in its message, and the 整改事项 opened from a check
copied the 核查情况 into its 问题描述 and the 处理情况 into its 整改措施, which the item's
own rows record in full. The steps no longer do; the rows written before are rewritten:
the step's message loses its quotation, and the 问题描述 and 整改措施 of those items' rows
are kept as ``***``. Under the guard of the append-only trigger that migration 0007 relaxes
for its one transaction; the models are named by label (this kernel app imports no
domain app)."""

from __future__ import annotations

import importlib
import json
from typing import Any

from django.db import migrations

RESOLVED = "漏报瞒报处理完毕"
ITEM_FIELDS = ("problem", "measure")


def forward(apps: Any, schema_editor: Any) -> None:
    earlier = importlib.import_module("orgwork.audit.migrations.0007_personal_data_masked")
    redacted = importlib.import_module("orgwork.audit.migrations.0010_supervision_contents_redacted").redacted
    AuditLog = apps.get_model("audit", "AuditLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    RectificationItem = apps.get_model("rectification", "RectificationItem")
    check_type = ContentType.objects.filter(app_label="supervision", model="spotcheck").first()
    if check_type is None:
        return  # a database without spot checks has nothing to rewrite
    item_type = ContentType.objects.filter(app_label="rectification", model="rectificationitem").first()
    items = {str(pk) for pk in RectificationItem.objects.filter(source_content_type=check_type)
             .values_list("pk", flat=True)}
    connection = schema_editor.connection
    table = connection.ops.quote_name(AuditLog._meta.db_table)
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor, earlier.append_only_relaxed(cursor, postgres):
        cursor.execute(f"SELECT id, changes, message FROM {table} WHERE content_type_id = %s AND message LIKE %s",
                       [check_type.pk, f"{RESOLVED}：%"])
        earlier._update(cursor, table, [(pk, changes if isinstance(changes, str) else json.dumps(changes, ensure_ascii=False),
                                         RESOLVED) for pk, changes, _message in cursor.fetchall()], postgres)
        if item_type is None or not items:
            return
        rows = list(AuditLog.objects.filter(content_type_id=item_type.pk, object_id__in=items)
                    .values_list("pk", "changes", "message"))
        batch = []
        for pk, changes, message in rows:
            new = redacted(changes, ITEM_FIELDS, earlier.REDACTED)
            if new != changes:
                batch.append((pk, json.dumps(new, ensure_ascii=False), message or ""))
        for start in range(0, len(batch), earlier.BATCH):
            earlier._update(cursor, table, batch[start:start + earlier.BATCH], postgres)


class Migration(migrations.Migration):
    dependencies = [("audit", "0010_supervision_contents_redacted"),
                    ("rectification", "0008_standing_titles_with_full_unit_names")]
    # Redacted texts cannot be brought back: going back leaves the rows as they are.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
