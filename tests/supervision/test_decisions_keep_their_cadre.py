"""A 组织处理 or 党纪政务处分 recorded against the wrong cadre (录错干部) is corrected on its
page: its 影响期 moves to the right cadre, the 带病提拔倒查 it opened on the first cadre is
withdrawn while still open and started again on the right one, and once that look-back is
concluded the cadre stays. A corrected 决定日期 likewise starts an open look-back again on
the five years before the corrected day, and leaves a concluded one as carried out.
Service and page, for both kinds of decision; the sheets find a decision by its cadre
and 决定日期, so a row with others is another decision."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.selection.models import CheckStatus, LookBack, LookBackVerdict
from cadres.selection.services import look_back_conclude
from cadres.supervision.models import DisciplineFinding, DisciplineKind, HandlingRecord, HandlingType
from cadres.supervision.services import discipline_finding_save, handling_record_save
from orgwork.audit.models import AuditAction, AuditLog
from tests.cadre_work.discipline_helpers import find
from tests.cadre_work.selection_samples import promoted_cadre
from tests.samples.cadres import cadre_in

from .helpers import SYSTEM, handle

pytestmark = pytest.mark.django_db


@pytest.fixture
def wrong(tree):
    """The cadre the decision was entered against by mistake: promoted in 2025, so the
    decision opened a look-back on him."""
    return promoted_cadre(tree["county_a"], name="钱录错")


@pytest.fixture
def right(tree):
    return cadre_in(tree["county_a"], name="赵文斌")


def moved(record, cadre):
    stored = type(record).objects.get(pk=record.pk)
    stored.cadre = cadre
    return stored


def test_a_handling_record_corrected_to_the_right_cadre_moves_its_period_and_withdraws_the_open_look_back(
        wrong, right) -> None:
    record = handle(wrong, HandlingType.DEMOTION, datetime.date(2026, 3, 1))
    look_back = LookBack.objects.get(handling_record=record)
    assert look_back.cadre_id == wrong.pk
    handling_record_save(record=moved(record, right), actor=SYSTEM)
    assert HandlingRecord.objects.get(pk=record.pk).cadre_id == right.pk
    # The right cadre was not promoted in the five years before: no look-back is left.
    assert not LookBack.objects.filter(handling_record=record).exists()
    withdrawn = AuditLog.objects.get(content_type__model="lookback", object_id=str(look_back.pk),
                                     action=AuditAction.DELETE)
    assert withdrawn.message == "更正干部：原干部名下的带病提拔倒查撤回，按更正后的干部重新启动"


def test_a_decision_corrected_to_a_promoted_cadre_starts_the_look_back_on_him(tree, wrong) -> None:
    right = promoted_cadre(tree["county_a"], name="孙提拔", promoted_on=datetime.date(2024, 5, 6))
    finding = find(wrong, datetime.date(2026, 3, 1))
    discipline_finding_save(finding=moved(finding, right), actor=SYSTEM)
    look_back = LookBack.objects.get(discipline_finding=finding)
    assert (look_back.cadre_id, look_back.status) == (right.pk, CheckStatus.CHECKING)
    assert [row.appointed_on for row in look_back.promotions.all()] == [datetime.date(2024, 5, 6)]


def test_a_decision_whose_look_back_is_concluded_keeps_its_cadre(wrong, right, county_a_clerk) -> None:
    record = handle(wrong, HandlingType.DEMOTION, datetime.date(2026, 3, 1))
    look_back_conclude(look_back=LookBack.objects.get(handling_record=record), verdict=LookBackVerdict.NOT_FOUND,
                       conclusion="提拔时未发现问题", actor=county_a_clerk)
    with pytest.raises(ValidationError) as refused:
        handling_record_save(record=moved(record, right), actor=SYSTEM)
    assert "倒查结论记在原干部名下，不能再更换干部" in refused.value.message_dict["cadre"][0]
    assert HandlingRecord.objects.get(pk=record.pk).cadre_id == wrong.pk
    assert LookBack.objects.get(handling_record=record).cadre_id == wrong.pk


def test_the_handling_record_page_corrects_the_cadre(wrong, right, county_a_clerk, client_for) -> None:
    record = handle(wrong, HandlingType.DEMOTION, datetime.date(2026, 3, 1), document_number="城组〔2026〕3号")
    response = client_for(county_a_clerk).post(reverse("admin:supervision_handlingrecord_change", args=[record.pk]), {
        "cadre": right.pk, "handling_type": record.handling_type, "source": record.source,
        "decided_on": "2026-03-01", "document_number": "城组〔2026〕3号", "handler": "", "facts": "",
        "inquiry_reply": "", "inquiry_replied_on": "", "inquiry_accepted": "unknown",
    })
    assert response.status_code == 302
    assert HandlingRecord.objects.get(pk=record.pk).cadre_id == right.pk
    assert not LookBack.objects.filter(handling_record=record).exists()


def test_the_discipline_finding_page_refuses_the_cadre_once_its_look_back_is_concluded(
        wrong, right, county_a_clerk, client_for) -> None:
    finding = find(wrong, datetime.date(2026, 3, 1))
    look_back_conclude(look_back=LookBack.objects.get(discipline_finding=finding), verdict=LookBackVerdict.NOT_FOUND,
                       conclusion="提拔时未发现问题", actor=county_a_clerk)
    response = client_for(county_a_clerk).post(
        reverse("admin:supervision_disciplinefinding_change", args=[finding.pk]), {
            "cadre": right.pk, "kind": DisciplineKind.PARTY_WARNING, "decided_on": "2026-03-01",
            "document_number": finding.document_number, "deciding_organ": finding.deciding_organ,
            "summary": finding.summary,
        })
    assert response.status_code == 200
    assert "不能再更换干部" in response.content.decode()
    assert DisciplineFinding.objects.get(pk=finding.pk).cadre_id == wrong.pk


def test_a_corrected_decision_date_starts_the_open_look_back_again_on_its_five_years(wrong) -> None:
    record = handle(wrong, HandlingType.DEMOTION, datetime.date(2026, 3, 1))
    first = LookBack.objects.get(handling_record=record)
    assert first.window_start == datetime.date(2021, 3, 1)
    corrected = HandlingRecord.objects.get(pk=record.pk)
    corrected.decided_on = datetime.date(2026, 4, 15)
    handling_record_save(record=corrected, actor=SYSTEM)
    again = LookBack.objects.get(handling_record=record)
    assert (again.pk != first.pk, again.window_start, again.cadre_id) == (True, datetime.date(2021, 4, 15), wrong.pk)
    withdrawn = AuditLog.objects.get(content_type__model="lookback", object_id=str(first.pk), action=AuditAction.DELETE)
    assert withdrawn.message == "更正决定日期：原带病提拔倒查撤回，按更正后的决定日期重新启动"


def test_a_corrected_decision_date_leaves_a_concluded_look_back_as_it_was_carried_out(wrong, county_a_clerk) -> None:
    finding = find(wrong, datetime.date(2026, 3, 1))
    concluded = look_back_conclude(look_back=LookBack.objects.get(discipline_finding=finding),
                                   verdict=LookBackVerdict.NOT_FOUND, conclusion="提拔时未发现问题", actor=county_a_clerk)
    corrected = DisciplineFinding.objects.get(pk=finding.pk)
    corrected.decided_on = datetime.date(2026, 4, 15)
    discipline_finding_save(finding=corrected, actor=SYSTEM)
    kept = LookBack.objects.get(discipline_finding=finding)
    assert (kept.pk, kept.status, kept.window_start) == (concluded.pk, CheckStatus.CONCLUDED, datetime.date(2021, 3, 1))
    assert DisciplineFinding.objects.get(pk=finding.pk).decided_on == datetime.date(2026, 4, 15)
