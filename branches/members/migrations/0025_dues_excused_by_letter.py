"""A month a letter let through unpaid by its exception is marked on the ledger
(DuesRecord.excused_by) and left out of the arrears counter.

The column is added without an index, so instantly on a ledger of twenty million rows
(PostgreSQL adds a nullable column with its foreign key inline without reading the table).
Letters already issued with an exception (党费未交清例外原因) and not sent back mark the
months they covered: those their audit row names (党费未交清2个月（2026.08、2026.09），按例外原因
开出介绍信), as the ledger held them on the letter's day (unpaid then); a month generated
after the letter is not one it covered, and a letter whose audit row names no months marks
none (nothing is guessed). Their members' counters are recounted."""

import re

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone

NOTE = re.compile(r"党费未交清\d+个月（([^）]*)），按例外原因开出介绍信")
MONTH = re.compile(r"(\d{4})\.(\d{2})")


def months_named(AuditLog, kind, transfer):
    if kind is None:
        return set()
    found = set()
    for message in AuditLog.objects.filter(content_type=kind, object_id=str(transfer.pk),
                                           message__contains="按例外原因开出介绍信").values_list("message", flat=True):
        for listed in NOTE.findall(message):
            found.update((int(year), int(month)) for year, month in MONTH.findall(listed))
    return found


def excused_months(apps, schema_editor):
    Transfer = apps.get_model("members", "Transfer")
    DuesRecord = apps.get_model("members", "DuesRecord")
    Member = apps.get_model("members", "Member")
    AuditLog = apps.get_model("audit", "AuditLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    kind = ContentType.objects.filter(app_label="members", model="transfer").first()
    members = set()
    letters = (Transfer.objects.exclude(dues_exception="").filter(state__in=["in_transit", "received"],
                                                                 sent_on__isnull=False).order_by("sent_on", "id"))
    for letter in letters.iterator():
        named = months_named(AuditLog, kind, letter)
        rows = (DuesRecord.objects.filter(member_id=letter.member_id, month__lt=letter.sent_on.replace(day=1),
                                          excused_by__isnull=True)
                .filter(Q(paid_on__isnull=True) | Q(paid_on__gt=letter.sent_on)))
        months = [row.month for row in rows.only("month") if (row.month.year, row.month.month) in named]
        if months and rows.filter(month__in=months).update(excused_by=letter):
            members.add(letter.member_id)
    ended = timezone.localdate().replace(day=1)
    for member in Member.objects.filter(pk__in=members):
        member.unpaid_months = DuesRecord.objects.filter(member_id=member.pk, paid_on__isnull=True,
                                                         excused_by__isnull=True, month__lt=ended).count()
        member.save(update_fields=["unpaid_months"])


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0010_supervision_contents_redacted'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('members', '0024_dues_collecting_branch'),
    ]

    operations = [
        migrations.AddField(
            model_name='duesrecord',
            name='excused_by',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name='+',
                                    to='members.transfer', verbose_name='按例外开出介绍信'),
        ),
        migrations.RunPython(excused_months, migrations.RunPython.noop),
    ]
