"""补充抽取 replacing a cadre as 无法核查 needs more than the clerk's word, or each round would
be a free re-draw: 调离, 退休 and 去世 must agree with the cadre's record (updated first);
长期病假 and 其他 need the approving leader or body and its 文号 or 批示, recorded on the
补充抽取 and shown on the draw's page; and a cadre brought in by a 补充抽取 is not replaced
again for 其他. On the service and on the draw's 补充抽取 page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from cadres.models import Cadre, CadreStatus
from cadres.services import cadre_save
from cadres.supervision.models import (
    SpotCheck,
    SpotCheckDraw,
    SpotCheckOutcome,
    SpotCheckSelection,
    SupplementaryDraw,
    SupplementReason,
    UnverifiableReason,
)
from cadres.supervision.services import spot_check_draw, spot_check_supplement
from tests.samples.supervision import reporting_cadres

from .helpers import SYSTEM

UNVERIFIABLE = SupplementReason.UNVERIFIABLE
APPROVAL = {"approved_by": "县委组织部部务会", "approval_document": "城组函〔2026〕3号"}


@pytest.fixture
def reporting(tree: dict[str, Any]) -> list[Any]:
    return reporting_cadres(tree["county_a"], 12)


@pytest.fixture
def draw(tree: dict[str, Any], reporting: list[Any], county_a_clerk: Any) -> SpotCheckDraw:
    return spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=3),
                           actor=county_a_clerk)


@pytest.fixture
def first(draw: SpotCheckDraw) -> SpotCheck:
    return draw.checks.filter(selection=SpotCheckSelection.RANDOM).order_by("cadre_id").first()


def update_record(check: SpotCheck, **fields: Any) -> None:
    cadre = Cadre.objects.get(pk=check.cadre_id)
    for name, value in fields.items():
        setattr(cadre, name, value)
    cadre_save(cadre=cadre, actor=SYSTEM)


def replace(draw: SpotCheckDraw, check: SpotCheck, why: str, actor: Any, **extra: Any) -> SupplementaryDraw:
    return spot_check_supplement(draw=draw, reason=UNVERIFIABLE, explanation="无法核查。", replaced={check.pk: why},
                                 actor=actor, **extra)


def step_page(draw: SpotCheckDraw) -> str:
    return reverse("admin:supervision_spotcheckdraw_supplement_step", args=[draw.pk])


def nothing_replaced(draw: SpotCheckDraw) -> bool:
    return (not SupplementaryDraw.objects.exists()
            and not draw.checks.filter(outcome=SpotCheckOutcome.UNVERIFIABLE).exists())


# ---------------------------------------------------------------- 调离, 退休, 去世: the record says so


@pytest.mark.parametrize("why, said", [(UnverifiableReason.RETIRED, "未登记退休"),
                                       (UnverifiableReason.DECEASED, "未登记去世"),
                                       (UnverifiableReason.TRANSFERRED, "仍在兰州市城关区范围内任现职，未登记调离")])
def test_a_reason_the_cadres_record_does_not_show_is_refused_on_the_service(draw, first, county_a_clerk, why,
                                                                           said) -> None:
    with pytest.raises(ValidationError) as refused:
        replace(draw, first, why, county_a_clerk, **APPROVAL)  # an approval does not stand in for the record
    message = refused.value.message_dict["replaced"][0]
    assert f"{first.cadre.name}的干部信息为「在职」、兰州市城关区，{said}" in message
    assert "请先在干部信息中更新其状态、单位或任职，再登记无法核查" in message
    assert nothing_replaced(draw)


@pytest.mark.parametrize("why, status", [(UnverifiableReason.RETIRED, CadreStatus.RETIRED),
                                         (UnverifiableReason.DECEASED, CadreStatus.DECEASED),
                                         (UnverifiableReason.TRANSFERRED, CadreStatus.TRANSFERRED),
                                         (UnverifiableReason.TRANSFERRED, CadreStatus.REMOVED)])
def test_a_reason_the_cadres_record_shows_is_accepted_without_an_approval(draw, first, county_a_clerk, why,
                                                                         status) -> None:
    update_record(first, status=status)
    supplement = replace(draw, first, why, county_a_clerk)
    first.refresh_from_db()
    assert first.replaced_in == supplement and (supplement.approved_by, supplement.approval_document) == ("", "")


def test_a_cadre_moved_out_of_the_draws_units_counts_as_transferred(tree, draw, first, county_a_clerk) -> None:
    with pytest.raises(ValidationError, match="未登记调离"):
        replace(draw, first, UnverifiableReason.TRANSFERRED, county_a_clerk)
    update_record(first, unit=tree["county_b"])  # still 在职, now in 七里河区
    supplement = replace(draw, first, UnverifiableReason.TRANSFERRED, county_a_clerk)
    assert supplement.checks.count() == 1


def test_a_retired_reason_is_refused_for_a_transferred_cadre(draw, first, county_a_clerk) -> None:
    update_record(first, status=CadreStatus.TRANSFERRED)
    with pytest.raises(ValidationError, match="「调出」.*未登记退休"):
        replace(draw, first, UnverifiableReason.RETIRED, county_a_clerk)
    assert nothing_replaced(draw)


def test_a_reason_the_cadres_record_does_not_show_is_refused_on_the_draws_page(draw, first, county_a_clerk,
                                                                              client_for) -> None:
    response = client_for(county_a_clerk).post(step_page(draw), {
        "reason": UNVERIFIABLE, "explanation": "该同志已退休。", f"replace_{first.pk}": UnverifiableReason.RETIRED})
    page = response.content.decode()
    assert response.status_code == 200
    assert f"{first.cadre.name}的干部信息为「在职」" in page and "请先在干部信息中更新其状态、单位或任职" in page
    assert nothing_replaced(draw)


# ---------------------------------------------------------------- 长期病假, 其他: an approval


@pytest.mark.parametrize("why", [UnverifiableReason.SICK_LEAVE, UnverifiableReason.OTHER])
def test_sick_leave_or_other_without_an_approval_is_refused_on_the_service(draw, first, county_a_clerk, why) -> None:
    with pytest.raises(ValidationError) as refused:
        replace(draw, first, why, county_a_clerk)
    assert refused.value.message_dict == {
        "approved_by": ["因长期病假或其他原因无法核查的，须填写批准替换的领导或机构。"],
        "approval_document": ["因长期病假或其他原因无法核查的，须填写批准文号或批示。"]}
    with pytest.raises(ValidationError, match="须填写批准文号或批示"):
        replace(draw, first, why, county_a_clerk, approved_by="县委组织部部务会", approval_document="  ")
    assert nothing_replaced(draw)


def test_other_with_an_approval_is_recorded_and_written_in_the_trail(draw, first, county_a_clerk) -> None:
    from orgwork.audit.models import AuditLog

    supplement = replace(draw, first, UnverifiableReason.OTHER, county_a_clerk, **APPROVAL)
    supplement.refresh_from_db()
    assert (supplement.approved_by, supplement.approval_document) == ("县委组织部部务会", "城组函〔2026〕3号")
    message = AuditLog.objects.filter(object_id=str(supplement.pk), content_type__model="supplementarydraw").get().message
    assert "经县委组织部部务会批准（城组函〔2026〕3号）" in message


def test_sick_leave_without_an_approval_is_refused_on_the_draws_page(draw, first, county_a_clerk,
                                                                    client_for) -> None:
    client = client_for(county_a_clerk)
    form = client.get(step_page(draw)).content.decode()
    assert 'name="approved_by"' in form and 'name="approval_document"' in form
    response = client.post(step_page(draw), {"reason": UNVERIFIABLE, "explanation": "长期病假。",
                                             f"replace_{first.pk}": UnverifiableReason.SICK_LEAVE})
    page = response.content.decode()
    assert response.status_code == 200 and "须填写批准替换的领导或机构" in page and "须填写批准文号或批示" in page
    assert nothing_replaced(draw)


def test_sick_leave_with_an_approval_is_replaced_from_the_draws_page_and_shown_on_it(draw, first, county_a_clerk,
                                                                                    client_for) -> None:
    client = client_for(county_a_clerk)
    response = client.post(step_page(draw), {"reason": UNVERIFIABLE, "explanation": "长期病假住院。",
                                             f"replace_{first.pk}": UnverifiableReason.SICK_LEAVE, **APPROVAL})
    assert response.status_code == 302
    supplement = SupplementaryDraw.objects.get()
    assert (supplement.approved_by, supplement.approval_document) == ("县委组织部部务会", "城组函〔2026〕3号")
    page = client.get(reverse("admin:supervision_spotcheckdraw_change", args=[draw.pk])).content.decode()
    assert "批准领导或机构" in page and "县委组织部部务会" in page and "城组函〔2026〕3号" in page


def test_the_database_keeps_an_approval_whole(draw) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplementaryDraw.objects.create(draw=draw, sequence=1, reason=UNVERIFIABLE, explanation="其他", count=1,
                                         seed=1, approved_by="县委组织部部务会")


# ---------------------------------------------------------------- no chain of 其他


def test_a_cadre_brought_in_by_a_supplementary_draw_is_not_replaced_again_for_other(draw, first,
                                                                                    county_a_clerk) -> None:
    (drawn,) = replace(draw, first, UnverifiableReason.OTHER, county_a_clerk, **APPROVAL).checks.all()
    with pytest.raises(ValidationError) as refused:
        replace(draw, drawn, UnverifiableReason.OTHER, county_a_clerk, **APPROVAL)
    assert refused.value.message_dict["replaced"] == [
        f"{drawn.cadre.name}是第1次补充抽取抽中的人员，不能再以「其他」原因由补充抽取替换：请照常核查；"
        "确因调离、退休、去世或长期病假无法核查的，按该原因登记。"]
    assert SupplementaryDraw.objects.count() == 1
    update_record(drawn, status=CadreStatus.DECEASED)  # a reason on the record still replaces them
    assert replace(draw, drawn, UnverifiableReason.DECEASED, county_a_clerk).sequence == 2


def test_a_cadre_brought_in_by_a_supplementary_draw_is_not_replaced_again_for_other_on_the_draws_page(
    draw, first, county_a_clerk, client_for
) -> None:
    (drawn,) = replace(draw, first, UnverifiableReason.OTHER, county_a_clerk, **APPROVAL).checks.all()
    response = client_for(county_a_clerk).post(step_page(draw), {
        "reason": UNVERIFIABLE, "explanation": "其他原因无法核查。", f"replace_{drawn.pk}": UnverifiableReason.OTHER,
        **APPROVAL})
    assert response.status_code == 200
    assert "是第1次补充抽取抽中的人员，不能再以「其他」原因由补充抽取替换" in response.content.decode()
    assert SupplementaryDraw.objects.count() == 1
