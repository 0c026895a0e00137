"""三会一课 年度汇总 leaves out meetings nobody was expected at (应到人数 0): they are not
meetings held, so they count toward no 开展率 or 缺会名单. New rows cannot have 0
(``meeting_expected_someone``); this is for the rows written before that rule, which the
completeness check lists for correction. The triggers of 0003 read only rows with
``expected >= 1``, and the roll-up is rebuilt once. PostgreSQL only: elsewhere the rates
are read from the meeting table with the same condition (``branches.selectors``)."""

from django.db import migrations

RECOMPUTE = """
    INSERT INTO branches_meetingyear (organisation_id, unit_id, year, mask, meetings)
    SELECT m.organisation_id, MAX(m.unit_id), t.year,
           BIT_OR(1::bigint << ((m.month_no - t.year * 12) * 5 + m.kind - 1)), COUNT(*)
    FROM branches_meeting m
    JOIN ({touched}) t ON m.organisation_id = t.organisation_id
                      AND m.month_no BETWEEN t.year * 12 AND t.year * 12 + 11
    WHERE m.expected {held}
    GROUP BY m.organisation_id, t.year;"""

TOUCHED_OLD = "SELECT DISTINCT organisation_id, month_no / 12 AS year FROM old_rows"
TOUCHED_BOTH = TOUCHED_OLD + " UNION SELECT DISTINCT organisation_id, month_no / 12 FROM new_rows"

FUNCTIONS_SQL = """
CREATE OR REPLACE FUNCTION branches_meeting_year_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO branches_meetingyear (organisation_id, unit_id, year, mask, meetings)
  SELECT organisation_id, MAX(unit_id), month_no / 12,
         BIT_OR(1::bigint << ((month_no %% 12) * 5 + kind - 1)), COUNT(*)
  FROM new_rows WHERE expected {held} GROUP BY organisation_id, month_no / 12
  ON CONFLICT (organisation_id, year) DO UPDATE
    SET mask = branches_meetingyear.mask | EXCLUDED.mask,
        meetings = branches_meetingyear.meetings + EXCLUDED.meetings,
        unit_id = EXCLUDED.unit_id;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION branches_meeting_year_on_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM branches_meetingyear s
     WHERE (s.organisation_id, s.year) IN (%(both)s);
    %(recompute_both)s
  ELSE
    DELETE FROM branches_meetingyear s
     WHERE (s.organisation_id, s.year) IN (%(old)s);
    %(recompute_old)s
  END IF;
  RETURN NULL;
END $$;

DELETE FROM branches_meetingyear;
INSERT INTO branches_meetingyear (organisation_id, unit_id, year, mask, meetings)
SELECT organisation_id, MAX(unit_id), month_no / 12, BIT_OR(1::bigint << ((month_no %% 12) * 5 + kind - 1)), COUNT(*)
FROM branches_meeting WHERE expected {held} GROUP BY organisation_id, month_no / 12;
"""


def functions(held: str) -> str:
    """The trigger functions and the rebuild, counting the rows whose ``expected`` is ``held``."""
    return (FUNCTIONS_SQL % {
        "both": TOUCHED_BOTH,
        "old": TOUCHED_OLD,
        "recompute_both": RECOMPUTE.format(touched=TOUCHED_BOTH, held="{held}"),
        "recompute_old": RECOMPUTE.format(touched=TOUCHED_OLD, held="{held}"),
    }).replace("{held}", held)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(functions(">= 1"), None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(functions("IS NOT NULL"), None)  # every row, as 0003 counted


class Migration(migrations.Migration):

    dependencies = [("branches", "0011_meeting_expected_someone")]

    operations = [migrations.RunPython(forward, backward)]
