"""政治面貌 is no longer 中共党员 by default, and 党外干部 counts only a cadre known to be
outside the Party. PostgreSQL cannot change a generated column's expression in place,
so the column (and its partial index) is dropped and added again."""

from django.db import migrations, models

IS_NON_PARTY = models.GeneratedField(
    db_persist=True,
    expression=models.Q(models.Q(("political_status", ""), _negated=True),
                        models.Q(("political_status__in", ("中共党员", "中共预备党员")), _negated=True)),
    output_field=models.BooleanField(verbose_name="党外干部"), verbose_name="党外干部",
)


class Migration(migrations.Migration):

    dependencies = [
        ("cadres", "0012_quota_approval_document"),
    ]

    operations = [
        migrations.AlterField(
            model_name="cadre",
            name="political_status",
            field=models.CharField(blank=True, max_length=20, verbose_name="政治面貌"),
        ),
        migrations.RemoveIndex(model_name="cadre", name="cadre_nonparty_idx"),
        migrations.RemoveField(model_name="cadre", name="is_non_party"),
        migrations.AddField(model_name="cadre", name="is_non_party", field=IS_NON_PARTY),
        migrations.AddIndex(
            model_name="cadre",
            index=models.Index(condition=models.Q(("is_non_party", True)), fields=["is_non_party"],
                               name="cadre_nonparty_idx"),
        ),
    ]
