"""The roster's 年龄段 and 党龄段 filters with a key that is no band (an edited or stale
link): the list is not shown as if it were the band, but unfiltered with the message every
filter value that cannot be applied gives (``HonouredChangeList``)."""

from __future__ import annotations

import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from .test_structure import enrol

pytestmark = pytest.mark.django_db
ROSTER = reverse("admin:members_member_changelist")
INVALID = "查询条件无效，已显示未经筛选的列表。"


def told(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("query", [{"age": "bogus"}, {"standing": "bogus"}, {"age": "61-", "standing": "0-4"}])
def test_a_band_that_does_not_exist_shows_the_unfiltered_roster_and_says_so(orgs, client_for, county_a_clerk, query):
    enrol(orgs["community"], age=30, standing=5)
    enrol(orgs["community"], age=61, standing=30)
    response = client_for(county_a_clerk).get(ROSTER, query)
    assert response.status_code == 200 and len(response.context["cl"].result_list) == 2
    assert INVALID in told(response)


def test_a_band_that_exists_filters_the_roster_without_a_message(orgs, client_for, county_a_clerk):
    enrol(orgs["community"], age=30, standing=5)
    old = enrol(orgs["community"], age=61, standing=30)
    response = client_for(county_a_clerk).get(ROSTER, {"age": "61-", "standing": "21-30"})
    assert [m.pk for m in response.context["cl"].result_list] == [old.pk]
    assert INVALID not in told(response)


def test_the_roster_export_with_a_band_that_does_not_exist_writes_no_file_and_the_roster_says_why(
        orgs, client_for, county_a_clerk):
    """The roster shows every member for a band it cannot read; a file would hold the whole
    roster where the link asked for a band, so none is written."""
    enrol(orgs["community"], age=30, standing=5, name="甲")
    enrol(orgs["community"], age=61, standing=30, name="乙")
    client = client_for(county_a_clerk)
    response = client.get(reverse("admin:members_member_export"), {"age": "bogus"}, follow=True)
    assert [url for url, _ in response.redirect_chain] == [f"{ROSTER}?age=bogus"]
    shown = told(response)
    assert shown[0].startswith("未导出：导出链接中有列表不能识别或不能应用的查询条件（age）") and INVALID in shown
