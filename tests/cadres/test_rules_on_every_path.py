"""The cadre rules on every path that can carry them: the cadre page (form and its posts
and assessments tables), the 任职经历 and 年度考核 pages, the cadres, posts and
assessments sheets through the import engine, and the services as commands call them."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from cadres.models import Assessment, AssessmentGrade, Authority, Cadre, Grade, Post, Rank
from cadres.resources import AssessmentResource, CadreResource, PostResource
from cadres.services import assessment_save, cadre_save, post_appoint, post_remove
from cadres.supervision.models import HandlingRecord, HandlingSource, HandlingType, VettingResult
from cadres.supervision.services import (
    handling_record_save,
    travel_document_cancel,
    vetting_clear,
    vetting_open,
    vetting_record_check,
)
from orgwork.audit.models import AuditLog
from orgwork.common.contract import SystemActor
from orgwork.imports.engine import ImportResult, run_import
from orgwork.imports.probing import NEAR_MISS_MESSAGE
from orgwork.imports.reader import FileError, open_sheet
from orgwork.rectification.models import RectificationItem
from tests.clock import today
from tests.probing import resembling
from tests.test_versioning import form_data

SYSTEM = SystemActor("tests")
CADRES_HEAD = ["姓名", "性别", "出生年月", "身份证号", "单位", "现任职务", "职务层次", "职级", "管理权限"]
POSTS_HEAD = ["身份证号", "职务名称", "职务层次", "是否主职", "是否现任", "任职时间", "免职时间"]
ASSESSMENTS_HEAD = ["身份证号", "考核年度", "考核等次", "政治素质测评得分"]


# ---------------------------------------------------------------- helpers

@pytest.fixture(autouse=True)
def influence_rules(db: Any) -> None:
    """The rule table as the migration fills it (a flushing test elsewhere may have emptied it)."""
    from cadres.supervision.models import InfluencePeriodRule

    InfluencePeriodRule.objects.get_or_create(handling_type=HandlingType.ADMONISHMENT, defaults={"months": 6})


def run_sheet(resource: Any, user: Any, headers: list[str], rows: list[list[Any]], folder: Path) -> ImportResult:
    """A real CSV file through the import engine, committed when no row has an error."""
    path = folder / f"{resource.slug}.csv"
    path.write_text("\n".join(",".join(str(v) for v in r) for r in [headers, *rows]) + "\n", encoding="utf-8")
    return run_import(resource, user, open_sheet(str(path), path.name, resource), commit=True)


def messages_of(result: ImportResult) -> str:
    return " ".join(str(e) for e in result.errors)


def serving(make_cadre: Any, *, rank: str = Rank.TOWNSHIP_DEPUTY, grade: str = Grade.PRINCIPAL_CLERK_3,
            since: datetime.date = datetime.date(2019, 3, 1), **fields: Any) -> Cadre:
    """A serving cadre with a current principal post of ``rank``."""
    cadre = make_cadre(grade=grade, authority=Authority.COUNTY, **fields)
    post_appoint(post=Post(cadre=cadre, unit=cadre.unit, title="城关镇副镇长", rank=rank, appointed_on=since), actor=SYSTEM)
    cadre.refresh_from_db()
    return cadre


def admonish(cadre: Cadre, days_ago: int = 30) -> HandlingRecord:
    """诫勉 (six months of 影响期) decided ``days_ago`` days ago."""
    return handling_record_save(record=HandlingRecord(
        cadre=cadre, handling_type=HandlingType.ADMONISHMENT, source=HandlingSource.INSPECTION,
        decided_on=today() - datetime.timedelta(days=days_ago), document_number="城组通〔2026〕7号",
    ), actor=SYSTEM)


def cleared_vetting(cadre: Cadre, rank: str = Rank.TOWNSHIP_CHIEF) -> None:
    case = vetting_open(cadre=cadre, proposed_post="镇长", proposed_rank=rank, nominated_by="城关区委组织部",
                        nominated_on=today() - datetime.timedelta(days=10), actor=SYSTEM)
    for check in case.checks.all():
        vetting_record_check(check=check, result=VettingResult.CLEAR, checked_on=today(), handler="赵明",
                             conclusion="经核查，未发现影响提拔使用的问题。", actor=SYSTEM)
    vetting_clear(case=case, actor=SYSTEM)


def influence_sentence(record: HandlingRecord) -> str:
    return (f"该干部处于诫勉影响期内（处理决定：城组通〔2026〕7号，影响期至 {record.influence_ends_on:%Y-%m-%d}），"
            "不得提拔或晋升职级。")


def change_url(cadre: Cadre) -> str:
    return reverse("admin:cadres_cadre_change", args=[cadre.pk])


def promote_in_table(client: Any, cadre: Cadre, on: datetime.date) -> Any:
    """On the cadre page: end the current post and tick a 乡科级正职 post in the same save."""
    data = form_data(client.get(change_url(cadre)))
    old = Post.objects.get(cadre=cadre, is_current=True)
    index = next(k.split("-")[1] for k, v in data.items() if k.startswith("posts-") and k.endswith("-id")
                 and v == str(old.pk))
    data.pop(f"posts-{index}-is_current")
    data[f"posts-{index}-removed_on"] = f"{on:%Y-%m-%d}"
    new = int(data["posts-TOTAL_FORMS"])
    data.update({"posts-TOTAL_FORMS": str(new + 1), f"posts-{new}-title": "城关镇镇长", f"posts-{new}-rank": Rank.TOWNSHIP_CHIEF,
                 f"posts-{new}-is_principal": "on", f"posts-{new}-is_current": "on",
                 f"posts-{new}-appointed_on": f"{on:%Y.%m.%d}"})
    return client.post(change_url(cadre), data)


def page_text(response: Any) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- promotion and the influence period

def test_the_posts_table_on_the_cadre_page_cannot_promote_inside_an_influence_period(make_cadre, county_a_clerk,
                                                                                     client_for) -> None:
    cadre = serving(make_cadre)
    record = admonish(cadre)
    response = promote_in_table(client_for(county_a_clerk), cadre, today())
    assert response.status_code == 200
    assert influence_sentence(record) in page_text(response)
    cadre.refresh_from_db()
    assert (cadre.rank, Post.objects.filter(cadre=cadre).count()) == (Rank.TOWNSHIP_DEPUTY, 1)


def test_the_post_page_cannot_promote_inside_an_influence_period(make_cadre, county_a_clerk, client_for) -> None:
    cadre = serving(make_cadre)
    record = admonish(cadre)
    response = client_for(county_a_clerk).post(reverse("admin:cadres_post_add"), {
        "cadre": cadre.pk, "title": "城关镇镇长", "rank": Rank.TOWNSHIP_CHIEF, "is_principal": "on",
        "is_current": "on", "appointed_on": f"{today():%Y.%m.%d}",
    })
    assert response.status_code == 200, response
    assert influence_sentence(record) in page_text(response), response.context["adminform"].form.errors
    assert Post.objects.filter(cadre=cadre).count() == 1


def test_a_posts_sheet_cannot_promote_inside_an_influence_period(make_cadre, county_a_clerk, tmp_path) -> None:
    cadre = make_cadre(rank=Rank.TOWNSHIP_DEPUTY, grade=Grade.PRINCIPAL_CLERK_3)  # registered without its posts yet
    record = admonish(cadre)
    result = run_sheet(PostResource, county_a_clerk, POSTS_HEAD,
                       [[cadre.id_number, "城关镇镇长", "乡科级正职", "是", "是", f"{today():%Y-%m-%d}", ""]], tmp_path)
    assert not result.committed and influence_sentence(record) in messages_of(result)
    assert not Post.objects.filter(cadre=cadre).exists()


def test_a_command_cannot_promote_inside_an_influence_period(make_cadre) -> None:
    cadre = serving(make_cadre)
    record = admonish(cadre)
    with pytest.raises(ValidationError) as caught:
        post_appoint(post=Post(cadre=cadre, title="城关镇镇长", rank=Rank.TOWNSHIP_CHIEF, appointed_on=today()), actor=SYSTEM)
    assert influence_sentence(record) in caught.value.message_dict["rank"]


def test_a_move_at_the_same_level_is_not_a_promotion_inside_an_influence_period(make_cadre) -> None:
    cadre = serving(make_cadre)
    admonish(cadre)
    post_appoint(post=Post(cadre=cadre, title="城关镇党委副书记", rank=Rank.TOWNSHIP_DEPUTY, appointed_on=today()), actor=SYSTEM)
    cadre.refresh_from_db()
    assert cadre.current_post == "城关镇党委副书记"


def test_a_promotion_after_the_influence_period_has_run_out_needs_only_its_vetting(make_cadre) -> None:
    cadre = serving(make_cadre)
    admonish(cadre, days_ago=400)  # six months, long over
    cleared_vetting(cadre)
    post_appoint(post=Post(cadre=cadre, title="城关镇镇长", rank=Rank.TOWNSHIP_CHIEF, appointed_on=today()), actor=SYSTEM)
    cadre.refresh_from_db()
    assert (cadre.current_post, cadre.rank) == ("城关镇镇长", Rank.TOWNSHIP_CHIEF)


def test_a_promotion_from_the_start_date_needs_a_cleared_vetting_case(make_cadre, settings) -> None:
    settings.VETTING_REQUIRED_FROM = today() - datetime.timedelta(days=1)
    cadre = serving(make_cadre)
    with pytest.raises(ValidationError) as caught:
        post_appoint(post=Post(cadre=cadre, title="城关镇镇长", rank=Rank.TOWNSHIP_CHIEF, appointed_on=today()), actor=SYSTEM)
    assert "凡提四必" in " ".join(caught.value.messages)
    cleared_vetting(cadre)
    post_appoint(post=Post(cadre=cadre, title="城关镇镇长", rank=Rank.TOWNSHIP_CHIEF, appointed_on=today()), actor=SYSTEM)
    assert Post.objects.get(cadre=cadre, is_current=True).title == "城关镇镇长"


def test_an_appointment_before_the_start_date_is_history_and_needs_no_vetting(make_cadre, settings) -> None:
    settings.VETTING_REQUIRED_FROM = datetime.date(2026, 1, 1)
    cadre = serving(make_cadre, since=datetime.date(2018, 3, 1))
    post_appoint(post=Post(cadre=cadre, title="城关镇镇长", rank=Rank.TOWNSHIP_CHIEF,
                           appointed_on=datetime.date(2022, 5, 1)), actor=SYSTEM)
    assert Post.objects.get(cadre=cadre, is_current=True).rank == Rank.TOWNSHIP_CHIEF


def test_the_cadre_form_cannot_raise_the_grade_inside_an_influence_period(make_cadre, county_a_clerk,
                                                                          client_for) -> None:
    cadre = serving(make_cadre, grade=Grade.PRINCIPAL_CLERK_4)
    record = admonish(cadre)
    client = client_for(county_a_clerk)
    data = form_data(client.get(change_url(cadre)))
    data["grade"] = Grade.PRINCIPAL_CLERK_3
    response = client.post(change_url(cadre), data)
    assert response.status_code == 200
    assert influence_sentence(record) in page_text(response)
    assert Cadre.objects.get(pk=cadre.pk).grade == Grade.PRINCIPAL_CLERK_4


def test_a_cadres_sheet_cannot_raise_the_grade_inside_an_influence_period(make_cadre, county_a_clerk, tmp_path) -> None:
    cadre = serving(make_cadre, grade=Grade.PRINCIPAL_CLERK_4)
    record = admonish(cadre)
    row = [cadre.name, "男", "1975.06", cadre.id_number, cadre.unit.code, "城关镇副镇长", "乡科级副职", "三级主任科员", "县管"]
    result = run_sheet(CadreResource, county_a_clerk, CADRES_HEAD, [row], tmp_path)
    assert not result.committed and influence_sentence(record) in messages_of(result)
    assert Cadre.objects.get(pk=cadre.pk).grade == Grade.PRINCIPAL_CLERK_4


# ---------------------------------------------------------------- assessments

def test_the_assessment_page_refuses_excellent_without_a_political_score(make_cadre, county_a_clerk, client_for) -> None:
    cadre = serving(make_cadre)
    response = client_for(county_a_clerk).post(reverse("admin:cadres_assessment_add"), {
        "cadre": cadre.pk, "year": "2025", "grade": AssessmentGrade.EXCELLENT, "political_score": "",
    })
    assert response.status_code == 200 and "须填写政治素质测评得分" in page_text(response)
    assert not Assessment.objects.exists()


def test_an_assessments_sheet_refuses_excellent_without_a_political_score(make_cadre, county_a_clerk, tmp_path) -> None:
    cadre = serving(make_cadre)
    result = run_sheet(AssessmentResource, county_a_clerk, ASSESSMENTS_HEAD, [[cadre.id_number, "2025", "优秀", ""]],
                       tmp_path)
    assert not result.committed and "须填写政治素质测评得分" in messages_of(result)
    assert not Assessment.objects.exists()


def test_an_assessments_sheet_trying_a_number_of_a_cadres_masked_form_is_refused_whole(
        make_cadre, county_a_clerk, tmp_path) -> None:
    """Without the right to whole numbers, a number that finds no cadre yet masks as one of
    the clerk's cadres refuses the sheet, naming no row (``orgwork.imports.probing``)."""
    cadre = serving(make_cadre)
    rows = [[resembling(cadre.id_number), "2025", "称职", ""], [cadre.id_number, "2025", "称职", ""]]
    with pytest.raises(FileError) as refused:
        run_sheet(AssessmentResource, county_a_clerk, ASSESSMENTS_HEAD, rows, tmp_path)
    assert refused.value.message == NEAR_MISS_MESSAGE and not Assessment.objects.exists()
    assert AuditLog.objects.filter(action="view_sensitive", success=False, object_id=str(cadre.pk)).exists()


