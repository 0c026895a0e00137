"""职务层次, 职级 and 管理权限 go together (the table in ``cadres.models``), as a constraint.

Rows already stored against the table are not guessed at: the migration stops and names
them (by database id and name) so the office corrects them first (on the cadre page or
by a cadres sheet), then runs the migration again."""

from django.db import migrations, models

CONDITION = models.Q(('rank', ''), models.Q(('authority__in', ['', 'city', 'county', 'other']), ('grade__in', ['', 'clerk_1', 'clerk_2', 'principal_clerk_1', 'principal_clerk_2', 'principal_clerk_3', 'principal_clerk_4']), ('rank', 'township_deputy')), models.Q(('authority__in', ['', 'city', 'county', 'other']), ('grade__in', ['', 'principal_clerk_1', 'principal_clerk_2', 'principal_clerk_3', 'principal_clerk_4', 'researcher_3', 'researcher_4']), ('rank', 'township_chief')), models.Q(('authority__in', ['', 'city', 'other', 'province']), ('grade__in', ['', 'principal_clerk_1', 'principal_clerk_2', 'researcher_1', 'researcher_2', 'researcher_3', 'researcher_4']), ('rank', 'county_deputy')), models.Q(('authority__in', ['', 'city', 'other', 'province']), ('grade__in', ['', 'inspector_2', 'researcher_1', 'researcher_2', 'researcher_3', 'researcher_4']), ('rank', 'county_chief')), models.Q(('authority__in', ['', 'other', 'province']), ('grade__in', ['', 'inspector_1', 'inspector_2', 'researcher_1', 'researcher_2']), ('rank', 'bureau_deputy')), models.Q(('authority__in', ['', 'other', 'province']), ('grade__in', ['', 'inspector_1', 'inspector_2']), ('rank', 'bureau_chief')), models.Q(('authority__in', ['', 'other', 'province']), ('grade__in', ['']), ('rank', 'province_deputy')), models.Q(('authority__in', ['', 'other', 'province']), ('grade__in', ['']), ('rank', 'province_chief')), _connector='OR')


def refuse_mismatched_rows(apps, schema_editor):
    Cadre = apps.get_model("cadres", "Cadre")
    wrong = list(Cadre.objects.exclude(CONDITION).values_list("pk", "name", "rank", "grade", "authority")[:50])
    if wrong:
        listed = "；".join(f"#{pk} {name}（{rank}/{grade or '—'}/{authority or '—'}）" for pk, name, rank, grade, authority in wrong)
        raise RuntimeError(f"以下干部的职务层次、职级、管理权限不相匹配，请先更正后再迁移：{listed}")


class Migration(migrations.Migration):

    dependencies = [
        ('cadres', '0008_current_post_follows_posts'),
        ('units', '0002_unit_import_export_permissions'),
    ]

    operations = [
        migrations.RunPython(refuse_mismatched_rows, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='cadre',
            constraint=models.CheckConstraint(condition=CONDITION, name='cadre_rank_grade_authority', violation_error_message='职务层次、职级和管理权限不相匹配。'),
        ),
    ]
