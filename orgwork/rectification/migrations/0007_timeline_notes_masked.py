"""The timeline (整改流转记录) keeps no ID or mobile number in clear, as the audit trail
keeps none: the notes written before (a 延期理由 holding a number) have the numbers in
them masked (``orgwork.common.secrets.mask_text``), as new notes are when written."""

from django.db import migrations

from orgwork.common import secrets

BATCH = 2000


def mask_notes(apps, schema_editor):
    ItemTransition = apps.get_model("rectification", "ItemTransition")
    # Five digits in a row at least: every number mask_text masks has them.
    candidates = ItemTransition.objects.filter(note__regex=r"[0-9０-９]{5}").only("pk", "note").order_by("pk")
    changed = []
    for row in candidates.iterator(chunk_size=BATCH):
        masked = str(secrets.mask_text(row.note))
        if masked != row.note:
            row.note = masked
            changed.append(row)
        if len(changed) >= BATCH:
            ItemTransition.objects.bulk_update(changed, ["note"])
            changed = []
    ItemTransition.objects.bulk_update(changed, ["note"])


class Migration(migrations.Migration):
    dependencies = [("rectification", "0006_automatic_items_get_a_deadline")]

    operations = [migrations.RunPython(mask_notes, migrations.RunPython.noop)]