def test_an_assessments_sheet_takes_a_year_written_with_its_character(make_cadre, county_a_clerk, tmp_path) -> None:
    """考核年度 written 2025年 or 2025年度, as years are written, is the year 2025; other text is refused."""
    first, second, third = serving(make_cadre), serving(make_cadre), serving(make_cadre)
    rows = [[first.id_number, "2025年", "称职", ""], [second.id_number, "２０２４年度", "称职", ""],
            [third.id_number, "2025年上半年", "称职", ""]]
    result = run_sheet(AssessmentResource, county_a_clerk, ASSESSMENTS_HEAD, rows, tmp_path)
    assert not result.committed and [(e.row, e.message) for e in result.errors] == [(4, "「2025年上半年」不是数字。")]
    result = run_sheet(AssessmentResource, county_a_clerk, ASSESSMENTS_HEAD, rows[:2], tmp_path)
    assert result.committed
    assert sorted(Assessment.objects.values_list("year", flat=True)) == [2024, 2025]


def test_a_year_beyond_the_fields_range_is_told_that_reason_once_on_the_cadre_page(make_cadre, county_a_clerk,
                                                                                    client_for) -> None:
    """A field refused by its own check is told that reason alone, not again by the record's
    rule that the year is not to come (``Audited.full_clean``)."""
    cadre = serving(make_cadre)
    client = client_for(county_a_clerk)
    data = form_data(client.get(change_url(cadre)))
    data.update({"assessments-TOTAL_FORMS": "1", "assessments-0-year": "9999",
                 "assessments-0-grade": AssessmentGrade.COMPETENT, "assessments-0-political_score": "85"})
    response = client.post(change_url(cadre), data)
    assert response.status_code == 200
    forms = [f for inline in response.context["inline_admin_formsets"] for f in inline.formset.forms
             if f.prefix == "assessments-0"]
    assert forms and forms[0].errors["year"] == ["不能大于 2100。"]
    assert "不能晚于今年" not in page_text(response) and not Assessment.objects.exists()


