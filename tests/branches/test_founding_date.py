"""成立日期 of a 党组织: a 党支部 is asked for 三会一课 only from the period that begins on or
after its founding — by the reminders (到期事项 ``branches_meetings_behind``), by the 台账
「未按规定开展三会一课的党支部」 and by the rates. The date is not after today on every
path (the form, the sheet, the service), the add form asks it, and no meeting is recorded
before it. An organisation on record without one is asked in every period, as before."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.cadence import Period
from branches.models import (
    Domain,
    Meeting,
    MeetingKind,
    PartyOrganisation,
    founding_after_meetings_message,
    founding_after_today_message,
)
from branches.resources import MeetingResource, PartyOrganisationResource
from branches.selectors import (
    branches_missing_meetings,
    count_branches_missing_meetings,
    meeting_gaps,
    meeting_rates,
    monthly_meeting_rates,
)
from branches.services import meeting_record, party_org_save
from orgwork.audit.models import AuditLog
from orgwork.common import dates
from orgwork.common.contract import SystemActor
from orgwork.imports.engine import run_import
from orgwork.notifications import registry, services
from orgwork.notifications.models import Notification, Stage
from orgwork.units.scope import units_visible_to

from .conftest import TEST_ACTOR, add_meeting, make_org
from .test_imports import errors_of, sheet_of
from .test_rules_on_every_path import MEETING_HEADER

pytestmark = pytest.mark.django_db
D = datetime.date
SOURCE = "branches_meetings_behind"
ORG_HEADER = ["组织代码", "组织名称", "组织类别", "上级党组织代码", "所在单位代码", "领域", "成立日期"]


def found(code: str, name: str, orgs: dict[str, PartyOrganisation], founded_on: datetime.date) -> PartyOrganisation:
    """A new 党支部 under 城关区委, founded on ``founded_on``."""
    committee = orgs["committee"]
    return party_org_save(organisation=PartyOrganisation(
        code=code, name=name, unit=committee.unit, kind="branch", parent=committee, domain=Domain.COMMUNITY,
        founded_on=founded_on), actor=TEST_ACTOR)


def org_of(source_key: str) -> int:
    """The organisation a reminder's key names (see branches.worklists.meetings_behind_key)."""
    return int(source_key.split(":")[1]) // 1_000_000


def add_post(**values: Any) -> dict[str, Any]:
    data = {"code": "A-NEW", "name": "东岗社区第二党支部", "kind": "branch", "domain": Domain.COMMUNITY, "venue_area": "",
            "secretary-TOTAL_FORMS": 0, "secretary-INITIAL_FORMS": 0, "secretary-MIN_NUM_FORMS": 0,
            "secretary-MAX_NUM_FORMS": 1}
    return {**data, **values}


# ---------------------------------------------------------------------------
# Reminders
# ---------------------------------------------------------------------------


