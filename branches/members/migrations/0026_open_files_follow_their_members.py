"""The open 发展党员 file of a 预备党员 whose relationship was received in another branch
before the file followed its member (services._file_follows) stayed with the sending
branch: the receiving county could not open it, and the sending one may not take his
转正 or 取消 (services.file_member_error). Each such file, of a member on the roll, moves
to the branch the member is in now, with one audit row, as a receipt now moves it."""

from django.db import migrations
from django.db.models import F

ACTOR = "system:members_files_follow"  # 系统（发展党员档案随转）, named in MembersConfig.ready
WHY = "组织关系已于此前转入，发展党员档案随之转入"


def files_follow(apps, schema_editor):
    Applicant = apps.get_model("members", "Applicant")
    AuditLog = apps.get_model("audit", "AuditLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    left = list(Applicant.objects.filter(stage="probationary", member__status="active")
                .exclude(branch_id=F("member__branch_id")).select_related("member__branch__unit"))
    if not left:
        return
    kind, _ = ContentType.objects.get_or_create(app_label="members", model="applicant")
    for file in left:
        before, after = file.branch_id, file.member.branch_id
        Applicant.objects.filter(pk=file.pk).update(branch_id=after)
        AuditLog.objects.create(actor_name=ACTOR, action="update", source="system", content_type=kind,
                                object_id=str(file.pk), object_repr=file.name[:200],
                                unit_path=file.member.branch.unit.path, changes={"branch": [before, after]},
                                message=WHY)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0010_supervision_contents_redacted'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('members', '0025_dues_excused_by_letter'),
    ]

    operations = [
        migrations.RunPython(files_follow, migrations.RunPython.noop),
    ]
