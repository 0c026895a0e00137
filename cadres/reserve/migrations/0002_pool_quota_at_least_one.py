"""A 后备干部库 has a 名额 of at least 1, as a constraint too.

A pool stored with 名额 0 admitted no one: it is given the least the rule allows, with a
remark saying what it was, for the office to verify."""

import django.core.validators
from django.db import migrations, models

REMARK = "原登记名额为0，已按至少1名调整，待核实。"


def lift_zero_quotas(apps, schema_editor):
    ReservePool = apps.get_model("reserve", "ReservePool")
    for pool in ReservePool.objects.filter(quota=0):
        pool.quota = 1
        pool.remarks = (REMARK + pool.remarks)[:200]
        pool.save(update_fields=["quota", "remarks"])


class Migration(migrations.Migration):

    dependencies = [
        ('reserve', '0001_initial'),
        ('units', '0004_code_any_case_unique'),
    ]

    operations = [
        migrations.RunPython(lift_zero_quotas, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='reservepool',
            name='quota',
            field=models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1, message='名额至少为1名：没有名额的后备干部库不能推荐入库。'), django.core.validators.MaxValueValidator(9999)], verbose_name='名额'),
        ),
        migrations.AddConstraint(
            model_name='reservepool',
            constraint=models.CheckConstraint(condition=models.Q(('quota__gte', 1)), name='reserve_pool_quota_positive', violation_error_message='名额至少为1名：没有名额的后备干部库不能推荐入库。'),
        ),
    ]
