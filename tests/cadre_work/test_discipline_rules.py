"""A 党纪政务处分 on every path that its rules reach: its 影响期 refuses a promotion and an
优秀 grade as a 组织处理's does (the service, the admin page, the sheet), and recording it
opens the 带病提拔倒查 (the service, the admin page, the sheet), once per finding."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from cadres.models import Assessment, AssessmentGrade, Authority, Cadre, Grade, Post, Rank
from cadres.resources import AssessmentResource, PostResource
from cadres.services import assessment_save, post_appoint
from cadres.selection.models import CheckStatus, LookBack
from cadres.supervision.models import DisciplineFinding, DisciplineKind, HandlingType, InfluencePeriodRule
from orgwork.codes import lookup
from orgwork.imports.engine import ImportResult, run_import
from orgwork.imports.reader import open_sheet
from seeds.reference import load_reference
from tests.clock import today
from tests.samples.cadres import cadre_in

from .discipline_helpers import SYSTEM, find, messages_of, run_findings_sheet, sheet_row
from .selection_samples import appoint, cleared_case, handle, promoted_cadre

pytestmark = pytest.mark.django_db
POSTS_HEAD = ["身份证号", "职务名称", "职务层次", "是否主职", "是否现任", "任职时间", "免职时间"]
ASSESSMENTS_HEAD = ["身份证号", "考核年度", "考核等次", "政治素质测评得分"]


@pytest.fixture(autouse=True)
def reference(db: Any) -> Iterator[None]:
    """The code sets the posts and assessments sheets read their 职务层次 and 考核等次 from."""
    lookup.cache_clear()
    load_reference()
    yield
    lookup.cache_clear()


def serving(unit: Any, name: str = "刘受处") -> Cadre:
    """A 乡科级副职 serving since 2019."""
    cadre = cadre_in(unit, name=name, grade=Grade.PRINCIPAL_CLERK_3, authority=Authority.COUNTY)
    post_appoint(post=Post(cadre=cadre, unit=unit, title="城关镇副镇长", rank=Rank.TOWNSHIP_DEPUTY,
                           appointed_on=datetime.date(2019, 3, 1)), actor=SYSTEM)
    cadre.refresh_from_db()
    return cadre


def demerit(cadre: Cadre, days_ago: int = 30) -> DisciplineFinding:
    """记过 (twelve months) decided ``days_ago`` days ago."""
    return find(cadre, today() - datetime.timedelta(days=days_ago), DisciplineKind.PUBLIC_DEMERIT,
                number="城监处〔2026〕7号")


def refusal(finding: DisciplineFinding, what: str = "不得提拔或晋升职级") -> str:
    return (f"该干部处于{finding.get_kind_display()}处分影响期内（处分决定：{finding.document_number}，"
            f"影响期至 {finding.influence_ends_on:%Y-%m-%d}），{what}。")


def run_sheet(resource: Any, user: Any, head: list[str], rows: list[list[str]], folder: Path) -> ImportResult:
    path = folder / f"{resource.slug}.csv"
    path.write_text("\n".join(",".join(r) for r in [head, *rows]) + "\n", encoding="utf-8")
    return run_import(resource, user, open_sheet(str(path), path.name, resource), commit=True)


# ---------------------------------------------------------------- promotion inside the 影响期

def test_a_command_cannot_promote_inside_a_finding_period(tree) -> None:
    cadre = serving(tree["county_a"])
    finding = demerit(cadre)
    with pytest.raises(ValidationError) as refused:
        post_appoint(post=Post(cadre=cadre, title="城关镇镇长", rank=Rank.TOWNSHIP_CHIEF, appointed_on=today()), actor=SYSTEM)
    assert refusal(finding) in refused.value.message_dict["rank"]


def test_the_post_page_cannot_promote_inside_a_finding_period(tree, county_a_clerk, client_for) -> None:
    cadre = serving(tree["county_a"])
    finding = demerit(cadre)
    response = client_for(county_a_clerk).post(reverse("admin:cadres_post_add"), {
        "cadre": cadre.pk, "title": "城关镇镇长", "rank": Rank.TOWNSHIP_CHIEF, "is_principal": "on",
        "is_current": "on", "appointed_on": f"{today():%Y.%m.%d}"})
    assert response.status_code == 200 and refusal(finding) in response.content.decode()
    assert Post.objects.filter(cadre=cadre).count() == 1


def test_a_posts_sheet_cannot_promote_inside_a_finding_period(tree, county_a_clerk, tmp_path) -> None:
    cadre = cadre_in(tree["county_a"], rank=Rank.TOWNSHIP_DEPUTY, grade=Grade.PRINCIPAL_CLERK_3)
    finding = demerit(cadre)
    result = run_sheet(PostResource, county_a_clerk, POSTS_HEAD,
                       [[cadre.id_number, "城关镇镇长", "乡科级正职", "是", "是", f"{today():%Y-%m-%d}", ""]], tmp_path)
    assert not result.committed and refusal(finding) in messages_of(result)
    assert not Post.objects.filter(cadre=cadre).exists()


def test_an_expulsion_refuses_a_promotion_for_good(tree) -> None:
    cadre = serving(tree["county_a"])
    find(cadre, datetime.date(2016, 4, 1), DisciplineKind.PARTY_EXPULSION, number="城纪处〔2016〕3号")
    with pytest.raises(ValidationError) as refused:
        post_appoint(post=Post(cadre=cadre, title="城关镇镇长", rank=Rank.TOWNSHIP_CHIEF, appointed_on=today()), actor=SYSTEM)
    assert "该干部受到开除党籍处分（处分决定：城纪处〔2016〕3号），不得提拔或晋升职级。" in refused.value.messages


def test_a_promotion_after_the_finding_period_has_run_out_is_accepted(tree) -> None:
    cadre = serving(tree["county_a"])
    find(cadre, datetime.date(2024, 1, 10), DisciplineKind.PUBLIC_WARNING)  # six months, long over
    post_appoint(post=Post(cadre=cadre, title="城关镇镇长", rank=Rank.TOWNSHIP_CHIEF,
                           appointed_on=datetime.date(2025, 5, 1)), actor=SYSTEM)
    assert Post.objects.get(cadre=cadre, is_current=True).rank == Rank.TOWNSHIP_CHIEF


def test_the_refusal_names_the_period_that_ends_last_of_a_handling_and_a_finding(tree) -> None:
    InfluencePeriodRule.objects.get_or_create(handling_type=HandlingType.ADMONISHMENT, defaults={"months": 6})
    InfluencePeriodRule.objects.get_or_create(handling_type=HandlingType.DEMOTION, defaults={"months": 24})
    cadre = serving(tree["county_a"])
    handle(cadre, today() - datetime.timedelta(days=30))  # 诫勉: six months
    finding = demerit(cadre, days_ago=20)  # 记过: twelve months, ends later
    with pytest.raises(ValidationError) as refused:
        post_appoint(post=Post(cadre=cadre, title="城关镇镇长", rank=Rank.TOWNSHIP_CHIEF, appointed_on=today()), actor=SYSTEM)
    assert refused.value.message_dict["rank"][0] == refusal(finding)
    demotion = handle(cadre, today() - datetime.timedelta(days=10), HandlingType.DEMOTION)  # two years, ends last
    with pytest.raises(ValidationError) as refused:
        post_appoint(post=Post(cadre=cadre, title="城关镇镇长", rank=Rank.TOWNSHIP_CHIEF, appointed_on=today()), actor=SYSTEM)
    assert refused.value.message_dict["rank"][0].startswith(
        f"该干部处于降职影响期内（处理决定：{demotion.decided_on:%Y-%m-%d}降职，影响期至 {demotion.influence_ends_on:%Y-%m-%d}）")


# ---------------------------------------------------------------- 优秀 inside the 影响期

def test_a_command_cannot_rate_excellent_inside_a_finding_period(tree) -> None:
    cadre = serving(tree["county_a"])
    finding = demerit(cadre)
    with pytest.raises(ValidationError) as refused:
        assessment_save(assessment=Assessment(cadre=cadre, year=today().year, grade=AssessmentGrade.EXCELLENT,
                                              political_score=Decimal("95")), actor=SYSTEM)
    assert refused.value.message_dict["grade"] == [refusal(finding, f"{today().year}年度不得确定为“优秀”等次")]
    assert not Assessment.objects.exists()


def test_the_assessment_page_cannot_rate_excellent_inside_a_finding_period(tree, county_a_clerk, client_for) -> None:
    cadre = serving(tree["county_a"])
    finding = demerit(cadre)
    response = client_for(county_a_clerk).post(reverse("admin:cadres_assessment_add"), {
        "cadre": cadre.pk, "year": str(today().year), "grade": AssessmentGrade.EXCELLENT, "political_score": "95"})
    assert response.status_code == 200
    assert refusal(finding, f"{today().year}年度不得确定为“优秀”等次") in response.content.decode()
    assert not Assessment.objects.exists()


def test_an_assessments_sheet_cannot_rate_excellent_inside_a_finding_period(tree, county_a_clerk, tmp_path) -> None:
    cadre = serving(tree["county_a"])
    finding = demerit(cadre)
    result = run_sheet(AssessmentResource, county_a_clerk, ASSESSMENTS_HEAD,
                       [[cadre.id_number, str(today().year), "优秀", "96"]], tmp_path)
    assert not result.committed and not Assessment.objects.exists()
    assert refusal(finding, f"{today().year}年度不得确定为“优秀”等次") in messages_of(result)


def test_excellent_in_a_year_the_finding_period_did_not_touch_is_accepted(tree) -> None:
    cadre = serving(tree["county_a"])
    demerit(cadre)
    assessment_save(assessment=Assessment(cadre=cadre, year=today().year - 2, grade=AssessmentGrade.EXCELLENT,
                                          political_score=Decimal("95")), actor=SYSTEM)
    assert Assessment.objects.get(cadre=cadre).grade == AssessmentGrade.EXCELLENT


# ---------------------------------------------------------------- the 带病提拔倒查

def test_a_finding_opens_a_look_back_with_each_promotion_its_vetting_case_and_signer(tree, county_a_clerk) -> None:
    cadre = cadre_in(tree["county_a"], name="吴带病")
    appoint(cadre, tree["county_a"], "城关区某局科员", Rank.TOWNSHIP_DEPUTY, datetime.date(2018, 1, 1))
    case = cleared_case(cadre, datetime.date(2024, 9, 1), county_a_clerk)
    appoint(cadre, tree["county_a"], "城关区某局局长", Rank.TOWNSHIP_CHIEF, datetime.date(2025, 1, 10))
    finding = find(cadre, datetime.date(2026, 6, 1), DisciplineKind.PARTY_SERIOUS_WARNING, actor=county_a_clerk)
    look_back = LookBack.objects.get(discipline_finding=finding)
    assert (look_back.handling_record, look_back.status) == (None, CheckStatus.CHECKING)
    assert look_back.window_start == datetime.date(2021, 6, 1)
    row = look_back.promotions.get()
    assert (row.title, row.vetting_case, row.signed_by) == ("城关区某局局长", case, "county_a_clerk")
    assert look_back.source == finding and look_back.source_label == "党纪处分：党内严重警告（2026-06-01）"


def test_a_finding_for_a_cadre_not_promoted_in_five_years_opens_no_look_back(tree) -> None:
    cadre = promoted_cadre(tree["county_a"], promoted_on=datetime.date(2020, 3, 1), first_on=datetime.date(2015, 1, 1))
    find(cadre, datetime.date(2026, 6, 1))
    assert not LookBack.objects.exists()


def test_correcting_the_finding_opens_no_second_look_back(tree) -> None:
    from cadres.supervision.services import discipline_finding_save

    finding = find(promoted_cadre(tree["county_a"]), datetime.date(2026, 6, 1))
    finding.summary = "补充事实"
    discipline_finding_save(finding=finding, actor=SYSTEM)
    assert LookBack.objects.count() == 1


def test_a_handling_record_and_a_finding_each_open_their_own_look_back(tree) -> None:
    InfluencePeriodRule.objects.get_or_create(handling_type=HandlingType.ADMONISHMENT, defaults={"months": 6})
    cadre = promoted_cadre(tree["county_a"])
    record = handle(cadre, datetime.date(2026, 5, 1))
    finding = find(cadre, datetime.date(2026, 6, 1))
    assert set(LookBack.objects.values_list("handling_record", "discipline_finding")) == {(record.pk, None),
                                                                                         (None, finding.pk)}


def test_the_finding_page_opens_the_look_back(tree, county_a_clerk, client_for) -> None:
    cadre = promoted_cadre(tree["county_a"])
    response = client_for(county_a_clerk).post(reverse("admin:supervision_disciplinefinding_add"), {
        "cadre": cadre.pk, "kind": DisciplineKind.PUBLIC_DEMERIT, "decided_on": "2026-06-01",
        "document_number": "城监处〔2026〕3号", "deciding_organ": "兰州市城关区监察委员会", "summary": ""})
    assert response.status_code == 302, response.content.decode()[:3000]
    look_back = LookBack.objects.get()
    assert look_back.discipline_finding == DisciplineFinding.objects.get(cadre=cadre)
    assert look_back.promotions.get().title == "城关区主任"


def test_a_findings_sheet_opens_the_look_back_for_each_new_finding_once(tree, county_a_clerk, tmp_path) -> None:
    cadre = promoted_cadre(tree["county_a"])
    result = run_findings_sheet(county_a_clerk, [sheet_row(cadre, "记过", "2026-06-01")], tmp_path)
    assert result.committed, result.errors
    look_back = LookBack.objects.get()
    assert look_back.cadre == cadre and look_back.discipline_finding.kind == DisciplineKind.PUBLIC_DEMERIT
    # The same sheet again changes nothing and opens nothing.
    result = run_findings_sheet(county_a_clerk, [sheet_row(cadre, "记过", "2026-06-01")], tmp_path)
    assert result.committed and LookBack.objects.count() == 1


def test_the_look_back_page_names_and_links_the_finding_that_opened_it(tree, county_a_clerk, client_for) -> None:
    finding = find(promoted_cadre(tree["county_a"]), datetime.date(2026, 6, 1), DisciplineKind.PUBLIC_DEMERIT)
    look_back = LookBack.objects.get()
    client = client_for(county_a_clerk)
    page = client.get(reverse("admin:selection_lookback_change", args=[look_back.pk])).content.decode()
    assert "政务处分：记过（2026-06-01）" in page
    assert reverse("admin:supervision_disciplinefinding_change", args=[finding.pk]) in page
    changelist = reverse("admin:selection_lookback_changelist")
    assert list(client.get(changelist, {"cause": "discipline"}).context["cl"].result_list) == [look_back]
    assert not client.get(changelist, {"cause": "handling"}).context["cl"].result_list
    worklist = client.get(reverse("admin:worklist", args=["selection_look_backs_open"]))
    assert [row["cells"][2:4] for row in worklist.context["table"]] == [["政务处分：记过（2026-06-01）",
                                                                         datetime.date(2026, 6, 1)]]


def test_the_database_refuses_a_look_back_opened_by_both_or_by_neither(tree) -> None:
    InfluencePeriodRule.objects.get_or_create(handling_type=HandlingType.ADMONISHMENT, defaults={"months": 6})
    cadre = promoted_cadre(tree["county_a"])
    record = handle(cadre, datetime.date(2026, 5, 1))
    finding = find(cadre, datetime.date(2026, 6, 1))
    look_back = LookBack.objects.get(handling_record=record)
    with pytest.raises(IntegrityError), transaction.atomic():
        LookBack.objects.filter(pk=look_back.pk).update(discipline_finding=None, handling_record=None)
    LookBack.objects.filter(discipline_finding=finding).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        LookBack.objects.filter(pk=look_back.pk).update(discipline_finding=finding)
