"""Default yearly minimum 学时 per rank (年度学时要求); the province's staff may adjust them.

Where the figure comes from: the issue (24) names "110 学时 for 县处级 and above". The
seed documents give the same scale without a yearly number — 002 (河南省组织部门自身建设)
asks of 组工干部 "每人每五年脱产培训不少于3个月" — and the national rule behind both is
《干部教育培训工作条例》(2015) art. 22: 县处级以上领导干部 every five years "累计3个月或者
550学时以上", i.e. 110 学时 a year. No source gives a figure for 乡科级, so those ranks get
no row (no minimum, off the below-minimum list) until the province enters one.
"""

from django.db import migrations

BASIS = "《干部教育培训工作条例》：县处级以上领导干部每5年累计不少于550学时，折合每年110学时"
DEFAULTS = {rank: (110, BASIS) for rank in (
    "province_chief", "province_deputy", "bureau_chief", "bureau_deputy", "county_chief", "county_deputy")}


def add_defaults(apps, schema_editor):
    Minimum = apps.get_model("training", "TrainingMinimum")
    for rank, (hours, basis) in DEFAULTS.items():
        Minimum.objects.get_or_create(rank=rank, defaults={"hours": hours, "basis": basis})


def remove_defaults(apps, schema_editor):
    Minimum = apps.get_model("training", "TrainingMinimum")
    Minimum.objects.filter(rank__in=DEFAULTS).delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