def test_an_assessments_sheet_tells_a_year_beyond_the_fields_range_once(make_cadre, county_a_clerk, tmp_path) -> None:
    cadre = serving(make_cadre)
    result = run_sheet(AssessmentResource, county_a_clerk, ASSESSMENTS_HEAD, [[cadre.id_number, "9999", "称职", "85"]],
                       tmp_path)
    assert not result.committed and [e.message for e in result.errors] == ["不能大于 2100。"]


def test_the_database_refuses_excellent_below_90_even_in_bulk(make_cadre) -> None:
    cadre = serving(make_cadre)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.bulk_create([Assessment(cadre=cadre, year=2025, grade=AssessmentGrade.EXCELLENT,
                                                   political_score=Decimal("89"))])


def test_the_assessments_table_on_the_cadre_page_refuses_excellent_inside_an_influence_period(
        make_cadre, county_a_clerk, client_for) -> None:
    cadre = serving(make_cadre)
    record = admonish(cadre)
    client = client_for(county_a_clerk)
    data = form_data(client.get(change_url(cadre)))
    data.update({"assessments-TOTAL_FORMS": "1", "assessments-0-year": str(today().year),
                 "assessments-0-grade": AssessmentGrade.EXCELLENT, "assessments-0-political_score": "95"})
    response = client.post(change_url(cadre), data)
    assert response.status_code == 200
    assert f"影响期至 {record.influence_ends_on:%Y-%m-%d}），{today().year}年度不得确定为“优秀”等次" in page_text(response)
    assert not Assessment.objects.exists()


