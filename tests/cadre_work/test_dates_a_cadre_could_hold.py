"""Dates of a cadre's records lie in the years a file holds (1900–2100, the sheet's range)
and not before the cadre turned 16 (the age 参加工作时间 is held to): on the admin forms,
through the services and on the sheets. A year-1 date is refused, never a server error."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.models import Post, Rank
from cadres.resources import PostResource
from cadres.selection.selectors import five_years_before
from cadres.supervision.models import DisciplineFinding, HandlingRecord, HandlingSource, HandlingType, VettingCase
from cadres.supervision.resources import HandlingRecordResource
from cadres.supervision.services import handling_record_save, vetting_open
from cadres.reserve.models import ReserveMember
from orgwork.common import dates
from orgwork.imports.engine import ImportResult, run_import
from orgwork.imports.reader import open_sheet
from tests.imports.sheets import xlsx
from tests.samples.cadres import cadre_in
from tests.samples.reserve import pool_in

from .discipline_helpers import SYSTEM, messages_of, run_findings_sheet, sheet_row

pytestmark = pytest.mark.django_db
D = datetime.date
OUT_OF_RANGE = "年份超出范围"
TOO_YOUNG = "不能早于该干部年满16周岁"


def run_xlsx(resource: Any, user: Any, rows: list[list[Any]], folder: Path) -> ImportResult:
    """A real xlsx workbook through the import engine, committed when no row has an error."""
    path = xlsx(folder / f"{resource.slug}.xlsx", rows, text_columns=range(len(rows[0])))
    return run_import(resource, user, open_sheet(str(path), path.name, resource), commit=True)


def handling_data(cadre: Any, day: str) -> dict[str, Any]:
    return {"cadre": cadre.pk, "handling_type": "admonishment", "source": "petition", "decided_on": day,
            "document_number": "", "handler": "", "facts": "", "inquiry_reply": "", "inquiry_replied_on": ""}


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_the_handling_form_refuses_a_year_no_file_holds_instead_of_failing(tree, county_a_clerk, client_for,
                                                                           day) -> None:
    cadre = cadre_in(tree["county_a"])
    response = client_for(county_a_clerk).post(reverse("admin:supervision_handlingrecord_add"),
                                               handling_data(cadre, day))
    assert response.status_code == 200 and OUT_OF_RANGE in response.content.decode()
    assert not HandlingRecord.objects.exists()


def test_the_vetting_reserve_finding_and_post_forms_refuse_year_one(tree, county_a_clerk, client_for) -> None:
    cadre = cadre_in(tree["county_a"], birth=D(1988, 1, 1))
    client = client_for(county_a_clerk)
    posts = {
        "supervision_vettingcase_add": {"cadre": cadre.pk, "proposed_post": "区财政局局长",
                                        "nominated_by": "区委组织部", "nominated_on": "0001-01-01"},
        "reserve_reservemember_add": {"pool": pool_in(tree["county_a"], quota=1).pk, "cadre": cadre.pk,
                                      "recommended_by": "城关区委", "recommended_on": "0001-01-01",
                                      "recommendation": "年轻有为"},
        "supervision_disciplinefinding_add": {"cadre": cadre.pk, "kind": "public_demerit", "decided_on": "0001-01-01",
                                              "document_number": "城监处〔2026〕3号",
                                              "deciding_organ": "兰州市城关区监察委员会", "summary": ""},
        "cadres_post_add": {"cadre": cadre.pk, "title": "城关镇副镇长", "rank": Rank.TOWNSHIP_DEPUTY,
                            "is_principal": "on", "is_current": "on", "appointed_on": "0001-01-01"},
    }
    for name, data in posts.items():
        response = client.post(reverse(f"admin:{name}"), data)
        assert response.status_code == 200 and OUT_OF_RANGE in response.content.decode(), name
    for model in (VettingCase, ReserveMember, DisciplineFinding, Post):
        assert not model.objects.filter(cadre=cadre).exists(), model


def test_a_service_refuses_a_year_one_decision_before_opening_a_look_back(tree) -> None:
    cadre = cadre_in(tree["county_a"])
    record = HandlingRecord(cadre=cadre, handling_type=HandlingType.ADMONISHMENT, source=HandlingSource.PETITION,
                            decided_on=D(1, 1, 1))
    with pytest.raises(ValidationError) as refused:
        handling_record_save(record=record, actor=SYSTEM)
    assert OUT_OF_RANGE in refused.value.message_dict["decided_on"][0]
    with pytest.raises(ValidationError) as refused:  # the write door, for a path that skips the form's checks
        handling_record_save(record=record, actor=SYSTEM, validate=False)
    assert OUT_OF_RANGE in refused.value.message_dict["decided_on"][0]
    assert not HandlingRecord.objects.exists()


def test_the_look_back_window_of_a_year_one_date_is_the_first_day_python_holds() -> None:
    assert five_years_before(D(1, 1, 1)) == datetime.date.min
    assert five_years_before(D(2024, 2, 29)) == D(2019, 2, 28)
    assert dates.add_months(D(9999, 12, 31), 6) == datetime.date.max
    assert dates.add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)


def test_a_post_taken_up_before_the_cadre_turned_sixteen_is_refused_on_the_form_and_the_sheet(
        tree, county_a_clerk, client_for, tmp_path) -> None:
    cadre = cadre_in(tree["county_a"], birth=D(1980, 7, 1))
    response = client_for(county_a_clerk).post(reverse("admin:cadres_post_add"), {
        "cadre": cadre.pk, "title": "城关镇副镇长", "rank": Rank.TOWNSHIP_DEPUTY, "is_principal": "on",
        "is_current": "on", "appointed_on": "1970.01"})
    assert response.status_code == 200 and "任职时间不能早于该干部年满16周岁（出生年月1980.07，1996年7月年满）" in (
        response.content.decode())
    result = run_xlsx(PostResource, county_a_clerk, [
        ["身份证号", "职务名称", "职务层次", "是否主职", "是否现任", "任职时间", "免职时间"],
        [cadre.id_number, "城关镇副镇长", "乡科级副职", "是", "是", "1970.01", ""]], tmp_path)
    assert not result.committed and TOO_YOUNG in messages_of(result)
    assert not Post.objects.filter(cadre=cadre).exists()


def test_a_handling_sheet_refuses_a_decision_before_the_cadre_turned_sixteen(tree, county_a_clerk,
                                                                             tmp_path) -> None:
    cadre = cadre_in(tree["county_a"], birth=D(1971, 3, 1))
    result = run_xlsx(HandlingRecordResource, county_a_clerk, [
        ["身份证号", "姓名", "处理方式", "线索来源", "决定日期", "文号", "承办人", "主要事实"],
        [cadre.id_number, cadre.name, "诫勉", "巡视", "1900-01-01", "城组通〔2026〕9号", "刘明", "违规发放津贴"]],
        tmp_path)
    assert not result.committed and f"决定日期{TOO_YOUNG}" in messages_of(result)
    assert not HandlingRecord.objects.exists()


def test_a_finding_sheet_refuses_a_demerit_before_the_cadre_turned_sixteen(tree, county_a_clerk, tmp_path) -> None:
    cadre = cadre_in(tree["county_a"], birth=D(1975, 6, 1))
    result = run_findings_sheet(county_a_clerk, [sheet_row(cadre, "记过", "1970-01-01")], tmp_path)
    assert not result.committed and f"处分决定日期{TOO_YOUNG}" in messages_of(result)
    assert not DisciplineFinding.objects.exists()


def test_a_nomination_and_a_recommendation_before_sixteen_are_refused_by_the_services(tree) -> None:
    cadre = cadre_in(tree["county_a"], birth=D(1988, 1, 1))
    with pytest.raises(ValidationError) as refused:
        vetting_open(cadre=cadre, proposed_post="区财政局局长", nominated_by="区委组织部",
                     nominated_on=D(2003, 12, 1), actor=SYSTEM)
    assert TOO_YOUNG in refused.value.message_dict["nominated_on"][0]
    member = ReserveMember(pool=pool_in(tree["county_a"], quota=1), cadre=cadre, recommended_by="城关区委",
                           recommended_on=D(2003, 12, 1), recommendation="年轻有为")
    with pytest.raises(ValidationError) as refused:
        member.full_clean()
    assert TOO_YOUNG in refused.value.message_dict["recommended_on"][0]
    member.recommended_on = D(2004, 1, 1)  # sixteen that month
    assert "recommended_on" not in _errors(member)


def _errors(instance: Any) -> dict[str, list[str]]:
    try:
        instance.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


def test_a_date_cell_of_year_9999_on_a_handling_sheet_is_refused_like_typed_text(tree, county_a_clerk,
                                                                                 tmp_path) -> None:
    cadre = cadre_in(tree["county_a"])
    path = xlsx(tmp_path / "组织处理.xlsx", [
        ["身份证号", "姓名", "处理方式", "线索来源", "决定日期", "文号", "承办人", "主要事实"],
        [cadre.id_number, cadre.name, "诫勉", "巡视", datetime.datetime(9999, 12, 31), "城组通〔2026〕9号", "刘明",
         "违规发放津贴"]], text_columns=[0])
    result = run_import(HandlingRecordResource, county_a_clerk,
                        open_sheet(str(path), path.name, HandlingRecordResource), commit=True)
    assert not result.committed and OUT_OF_RANGE in messages_of(result)
    assert not HandlingRecord.objects.exists()


def test_a_post_on_record_before_the_rule_is_still_corrected_though_taken_up_before_sixteen(tree) -> None:
    from cadres.services import cadre_posts_save, post_appoint

    cadre = cadre_in(tree["county_a"], birth=D(1980, 7, 1))
    post_appoint(post=Post(cadre=cadre, unit=tree["county_a"], title="城关镇副镇长", rank=Rank.TOWNSHIP_DEPUTY,
                           appointed_on=D(2019, 3, 1)), actor=SYSTEM)
    Post.objects.bulk_create([Post(cadre=cadre, title="城关镇团委书记", is_principal=False, is_current=False,
                                   appointed_on=D(1995, 1, 1), removed_on=D(2000, 1, 1))])  # kept from before the rule
    old = Post.objects.get(cadre=cadre, title="城关镇团委书记")
    old.appointment_document = "城团〔1995〕1号"
    cadre.refresh_from_db()
    cadre_posts_save(cadre=cadre, posts=[old], deleted=[], actor=SYSTEM)
    assert Post.objects.get(pk=old.pk).appointment_document == "城团〔1995〕1号"
    old.appointed_on = D(1995, 2, 1)  # a date written now is held to the rule
    with pytest.raises(ValidationError) as refused:
        cadre_posts_save(cadre=cadre, posts=[old], deleted=[], actor=SYSTEM)
    assert TOO_YOUNG in str(refused.value)
