"""The organisation's own page and the meeting list as a clerk reads them: links to the
organisation's records, no bookkeeping fields, and a capped count that says it is capped."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.admin.meetings import AtLeast, CappedCountPaginator
from branches.models import Meeting, MeetingKind as K

from .conftest import add_meeting


def test_an_organisation_page_links_to_its_meetings_and_assessments_and_hides_its_path_and_version(
    orgs: Any, county_a_clerk: Any, client_for: Any
) -> None:
    community = orgs["community"]
    page = client_for(county_a_clerk).get(reverse("admin:branches_partyorganisation_change", args=[community.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert f'{reverse("admin:branches_meeting_changelist")}?q=A-SQ' in text
    assert f'{reverse("admin:branches_branchassessment_changelist")}?q=A-SQ' in text
    assert "层级路径" not in text and "版本号" not in text


def test_the_meeting_link_of_an_organisation_lists_its_meetings_only(orgs: Any, county_a_clerk: Any,
                                                                      client_for: Any) -> None:
    add_meeting(orgs["community"], K.THEME_DAY, datetime.date(2025, 3, 5))
    add_meeting(orgs["village"], K.THEME_DAY, datetime.date(2025, 3, 6))
    page = client_for(county_a_clerk).get(reverse("admin:branches_meeting_changelist"), {"q": "A-SQ"})
    assert [m.organisation.code for m in page.context["cl"].result_list] == ["A-SQ"]


def test_a_meeting_count_that_stops_at_its_cap_reads_as_at_least_the_cap(orgs: Any, county_a_clerk: Any,
                                                                         client_for: Any, monkeypatch: Any) -> None:
    for day in range(1, 6):
        add_meeting(orgs["community"], K.THEME_DAY, datetime.date(2025, 3, day))
    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    page = client_for(county_a_clerk).get(reverse("admin:branches_meeting_changelist"))
    count = page.context["cl"].result_count
    assert isinstance(count, AtLeast) and int(count) == 3 and str(count) == "3+"
    assert "3+" in page.content.decode()
    monkeypatch.setattr(CappedCountPaginator, "cap", 10)
    page = client_for(county_a_clerk).get(reverse("admin:branches_meeting_changelist"))
    assert page.context["cl"].result_count == Meeting.objects.count() == 5
    assert not isinstance(page.context["cl"].result_count, AtLeast)


def test_the_meeting_list_reads_its_first_and_last_date_once(orgs: Any, county_a_clerk: Any,
                                                             client_for: Any) -> None:
    """The date hierarchy picks its level from the list's first and last date, then lists
    the years between them: one read of the two dates serves both."""
    add_meeting(orgs["community"], K.THEME_DAY, datetime.date(2024, 11, 5))
    add_meeting(orgs["community"], K.THEME_DAY, datetime.date(2025, 3, 5))
    client = client_for(county_a_clerk)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("admin:branches_meeting_changelist"))
    assert page.status_code == 200
    bounds = [q["sql"] for q in queries.captured_queries if 'MIN("branches_meeting"."held_on")' in q["sql"]]
    assert len(bounds) == 1, bounds
    text = page.content.decode()
    assert "held_on__year=2024" in text and "held_on__year=2025" in text  # the years between them


def test_a_secretarys_birth_month_is_a_text_box_with_its_example_not_a_day_calendar(
    orgs: Any, county_a_clerk: Any, client_for: Any
) -> None:
    page = client_for(county_a_clerk).get(reverse("admin:branches_partyorganisation_change",
                                                  args=[orgs["community"].pk]))
    boxes = re.findall(r'<input[^>]*name="secretary-[^"]*-birth_month"[^>]*>', page.content.decode())
    assert boxes and all('placeholder="如 1975.06"' in box and "vDateField" not in box for box in boxes), boxes
