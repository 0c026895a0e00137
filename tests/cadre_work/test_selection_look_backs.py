"""带病提拔倒查: opened by every path that records a 组织处理 (service, admin form, sheet),
listing five years of promotions with their 凡提四必 case and signer; concluded by a step."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.models import Rank
from cadres.selection.models import CheckStatus, LookBack, LookBackVerdict
from cadres.selection.selectors import promotions_of
from cadres.selection.services import look_back_conclude, vetting_cases_for
from cadres.supervision.models import HandlingRecord
from cadres.supervision.resources import HandlingRecordResource
from orgwork.imports.engine import run_import
from orgwork.imports.reader import open_sheet
from tests.samples.cadres import cadre_in
from tests.samples.names import numbered
from tests.steps import assert_step_unavailable

from .selection_samples import appoint, cleared_case, handle, promoted_cadre, queries_for_page_sizes

pytestmark = pytest.mark.django_db
LOOK_BACKS = reverse("admin:selection_lookback_changelist")


def test_a_handling_record_opens_a_look_back_with_each_promotion_its_vetting_case_and_signer(tree, county_a_clerk) -> None:
    cadre = cadre_in(tree["county_a"], name="吴带病")
    appoint(cadre, tree["county_a"], "城关区某局科员", Rank.TOWNSHIP_DEPUTY, datetime.date(2018, 1, 1))
    appoint(cadre, tree["county_a"], "城关区某局副局长", Rank.TOWNSHIP_CHIEF, datetime.date(2022, 4, 1))
    case = cleared_case(cadre, datetime.date(2024, 9, 1), county_a_clerk)
    appoint(cadre, tree["county_a"], "城关区某局局长", Rank.COUNTY_DEPUTY, datetime.date(2025, 1, 10))
    record = handle(cadre, datetime.date(2026, 6, 1), actor=county_a_clerk)
    look_back = LookBack.objects.get(handling_record=record)
    assert look_back.status == CheckStatus.CHECKING and look_back.window_start == datetime.date(2021, 6, 1)
    rows = list(look_back.promotions.order_by("-appointed_on"))
    assert [r.title for r in rows] == ["城关区某局局长", "城关区某局副局长"]
    assert rows[0].vetting_case == case and rows[0].signed_by == "county_a_clerk" and rows[0].vetting_status == "已通过"
    assert rows[1].vetting_case is None and rows[1].vetting_status == "无凡提四必审查记录"


def test_a_promotion_more_than_five_years_before_the_decision_is_not_looked_back_on(tree) -> None:
    cadre = promoted_cadre(tree["county_a"], promoted_on=datetime.date(2020, 3, 1), first_on=datetime.date(2015, 1, 1))
    handle(cadre, datetime.date(2026, 6, 1))
    assert not LookBack.objects.exists()


def test_correcting_the_handling_record_opens_no_second_look_back(tree) -> None:
    cadre = promoted_cadre(tree["county_a"])
    record = handle(cadre, datetime.date(2026, 6, 1))
    record.facts = "补充事实"
    from cadres.supervision.services import handling_record_save
    from .selection_samples import SYSTEM

    handling_record_save(record=record, actor=SYSTEM)
    assert LookBack.objects.count() == 1


def test_the_handling_form_in_the_admin_opens_the_look_back(tree, county_a_clerk, client_for) -> None:
    cadre = promoted_cadre(tree["county_a"])
    response = client_for(county_a_clerk).post(reverse("admin:supervision_handlingrecord_add"), {
        "cadre": cadre.pk, "handling_type": "admonishment", "source": "petition", "decided_on": "2026-06-01",
        "document_number": "", "handler": "", "facts": "", "inquiry_reply": "", "inquiry_replied_on": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    look_back = LookBack.objects.get()
    assert look_back.handling_record == HandlingRecord.objects.get(cadre=cadre)
    assert look_back.promotions.get().title == "城关区主任"


def test_a_handling_sheet_opens_the_look_back_for_each_new_record(tree, county_a_clerk, tmp_path: Path) -> None:
    cadre = promoted_cadre(tree["county_a"])
    path = tmp_path / "组织处理.csv"
    head = ["身份证号", "姓名", "处理方式", "线索来源", "决定日期", "文号", "承办人", "主要事实"]
    row = [cadre.id_number, cadre.name, "诫勉", "巡视", "2026-06-01", "城组通〔2026〕9号", "刘明", "违规发放津贴"]
    path.write_text("\n".join(",".join(r) for r in [head, row]) + "\n", encoding="utf-8")
    sheet = open_sheet(str(path), path.name, HandlingRecordResource)
    result = run_import(HandlingRecordResource, county_a_clerk, sheet, commit=True)
    assert result.committed, result.errors
    look_back = LookBack.objects.get()
    assert look_back.cadre == cadre and look_back.promotions.count() == 1
    # The same sheet again changes nothing and opens nothing.
    result = run_import(HandlingRecordResource, county_a_clerk, open_sheet(str(path), path.name, HandlingRecordResource),
                        commit=True)
    assert result.committed and LookBack.objects.count() == 1


def test_a_sick_promotion_cannot_be_concluded_without_accountability(tree, county_a_clerk) -> None:
    handle(promoted_cadre(tree["county_a"]), datetime.date(2026, 6, 1))
    look_back = LookBack.objects.get()
    with pytest.raises(ValidationError) as refused:
        look_back_conclude(look_back=look_back, verdict=LookBackVerdict.FOUND, conclusion="提拔前已有违纪问题",
                           accountability="", actor=county_a_clerk)
    assert "一案双查" in str(refused.value)
    look_back_conclude(look_back=look_back, verdict=LookBackVerdict.FOUND, conclusion="提拔前已有违纪问题",
                       accountability="对考察组组长诫勉", actor=county_a_clerk)
    look_back.refresh_from_db()
    assert look_back.status == CheckStatus.CONCLUDED and look_back.concluded_by == county_a_clerk


def test_the_conclude_button_shows_the_refusal_on_its_form_then_concludes(tree, county_a_clerk, client_for) -> None:
    handle(promoted_cadre(tree["county_a"]), datetime.date(2026, 6, 1))
    look_back = LookBack.objects.get()
    client = client_for(county_a_clerk)
    url = reverse("admin:selection_lookback_conclude_step", args=[look_back.pk])
    response = client.post(url, {"verdict": "found", "conclusion": "提拔前已有问题", "accountability": ""})
    assert response.status_code == 200 and "一案双查" in response.content.decode()
    response = client.post(url, {"verdict": "not_found", "conclusion": "问题发生在提拔之后", "accountability": ""})
    assert response.status_code == 302
    look_back.refresh_from_db()
    assert (look_back.status, look_back.verdict) == (CheckStatus.CONCLUDED, LookBackVerdict.NOT_FOUND)
    assert_step_unavailable(client, url, post=False)  # concluded: the step is gone
    page = client.get(reverse("admin:selection_lookback_change", args=[look_back.pk])).content.decode()
    assert "办理记录" in page and "带病提拔倒查办结" in page and url not in page


def test_another_county_cannot_reach_the_look_back(tree, county_b_clerk, client_for) -> None:
    handle(promoted_cadre(tree["county_a"]), datetime.date(2026, 6, 1))
    look_back = LookBack.objects.get()
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        look_back_conclude(look_back=look_back, verdict="not_found", conclusion="……", actor=county_b_clerk)
    assert client_for(county_b_clerk).get(reverse("admin:selection_lookback_change", args=[look_back.pk])).status_code != 200


def test_the_look_back_list_costs_the_same_queries_for_five_rows_and_fifty(tree, province_officer, client_for) -> None:
    for i in range(12):
        cadre = promoted_cadre(tree["county_a" if i % 2 else "county_b"], name=numbered("干部", i, 2))
        handle(cadre, datetime.date(2026, 1, 1) + datetime.timedelta(days=i))
    client = client_for(province_officer)
    small, large = queries_for_page_sizes(client, LOOK_BACKS, admin.site._registry[LookBack])
    assert small == large
    assert large <= 12


def test_a_look_back_names_the_case_the_promotion_paid_with_when_two_vetted_the_same_step(tree, county_a_clerk) -> None:
    cadre = cadre_in(tree["county_a"], name="钱两审")
    appoint(cadre, tree["county_a"], "城关区某局副局长", Rank.TOWNSHIP_DEPUTY, datetime.date(2019, 5, 1))
    paid = cleared_case(cadre, datetime.date(2025, 1, 5), county_a_clerk)
    cleared_case(cadre, datetime.date(2025, 2, 20), county_a_clerk)  # a second case for the same step, still unused
    appoint(cadre, tree["county_a"], "城关区某局局长", Rank.TOWNSHIP_CHIEF, datetime.date(2025, 3, 1))
    record = handle(cadre, datetime.date(2026, 6, 1), actor=county_a_clerk)
    row = LookBack.objects.get(handling_record=record).promotions.get()
    assert row.vetting_case == paid


def test_each_promotion_looked_back_on_names_its_own_case_and_the_cases_are_read_once(tree, county_a_clerk,
                                                                                     city_officer) -> None:
    cadre = cadre_in(tree["county_a"], name="孙三升")
    appoint(cadre, tree["county_a"], "城关区某局副局长", Rank.TOWNSHIP_DEPUTY, datetime.date(2017, 1, 1))
    first = cleared_case(cadre, datetime.date(2021, 9, 1), county_a_clerk)
    appoint(cadre, tree["county_a"], "城关区某局局长", Rank.TOWNSHIP_CHIEF, datetime.date(2022, 3, 1))
    # A 县处级 step is the city's to vet (cadres.rules.check_vetting_rank_given).
    second = cleared_case(cadre, datetime.date(2024, 10, 1), city_officer, post="城关区副区长", rank=Rank.COUNTY_DEPUTY)
    appoint(cadre, tree["county_a"], "城关区副区长", Rank.COUNTY_DEPUTY, datetime.date(2025, 1, 10))
    record = handle(cadre, datetime.date(2026, 6, 1), actor=county_a_clerk)
    rows = {r.title: r.vetting_case for r in LookBack.objects.get(handling_record=record).promotions.all()}
    assert rows == {"城关区副区长": second, "城关区某局局长": first}

    promotions = promotions_of(cadre.pk, until=datetime.date(2026, 6, 1))
    counts = []
    for some in (promotions[:1], promotions):
        with CaptureQueriesContext(connection) as captured:
            vetting_cases_for(cadre.pk, some, until=datetime.date(2026, 6, 1))
        counts.append(len(captured))
    assert len(promotions) == 2 and counts[0] == counts[1]


def test_a_sick_promotion_cannot_be_concluded_with_accountability_that_says_none(tree, county_a_clerk) -> None:
    handle(promoted_cadre(tree["county_a"]), datetime.date(2026, 6, 1))
    look_back = LookBack.objects.get()
    for word in ("无", "暂无", "N/A", "不详"):
        with pytest.raises(ValidationError) as refused:
            look_back_conclude(look_back=look_back, verdict=LookBackVerdict.FOUND, conclusion="提拔前已有违纪问题",
                               accountability=word, actor=county_a_clerk)
        assert refused.value.message_dict["accountability"] == [
            f"「{word}」不是追责问责情况：属于带病提拔的，须写明对选人用人失察失误的追责问责情况（一案双查）。"]
    look_back.refresh_from_db()
    assert look_back.status == CheckStatus.CHECKING and look_back.accountability == ""


def test_the_conclude_button_refuses_accountability_that_says_none(tree, county_a_clerk, client_for) -> None:
    handle(promoted_cadre(tree["county_a"]), datetime.date(2026, 6, 1))
    look_back = LookBack.objects.get()
    url = reverse("admin:selection_lookback_conclude_step", args=[look_back.pk])
    response = client_for(county_a_clerk).post(
        url, {"verdict": "found", "conclusion": "提拔前已有问题", "accountability": "无"})
    assert response.status_code == 200 and "「无」不是追责问责情况" in response.content.decode()
    look_back.refresh_from_db()
    assert look_back.status == CheckStatus.CHECKING
