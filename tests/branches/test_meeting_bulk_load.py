"""meetings_bulk_load: the COPY path for a province's 三会一课 writes what
meetings_bulk_record writes — the same rows, derived columns and audit rows."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from branches.models import Meeting, MeetingKind, MeetingYear, month_number
from branches.services import meetings_bulk_load, meetings_bulk_record
from orgwork.audit.context import acting_as
from orgwork.audit.models import AuditAction, AuditLog

from .conftest import TEST_ACTOR

pytestmark = pytest.mark.django_db


def audit_of(meeting: Meeting) -> dict:
    entry = AuditLog.objects.get(content_type=ContentType.objects.get_for_model(Meeting), object_id=str(meeting.pk))
    return {"action": entry.action, "source": entry.source, "repr": entry.object_repr, "path": entry.unit_path,
            "changes": entry.changes}


def test_a_bulk_load_writes_the_rows_and_audit_rows_of_the_record_path(orgs, tree) -> None:
    village, community = orgs["village"], orgs["community"]
    rows = [(village, MeetingKind.COMMITTEE_MEETING, datetime.date(2025, 3, 5), "支委会", 20, 18),
            (community, MeetingKind.PARTY_LECTURE, datetime.date(2025, 4, 9), "书记讲党课", 30, 30)]
    with acting_as(TEST_ACTOR, source="command"), transaction.atomic():
        assert meetings_bulk_load(rows=rows, actor=TEST_ACTOR) == 2
        recorded = meetings_bulk_record(actor=TEST_ACTOR, meetings=[
            Meeting(organisation=o, kind=kind, held_on=day.replace(year=2024), topic=topic, expected=e, present=p)
            for o, kind, day, topic, e, p in rows])
    loaded = list(Meeting.objects.filter(held_on__year=2025).order_by("held_on"))
    recorded = list(Meeting.objects.filter(held_on__year=2024).order_by("held_on"))
    assert [m.organisation for m in loaded] == [village, community]
    for bulk, reference in zip(loaded, recorded):
        assert (bulk.unit_id, bulk.kind, bulk.topic, bulk.expected, bulk.present) == (
            reference.unit_id, reference.kind, reference.topic, reference.expected, reference.present)
        assert bulk.month_no == month_number(bulk.held_on) and bulk.unit_id == bulk.organisation.unit_id
        mine, theirs = audit_of(bulk), audit_of(reference)
        assert mine["repr"] == str(bulk) and mine["path"] == bulk.organisation.unit.path
        assert mine["changes"] == {"kind": [None, bulk.kind], "held_on": [None, bulk.held_on.isoformat()]}
        assert (mine["action"], mine["source"], mine["path"]) == (theirs["action"], theirs["source"], theirs["path"])
        assert mine["action"] == AuditAction.CREATE and mine["source"] == "command"
    # The yearly roll-up is kept by the table's triggers, COPY included.
    assert MeetingYear.objects.get(organisation=village, year=2025).meetings == 1


def test_a_bulk_load_is_all_or_nothing(orgs) -> None:
    village = orgs["village"]
    rows = [(village, MeetingKind.THEME_DAY, datetime.date(2025, 5, 1), "主题党日", 20, 20),
            (village, MeetingKind.THEME_DAY, datetime.date(2025, 6, 1), "主题党日", 20, 21)]  # more present than expected
    with pytest.raises(IntegrityError), transaction.atomic():
        meetings_bulk_load(rows=rows, actor=TEST_ACTOR)
    assert not Meeting.objects.exists()
    assert not AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(Meeting)).exists()
