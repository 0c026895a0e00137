"""The 预备期满 reminders are keyed by the member now (the roster-only 预备党员 among them),
no longer by the 发展党员 file: the reminders already sent are re-keyed to the file's
member, so that none is sent again and none, keyed by a file whose number is another
member's, keeps that member from hearing of his own. Kept here as a copy of the key's
shape (``<source>:<item>:<stage>``): a migration never reads the current code."""

from django.db import migrations

SOURCE = "members_probation_end"


def rekey(apps, by_old_item):
    Notification = apps.get_model("notifications", "Notification")
    moving = []
    for notification in Notification.objects.filter(source=SOURCE).only("pk", "source_key"):
        source, item, stage = notification.source_key.split(":")
        if (new := by_old_item.get(int(item))) is not None:
            moving.append((notification, f"{source}:{new}:{stage}"))
    # Two passes: a new key may be another reminder's old one (the same person, the same
    # day) until that one has moved too.
    for suffix in (":moving", ""):
        for notification, key in moving:
            notification.source_key = key + suffix
        Notification.objects.bulk_update([n for n, _ in moving], ["source_key"], batch_size=2000)


def by_member(apps, schema_editor):
    Applicant = apps.get_model("members", "Applicant")
    rekey(apps, dict(Applicant.objects.filter(member__isnull=False).values_list("pk", "member_id")))


def by_file(apps, schema_editor):
    Applicant = apps.get_model("members", "Applicant")
    rekey(apps, dict(Applicant.objects.filter(member__isnull=False).values_list("member_id", "pk")))


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0014_applicant_cancel_meeting"),
        ("notifications", "0005_reminderrule_send_sms"),
    ]
    operations = [migrations.RunPython(by_member, by_file)]