def test_an_assessments_sheet_refuses_excellent_inside_an_influence_period(make_cadre, county_a_clerk, tmp_path) -> None:
    cadre = serving(make_cadre)
    admonish(cadre)
    result = run_sheet(AssessmentResource, county_a_clerk, ASSESSMENTS_HEAD,
                       [[cadre.id_number, str(today().year), "优秀", "96"]], tmp_path)
    assert not result.committed and "不得确定为“优秀”等次" in messages_of(result)


def test_excellent_in_a_year_the_influence_period_did_not_touch_is_accepted(make_cadre) -> None:
    cadre = serving(make_cadre)
    admonish(cadre)
    assessment_save(assessment=Assessment(cadre=cadre, year=today().year - 2, grade=AssessmentGrade.EXCELLENT,
                                          political_score=Decimal("95")), actor=SYSTEM)
    assert Assessment.objects.get(cadre=cadre).grade == AssessmentGrade.EXCELLENT


def test_a_score_below_80_by_sheet_opens_exactly_one_item_even_when_imported_twice(make_cadre, county_a_clerk,
                                                                                   tmp_path) -> None:
    cadre = serving(make_cadre)
    rows = [[cadre.id_number, "2025", "称职", "78"]]
    assert run_sheet(AssessmentResource, county_a_clerk, ASSESSMENTS_HEAD, rows, tmp_path).committed
    rows[0][3] = "77"  # a corrected score: the same row, no second item
    assert run_sheet(AssessmentResource, county_a_clerk, ASSESSMENTS_HEAD, rows, tmp_path).committed
    item = RectificationItem.objects.get()
    assert item.source == "political_assessment" and "低于 80 分" in item.problem
    assert item.responsible_unit_id == cadre.unit_id


def test_a_score_below_80_on_the_assessment_page_opens_exactly_one_item(make_cadre, county_a_clerk, client_for) -> None:
    cadre = serving(make_cadre)
    client = client_for(county_a_clerk)
    response = client.post(reverse("admin:cadres_assessment_add"), {
        "cadre": cadre.pk, "year": "2025", "grade": AssessmentGrade.COMPETENT, "political_score": "75",
    })
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    client.post(reverse("admin:cadres_assessment_change", args=[assessment.pk]), {
        "cadre": cadre.pk, "year": "2025", "grade": AssessmentGrade.COMPETENT, "political_score": "74",
    })
    assert RectificationItem.objects.count() == 1


def test_basically_competent_puts_an_admonishment_or_adjustment_on_the_books(make_cadre) -> None:
    cadre = serving(make_cadre)
    assessment_save(assessment=Assessment(cadre=cadre, year=2025, grade=AssessmentGrade.BASICALLY_COMPETENT,
                                          political_score=Decimal("85")), actor=SYSTEM)
    item = RectificationItem.objects.get()
    assert item.source == "annual_assessment" and "诫勉谈话或组织调整" in item.problem


def test_an_incompetent_rating_by_sheet_opens_the_demotion_procedure(make_cadre, county_a_clerk, tmp_path) -> None:
    cadre = serving(make_cadre)
    assert run_sheet(AssessmentResource, county_a_clerk, ASSESSMENTS_HEAD, [[cadre.id_number, "2025", "不称职", "82"]],
                     tmp_path).committed
    item = RectificationItem.objects.get()
    assert "启动降职程序" in item.problem


def test_a_competent_rating_above_80_puts_nothing_on_the_books(make_cadre, county_a_clerk, tmp_path) -> None:
    cadre = serving(make_cadre)
    assert run_sheet(AssessmentResource, county_a_clerk, ASSESSMENTS_HEAD, [[cadre.id_number, "2025", "称职", "88"]],
                     tmp_path).committed
    assert not RectificationItem.objects.exists()


# ---------------------------------------------------------------- the cadre record

def test_the_cadre_page_refuses_a_serving_cadre_without_a_current_principal_post(make_cadre, county_a_clerk,
                                                                                 client_for) -> None:
    cadre = serving(make_cadre)
    client = client_for(county_a_clerk)
    data = form_data(client.get(change_url(cadre)))
    index = next(k.split("-")[1] for k, v in data.items() if k.startswith("posts-") and k.endswith("-id"))
    data.pop(f"posts-{index}-is_current")
    data[f"posts-{index}-removed_on"] = f"{today():%Y-%m-%d}"
    response = client.post(change_url(cadre), data)
    assert response.status_code == 200 and "在职干部须有一个现任主职务" in page_text(response)
    assert Post.objects.get(cadre=cadre).is_current


