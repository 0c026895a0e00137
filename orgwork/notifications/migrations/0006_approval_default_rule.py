"""Default 提醒规则 of the 预备党员 awaiting the higher committee's approval (三个月内审批):
基层党建, 15 days ahead, on the day, the unit above after 7 overdue days. Kept here as a
copy: a migration never reads the current code."""

from django.db import migrations

DEFAULT = ("预备党员上级党委审批期限提醒", "members_approval_due", ["基层党建"], 15, True, 7)


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
    dependencies = [("notifications", "0005_reminderrule_send_sms")]
    operations = [migrations.RunPython(seed, unseed)]
