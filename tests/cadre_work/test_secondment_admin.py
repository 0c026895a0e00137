"""挂职与驻村 in the admin: the forms, the record-page steps, the cadre page and the 任免审批表,
each rule shown on the path it is taken, and the lists' query cost."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cadres.secondment.models import (
    AssessmentGrade,
    Assignment,
    AssignmentAssessment,
    AssignmentKind,
    AssignmentStatus,
    DutyCheck,
)
from cadres.secondment.services import assignment_assess, assignment_end
from orgwork.audit.models import AuditLog
from orgwork.codes import lookup
from orgwork.imports import services as import_services
from orgwork.rectification.models import RectificationItem
from seeds.reference import load_reference
from tests.samples.cadres import cadre_in
from tests.steps import assert_step_unavailable

from .secondment_helpers import (  # noqa: F401  (fixtures)
    SYSTEM,
    cadre_a,
    cadre_a2,
    cadre_b,
    check,
    days_ago,
    same_year_days,
    second,
    station,
    today,
    years_on,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference(db: Any) -> Iterator[None]:
    lookup.cache_clear()
    load_reference()
    yield
    lookup.cache_clear()


def page(a: Assignment) -> str:
    return reverse("admin:secondment_assignment_change", args=[a.pk])


def step_url(a: Assignment, name: str) -> str:
    return reverse(f"admin:secondment_assignment_{name}", args=[a.pk])


def form_data(**fields: Any) -> dict[str, Any]:
    data = {"kind": AssignmentKind.FIRST_SECRETARY, "post": "", "village": "", "host_unit": "", "township": "",
            "remarks": "",
            "duty_checks-TOTAL_FORMS": "0", "duty_checks-INITIAL_FORMS": "0",
            "assessments-TOTAL_FORMS": "0", "assessments-INITIAL_FORMS": "0"}
    data.update({k: (v.pk if hasattr(v, "pk") else v) for k, v in fields.items()})
    return data


def test_the_add_form_shows_an_overlapping_assignment_and_writes_nothing(tree, cadre_a, county_a_clerk, client_for):
    second(cadre_a, host=tree["county_b"], start=days_ago(300))
    response = client_for(county_a_clerk).post(reverse("admin:secondment_assignment_add"), form_data(
        cadre=cadre_a, sending_unit=tree["county_a"], township=tree["township_a"], village="红山村",
        starts_on=days_ago(100).isoformat(), ends_on=years_on(today(), 1).isoformat()))
    assert response.status_code == 200
    assert "选派期间不能重叠" in response.content.decode()
    assert Assignment.objects.filter(cadre=cadre_a).count() == 1


def test_the_add_form_refuses_a_second_first_secretary_for_a_village(tree, cadre_a, cadre_a2, county_a_clerk,
                                                                      client_for):
    station(cadre_a, township=tree["township_a"], village="红山村")
    response = client_for(county_a_clerk).post(reverse("admin:secondment_assignment_add"), form_data(
        cadre=cadre_a2, sending_unit=tree["county_a"], township=tree["township_a"], village="红山村",
        starts_on=days_ago(10).isoformat(), ends_on=years_on(today(), 2).isoformat()))
    assert "同一时间只能有一名第一书记" in response.content.decode()
    response = client_for(county_a_clerk).post(reverse("admin:secondment_assignment_add"), form_data(
        cadre=cadre_a2, sending_unit=tree["county_a"], township=tree["township_a"], village="青石村",
        starts_on=days_ago(10).isoformat(), ends_on=years_on(today(), 2).isoformat()))
    assert response.status_code == 302
    assert Assignment.objects.get(cadre=cadre_a2).village == "青石村"


def test_the_rotate_button_asks_for_the_replacement_and_registers_the_successor(tree, cadre_a, cadre_a2,
                                                                                 county_a_clerk, client_for):
    a = station(cadre_a, township=tree["township_a"])
    client = client_for(county_a_clerk)
    assert step_url(a, "rotate_step") in client.get(page(a)).content.decode()
    refused = client.post(step_url(a, "rotate_step"), {"left_on": days_ago(3).isoformat(), "reason": "工作需要"})
    assert refused.status_code == 200 and "这个字段是必填项" in refused.content.decode()
    done = client.post(step_url(a, "rotate_step"), {"left_on": days_ago(3).isoformat(), "reason": "工作需要",
                                                   "replacement_cadre": cadre_a2.pk})
    assert done.status_code == 302
    a.refresh_from_db()
    assert a.status == AssignmentStatus.ROTATED and a.replacement.cadre == cadre_a2


def test_the_recall_button_shows_a_leaving_day_before_the_start_on_its_form(tree, cadre_a, county_a_clerk,
                                                                             client_for):
    a = station(cadre_a, township=tree["township_a"], start=days_ago(30))
    response = client_for(county_a_clerk).post(step_url(a, "recall_step"),
                                                {"left_on": days_ago(60).isoformat(), "reason": "不在岗"})
    assert response.status_code == 200 and "离岗日期须晚于选派开始日期" in response.content.decode()
    a.refresh_from_db()
    assert a.status == AssignmentStatus.ACTIVE


def test_an_ended_assignment_offers_no_step_but_the_assessment_and_cannot_be_edited(tree, cadre_a, county_a_clerk,
                                                                                     client_for):
    a = station(cadre_a, township=tree["township_a"])
    client = client_for(county_a_clerk)
    client.post(step_url(a, "complete_step"), {"left_on": days_ago(1).isoformat()})
    a.refresh_from_db()
    assert a.status == AssignmentStatus.COMPLETED
    html = client.get(page(a)).content.decode()
    assert step_url(a, "assess_step") in html and step_url(a, "recall_step") not in html
    assert_step_unavailable(client, step_url(a, "check_step"), post=False)
    assert client.post(reverse("admin:secondment_assignment_delete", args=[a.pk])).status_code == 403


def test_a_reader_sees_the_assignment_but_no_step_and_cannot_take_one_by_its_url(tree, cadre_a, view_only_auditor,
                                                                                  client_for):
    a = station(cadre_a, township=tree["township_a"])
    client = client_for(view_only_auditor)
    html = client.get(page(a)).content.decode()
    assert "城关镇红山村" in html and step_url(a, "recall_step") not in html and step_url(a, "check_step") not in html
    assert client.post(step_url(a, "complete_step"), {"left_on": days_ago(1).isoformat()}).status_code == 403
    a.refresh_from_db()
    assert a.status == AssignmentStatus.ACTIVE


def test_the_recall_form_offers_only_the_clerks_own_cadres_as_the_replacement(tree, cadre_a, cadre_a2, cadre_b,
                                                                            county_a_clerk, client_for):
    a = station(cadre_a, township=tree["township_a"])
    html = client_for(county_a_clerk).get(step_url(a, "recall_step")).content.decode()
    assert "将办理「召回」" in html and cadre_a2.name in html and cadre_b.name not in html


def test_the_check_button_writes_one_audit_row_and_the_page_shows_it_in_the_timeline(tree, cadre_a, county_a_clerk,
                                                                                     client_for):
    a = station(cadre_a, township=tree["township_a"])
    client = client_for(county_a_clerk)
    before = AuditLog.objects.count()
    response = client.post(step_url(a, "check_step"), {"checked_on": days_ago(2).isoformat(), "checker": "县委组织部",
                                                       "present": "1", "note": ""})
    assert response.status_code == 302 and response["Location"] == page(a)
    assert AuditLog.objects.count() == before + 1
    html = client.get(page(a)).content.decode()
    assert "办理记录" in html and f"在岗抽查「{days_ago(2):%Y-%m-%d}」" in html


def test_the_check_button_records_absences_and_the_second_goes_on_the_checklist(tree, cadre_a, county_a_clerk,
                                                                                 client_for):
    a = station(cadre_a, township=tree["township_a"])
    client = client_for(county_a_clerk)
    for day in same_year_days(2):
        response = client.post(step_url(a, "check_step"), {"checked_on": day.isoformat(), "checker": "县委组织部",
                                                           "present": "0", "note": "电话无人接听"})
        assert response.status_code == 302
    assert DutyCheck.objects.filter(assignment=a, present=False).count() == 2
    assert RectificationItem.objects.filter(problem__contains=cadre_a.name).count() == 1


def test_a_second_check_on_the_same_day_is_refused_under_its_date(tree, cadre_a, county_a_clerk, client_for):
    a = station(cadre_a, township=tree["township_a"])
    check(a, days_ago(2), present=True)
    client = client_for(county_a_clerk)
    before = AuditLog.objects.count()
    response = client.post(step_url(a, "check_step"), {
        "checked_on": days_ago(2).isoformat(), "checker": "县委组织部", "present": "0", "note": ""})
    form = response.context["form"]
    assert form.errors["checked_on"] == ["该选派干部当日已有抽查记录。"] and not form.non_field_errors(), form.errors
    assert list(DutyCheck.objects.filter(assignment=a).values_list("present", flat=True)) == [True]
    assert AuditLog.objects.count() == before


def test_a_second_assessment_for_the_same_year_is_refused_under_its_year(tree, cadre_a, county_a_clerk,
                                                                          client_for):
    a = station(cadre_a, township=tree["township_a"])
    assignment_assess(assessment=AssignmentAssessment(assignment=a, year=today().year, grade=AssessmentGrade.COMPETENT),
                      actor=SYSTEM)
    client = client_for(county_a_clerk)
    before = AuditLog.objects.count()
    response = client.post(step_url(a, "assess_step"), {
        "year": today().year, "grade": AssessmentGrade.EXCELLENT, "remarks": ""})
    form = response.context["form"]
    assert form.errors["year"] == ["该选派干部本年度已有考核结果。"] and not form.non_field_errors(), form.errors
    assert list(AssignmentAssessment.objects.filter(assignment=a).values_list("grade", flat=True)) == [
        AssessmentGrade.COMPETENT]
    assert AuditLog.objects.count() == before


def test_the_spot_check_form_refuses_a_day_outside_the_time_in_post(tree, cadre_a, county_a_clerk, client_for):
    a = station(cadre_a, township=tree["township_a"], start=days_ago(20))
    response = client_for(county_a_clerk).post(reverse("admin:secondment_dutycheck_add"), {
        "assignment": a.pk, "checked_on": days_ago(30).isoformat(), "checker": "暗访组", "present": "True"})
    assert response.status_code == 200 and "不在该干部的在岗期间" in response.content.decode()
    assert not DutyCheck.objects.exists()


def test_the_assessment_form_refuses_excellent_after_repeated_absence(tree, cadre_a, county_a_clerk, client_for):
    a = station(cadre_a, township=tree["township_a"])
    for day in same_year_days(2):
        check(a, day, present=False)
    response = client_for(county_a_clerk).post(reverse("admin:secondment_assignmentassessment_add"), {
        "assignment": a.pk, "year": today().year, "grade": AssessmentGrade.EXCELLENT, "remarks": ""})
    assert response.status_code == 200 and "不能评为优秀" in response.content.decode()
    assert not AssignmentAssessment.objects.exists()


def test_another_countys_assignment_is_not_found(tree, cadre_b, county_a_clerk, client_for):
    b = station(cadre_b, township=tree["township_a"])
    client = client_for(county_a_clerk)
    assert client.get(page(b)).status_code == 302  # to the list, with "不存在"
    # The step answers another county's record exactly as it answers a record that does not exist.
    missing = reverse("admin:secondment_assignment_recall_step", args=[b.pk + 1000])
    assert client.get(step_url(b, "recall_step")).status_code == client.get(missing).status_code == 404


def test_the_cadre_page_lists_the_assignments_read_only(tree, reference, cadre_a, county_a_clerk, client_for):
    station(cadre_a, township=tree["township_a"], village="红山村")
    html = client_for(county_a_clerk).get(reverse("admin:cadres_cadre_change", args=[cadre_a.pk])).content.decode()
    assert "挂职与驻村" in html and "城关镇红山村" in html
    assert 'name="assignments-0-village"' not in html


def test_the_appointment_form_resume_carries_the_assignments_in_date_order(tree, reference, county_a_clerk,
                                                                            client_for):
    cadre = cadre_in(tree["county_a"], name="孙立新",
                     resume="1997.07—2016.02 城关区财政局科员\n2016.02—      城关区发展和改革局副局长")
    start = days_ago(400)
    a = second(cadre, host=tree["county_b"], post="副区长", start=start.replace(day=1), end=years_on(start, 2))
    html = client_for(county_a_clerk).get(reverse("admin:cadres_cadre_print", args=[cadre.pk])).content.decode()
    line = f"{a.starts_on:%Y.%m}--  挂任兰州市七里河区副区长"
    assert line in html
    assert html.index("城关区财政局科员") < html.index("城关区发展和改革局副局长") < html.index(line)


def test_the_village_line_reads_as_a_posting_once_ended(tree, cadre_a):
    from cadres.secondment.printing import resume_lines
    from cadres.secondment.services import assignment_end

    a = station(cadre_a, township=tree["township_a"], village="红山村", start=days_ago(700))
    assignment_end(assignment=a, status=AssignmentStatus.COMPLETED, left_on=days_ago(2), actor=SYSTEM)
    assert resume_lines(cadre_a) == [(a.starts_on, f"{a.starts_on:%Y.%m}--{days_ago(2):%Y.%m}  "
                                                   "选派任兰州市城关区·城关镇红山村第一书记")]


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_lists_cost_the_same_queries_for_five_rows_as_for_fifty(tree, province_officer, client_for):
    client = client_for(province_officer)
    urls = [reverse(f"admin:secondment_{m}_changelist") for m in ("assignment", "dutycheck", "assignmentassessment")]

    def add(n: int) -> None:
        for _ in range(n):
            a = second(cadre_in(tree["county_a"], name="批量"), host=tree["county_b"], start=days_ago(500))
            check(a, days_ago(3), present=False)
            from cadres.secondment.services import assignment_assess
            assignment_assess(assessment=AssignmentAssessment(assignment=a, year=today().year,
                                                              grade=AssessmentGrade.COMPETENT), actor=SYSTEM)

    add(5)
    _queries(client, urls[0])  # the first view fills the count estimate
    few = [_queries(client, url) for url in urls]
    add(45)
    assert [_queries(client, url) for url in urls] == few


def test_the_batch_action_ends_the_terms_in_post_and_names_the_ones_it_cannot(tree, cadre_a, cadre_a2,
                                                                               county_a_clerk, client_for):
    in_post = station(cadre_a, township=tree["township_a"])
    ended = station(cadre_a2, township=tree["township_a"], village="青石村")
    from cadres.secondment.services import assignment_end

    assignment_end(assignment=ended, status=AssignmentStatus.RECALLED, left_on=days_ago(2), reason="工作需要",
                   actor=SYSTEM)
    # Both are on the list once the clerk picks 全部 (it starts on those 在岗).
    response = client_for(county_a_clerk).post(reverse("admin:secondment_assignment_changelist") + "?status__exact=all", {
        "action": "complete_selected", "_selected_action": [in_post.pk, ended.pk], "apply": "1",
        "left_on": days_ago(1).isoformat()}, follow=True)
    text = response.content.decode()
    assert "已办理 1 条" in text and "不能再办理" in text
    in_post.refresh_from_db()
    ended.refresh_from_db()
    assert (in_post.status, in_post.left_on) == (AssignmentStatus.COMPLETED, days_ago(1))
    assert ended.status == AssignmentStatus.RECALLED


def test_a_masked_duty_check_export_uploaded_unchanged_finds_its_cadres_again(settings, tmp_path, tree, cadre_a,
                                                                             county_a_clerk, client_for):
    """在岗抽查's 身份证号 names the cadre of an assignment: the export's mark follows the
    assignment to the cadre, so the masked number comes back and the row is the same check."""
    settings.MEDIA_ROOT = tmp_path / "media"
    check(station(cadre_a, township=tree["township_a"]), days_ago(3), present=True)
    answer = client_for(county_a_clerk).get(reverse("admin:secondment_dutycheck_export"))
    cells = [c for row in load_workbook(io.BytesIO(answer.content)).worksheets[0].iter_rows(values_only=True)
             for c in row]
    assert cadre_a.masked_id_number in cells and cadre_a.id_number not in cells
    job = import_services.job_create(user=county_a_clerk, resource="secondment_duty_checks",
                                     uploaded=SimpleUploadedFile("在岗抽查.xlsx", answer.content))
    import_services.job_validate(job_id=job.pk)
    job.refresh_from_db()
    assert "已按导出文件还原 1 个被遮蔽的号码" in job.message
    assert (job.error_rows, job.unchanged_count) == (0, 1), job.errors


def test_an_assignments_page_says_accountability_in_words_not_with_a_red_cross(tree, cadre_a, cadre_a2,
                                                                               county_a_clerk, client_for):
    kept = station(cadre_a, township=tree["township_a"], village="红山村")
    recalled = station(cadre_a2, township=tree["township_a"], village="青石村")
    assignment_end(assignment=recalled, status=AssignmentStatus.RECALLED, left_on=days_ago(1), reason="工作不力",
                   held_accountable=True, actor=SYSTEM)
    client = client_for(county_a_clerk)
    for assignment, shown in ((kept, "—"), (recalled, "有")):
        response = client.get(page(assignment))
        line = response.context["adminform"]
        html = response.content.decode()
        assert "问责处理" in html
        [field] = [f for fieldset in line for row in fieldset for f in row
               if f.is_readonly and f.field["name"] == "accountable_shown"]
        assert field.contents() == shown
        assert "icon-no" not in html and "icon-yes" not in html
