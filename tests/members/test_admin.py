"""The members admin: masking, query cost, forms and actions that call the services."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.members import services
from branches.members.admin.roster import MemberAdmin
from branches.members.models import Applicant, DuesRecord, Member, Transfer, TransferState
from orgwork.accounts import roles
from orgwork.audit.models import AuditLog
from orgwork.common import idnumber
from tests.samples.names import numbered

from . import conftest
from .conftest import SYSTEM, add_member, days_ago, new_applicant, queries_for_page, today

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:members_member_changelist")


def test_the_roster_shows_masked_id_numbers_to_a_clerk(orgs, member, client_for, county_a_clerk):
    body = client_for(county_a_clerk).get(CHANGELIST).content.decode()
    assert idnumber.mask(member.id_number) in body and member.id_number not in body


def test_a_county_clerk_does_not_see_another_countys_members(orgs, client_for, county_b_clerk):
    hidden = add_member(orgs["community"], "城关党员")
    response = client_for(county_b_clerk).get(CHANGELIST)
    assert hidden not in response.context["cl"].result_list


def test_the_roster_changelist_costs_the_same_queries_for_any_page_size(orgs, client_for, province_officer):
    for i in range(30):
        add_member(orgs["community" if i % 2 else "county_b"], numbered("党员", i))
    client = client_for(province_officer)
    client.get(CHANGELIST)  # a server's page after the first: the unit filter's choices are kept
    small, large = (queries_for_page(client, MemberAdmin, CHANGELIST, size) for size in (5, 30))
    assert small == large
    assert large <= 14


def test_the_member_form_refuses_a_committee_as_branch(orgs, client_for, province_officer):
    response = client_for(province_officer).post(reverse("admin:members_member_add"), {
        "name": "错编", "id_number": "11010519491231002X", "branch": orgs["committee"].pk, "category": "full",
        "joined_on": "2000-07-01", "full_on": "2001-07-01", "dues_category": "employed", "income_base": "3000",
    })
    assert response.status_code == 200
    assert not Member.objects.filter(name="错编").exists()


def test_the_member_form_adds_through_the_service_with_derived_birth_date(orgs, client_for, county_a_clerk):
    response = client_for(county_a_clerk).post(reverse("admin:members_member_add"), {
        "name": "新党员", "id_number": "11010519491231002X", "branch": orgs["community"].pk, "category": "full",
        "joined_on": "2000-07-01", "full_on": "2001-07-01", "dues_category": "employed", "income_base": "3000",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Member.objects.get(name="新党员").birth_date == datetime.date(1949, 12, 31)


def post_action(client, url: str, action: str, pks: list[int], **data) -> object:
    return client.post(url, {"action": action, "_selected_action": pks, "apply": "1", **data}, follow=True)


def test_a_late_talk_action_without_a_reason_changes_nothing(orgs, client_for, county_a_clerk):
    a = new_applicant(orgs["community"], applied_on=days_ago(90))
    response = post_action(client_for(county_a_clerk), reverse("admin:members_applicant_changelist"), "talk", [a.pk],
                           day=days_ago(5).isoformat(), late_reason="")
    assert "一个月内" in response.content.decode()
    assert Applicant.objects.get(pk=a.pk).talked_on is None


def test_the_talk_action_records_the_talk(orgs, client_for, county_a_clerk):
    a = new_applicant(orgs["community"], applied_on=days_ago(20))
    post_action(client_for(county_a_clerk), reverse("admin:members_applicant_changelist"), "talk", [a.pk],
                day=days_ago(5).isoformat(), late_reason="")
    assert Applicant.objects.get(pk=a.pk).talked_on == days_ago(5)


def test_the_receive_action_moves_the_member_for_the_receiving_clerk(orgs, member, client_for, county_b_clerk):
    t = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="A1", started_on=days_ago(9),
                                actor=SYSTEM)
    services.transfer_send(transfer=t, sent_on=days_ago(8), valid_days=30, actor=SYSTEM)
    client = client_for(county_b_clerk)
    assert t in client.get(reverse("admin:members_transfer_changelist")).context["cl"].result_list
    client.post(reverse("admin:members_transfer_changelist"), {"action": "receive", "_selected_action": [t.pk],
                                                               "apply": "1", "day": days_ago(2).isoformat()})
    assert Transfer.objects.get(pk=t.pk).state == TransferState.RECEIVED
    assert Transfer.objects.get(pk=t.pk).received_on == days_ago(2)  # the day asked, as on the transfer's page
    assert Member.objects.get(pk=member.pk).branch_id == orgs["county_b"].pk


def test_the_transfer_form_starts_a_transfer_from_the_members_branch(orgs, member, client_for, county_a_clerk):
    response = client_for(county_a_clerk).post(reverse("admin:members_transfer_add"), {
        "member": member.pk, "to_branch": orgs["county_b"].pk, "destination": "", "letter_number": "甘转2号",
        "started_on": days_ago(1).isoformat(),
    })
    assert response.status_code == 302
    t = Transfer.objects.get(letter_number="甘转2号")
    assert t.from_branch_id == orgs["community"].pk and t.state == TransferState.PENDING


def test_a_second_open_transfer_is_refused_on_the_form_not_with_a_server_error(orgs, member, client_for,
                                                                            county_a_clerk):
    """The form cannot know of the open transfer; the service refuses it on saving, and the
    page shows why, with what was typed kept and nothing written."""
    client = client_for(county_a_clerk)
    entry = {"member": member.pk, "to_branch": orgs["county_b"].pk, "destination": "", "letter_number": "甘转3号",
             "started_on": days_ago(1).isoformat()}
    assert client.post(reverse("admin:members_transfer_add"), entry).status_code == 302
    audited = AuditLog.objects.count()
    again = client.post(reverse("admin:members_transfer_add"), {**entry, "letter_number": "甘转4号"})
    assert again.status_code == 200
    form = again.context["adminform"].form
    assert form.errors == {"member": ["该党员已有未办结的组织关系转接。"]}
    assert 'value="甘转4号"' in again.content.decode()
    # The chosen member and branch are shown as the search named them.
    assert f"王建国（{member.branch.placed_name}，尾号{member.id_number[-4:]}）" in again.content.decode()
    assert f"七里河区第一党支部（{orgs['county_b'].unit}，B-1）" in again.content.decode()
    assert not Transfer.objects.filter(letter_number="甘转4号").exists() and AuditLog.objects.count() == audited


def test_the_dues_page_refuses_a_short_payment(orgs, member, client_for, county_a_clerk):
    services.dues_generate_month(month=today(), actor=SYSTEM)
    record = DuesRecord.objects.get(member=member)
    response = client_for(county_a_clerk).post(reverse("admin:members_duesrecord_change", args=[record.pk]),
                                               {"paid": "10", "paid_on": today().isoformat()})
    assert response.status_code == 200 and "足额" in response.content.decode()
    assert DuesRecord.objects.get(pk=record.pk).paid_on is None


def test_the_pay_in_full_action_clears_the_arrears(orgs, member, client_for, county_a_clerk):
    services.dues_generate_month(month=today(), actor=SYSTEM)
    record = DuesRecord.objects.get(member=member)
    client_for(county_a_clerk).post(reverse("admin:members_duesrecord_changelist"),
                                    {"action": "pay_in_full", "_selected_action": [record.pk]})
    assert DuesRecord.objects.get(pk=record.pk).paid == Decimal("40.00")
    assert Member.objects.get(pk=member.pk).unpaid_months == 0


def test_the_view_only_auditor_sees_the_roster_but_may_not_change_or_unmask(orgs, member, client_for, view_only_auditor):
    response = client_for(view_only_auditor).get(CHANGELIST)
    assert response.status_code == 200
    assert member in response.context["cl"].result_list
    assert not view_only_auditor.has_perm("members.view_unmasked_id_number")
    assert not view_only_auditor.has_perm("members.change_member")


def test_the_member_page_keeps_the_branch_read_only(orgs, member, client_for, county_a_clerk):
    response = client_for(county_a_clerk).get(reverse("admin:members_member_change", args=[member.pk]))
    assert response.status_code == 200
    assert "branch" not in response.context["adminform"].form.fields


def test_the_application_form_refuses_an_applicant_under_eighteen(orgs, client_for, county_a_clerk):
    from .conftest import make_id

    young = make_id(days_ago(17 * 365))
    response = client_for(county_a_clerk).post(reverse("admin:members_applicant_add"), {
        "name": "少年", "id_number": young, "branch": orgs["community"].pk, "applied_on": days_ago(3).isoformat(),
        "reviews-TOTAL_FORMS": "0", "reviews-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200 and "年满18周岁" in response.content.decode()
    assert not Applicant.objects.filter(id_number=young).exists()


def test_the_application_form_registers_an_adult_through_the_service(orgs, client_for, county_a_clerk):
    from .conftest import make_id

    adult = make_id(datetime.date(1995, 6, 1))
    response = client_for(county_a_clerk).post(reverse("admin:members_applicant_add"), {
        "name": "成年", "id_number": adult, "branch": orgs["community"].pk, "applied_on": days_ago(3).isoformat(),
        "reviews-TOTAL_FORMS": "0", "reviews-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Applicant.objects.get(id_number=adult).birth_date == datetime.date(1995, 6, 1)


def test_the_roster_page_reads_only_the_shown_columns_in_one_query_of_members(orgs, client_for, province_officer):
    for i in range(6):
        add_member(orgs["community" if i % 2 else "county_b"], numbered("党员", i))
    with CaptureQueriesContext(connection) as captured:
        response = client_for(province_officer).get(CHANGELIST)
    assert response.status_code == 200 and len(response.context["cl"].result_list) == 6
    pages = [q["sql"] for q in captured if 'FROM "members_member"' in q["sql"] and "COUNT" not in q["sql"]]
    assert len(pages) == 1
    assert '"income_base"' not in pages[0] and '"branches_partyorganisation"."path"' not in pages[0]
    assert '"branches_partyorganisation"."name"' in pages[0]


def test_the_roster_rows_are_rendered_cell_for_cell_as_django_renders_them(orgs, province_officer):
    from django.contrib import admin
    from django.test import RequestFactory
    from django.urls import resolve

    from tests.test_admin_list import assert_rendered_as_django_does

    marked = add_member(orgs["community"], "王")
    Member.objects.filter(pk=marked.pk).update(name="<b>王</b>")  # markup from before the name rule: escaped
    add_member(orgs["county_b"], "李预备", category="probationary", joined_on=days_ago(100))
    Member.objects.filter(name="李预备").update(unpaid_months=3, is_floating=True)
    request = RequestFactory().get(CHANGELIST)
    request.user, request.resolver_match = province_officer, resolve(CHANGELIST)
    cl = MemberAdmin(Member, admin.site).get_changelist_instance(request)
    cl.formset = None
    rows = assert_rendered_as_django_does(cl)
    assert len(rows) == 2 and any('name="_selected_action"' in cell for row in rows for cell in row)
    assert any(days_ago(100).isoformat() in cell for row in rows for cell in row)


def test_the_roster_table_template_writes_what_the_projects_table_template_writes(orgs, province_officer):
    import re

    from django.contrib import admin
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.urls import resolve

    from orgwork.templatetags.orgwork_admin_list import scoped_result_list

    marked = add_member(orgs["community"], "王")
    Member.objects.filter(pk=marked.pk).update(name="<b>王</b>")  # markup from before the name rule: escaped
    add_member(orgs["county_b"], "李预备", category="probationary", joined_on=days_ago(100))
    request = RequestFactory().get(CHANGELIST)
    request.user, request.resolver_match = province_officer, resolve(CHANGELIST)
    cl = MemberAdmin(Member, admin.site).get_changelist_instance(request)
    cl.formset = None
    context = scoped_result_list({"request": request, "actions_row": None}, cl)

    def page(name: str) -> str:
        return re.sub(r"\s+", " ", render_to_string(name, context, request=request)).replace(" >", ">")

    roster = page("admin/members/member/change_list_results.html")
    assert roster == page("admin/change_list_results.html")
    assert roster.count('<tr class="data-row') == 2 and "&lt;b&gt;王&lt;/b&gt;" in roster


def test_the_roster_search_finds_a_whole_id_number_typed_loosely_and_the_start_of_a_name(
        orgs, member, client_for, county_a_clerk):
    other = add_member(orgs["community"], "李红", id_number=idnumber.normalise("62010219800517123x"))
    client = client_for(conftest.with_the_right(county_a_clerk))
    loose = other.id_number[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + " x"
    with CaptureQueriesContext(connection) as captured:
        found = client.get(CHANGELIST, {"q": loose}).context["cl"].result_list
    assert list(found) == [other]
    # Comparisons the indexes serve: no UPPER(...) that would read the whole roster.
    assert not [q["sql"] for q in captured if "members_member" in q["sql"] and "UPPER(" in q["sql"]]
    assert list(client.get(CHANGELIST, {"q": "王建"}).context["cl"].result_list) == [member]
    assert list(client.get(CHANGELIST, {"q": "建国"}).context["cl"].result_list) == []


def test_the_dues_ledger_is_searched_by_the_members_name_or_id_number(orgs, member, client_for, county_a_clerk):
    month = today().replace(day=1) - datetime.timedelta(days=1)
    services.dues_generate_month(month=month.replace(day=1), actor=SYSTEM)
    url = reverse("admin:members_duesrecord_changelist")
    # Without the right the number finds no one (it would tell a masked number's digits).
    assert not client_for(county_a_clerk).get(url, {"q": member.id_number}).context["cl"].result_list
    client = client_for(conftest.with_the_right(county_a_clerk))
    rows = client.get(url, {"q": member.id_number}).context["cl"].result_list
    assert [r.member_id for r in rows] == [member.pk]
    assert not client.get(url, {"q": "李"}).context["cl"].result_list


def test_the_activist_step_picks_contacts_by_name_among_full_members_namesakes_told_apart(
        orgs, client_for, county_a_clerk):
    first = add_member(orgs["community"], "何国庆")
    namesake = add_member(orgs["community"], "何国庆")
    add_member(orgs["community"], "何预备", category="probationary", joined_on=days_ago(100))
    add_member(orgs["county_b"], "何外县")
    applicant = new_applicant(orgs["community"], applied_on=days_ago(40))
    services.applicant_talk(applicant=applicant, talked_on=days_ago(30), actor=SYSTEM)
    url = reverse("admin:members_applicant_changelist")
    client = client_for(county_a_clerk)
    form = client.post(url, {"action": "make_activist", "_selected_action": [applicant.pk]})
    # Not a list of the county's members: a search box (select2) that asks as the clerk types.
    page = form.content.decode()
    assert "何国庆" not in page and 'data-field-name="contact_1"' in page and "admin/js/autocomplete.js" in page
    for field in ("contact_1", "contact_2"):
        found = autocomplete(client, field, "何", model="applicant")
        assert {r["id"] for r in found} == {str(first.pk), str(namesake.pk)}, "正式党员 on the roll in the county"
        labels = {r["id"]: r["text"] for r in found}
        assert labels[str(first.pk)] == f"何国庆（{first.branch.placed_name}，尾号{first.id_number[-4:]}）"
        assert labels[str(first.pk)] != labels[str(namesake.pk)]
    client.post(url, {"action": "make_activist", "_selected_action": [applicant.pk], "apply": "1",
                      "day": days_ago(20).isoformat(), "contact_1": namesake.pk})
    applicant.refresh_from_db()
    assert applicant.contact_1_id == namesake.pk and applicant.activist_on == days_ago(20)


def test_a_contact_posted_from_outside_the_offer_is_refused_on_the_form(orgs, client_for, county_a_clerk):
    on_probation = add_member(orgs["community"], "钱预备", category="probationary", joined_on=days_ago(100))
    elsewhere = add_member(orgs["county_b"], "赵外县")
    applicant = new_applicant(orgs["community"], applied_on=days_ago(40))
    services.applicant_talk(applicant=applicant, talked_on=days_ago(30), actor=SYSTEM)
    client = client_for(county_a_clerk)
    for contact in (on_probation, elsewhere):
        page = client.post(reverse("admin:members_applicant_changelist"), {
            "action": "make_activist", "_selected_action": [applicant.pk], "apply": "1",
            "day": days_ago(20).isoformat(), "contact_1": contact.pk})
        assert page.status_code == 200 and "contact_1" in page.context["form"].errors
        applicant.refresh_from_db()
        assert applicant.contact_1_id is None and applicant.activist_on is None


AUTOCOMPLETE = reverse("admin:autocomplete")


def autocomplete(client, field: str, term: str, model: str = "transfer") -> list[dict[str, str]]:
    response = client.get(AUTOCOMPLETE, {"app_label": "members", "model_name": model, "field_name": field,
                                         "term": term})
    assert response.status_code == 200
    return response.json()["results"]


def test_the_transfer_form_finds_the_member_by_name_among_the_clerks_members_on_the_roll(orgs, client_for,
                                                                                       county_a_clerk):
    first = add_member(orgs["community"], "何国庆")
    namesake = add_member(orgs["village"], "何国庆")
    gone = add_member(orgs["community"], "何离世")
    services.member_set_status(member=gone, status="deceased", changed_on=today(), reason="支部决定", actor=SYSTEM)
    add_member(orgs["county_b"], "何外县")
    found = autocomplete(client_for(county_a_clerk), "member", "何")
    assert {r["id"] for r in found} == {str(first.pk), str(namesake.pk)}, "on the roll, in the clerk's county"
    labels = {r["id"]: r["text"] for r in found}
    assert labels[str(first.pk)] == f"何国庆（{first.branch.placed_name}，尾号{first.id_number[-4:]}）"
    # The branch by its place: every county with a 城关镇 has its 城关镇红星村党支部.
    assert labels[str(namesake.pk)].startswith(f"何国庆（{namesake.branch.placed_name}，尾号")
    assert namesake.branch.placed_name != "城关镇红星村党支部"
    assert first.id_number not in str(found)


def test_the_transfer_form_finds_a_receiving_branch_anywhere_in_the_province(orgs, tree, make_staff, client_for,
                                                                          county_a_clerk):
    found = autocomplete(client_for(county_a_clerk), "to_branch", "七里河")
    assert [r["text"] for r in found] == [f"七里河区第一党支部（{orgs['county_b'].unit}，B-1）"]  # by its place
    assert [r["id"] for r in autocomplete(client_for(county_a_clerk), "to_branch", "B-1")] == [str(orgs["county_b"].pk)]
    # Someone who may not start a transfer searches only the branches of their own county.
    reader = make_staff("county_a_reader", tree["county_a"], roles.READ_ONLY)
    assert autocomplete(client_for(reader), "to_branch", "七里河") == []
    assert [r["id"] for r in autocomplete(client_for(reader), "to_branch", "东岗")] == [str(orgs["community"].pk)]


def test_the_application_form_refuses_a_birth_date_apart_from_the_id_number(orgs, client_for, county_a_clerk):
    minor = conftest.make_id(days_ago(17 * 366))
    response = client_for(county_a_clerk).post(reverse("admin:members_applicant_add"), {
        "name": "李晓", "id_number": minor, "gender": "", "birth_date": "1990-01-01", "branch": orgs["community"].pk,
        "applied_on": days_ago(10).isoformat(),
    })
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["birth_date"][0].startswith("出生年月与身份证号不一致")
    assert not Applicant.objects.exists()


@pytest.mark.parametrize("model", ["member", "applicant"])
def test_a_new_member_or_applicant_picks_the_branch_by_name_among_the_clerks_branches(orgs, client_for,
                                                                                     county_a_clerk, model):
    client = client_for(county_a_clerk)
    page = client.get(reverse(f"admin:members_{model}_add")).content.decode()
    # A province has tens of thousands of branches: none is listed, they are searched.
    assert 'data-field-name="branch"' in page and "东岗社区党支部" not in page
    assert [r["text"] for r in autocomplete(client, "branch", "东岗", model=model)] == [
        f"东岗社区党支部（{orgs['community'].unit}，A-SQ）"]
    assert autocomplete(client, "branch", "城关区委", model=model) == [], "a 党委 holds no members directly"
    assert autocomplete(client, "branch", "七里河", model=model) == [], "another county's branches are not offered"
    assert {r["id"] for r in autocomplete(client, "branch", "", model=model)} == {
        str(orgs["community"].pk), str(orgs["village"].pk)}


def test_receiving_by_the_batch_a_transfer_whose_receiving_branch_is_not_the_clerks_says_why(orgs, member, client_for,
                                                                                           county_a_clerk):
    t = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="城组转〔2026〕20号",
                                started_on=days_ago(9), actor=SYSTEM)
    services.transfer_send(transfer=t, sent_on=days_ago(8), valid_days=30, actor=SYSTEM)
    response = post_action(client_for(county_a_clerk), reverse("admin:members_transfer_changelist"), "receive",
                           [t.pk], day=days_ago(1).isoformat())
    text = response.content.decode()
    # The sending county sees the transfer in its list: it is told who receives it.
    assert ("转入党支部「兰州市七里河区第一党支部」不在您的管辖范围内：组织关系由转入方接收，转出方不能代为接收" in text
            and "该组织关系转接不存在" not in text and "当前不能办理" not in text)
    assert Transfer.objects.get(pk=t.pk).state == TransferState.IN_TRANSIT


def test_receiving_a_transfer_neither_side_of_which_is_the_clerks_reveals_nothing(orgs, member, county_b_clerk,
                                                                                 tree):
    from .conftest import make_org
    elsewhere = make_org("C-1", "天水市第一党支部", tree["other_city"])
    t = services.transfer_start(member=member, to_branch=elsewhere, letter_number="城组转〔2026〕22号",
                                started_on=days_ago(9), actor=SYSTEM)
    services.transfer_send(transfer=t, sent_on=days_ago(8), valid_days=30, actor=SYSTEM)
    with pytest.raises(ValidationError) as refused:
        services.transfer_receive(transfer=t, received_on=days_ago(1), actor=county_b_clerk)
    assert refused.value.messages == ["该组织关系转接不存在或转入党支部不在您的管辖范围内。"]


def test_the_transfer_list_shows_both_sides_in_one_column_and_the_dates_in_another(orgs, member, client_for,
                                                                                  county_b_clerk):
    t = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="城组转〔2026〕21号",
                                started_on=days_ago(9), actor=SYSTEM)
    services.transfer_send(transfer=t, sent_on=days_ago(8), valid_days=30, actor=SYSTEM)
    services.transfer_receive(transfer=t, received_on=days_ago(2), actor=county_b_clerk)
    response = client_for(county_b_clerk).get(reverse("admin:members_transfer_changelist") + "?state__exact=all")
    assert response.context["cl"].list_display[-5:] == ["member_shown", "route", "letter_number", "state_shown", "dates"]
    text = response.content.decode()
    assert f"{member.name}（尾号{member.id_number[-4:]}）" in text  # two namesakes of one branch, told apart
    assert ('<span class="orgwork-breaks">兰州市城关区·东岗社区党支部</span><br>→ '
            '<span class="orgwork-breaks">兰州市七里河区第一党支部</span>') in text  # each side with its place
    assert f"开出 {days_ago(8):%Y-%m-%d}<br>接收 {days_ago(2):%Y-%m-%d}" in text


def test_the_member_page_is_in_three_parts_and_shows_a_status_change_only_once_there_is_one(
        orgs, member, client_for, county_a_clerk):
    from branches.members.models import MemberStatus

    def parts(pk: int) -> dict[str, list[str]]:
        response = client_for(county_a_clerk).get(reverse("admin:members_member_change", args=[pk]))
        assert response.status_code == 200
        return {fieldset.name: [line.field["name"] if isinstance(line.field, dict) else line.field.name
                                for fieldline in fieldset for line in fieldline]
                for fieldset in response.context["adminform"]}

    shown = parts(member.pk)
    assert list(shown) == ["基本信息", "党籍", "党费"]
    assert {"name", "gender"} <= set(shown["基本信息"]) and {"status", "joined_on"} <= set(shown["党籍"])
    assert "income_base" in shown["党费"] and "status_changed_on" not in shown["党籍"]
    services.member_set_status(member=member, status=MemberStatus.DECEASED, changed_on=days_ago(3), reason="",
                               actor=SYSTEM)
    assert {"status_changed_on", "status_reason"} <= set(parts(member.pk)["党籍"])
    add = client_for(county_a_clerk).get(reverse("admin:members_member_add")).context["adminform"]
    assert [fieldset.name for fieldset in add] == ["基本信息", "党籍", "党费"]


def test_a_receiving_branch_key_that_names_no_branch_is_one_error_under_its_field(orgs, member, client_for,
                                                                                 county_a_clerk):
    response = client_for(county_a_clerk).post(reverse("admin:members_transfer_add"), {
        "member": member.pk, "to_branch": "999999", "destination": "", "letter_number": "城组转〔2026〕51号",
        "started_on": days_ago(1).isoformat()})
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["to_branch"]
    assert not Transfer.objects.exists()


def test_a_members_whole_id_number_finds_his_transfers_for_whoever_may_see_it_and_says_why_to_others(
        orgs, member, client_for, county_a_clerk):
    from django.contrib.messages import get_messages

    from orgwork.common.search import NO_RIGHT_ID_SEARCH

    from .conftest import with_the_right
    t = services.transfer_start(member=member, to_branch=orgs["county_b"], letter_number="城组转〔2026〕61号",
                                started_on=days_ago(3), actor=SYSTEM)
    url = reverse("admin:members_transfer_changelist")
    refused = client_for(county_a_clerk).get(url, {"q": member.id_number})
    assert list(refused.context["cl"].result_list) == []
    assert NO_RIGHT_ID_SEARCH in [str(m) for m in get_messages(refused.wsgi_request)]
    found = client_for(with_the_right(county_a_clerk)).get(url, {"q": member.id_number})
    assert list(found.context["cl"].result_list) == [t]