def test_a_branch_founded_this_month_is_not_reminded_of_earlier_slots_nor_escalated(
        orgs: dict[str, PartyOrganisation], county_a_clerk: Any, city_officer: Any) -> None:
    """The repro: a 党支部 added today was told of a year of 三会一课 back to 2025-12."""
    today = dates.today()
    add_meeting(orgs["county_b"], MeetingKind.GROUP_MEETING, D(2025, 12, 5))  # the system's records begin
    new = found("A-NEW", "东岗社区第二党支部", orgs, today)
    items = list(registry.get(SOURCE).due(today + datetime.timedelta(days=16)))
    assert items  # the old branches are still asked
    assert not [i for i in items if i.pk // 1_000_000 == new.pk and i.deadline < today]
    services.reminders_send(actor=SystemActor("send_reminders"), today=today + datetime.timedelta(days=16))
    told = Notification.objects.filter(source=SOURCE)
    assert not [n for n in told if org_of(n.source_key) == new.pk and n.stage in (Stage.OVERDUE, Stage.ESCALATED)]
    # A branch on record with no 成立日期 is escalated for its old slots as before.
    assert any(org_of(n.source_key) == orgs["village"].pk for n in told.filter(recipient=city_officer,
                                                                               stage=Stage.ESCALATED))


def test_the_gaps_of_a_branch_founded_within_the_year_begin_with_its_first_whole_period(
        orgs: dict[str, PartyOrganisation]) -> None:
    new = found("A-NEW", "东岗社区第二党支部", orgs, D(2026, 5, 1))
    periods = [Period.of_month(2026, m) for m in range(3, 8)] + [Period.of_quarter(2026, q) for q in (1, 2, 3)]
    for source in ("summary", "meetings"):
        gaps = {(g.kind, g.period) for g in meeting_gaps(periods=periods, source=source) if g.organisation_id == new.pk}
        assert {p for _, p in gaps} == {Period.of_month(2026, 5), Period.of_month(2026, 6), Period.of_month(2026, 7),
                                        Period.of_quarter(2026, 3)}
        # The branch on record since before the system is asked every slot.
        old = {g.period for g in meeting_gaps(periods=periods, source=source) if g.organisation_id == orgs["village"].pk}
        assert old == set(periods)


# ---------------------------------------------------------------------------
# 台账, its counts and the rates
# ---------------------------------------------------------------------------


def test_the_missing_meetings_list_leaves_out_a_branch_founded_after_the_period_began(
        orgs: dict[str, PartyOrganisation], county_a_clerk: Any) -> None:
    new = found("A-NEW", "东岗社区第二党支部", orgs, D(2026, 10, 15))
    units = units_visible_to(county_a_clerk)
    october, november = Period.of_month(2026, 10), Period.of_month(2026, 11)
    for source in ("summary", "meetings"):
        in_october = {b.organisation_id for b in branches_missing_meetings(period=october, units=units, source=source)}
        in_november = {b.organisation_id for b in branches_missing_meetings(period=november, units=units, source=source)}
        assert new.pk not in in_october and orgs["village"].pk in in_october
        assert new.pk in in_november
        assert count_branches_missing_meetings(period=october, user=county_a_clerk, source=source) == len(in_october)
        assert meeting_rates(units=units, period=october, source=source).total.branches == 2
        assert meeting_rates(units=units, period=november, source=source).total.branches == 3
        assert meeting_rates(units=units, period=Period.of_quarter(2026, 4), source=source).total.branches == 2
        # The dashboard's monthly rates count each month as the month's own rates do.
        monthly = monthly_meeting_rates(units=units, months=[october, november], source=source)
        assert [report.total.branches for report in monthly] == [2, 3]


# ---------------------------------------------------------------------------
# Not after today: the form, the sheet and the service alike
# ---------------------------------------------------------------------------


def test_a_founding_date_after_today_is_refused_by_the_service(orgs: dict[str, PartyOrganisation]) -> None:
    tomorrow = dates.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        found("A-NEW", "东岗社区第二党支部", orgs, tomorrow)
    assert refused.value.message_dict["founded_on"] == [founding_after_today_message(tomorrow)]
    assert not PartyOrganisation.objects.filter(code="A-NEW").exists()


def test_a_founding_date_after_today_is_refused_by_the_sheet_in_the_same_words(
        tmp_path: Path, orgs: dict[str, PartyOrganisation], county_a_clerk: Any) -> None:
    tomorrow = dates.today() + datetime.timedelta(days=1)
    sheet = sheet_of(tmp_path, PartyOrganisationResource, [
        ORG_HEADER, ["A-NEW", "东岗社区第二党支部", "党支部", "A-DW", "620102", "社区", tomorrow.isoformat()]])
    result = run_import(PartyOrganisationResource, county_a_clerk, sheet, commit=True)
    assert errors_of(result) == [(2, "成立日期", founding_after_today_message(tomorrow))]
    assert not PartyOrganisation.objects.filter(code="A-NEW").exists()


def test_a_sheet_reads_the_founding_date_and_leaves_a_blank_one_unrecorded(
        tmp_path: Path, orgs: dict[str, PartyOrganisation], county_a_clerk: Any) -> None:
    sheet = sheet_of(tmp_path, PartyOrganisationResource, [
        ORG_HEADER,
        ["A-NEW", "东岗社区第二党支部", "党支部", "A-DW", "620102", "社区", "2026-03-01"],
        ["A-OLD", "东岗社区第三党支部", "党支部", "A-DW", "620102", "社区", ""]])
    result = run_import(PartyOrganisationResource, county_a_clerk, sheet, commit=True)
    assert result.ok, errors_of(result)
    founded = dict(PartyOrganisation.objects.filter(code__in=["A-NEW", "A-OLD"]).values_list("code", "founded_on"))
    assert founded == {"A-NEW": D(2026, 3, 1), "A-OLD": None}


def test_a_founding_date_after_today_is_refused_on_the_form_in_the_same_words(
        orgs: dict[str, PartyOrganisation], county_a_clerk: Any, client_for: Any) -> None:
    tomorrow = dates.today() + datetime.timedelta(days=1)
    committee = orgs["committee"]
    response = client_for(county_a_clerk).post(reverse("admin:branches_partyorganisation_add"), add_post(
        parent=committee.pk, unit=committee.unit_id, founded_on=tomorrow.isoformat()))
    assert response.status_code == 200
    assert founding_after_today_message(tomorrow) in response.content.decode()
    assert not PartyOrganisation.objects.filter(code="A-NEW").exists()


# ---------------------------------------------------------------------------
# The admin form
# ---------------------------------------------------------------------------


def test_the_add_form_asks_the_founding_date_with_today_filled_in_and_requires_it(
        orgs: dict[str, PartyOrganisation], county_a_clerk: Any, client_for: Any) -> None:
    client = client_for(county_a_clerk)
    page = client.get(reverse("admin:branches_partyorganisation_add")).content.decode()
    assert 'name="founded_on"' in page and f'value="{dates.today().isoformat()}"' in page
    assert "新成立的党组织填写成立日期；本系统启用前已有的党组织填写实际成立日期" in page
    committee = orgs["committee"]
    response = client.post(reverse("admin:branches_partyorganisation_add"),
                           add_post(parent=committee.pk, unit=committee.unit_id, founded_on=""))
    assert response.status_code == 200 and "请填写成立日期" in response.content.decode()
    assert not PartyOrganisation.objects.filter(code="A-NEW").exists()
    response = client.post(reverse("admin:branches_partyorganisation_add"),
                           add_post(parent=committee.pk, unit=committee.unit_id, founded_on="2026-03-01"))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert PartyOrganisation.objects.get(code="A-NEW").founded_on == D(2026, 3, 1)


def test_the_change_form_shows_the_founding_date_and_an_old_organisation_may_keep_it_blank(
        orgs: dict[str, PartyOrganisation], county_a_clerk: Any, client_for: Any) -> None:
    community = PartyOrganisation.objects.get(pk=orgs["community"].pk)
    url = reverse("admin:branches_partyorganisation_change", args=[community.pk])
    client = client_for(county_a_clerk)
    assert 'name="founded_on"' in client.get(url).content.decode()
    data = add_post(code=community.code, name="东岗社区党支部（改）", parent=community.parent_id, unit=community.unit_id,
                    venue_area="210", founded_on="", seen_version=community.version)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    community.refresh_from_db()
    assert (community.name, community.founded_on) == ("东岗社区党支部（改）", None)


# ---------------------------------------------------------------------------
# No meeting before the founding
# ---------------------------------------------------------------------------


def test_a_meeting_dated_before_its_branch_was_founded_is_refused(
        orgs: dict[str, PartyOrganisation], county_a_clerk: Any) -> None:
    today = dates.today()
    new = found("A-NEW", "东岗社区第二党支部", orgs, today)
    with pytest.raises(ValidationError) as refused:
        meeting_record(organisation=new, kind=MeetingKind.COMMITTEE_MEETING, held_on=today - datetime.timedelta(days=1),
                       topic="支委会", expected=5, present=5, actor=county_a_clerk)
    assert "早于「东岗社区第二党支部」的成立日期" in refused.value.message_dict["held_on"][0]
    meeting_record(organisation=new, kind=MeetingKind.COMMITTEE_MEETING, held_on=today, topic="支委会", expected=5,
                   present=5, actor=county_a_clerk)
    assert Meeting.objects.filter(organisation=new).count() == 1


def test_a_meetings_sheet_refuses_a_row_dated_before_the_founding_under_its_date(
        tmp_path: Path, orgs: dict[str, PartyOrganisation], county_a_clerk: Any) -> None:
    today = dates.today()
    found("A-NEW", "东岗社区第二党支部", orgs, today)
    sheet = sheet_of(tmp_path, MeetingResource, [
        MEETING_HEADER, ["A-NEW", "支委会", (today - datetime.timedelta(days=1)).isoformat(), "研究工作", 7, 7, ""]])
    result = run_import(MeetingResource, county_a_clerk, sheet, commit=True)
    assert [(row, column) for row, column, _ in errors_of(result)] == [(2, "召开日期")]
    assert "成立日期" in errors_of(result)[0][2]
    assert not Meeting.objects.exists()


def test_a_meeting_on_record_before_a_founding_date_entered_later_is_asked_only_when_its_date_is_written(
        orgs: dict[str, PartyOrganisation], county_a_clerk: Any) -> None:
    from branches.services import meeting_save

    today = dates.today()
    meeting = meeting_record(organisation=orgs["community"], kind=MeetingKind.COMMITTEE_MEETING,
                             held_on=today - datetime.timedelta(days=2), topic="支委会", expected=5, present=5,
                             actor=county_a_clerk)
    # A 成立日期 on record from before it was checked against the meetings (the service now refuses it).
    PartyOrganisation.objects.filter(pk=orgs["community"].pk).update(founded_on=today)
    meeting = Meeting.objects.get(pk=meeting.pk)
    meeting.present = 4
    meeting_save(meeting=meeting, actor=county_a_clerk)  # the date is not written now: not asked
    assert Meeting.objects.get(pk=meeting.pk).present == 4
    meeting = Meeting.objects.get(pk=meeting.pk)
    meeting.held_on = today - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        meeting_save(meeting=meeting, actor=county_a_clerk)
    assert "成立日期" in refused.value.message_dict["held_on"][0]


# ---------------------------------------------------------------------------
# No 成立日期 after a meeting on record: the form, the sheet and the service alike
# ---------------------------------------------------------------------------


def community_with_meetings(orgs: dict[str, PartyOrganisation]) -> PartyOrganisation:
    """东岗社区党支部 (no 成立日期 on record) with 三会一课 held on 2026-01-15, 2026-02-10 and 2026-04-20."""
    community = orgs["community"]
    for held_on in (D(2026, 2, 10), D(2026, 1, 15), D(2026, 4, 20)):
        add_meeting(community, MeetingKind.GROUP_MEETING, held_on)
    return PartyOrganisation.objects.get(pk=community.pk)


def refusal_for(organisation: PartyOrganisation, day: datetime.date, earliest: datetime.date, count: int) -> str:
    return founding_after_meetings_message(organisation, day, earliest=earliest, count=count)


def test_a_founding_date_after_a_meeting_on_record_is_refused_by_the_service_naming_the_earliest_meeting(
        orgs: dict[str, PartyOrganisation], county_a_clerk: Any) -> None:
    community = community_with_meetings(orgs)
    community.founded_on = D(2026, 3, 1)
    with pytest.raises(ValidationError) as refused:
        party_org_save(organisation=community, actor=county_a_clerk)
    message = refused.value.message_dict["founded_on"]
    assert message == [refusal_for(community, D(2026, 3, 1), D(2026, 1, 15), 2)]
    assert message == ["成立日期 2026-03-01 晚于「东岗社区党支部」已登记的2次三会一课（最早一次召开于 2026-01-15）："
                       "党组织成立之前不能开展三会一课，请核对成立日期或这些会议的召开日期。"]
    assert PartyOrganisation.objects.get(pk=community.pk).founded_on is None


def test_a_founding_date_on_the_day_of_the_earliest_meeting_is_taken_and_a_later_change_is_asked_again(
        orgs: dict[str, PartyOrganisation], county_a_clerk: Any) -> None:
    community = community_with_meetings(orgs)
    community.founded_on = D(2026, 1, 15)
    party_org_save(organisation=community, actor=county_a_clerk)
    assert PartyOrganisation.objects.get(pk=community.pk).founded_on == D(2026, 1, 15)
    community = PartyOrganisation.objects.get(pk=community.pk)
    community.founded_on = D(2026, 1, 16)  # changed: asked again
    with pytest.raises(ValidationError) as refused:
        party_org_save(organisation=community, actor=county_a_clerk)
    assert refused.value.message_dict["founded_on"] == [refusal_for(community, D(2026, 1, 16), D(2026, 1, 15), 1)]
    assert PartyOrganisation.objects.get(pk=community.pk).founded_on == D(2026, 1, 15)


def test_a_founding_date_after_a_meeting_on_record_is_refused_on_the_change_form_in_the_same_words(
        orgs: dict[str, PartyOrganisation], county_a_clerk: Any, client_for: Any) -> None:
    community = community_with_meetings(orgs)
    url = reverse("admin:branches_partyorganisation_change", args=[community.pk])
    data = add_post(code=community.code, name=community.name, parent=community.parent_id, unit=community.unit_id,
                    venue_area="210", founded_on="2026-03-01", seen_version=community.version)
    response = client_for(county_a_clerk).post(url, data)
    assert response.status_code == 200
    assert refusal_for(community, D(2026, 3, 1), D(2026, 1, 15), 2) in response.content.decode()
    assert PartyOrganisation.objects.get(pk=community.pk).founded_on is None
    response = client_for(county_a_clerk).post(url, {**data, "founded_on": "2026-01-15"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert PartyOrganisation.objects.get(pk=community.pk).founded_on == D(2026, 1, 15)


def exported_rows(user: Any) -> list[list[Any]]:
    dataset = PartyOrganisationResource(user=user).export()
    return [list(dataset.headers), *[list(row) for row in dataset]]


def with_founding(rows: list[list[Any]], code: str, value: str) -> list[list[Any]]:
    """``rows`` with the 成立日期 cell of organisation ``code`` set to ``value``."""
    column = rows[0].index("成立日期")
    return [rows[0], *[[*row[:column], value, *row[column + 1:]] if row[0] == code else row for row in rows[1:]]]


def test_a_founding_date_after_a_meeting_on_record_is_refused_by_the_sheet_in_the_same_words(
        tmp_path: Path, orgs: dict[str, PartyOrganisation], county_a_clerk: Any) -> None:
    community = community_with_meetings(orgs)
    rows = with_founding(exported_rows(county_a_clerk), "A-SQ", "2026-03-01")
    result = run_import(PartyOrganisationResource, county_a_clerk, sheet_of(tmp_path, PartyOrganisationResource, rows),
                        commit=True)
    number = next(n for n, row in enumerate(rows, start=1) if row[0] == "A-SQ")
    assert errors_of(result) == [(number, "成立日期", refusal_for(community, D(2026, 3, 1), D(2026, 1, 15), 2))]
    assert PartyOrganisation.objects.get(pk=community.pk).founded_on is None


def test_a_blank_founding_date_cell_keeps_the_date_on_record_and_an_exported_sheet_comes_back_unchanged(
        tmp_path: Path, orgs: dict[str, PartyOrganisation], county_a_clerk: Any) -> None:
    community = PartyOrganisation.objects.get(pk=orgs["community"].pk)
    community.founded_on = D(2020, 7, 1)
    party_org_save(organisation=community, actor=county_a_clerk)
    exported = exported_rows(county_a_clerk)
    assert [row for row in exported if row[0] == "A-SQ"][0][exported[0].index("成立日期")] == "2020-07-01"
    blank = with_founding(exported, "A-SQ", "")
    for rows in (exported, blank):
        preview = run_import(PartyOrganisationResource, county_a_clerk,
                             sheet_of(tmp_path, PartyOrganisationResource, rows), commit=False)
        assert (preview.ok, preview.updated, preview.unchanged) == (True, 0, len(rows) - 1), errors_of(preview)
    audited = AuditLog.objects.filter(object_id=str(community.pk), content_type__model="partyorganisation").count()
    renamed = [[*row[:1], "东岗社区党支部（改）", *row[2:]] if row[0] == "A-SQ" else row for row in blank]
    result = run_import(PartyOrganisationResource, county_a_clerk, sheet_of(tmp_path, PartyOrganisationResource, renamed),
                        commit=True)
    assert (result.ok, result.updated) == (True, 1), errors_of(result)
    community.refresh_from_db()
    assert (community.name, community.founded_on) == ("东岗社区党支部（改）", D(2020, 7, 1))
    trail = AuditLog.objects.filter(object_id=str(community.pk), content_type__model="partyorganisation")
    assert trail.count() == audited + 1 and "founded_on" not in trail.latest("pk").changes


def test_a_sheet_filling_in_founding_dates_reads_the_earliest_meetings_once_a_chunk_and_asks_again_only_for_a_refusal(
        tmp_path: Path, orgs: dict[str, PartyOrganisation], county_a_clerk: Any) -> None:
    """A first upload that fills in 成立日期 for a whole county: one query for the earliest
    meeting of every organisation of the chunk; the rows refused ask again for the words
    of their message (how many meetings, the earliest)."""
    community = community_with_meetings(orgs)
    branches = [make_org(f"A-{i:02d}", f"东岗社区第{i}党小组党支部", orgs["committee"].unit, parent=orgs["committee"])
                for i in range(1, 9)]
    for branch in branches:
        add_meeting(branch, MeetingKind.GROUP_MEETING, D(2026, 1, 20))
    rows = with_founding(exported_rows(county_a_clerk), "A-SQ", "2026-03-01")  # after its meeting of 2026-01-15
    rows = with_founding(rows, "A-08", "2026-02-01")  # after its meeting of 2026-01-20
    for branch in branches[:-1]:
        rows = with_founding(rows, branch.code, "2025-12-01")  # before their meetings: taken
    sheet = sheet_of(tmp_path, PartyOrganisationResource, rows)
    with CaptureQueriesContext(connection) as queries:
        result = run_import(PartyOrganisationResource, county_a_clerk, sheet, commit=False)
    meetings_read = [q["sql"] for q in queries.captured_queries
                     if q["sql"].startswith("SELECT") and Meeting._meta.db_table in q["sql"]]
    assert len(meetings_read) == 1 + 2, meetings_read  # the chunk's, then one for each of the two refusals
    numbered = {row[0]: n for n, row in enumerate(rows, start=1)}
    assert sorted(errors_of(result)) == sorted([
        (numbered["A-SQ"], "成立日期", refusal_for(community, D(2026, 3, 1), D(2026, 1, 15), 2)),
        (numbered["A-08"], "成立日期", refusal_for(branches[-1], D(2026, 2, 1), D(2026, 1, 20), 1))])
    rows = with_founding(with_founding(rows, "A-SQ", "2026-01-15"), "A-08", "2026-01-20")  # on the day: taken
    result = run_import(PartyOrganisationResource, county_a_clerk, sheet_of(tmp_path, PartyOrganisationResource, rows),
                        commit=True)
    assert (result.ok, result.updated) == (True, 9), errors_of(result)
    assert set(PartyOrganisation.objects.filter(code__in=[b.code for b in branches[:-1]])
               .values_list("founded_on", flat=True)) == {D(2025, 12, 1)}
