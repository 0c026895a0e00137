"""The province-size demo pipeline, run at a tiny size: the same code paths (COPY with
reserved keys, an audit row per new row, the bulk meeting load) as the full build,
which is measured by hand (README), never in the suite."""

from __future__ import annotations

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Max, Min, Sum

from branches.models import (Meeting, MeetingKind, MeetingYear, OrgKind, PartyOrganisation, Secretary, TermElection,
                             month_number)
from cadres.models import Assessment, Cadre, PositionQuota, Post
from orgwork.audit.context import acting_as
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.common import secrets
from orgwork.rectification.models import RectificationItem
from orgwork.units.models import Unit, UnitLevel
from seeds.demo import DemoContext, run
from seeds.demo import selection as demo_selection
from seeds.demo.branches import attended as demo_attended, meeting_sizes as demo_meeting_sizes
from talent.models import Enrollment, Person

pytestmark = pytest.mark.django_db

TINY = {
    "townships_per_county": 1, "cadres_per_county": 4, "low_score_share": 0.1, "rectification_items": 6,
    "branches_per_township": 2, "branches_per_county": 1, "assessed_branches": 5, "weak_cases": 2,
    "talent_factor": 1, "service_cards": 3, "liaison_pairs": 2, "personal_reports": 20,
}
BULK_MODELS = [Cadre, Post, Assessment, PositionQuota, PartyOrganisation, Secretary, Meeting, Person, Enrollment]


def counts() -> dict[str, int]:
    tables = BULK_MODELS + [MeetingYear, RectificationItem, Unit]
    return {model.__name__: model.objects.count() for model in tables}


def build() -> str:
    out = io.StringIO()
    with acting_as(None, source="command"):
        run(DemoContext(scale="province", stdout=out, overrides=TINY))
    return out.getvalue()


def test_the_province_pipeline_writes_every_bulk_row_with_its_audit_row_and_a_second_run_adds_nothing() -> None:
    output = build()
    assert "干部用时" in output and "合计用时" in output

    counties = Unit.objects.filter(level=UnitLevel.COUNTY).count()
    assert counties == 86
    # The bulk-written cadres; the demo's import job adds five newcomers of its own.
    cadre_type = ContentType.objects.get_for_model(Cadre)
    imported = AuditLog.objects.filter(content_type=cadre_type, source="import", action=AuditAction.CREATE)
    assert imported.count() == 5
    # The 选人用人监督 step adds five people with careers of their own, through the services.
    seeded = (Cadre.objects.exclude(pk__in=[int(pk) for pk in imported.values_list("object_id", flat=True)])
              .exclude(pk__in=demo_selection.people().values("pk")))
    assert seeded.count() == 86 * TINY["cadres_per_county"]
    assert demo_selection.people().count() == len(demo_selection.PEOPLE)
    # Every serving cadre holds one current principal post; the import job's newcomers get
    # theirs from the sheet's 现任职务 column.
    assert Post.objects.filter(is_current=True, is_principal=True).count() == Cadre.objects.count()
    assert Assessment.objects.count() == 3 * seeded.count()
    townships = Unit.objects.filter(level=UnitLevel.TOWNSHIP).count()
    branches = PartyOrganisation.objects.filter(kind=OrgKind.BRANCH)
    assert branches.count() == townships * 2 + counties * 1 + 5 * 3  # and 3 per provincial department
    assert Secretary.objects.count() == branches.count()
    # Paths are the parent's path plus the code, as party_org_save writes them.
    for branch in branches.select_related("parent")[:20]:
        assert branch.path == f"{branch.parent.path}{branch.code}/"

    # Meetings: derived columns right, the yearly roll-up kept by the triggers through COPY.
    meetings = Meeting.objects.count()
    assert meetings > branches.count() * 12 * 3
    assert not Meeting.objects.exclude(unit_id=F("organisation__unit_id")).exists()
    sample = Meeting.objects.order_by("?")[:50]
    assert all(m.month_no == month_number(m.held_on) for m in sample)
    assert MeetingYear.objects.aggregate(n=Sum("meetings"))["n"] == meetings
    # Each kind expects those who sit in it: the 支部委员会 at a 支委会, one 党小组 at a
    # 党小组会, the whole branch at the rest; someone is always there.
    sizes = {row["kind"]: (row["low"], row["high"]) for row in
             Meeting.objects.values("kind").annotate(low=Min("expected"), high=Max("expected")).order_by()}
    assert 3 <= sizes[MeetingKind.COMMITTEE_MEETING][0] and sizes[MeetingKind.COMMITTEE_MEETING][1] <= 5
    assert sizes[MeetingKind.GROUP_MEETING][1] < sizes[MeetingKind.MEMBERS_MEETING][1]
    assert not Meeting.objects.filter(present__lt=1).exists()

    # Every bulk-written row has exactly one 新增 audit row, scoped and described like a save.
    for model in BULK_MODELS:
        content_type = ContentType.objects.get_for_model(model)
        created = AuditLog.objects.filter(content_type=content_type, action=AuditAction.CREATE)
        per_object = created.values("object_id").annotate(n=Count("pk"))
        assert per_object.count() == model.objects.count(), model.__name__
        assert not per_object.filter(n__gt=1).exists(), model.__name__
    cadre = Cadre.objects.select_related("unit").order_by("pk").first()
    entry = AuditLog.objects.get(content_type=cadre_type, object_id=str(cadre.pk), action=AuditAction.CREATE)
    assert (entry.object_repr, entry.unit_path, entry.source) == (str(cadre), cadre.unit.path, "command")
    assert entry.changes["id_number"] == [None, secrets.audit_value(cadre.id_number, secrets.ID_NUMBER)]
    assert "is_woman" not in entry.changes
    meeting = Meeting.objects.select_related("organisation", "unit").order_by("pk").first()
    entry = AuditLog.objects.get(content_type=ContentType.objects.get_for_model(Meeting), object_id=str(meeting.pk))
    assert (entry.object_repr, entry.unit_path) == (str(meeting), meeting.unit.path)
    assert entry.changes == {"kind": [None, meeting.kind], "held_on": [None, meeting.held_on.isoformat()]}

    # Low political scores went through the service: each opened a rectification item.
    low = Assessment.objects.filter(needs_review=True).count()
    assert low > 0
    assert RectificationItem.objects.filter(source="political_assessment").count() == low
    assert Person.objects.count() > 0 and Enrollment.objects.count() >= Person.objects.count()

    before = counts()
    again = build()
    assert counts() == before
    assert "新增 0 名" in again and "新增三会一课记录 0 条" in again


