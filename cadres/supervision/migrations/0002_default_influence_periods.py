"""Default 影响期 (months) per handling type; the security administrator may adjust them."""

from django.db import migrations

DEFAULTS = {
    "admonishment": (6, "诫勉：六个月内不得提拔或者重用"),
    "post_adjustment": (12, "调整职务：一年内不得提拔"),
    "ordered_resignation": (12, "责令辞职：一年内不安排职务"),
    "dismissal": (12, "免职：一年内不安排职务"),
    "demotion": (24, "降职：两年内不得提拔"),
}


def add_defaults(apps, schema_editor):
    Rule = apps.get_model("supervision", "InfluencePeriodRule")
    for handling_type, (months, basis) in DEFAULTS.items():
        Rule.objects.get_or_create(handling_type=handling_type, defaults={"months": months, "basis": basis})


def remove_defaults(apps, schema_editor):
    Rule = apps.get_model("supervision", "InfluencePeriodRule")
    Rule.objects.filter(handling_type__in=DEFAULTS).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
