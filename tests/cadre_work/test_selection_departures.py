"""离任检查: the 台账 of principals who left unchecked, the rules of opening a check, problem
findings on the checklist once, the record-page steps; the dashboard panel drills down."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.models import Post, Rank
from cadres.selection.models import CheckStatus, DepartureCheck
from cadres.selection.admin.steps import FindingForm
from cadres.selection.services import (
    departure_add_finding,
    departure_check_conclude,
    departure_check_open,
    departure_check_save,
)
from cadres.selection.worklists import selection_panel
from orgwork.admin_steps import apply_refusal
from orgwork.audit.models import AuditLog
from orgwork.rectification.models import RectificationItem
from orgwork.worklists.registry import get as get_worklist
from tests.samples.cadres import cadre_in
from tests.samples.names import numbered
from tests.steps import assert_step_unavailable

from .selection_samples import appoint, handle, promoted_cadre, queries_for_page_sizes, queries_of

pytestmark = pytest.mark.django_db
WORKLIST = reverse("admin:worklist", args=["selection_departures_unchecked"])


def secretary_who_left(unit, name: str = "郑书记", left_on: datetime.date = datetime.date(2025, 6, 1)) -> Post:
    """A 区委书记 moved to another 正职 post on ``left_on``: the secretary post has ended."""
    cadre = cadre_in(unit, name=name)
    post = appoint(cadre, unit, f"中共{unit.name}委员会书记", Rank.COUNTY_CHIEF, datetime.date(2020, 1, 1))
    appoint(cadre, unit.parent, "兰州市某局局长", Rank.COUNTY_CHIEF, left_on)
    post.refresh_from_db()
    return post


def test_a_principal_who_left_is_on_the_unchecked_list_until_a_check_is_opened(tree, county_a_clerk, client_for) -> None:
    post = secretary_who_left(tree["county_a"])
    worklist = get_worklist("selection_departures_unchecked")
    assert list(worklist.queryset(county_a_clerk)) == [post]
    departure_check_open(post=post, checked_on=datetime.date(2025, 9, 1), inspectors="市委组织部检查组",
                         actor=county_a_clerk)
    assert not worklist.queryset(county_a_clerk).exists()


def test_the_unchecked_list_is_one_jurisdictions_and_exports(tree, county_b_clerk, city_officer, client_for) -> None:
    secretary_who_left(tree["county_a"])
    assert not get_worklist("selection_departures_unchecked").queryset(county_b_clerk).exists()
    response = client_for(city_officer).get(WORKLIST + "?_export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_no_check_is_opened_for_a_deputy_or_a_principal_still_serving(tree, county_a_clerk) -> None:
    cadre = cadre_in(tree["county_a"], name="冯副书记")
    deputy = appoint(cadre, tree["county_a"], "中共城关区委员会副书记", Rank.COUNTY_DEPUTY, datetime.date(2020, 1, 1))
    appoint(cadre, tree["county_a"], "城关区政协副主席", Rank.COUNTY_DEPUTY, datetime.date(2025, 1, 1))
    deputy.refresh_from_db()
    with pytest.raises(ValidationError, match="不是单位主要负责人"):
        departure_check_open(post=deputy, checked_on=datetime.date(2025, 9, 1), inspectors="检查组", actor=county_a_clerk)
    serving = appoint(cadre_in(tree["county_a"], name="陈书记"), tree["county_a"], "中共城关区委员会书记",
                      Rank.COUNTY_CHIEF, datetime.date(2021, 1, 1))
    with pytest.raises(ValidationError, match="尚未免职"):
        departure_check_open(post=serving, checked_on=datetime.date(2025, 9, 1), inspectors="检查组", actor=county_a_clerk)


def test_a_problem_finding_goes_on_the_units_checklist_once_and_a_plain_one_does_not(tree, county_a_clerk) -> None:
    check = departure_check_open(post=secretary_who_left(tree["county_a"]), checked_on=datetime.date(2025, 9, 1),
                                 inspectors="市委组织部检查组", actor=county_a_clerk)
    departure_add_finding(check=check, description="按规定开展了干部选拔任用工作", is_problem=False, actor=county_a_clerk)
    finding = departure_add_finding(check=check, description="超职数配备副科级干部3名", is_problem=True,
                                    actor=county_a_clerk)
    item = RectificationItem.objects.get()
    assert finding.rectification_item == item and item.responsible_unit == tree["county_a"]
    assert "超职数配备副科级干部3名" in item.problem and item.responsible_person == "郑书记"


def test_a_concluded_check_takes_no_more_findings(tree, county_a_clerk) -> None:
    check = departure_check_open(post=secretary_who_left(tree["county_a"]), checked_on=datetime.date(2025, 9, 1),
                                 inspectors="检查组", actor=county_a_clerk)
    with pytest.raises(ValidationError, match="请先填写检查情况或登记检查发现"):
        departure_check_conclude(check=check, actor=county_a_clerk)
    departure_add_finding(check=check, description="未发现问题", is_problem=False, actor=county_a_clerk)
    departure_check_conclude(check=check, actor=county_a_clerk)
    with pytest.raises(ValidationError, match="已办结"):
        departure_add_finding(check=check, description="补充", is_problem=True, actor=county_a_clerk)


def test_a_concluded_checks_refusals_stand_above_the_step_form_not_under_a_field(tree, county_a_clerk) -> None:
    check = departure_check_open(post=secretary_who_left(tree["county_a"]), checked_on=datetime.date(2025, 9, 1),
                                 inspectors="检查组", actor=county_a_clerk)
    departure_add_finding(check=check, description="未发现问题", is_problem=False, actor=county_a_clerk)
    departure_check_conclude(check=check, actor=county_a_clerk)
    with pytest.raises(ValidationError) as finding:
        departure_add_finding(check=check, description="补充", is_problem=False, actor=county_a_clerk)
    check.checked_on = datetime.date(2025, 9, 2)
    with pytest.raises(ValidationError) as correction:
        departure_check_save(check=check, actor=county_a_clerk)
    assert finding.value.message_dict == {"status": ["该离任检查已办结，不能再登记检查发现。"]}
    assert correction.value.message_dict == {"status": ["该离任检查已办结，不能再修改。"]}
    form = FindingForm({"description": "补充"})
    assert form.is_valid()
    apply_refusal(form, finding.value)
    assert form.non_field_errors() == ["该离任检查已办结，不能再登记检查发现。"]
    assert not form["description"].errors
    check.refresh_from_db()
    assert check.checked_on == datetime.date(2025, 9, 1) and check.findings.count() == 1


def test_the_add_form_offers_only_principals_who_left_and_refuses_another_post(tree, county_a_clerk, client_for) -> None:
    post = secretary_who_left(tree["county_a"])
    client = client_for(county_a_clerk)
    page = client.get(reverse("admin:selection_departurecheck_add") + f"?post={post.pk}").content.decode()
    assert "郑书记 中共城关区委员会书记（2025-06-01离任）" in page
    current = Post.objects.get(cadre=post.cadre, is_current=True)
    response = client.post(reverse("admin:selection_departurecheck_add"), {
        "post": current.pk, "checked_on": "2025-09-01", "inspectors": "检查组", "summary": ""})
    assert response.status_code == 200 and not DepartureCheck.objects.exists()
    response = client.post(reverse("admin:selection_departurecheck_add"), {
        "post": post.pk, "checked_on": "2025-09-01", "inspectors": "检查组", "summary": ""})
    assert response.status_code == 302
    assert DepartureCheck.objects.get().cadre == post.cadre


def test_the_finding_button_puts_a_problem_on_the_checklist_and_the_conclude_button_ends_the_check(
        tree, county_a_clerk, client_for) -> None:
    check = departure_check_open(post=secretary_who_left(tree["county_a"]), checked_on=datetime.date(2025, 9, 1),
                                 inspectors="检查组", actor=county_a_clerk)
    client = client_for(county_a_clerk)
    response = client.post(reverse("admin:selection_departurecheck_add_finding_step", args=[check.pk]),
                           {"description": "临近离任突击提拔干部", "is_problem": "on"})
    assert response.status_code == 302
    assert RectificationItem.objects.get().problem.endswith("临近离任突击提拔干部")
    response = client.post(reverse("admin:selection_departurecheck_conclude_step", args=[check.pk]))
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.status == CheckStatus.CONCLUDED and check.concluded_by == county_a_clerk
    page = reverse("admin:selection_departurecheck_change", args=[check.pk])
    assert client.get(page).status_code == 200  # read, not edited
    assert client.post(page, {"checked_on": "2025-10-01", "inspectors": "改", "summary": ""}).status_code == 403


def test_the_conclude_button_shows_the_refusal_on_its_form_and_concluding_writes_one_audit_row(
        tree, county_a_clerk, client_for) -> None:
    check = departure_check_open(post=secretary_who_left(tree["county_a"]), checked_on=datetime.date(2025, 9, 1),
                                 inspectors="检查组", actor=county_a_clerk)
    client = client_for(county_a_clerk)
    url = reverse("admin:selection_departurecheck_conclude_step", args=[check.pk])
    rows = AuditLog.objects.filter(object_id=str(check.pk), content_type__model="departurecheck")
    before = rows.count()
    response = client.post(url)
    assert response.status_code == 200 and "请先填写检查情况或登记检查发现" in response.content.decode()
    assert rows.count() == before
    departure_add_finding(check=check, description="未发现问题", is_problem=False, actor=county_a_clerk)
    assert client.post(url).status_code == 302
    assert rows.count() == before + 1
    assert_step_unavailable(client, url, post=False)  # concluded: the step is gone
    timeline = client.get(reverse("admin:selection_departurecheck_change", args=[check.pk])).content.decode()
    assert "办理记录" in timeline and "离任检查办结" in timeline and "离任检查发现「" in timeline


def test_the_steps_are_neither_shown_nor_reachable_without_the_right_to_change_a_check(
        tree, county_a_clerk, view_only_auditor, client_for) -> None:
    check = departure_check_open(post=secretary_who_left(tree["county_a"]), checked_on=datetime.date(2025, 9, 1),
                                 inspectors="检查组", actor=county_a_clerk)
    finding = reverse("admin:selection_departurecheck_add_finding_step", args=[check.pk])
    page = reverse("admin:selection_departurecheck_change", args=[check.pk])
    assert finding in client_for(county_a_clerk).get(page).content.decode()
    client = client_for(view_only_auditor)
    response = client.get(page)
    assert response.status_code == 200 and finding not in response.content.decode()
    assert client.post(finding, {"description": "越权登记", "is_problem": "on"}).status_code == 403
    assert not check.findings.exists()


def test_the_dashboard_panel_counts_each_list_and_links_to_it(tree, city_officer) -> None:
    secretary_who_left(tree["county_a"])
    handle(promoted_cadre(tree["county_b"]), datetime.date(2026, 6, 1))
    data = selection_panel(city_officer)
    assert data.series[0].values == [1, 0, 1]
    assert data.series[0].links[0] == WORKLIST
    assert data.series[0].links[2] == reverse("admin:worklist", args=["selection_look_backs_open"])


def test_the_unchecked_list_and_the_check_list_cost_the_same_queries_for_any_page_size(
        tree, province_officer, client_for) -> None:
    for i in range(12):
        post = secretary_who_left(tree["county_a" if i % 2 else "county_b"], name=numbered("书记", i, 2),
                                  left_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=i))
        if i < 6:
            departure_check_open(post=post, checked_on=datetime.date(2025, 9, 1), inspectors="检查组",
                                 actor=province_officer)
    client = client_for(province_officer)
    small, large = queries_for_page_sizes(client, reverse("admin:selection_departurecheck_changelist"),
                                          admin.site._registry[DepartureCheck])
    assert small == large and large <= 12
    client.get(WORKLIST)
    six_rows = queries_of(client, WORKLIST)
    for i in range(6):
        secretary_who_left(tree["county_a"], name=numbered("后任", i, 2), left_on=datetime.date(2025, 3, 1) + datetime.timedelta(days=i))
    assert queries_of(client, WORKLIST) == six_rows  # twelve rows now, on one page: no query per row


# ---------------------------------------------------------------- 检查日期 and 检查情况


def test_a_check_cannot_be_dated_before_the_principal_left_on_the_service(tree, county_a_clerk) -> None:
    post = secretary_who_left(tree["county_a"])  # held 2020-01-01 to 2025-06-01
    for day in (datetime.date(2019, 1, 1), datetime.date(2025, 5, 31)):
        with pytest.raises(ValidationError) as refused:
            departure_check_open(post=post, checked_on=day, inspectors="检查组", actor=county_a_clerk)
        assert refused.value.message_dict["checked_on"] == [
            f"离任检查在离任后开展：检查日期（{day:%Y-%m-%d}）不能早于该职务的免职时间（2025-06-01）。"]
    assert not DepartureCheck.objects.exists()
    check = departure_check_open(post=post, checked_on=datetime.date(2025, 6, 1), inspectors="检查组",
                                 actor=county_a_clerk)
    assert check.checked_on == datetime.date(2025, 6, 1)


def test_a_check_cannot_be_dated_after_today_on_the_service(tree, county_a_clerk) -> None:
    post = secretary_who_left(tree["county_a"])
    with pytest.raises(ValidationError, match="检查日期不能晚于今天"):
        departure_check_open(post=post, checked_on=datetime.date(2099, 1, 1), inspectors="检查组", actor=county_a_clerk)


def test_the_add_form_refuses_a_check_dated_before_the_removal_under_its_date(tree, county_a_clerk, client_for) -> None:
    post = secretary_who_left(tree["county_a"])
    response = client_for(county_a_clerk).post(reverse("admin:selection_departurecheck_add"), {
        "post": post.pk, "checked_on": "2019-01-01", "inspectors": "检查组", "summary": ""})
    assert response.status_code == 200 and not DepartureCheck.objects.exists()
    assert response.context["adminform"].form.errors["checked_on"] == [
        "离任检查在离任后开展：检查日期（2019-01-01）不能早于该职务的免职时间（2025-06-01）。"]


def test_the_change_form_refuses_moving_the_date_before_the_removal_but_keeps_a_stored_date(
        tree, county_a_clerk, client_for) -> None:
    check = departure_check_open(post=secretary_who_left(tree["county_a"]), checked_on=datetime.date(2025, 9, 1),
                                 inspectors="检查组", actor=county_a_clerk)
    page = reverse("admin:selection_departurecheck_change", args=[check.pk])
    client = client_for(county_a_clerk)
    inline = {"findings-TOTAL_FORMS": "0", "findings-INITIAL_FORMS": "0"}
    response = client.post(page, {"checked_on": "2019-01-01", "inspectors": "检查组", "summary": "", **inline})
    assert response.status_code == 200 and response.context["adminform"].form.errors["checked_on"] == [
        "离任检查在离任后开展：检查日期（2019-01-01）不能早于该职务的免职时间（2025-06-01）。"]
    # A check stored before the rule with an earlier date is still corrected in its other fields.
    DepartureCheck.objects.filter(pk=check.pk).update(checked_on=datetime.date(2025, 1, 1))
    response = client.post(page, {"checked_on": "2025-01-01", "inspectors": "市委组织部检查组", "summary": "查阅材料",
                                  **inline})
    assert response.status_code == 302
    check.refresh_from_db()
    assert (check.checked_on, check.inspectors) == (datetime.date(2025, 1, 1), "市委组织部检查组")


def test_a_check_whose_summary_says_none_cannot_be_concluded_without_a_finding(tree, county_a_clerk) -> None:
    for i, word in enumerate(("无", "暂无", "N/A")):
        check = departure_check_open(post=secretary_who_left(tree["county_a"], name=numbered("书记", i, 1)),
                                     checked_on=datetime.date(2025, 9, 1), inspectors="检查组", summary=word,
                                     actor=county_a_clerk)
        with pytest.raises(ValidationError) as refused:
            departure_check_conclude(check=check, actor=county_a_clerk)
        assert refused.value.message_dict["status"] == [
            f"检查情况「{word}」没有写明检查了什么：请填写实际的检查情况或登记检查发现，再办结离任检查。"]
        check.refresh_from_db()
        assert check.status == CheckStatus.CHECKING
    departure_add_finding(check=check, description="未发现问题", is_problem=False, actor=county_a_clerk)
    assert departure_check_conclude(check=check, actor=county_a_clerk).status == CheckStatus.CONCLUDED


def test_the_conclude_button_refuses_a_summary_that_says_none(tree, county_a_clerk, client_for) -> None:
    check = departure_check_open(post=secretary_who_left(tree["county_a"]), checked_on=datetime.date(2025, 9, 1),
                                 inspectors="检查组", summary="无", actor=county_a_clerk)
    response = client_for(county_a_clerk).post(
        reverse("admin:selection_departurecheck_conclude_step", args=[check.pk]))
    assert response.status_code == 200 and "检查情况「无」没有写明检查了什么" in response.content.decode()
    check.refresh_from_db()
    assert check.status == CheckStatus.CHECKING


def test_a_check_with_a_real_summary_concludes_without_findings(tree, county_a_clerk) -> None:
    check = departure_check_open(post=secretary_who_left(tree["county_a"]), checked_on=datetime.date(2025, 9, 1),
                                 inspectors="检查组", summary="查阅干部任免材料，个别谈话12人，未发现问题。",
                                 actor=county_a_clerk)
    assert departure_check_conclude(check=check, actor=county_a_clerk).status == CheckStatus.CONCLUDED
