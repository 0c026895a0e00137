"""最近一次培养考察日期 on the applicant's file, so that the applicants' sheet can carry the
half-yearly 考察 the step to 发展对象 requires, and filled from the 考察记录 kept so far."""

from django.db import migrations, models
from django.db.models import Max, OuterRef, Subquery


def fill_from_reviews(apps, schema_editor):
    Applicant = apps.get_model("members", "Applicant")
    Review = apps.get_model("members", "ActivistReview")
    latest = (Review.objects.filter(applicant=OuterRef("pk")).order_by().values("applicant")
              .annotate(last=Max("reviewed_on")).values("last"))
    Applicant.objects.filter(reviews__isnull=False).update(reviewed_on=Subquery(latest))


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0002_roster_filter_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="applicant",
            name="reviewed_on",
            field=models.DateField(blank=True, editable=False, help_text="考察记录中最近的一次，随每次考察更新。", null=True,
                                   verbose_name="最近一次培养考察日期"),
        ),
        migrations.RunPython(fill_from_reviews, migrations.RunPython.noop),
    ]
