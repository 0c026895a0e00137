"""因私出入境证件: lending, returning, the overdue list."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from cadres.supervision.models import TravelDocument, TravelDocumentStatus, TravelDocumentType
from cadres.supervision.selectors import overdue_loans
from cadres.supervision.services import travel_document_cancel, travel_document_lend, travel_document_return

D = datetime.date


def passport(cadre, number: str = "E12345678") -> TravelDocument:
    document = TravelDocument(holder=cadre, document_type=TravelDocumentType.PASSPORT, number=number,
                              deposited_on=D(2025, 1, 1), expires_on=D(2030, 1, 1))
    document.full_clean()
    document.save()
    return document


def test_a_document_lent_past_its_due_date_is_overdue_until_returned(cadre_a, county_a_clerk) -> None:
    document = passport(cadre_a)
    loan = travel_document_lend(document=document, lent_on=D(2026, 2, 1), due_on=D(2026, 2, 20),
                                purpose="赴香港探亲", approved_by="张部长", actor=county_a_clerk)
    assert document.status == TravelDocumentStatus.LENT
    assert list(overdue_loans(county_a_clerk, today=D(2026, 2, 20))) == []  # due today: not yet overdue
    assert list(overdue_loans(county_a_clerk, today=D(2026, 2, 21))) == [loan]
    travel_document_return(document=document, returned_on=D(2026, 2, 25), actor=county_a_clerk)
    assert list(overdue_loans(county_a_clerk, today=D(2026, 3, 1))) == []
    document.refresh_from_db()
    assert document.status == TravelDocumentStatus.IN_CUSTODY


def test_the_overdue_list_keeps_to_the_jurisdiction(cadre_a, county_a_clerk, county_b_clerk) -> None:
    travel_document_lend(document=passport(cadre_a), lent_on=D(2026, 2, 1), due_on=D(2026, 2, 10),
                         purpose="赴澳门旅游", approved_by="张部长", actor=county_a_clerk)
    assert overdue_loans(county_b_clerk, today=D(2026, 3, 1)).count() == 0
    assert overdue_loans(county_a_clerk, today=D(2026, 3, 1)).count() == 1


def test_a_lent_document_cannot_be_lent_again_or_cancelled(cadre_a, county_a_clerk) -> None:
    document = passport(cadre_a)
    travel_document_lend(document=document, lent_on=D(2026, 2, 1), due_on=D(2026, 2, 10), purpose="探亲",
                         approved_by="张部长", actor=county_a_clerk)
    with pytest.raises(ValidationError, match="不能借出"):
        travel_document_lend(document=document, lent_on=D(2026, 2, 2), due_on=D(2026, 2, 12), purpose="探亲",
                             approved_by="张部长", actor=county_a_clerk)
    with pytest.raises(ValidationError, match="交还后才能注销"):
        travel_document_cancel(document=document, reason="过期", actor=county_a_clerk)


def test_a_county_b_clerk_cannot_lend_a_county_a_document(cadre_a, county_b_clerk) -> None:
    with pytest.raises(ValidationError, match="管辖范围"):
        travel_document_lend(document=passport(cadre_a), lent_on=D(2026, 2, 1), due_on=D(2026, 2, 10),
                             purpose="探亲", approved_by="张部长", actor=county_b_clerk)


def test_the_document_number_is_hidden_in_the_audit_log(cadre_a) -> None:
    from orgwork.audit.models import AuditLog

    document = passport(cadre_a, number="E99999999")
    entry = AuditLog.objects.get(object_id=str(document.pk), content_type__model="traveldocument")
    assert entry.changes["number"] == [None, "***"]
