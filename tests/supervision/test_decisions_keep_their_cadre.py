"""A saved 组织处理 or 党纪政务处分 stays on the cadre it was recorded for: its 影响期 and
the 带病提拔倒查 it opened rest on that cadre, so moving it is refused as deleting it is."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.supervision.models import DisciplineFinding, DisciplineKind, HandlingRecord, HandlingType
from cadres.supervision.services import discipline_finding_save, handling_record_save
from tests.cadre_work.discipline_helpers import find
from tests.samples.cadres import cadre_in

from .helpers import SYSTEM, handle


@pytest.fixture
def other_cadre(tree):
    return cadre_in(tree["county_a"], name="赵文斌")


def test_a_handling_record_cannot_be_moved_to_another_cadre(cadre_a, other_cadre) -> None:
    record = handle(cadre_a, HandlingType.DEMOTION, datetime.date(2026, 3, 1))
    record = HandlingRecord.objects.get(pk=record.pk)
    record.cadre = other_cadre
    with pytest.raises(ValidationError) as refused:
        handling_record_save(record=record, actor=SYSTEM)
    assert "组织处理登记后不能更换干部" in str(refused.value.message_dict["cadre"])
    assert HandlingRecord.objects.get(pk=record.pk).cadre_id == cadre_a.pk


def test_a_discipline_finding_cannot_be_moved_to_another_cadre(cadre_a, other_cadre) -> None:
    finding = find(cadre_a, datetime.date(2026, 3, 1))
    finding = DisciplineFinding.objects.get(pk=finding.pk)
    finding.cadre = other_cadre
    with pytest.raises(ValidationError) as refused:
        discipline_finding_save(finding=finding, actor=SYSTEM)
    assert "党纪政务处分登记后不能更换干部" in str(refused.value.message_dict["cadre"])
    assert DisciplineFinding.objects.get(pk=finding.pk).cadre_id == cadre_a.pk


def test_the_handling_record_page_keeps_the_cadre_of_a_saved_record(
    cadre_a, other_cadre, county_a_clerk, client_for
) -> None:
    record = handle(cadre_a, HandlingType.DEMOTION, datetime.date(2026, 3, 1), document_number="城组〔2026〕3号")
    client = client_for(county_a_clerk)
    url = reverse("admin:supervision_handlingrecord_change", args=[record.pk])
    response = client.post(url, {
        "cadre": other_cadre.pk, "handling_type": record.handling_type, "source": record.source,
        "decided_on": "2026-03-01", "document_number": "城组〔2026〕4号", "handler": "", "facts": "",
        "inquiry_reply": "", "inquiry_replied_on": "", "inquiry_accepted": "unknown",
    })
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.cadre_id, record.document_number) == (cadre_a.pk, "城组〔2026〕4号")
    assert 'name="cadre"' not in client.get(url).content.decode()


def test_the_discipline_finding_page_keeps_the_cadre_of_a_saved_finding(
    cadre_a, other_cadre, county_a_clerk, client_for
) -> None:
    finding = find(cadre_a, datetime.date(2026, 3, 1))
    client = client_for(county_a_clerk)
    url = reverse("admin:supervision_disciplinefinding_change", args=[finding.pk])
    response = client.post(url, {
        "cadre": other_cadre.pk, "kind": DisciplineKind.PARTY_WARNING, "decided_on": "2026-03-01",
        "document_number": "城纪处〔2026〕6号", "deciding_organ": finding.deciding_organ, "summary": finding.summary,
    })
    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.cadre_id, finding.document_number) == (cadre_a.pk, "城纪处〔2026〕6号")
    assert 'name="cadre"' not in client.get(url).content.decode()
