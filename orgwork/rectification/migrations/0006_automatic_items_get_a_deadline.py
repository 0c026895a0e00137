"""Items another module put on the books without a 整改时限 (党费 → 自行脱党 review, 在岗抽查)
get the term their source now gives: the day they were opened plus 90 days (自行脱党
review, and any other source, the kernel's default) or 30 days (在岗抽查 absence).

Items put on the books by hand without a deadline are left as they are: no term can be
told for them; their page lets a clerk give one (it is then also the original one).
"""

import datetime

from django.db import migrations
from django.utils import timezone

# (app label, model) of the record that opened the item → its term in days.
TERMS = {("members", "member"): 90, ("secondment", "assignment"): 30}
DEFAULT_DAYS = 90


def give_deadlines(apps, schema_editor):
    Item = apps.get_model("rectification", "RectificationItem")
    items = Item.objects.filter(deadline__isnull=True, source_content_type__isnull=False).select_related(
        "source_content_type")
    for item in items.iterator():
        ct = item.source_content_type
        days = TERMS.get((ct.app_label, ct.model), DEFAULT_DAYS)
        deadline = timezone.localtime(item.created_at).date() + datetime.timedelta(days=days)
        Item.objects.filter(pk=item.pk).update(deadline=deadline, original_deadline=deadline)


class Migration(migrations.Migration):
    dependencies = [
        ("rectification", "0005_constraint_messages"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(give_deadlines, migrations.RunPython.noop)]