def test_the_post_page_cannot_end_the_only_current_principal_post_of_a_serving_cadre(make_cadre, county_a_clerk,
                                                                                     client_for) -> None:
    cadre = serving(make_cadre)
    post = Post.objects.get(cadre=cadre)
    response = client_for(county_a_clerk).post(reverse("admin:cadres_post_change", args=[post.pk]), {
        "cadre": cadre.pk, "title": post.title, "rank": post.rank, "is_principal": "on",
        "appointed_on": "2019.03", "removed_on": f"{today():%Y.%m.%d}",
    })
    assert response.status_code == 200 and "在职干部须有一个现任主职务" in page_text(response)
    assert Post.objects.get(pk=post.pk).is_current


def test_a_command_cannot_end_the_only_current_principal_post_of_a_serving_cadre(make_cadre) -> None:
    cadre = serving(make_cadre)
    with pytest.raises(ValidationError) as caught:
        post_remove(post=Post.objects.get(cadre=cadre), removed_on=today(), actor=SYSTEM)
    assert "在职干部须有一个现任主职务" in " ".join(caught.value.messages)


def test_a_posts_sheet_cannot_end_the_only_current_principal_post_of_a_serving_cadre(make_cadre, county_a_clerk,
                                                                                     tmp_path) -> None:
    cadre = serving(make_cadre)
    row = [cadre.id_number, "城关镇副镇长", "乡科级副职", "是", "否", "2019-03-01", f"{today():%Y-%m-%d}"]
    result = run_sheet(PostResource, county_a_clerk, POSTS_HEAD, [row], tmp_path)
    assert not result.committed and "在职干部须有一个现任主职务" in messages_of(result)


def test_the_current_post_on_the_form_is_shown_but_cannot_be_typed(make_cadre, county_a_clerk, client_for) -> None:
    cadre = serving(make_cadre)
    client = client_for(county_a_clerk)
    data = form_data(client.get(change_url(cadre)))
    data["current_post"] = "县委书记"
    response = client.post(change_url(cadre), data)
    assert response.status_code == 302
    assert Cadre.objects.get(pk=cadre.pk).current_post == "城关镇副镇长"


def test_a_posts_sheet_moves_the_current_post_on_the_profile(make_cadre, county_a_clerk, tmp_path) -> None:
    cadre = make_cadre(rank=Rank.TOWNSHIP_DEPUTY)  # registered without its posts yet
    row = [cadre.id_number, "城关镇组织委员", "乡科级副职", "是", "是", "2020年3月", ""]
    assert run_sheet(PostResource, county_a_clerk, POSTS_HEAD, [row], tmp_path).committed
    cadre.refresh_from_db()
    assert cadre.current_post == "城关镇组织委员"


def test_a_cadres_sheet_registers_the_current_principal_post_of_a_new_cadre(county_a_clerk, tmp_path) -> None:
    from seeds.demo.cadres import make_id_number

    number = make_id_number("620102", datetime.date(1982, 4, 9), 31)
    row = ["赵立新", "男", "1982.04", number, "620102", "城关区民政局副局长", "乡科级副职", "三级主任科员", "县管"]
    assert run_sheet(CadreResource, county_a_clerk, CADRES_HEAD, [row], tmp_path).committed
    cadre = Cadre.objects.get(id_number=number)
    post = Post.objects.get(cadre=cadre, is_current=True, is_principal=True)
    assert (post.title, post.rank, cadre.current_post) == ("城关区民政局副局长", Rank.TOWNSHIP_DEPUTY, "城关区民政局副局长")


def test_a_cadres_sheet_refuses_a_new_serving_cadre_without_a_current_post(county_a_clerk, tmp_path) -> None:
    from seeds.demo.cadres import make_id_number

    number = make_id_number("620102", datetime.date(1982, 4, 9), 31)
    row = ["赵立新", "男", "1982.04", number, "620102", "", "", "", ""]
    result = run_sheet(CadreResource, county_a_clerk, CADRES_HEAD, [row], tmp_path)
    assert not result.committed and "在职干部须填写现任职务" in messages_of(result)


def test_the_cadre_form_refuses_a_township_deputy_as_first_class_inspector(make_cadre, province_officer,
                                                                           client_for) -> None:
    cadre = serving(make_cadre)
    client = client_for(province_officer)  # the department that may give 省管 at all
    data = form_data(client.get(change_url(cadre)))
    data.update({"grade": Grade.INSPECTOR_1, "authority": Authority.PROVINCE})
    response = client.post(change_url(cadre), data)
    body = page_text(response)
    assert response.status_code == 200
    assert "不能任「一级巡视员」职级" in body and "管理权限不能是「省管」" in body


def test_a_cadres_sheet_refuses_a_township_deputy_managed_by_the_province(province_officer, tmp_path) -> None:
    from seeds.demo.cadres import make_id_number

    number = make_id_number("620102", datetime.date(1982, 4, 9), 31)
    row = ["赵立新", "男", "1982.04", number, "620102", "城关区民政局副局长", "乡科级副职", "一级巡视员", "省管"]
    result = run_sheet(CadreResource, province_officer, CADRES_HEAD, [row], tmp_path)
    assert not result.committed
    assert "不能任「一级巡视员」职级" in messages_of(result) and "管理权限不能是「省管」" in messages_of(result)


def test_the_database_refuses_a_township_deputy_as_first_class_inspector_even_written_around_the_rules(
        make_cadre) -> None:
    cadre = serving(make_cadre)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cadre.objects.filter(pk=cadre.pk).update(grade=Grade.INSPECTOR_1)