def test_a_demo_branch_expects_its_committee_at_a_committee_meeting_and_one_group_at_a_group_meeting() -> None:
    sizes = demo_meeting_sizes(7, members=34, groups=4)
    assert sizes[MeetingKind.COMMITTEE_MEETING] == 5  # three or five 委员
    assert demo_meeting_sizes(8, members=34, groups=4)[MeetingKind.COMMITTEE_MEETING] == 3
    assert demo_meeting_sizes(7, members=4, groups=1)[MeetingKind.COMMITTEE_MEETING] == 4  # no more than the branch
    assert sizes[MeetingKind.GROUP_MEETING] == 9  # 34 members in four groups: the largest has nine
    assert sizes[MeetingKind.MEMBERS_MEETING] == sizes[MeetingKind.PARTY_LECTURE] == sizes[MeetingKind.THEME_DAY] == 34
    assert [demo_attended(4, absent) for absent in (0, 2, 3)] == [4, 2, 1]
    assert demo_attended(3, 3) == 1  # at least one there


@pytest.mark.django_db(transaction=True)
def test_cadres_and_meetings_split_over_two_worker_processes_and_a_second_run_adds_nothing() -> None:
    """Committed data, so that the forked workers (own connections) see the units."""
    from seeds.demo import branches as demo_branches, cadres as demo_cadres, units as demo_units

    ctx = DemoContext(scale="province", stdout=io.StringIO(), overrides={**TINY, "workers": 2})
    with acting_as(None, source="command"):
        for step in (demo_units, demo_cadres, demo_branches):
            step.build(ctx)
    assert Cadre.objects.count() == 86 * TINY["cadres_per_county"]
    assert Assessment.objects.count() == 3 * Cadre.objects.count()
    meetings = Meeting.objects.count()
    assert meetings > 0 and MeetingYear.objects.aggregate(n=Sum("meetings"))["n"] == meetings
    for model in (Cadre, Post, Assessment, Meeting):
        content_type = ContentType.objects.get_for_model(model)
        assert AuditLog.objects.filter(content_type=content_type, action=AuditAction.CREATE).count() == model.objects.count()
    # Each election's 委员人数 holds the 支委会 of its branch (services.meetings_committee_check).
    elections = TermElection.objects.filter(organisation__kind=OrgKind.BRANCH)
    assert elections.exists()
    for election in elections:
        expected = Meeting.objects.filter(organisation_id=election.organisation_id, kind=MeetingKind.COMMITTEE_MEETING,
                                          held_on__gte=election.elected_on).aggregate(most=Max("expected"))["most"]
        assert expected is None or expected <= election.committee_size, (election, expected)
    before = counts()
    with acting_as(None, source="command"):
        for step in (demo_cadres, demo_branches):
            step.build(ctx)
    assert counts() == before
