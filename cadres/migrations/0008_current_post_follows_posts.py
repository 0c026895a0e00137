"""现任职务 and 职务层次 on the profile are the current principal post's (任职经历).

Recomputed once for the rows stored before the rule: a cadre with a current principal
post takes its title (and 职务层次, when the post has one); a cadre whose posts have all
ended shows none; a cadre without any post row keeps the registered text until its
任职经历 is entered."""

from django.db import migrations


def recompute(apps, schema_editor):
    Cadre = apps.get_model("cadres", "Cadre")
    Post = apps.get_model("cadres", "Post")
    current = {c: (t, r) for c, t, r in Post.objects.filter(is_current=True, is_principal=True)
               .values_list("cadre_id", "title", "rank")}
    with_posts = set(Post.objects.values_list("cadre_id", flat=True).distinct())
    for cadre in Cadre.objects.filter(pk__in=with_posts).only("pk", "current_post", "rank", "version").iterator():
        title, rank = current.get(cadre.pk, ("", cadre.rank))
        rank = rank or cadre.rank
        if (cadre.current_post, cadre.rank) != (title, rank):
            cadre.current_post, cadre.rank = title, rank
            cadre.version = (cadre.version or 0) + 1
            cadre.save(update_fields=["current_post", "rank", "version"])


class Migration(migrations.Migration):

    dependencies = [
        ('cadres', '0007_excellent_needs_score_90'),
    ]

    operations = [
        migrations.RunPython(recompute, migrations.RunPython.noop),
    ]
