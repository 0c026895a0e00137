"""A talent (人才) declares the birth date taken from the ID number as personal data, as
party members and applicants do (``orgwork.common.secrets``): beside the masked number,
whose hidden digits are exactly the birth date, it gave the whole number back. Their
audit rows written before keep it in clear; the rows of that model are rewritten as
migration 0008 rewrote the members': a declared value becomes its masked form with a
keyed hash (the ID and phone numbers, already masked, are left as they are), under the
same guard of the append-only trigger."""

from __future__ import annotations

import importlib
from typing import Any

from django.db import migrations

from orgwork.common import secrets

# The declaration as it stood when this migration was written.
SENSITIVE = {
    ("talent", "person"): {"id_number": secrets.ID_NUMBER, "birth_date": secrets.BIRTH_DATE,
                           "phone": secrets.PHONE},
}


def forward(apps: Any, schema_editor: Any) -> None:
    earlier = importlib.import_module("orgwork.audit.migrations.0007_personal_data_masked")
    earlier.rewrite_rows(apps, schema_editor.connection, SENSITIVE, scan_texts=False)


class Migration(migrations.Migration):
    dependencies = [("audit", "0008_member_data_masked")]
    # Masked values cannot be unmasked: going back leaves the rows as they are.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
