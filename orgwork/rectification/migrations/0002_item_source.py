from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_checklist_source(apps, schema_editor):
    Item = apps.get_model("rectification", "RectificationItem")
    Checklist = apps.get_model("rectification", "Checklist")
    Item.objects.update(source=Subquery(Checklist.objects.filter(pk=OuterRef("checklist_id")).values("source")[:1]))


class Migration(migrations.Migration):
    dependencies = [("rectification", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="rectificationitem",
            name="source",
            field=models.CharField(
                choices=[("inspection", "巡视反馈"), ("democratic_life", "专题民主生活会"), ("theme_education", "主题教育"),
                         ("annual_assessment", "年度考核"), ("political_assessment", "政治素质考核"),
                         ("unannounced_visit", "督查暗访"), ("weak_branch", "软弱涣散整顿"),
                         ("special_campaign", "专项整治"), ("other", "其他")],
                default="other", editable=False, max_length=30, verbose_name="问题来源",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(copy_checklist_source, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="rectificationitem",
            index=models.Index(fields=["source", "state"], name="rect_item_source_idx"),
        ),
    ]
