# When the meeting table is truncated together with the roll-up in one statement (as
# the test runner's flush does), a TRUNCATE inside the trigger finds the roll-up busy;
# a DELETE empties it either way.
from django.db import migrations

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION branches_meeting_year_on_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM branches_meetingyear;
  RETURN NULL;
END $$;
"""

OLD_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION branches_meeting_year_on_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE branches_meetingyear;
  RETURN NULL;
END $$;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION_SQL, None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD_FUNCTION_SQL, None)


class Migration(migrations.Migration):

    dependencies = [("branches", "0003_meeting_year")]

    operations = [migrations.RunPython(forward, backward)]
