"""换届选举 (按期换届): each rule of an election on the service, the page's form and the
database; 延期换届 within a year; the jurisdiction; the three 台账 and the reminder source.
The sheet's rules are in ``test_term_election_sheet``."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test.utils import CaptureQueriesContext
from django.db import connection
from django.urls import reverse

from branches.models import PartyOrganisation, TermElection, TermStatus
from branches.services import term_election_record, term_election_save, term_extension_grant
from orgwork.common import dates
from orgwork.common.contract import SystemActor
from orgwork.notifications import registry as notifications

from .conftest import make_org
from .test_rules_on_every_path import audit_rows_of

pytestmark = pytest.mark.django_db

SEEDER = SystemActor("tests")


def today() -> datetime.date:
    return dates.today()


def elect(org: PartyOrganisation, day: datetime.date, actor: Any = SEEDER, **more: Any) -> TermElection:
    return term_election_record(organisation=org, elected_on=day, secretary_name="李明", committee_size=5,
                                actor=actor, **more)


def years_ago(years: int, days: int = 0) -> datetime.date:
    return dates.years_before(today(), years) - datetime.timedelta(days=days)


def form_data(org: PartyOrganisation, **more: Any) -> dict[str, Any]:
    data = {"organisation": org.pk, "elected_on": years_ago(1).isoformat(), "term_years": "", "secretary_name": "王芳",
            "committee_size": "5", "approval_number": "", "approved_on": "", "early_approval_number": "",
            "early_reason": "", "extended_until": "", "extension_approval_number": "", "extension_reason": "",
            "note": ""}
    data.update(more)
    return data


# --- the row's own rules ----------------------------------------------------------


def test_a_branchs_term_is_three_years_and_a_committees_five_when_left_blank(orgs: Any, county_a_clerk: Any) -> None:
    branch = elect(orgs["village"], datetime.date(2024, 3, 15), county_a_clerk)
    committee = elect(orgs["committee"], datetime.date(2024, 2, 29), county_a_clerk)
    assert (branch.term_years, branch.term_ends_on) == (3, datetime.date(2027, 3, 15))
    assert (committee.term_years, committee.term_ends_on) == (5, datetime.date(2029, 2, 28))
    assert len(audit_rows_of(branch)) == 1


@pytest.mark.parametrize("years", [2, 6])
def test_a_term_outside_three_to_five_years_is_refused_by_the_service(orgs: Any, county_a_clerk: Any, years: int) -> None:
    with pytest.raises(ValidationError) as refused:
        elect(orgs["village"], datetime.date(2024, 3, 15), county_a_clerk, term_years=years)
    assert refused.value.message_dict["term_years"] == [
        "任期年限应为3至5年（党章：基层委员会、总支部委员会、支部委员会每届任期三年至五年）。"]
    assert not TermElection.objects.exists()


def test_an_election_in_the_future_is_refused_by_the_service(orgs: Any, county_a_clerk: Any) -> None:
    tomorrow = today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        elect(orgs["village"], tomorrow, county_a_clerk)
    assert refused.value.message_dict["elected_on"] == [
        f"选举日期 {tomorrow.isoformat()} 晚于今天：只能登记已经举行的换届选举。"]


def test_an_approval_dated_before_the_election_is_refused_by_the_service(orgs: Any, county_a_clerk: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        elect(orgs["village"], datetime.date(2024, 3, 15), county_a_clerk, approval_number="城关组字〔2024〕1号",
              approved_on=datetime.date(2024, 3, 1))
    assert refused.value.message_dict["approved_on"] == ["批复日期不能早于选举日期：上级党组织在选举之后批复选举结果。"]


def test_an_approval_number_without_its_date_is_refused_by_the_service(orgs: Any, county_a_clerk: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        elect(orgs["village"], datetime.date(2024, 3, 15), county_a_clerk, approval_number="城关组字〔2024〕1号")
    assert "上级批复文号和批复日期须同时填写" in refused.value.message_dict["approved_on"][0]


@pytest.mark.parametrize("change, constraint", [
    ({"term_years": 6}, "term_election_years_3_to_5"),
    ({"approval_number": "城关组字〔2024〕1号", "approved_on": datetime.date(2024, 1, 1)},
     "term_election_approved_after_election"),
    ({"early": True}, "term_election_early_whole"),
    ({"extended_until": datetime.date(2027, 6, 1)}, "term_election_extension_whole"),
])
def test_the_database_refuses_a_row_that_breaks_a_rule_within_it(orgs: Any, change: dict[str, Any], constraint: str) -> None:
    values = {"organisation": orgs["village"], "elected_on": datetime.date(2024, 3, 15), "term_years": 3,
              "term_ends_on": datetime.date(2027, 3, 15), "secretary_name": "李明", "committee_size": 5, **change}
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        TermElection.objects.create(**values)


# --- the rules across elections ------------------------------------------------------


def test_an_election_not_after_the_previous_one_is_refused(orgs: Any, county_a_clerk: Any) -> None:
    elect(orgs["village"], datetime.date(2023, 5, 10), county_a_clerk)
    with pytest.raises(ValidationError) as refused:
        elect(orgs["village"], datetime.date(2020, 5, 10), county_a_clerk)
    assert refused.value.message_dict["elected_on"][0].startswith(
        "选举日期 2020-05-10 不晚于「城关镇红星村党支部」已登记的上一次换届选举（2023-05-10）")


def test_an_election_before_the_previous_term_ends_needs_the_early_approval(orgs: Any, county_a_clerk: Any) -> None:
    elect(orgs["village"], datetime.date(2021, 5, 10), county_a_clerk)
    with pytest.raises(ValidationError) as refused:
        elect(orgs["village"], datetime.date(2024, 1, 10), county_a_clerk)
    assert refused.value.message_dict["early"] == [
        "上届任期至 2024-05-10 届满，选举日期 2024-01-10 在届满之前，属于提前换届："
        "须经上级党组织批准，请勾选「提前换届」并填写批准文号和提前换届原因。"]
    early = elect(orgs["village"], datetime.date(2024, 1, 10), county_a_clerk, early=True,
                  early_approval_number="城关组字〔2023〕30号", early_reason="村党支部书记调任，班子需调整")
    assert early.term_ends_on == datetime.date(2027, 1, 10)


def test_an_early_election_without_its_reason_or_with_a_reason_that_gives_none_is_refused(
        orgs: Any, county_a_clerk: Any) -> None:
    elect(orgs["village"], datetime.date(2021, 5, 10), county_a_clerk)
    with pytest.raises(ValidationError) as refused:
        elect(orgs["village"], datetime.date(2024, 1, 10), county_a_clerk, early=True,
              early_approval_number="城关组字〔2023〕30号")
    assert refused.value.message_dict["early_reason"] == ["提前换届须写明原因。"]
    with pytest.raises(ValidationError) as refused:
        elect(orgs["village"], datetime.date(2024, 1, 10), county_a_clerk, early=True,
              early_approval_number="城关组字〔2023〕30号", early_reason="无")
    assert refused.value.message_dict["early_reason"] == ["「无」不是原因：请写明实际的原因或依据；没有的请留空。"]
    assert TermElection.objects.count() == 1


def test_an_election_on_time_marked_early_is_refused(orgs: Any, county_a_clerk: Any) -> None:
    elect(orgs["village"], datetime.date(2021, 5, 10), county_a_clerk)
    with pytest.raises(ValidationError) as refused:
        elect(orgs["village"], datetime.date(2024, 5, 20), county_a_clerk, early=True,
              early_approval_number="城关组字〔2024〕3号", early_reason="班子调整")
    assert "不是提前换届" in refused.value.message_dict["early"][0]


# --- 延期换届 ----------------------------------------------------------------------


def test_an_extension_of_up_to_a_year_is_granted_with_its_number_and_reason(orgs: Any, county_a_clerk: Any) -> None:
    term = elect(orgs["village"], years_ago(3, days=30), county_a_clerk)
    until = term.term_ends_on + datetime.timedelta(days=200)
    term_extension_grant(election=term, until=until, approval_number="城关组字〔2026〕8号",
                         reason="村“两委”换届统一安排在明年上半年", actor=county_a_clerk)
    term.refresh_from_db()
    assert term.extended_until == until
    last = audit_rows_of(term)[-1]
    assert last.changes["extended_until"] == [None, until.isoformat()]
    assert f"批准延期换届至 {until:%Y-%m-%d}（城关组字〔2026〕8号）：村“两委”换届统一安排在明年上半年" == last.message


def test_an_extension_beyond_a_year_is_refused(orgs: Any, county_a_clerk: Any) -> None:
    term = elect(orgs["village"], datetime.date(2023, 3, 15), county_a_clerk)
    with pytest.raises(ValidationError) as refused:
        term_extension_grant(election=term, until=datetime.date(2027, 3, 16), approval_number="城关组字〔2026〕8号",
                             reason="统一安排", actor=county_a_clerk)
    assert refused.value.message_dict["extended_until"] == [
        "延期时间一般不超过1年：届满日期为 2026-03-15，延期至最晚为 2027-03-15。"]
    term.refresh_from_db()
    assert term.extended_until is None


@pytest.mark.parametrize("reason, message", [
    ("", "延期换届须写明原因。"),
    ("不详", "「不详」不是原因：请写明实际的原因或依据；没有的请留空。"),
])
def test_an_extension_without_a_reason_is_refused(orgs: Any, county_a_clerk: Any, reason: str, message: str) -> None:
    term = elect(orgs["village"], datetime.date(2023, 3, 15), county_a_clerk)
    with pytest.raises(ValidationError) as refused:
        term_extension_grant(election=term, until=datetime.date(2026, 9, 1), approval_number="城关组字〔2026〕8号",
                             reason=reason, actor=county_a_clerk)
    assert refused.value.message_dict["extension_reason"] == [message]


def test_a_term_already_followed_by_an_election_is_not_extended(orgs: Any, county_a_clerk: Any) -> None:
    old = elect(orgs["village"], datetime.date(2020, 3, 15), county_a_clerk)
    elect(orgs["village"], datetime.date(2023, 4, 1), county_a_clerk)
    with pytest.raises(ValidationError) as refused:
        term_extension_grant(election=old, until=datetime.date(2023, 6, 1), approval_number="城关组字〔2023〕8号",
                             reason="统一安排", actor=county_a_clerk)
    assert "已于 2023-04-01 进行了下一次换届选举" in refused.value.message_dict["extended_until"][0]


# --- jurisdiction ------------------------------------------------------------------------


def test_a_county_clerk_cannot_record_an_election_for_another_countys_branch(orgs: Any, county_a_clerk: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        elect(orgs["county_b"], datetime.date(2024, 3, 15), county_a_clerk)
    assert refused.value.message_dict["organisation"] == ["该党组织不存在或不在您的管辖范围内。"]


def test_a_county_clerk_does_not_see_another_countys_elections(orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    own = elect(orgs["village"], datetime.date(2024, 3, 15))
    other = elect(orgs["county_b"], datetime.date(2024, 3, 15))
    client = client_for(county_a_clerk)
    listed = client.get(reverse("admin:branches_termelection_changelist"))
    assert [e.pk for e in listed.context["cl"].result_list] == [own.pk]
    refused = client.get(reverse("admin:branches_termelection_change", args=[other.pk]))
    assert refused.status_code == 302 and "七里河区" not in refused.content.decode()  # to the workbench, as not found
    with pytest.raises(ValidationError):
        term_extension_grant(election=other, until=datetime.date(2027, 6, 1), approval_number="七组字〔2027〕1号",
                             reason="统一安排", actor=county_a_clerk)


# --- the page's form ----------------------------------------------------------------------


def test_the_form_records_an_election_with_the_kinds_term_and_one_audit_row(
        orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    response = client_for(county_a_clerk).post(reverse("admin:branches_termelection_add"),
                                               form_data(orgs["general"], elected_on="2025-06-01"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    election = TermElection.objects.get()
    assert (election.term_years, election.term_ends_on) == (3, datetime.date(2028, 6, 1))
    assert len(audit_rows_of(election)) == 1


@pytest.mark.parametrize("change, field, message", [
    ({"term_years": "6"}, "term_years", "任期年限应为3至5年（党章：基层委员会、总支部委员会、支部委员会每届任期三年至五年）。"),
    ({"elected_on": "2099-01-01"}, "elected_on", "选举日期 2099-01-01 晚于今天：只能登记已经举行的换届选举。"),
    ({"approval_number": "城关组字〔2024〕1号", "approved_on": "2024-03-01", "elected_on": "2024-03-15"}, "approved_on",
     "批复日期不能早于选举日期：上级党组织在选举之后批复选举结果。"),
    ({"elected_on": "2024-01-10"}, "early",
     "上届任期至 2024-05-10 届满，选举日期 2024-01-10 在届满之前，属于提前换届：须经上级党组织批准，请勾选「提前换届」并填写批准文号和提前换届原因。"),
    ({"elected_on": "2024-01-10", "early": "on", "early_approval_number": "城关组字〔2023〕30号", "early_reason": "无"},
     "early_reason", "「无」不是原因：请写明实际的原因或依据；没有的请留空。"),
    ({"elected_on": "2020-01-10"}, "elected_on",
     "选举日期 2020-01-10 不晚于「城关镇红星村党支部」已登记的上一次换届选举（2021-05-10）：换届选举按举行的先后登记，本次选举应在上一次之后。"),
])
def test_the_form_refuses_an_election_that_breaks_a_rule_under_its_field(
        orgs: Any, county_a_clerk: Any, client_for: Any, change: dict[str, str], field: str, message: str) -> None:
    elect(orgs["village"], datetime.date(2021, 5, 10))
    response = client_for(county_a_clerk).post(reverse("admin:branches_termelection_add"),
                                               form_data(orgs["village"], **change))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in errors.get(field, []), errors
    assert TermElection.objects.count() == 1


def test_the_form_refuses_an_extension_beyond_a_year(orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    term = elect(orgs["village"], datetime.date(2023, 3, 15))
    data = form_data(orgs["village"], elected_on="2023-03-15", term_years="3", extended_until="2027-04-01",
                     extension_approval_number="城关组字〔2026〕8号", extension_reason="统一安排")
    response = client_for(county_a_clerk).post(reverse("admin:branches_termelection_change", args=[term.pk]), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["extended_until"] == [
        "延期时间一般不超过1年：届满日期为 2026-03-15，延期至最晚为 2027-03-15。"]


def test_the_list_says_each_terms_status(orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    succeeded = elect(orgs["village"], years_ago(7))
    overdue = elect(orgs["village"], years_ago(3, days=10))
    extended = elect(orgs["community"], years_ago(3, days=10))
    term_extension_grant(election=extended, until=today() + datetime.timedelta(days=90), approval_number="城关组字〔2026〕8号",
                         reason="统一安排", actor=SEEDER)
    due_soon = elect(orgs["general"], years_ago(3) + datetime.timedelta(days=60))
    serving = elect(orgs["committee"], years_ago(1))
    listed = client_for(county_a_clerk).get(reverse("admin:branches_termelection_changelist"))
    words = {e.pk: TermStatus(e.term_status).label for e in listed.context["cl"].result_list}
    assert words == {succeeded.pk: "已换届", overdue.pk: "届满未换届", extended.pk: "已批准延期",
                     due_soon.pk: "即将届满", serving.pk: "在任"}
    page = listed.content.decode()
    assert all(word in page for word in ("已换届", "届满未换届", "已批准延期", "即将届满", "在任"))
    # the model's own words agree with the list's
    for election in listed.context["cl"].result_list:
        assert election.status(succeeded=election.succeeded).label == words[election.pk]


def test_the_organisation_page_links_to_its_elections(orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    page = client_for(county_a_clerk).get(reverse("admin:branches_partyorganisation_change", args=[orgs["village"].pk]))
    assert "换届选举</a>" in page.content.decode() and "登记换届选举" in page.content.decode()


# --- 台账 -------------------------------------------------------------------------------


def worklist(client: Any, slug: str, **params: str) -> Any:
    return client.get(reverse("admin:worklist", args=[slug]), params)


def listed_orgs(response: Any) -> list[str]:
    return [row["cells"][0] for row in response.context["table"]]


@pytest.fixture
def terms(orgs: Any) -> dict[str, TermElection]:
    """城关区委 overdue; 东岗社区 overdue but extended to beyond today; 城关镇党总支 due in two
    months; the village re-elected a year ago (its older term ended, not overdue);
    七里河区 overdue in the other county."""
    made = {
        "committee": elect(orgs["committee"], years_ago(5, days=20)),
        "community": elect(orgs["community"], years_ago(3, days=20)),
        "general": elect(orgs["general"], years_ago(3) + datetime.timedelta(days=60)),
        "village_old": elect(orgs["village"], years_ago(4)),
        "village": elect(orgs["village"], years_ago(1)),
        "county_b": elect(orgs["county_b"], years_ago(3, days=20)),
    }
    term_extension_grant(election=made["community"], until=today() + datetime.timedelta(days=100),
                         approval_number="城关组字〔2026〕8号", reason="社区换届统一安排", actor=SEEDER)
    return made


def test_the_overdue_list_holds_terms_ended_without_a_later_election_or_a_covering_extension(
        terms: Any, county_a_clerk: Any, province_officer: Any, client_for: Any) -> None:
    page = worklist(client_for(county_a_clerk), "branches_terms_overdue")
    assert [row["link"] for row in page.context["table"]] == [
        reverse("admin:branches_termelection_change", args=[terms["committee"].pk])]
    province = worklist(client_for(province_officer), "branches_terms_overdue")
    assert {row["link"] for row in province.context["table"]} == {
        reverse("admin:branches_termelection_change", args=[terms[k].pk]) for k in ("committee", "county_b")}


def test_an_extension_that_has_run_out_puts_the_term_back_on_the_overdue_list(
        orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    term = elect(orgs["community"], years_ago(3, days=300))
    term_extension_grant(election=term, until=today() - datetime.timedelta(days=1), approval_number="城关组字〔2025〕8号",
                         reason="统一安排", actor=SEEDER)
    page = worklist(client_for(county_a_clerk), "branches_terms_overdue")
    assert page.context["count"] == 1 and "届满未换届" in page.content.decode()


def test_the_due_soon_list_holds_terms_ending_within_six_months(terms: Any, county_a_clerk: Any, client_for: Any) -> None:
    page = worklist(client_for(county_a_clerk), "branches_terms_due_soon")
    links = [row["link"] for row in page.context["table"]]
    assert links == [reverse("admin:branches_termelection_change", args=[terms[k].pk]) for k in ("general", "community")]


def test_the_no_election_list_holds_the_organisations_without_a_record(
        terms: Any, tree: Any, county_a_clerk: Any, client_for: Any) -> None:
    bare = make_org("A-CUN2", "城关镇二村党支部", tree["township_a"], parent=terms["general"].organisation)
    page = worklist(client_for(county_a_clerk), "branches_no_elections")
    assert listed_orgs(page) == [bare.placed_name]
    assert page.context["table"][0]["link"].endswith(f"?organisation={bare.pk}")


def test_the_term_lists_cost_the_same_queries_whatever_their_length(
        orgs: Any, tree: Any, county_a_clerk: Any, client_for: Any) -> None:
    client = client_for(county_a_clerk)

    def queries(slug: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert worklist(client, slug).status_code == 200
        return len(captured.captured_queries)

    elect(orgs["committee"], years_ago(5, days=20))
    elect(orgs["general"], years_ago(3) + datetime.timedelta(days=30))
    worklist(client, "branches_terms_overdue")  # warm the session and caches
    few = {slug: queries(slug) for slug in ("branches_terms_overdue", "branches_terms_due_soon", "branches_no_elections")}
    for n in range(6):
        org = make_org(f"A-N{n}", f"城关镇新{n}村党支部", tree["township_a"], parent=orgs["general"])
        make_org(f"A-M{n}", f"城关镇新{n}社区党支部", tree["township_a"], parent=orgs["general"])
        elect(org, years_ago(3, days=10 + n) if n % 2 else years_ago(3) + datetime.timedelta(days=20 + n))
    many = {slug: queries(slug) for slug in few}
    assert many == few


# --- 到期提醒 -------------------------------------------------------------------------------


def test_the_reminder_source_gives_current_terms_due_by_their_end_or_their_extension(terms: Any) -> None:
    source = notifications.get("branches_term_election")
    assert source is not None and source.title == "党组织换届选举"
    due = {item.pk: item for item in source.due(today() + datetime.timedelta(days=90))}
    assert set(due) == {terms["committee"].pk, terms["county_b"].pk, terms["general"].pk}
    community = terms["community"]
    later = {item.pk: item for item in source.due(today() + datetime.timedelta(days=100))}
    assert later[community.pk].deadline == today() + datetime.timedelta(days=100)  # the extension's date
    item = due[terms["committee"].pk]
    assert (item.title, item.deadline, item.unit_id) == (
        "城关区委换届选举", terms["committee"].term_ends_on, terms["committee"].organisation.unit_id)
    assert item.link == reverse("admin:branches_termelection_change", args=[terms["committee"].pk])
    assert terms["village_old"].pk not in later  # a term followed by an election is not due


def test_the_secretarys_name_holds_the_name_rule(orgs: Any, county_a_clerk: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        term_election_record(organisation=orgs["village"], elected_on=datetime.date(2024, 3, 15),
                             secretary_name="王书记3", committee_size=5, actor=county_a_clerk)
    assert "secretary_name" in refused.value.message_dict


def test_the_list_filters_by_the_status_words(orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    elect(orgs["village"], years_ago(7))
    overdue = elect(orgs["village"], years_ago(3, days=10))
    elect(orgs["committee"], years_ago(1))
    url = reverse("admin:branches_termelection_changelist")
    listed = client_for(county_a_clerk).get(url, {"term_status": TermStatus.OVERDUE})
    assert [e.pk for e in listed.context["cl"].result_list] == [overdue.pk]


# --- deleting: only the latest election of an organisation --------------------------

NOT_LATEST = ("只能删除该党组织最近一次换届记录：「城关镇红星村党支部」在本次之后还有 2022-05-10 的换届选举，"
              "删除中间的一次会改变下一次换届的上一届任期（是否属于提前换届）。录错的内容请在原记录上更正。")


def history(org: PartyOrganisation, actor: Any) -> list[TermElection]:
    """Three elections of a branch: 2018 (a five-year term, to 2023), 2019 (提前换届,
    approved; three years, to 2022) and 2022 (on time). Without the 2019 one, the 2022
    election would fall before the 2018 term's end: an unapproved 提前换届."""
    return [elect(org, datetime.date(2018, 5, 10), actor, term_years=5),
            elect(org, datetime.date(2019, 5, 10), actor, early=True, early_approval_number="城关组字〔2019〕12号",
                  early_reason="村党支部书记调任，班子需调整"),
            elect(org, datetime.date(2022, 5, 10), actor)]


