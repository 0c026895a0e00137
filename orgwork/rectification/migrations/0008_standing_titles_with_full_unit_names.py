from django.db import migrations


def standing_titles_with_full_names(apps, schema_editor):
    """A standing checklist was titled with its unit's own name (西川乡2026年年度考核问题清单),
    which every county's 西川乡 shares: it takes the unit's full name (兰州市城关区·西川乡…),
    as services.checklist_standing_for titles a new one."""
    Checklist = apps.get_model("rectification", "Checklist")
    for checklist in Checklist.objects.filter(is_standing=True).select_related("unit"):
        unit = checklist.unit
        full = unit.full_name or unit.name
        if full != unit.name and checklist.title.startswith(unit.name) and not checklist.title.startswith(full):
            checklist.title = (full + checklist.title[len(unit.name):])[:200]
            checklist.save(update_fields=["title"])


class Migration(migrations.Migration):

    dependencies = [
        ("rectification", "0007_timeline_notes_masked"),
        ("units", "0005_unit_type_party_department"),
    ]

    operations = [
        migrations.RunPython(standing_titles_with_full_names, migrations.RunPython.noop),
    ]
