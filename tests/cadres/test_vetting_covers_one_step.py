"""One cleared 凡提四必 case answers for the step it vetted — its 拟任职务层次 (a case recorded
without one: its 拟任职务, by name) — and for one promotion only: on the 任职经历 service, the
cadre page, the vetting page, the profile's 职级, the cadres sheet and the posts sheet
(real xlsx workbooks through the import engine)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.models import Authority, Cadre, Grade, Post, Rank
from cadres.resources import PostResource
from cadres.selection.selectors import promotions_of
from cadres.services import cadre_save, post_appoint
from cadres.supervision.models import VettingCase, VettingResult
from cadres.supervision.services import vetting_clear, vetting_open, vetting_record_check
from orgwork.common.contract import SystemActor
from orgwork.imports.engine import run_import
from orgwork.imports.reader import open_sheet
from tests.clock import today
from tests.imports.sheets import xlsx
from tests.test_versioning import form_data

from .test_sheet_post_changes import cadres_sheet, row_for

SYSTEM = SystemActor("tests")


@pytest.fixture(autouse=True)
def vetting_from_yesterday(settings: Any) -> None:
    settings.VETTING_REQUIRED_FROM = today() - datetime.timedelta(days=1)


def town_head(make_cadre: Any) -> Cadre:
    """A 乡科级正职 (一级主任科员, 市管) since 2023-06-01."""
    cadre = make_cadre(name="李秀英", grade=Grade.PRINCIPAL_CLERK_1, authority=Authority.CITY)
    post_appoint(post=Post(cadre=cadre, unit=cadre.unit, title="城关镇镇长", rank=Rank.TOWNSHIP_CHIEF,
                           appointed_on=datetime.date(2023, 6, 1)), actor=SYSTEM)
    cadre.refresh_from_db()
    return cadre


def cleared(cadre: Cadre, post: str, rank: str = "", days_ago: int = 10) -> VettingCase:
    case = vetting_open(cadre=cadre, proposed_post=post, proposed_rank=rank, nominated_by="城关区委组织部",
                        nominated_on=today() - datetime.timedelta(days=days_ago), actor=SYSTEM)
    for check in case.checks.all():
        vetting_record_check(check=check, result=VettingResult.CLEAR, checked_on=today(), handler="赵明",
                             conclusion="经核查，未发现影响提拔使用的问题。", actor=SYSTEM)
    return vetting_clear(case=case, actor=SYSTEM)


def appoint(cadre: Cadre, title: str, rank: str) -> Post:
    return post_appoint(post=Post(cadre=cadre, unit=cadre.unit, title=title, rank=rank, appointed_on=today()),
                        actor=SYSTEM)


def refusal(call: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    return " ".join(caught.value.messages)


def test_a_case_cleared_for_a_township_post_does_not_answer_for_a_county_level_promotion(make_cadre) -> None:
    cadre = town_head(make_cadre)
    cleared(cadre, "城关镇党委书记", Rank.TOWNSHIP_CHIEF)
    shown = refusal(lambda: appoint(cadre, "城关区副区长", Rank.COUNTY_DEPUTY))
    assert "是为拟任「城关镇党委书记」（乡科级正职）进行的" in shown and "县处级副职「城关区副区长」" in shown
    assert Post.objects.get(cadre=cadre).title == "城关镇镇长" and promotions_of(cadre.pk) == []


def test_a_case_answers_for_its_own_step_but_not_for_the_next_one(make_cadre) -> None:
    cadre = town_head(make_cadre)
    cleared(cadre, "城关区副区长", Rank.COUNTY_DEPUTY)
    deputy = appoint(cadre, "城关区副区长", Rank.COUNTY_DEPUTY)
    assert [p.pk for p in promotions_of(cadre.pk)] == [deputy.pk]
    shown = refusal(lambda: appoint(cadre, "城关区区长", Rank.COUNTY_CHIEF))
    assert "是为拟任「城关区副区长」（县处级副职）进行的" in shown
    assert Post.objects.get(cadre=cadre, is_current=True).pk == deputy.pk


def test_a_case_spent_on_a_promotion_does_not_answer_for_a_higher_grade_as_well(make_cadre) -> None:
    cadre = town_head(make_cadre)
    cleared(cadre, "城关区副区长", Rank.COUNTY_DEPUTY)
    appoint(cadre, "城关区副区长", Rank.COUNTY_DEPUTY)
    cadre = Cadre.objects.get(pk=cadre.pk)
    cadre.grade = Grade.RESEARCHER_4
    shown = refusal(lambda: cadre_save(cadre=cadre, actor=SYSTEM))
    assert "已用于提拔为「城关区副区长」" in shown and "一次审查只用于一次提拔" in shown
    assert Cadre.objects.get(pk=cadre.pk).grade == Grade.PRINCIPAL_CLERK_1


def test_correcting_the_promotion_it_answered_for_is_not_a_second_use(make_cadre) -> None:
    cadre = town_head(make_cadre)
    cleared(cadre, "城关区副区长", Rank.COUNTY_DEPUTY)
    post = appoint(cadre, "城关区副区长", Rank.COUNTY_DEPUTY)
    post.appointment_document = "城委发〔2026〕12号"
    post_appoint(post=post, actor=SYSTEM)
    assert Post.objects.get(pk=post.pk).appointment_document == "城委发〔2026〕12号"


def test_a_case_recorded_without_a_rank_answers_only_for_the_post_it_names(make_cadre) -> None:
    cadre = town_head(make_cadre)
    cleared(cadre, "城关区副区长")
    shown = refusal(lambda: appoint(cadre, "城关区区长", Rank.COUNTY_CHIEF))
    assert "（未登记拟任职务层次）" in shown
    assert appoint(cadre, "城关区副区长", Rank.COUNTY_DEPUTY).is_current


def test_the_vetting_page_asks_for_the_rank_a_new_case_vets(make_cadre, county_a_clerk, client_for) -> None:
    cadre = town_head(make_cadre)
    response = client_for(county_a_clerk).post(reverse("admin:supervision_vettingcase_add"), {
        "cadre": cadre.pk, "proposed_post": "城关区副区长", "proposed_rank": "", "nominated_by": "区委组织部",
        "nominated_on": f"{today():%Y-%m-%d}"})
    assert response.status_code == 200 and not VettingCase.objects.exists()
    assert "proposed_rank" in response.context["adminform"].form.errors


def test_a_cleared_case_shows_what_it_vetted_without_letting_it_be_changed(make_cadre, county_a_clerk,
                                                                          client_for) -> None:
    case = cleared(town_head(make_cadre), "城关区副区长", Rank.COUNTY_DEPUTY)
    response = client_for(county_a_clerk).get(reverse("admin:supervision_vettingcase_change", args=[case.pk]))
    form = response.context["adminform"].form
    assert "proposed_rank" not in form.fields and "proposed_post" not in form.fields
    assert "县处级副职" in response.content.decode()


def test_the_cadre_page_refuses_a_promotion_the_case_did_not_vet(make_cadre, county_a_clerk, client_for) -> None:
    cadre = town_head(make_cadre)
    cleared(cadre, "城关镇党委书记", Rank.TOWNSHIP_CHIEF)
    url = reverse("admin:cadres_cadre_change", args=[cadre.pk])
    client = client_for(county_a_clerk)
    data = form_data(client.get(url))
    new = int(data["posts-TOTAL_FORMS"])
    data.update({"posts-TOTAL_FORMS": str(new + 1), f"posts-{new}-title": "城关区副区长",
                 f"posts-{new}-rank": Rank.COUNTY_DEPUTY, f"posts-{new}-is_principal": "on",
                 f"posts-{new}-is_current": "on", f"posts-{new}-appointed_on": f"{today():%Y.%m.%d}"})
    response = client.post(url, data)
    assert response.status_code == 200 and "是为拟任「城关镇党委书记」" in response.content.decode()
    assert Post.objects.filter(cadre=cadre).count() == 1


def test_a_cadres_sheet_cannot_raise_the_grade_on_a_case_spent_on_the_promotion(make_cadre, county_a_clerk,
                                                                                tmp_path) -> None:
    cadre = town_head(make_cadre)
    cleared(cadre, "城关区副区长", Rank.COUNTY_DEPUTY)
    appoint(cadre, "城关区副区长", Rank.COUNTY_DEPUTY)
    result = cadres_sheet(county_a_clerk, [row_for(cadre, "城关区副区长", "县处级副职", "四级调研员", "市管")], tmp_path)
    assert not result.committed
    assert "已用于提拔为「城关区副区长」" in " ".join(str(e) for e in result.errors)
    assert Cadre.objects.get(pk=cadre.pk).grade == Grade.PRINCIPAL_CLERK_1


def test_a_posts_sheet_cannot_promote_on_a_case_cleared_for_another_rank(make_cadre, city_officer,
                                                                         tmp_path) -> None:
    cadre = make_cadre(name="李秀英", rank=Rank.TOWNSHIP_CHIEF, grade=Grade.PRINCIPAL_CLERK_1,
                       authority=Authority.CITY)  # registered without its posts yet
    cleared(cadre, "城关镇党委书记", Rank.TOWNSHIP_CHIEF)
    path = xlsx(tmp_path / "任职经历.xlsx", [
        ["身份证号", "职务名称", "职务层次", "是否主职", "是否现任", "任职时间", "免职时间"],
        [cadre.id_number, "城关区副区长", "县处级副职", "是", "是", f"{today():%Y-%m-%d}", ""],
    ], text_columns=[0])
    # The city records 县处级 posts (a county's clerk is refused before the 凡提四必 rule is asked).
    result = run_import(PostResource, city_officer, open_sheet(str(path), path.name, PostResource), commit=True)
    assert not result.committed
    assert "是为拟任「城关镇党委书记」（乡科级正职）进行的" in " ".join(str(e) for e in result.errors)
    assert not Post.objects.filter(cadre=cadre).exists()


def test_a_promotion_pays_with_one_case_and_leaves_a_second_case_for_the_same_step_free(make_cadre) -> None:
    cadre = town_head(make_cadre)
    first = cleared(cadre, "城关区副区长", Rank.COUNTY_DEPUTY, days_ago=20)
    second = cleared(cadre, "城关区副区长", Rank.COUNTY_DEPUTY, days_ago=10)
    appoint(cadre, "城关区副区长", Rank.COUNTY_DEPUTY)
    cadre = Cadre.objects.get(pk=cadre.pk)
    cadre.grade = Grade.RESEARCHER_4  # a 职级 raise in the new post: the second case pays for it
    cadre_save(cadre=cadre, actor=SYSTEM)
    assert Cadre.objects.get(pk=cadre.pk).grade == Grade.RESEARCHER_4
    assert VettingCase.objects.get(pk=second.pk).used_for == "晋升职级为「四级调研员」"
    assert VettingCase.objects.get(pk=first.pk).used_on is None  # it paid for the promotion, read from 任职经历


def test_a_case_nominated_more_than_a_year_before_a_promotion_did_not_pay_for_it(make_cadre) -> None:
    from cadres.rules import promotions_paid

    cadre = town_head(make_cadre)
    old = cleared(cadre, "城关区副区长", Rank.COUNTY_DEPUTY, days_ago=400)
    recent = cleared(cadre, "城关区副区长", Rank.COUNTY_DEPUTY, days_ago=10)
    post = appoint(cadre, "城关区副区长", Rank.COUNTY_DEPUTY)
    cases = list(VettingCase.objects.filter(pk__in=[old.pk, recent.pk]))
    assert promotions_paid(cadre.pk, cases, until=today()) == {recent.pk: Post.objects.get(pk=post.pk)}


def test_a_refused_third_step_names_what_each_case_already_paid_for(make_cadre) -> None:
    cadre = town_head(make_cadre)
    cleared(cadre, "城关区副区长", Rank.COUNTY_DEPUTY, days_ago=20)
    cleared(cadre, "城关区副区长", Rank.COUNTY_DEPUTY, days_ago=10)
    appoint(cadre, "城关区副区长", Rank.COUNTY_DEPUTY)
    cadre = Cadre.objects.get(pk=cadre.pk)
    cadre.grade = Grade.RESEARCHER_4
    cadre = cadre_save(cadre=cadre, actor=SYSTEM)
    cadre.grade = Grade.RESEARCHER_3
    shown = refusal(lambda: cadre_save(cadre=cadre, actor=SYSTEM))
    assert "该干部通过的2份凡提四必审查均已使用" in shown
    assert "已用于提拔为「城关区副区长」" in shown and "已用于晋升职级为「四级调研员」" in shown