def test_the_service_refuses_deleting_an_election_in_the_middle_of_the_history(orgs: Any, county_a_clerk: Any) -> None:
    from branches.services import term_election_delete

    first, middle, latest = history(orgs["village"], county_a_clerk)
    with pytest.raises(ValidationError) as refused:
        term_election_delete(election=middle, actor=county_a_clerk)
    assert refused.value.messages == [NOT_LATEST]
    assert TermElection.objects.filter(organisation=orgs["village"]).count() == 3


def test_the_service_deletes_the_latest_election_then_the_one_before_with_an_audit_row(
        orgs: Any, county_a_clerk: Any) -> None:
    from branches.services import term_election_delete
    from orgwork.audit.models import AuditAction, AuditLog

    first, middle, latest = history(orgs["village"], county_a_clerk)
    term_election_delete(election=latest, actor=county_a_clerk)
    term_election_delete(election=middle, actor=county_a_clerk)
    assert list(TermElection.objects.filter(organisation=orgs["village"])) == [first]
    assert AuditLog.objects.filter(content_type__model="termelection", action=AuditAction.DELETE,
                                   object_id__in=[str(middle.pk), str(latest.pk)], actor=county_a_clerk).count() == 2


def test_an_earlier_election_has_no_delete_on_its_page_and_its_delete_url_answers_403(
        orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    first, middle, latest = history(orgs["village"], county_a_clerk)
    client = client_for(county_a_clerk)
    delete = reverse("admin:branches_termelection_delete", args=[middle.pk])
    assert delete not in client.get(reverse("admin:branches_termelection_change", args=[middle.pk])).content.decode()
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert TermElection.objects.filter(pk=middle.pk).exists()


def test_the_latest_election_is_deleted_from_its_page(orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    first, middle, latest = history(orgs["village"], county_a_clerk)
    client = client_for(county_a_clerk)
    delete = reverse("admin:branches_termelection_delete", args=[latest.pk])
    assert delete in client.get(reverse("admin:branches_termelection_change", args=[latest.pk])).content.decode()
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert list(TermElection.objects.filter(organisation=orgs["village"]).order_by("elected_on")) == [first, middle]


def test_the_list_offers_no_bulk_delete_and_a_posted_one_deletes_nothing(
        orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    elections = history(orgs["village"], county_a_clerk)
    client = client_for(county_a_clerk)
    changelist = reverse("admin:branches_termelection_changelist")
    assert 'value="delete_selected"' not in client.get(changelist).content.decode()
    client.post(changelist, {"action": "delete_selected", "_selected_action": [str(e.pk) for e in elections],
                             "post": "yes"})
    assert TermElection.objects.filter(organisation=orgs["village"]).count() == 3
