"""Default 提醒规则 of 三会一课 not held by a 党支部 (a month's 支委会, 党小组会, 主题党日; a
quarter's 党员大会, 党课): 基层党建, 7 days before the month or quarter ends, on its last
day, the unit above after 15 overdue days. Kept here as a copy: a migration never reads
the current code."""

from django.db import migrations

DEFAULT = ("三会一课未按期开展提醒", "branches_meetings_behind", ["基层党建"], 7, True, 15)


def seed(apps, schema_editor):
    ReminderRule = apps.get_model("notifications", "ReminderRule")
    name, source, roles, before, on_day, escalate = DEFAULT
    if not ReminderRule.objects.filter(source=source).exists():
        ReminderRule.objects.create(name=name, source=source, roles=roles, days_before=before, remind_on_day=on_day,
                                    escalate_after_days=escalate)


def unseed(apps, schema_editor):
    ReminderRule = apps.get_model("notifications", "ReminderRule")
    ReminderRule.objects.filter(source=DEFAULT[1]).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0006_approval_default_rule")]
    operations = [migrations.RunPython(seed, unseed)]
