"""一报告两评议: rates, the 不满意率 line (data, audited), one checklist item per evaluation,
on the service, the admin form and the sheet."""

from __future__ import annotations

import datetime
from fractions import Fraction
from pathlib import Path

import pytest
from django.utils import timezone
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.selection.models import DissatisfactionLine, EvaluationKind, SelectionEvaluation, SelectionReport
from cadres.selection.resources import SelectionEvaluationResource
from cadres.selection.services import dissatisfaction_line, dissatisfaction_line_change, evaluation_save, selection_report_save
from django.contrib import admin
from orgwork.audit.models import AuditLog
from orgwork.imports.engine import run_import
from orgwork.imports.reader import open_sheet
from orgwork.rectification.models import RectificationItem

from .selection_samples import promoted_cadre, queries_for_page_sizes
from tests.samples.cadres import cadre_in
from tests.test_versioning import form_data

pytestmark = pytest.mark.django_db
EVALUATIONS = reverse("admin:selection_selectionevaluation_changelist")


def work_evaluation(unit, *, good=20, fairly_good=5, average=5, poor=15, year=2025) -> SelectionEvaluation:
    return SelectionEvaluation(unit=unit, year=year, kind=EvaluationKind.WORK, evaluated_on=datetime.date(2025, 12, 20),
                               good=good, fairly_good=fairly_good, average=average, poor=poor)


def test_satisfaction_counts_good_and_fairly_good_and_dissatisfaction_counts_poor(tree, county_a_clerk) -> None:
    evaluation = evaluation_save(evaluation=work_evaluation(tree["county_a"], good=30, fairly_good=10, average=5, poor=5),
                                 actor=county_a_clerk)
    assert evaluation.total == 50
    assert evaluation.satisfaction == Fraction(40, 50)
    assert evaluation.dissatisfaction == Fraction(5, 50)
    assert not evaluation.over_line and evaluation.rectification_item is None


def test_exactly_one_third_dissatisfied_puts_one_item_on_the_units_checklist(tree, county_a_clerk) -> None:
    evaluation = evaluation_save(evaluation=work_evaluation(tree["county_a"], good=10, fairly_good=5, average=5, poor=10),
                                 actor=county_a_clerk)
    assert evaluation.over_line
    item = RectificationItem.objects.get()
    assert item.responsible_unit == tree["county_a"] and "选人用人工作民主评议不满意率33.3%" in item.problem
    assert evaluation.rectification_item == item


def test_saving_an_evaluation_over_the_line_again_adds_no_second_item(tree, county_a_clerk) -> None:
    evaluation = evaluation_save(evaluation=work_evaluation(tree["county_a"]), actor=county_a_clerk)
    evaluation.poor = 20
    evaluation_save(evaluation=evaluation, actor=county_a_clerk)
    evaluation_save(evaluation=SelectionEvaluation.objects.get(pk=evaluation.pk), actor=county_a_clerk)
    assert RectificationItem.objects.count() == 1


def test_just_below_one_third_puts_nothing_on_the_checklist(tree, county_a_clerk) -> None:
    # 差 333 of 1000 is 33.3 %, below one third: the line is compared as a fraction.
    evaluation = evaluation_save(evaluation=work_evaluation(tree["county_a"], good=600, fairly_good=60, average=7,
                                                            poor=333), actor=county_a_clerk)
    assert not evaluation.over_line and not RectificationItem.objects.exists()


def test_a_newly_promoted_cadre_over_the_line_goes_on_the_checklist_under_the_cadres_name(tree, county_a_clerk) -> None:
    cadre = promoted_cadre(tree["county_a"])
    evaluation = evaluation_save(evaluation=SelectionEvaluation(
        unit=tree["county_a"], year=2025, kind=EvaluationKind.CADRE, cadre=cadre, evaluated_on=datetime.date(2025, 12, 1),
        good=5, fairly_good=5, average=2, poor=6), actor=county_a_clerk)
    assert evaluation.promotion.title == "城关区主任"
    item = RectificationItem.objects.get()
    assert item.responsible_person == cadre.name and "新提拔干部赵新民" in item.problem


def test_a_cadre_not_promoted_that_year_cannot_be_evaluated_as_newly_promoted(tree, county_a_clerk) -> None:
    cadre = promoted_cadre(tree["county_a"], promoted_on=datetime.date(2024, 6, 1))
    with pytest.raises(ValidationError) as refused:
        evaluation_save(evaluation=SelectionEvaluation(
            unit=tree["county_a"], year=2025, kind=EvaluationKind.CADRE, cadre=cadre,
            evaluated_on=datetime.date(2025, 12, 1), good=5, fairly_good=5, average=2, poor=1), actor=county_a_clerk)
    assert "2025年度没有提拔任职记录" in str(refused.value)


