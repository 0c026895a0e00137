"""三会一课: 应到人数 at least one. On PostgreSQL the check is added NOT VALID: every row
written from now on is held to it, the rows already on file (which no number can be
made up for) are left as they are."""

from django.db import migrations, models

import branches.models

CONSTRAINT = models.CheckConstraint(condition=models.Q(("expected__gte", 1)), name="meeting_expected_someone",
                                    violation_error_message=branches.models.EXPECTED_NOBODY)


def add(apps, schema_editor):
    meeting = apps.get_model("branches", "Meeting")
    if schema_editor.connection.vendor == "postgresql":
        table = schema_editor.quote_name(meeting._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {schema_editor.quote_name(CONSTRAINT.name)} "
                              "CHECK (expected >= 1) NOT VALID")
    else:
        schema_editor.add_constraint(meeting, CONSTRAINT)


def remove(apps, schema_editor):
    schema_editor.remove_constraint(apps.get_model("branches", "Meeting"), CONSTRAINT)


class Migration(migrations.Migration):

    dependencies = [
        ("branches", "0010_code_any_case_unique"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddConstraint(model_name="meeting", constraint=CONSTRAINT)],
            database_operations=[migrations.RunPython(add, remove)],
        ),
    ]
