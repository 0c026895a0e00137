"""补充抽取: a recorded, reproducible second draw that belongs to the year's draw — from the
cadres not yet drawn, replacing those who cannot be verified (kept in the record, marked
无法核查) or expanding the sample at a higher level's order (文号) — on the service, on the
draw's page, in the lists; and the year's draw is still made once."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from cadres.supervision import sampling
from cadres.supervision.models import (
    SpotCheck,
    SpotCheckDraw,
    SpotCheckOutcome,
    SpotCheckSelection,
    SupplementaryDraw,
    SupplementReason,
    UnverifiableReason,
)
from cadres.supervision.services import (
    spot_check_draw,
    spot_check_record_outcome,
    spot_check_supplement,
    spot_check_supplement_redraw,
    supplement_population,
    vetting_open,
)
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.imports.registry import all_resources
from tests.samples.cadres import cadre_in
from tests.samples.supervision import report_for

from .helpers import SYSTEM

UNVERIFIABLE = SupplementReason.UNVERIFIABLE
EXPANSION = SupplementReason.EXPANSION
DAY = datetime.date(2026, 4, 1)


@pytest.fixture
def reporting(tree: dict[str, Any]) -> list[Any]:
    """Twenty cadres of county A with a 2025 report; one more in county B."""
    cadres = [cadre_in(tree["county_a"], name=f"县干部{i}") for i in range(20)]
    for cadre in cadres:
        report_for(cadre, year=2025)
    report_for(cadre_in(tree["county_b"], name="七里河干部"), year=2025)
    return cadres


@pytest.fixture
def draw(tree: dict[str, Any], reporting: list[Any], county_a_clerk: Any) -> SpotCheckDraw:
    return spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=4, seed=11),
                           actor=county_a_clerk)


def random_checks(draw: SpotCheckDraw) -> list[SpotCheck]:
    return list(draw.checks.filter(selection=SpotCheckSelection.RANDOM, supplement__isnull=True).order_by("cadre_id"))


def replace_one(draw: SpotCheckDraw, actor: Any, **extra: Any) -> SupplementaryDraw:
    first = random_checks(draw)[0]
    return spot_check_supplement(draw=draw, reason=UNVERIFIABLE, explanation="该同志已于2026年2月退休。",
                                 replaced={first.pk: UnverifiableReason.RETIRED}, actor=actor, **extra)


def expand(draw: SpotCheckDraw, actor: Any, **extra: Any) -> SupplementaryDraw:
    fields = {"count": 2, "ordered_by": "中共兰州市委组织部", "order_document": "兰组通〔2026〕8号", **extra}
    return spot_check_supplement(draw=draw, reason=EXPANSION, explanation="按上级通知扩大抽查比例。", actor=actor,
                                 **fields)


# ---------------------------------------------------------------- the service


def test_a_replaced_cadre_stays_in_the_record_marked_unverifiable_with_the_reason(draw, county_a_clerk) -> None:
    first = random_checks(draw)[0]
    supplement = replace_one(draw, county_a_clerk)
    first.refresh_from_db()
    assert (first.outcome, first.unverifiable_reason, first.replaced_in) == (
        SpotCheckOutcome.UNVERIFIABLE, UnverifiableReason.RETIRED, supplement)
    assert first.get_outcome_display() == "无法核查" and first.supplement is None
    assert draw.checks.count() == 5  # four drawn first, one drawn in their stead, none deleted
    (new,) = supplement.checks.all()
    assert (new.selection, new.outcome, new.round_label) == (SpotCheckSelection.RANDOM, SpotCheckOutcome.PENDING,
                                                             "第1次补充抽取")
    assert new.report is not None and new.report.year == 2025


def test_a_supplementary_draw_records_its_seed_drawer_time_count_and_population(draw, county_a_clerk) -> None:
    supplement = replace_one(draw, county_a_clerk, seed=77)
    assert (supplement.draw, supplement.sequence, supplement.seed, supplement.count) == (draw, 1, 77, 1)
    assert supplement.drawn_by == county_a_clerk and supplement.drawn_at is not None
    assert supplement.reason == UNVERIFIABLE and supplement.explanation == "该同志已于2026年2月退休。"
    assert supplement.population_size == 16
    assert supplement.population_hash == sampling.population_hash(supplement.population)
    assert spot_check_supplement_redraw(supplement) == sorted(supplement.checks.values_list("cadre_id", flat=True))


def test_a_supplementary_draw_draws_only_cadres_not_yet_drawn(tree, reporting, draw, county_a_clerk) -> None:
    drawn_first = set(draw.checks.values_list("cadre_id", flat=True))
    first = replace_one(draw, county_a_clerk)
    assert not {c for c, _ in first.population} & drawn_first
    second = expand(draw, county_a_clerk, count=15)
    assert not {c for c, _ in second.population} & (drawn_first | set(first.checks.values_list("cadre_id", flat=True)))
    assert second.population_size == 15  # 20 reported, 4 drawn, 1 drawn in the first supplement
    assert set(draw.checks.values_list("cadre_id", flat=True)) == {c.pk for c in reporting}
    assert supplement_population(draw) == []


def test_a_nominee_checked_as_targeted_is_never_drawn_again(tree, reporting, county_a_clerk) -> None:
    nominee = reporting[0]
    vetting_open(cadre=nominee, proposed_post="副局长", nominated_by="县委组织部", nominated_on=DAY,
                 actor=county_a_clerk)
    draw = spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=2, seed=3),
                           actor=county_a_clerk)
    assert draw.checks.filter(cadre=nominee, selection=SpotCheckSelection.TARGETED).exists()
    supplement = expand(draw, county_a_clerk, count=17)
    assert nominee.pk not in [c for c, _ in supplement.population]
    assert draw.checks.filter(cadre=nominee).count() == 1


def test_the_same_seed_reproduces_the_same_supplementary_sample(draw, county_a_clerk) -> None:
    samples = []
    for _ in range(2):
        with transaction.atomic():
            supplement = expand(draw, county_a_clerk, count=3, seed=20260405)
            samples.append(sorted(supplement.checks.values_list("cadre_id", flat=True)))
            transaction.set_rollback(True)
    assert samples[0] == samples[1] and len(samples[0]) == 3
    supplement = expand(draw, county_a_clerk, count=3, seed=20260405)
    recorded = sorted(supplement.checks.values_list("cadre_id", flat=True))
    assert recorded == samples[0]
    assert sampling.draw(supplement.population, seed=20260405, total=3, stratified=False) == recorded
    other = sampling.draw(supplement.population, seed=20260406, total=3, stratified=False)
    assert other != recorded  # the seed, not chance, makes the sample


def test_the_year_is_still_drawn_once_after_a_supplementary_draw(tree, draw, county_a_clerk) -> None:
    replace_one(draw, county_a_clerk)
    with pytest.raises(ValidationError, match="只能抽取一次.*请在该次抽查的页面办理「补充抽取」"):
        spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=1, seed=2),
                        actor=county_a_clerk)
    assert SpotCheckDraw.objects.count() == 1
    assert SupplementaryDraw.objects.get().draw == draw


def test_the_year_is_still_drawn_once_on_the_draw_form_after_a_supplementary_draw(tree, draw, county_a_clerk,
                                                                                   client_for) -> None:
    replace_one(draw, county_a_clerk)
    response = client_for(county_a_clerk).post(reverse("admin:supervision_spotcheckdraw_add"), {
        "unit": tree["county_a"].pk, "year": 2025, "method": "count", "ratio": "", "count": "1", "seed": "2"})
    assert response.status_code == 200
    assert "每个单位每个报告年度只能抽取一次" in response.content.decode()
    assert SpotCheckDraw.objects.count() == 1 and draw.checks.count() == 5


def test_a_supplementary_draw_needs_a_reason_and_an_explanation_from_the_service(draw, county_a_clerk) -> None:
    first = random_checks(draw)[0]
    with pytest.raises(ValidationError) as refused:
        spot_check_supplement(draw=draw, reason="", explanation="  ", replaced={first.pk: "retired"},
                              actor=county_a_clerk)
    assert refused.value.message_dict == {"reason": ["请选择补抽原因。"], "explanation": ["补充抽取须写明说明。"]}
    assert not SupplementaryDraw.objects.exists()


def test_replacing_draws_exactly_as_many_as_it_replaces_on_the_service(draw, county_a_clerk) -> None:
    with pytest.raises(ValidationError, match="多于被替换的1人.*上级要求扩大抽查比例"):
        replace_one(draw, county_a_clerk, count=2)
    two = random_checks(draw)[:2]
    with pytest.raises(ValidationError, match="少于被替换的2人：替换后抽查人数不能减少，请填写2"):
        spot_check_supplement(draw=draw, reason=UNVERIFIABLE, explanation="一人调离，一人去世。", count=1,
                              replaced={two[0].pk: "transferred", two[1].pk: "deceased"}, actor=county_a_clerk)
    assert not SupplementaryDraw.objects.exists()
    assert draw.checks.filter(outcome=SpotCheckOutcome.UNVERIFIABLE).count() == 0
    supplement = spot_check_supplement(draw=draw, reason=UNVERIFIABLE, explanation="一人调离，一人去世。", count=2,
                                       replaced={two[0].pk: "transferred", two[1].pk: "deceased"}, actor=county_a_clerk)
    assert supplement.count == 2 and supplement.checks.count() == 2


def test_replacing_draws_all_that_remain_when_fewer_remain_than_are_replaced(tree, county_a_clerk) -> None:
    cadres = [cadre_in(tree["county_a"], name=f"小单位干部{i}") for i in range(3)]
    for cadre in cadres:
        report_for(cadre, year=2025)
    draw = spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=2, seed=1),
                           actor=county_a_clerk)
    both = {check.pk: "sick_leave" for check in random_checks(draw)}
    with pytest.raises(ValidationError, match="只剩1人，补抽人数请填写1"):
        spot_check_supplement(draw=draw, reason=UNVERIFIABLE, explanation="两人长期病假。", replaced=both, count=2,
                              actor=county_a_clerk)
    supplement = spot_check_supplement(draw=draw, reason=UNVERIFIABLE, explanation="两人长期病假。", replaced=both,
                                       actor=county_a_clerk)
    assert supplement.count == 1 and supplement_population(draw) == []
    with pytest.raises(ValidationError, match="都已抽取，没有可补充抽取的人员"):
        expand(draw, county_a_clerk, count=1)


def test_an_expansion_names_the_ordering_body_and_its_document_number_on_the_service(draw, county_a_clerk) -> None:
    with pytest.raises(ValidationError) as refused:
        expand(draw, county_a_clerk, ordered_by="", order_document=" ")
    assert refused.value.message_dict == {"ordered_by": ["上级要求扩大抽查比例的，须填写作出要求的单位。"],
                                          "order_document": ["上级要求扩大抽查比例的，须填写要求文号。"]}
    supplement = expand(draw, county_a_clerk)
    assert (supplement.ordered_by, supplement.order_document) == ("中共兰州市委组织部", "兰组通〔2026〕8号")


def test_an_expansion_draws_at_least_one_and_no_more_than_remain_on_the_service(draw, county_a_clerk) -> None:
    with pytest.raises(ValidationError, match="请填写补抽人数"):
        expand(draw, county_a_clerk, count=None)
    with pytest.raises(ValidationError, match="至少为1人"):
        expand(draw, county_a_clerk, count=0)
    with pytest.raises(ValidationError, match="补抽人数17人超过尚未抽取的16人"):
        expand(draw, county_a_clerk, count=17)
    assert expand(draw, county_a_clerk, count=16).checks.count() == 16


def test_an_expansion_replaces_nobody_on_the_service(draw, county_a_clerk) -> None:
    first = random_checks(draw)[0]
    with pytest.raises(ValidationError, match="扩大抽查不替换已抽取的人员"):
        expand(draw, county_a_clerk, replaced={first.pk: "retired"})
    first.refresh_from_db()
    assert first.outcome == SpotCheckOutcome.PENDING


def test_only_a_random_check_still_to_be_checked_of_this_draw_can_be_replaced_on_the_service(
    tree, reporting, county_a_clerk, county_b_clerk
) -> None:
    vetting_open(cadre=reporting[0], proposed_post="副局长", nominated_by="县委组织部", nominated_on=DAY,
                 actor=county_a_clerk)
    draw = spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=2, seed=3),
                           actor=county_a_clerk)
    targeted = draw.checks.get(selection=SpotCheckSelection.TARGETED)
    checked, pending = random_checks(draw)
    spot_check_record_outcome(check=checked, outcome=SpotCheckOutcome.CONSISTENT, checked_on=DAY, actor=county_a_clerk)
    other = spot_check_draw(draw=SpotCheckDraw(unit=tree["county_b"], year=2025, method="count", count=1, seed=3),
                            actor=county_b_clerk).checks.get()

    def replace(check: SpotCheck) -> None:
        spot_check_supplement(draw=draw, reason=UNVERIFIABLE, explanation="无法核查。", replaced={check.pk: "other"},
                              actor=county_a_clerk)

    with pytest.raises(ValidationError, match="是重点抽查对象，不能由随机补充抽取替换"):
        replace(targeted)
    with pytest.raises(ValidationError, match="（一致）已有核查结果，不能再登记为无法核查"):
        replace(checked)
    with pytest.raises(ValidationError, match="所选人员不是本次抽查抽取的人员"):
        replace(other)
    with pytest.raises(ValidationError, match="请选择无法核查的已抽取人员"):
        spot_check_supplement(draw=draw, reason=UNVERIFIABLE, explanation="无法核查。", actor=county_a_clerk)
    with pytest.raises(ValidationError, match=f"请选择{pending.cadre.name}无法核查的原因"):
        spot_check_supplement(draw=draw, reason=UNVERIFIABLE, explanation="无法核查。", replaced={pending.pk: "去向不明"},
                              actor=county_a_clerk)
    assert not SupplementaryDraw.objects.exists()


def test_a_check_drawn_in_a_supplementary_draw_can_itself_be_replaced(draw, county_a_clerk) -> None:
    (drawn,) = replace_one(draw, county_a_clerk).checks.all()
    second = spot_check_supplement(draw=draw, reason=UNVERIFIABLE, explanation="补抽人员已调离本县。",
                                   replaced={drawn.pk: "transferred"}, actor=county_a_clerk)
    drawn.refresh_from_db()
    assert second.sequence == 2 and drawn.replaced_in == second
    assert draw.checks.filter(outcome=SpotCheckOutcome.UNVERIFIABLE).count() == 2


def test_a_supplementary_draw_outside_the_clerks_jurisdiction_is_refused(draw, county_b_clerk) -> None:
    with pytest.raises(ValidationError) as refused:
        expand(draw, county_b_clerk)
    assert refused.value.message_dict == {"draw": ["该记录不存在或不在您的管辖范围内。"]}
    assert not SupplementaryDraw.objects.exists()


def test_a_city_officer_may_supplement_a_county_draw_within_the_city(draw, city_officer) -> None:
    assert expand(draw, city_officer).drawn_by == city_officer


def test_a_view_only_auditor_cannot_make_a_supplementary_draw(draw, view_only_auditor) -> None:
    with pytest.raises(ValidationError) as refused:
        expand(draw, view_only_auditor)
    assert refused.value.code == "permission"
    with pytest.raises(ValidationError) as refused:
        replace_one(draw, view_only_auditor)
    assert refused.value.code == "permission"


def test_a_supplementary_draw_without_an_actor_is_refused(draw) -> None:
    with pytest.raises(ValidationError) as refused:
        expand(draw, None)
    assert refused.value.code == "no_actor"


def test_a_supplementary_draw_writes_one_audit_row_for_each_record_it_changes(draw, county_a_clerk) -> None:
    last = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    first = random_checks(draw)[0]
    supplement = replace_one(draw, county_a_clerk)
    (new,) = supplement.checks.all()
    rows = [(row.content_type.model, row.object_id, row.action, row.actor_id)
            for row in AuditLog.objects.filter(pk__gt=last).select_related("content_type").order_by("id")]
    who = county_a_clerk.pk
    assert rows == [("supplementarydraw", str(supplement.pk), AuditAction.TRANSITION, who),
                    ("spotcheck", str(first.pk), AuditAction.TRANSITION, who),
                    ("spotcheck", str(new.pk), AuditAction.CREATE, who)]
    message = AuditLog.objects.get(content_type__model="supplementarydraw").message
    assert "补抽1人" in message and f"种子{supplement.seed}" in message and "（退休）" in message


def test_an_unverifiable_check_takes_no_outcome_afterwards_on_the_service(draw, county_a_clerk) -> None:
    first = random_checks(draw)[0]
    replace_one(draw, county_a_clerk)
    with pytest.raises(ValidationError, match="已登记为无法核查并由补充抽取替换"):
        spot_check_record_outcome(check=first, outcome=SpotCheckOutcome.CONSISTENT, checked_on=DAY,
                                  actor=county_a_clerk)
    second = random_checks(draw)[1]
    with pytest.raises(ValidationError, match="无法核查的人员通过补充抽取登记"):
        spot_check_record_outcome(check=second, outcome=SpotCheckOutcome.UNVERIFIABLE, checked_on=DAY,
                                  actor=county_a_clerk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.outcome, second.outcome) == (SpotCheckOutcome.UNVERIFIABLE, SpotCheckOutcome.PENDING)


def test_the_database_holds_an_unverifiable_check_to_its_replacement(draw) -> None:
    check = random_checks(draw)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        SpotCheck.objects.filter(pk=check.pk).update(outcome=SpotCheckOutcome.UNVERIFIABLE)


def test_the_database_holds_an_expansion_to_its_document_number(draw) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplementaryDraw.objects.create(draw=draw, sequence=1, reason=EXPANSION, explanation="扩大", count=1, seed=1,
                                         ordered_by="市委组织部", order_document="")


def test_the_verify_command_re_runs_the_supplementary_draws_as_well(draw, county_a_clerk, capsys) -> None:
    replace_one(draw, county_a_clerk)
    expand(draw, county_a_clerk, count=3)
    call_command("supervision_verify_draw", str(draw.pk))
    out = capsys.readouterr().out
    assert "重新抽取 4 人，与记录一致" in out
    assert "第1次补充抽取：尚未抽取的总体 16 人，重新抽取 1 人，与记录一致" in out
    assert "第2次补充抽取：尚未抽取的总体 15 人，重新抽取 3 人，与记录一致" in out


# ---------------------------------------------------------------- the draw's page


def draw_page(draw: SpotCheckDraw) -> str:
    return reverse("admin:supervision_spotcheckdraw_change", args=[draw.pk])


def step_page(draw: SpotCheckDraw) -> str:
    return reverse("admin:supervision_spotcheckdraw_supplement_step", args=[draw.pk])


def test_the_draws_page_offers_the_supplementary_draw_to_the_supervision_clerk_only(
    draw, county_a_clerk, view_only_auditor, client_for
) -> None:
    assert step_page(draw) in client_for(county_a_clerk).get(draw_page(draw)).content.decode()
    auditor = client_for(view_only_auditor)
    page = auditor.get(draw_page(draw))
    assert page.status_code == 200 and step_page(draw) not in page.content.decode()
    assert auditor.get(step_page(draw)).status_code == 403
    assert auditor.post(step_page(draw), {"reason": EXPANSION, "explanation": "扩大", "count": "1",
                                          "ordered_by": "市委组织部", "order_document": "兰组通〔2026〕8号"}
                        ).status_code == 403
    assert not SupplementaryDraw.objects.exists()


def test_a_clerk_replaces_an_unverifiable_cadre_from_the_draws_page(draw, county_a_clerk, client_for) -> None:
    client = client_for(county_a_clerk)
    first = random_checks(draw)[0]
    form = client.get(step_page(draw)).content.decode()
    assert "补抽原因" in form and "所抽人员无法核查（调离、退休、去世等）" in form and "上级要求扩大抽查比例" in form
    assert first.cadre.name in form and "继续核查" in form and "已抽取4人，尚未抽取16人" in form
    response = client.post(step_page(draw), {"reason": UNVERIFIABLE, "explanation": "该同志已退休。", "seed": "99",
                                             f"replace_{first.pk}": UnverifiableReason.RETIRED})
    assert response.status_code == 302 and response["Location"].endswith(draw_page(draw))
    supplement = SupplementaryDraw.objects.get()
    assert (supplement.seed, supplement.count, supplement.drawn_by) == (99, 1, county_a_clerk)
    first.refresh_from_db()
    assert first.outcome == SpotCheckOutcome.UNVERIFIABLE and first.replaced_in == supplement


def test_the_draws_page_refuses_a_replacement_count_other_than_the_number_replaced(draw, county_a_clerk,
                                                                                  client_for) -> None:
    first = random_checks(draw)[0]
    response = client_for(county_a_clerk).post(step_page(draw), {
        "reason": UNVERIFIABLE, "explanation": "退休。", "count": "3", f"replace_{first.pk}": "retired"})
    assert response.status_code == 200
    assert "补抽人数3人多于被替换的1人" in response.content.decode()
    assert not SupplementaryDraw.objects.exists()
    first.refresh_from_db()
    assert first.outcome == SpotCheckOutcome.PENDING


def test_the_draws_page_refuses_an_expansion_without_a_document_number(draw, county_a_clerk, client_for) -> None:
    response = client_for(county_a_clerk).post(step_page(draw), {
        "reason": EXPANSION, "explanation": "扩大抽查。", "count": "2", "ordered_by": "市委组织部"})
    assert response.status_code == 200
    assert "上级要求扩大抽查比例的，须填写要求文号。" in response.content.decode()
    assert not SupplementaryDraw.objects.exists()


def test_the_draws_page_refuses_a_supplementary_draw_without_an_explanation(draw, county_a_clerk,
                                                                           client_for) -> None:
    response = client_for(county_a_clerk).post(step_page(draw), {"reason": EXPANSION, "count": "2",
                                                                  "ordered_by": "市委组织部", "order_document": "8号"})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    assert not SupplementaryDraw.objects.exists()


def test_another_countys_clerk_cannot_reach_the_supplementary_draw_page(draw, county_b_clerk, client_for) -> None:
    client = client_for(county_b_clerk)
    assert client.get(step_page(draw)).status_code == 404
    assert client.post(step_page(draw), {"reason": EXPANSION, "explanation": "扩大", "count": "1",
                                         "ordered_by": "市委组织部", "order_document": "8号"}).status_code == 404
    assert not SupplementaryDraw.objects.exists()


def test_the_draws_page_shows_original_and_supplementary_draws_apart(draw, county_a_clerk, client_for) -> None:
    first = random_checks(draw)[0]
    supplement = replace_one(draw, county_a_clerk)
    expand(draw, county_a_clerk, count=2)
    page = client_for(county_a_clerk).get(draw_page(draw)).content.decode()
    original_at, records_at, supplementary_at = (page.index("抽查核实（原抽取）"), page.index("补充抽取记录"),
                                                 page.index("抽查核实（补充抽取）"))
    assert original_at < records_at < supplementary_at
    assert first.cadre.name in page[original_at:records_at] and "无法核查" in page[original_at:records_at]
    new = supplement.checks.get().cadre.name
    assert new not in page[original_at:records_at] and new in page[supplementary_at:]
    assert "第1次补充抽取" in page[supplementary_at:] and "第2次补充抽取" in page[supplementary_at:]
    assert "兰组通〔2026〕8号" in page and f"{first.cadre.name}（退休）" in page
    assert "第1次补充抽取按记录的种子和尚未抽取的总体重新抽取，结果一致。" in page
    assert "结果与本次抽取一致" in page  # the original draw still re-runs as recorded


def test_an_unverifiable_check_is_read_only_on_its_page(draw, county_a_clerk, client_for) -> None:
    first = random_checks(draw)[0]
    replace_one(draw, county_a_clerk)
    client = client_for(county_a_clerk)
    url = reverse("admin:supervision_spotcheck_change", args=[first.pk])
    page = client.get(url).content.decode()
    assert "无法核查" in page and "退休" in page and "第1次补充抽取" in page
    client.post(url, {"outcome": "consistent", "checked_on": "2026-04-01", "findings": "", "handling": ""})
    first.refresh_from_db()
    assert first.outcome == SpotCheckOutcome.UNVERIFIABLE


def test_the_spot_check_form_does_not_offer_unverifiable_as_an_outcome(draw, county_a_clerk, client_for) -> None:
    check = random_checks(draw)[0]
    response = client_for(county_a_clerk).post(reverse("admin:supervision_spotcheck_change", args=[check.pk]), {
        "outcome": "unverifiable", "checked_on": "2026-04-01", "findings": "", "handling": ""})
    assert response.status_code == 200 and "「unverifiable」不是可选的值" in response.content.decode()
    check.refresh_from_db()
    assert check.outcome == SpotCheckOutcome.PENDING


# ---------------------------------------------------------------- lists and sheets


def test_the_spot_check_list_shows_and_filters_original_and_supplementary_checks_apart(
    draw, county_a_clerk, client_for
) -> None:
    new = replace_one(draw, county_a_clerk).checks.get()
    client = client_for(county_a_clerk)
    url = reverse("admin:supervision_spotcheck_changelist")
    assert "第1次补充抽取" in client.get(url).content.decode()
    supplementary = client.get(url, {"round": "supplement"}).context["cl"].result_list
    original = client.get(url, {"round": "original"}).context["cl"].result_list
    assert [c.pk for c in supplementary] == [new.pk]
    assert len(original) == 4 and new.pk not in [c.pk for c in original]


def test_the_discrepancies_list_names_the_round_of_each_check(draw, county_a_clerk, client_for) -> None:
    new = replace_one(draw, county_a_clerk).checks.get()
    spot_check_record_outcome(check=new, outcome=SpotCheckOutcome.OMITTED, checked_on=DAY, findings="漏报房产",
                              actor=county_a_clerk)
    original = random_checks(draw)[1]
    spot_check_record_outcome(check=original, outcome=SpotCheckOutcome.CONCEALED, checked_on=DAY,
                              findings="瞒报投资", actor=county_a_clerk)
    response = client_for(county_a_clerk).get(reverse("admin:worklist", args=["supervision_discrepancies_unhandled"]))
    titles = [column.header for column in response.context["worklist"].shown_columns]
    at = titles.index("抽取批次")
    rows = {row["cells"][0]: row["cells"][at] for row in response.context["table"]}
    assert rows == {new.cadre.name: "第1次补充抽取", original.cadre.name: "原抽取"}


def test_no_sheet_creates_draws_supplementary_draws_or_spot_checks() -> None:
    """Draws and their checks come from the draw and its 补充抽取 only: no import resource
    writes them, so no sheet can draw again around the rules."""
    models = {resource._meta.model for resource in all_resources().values()}
    assert not models & {SpotCheckDraw, SupplementaryDraw, SpotCheck}
    assert any(model.__name__ == "PersonalMattersReport" for model in models)  # the registry is really read


def test_the_draws_list_counts_each_draws_supplementary_draws(tree, draw, county_a_clerk, client_for) -> None:
    replace_one(draw, county_a_clerk)
    expand(draw, county_a_clerk, count=3)
    page = client_for(county_a_clerk).get(reverse("admin:supervision_spotcheckdraw_changelist")).content.decode()
    assert "2次，4人" in page


def test_the_draws_page_refuses_an_expansion_larger_than_those_not_yet_drawn(draw, county_a_clerk,
                                                                            client_for) -> None:
    response = client_for(county_a_clerk).post(step_page(draw), {
        "reason": EXPANSION, "explanation": "扩大抽查。", "count": "17", "ordered_by": "市委组织部",
        "order_document": "兰组通〔2026〕8号"})
    assert response.status_code == 200
    assert "补抽人数17人超过尚未抽取的16人；请填写不超过16的人数。" in response.content.decode()
    assert not SupplementaryDraw.objects.exists()


def test_the_draws_page_offers_only_random_checks_still_to_be_checked_for_replacement(
    tree, reporting, county_a_clerk, client_for
) -> None:
    vetting_open(cadre=reporting[0], proposed_post="副局长", nominated_by="县委组织部", nominated_on=DAY,
                 actor=county_a_clerk)
    draw = spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=2, seed=3),
                           actor=county_a_clerk)
    targeted = draw.checks.get(selection=SpotCheckSelection.TARGETED)
    checked, pending = random_checks(draw)
    spot_check_record_outcome(check=checked, outcome=SpotCheckOutcome.CONSISTENT, checked_on=DAY, actor=county_a_clerk)
    client = client_for(county_a_clerk)
    form = client.get(step_page(draw)).content.decode()
    assert f'name="replace_{pending.pk}"' in form
    assert f'name="replace_{targeted.pk}"' not in form and f'name="replace_{checked.pk}"' not in form
    response = client.post(step_page(draw), {"reason": UNVERIFIABLE, "explanation": "调离。",
                                             f"replace_{targeted.pk}": "transferred"})  # a forged field
    assert response.status_code == 200 and "请选择无法核查的已抽取人员。" in response.content.decode()
    targeted.refresh_from_db()
    assert targeted.outcome == SpotCheckOutcome.PENDING and not SupplementaryDraw.objects.exists()


def test_a_supplementary_draw_from_the_page_writes_one_audit_row_for_each_record_it_changes(
    draw, county_a_clerk, client_for
) -> None:
    first = random_checks(draw)[0]
    last = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    client_for(county_a_clerk).post(step_page(draw), {"reason": UNVERIFIABLE, "explanation": "去世。",
                                                      f"replace_{first.pk}": "deceased"})
    supplement = SupplementaryDraw.objects.get()
    rows = sorted((row.content_type.model, row.object_id) for row in
                  AuditLog.objects.filter(pk__gt=last, action__in=[AuditAction.TRANSITION, AuditAction.CREATE,
                                                                   AuditAction.UPDATE]).select_related("content_type"))
    assert rows == sorted([("supplementarydraw", str(supplement.pk)), ("spotcheck", str(first.pk)),
                           ("spotcheck", str(supplement.checks.get().pk))])
