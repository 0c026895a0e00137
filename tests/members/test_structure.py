"""党员队伍结构: the dashboard panel of the 在册党员 by category, gender, age, 党龄 and the
流动/失联 flags, its roster links, its export, and its drawing after the 工作台 is shown."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from branches.members import rules, services, structure
from branches.members.models import Member, MemberCategory, MemberStatus
from branches.models import PartyOrganisation
from orgwork import dashboard
from orgwork.common import dates
from orgwork.common.contract import SystemActor
from orgwork.exports.models import ExportFile
from orgwork.exports.services import export_build

from .conftest import make_id

SYSTEM = SystemActor("test")
PANEL = "members_structure"


def enrol(branch: PartyOrganisation, *, age: int = 50, standing: int | None = 20, male: bool = True,
          floating: bool = False, lost: bool = False, name: str = "党员") -> Member:
    """A member whose ``age``-th birthday is today, a 正式党员 whose ``standing``-th year
    since 转正 ends today (None: a 预备党员 who joined a month ago): each just in his band."""
    today = dates.today()
    born = rules.years_before(today, age)
    if standing is None:
        category, joined_on, full_on = MemberCategory.PROBATIONARY, today - datetime.timedelta(days=30), None
    else:
        full_on = rules.years_before(today, standing)
        category, joined_on = MemberCategory.FULL, rules.years_before(full_on, 1)
    return services.member_save(member=Member(
        name=name, id_number=make_id(born, male=male), branch=branch, category=category, joined_on=joined_on,
        full_on=full_on, is_floating=floating, is_lost=lost), actor=SYSTEM)


def figures(user: Any) -> dict[str, tuple[int, float]]:
    data = dashboard.get(PANEL).compute(user)
    return {label: (count, share) for label, count, share in data.rows()}


def test_a_member_aged_exactly_30_is_in_the_youngest_band_and_one_aged_31_in_the_next(orgs, county_a_clerk) -> None:
    enrol(orgs["community"], age=30, standing=5)
    enrol(orgs["community"], age=31, standing=5)
    enrol(orgs["community"], age=60, standing=30)
    enrol(orgs["community"], age=61, standing=30)

    shown = figures(county_a_clerk)

    assert shown["30岁及以下"][0] == shown["31至35岁"][0] == 1
    assert shown["56至60岁"][0] == shown["61岁及以上"][0] == 1
    assert shown["36至40岁"][0] == 0


def test_a_member_who_turns_31_tomorrow_is_still_in_30_and_under(orgs, county_a_clerk) -> None:
    today = dates.today()
    born = rules.years_before(today, 31) + datetime.timedelta(days=1)  # 31 tomorrow: still 30 today
    services.member_save(member=Member(name="明天满三十一岁", id_number=make_id(born), branch=orgs["community"],
                                       category=MemberCategory.FULL, joined_on=datetime.date(2015, 7, 1),
                                       full_on=datetime.date(2016, 7, 1)), actor=SYSTEM)

    assert figures(county_a_clerk)["30岁及以下"][0] == 1


def test_the_standing_bands_meet_at_their_edges(orgs, county_a_clerk) -> None:
    for standing in (4, 5, 10, 11, 50, 51):
        enrol(orgs["community"], age=80, standing=standing)

    shown = figures(county_a_clerk)

    assert [shown[f"党龄{band.label}"][0] for band in structure.STANDING_BANDS.values()] == [1, 2, 1, 0, 0, 1, 1]


def test_probationary_members_are_counted_apart_from_every_standing_band(orgs, county_a_clerk) -> None:
    enrol(orgs["community"], age=25, standing=None)
    enrol(orgs["community"], age=40, standing=3)

    shown = figures(county_a_clerk)

    assert shown["预备党员（不计党龄）"] == (1, 50.0)
    assert shown["预备党员"] == (1, 50.0) and shown["正式党员"] == (1, 50.0)
    assert shown["党龄不满5年"] == (1, 50.0)
    assert sum(shown[f"党龄{band.label}"][0] for band in structure.STANDING_BANDS.values()) == 1


def test_only_members_on_the_roll_are_counted(orgs, county_a_clerk) -> None:
    enrol(orgs["community"], name="在册")
    gone = enrol(orgs["community"], name="去世")
    services.member_set_status(member=gone, status=MemberStatus.DECEASED, changed_on=dates.today(), actor=SYSTEM)

    shown = figures(county_a_clerk)

    assert shown["在册党员"] == (1, 100.0)
    assert shown["男党员"] == (1, 100.0)


def test_gender_and_the_floating_and_lost_flags_are_counted_with_their_shares(orgs, county_a_clerk) -> None:
    enrol(orgs["community"], male=False, floating=True)
    enrol(orgs["community"], male=False)
    enrol(orgs["village"], male=True, lost=True)
    enrol(orgs["village"], male=True, floating=True, lost=True)

    shown = figures(county_a_clerk)

    assert shown["女党员"] == (2, 50.0) and shown["男党员"] == (2, 50.0)
    assert shown["流动党员"] == (2, 50.0) and shown["失联党员"] == (2, 50.0)


def test_a_share_is_of_the_members_on_the_roll_to_one_decimal(orgs, county_a_clerk) -> None:
    enrol(orgs["community"], floating=True)
    enrol(orgs["community"])
    enrol(orgs["community"])

    assert figures(county_a_clerk)["流动党员"] == (1, 33.3)


def test_a_member_without_a_birth_date_on_record_is_a_line_of_his_own_shown_only_then(orgs, county_a_clerk,
                                                                                     client_for) -> None:
    enrol(orgs["community"])
    assert "出生日期不详" not in figures(county_a_clerk)
    old = enrol(orgs["community"], name="旧记录")
    Member.objects.filter(pk=old.pk).update(birth_date=None)  # a row from before birth dates were read from the number

    data = dashboard.get(PANEL).compute(county_a_clerk)
    index = data.labels.index("出生日期不详")

    assert data.rows()[index] == ["出生日期不详", 1, 50.0]
    assert client_for(county_a_clerk).get(data.series[0].link(index)).context["cl"].result_count == 1


def test_a_county_clerk_sees_only_the_members_of_his_county(orgs, county_a_clerk, county_b_clerk,
                                                           city_officer) -> None:
    enrol(orgs["community"])
    enrol(orgs["village"])
    enrol(orgs["county_b"])

    assert figures(county_a_clerk)["在册党员"][0] == 2
    assert figures(county_b_clerk)["在册党员"][0] == 1
    assert figures(city_officer)["在册党员"][0] == 3


def test_a_jurisdiction_without_members_on_the_roll_says_so(orgs, county_b_clerk) -> None:
    enrol(orgs["community"])

    data = dashboard.get(PANEL).compute(county_b_clerk)

    assert data.is_empty and data.empty == "管辖范围内没有在册党员。"


def test_the_panel_costs_the_same_queries_whatever_the_number_of_members(orgs, county_a_clerk) -> None:
    def queries_read() -> list[str]:
        user = type(county_a_clerk).objects.get(pk=county_a_clerk.pk)  # nothing of the last count remembered
        with CaptureQueriesContext(connection) as read:
            dashboard.get(PANEL).compute(user)
        return [q["sql"] for q in read.captured_queries]

    enrol(orgs["community"])
    few = queries_read()
    for i in range(30):
        enrol(orgs["village"], age=20 + 2 * i, standing=None if i % 4 == 3 else i, floating=i % 2 == 0)
    many = queries_read()

    assert len(many) == len(few) <= 3  # the jurisdiction's units, then the counts
    assert sum('"members_member"' in sql for sql in many) == 1


def test_every_figure_links_to_a_roster_of_exactly_that_many_members(orgs, county_a_clerk, client_for) -> None:
    for age, standing in ((23, None), (30, 4), (31, 5), (36, 10), (41, 11), (46, 20), (51, 21), (56, 30),
                          (60, 31), (61, 40), (70, 41), (75, 50), (80, 51), (90, 60)):
        enrol(orgs["community"], age=age, standing=standing, male=age % 2 == 0, floating=age % 3 == 0,
              lost=age % 5 == 0)
    gone = enrol(orgs["village"], age=75, standing=51, floating=True, lost=True)
    services.member_set_status(member=gone, status=MemberStatus.EXPELLED, changed_on=dates.today(), reason="除名",
                               actor=SYSTEM)
    enrol(orgs["county_b"], age=30, standing=None)  # another county's
    client = client_for(county_a_clerk)
    data = dashboard.get(PANEL).compute(county_a_clerk)

    for label, count, link in zip(data.labels, data.series[0].values, data.series[0].links):
        response = client.get(link)
        assert response.status_code == 200, link
        assert response.context["cl"].result_count == count, label
    assert len(data.labels) == 23 and all(data.series[0].values[1:10])


def test_the_roster_filters_by_age_and_standing_band(orgs, county_a_clerk, client_for) -> None:
    enrol(orgs["community"], age=35, standing=None, name="年轻预备")
    enrol(orgs["community"], age=62, standing=40, name="老党员")
    client = client_for(county_a_clerk)
    roster = reverse("admin:members_member_changelist")

    def names(**params: str) -> list[str]:
        return [m.name for m in client.get(roster, params).context["cl"].result_list]

    assert names(age="31-35") == ["年轻预备"]
    assert names(age="61-", standing="31-40") == ["老党员"]
    assert names(standing="probation") == ["年轻预备"]
    assert names(age="unknown") == []


def test_the_export_has_a_row_for_every_line_with_its_count_and_share(orgs, county_a_clerk, client_for,
                                                                      settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    enrol(orgs["community"], age=30, standing=None, male=False, floating=True)
    enrol(orgs["community"], age=45, standing=12)
    enrol(orgs["village"], age=58, standing=33)
    enrol(orgs["village"], age=66, standing=45, lost=True)
    client = client_for(county_a_clerk)

    response = client.post(reverse("admin:dashboard_export", args=[PANEL]))
    export = ExportFile.objects.latest("pk")
    assert response.status_code == 302 and export_build(export_id=export.pk) == "ready"
    download = client.get(reverse("admin:export_download", args=[export.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))

    assert rows[0] == ("党员队伍结构", "人数", "占比（%）")
    assert rows[1:] == [
        ("在册党员", 4, 100), ("正式党员", 3, 75), ("预备党员", 1, 25), ("男党员", 3, 75), ("女党员", 1, 25),
        ("30岁及以下", 1, 25), ("31至35岁", 0, 0), ("36至40岁", 0, 0), ("41至45岁", 1, 25), ("46至50岁", 0, 0),
        ("51至55岁", 0, 0), ("56至60岁", 1, 25), ("61岁及以上", 1, 25),
        ("党龄不满5年", 0, 0), ("党龄5至10年", 0, 0), ("党龄11至20年", 1, 25), ("党龄21至30年", 0, 0),
        ("党龄31至40年", 1, 25), ("党龄41至50年", 1, 25), ("党龄51年及以上", 0, 0), ("预备党员（不计党龄）", 1, 25),
        ("流动党员", 1, 25), ("失联党员", 1, 25),
    ]


def test_the_dashboard_shows_the_panels_place_and_counts_nothing_for_it(orgs, county_a_clerk, client_for) -> None:
    """The panel scans every member on the roll of the jurisdiction (a province's 1.7
    million): the 工作台 shows its place at once and fetches it after the page."""
    enrol(orgs["community"], floating=True)

    with CaptureQueriesContext(connection) as queries:
        html = client_for(county_a_clerk).get(reverse("admin:index")).content.decode()

    place = reverse("admin:dashboard_panel", args=[PANEL])
    assert f'hx-get="{place}" hx-trigger="load" hx-swap="outerHTML"' in html
    assert '<h2 id="panel-members_structure">党员队伍结构</h2>' in html and "正在统计……" in html
    assert "流动党员</th><td>1人</td>" not in html
    assert not [q["sql"] for q in queries.captured_queries if 'AS "line0"' in q["sql"]]
    # The other members panel is drawn with the page.
    assert '<h2 id="panel-members_work">' in html


def test_the_panels_request_draws_it_with_counts_and_shares_for_the_users_jurisdiction(
        orgs, county_a_clerk, county_b_clerk, client_for) -> None:
    enrol(orgs["community"], floating=True)
    enrol(orgs["community"])
    place = reverse("admin:dashboard_panel", args=[PANEL])

    response = client_for(county_a_clerk).get(place, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<section class="dash-panel" aria-labelledby="panel-members_structure">')
    assert "<html" not in html and "<td>1人</td><td>50.0%</td>" in html
    assert reverse("admin:dashboard_export", args=[PANEL]) in html
    other = client_for(county_b_clerk).get(place, HTTP_HX_REQUEST="true").content.decode()
    assert "管辖范围内没有在册党员。" in other and "<td>1人</td>" not in other


def test_the_panels_request_is_refused_without_the_roster_right_and_unknown_for_no_panel(
        county_a_clerk, client_for, personas) -> None:
    place = reverse("admin:dashboard_panel", args=[PANEL])
    assert client_for(personas["audit_admin"]).get(place, HTTP_HX_REQUEST="true").status_code == 403
    unknown = reverse("admin:dashboard_panel", args=["no_such_panel"])
    assert client_for(county_a_clerk).get(unknown, HTTP_HX_REQUEST="true").status_code == 404
    assert client_for(personas["non_staff"]).get(place, HTTP_HX_REQUEST="true").status_code == 302


def test_the_panels_address_opened_as_a_page_is_the_dashboard(county_a_clerk, client_for) -> None:
    response = client_for(county_a_clerk).get(reverse("admin:dashboard_panel", args=[PANEL]))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
