"""入选人员 is the programmes' roll: the list shows the enrollees 在册 until the clerk picks
期满, 退出 or 全部, a search looks among everyone, and the dashboard's chart of every state
links to every state."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from talent import services
from talent.admin.common import EnrollmentStatusFilter
from talent.models import Enrollment, ExitReason
from talent.worklists import programme_status_panel
from tests import state_lists

from .conftest import SYSTEM

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:talent_enrollment_changelist")


@pytest.fixture
def roll(leading: Any, enroll: Any, make_person: Any) -> dict[str, Enrollment]:
    """Three enrollees of one programme in county A: one 在册, one 期满, one 退出."""
    people = {"on": enroll(leading, person=make_person(name="在册甲")),
              "completed": enroll(leading, person=make_person(name="期满乙"), batch_year=2019,
                                  term_start=datetime.date(2019, 1, 1)),
              "exited": enroll(leading, person=make_person(name="退出丙"))}
    services.enrollments_expire_terms(actor=SYSTEM)
    services.enrollment_exit(enrollment=people["exited"], reason=ExitReason.OWN_REQUEST,
                             exit_date=datetime.date(2025, 3, 1), actor=SYSTEM)
    return people


def listed(client: Any, query: str = "") -> tuple[set[str], str, Any]:
    return state_lists.listed(client, CHANGELIST + query, EnrollmentStatusFilter, name=lambda e: e.person.name)


def test_the_enrollee_list_shows_those_on_the_roll_until_another_state_is_picked(roll, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    assert listed(client)[:2] == ({"在册甲"}, "在册")
    assert listed(client, "?status__exact=completed")[:2] == ({"期满乙"}, "期满")
    assert listed(client, "?status__exact=all")[:2] == ({"在册甲", "期满乙", "退出丙"}, "全部")
    offered = state_lists.offered(client, CHANGELIST + "?_facets=True", EnrollmentStatusFilter)
    assert list(offered) == ["全部 (3)", "在册 (1)", "期满 (1)", "退出 (1)"]


def test_a_search_of_the_enrollee_list_finds_one_who_left(roll, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    assert listed(client, "?q=退出丙")[:2] == ({"退出丙"}, "全部")
    assert listed(client, "?q=退出丙&status__exact=active")[0] == set()


def test_the_enrollee_export_without_a_pick_holds_the_roll(roll, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    export = reverse("admin:talent_enrollment_export")
    assert state_lists.exported_names(client, export) == {"在册甲"}
    assert state_lists.exported_names(client, export + "?status__exact=all") == {"在册甲", "期满乙", "退出丙"}


def test_the_dashboard_chart_of_enrollees_links_its_total_to_every_state(roll, client_for, county_a_clerk):
    panel = programme_status_panel(county_a_clerk)
    page = client_for(county_a_clerk).get(panel.link)
    assert page.context["cl"].result_count == sum(sum(s.values) for s in panel.series) == 3
