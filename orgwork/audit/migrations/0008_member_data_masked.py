"""Party members and applicants declare their personal data (``orgwork.common.secrets``):
the ID number and the birth date taken from it. Their audit rows written before keep the
birth date in clear (the number was already replaced by ``***``); the rows of those two
models are rewritten as migration 0007 rewrote the cadres' and talents': a declared
value becomes its masked form with a keyed hash, under the same guard of the
append-only trigger."""

from __future__ import annotations

import importlib
from typing import Any

from django.db import migrations

from orgwork.common import secrets

# The declaration as it stood when this migration was written.
SENSITIVE = {
    ("members", "member"): {"id_number": secrets.ID_NUMBER, "birth_date": secrets.BIRTH_DATE},
    ("members", "applicant"): {"id_number": secrets.ID_NUMBER, "birth_date": secrets.BIRTH_DATE},
}


def forward(apps: Any, schema_editor: Any) -> None:
    earlier = importlib.import_module("orgwork.audit.migrations.0007_personal_data_masked")
    earlier.rewrite_rows(apps, schema_editor.connection, SENSITIVE, scan_texts=False)


class Migration(migrations.Migration):
    dependencies = [("audit", "0007_personal_data_masked")]
    # Masked values cannot be unmasked: going back leaves the rows as they are.
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