def test_a_command_cannot_save_a_mismatched_rank_grade_and_authority(make_cadre) -> None:
    cadre = serving(make_cadre)
    cadre.authority = Authority.PROVINCE
    with pytest.raises(ValidationError) as caught:
        cadre_save(cadre=cadre, actor=SYSTEM)
    assert "authority" in caught.value.message_dict


@pytest.mark.parametrize("typed", ["2021.01", "2021-01", "202101", "2021年1月"])
def test_the_post_page_reads_every_spelling_of_a_month(typed, make_cadre, county_a_clerk, client_for) -> None:
    cadre = serving(make_cadre)
    response = client_for(county_a_clerk).post(reverse("admin:cadres_post_add"), {
        "cadre": cadre.pk, "title": "城关镇人大副主席", "rank": Rank.TOWNSHIP_DEPUTY, "appointed_on": "2017.05",
        "removed_on": typed,
    })
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert Post.objects.get(title="城关镇人大副主席").removed_on == datetime.date(2021, 1, 1)


@pytest.mark.parametrize("typed", ["2021.01", "2021-01", "202101", "2021年1月"])
def test_the_posts_sheet_reads_every_spelling_of_a_month(typed, make_cadre, county_a_clerk, tmp_path) -> None:
    cadre = serving(make_cadre)
    row = [cadre.id_number, "城关镇人大副主席", "乡科级副职", "是", "否", "2017.05", typed]
    assert run_sheet(PostResource, county_a_clerk, POSTS_HEAD, [row], tmp_path).committed
    assert Post.objects.get(title="城关镇人大副主席").removed_on == datetime.date(2021, 1, 1)


# ---------------------------------------------------------------- the write contract

