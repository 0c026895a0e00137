"""后备干部 rules on the service path: 推荐 then 考察, 名额, 影响期, one pool per level,
age limit, jurisdiction, the yearly 动态调整, and the figures."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cadres.models import Assessment, AssessmentGrade, Rank
from cadres.reserve.models import ExitReason, InspectionConclusion, MemberStatus, ReserveMember
from cadres.reserve.selectors import adjustment_proposals, pools_with_figures, totals
from cadres.reserve.services import reserve_adjust, reserve_exit, reserve_inspect, reserve_recommend
from cadres.services import assessment_save
from cadres.supervision.models import HandlingType
from orgwork.audit.models import AuditLog
from tests.samples.cadres import SAMPLES, cadre_in
from tests.samples.reserve import enter, pool_in, recommend
from tests.supervision.helpers import handle

D = datetime.date


def audit_rows(obj: Any) -> int:
    return AuditLog.objects.filter(object_id=str(obj.pk), content_type__model=obj._meta.model_name).count()


@pytest.fixture
def pool(tree: dict[str, Any]) -> Any:
    return pool_in(tree["county_a"], quota=2)


def test_a_recommended_cadre_is_in_the_pool_only_after_a_passing_inspection(pool: Any, tree: Any) -> None:
    member = recommend(pool, cadre_in(tree["township_a"], name="赵明", birth=D(1986, 3, 1)))
    assert member.status == MemberStatus.RECOMMENDED and member.entered_on is None
    assert totals(SAMPLES)["in_pool"] == 0
    reserve_inspect(member=member, inspected_on=D(2026, 4, 1), conclusion=InspectionConclusion.PASSED, actor=SAMPLES)
    member.refresh_from_db()
    assert (member.status, member.entered_on) == (MemberStatus.IN_POOL, D(2026, 4, 1))
    assert totals(SAMPLES)["in_pool"] == 1


def test_a_failing_inspection_closes_the_recommendation_without_entry(pool: Any, tree: Any) -> None:
    cadre = cadre_in(tree["county_a"], birth=D(1986, 3, 1))
    member = recommend(pool, cadre)
    reserve_inspect(member=member, inspected_on=D(2026, 4, 1), conclusion=InspectionConclusion.FAILED, actor=SAMPLES)
    member.refresh_from_db()
    assert member.status == MemberStatus.NOT_PASSED and member.entered_on is None
    with pytest.raises(ValidationError, match="不能再登记考察"):
        reserve_inspect(member=member, inspected_on=D(2026, 4, 2), conclusion=InspectionConclusion.PASSED,
                        actor=SAMPLES)
    # Closed: the cadre may be put forward again.
    assert recommend(pool, cadre, on=D(2026, 5, 1)).status == MemberStatus.RECOMMENDED


def test_a_passing_inspection_beyond_the_quota_is_refused_in_chinese(pool: Any, tree: Any) -> None:
    for name in ("甲", "乙"):
        enter(pool, cadre_in(tree["county_a"], name=name, birth=D(1987, 1, 1)))
    third = recommend(pool, cadre_in(tree["county_a"], name="丙", birth=D(1987, 1, 1)))
    with pytest.raises(ValidationError) as refused:
        reserve_inspect(member=third, inspected_on=D(2026, 4, 1), conclusion=InspectionConclusion.PASSED,
                        actor=SAMPLES)
    assert "名额2名已满（在库2名）" in refused.value.message_dict["inspection_conclusion"][0]
    third.refresh_from_db()
    assert third.status == MemberStatus.RECOMMENDED and audit_rows(third) == 1


def test_a_cadre_in_one_pool_cannot_be_recommended_to_another_of_the_same_level(pool: Any, tree: Any) -> None:
    cadre = cadre_in(tree["township_a"], birth=D(1987, 1, 1))
    enter(pool, cadre)
    township_pool = pool_in(tree["township_a"], level=Rank.TOWNSHIP_CHIEF)
    with pytest.raises(ValidationError, match="同一层次只能进入一个后备干部库"):
        recommend(township_pool, cadre)
    # Another level is another question.
    deputy_pool = pool_in(tree["county_a"], level=Rank.TOWNSHIP_DEPUTY)
    assert recommend(deputy_pool, cadre).status == MemberStatus.RECOMMENDED


def test_the_database_refuses_a_second_open_membership_of_one_level(pool: Any, tree: Any) -> None:
    cadre = cadre_in(tree["township_a"], birth=D(1987, 1, 1))
    first = recommend(pool, cadre)
    other = pool_in(tree["township_a"], level=Rank.TOWNSHIP_CHIEF)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReserveMember.objects.create(pool=other, cadre=cadre, level=first.level, recommended_by="x",
                                     recommended_on=D(2026, 3, 3))


def test_a_cadre_inside_an_influence_period_cannot_be_recommended(pool: Any, tree: Any) -> None:
    cadre = cadre_in(tree["county_a"], birth=D(1987, 1, 1))
    handle(cadre, HandlingType.ADMONISHMENT, D(2026, 1, 10))
    with pytest.raises(ValidationError, match="影响期至2026-07-10届满，期间不得推荐入库"):
        recommend(pool, cadre, on=D(2026, 3, 1))
    # After the period the door opens again.
    assert recommend(pool, cadre, on=D(2026, 8, 1)).status == MemberStatus.RECOMMENDED


def test_an_influence_period_begun_after_the_recommendation_blocks_the_entry(pool: Any, tree: Any) -> None:
    cadre = cadre_in(tree["county_a"], birth=D(1987, 1, 1))
    member = recommend(pool, cadre, on=D(2026, 3, 1))
    handle(cadre, HandlingType.ADMONISHMENT, D(2026, 3, 20))
    with pytest.raises(ValidationError, match="受到诫勉处理"):
        reserve_inspect(member=member, inspected_on=D(2026, 4, 1), conclusion=InspectionConclusion.PASSED,
                        actor=SAMPLES)


def test_a_cadre_over_the_pools_age_limit_cannot_be_recommended(pool: Any, tree: Any) -> None:
    with pytest.raises(ValidationError, match="超过本库年龄上限45岁"):
        recommend(pool, cadre_in(tree["county_a"], birth=D(1975, 6, 15)))


def test_a_cadre_outside_the_pools_unit_or_the_clerks_scope_is_refused(pool: Any, tree: Any,
                                                                         county_b_clerk: Any) -> None:
    outsider = cadre_in(tree["county_b"], birth=D(1987, 1, 1))
    with pytest.raises(ValidationError, match="不在兰州市城关区（含下级）的干部范围内"):
        recommend(pool, outsider)
    insider = cadre_in(tree["county_a"], birth=D(1987, 1, 1))
    with pytest.raises(ValidationError, match="不存在或不在您的管辖范围内"):
        recommend(pool, insider, actor=county_b_clerk)


def test_a_change_without_an_actor_is_refused(pool: Any, tree: Any) -> None:
    with pytest.raises(ValidationError, match="未指明操作人"):
        reserve_recommend(pool=pool, cadre=cadre_in(tree["county_a"], birth=D(1987, 1, 1)), recommended_by="x",
                          recommended_on=D(2026, 3, 1), actor=None)


def test_each_step_writes_exactly_one_audit_row(pool: Any, tree: Any) -> None:
    member = recommend(pool, cadre_in(tree["county_a"], birth=D(1987, 1, 1)))
    assert audit_rows(member) == 1
    reserve_inspect(member=member, inspected_on=D(2026, 4, 1), conclusion=InspectionConclusion.PASSED, actor=SAMPLES)
    assert audit_rows(member) == 2
    reserve_exit(member=member, reason=ExitReason.PROMOTED, exited_on=D(2026, 9, 1), actor=SAMPLES)
    assert audit_rows(member) == 3


def test_an_exit_needs_a_member_in_the_pool_and_other_needs_a_note(pool: Any, tree: Any) -> None:
    waiting = recommend(pool, cadre_in(tree["county_a"], birth=D(1987, 1, 1)))
    with pytest.raises(ValidationError, match="不在库中"):
        reserve_exit(member=waiting, reason=ExitReason.PROMOTED, exited_on=D(2026, 9, 1), actor=SAMPLES)
    member = enter(pool, cadre_in(tree["county_a"], birth=D(1987, 1, 1)))
    with pytest.raises(ValidationError, match="须写明调整说明"):
        reserve_exit(member=member, reason=ExitReason.OTHER, exited_on=D(2026, 9, 1), actor=SAMPLES)
    with pytest.raises(ValidationError, match="不能早于入库日期"):
        reserve_exit(member=member, reason=ExitReason.PROMOTED, exited_on=D(2026, 1, 1), actor=SAMPLES)


def test_the_yearly_adjustment_takes_out_the_over_age_the_badly_assessed_and_the_disciplined(tree: Any) -> None:
    pool = pool_in(tree["county_a"], quota=5, age_limit=40)
    old = cadre_in(tree["county_a"], name="年长", birth=D(1986, 1, 1))  # 40 in 2026, 41 in 2027
    weak = cadre_in(tree["county_a"], name="基本称职", birth=D(1990, 1, 1))
    punished = cadre_in(tree["county_a"], name="受处分", birth=D(1990, 1, 1))
    fine = cadre_in(tree["county_a"], name="称职", birth=D(1990, 1, 1))
    for cadre in (old, weak, punished, fine):
        enter(pool, cadre)
    assessment_save(assessment=Assessment(cadre=weak, year=2026, grade=AssessmentGrade.BASICALLY_COMPETENT,
                                          political_score=Decimal("82")), actor=SAMPLES)
    handle(punished, HandlingType.ADMONISHMENT, D(2026, 11, 1))
    on = D(2026, 12, 1)
    proposed = {p.member.cadre.name: p.reason for p in adjustment_proposals(pool, on=D(2027, 1, 5))}
    assert proposed == {"年长": ExitReason.OVER_AGE, "基本称职": ExitReason.INCOMPETENT,
                        "受处分": ExitReason.DISCIPLINED}
    assert "年长" not in {p.member.cadre.name for p in adjustment_proposals(pool, on=on)}
    done = reserve_adjust(pool=pool, actor=SAMPLES, on=on)
    assert len(done) == 2
    statuses = dict(ReserveMember.objects.filter(pool=pool).values_list("cadre__name", "exit_reason"))
    assert statuses == {"年长": "", "基本称职": ExitReason.INCOMPETENT, "受处分": ExitReason.DISCIPLINED, "称职": ""}
    note = ReserveMember.objects.get(pool=pool, cadre=weak).exit_note
    assert note == "2026年度考核为基本称职。"


def test_the_pool_figures_count_generations_average_age_and_the_use_rate(tree: Any) -> None:
    pool = pool_in(tree["county_a"], quota=4)
    born = [D(1979, 6, 1), D(1985, 6, 1), D(1991, 6, 1), D(1992, 6, 1)]
    members = [enter(pool, cadre_in(tree["county_a"], birth=b), on=D(2025, 5, 1)) for b in born]
    # Promoted while in the pool in 2026; one left in 2025 for another reason.
    reserve_exit(member=members[0], reason=ExitReason.PROMOTED, exited_on=D(2026, 2, 1), actor=SAMPLES)
    reserve_exit(member=members[1], reason=ExitReason.OTHER, note="调离", exited_on=D(2025, 12, 1), actor=SAMPLES)
    row = pools_with_figures(SAMPLES, year=2026, on=D(2026, 6, 1)).get(pk=pool.pk)
    assert (row.in_pool, row.born_70, row.born_80, row.born_90, row.gap) == (2, 0, 0, 2, 2)
    assert (row.promoted_year, row.members_year) == (1, 3)  # the 2025 leaver was not in the pool in 2026
    assert round(2026 + 5 / 12 - row.mean_birth, 1) == 34.5  # the two 90后, born 1991.06 and 1992.06
