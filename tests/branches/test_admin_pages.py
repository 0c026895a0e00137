"""The 缺会名单 and 开展率 pages, their xlsx exports, and the meeting list's query cost."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from branches.models import AssessmentState, MeetingKind as K
from orgwork.audit.models import AuditAction, AuditLog

from .conftest import add_meeting

D = datetime.date


@pytest.fixture
def january(orgs: Any) -> None:
    for org in (orgs["community"], orgs["county_b"]):
        for kind in (K.COMMITTEE_MEETING, K.GROUP_MEETING, K.THEME_DAY):
            add_meeting(org, kind, D(2025, 1, 8))


def test_the_missing_list_page_shows_only_the_users_jurisdiction(january: None, county_b_clerk: Any, city_officer: Any,
                                                                  client_for: Any) -> None:
    url = reverse("admin:branches_meeting_missing")
    params = {"year": 2025, "kind": "month", "month": 2}
    b_page = client_for(county_b_clerk).get(url, params).content.decode()
    assert "七里河区第一党支部" in b_page and "东岗社区党支部" not in b_page
    city_page = client_for(city_officer).get(url, params).content.decode()
    assert "七里河区第一党支部" in city_page and "东岗社区党支部" in city_page and "城关镇红星村党支部" in city_page


def test_the_missing_list_exports_to_xlsx_and_the_export_is_audited(january: None, county_a_clerk: Any, client_for: Any) -> None:
    response = client_for(county_a_clerk).get(reverse("admin:branches_meeting_missing"),
                                              {"year": 2025, "kind": "month", "month": 1, "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "缺会名单（2025年1月）"
    assert rows[1][:4] == ["党组织代码", "党支部", "所在单位", "缺少的会议"]
    assert [r[1] for r in rows[2:]] == ["城关镇红星村党支部"]
    assert rows[2][3] == "支委会缺1次、党小组会缺1次、主题党日缺1次"
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, actor=county_a_clerk, message__contains="缺会名单").exists()


def test_the_rates_page_lists_county_rows_for_the_city(january: None, city_officer: Any, client_for: Any) -> None:
    response = client_for(city_officer).get(reverse("admin:branches_meeting_rates"), {"year": 2025, "kind": "month", "month": 1})
    page = response.content.decode()
    assert response.status_code == 200
    assert "城关区" in page and "七里河区" in page
    assert "1/1，100.0%" in page  # 七里河区: its one branch held its committee meeting
    assert "1/2，50.0%" in page   # 城关区: one of its two branches


def test_the_rates_page_is_closed_to_a_user_without_the_view_permission(non_staff: Any, client_for: Any) -> None:
    response = client_for(non_staff).get(reverse("admin:branches_meeting_rates"))
    assert response.status_code == 302


def test_a_period_without_its_month_is_a_form_error(county_a_clerk: Any, client_for: Any) -> None:
    page = client_for(county_a_clerk).get(reverse("admin:branches_meeting_missing"), {"year": 2025, "kind": "month"}).content.decode()
    assert "请选择月份" in page


def test_the_meeting_list_costs_the_same_for_five_rows_or_fifty(orgs: Any, county_a_clerk: Any, client_for: Any,
                                                                 django_assert_max_num_queries: Any) -> None:
    for day in range(1, 6):
        add_meeting(orgs["community"], K.THEME_DAY, D(2025, 1, day))
    client = client_for(county_a_clerk)
    url = reverse("admin:branches_meeting_changelist")
    client.get(url)  # warm caches (content types, permissions)
    with django_assert_max_num_queries(14) as few:
        assert client.get(url).status_code == 200
    for day in range(6, 29):
        for kind in (K.GROUP_MEETING, K.COMMITTEE_MEETING):
            add_meeting(orgs["village"], kind, D(2025, 2, day))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_assessment_actions_run_the_workflow(orgs: Any, rural_standard: Any, county_a_clerk: Any, city_officer: Any,
                                             client_for: Any) -> None:
    from branches.models import AssessmentItemScore
    from branches.services import assessment_open

    from .conftest import scores_for

    assessment = assessment_open(organisation=orgs["village"], year=2025, actor=county_a_clerk)
    for item_id, score in scores_for(assessment, 85).items():
        AssessmentItemScore.objects.filter(assessment=assessment, item_id=item_id).update(self_score=score)
    url = reverse("admin:branches_branchassessment_changelist")
    client_for(county_a_clerk).post(url, {"action": "submit_self", "_selected_action": [assessment.pk]})
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.SELF_ASSESSED and assessment.self_score == 85
    response = client_for(city_officer).post(url, {"action": "review", "_selected_action": [assessment.pk]}, follow=True)
    assert "审核定级：已办理 0 条，未办理 1 条。" in response.content.decode()  # no reviewed item scores typed yet
    for item_id, score in scores_for(assessment, 81).items():
        AssessmentItemScore.objects.filter(assessment=assessment, item_id=item_id).update(reviewed_score=score)
    client_for(city_officer).post(url, {"action": "review", "_selected_action": [assessment.pk]})
    assessment.refresh_from_db()
    assert (assessment.state, assessment.status, assessment.star_level) == (AssessmentState.REVIEWED, "passed", 3)


def test_the_missing_list_opened_without_a_query_answers_for_last_month(orgs: Any, county_a_clerk: Any,
                                                                       client_for: Any) -> None:
    from django.utils import timezone

    previous = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    response = client_for(county_a_clerk).get(reverse("admin:branches_meeting_missing"))
    page = response.content.decode()
    assert response.status_code == 200 and f"缺会名单（{previous.year}年{previous.month}月）" in page
    assert "东岗社区党支部" in page  # no meeting recorded: it is on the list
    # The export link carries the period shown, so the file is the list on the page.
    export = f"?year={previous.year}&amp;kind=month&amp;month={previous.month}&amp;by=subtree&amp;format=xlsx"
    assert export in page
    sheet = client_for(county_a_clerk).get(reverse("admin:branches_meeting_missing"),
                                           {"year": previous.year, "kind": "month", "month": previous.month,
                                            "by": "subtree", "format": "xlsx"})
    assert sheet.status_code == 200 and sheet["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_organisation_list_is_headed_and_sorted_by_the_name_and_the_page_names_its_records(
        orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    import re

    client = client_for(county_a_clerk)
    page = client.get(reverse("admin:branches_partyorganisation_changelist")).content.decode()
    headers = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    # The first column, sortable, and marked as the order the list is in (the tree path).
    assert re.search(r'<a href="\?o=-0">\s*组织名称\s*</a>', headers) and "sorted ascending" in headers
    assert "Indented" not in page
    record = client.get(reverse("admin:branches_partyorganisation_change", args=[orgs["village"].pk])).content.decode()
    assert "相关记录" in record and "三会一课记录</a>" in record


def test_a_branchs_page_opens_the_meeting_form_with_the_branch_and_its_roster_count(
        orgs: Any, county_a_clerk: Any, client_for: Any) -> None:
    from tests.members.conftest import add_member

    for name in ("甲", "乙", "丙"):
        add_member(orgs["village"], name)
    client = client_for(county_a_clerk)
    record = client.get(reverse("admin:branches_partyorganisation_change", args=[orgs["village"].pk])).content.decode()
    add = reverse("admin:branches_meeting_add") + f"?organisation={orgs['village'].pk}&amp;expected=3"
    assert f'<a href="{add}">登记三会一课（应到 3 人，按名册）</a>' in record
    form = client.get(add.replace("&amp;", "&")).context["adminform"].form
    assert (form.initial["organisation"], form.initial["expected"]) == (str(orgs["village"].pk), "3")
    committee = client.get(reverse("admin:branches_partyorganisation_change",
                                   args=[orgs["committee"].pk])).content.decode()
    assert "登记三会一课" not in committee
