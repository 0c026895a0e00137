"""党费 rows keep the branch that collects them (DuesRecord.branch).

Rows written before are given their collecting branch from the member's moves: a month
before the letter of one of his received transfers inside the province belongs to the
branch that transfer left (the earliest such transfer after the month), any later month
to the branch he is in now."""

import django.db.models.deletion
from django.db import migrations, models

CURRENT = """
UPDATE members_duesrecord SET branch_id = (
    SELECT m.branch_id FROM members_member m WHERE m.id = members_duesrecord.member_id)
"""

# {letter_month}: the first day of the month of the transfer's letter (开出, else 申请).
BEFORE_A_MOVE = """
UPDATE members_duesrecord SET branch_id = (
    SELECT t.from_branch_id FROM members_transfer t
    WHERE t.member_id = members_duesrecord.member_id AND t.state = 'received'
      AND t.from_branch_id IS NOT NULL AND t.to_branch_id IS NOT NULL
      AND members_duesrecord.month < {letter_month}
    ORDER BY COALESCE(t.sent_on, t.started_on), t.id LIMIT 1)
WHERE EXISTS (
    SELECT 1 FROM members_transfer t
    WHERE t.member_id = members_duesrecord.member_id AND t.state = 'received'
      AND t.from_branch_id IS NOT NULL AND t.to_branch_id IS NOT NULL
      AND members_duesrecord.month < {letter_month})
"""

LETTER_MONTH = {
    "postgresql": "CAST(date_trunc('month', COALESCE(t.sent_on, t.started_on)) AS date)",
    "sqlite": "date(COALESCE(t.sent_on, t.started_on), 'start of month')",
}


def collecting_branches(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(CURRENT)
    schema_editor.execute(BEFORE_A_MOVE.format(letter_month=LETTER_MONTH.get(vendor, LETTER_MONTH["postgresql"])))


class Migration(migrations.Migration):

    dependencies = [
        ('branches', '0010_code_any_case_unique'),
        ('members', '0023_transfer_dues_exception'),
    ]

    operations = [
        migrations.AddField(
            model_name='duesrecord',
            name='branch',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name='+', to='branches.partyorganisation', verbose_name='收缴党支部'),
        ),
        migrations.RunPython(collecting_branches, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='duesrecord',
            name='branch',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+',
                                    to='branches.partyorganisation', verbose_name='收缴党支部'),
        ),
        migrations.AddIndex(
            model_name='duesrecord',
            index=models.Index(fields=['branch', '-month', 'member'], name='members_dues_branch_idx'),
        ),
    ]