def test_a_clerk_cannot_evaluate_another_countys_unit(tree, county_b_clerk) -> None:
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        evaluation_save(evaluation=work_evaluation(tree["county_a"]), actor=county_b_clerk)


def test_the_evaluation_form_refuses_a_cadre_not_promoted_that_year(tree, county_a_clerk, client_for) -> None:
    cadre = cadre_in(tree["county_a"], name="未提拔")
    response = client_for(county_a_clerk).post(reverse("admin:selection_selectionevaluation_add"), {
        "unit": tree["county_a"].pk, "year": 2025, "kind": "cadre", "cadre": cadre.pk, "evaluated_on": "2025-12-01",
        "good": 5, "fairly_good": 5, "average": 2, "poor": 9})
    assert response.status_code == 200
    assert "不属于新提拔干部" in response.content.decode()
    assert "新提拔干部评议须选择干部" not in response.content.decode()  # the cadre was chosen
    assert not SelectionEvaluation.objects.exists() and not RectificationItem.objects.exists()


def test_the_evaluation_form_saves_through_the_service_and_puts_it_on_the_checklist(tree, county_a_clerk, client_for) -> None:
    response = client_for(county_a_clerk).post(reverse("admin:selection_selectionevaluation_add"), {
        "unit": tree["county_a"].pk, "year": 2025, "kind": "work", "evaluated_on": "2025-12-01",
        "good": 5, "fairly_good": 5, "average": 2, "poor": 9})
    assert response.status_code == 302, response.content.decode()[:3000]
    evaluation = SelectionEvaluation.objects.get()
    assert evaluation.over_line and evaluation.rectification_item is not None
    assert AuditLog.objects.filter(object_id=str(evaluation.pk), content_type__model="selectionevaluation").count() == 2


def test_the_business_lead_moves_the_line_with_an_audit_row_and_later_evaluations_follow(tree, county_a_clerk) -> None:
    county_a_clerk.user_permissions.add(Permission.objects.get(codename="change_dissatisfactionline"))
    county_a_clerk = type(county_a_clerk).objects.get(pk=county_a_clerk.pk)
    line = dissatisfaction_line()
    assert (line.numerator, line.denominator) == (1, 3)
    line.numerator, line.denominator = 1, 5
    dissatisfaction_line_change(line=line, actor=county_a_clerk)
    entry = AuditLog.objects.filter(content_type__model="dissatisfactionline").latest("pk")
    assert entry.changes["denominator"] == [3, 5]
    evaluation = evaluation_save(evaluation=work_evaluation(tree["county_a"], good=30, fairly_good=5, average=5, poor=10),
                                 actor=county_a_clerk)
    assert evaluation.over_line  # 10 of 50 is one fifth


def test_a_clerk_without_the_business_leads_grant_cannot_move_the_line(county_a_clerk, client_for) -> None:
    line = DissatisfactionLine.objects.get()
    with pytest.raises(ValidationError, match="调整不满意率警戒线"):
        dissatisfaction_line_change(line=line, actor=county_a_clerk)
    response = client_for(county_a_clerk).post(reverse("admin:selection_dissatisfactionline_change", args=[line.pk]),
                                               {"numerator": 1, "denominator": 2, "basis": ""})
    assert response.status_code == 403
    assert DissatisfactionLine.objects.get().denominator == 3


SHEET_HEAD = ["身份证号", "姓名", "评议单位", "年度", "评议日期", "好", "较好", "一般", "差"]


