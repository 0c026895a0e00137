"""党员人数 on the organisation's list and page come from the roster (one selector,
``roster_counts``); the typed figure is shown only as the reported one."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from branches.admin.organisations import PartyOrganisationAdmin
from branches.members import selectors, services
from branches.members.models import MemberCategory, MemberStatus
from branches.models import OrgKind
from tests.samples.names import numbered

from .conftest import SYSTEM, add_member, days_ago, make_org, queries_for_page, today

pytestmark = pytest.mark.django_db
ORG_LIST = reverse("admin:branches_partyorganisation_changelist")


def fill(orgs):
    add_member(orgs["community"], "甲")
    add_member(orgs["community"], "乙")
    add_member(orgs["community"], "丙", category=MemberCategory.PROBATIONARY, joined_on=days_ago(100))
    gone = add_member(orgs["community"], "丁")
    services.member_set_status(member=gone, status=MemberStatus.DECEASED, changed_on=today(), reason="支部决定", actor=SYSTEM)
    add_member(orgs["village"], "戊", category=MemberCategory.PROBATIONARY, joined_on=days_ago(100))
    add_member(orgs["county_b"], "己")


def test_roster_counts_count_full_and_probationary_members_on_the_roster_only(orgs):
    fill(orgs)
    counts = selectors.roster_counts(orgs.values())
    community = counts[orgs["community"].pk]
    assert (community.full, community.probationary, community.total) == (2, 1, 3)
    assert str(community) == "3（正式 2，预备 1）"
    assert counts[orgs["county_b"].pk].total == 1


def test_a_committee_counts_the_members_of_every_branch_below_it(orgs):
    fill(orgs)
    committee = selectors.roster_counts([orgs["committee"]])[orgs["committee"].pk]
    assert (committee.full, committee.probationary) == (2, 2)


def test_a_branch_without_members_counts_zero(orgs):
    assert selectors.roster_counts([orgs["community"]])[orgs["community"].pk].total == 0


def test_the_organisation_list_shows_the_roster_count(orgs, client_for, province_officer):
    fill(orgs)
    response = client_for(province_officer).get(ORG_LIST)
    body = response.content.decode()
    assert "在册党员（名册统计）" in body and "3（正式 2，预备 1）" in body


def test_the_organisation_page_shows_the_roster_count_and_asks_for_no_typed_one(orgs, client_for, province_officer):
    fill(orgs)
    body = client_for(province_officer).get(
        reverse("admin:branches_partyorganisation_change", args=[orgs["community"].pk])).content.decode()
    assert "3（正式 2，预备 1）" in body
    assert "填报党员人数" not in body and 'name="members_count"' not in body
    committee = client_for(province_officer).get(
        reverse("admin:branches_partyorganisation_change", args=[orgs["committee"].pk])).content.decode()
    assert "4（正式 2，预备 2）" in committee


def test_the_organisation_list_counts_its_branches_in_the_same_queries_for_any_page_size(orgs, tree, client_for,
                                                                                         province_officer):
    for i in range(12):
        branch = make_org(f"A-X{i}", f"测试第{i}党支部", tree["county_a"], parent=orgs["committee"])
        add_member(branch, numbered("成员", i))
    client = client_for(province_officer)
    client.get(ORG_LIST)  # a server's page after the first: the unit filter's choices are kept
    assert queries_for_page(client, PartyOrganisationAdmin, ORG_LIST, 3) == \
        queries_for_page(client, PartyOrganisationAdmin, ORG_LIST, 15)


ROSTER_COUNT = re.compile(r"\d+（正式 \d+，预备 \d+）")


def counts_on_the_list(client) -> dict[str, str]:
    """The 在册党员 cell of each row of the organisation list, by the row's code."""
    body = client.get(ORG_LIST).content.decode()
    rows = {}
    for row in body.split("<tr")[1:]:
        code = re.search(r">([A-Z]-[A-Z0-9-]+)<", row)
        if code:
            count = ROSTER_COUNT.search(row)
            rows[code.group(1)] = count.group(0) if count else "—"
    return rows


def count_on_the_page(client, organisation) -> str:
    body = client.get(reverse("admin:branches_partyorganisation_change", args=[organisation.pk])).content.decode()
    [count] = ROSTER_COUNT.findall(body)
    return count


def test_a_committee_shows_on_the_list_the_count_its_page_shows(orgs, tree, client_for, province_officer):
    fill(orgs)
    general = make_org("A-ZZ", "城关区委第一党总支", tree["county_a"], OrgKind.GENERAL_BRANCH, parent=orgs["committee"])
    add_member(make_org("A-ZZ1", "第一党总支第一党支部", tree["county_a"], parent=general), "庚")
    client = client_for(province_officer)
    on_the_list = counts_on_the_list(client)
    assert on_the_list["A-DW"] == "5（正式 3，预备 2）" and on_the_list["A-ZZ"] == "1（正式 1，预备 0）"
    for organisation in [*orgs.values(), general]:
        assert on_the_list[organisation.code] == count_on_the_page(client, organisation), organisation.code


def test_the_organisation_list_counts_its_committees_in_the_same_queries_for_any_page_size(orgs, tree, client_for,
                                                                                           province_officer):
    fill(orgs)
    for i in range(6):  # after the first page of three: six committees, each above a branch with a member
        committee = make_org(f"A-Y{i}", f"测试第{i}党委", tree["county_a"], OrgKind.COMMITTEE)
        add_member(make_org(f"A-Y{i}-1", f"测试第{i}党委第一党支部", tree["county_a"], parent=committee), numbered("委员", i))
    client = client_for(province_officer)
    client.get(ORG_LIST)  # a server's page after the first: the unit filter's choices are kept
    assert queries_for_page(client, PartyOrganisationAdmin, ORG_LIST, 3) == \
        queries_for_page(client, PartyOrganisationAdmin, ORG_LIST, 15)
    assert counts_on_the_list(client)["A-Y5"] == "1（正式 1，预备 0）"


def test_the_organisations_sheet_exports_the_roster_count_and_never_reads_it_back(orgs, county_a_clerk, tmp_path):
    from branches.models import PartyOrganisation
    from branches.resources import PartyOrganisationResource
    from orgwork.imports.engine import run_import
    from orgwork.imports.exporting import export_rows
    from orgwork.imports.reader import open_sheet

    fill(orgs)
    ours = PartyOrganisation.objects.filter(code__startswith="A-").order_by("path")
    headers, rows = export_rows(PartyOrganisationResource(county_a_clerk), ours)
    rows = list(rows)
    counts = {row[0]: row[headers.index("在册党员人数")] for row in rows}
    # 东岗社区 3 on the roll (the deceased member is not), 红星村 1, the committee above both 4.
    assert counts == {"A-DW": 4, "A-SQ": 3, "A-CUN": 1}

    rows[1][headers.index("在册党员人数")] = 999  # a figure typed into the sheet changes nothing
    path = tmp_path / "orgs.csv"
    path.write_text("\r\n".join(",".join("" if v is None else str(v) for v in row) for row in [headers, *rows]) + "\r\n",
                    encoding="utf-8")
    result = run_import(PartyOrganisationResource, county_a_clerk,
                        open_sheet(str(path), path.name, PartyOrganisationResource), commit=True)
    assert result.committed and result.unchanged == 3, [(e.row, e.column, e.message) for e in result.errors]
    assert result.ignored_headers == ["在册党员人数"]
