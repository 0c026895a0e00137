"""Default 提醒规则: 7 days before, on the day, and the unit above after 3 overdue days
(绿色通道 requests, which have short deadlines: 3 days before, 1 day after)."""

from django.db import migrations

DEFAULTS = [
    ("整改清单事项到期提醒", "rectification_item", ["干部监督", "基层党建", "人才工作"], 7, True, 3),
    ("软弱涣散党组织整顿时限提醒", "branches_weak_case", ["基层党建"], 7, True, 3),
    ("人才绿色通道办结时限提醒", "talent_green_request", ["人才工作"], 3, True, 1),
]


def seed(apps, schema_editor):
    ReminderRule = apps.get_model("notifications", "ReminderRule")
    for name, source, roles, before, on_day, escalate in DEFAULTS:
        if not ReminderRule.objects.filter(source=source).exists():
            ReminderRule.objects.create(name=name, source=source, roles=roles, days_before=before,
                                        remind_on_day=on_day, escalate_after_days=escalate)


def unseed(apps, schema_editor):
    ReminderRule = apps.get_model("notifications", "ReminderRule")
    ReminderRule.objects.filter(source__in=[d[1] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