def write_sheet(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "新提拔干部民主评议.csv"
    path.write_text("\n".join(",".join(r) for r in [SHEET_HEAD, *rows]) + "\n", encoding="utf-8")
    return path


def import_sheet(path: Path, user) -> object:
    return run_import(SelectionEvaluationResource, user,
                      open_sheet(str(path), path.name, SelectionEvaluationResource), commit=True)


def test_an_evaluation_sheet_puts_rows_over_the_line_on_the_checklist_once(tree, county_a_clerk, tmp_path) -> None:
    sick = promoted_cadre(tree["county_a"], name="钱多多")
    fine = promoted_cadre(tree["county_a"], name="孙良好")
    path = write_sheet(tmp_path, [[sick.id_number, sick.name, "620102", "2025", "2025-12-20", "10", "5", "5", "10"],
                                  [fine.id_number, fine.name, "620102", "2025", "2025-12-20", "30", "5", "1", "1"]])
    result = import_sheet(path, county_a_clerk)
    assert result.committed, result.errors
    over = SelectionEvaluation.objects.get(cadre=sick)
    assert over.over_line and over.rectification_item.responsible_person == "钱多多"
    assert not SelectionEvaluation.objects.get(cadre=fine).over_line
    path = write_sheet(tmp_path, [[sick.id_number, sick.name, "620102", "2025", "2025-12-20", "10", "5", "5", "11"]])
    assert import_sheet(path, county_a_clerk).committed
    assert RectificationItem.objects.count() == 1


def test_an_evaluation_sheet_refuses_a_cadre_not_promoted_that_year_and_writes_nothing(tree, county_a_clerk,
                                                                                        tmp_path) -> None:
    promoted = promoted_cadre(tree["county_a"], name="钱多多")
    stayed = cadre_in(tree["county_a"], name="周未动")
    path = write_sheet(tmp_path, [[promoted.id_number, promoted.name, "620102", "2025", "2025-12-20", "10", "5", "5", "10"],
                                  [stayed.id_number, stayed.name, "620102", "2025", "2025-12-20", "30", "5", "1", "1"]])
    result = import_sheet(path, county_a_clerk)
    assert not result.committed
    assert any("不属于新提拔干部" in e.message for e in result.errors)
    assert not SelectionEvaluation.objects.exists() and not RectificationItem.objects.exists()


def test_a_report_needs_its_text_or_an_attachment(tree, county_a_clerk) -> None:
    with pytest.raises(ValidationError, match="请填写报告内容或上传报告附件"):
        selection_report_save(report=SelectionReport(unit=tree["county_a"], year=2025,
                                                     reported_on=datetime.date(2026, 1, 15)), actor=county_a_clerk)
    report = selection_report_save(report=SelectionReport(unit=tree["county_a"], year=2025, text="2025年度……",
                                                          reported_on=datetime.date(2026, 1, 15)), actor=county_a_clerk)
    assert AuditLog.objects.filter(content_type__model="selectionreport", object_id=str(report.pk)).count() == 1


def test_a_report_on_a_year_to_come_is_told_so_not_that_its_date_is_too_early(tree, county_a_clerk) -> None:
    next_year = timezone.localdate().year + 1
    with pytest.raises(ValidationError) as refused:
        selection_report_save(report=SelectionReport(unit=tree["county_a"], year=next_year, text="本年度选人用人工作情况",
                                                     reported_on=timezone.localdate()), actor=county_a_clerk)
    assert refused.value.message_dict == {"year": [f"报告年度不能晚于今年（{next_year - 1}年）。"]}
    assert not SelectionReport.objects.exists()


def test_the_evaluation_list_costs_the_same_queries_for_five_rows_and_fifty(tree, province_officer, client_for) -> None:
    for year in range(2000, 2026):  # past years only: a year to come is refused
        for unit in (tree["county_a"], tree["county_b"]):
            evaluation = work_evaluation(unit, year=year, poor=20 if year % 2 else 1)
            evaluation.evaluated_on = datetime.date(year, 12, 20)  # each year's at its end
            evaluation_save(evaluation=evaluation, actor=province_officer)
    client = client_for(province_officer)
    small, large = queries_for_page_sizes(client, EVALUATIONS, admin.site._registry[SelectionEvaluation])
    assert small == large
    assert large <= 12


def test_the_evaluation_sheet_template_downloads_with_its_chinese_headers(county_a_clerk, client_for) -> None:
    response = client_for(county_a_clerk).get(reverse("admin:imports_importjob_template", args=["selection_evaluations"]))
    assert response.status_code == 200
    from openpyxl import load_workbook
    import io

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)).active
    headers = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert headers[:4] == ["身份证号", "姓名", "评议单位", "年度"] and "差" in headers


def test_an_evaluation_is_corrected_on_its_page_and_a_year_one_date_is_refused_there(tree, county_a_clerk,
                                                                                    client_for) -> None:
    evaluation = evaluation_save(evaluation=work_evaluation(tree["county_a"]), actor=county_a_clerk)
    client = client_for(county_a_clerk)
    url = reverse("admin:selection_selectionevaluation_change", args=[evaluation.pk])
    data = form_data(client.get(url))
    response = client.post(url, dict(data, evaluated_on="0001-01-01"))
    assert response.status_code == 200 and "年份超出范围" in response.content.decode()
    response = client.post(url, dict(data, poor="16"))
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.poor == 16


