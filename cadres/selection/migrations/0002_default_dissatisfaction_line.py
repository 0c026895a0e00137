"""The default 不满意率警戒线: one third (一报告两评议: 不满意率达到三分之一的，列入整改)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Line = apps.get_model("selection", "DissatisfactionLine")
    Line.objects.get_or_create(key="default", defaults={
        "numerator": 1, "denominator": 3, "basis": "一报告两评议：不满意率达到三分之一的，列入整改清单。"})


class Migration(migrations.Migration):
    dependencies = [("selection", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