@pytest.mark.parametrize("nobody", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_cadre_post_and_assessment_services_refuse_a_change_without_an_actor(nobody, make_cadre) -> None:
    cadre = serving(make_cadre)
    calls = [
        lambda: cadre_save(cadre=cadre, actor=nobody),
        lambda: post_appoint(post=Post(cadre=cadre, title="城关镇镇长", rank=Rank.TOWNSHIP_DEPUTY,
                                       appointed_on=today()), actor=nobody),
        lambda: assessment_save(assessment=Assessment(cadre=cadre, year=2025, grade=AssessmentGrade.COMPETENT,
                                                      political_score=Decimal("88")), actor=nobody),
    ]
    for call in calls:
        with pytest.raises(ValidationError) as caught:
            call()
        assert caught.value.code == "no_actor"


@pytest.mark.parametrize("nobody", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_supervision_services_refuse_a_change_without_an_actor(nobody, make_cadre) -> None:
    cadre = serving(make_cadre)
    record = HandlingRecord(cadre=cadre, handling_type=HandlingType.CRITICISM, source=HandlingSource.PETITION,
                            decided_on=today())
    calls = [
        lambda: handling_record_save(record=record, actor=nobody),
        lambda: vetting_open(cadre=cadre, proposed_post="镇长", nominated_by="组织部", nominated_on=today(), actor=nobody),
    ]
    for call in calls:
        with pytest.raises(ValidationError) as caught:
            call()
        assert caught.value.code == "no_actor"
    assert not HandlingRecord.objects.exists()


def test_a_clerk_cannot_record_a_decision_on_another_countys_cadre(tree, county_b_clerk) -> None:
    from tests.samples.cadres import cadre_in

    cadre = cadre_in(tree["county_a"], name="李志强")
    with pytest.raises(ValidationError) as caught:
        handling_record_save(record=HandlingRecord(cadre=cadre, handling_type=HandlingType.CRITICISM,
                                                   source=HandlingSource.PETITION, decided_on=today()), actor=county_b_clerk)
    assert "不在您的管辖范围内" in " ".join(caught.value.messages)


def test_a_view_only_auditor_cannot_save_a_cadre(make_cadre, personas) -> None:
    cadre = serving(make_cadre)
    cadre.name = "王建国"
    with pytest.raises(ValidationError) as caught:
        cadre_save(cadre=cadre, actor=personas["view_only_auditor"])
    assert caught.value.code == "permission"


def test_a_clerk_cannot_save_a_cadre_of_another_county(make_cadre, county_b_clerk) -> None:
    cadre = serving(make_cadre)
    cadre.name = "王建国"
    with pytest.raises(ValidationError) as caught:
        cadre_save(cadre=cadre, actor=county_b_clerk)
    assert "管辖范围" in " ".join(caught.value.messages)


def test_clearing_a_vetting_case_writes_exactly_one_audit_row_naming_the_actor(make_cadre) -> None:
    cadre = serving(make_cadre)
    case = vetting_open(cadre=cadre, proposed_post="镇长", nominated_by="组织部", nominated_on=today(), actor=SYSTEM)
    for check in case.checks.all():
        vetting_record_check(check=check, result=VettingResult.CLEAR, checked_on=today(), handler="赵明",
                             conclusion="经核查，未发现影响提拔使用的问题。", actor=SYSTEM)
    before = AuditLog.objects.filter(object_id=str(case.pk), content_type__model="vettingcase").count()
    vetting_clear(case=case, actor=SYSTEM)
    rows = AuditLog.objects.filter(object_id=str(case.pk), content_type__model="vettingcase").order_by("pk")
    assert rows.count() == before + 1
    assert rows.last().actor_name == "system:tests"


def test_a_travel_document_cancel_by_a_command_is_audited_once(make_cadre) -> None:
    from cadres.supervision.models import TravelDocument, TravelDocumentType

    cadre = serving(make_cadre)
    document = TravelDocument(holder=cadre, document_type=TravelDocumentType.PASSPORT, number="E60210001",
                              deposited_on=today() - datetime.timedelta(days=30))
    document.full_clean()
    document.save()
    before = AuditLog.objects.filter(object_id=str(document.pk), content_type__model="traveldocument").count()
    travel_document_cancel(document=document, reason="持证人已退休", actor=SYSTEM)
    assert AuditLog.objects.filter(object_id=str(document.pk), content_type__model="traveldocument").count() == before + 1


# ---------------------------------------------------------------- .lrmx, commands and the data migration

def test_an_lrmx_file_imported_by_the_command_cannot_retype_the_current_post(make_cadre, county_a_clerk,
                                                                            tmp_path) -> None:
    from django.core.management import call_command

    from cadres import lrmx

    cadre = serving(make_cadre)
    content = lrmx.export_person(cadre, mask_id=False).replace("城关镇副镇长".encode(), "县委书记".encode())
    path = tmp_path / "任免审批表.lrmx"
    path.write_bytes(content)
    call_command("import_lrmx", str(path), "--user", county_a_clerk.username, "--commit", stdout=open("/dev/null", "w"))
    assert Cadre.objects.get(pk=cadre.pk).current_post == "城关镇副镇长"  # the post says so, not the file


def test_the_data_migration_makes_the_current_post_follow_the_posts(make_cadre) -> None:
    import importlib

    from django.apps import apps

    cadre = serving(make_cadre)
    retired = make_cadre(name="李退休", current_post="原城关镇镇长")
    Post.objects.create(cadre=retired, title="城关镇镇长", rank=Rank.TOWNSHIP_CHIEF, is_current=False,
                        appointed_on=datetime.date(2010, 1, 1), removed_on=datetime.date(2020, 1, 1))
    unposted = make_cadre(name="王未录", current_post="城关区科员")
    Cadre.objects.filter(pk=cadre.pk).update(current_post="随手写的职务")
    importlib.import_module("cadres.migrations.0008_current_post_follows_posts").recompute(apps, None)
    assert Cadre.objects.get(pk=cadre.pk).current_post == "城关镇副镇长"
    assert Cadre.objects.get(pk=retired.pk).current_post == ""
    assert Cadre.objects.get(pk=unposted.pk).current_post == "城关区科员"


def every_supervision_service(actor: Any) -> list[Any]:
    """Each state change of 干部监督, called with ``actor`` (the arguments matter not:
    the actor is the first thing each one checks)."""
    from cadres.supervision import services as s
    from cadres.supervision.models import (
        FileAudit,
        PersonalMattersReport,
        SpotCheck,
        SpotCheckDraw,
        TravelDocument,
        VettingCase,
        VettingCheck,
    )

    return [
        lambda: s.vetting_record_check(check=VettingCheck(), result=VettingResult.CLEAR, checked_on=today(), handler="甲",
                                       actor=actor),
        lambda: s.vetting_clear(case=VettingCase(), actor=actor),
        lambda: s.vetting_terminate(case=VettingCase(), reason="撤回提名", actor=actor),
        lambda: s.spot_check_draw(draw=SpotCheckDraw(), actor=actor),
        lambda: s.spot_check_supplement(draw=SpotCheckDraw(), reason="expansion", explanation="扩大抽查", count=1,
                                        actor=actor),
        lambda: s.spot_check_record_outcome(check=SpotCheck(), outcome="consistent", checked_on=today(), actor=actor),
        lambda: s.spot_check_resolve(check=SpotCheck(), resolved_on=today(), handling="批评教育", actor=actor),
        lambda: s.spot_check_open_rectification(check=SpotCheck(), actor=actor),
        lambda: s.file_audit_complete(audit=FileAudit(), actor=actor),
        lambda: s.file_audit_resolve(audit=FileAudit(), resolution="查无实据", resolved_on=today(), actor=actor),
        lambda: s.travel_document_lend(document=TravelDocument(), lent_on=today(), due_on=today(), purpose="探亲",
                                       approved_by="部长", actor=actor),
        lambda: s.travel_document_return(document=TravelDocument(), returned_on=today(), actor=actor),
        lambda: s.travel_document_cancel(document=TravelDocument(), reason="注销", actor=actor),
        lambda: s.personal_matters_record_view(report=PersonalMattersReport(), actor=actor),
    ]


@pytest.mark.parametrize("nobody", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_every_other_supervision_service_refuses_a_change_without_an_actor(nobody, db) -> None:
    for call in every_supervision_service(nobody):
        with pytest.raises(ValidationError) as caught:
            call()
        assert caught.value.code == "no_actor"


def test_every_other_supervision_service_refuses_a_view_only_auditor(personas) -> None:
    auditor = personas["view_only_auditor"]
    for call in every_supervision_service(auditor)[:-1]:  # viewing a report is what an auditor may do
        with pytest.raises(ValidationError) as caught:
            call()
        assert caught.value.code == "permission"


def test_the_current_principal_post_of_a_serving_cadre_cannot_be_deleted_from_its_page(make_cadre, county_a_clerk,
                                                                                      client_for) -> None:
    cadre = serving(make_cadre)
    post = Post.objects.get(cadre=cadre, is_current=True, is_principal=True)
    client = client_for(county_a_clerk)
    assert client.get(reverse("admin:cadres_post_delete", args=[post.pk])).status_code == 403
    assert client.post(reverse("admin:cadres_post_delete", args=[post.pk]), {"post": "yes"}).status_code == 403
    assert Post.objects.filter(pk=post.pk).exists()


def test_a_posts_sheet_row_breaking_a_table_check_is_refused_at_validation_under_its_column(make_cadre, county_a_clerk,
                                                                                            tmp_path) -> None:
    """The database's CHECK constraints are checked row by row at validation (the
    commit used to fail as a whole, in English, blaming a concurrent change)."""
    cadre = make_cadre(rank=Rank.TOWNSHIP_DEPUTY)
    backwards = [cadre.id_number, "城关镇组织委员", "乡科级副职", "否", "否", "2005-03-01", "2004-03-01"]
    current_but_removed = [cadre.id_number, "城关镇宣传委员", "乡科级副职", "否", "是", "2005-03-01", "2006-03-01"]
    result = run_sheet(PostResource, county_a_clerk, POSTS_HEAD, [backwards, current_but_removed], tmp_path)
    assert not result.committed
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "免职时间", "免职时间不能早于任职时间。"),
        (3, "是否现任", "已填写免职时间的职务不能是现任职务。"),
    ]


def test_an_assessment_for_next_year_is_refused_on_the_sheet_and_the_form(make_cadre, county_a_clerk, client_for,
                                                                         tmp_path) -> None:
    cadre = make_cadre()
    row = [cadre.id_number, today().year + 1, "称职", ""]
    result = run_sheet(AssessmentResource, county_a_clerk, ASSESSMENTS_HEAD, [row], tmp_path)
    assert not result.committed and f"考核年度不能晚于今年（{today().year}年）。" in messages_of(result)
    response = client_for(county_a_clerk).post(reverse("admin:cadres_assessment_add"), {
        "cadre": cadre.pk, "year": today().year + 1, "grade": "competent", "political_score": ""})
    assert response.status_code == 200 and "考核年度不能晚于今年" in response.content.decode()
    assert not cadre.assessments.exists()


def test_a_cadre_picked_by_typing_is_named_with_the_units_full_name_and_id_tail_so_namesakes_differ(make_cadre, county_a_clerk,
                                                                                    client_for) -> None:
    first, namesake = make_cadre(name="冯强"), make_cadre(name="冯强")
    response = client_for(county_a_clerk).get(reverse("admin:autocomplete"), {
        "app_label": "cadres", "model_name": "assessment", "field_name": "cadre", "term": "冯强"})
    assert response.status_code == 200
    labels = {r["id"]: r["text"] for r in response.json()["results"]}
    # The unit by its place: every county has its 城关镇, every 城关镇 its 党政办.
    assert labels[str(first.pk)] == f"冯强（{first.unit.full_name}，尾号{first.id_number[-4:]}）"
    assert labels[str(first.pk)] != labels[str(namesake.pk)]
    assert first.id_number not in str(labels)


def test_excellent_below_90_inside_an_influence_period_is_told_both_on_the_sheet_and_the_form(
        make_cadre, county_a_clerk, client_for, tmp_path) -> None:
    """Each path reported one of the two, and not the same one."""
    cadre = serving(make_cadre)
    admonish(cadre)
    result = run_sheet(AssessmentResource, county_a_clerk, ASSESSMENTS_HEAD,
                       [[cadre.id_number, str(today().year), "优秀", "85"]], tmp_path)
    text = messages_of(result)
    assert not result.committed and "低于 90 分" in text and "不得确定为“优秀”等次" in text
    response = client_for(county_a_clerk).post(reverse("admin:cadres_assessment_add"), {
        "cadre": cadre.pk, "year": today().year, "grade": AssessmentGrade.EXCELLENT, "political_score": "85"})
    page = page_text(response)
    assert response.status_code == 200 and "低于 90 分" in page and "不得确定为“优秀”等次" in page
    assert not Assessment.objects.exists()


# ---------------------------------------------------------------- 三龄

def test_a_cadres_sheet_refuses_a_fourteen_year_old_and_an_eighty_six_year_old_serving_cadre(tree, county_a_clerk,
                                                                                            tmp_path) -> None:
    from seeds.demo.cadres import make_id_number

    young = make_id_number("620102", datetime.date(2012, 3, 1), 13)
    old = make_id_number("620102", datetime.date(1940, 3, 1), 15)
    head = [*CADRES_HEAD, "参加工作时间"]
    rows = [["测试少年", "男", "2012.03", young, tree["county_a"].code, "科员", "", "一级科员", "县管", "2026.01"],
            ["测试老人", "男", "1940.03", old, tree["county_a"].code, "城关镇镇长", "乡科级正职", "一级主任科员", "县管", "1958.01"]]
    result = run_sheet(CadreResource, county_a_clerk, head, rows, tmp_path)
    assert not result.committed
    shown = messages_of(result)
    assert "参加工作时须年满16周岁" in shown and "在职干部须年满18周岁" in shown
    assert "在职干部不应超过70周岁" in shown
    assert not Cadre.objects.filter(name__in=["测试少年", "测试老人"]).exists()


def test_the_cadre_form_refuses_work_started_before_the_sixteenth_birthday(make_cadre, county_a_clerk,
                                                                          client_for) -> None:
    cadre = serving(make_cadre)
    client = client_for(county_a_clerk)
    data = form_data(client.get(change_url(cadre)))
    data["work_started_on"] = f"{cadre.birth_month.year + 15}-{cadre.birth_month.month:02d}"
    response = client.post(change_url(cadre), data)
    assert response.status_code == 200 and "参加工作时须年满16周岁" in page_text(response)
