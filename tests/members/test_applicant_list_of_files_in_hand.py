"""发展党员 is the list of the files in hand: it shows those 未办结 (入党申请人 to 预备党员)
until the clerk picks a stage or 全部; a file closed by 转正, 取消预备党员资格 or 终止培养 is one
pick away, a search finds it without one, and the export takes the same pick."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from branches.members import rules, services
from branches.members.admin.filters import StageFilter
from branches.members.models import Applicant, Member
from tests import state_lists

from .conftest import SYSTEM, VOTE_COUNT, activist, days_ago, new_applicant, probationary

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:members_applicant_changelist")


@pytest.fixture
def files(orgs: dict[str, Any], contact: Member) -> dict[str, Applicant]:
    """Four files of the community branch: one 入党申请人, one 预备党员, one 转正 and one
    终止培养."""
    branch = orgs["community"]
    applied = new_applicant(branch, applied_on=days_ago(20), name="申请甲")
    on_probation = probationary(branch, contact, vote_days_ago=100)
    Applicant.objects.filter(pk=on_probation.pk).update(name="预备乙")
    full = probationary(branch, contact, vote_days_ago=400, oath=True)
    full = services.applicant_make_full(**VOTE_COUNT, applicant=full, decided_on=rules.probation_end(full.vote_on),
                                        actor=SYSTEM)
    Applicant.objects.filter(pk=full.pk).update(name="转正丙")
    stopped = services.applicant_cancel(applicant=activist(branch, contact), reason="本人撤回入党申请", actor=SYSTEM)
    Applicant.objects.filter(pk=stopped.pk).update(name="终止丁")
    return {"applied": applied, "probationary": on_probation, "full": full, "stopped": stopped}


def listed(client: Any, query: str = "") -> tuple[set[str], str, Any]:
    return state_lists.listed(client, CHANGELIST + query, StageFilter)


def test_the_applicant_list_shows_the_files_in_hand_until_another_stage_is_picked(files, client_for,
                                                                                   county_a_clerk):
    client = client_for(county_a_clerk)
    assert listed(client)[:2] == ({"申请甲", "预备乙"}, "未办结")
    assert listed(client, "?stage__exact=full")[:2] == ({"转正丙"}, "已转正")
    assert listed(client, "?stage__exact=all")[:2] == ({"申请甲", "预备乙", "转正丙", "终止丁"}, "全部")
    offered = state_lists.offered(client, CHANGELIST + "?_facets=True", StageFilter)
    assert list(offered)[:4] == ["全部 (4)", "未办结 (2)", "入党申请人 (1)", "入党积极分子 (0)"]
    assert "已转正 (1)" in offered and "终止培养 (1)" in offered


def test_a_search_of_the_applicant_list_finds_a_closed_file(files, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    assert listed(client, "?q=转正丙")[:2] == ({"转正丙"}, "全部")
    assert listed(client, "?q=转正丙&stage__exact=open")[0] == set()


def test_the_applicant_export_without_a_pick_holds_the_files_in_hand(files, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    export = reverse("admin:members_applicant_export")
    assert state_lists.exported_names(client, export) == {"申请甲", "预备乙"}
    assert state_lists.exported_names(client, export + "?stage__exact=all") == {"申请甲", "预备乙", "转正丙", "终止丁"}


def test_a_stage_the_applicant_list_does_not_offer_shows_the_files_in_hand_and_says_so(files, client_for,
                                                                                        county_a_clerk):
    page = client_for(county_a_clerk).get(CHANGELIST + "?stage__exact=gone")
    assert {a.name for a in page.context["cl"].result_list} == {"申请甲", "预备乙"}
    assert state_lists.INVALID in state_lists.told(page)


def test_the_applicant_lists_header_names_the_stages_it_starts_on(files, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    label, link = state_lists.starting_note(client.get(CHANGELIST))
    assert label == "未办结" and listed(client, link)[0] == {"申请甲", "预备乙", "转正丙", "终止丁"}
    assert state_lists.starting_note(client.get(CHANGELIST + "?stage__exact=full")) is None

