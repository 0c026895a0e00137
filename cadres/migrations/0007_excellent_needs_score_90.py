"""优秀 needs a political-quality score of at least 90, as a constraint too.

Rows already stored against the rule cannot be given a score nobody recorded: they
become 不定等次 with a remark saying what they were, for the office to verify."""

from decimal import Decimal

from django.db import migrations, models
from django.db.models import Q

REMARK = "原登记为优秀，缺少或低于90分的政治素质测评得分，待核实。"


def unrate_unsupported_excellent(apps, schema_editor):
    Assessment = apps.get_model("cadres", "Assessment")
    offending = Assessment.objects.filter(grade="excellent").filter(
        Q(political_score__isnull=True) | Q(political_score__lt=Decimal("90")))
    for row in offending:
        row.grade = "unrated"
        row.remarks = (REMARK + row.remarks)[:300]
        row.save(update_fields=["grade", "remarks"])


class Migration(migrations.Migration):

    dependencies = [
        ('cadres', '0006_pinyin_keys_in_byte_order'),
    ]

    operations = [
        migrations.RunPython(unrate_unsupported_excellent, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='assessment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('grade', 'excellent'), _negated=True), models.Q(('political_score__gte', Decimal('90')), ('political_score__isnull', False)), _connector='OR'), name='assessment_excellent_needs_score_90', violation_error_message='确定为“优秀”等次须有不低于 90 分的政治素质测评得分。'),
        ),
    ]
