"""Default 提醒规则 of the sources added later: 凡提四必 reviews, travel documents out,
spot-check findings (干部监督), 预备期 endings (30 days ahead) and transfers in transit
(基层党建). Kept here as a copy: a migration never reads the current code."""

from django.db import migrations

DEFAULTS = [
    ("凡提四必审查办结时限提醒", "supervision_vetting_case", ["干部监督"], 7, True, 7),
    ("因私出入境证件交还提醒", "supervision_travel_loan", ["干部监督"], 3, True, 3),
    ("个人有关事项抽查发现问题处理提醒", "supervision_spot_check_finding", ["干部监督"], 7, True, 7),
    ("预备党员预备期满提醒", "members_probation_end", ["基层党建"], 30, True, 7),
    ("组织关系转接在途超时提醒", "members_transfer_transit", ["基层党建"], 0, True, 7),
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
    dependencies = [("notifications", "0003_notice_stage")]
    operations = [migrations.RunPython(seed, unseed)]