# ---------------------------------------------------------------- 评议日期 within the evaluated year or after


def test_an_evaluation_cannot_be_dated_before_the_year_it_evaluates_on_the_service(tree, county_a_clerk) -> None:
    early = work_evaluation(tree["county_a"])
    early.evaluated_on = datetime.date(2020, 1, 1)
    with pytest.raises(ValidationError) as refused:
        evaluation_save(evaluation=early, actor=county_a_clerk)
    assert refused.value.message_dict["evaluated_on"] == [
        "评议日期（2020-01-01）不能早于所评议的年度（2025年）：2025年度的民主评议在当年或次年初开展，请核对评议日期或年度。"]
    assert not SelectionEvaluation.objects.exists()
    on_time = evaluation_save(evaluation=work_evaluation(tree["county_a"]), actor=county_a_clerk)  # the real one
    assert on_time.evaluated_on == datetime.date(2025, 12, 20)


def test_an_evaluation_may_be_held_early_the_next_year_but_not_after_today(tree, county_a_clerk) -> None:
    next_january = work_evaluation(tree["county_a"])
    next_january.evaluated_on = datetime.date(2026, 1, 10)
    assert evaluation_save(evaluation=next_january, actor=county_a_clerk).pk
    later = work_evaluation(tree["county_b"])
    later.evaluated_on = datetime.date(2099, 1, 1)
    with pytest.raises(ValidationError, match="评议日期不能晚于今天"):
        later.full_clean()


def test_an_evaluation_cannot_be_dated_years_after_the_year_it_evaluates(tree, county_a_clerk) -> None:
    late = work_evaluation(tree["county_a"])
    late.year, late.evaluated_on = 2019, datetime.date(2021, 1, 5)
    with pytest.raises(ValidationError) as refused:
        evaluation_save(evaluation=late, actor=county_a_clerk)
    assert refused.value.message_dict["evaluated_on"] == [
        "评议日期（2021-01-05）晚于所评议年度的次年（2020年）：2019年度的民主评议在当年或次年初开展，请核对评议日期或年度。"]
    assert not SelectionEvaluation.objects.exists()
    late.evaluated_on = datetime.date(2020, 12, 31)  # the year after, as late as it may be
    assert evaluation_save(evaluation=late, actor=county_a_clerk).pk


def test_the_evaluation_form_refuses_a_date_before_the_evaluated_year_under_its_date(tree, county_a_clerk,
                                                                                     client_for) -> None:
    response = client_for(county_a_clerk).post(reverse("admin:selection_selectionevaluation_add"), {
        "unit": tree["county_a"].pk, "year": 2025, "kind": "work", "evaluated_on": "2020-01-01",
        "good": 5, "fairly_good": 5, "average": 2, "poor": 1})
    assert response.status_code == 200 and not SelectionEvaluation.objects.exists()
    assert "不能早于所评议的年度（2025年）" in response.context["adminform"].form.errors["evaluated_on"][0]


def test_an_evaluation_sheet_refuses_a_date_before_the_evaluated_year_and_writes_nothing(tree, county_a_clerk,
                                                                                         tmp_path) -> None:
    cadre = promoted_cadre(tree["county_a"], name="钱多多")
    path = write_sheet(tmp_path, [[cadre.id_number, cadre.name, "620102", "2025", "2020-01-01", "30", "5", "1", "1"]])
    result = import_sheet(path, county_a_clerk)
    assert not result.committed
    assert any("不能早于所评议的年度（2025年）" in e.message for e in result.errors)
    assert not SelectionEvaluation.objects.exists()


def test_an_evaluation_dated_before_the_rule_is_still_corrected_on_its_page(tree, county_a_clerk, client_for) -> None:
    evaluation = evaluation_save(evaluation=work_evaluation(tree["county_a"]), actor=county_a_clerk)
    SelectionEvaluation.objects.filter(pk=evaluation.pk).update(evaluated_on=datetime.date(2020, 1, 1))
    client = client_for(county_a_clerk)
    url = reverse("admin:selection_selectionevaluation_change", args=[evaluation.pk])
    response = client.post(url, dict(form_data(client.get(url)), poor="16"))
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.evaluated_on, evaluation.poor) == (datetime.date(2020, 1, 1), 16)
