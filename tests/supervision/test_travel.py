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


def test_the_return_action_returns_the_loan_ticked_and_refuses_one_already_returned(
        cadre_a, county_a_clerk, client_for) -> None:
    """The list's 交还入库 acted on the document's open loan whichever loan was ticked:
    ticking an old, returned loan closed the current one."""
    from django.contrib.messages import get_messages
    from django.urls import reverse

    from cadres.supervision.models import TravelDocumentLoan

    document = passport(cadre_a)
    old = travel_document_lend(document=document, lent_on=D(2026, 2, 1), due_on=D(2026, 2, 10), purpose="探亲",
                               approved_by="张部长", actor=county_a_clerk)
    travel_document_return(document=document, returned_on=D(2026, 2, 9), actor=county_a_clerk)
    current = travel_document_lend(document=document, lent_on=D(2026, 3, 1), due_on=D(2026, 3, 20), purpose="旅游",
                                   approved_by="张部长", actor=county_a_clerk)
    response = client_for(county_a_clerk).post(reverse("admin:supervision_traveldocumentloan_changelist"), {
        "action": "return_loans", "_selected_action": [str(old.pk)]})
    assert response.status_code == 302
    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "已于 2026-02-09 交还" in said
    assert TravelDocumentLoan.objects.get(pk=current.pk).returned_on is None
    document.refresh_from_db()
    assert document.status == TravelDocumentStatus.LENT


def test_a_document_is_not_lent_or_returned_on_a_day_still_to_come(cadre_a, county_a_clerk) -> None:
    from orgwork.common import dates

    later = dates.today() + datetime.timedelta(days=30)
    document = passport(cadre_a)
    with pytest.raises(ValidationError, match="借出日期不能晚于今天"):
        travel_document_lend(document=document, lent_on=later, due_on=later + datetime.timedelta(days=5),
                             purpose="探亲", approved_by="张部长", actor=county_a_clerk)
    travel_document_lend(document=document, lent_on=D(2026, 2, 1), due_on=D(2026, 2, 10), purpose="探亲",
                         approved_by="张部长", actor=county_a_clerk)
    with pytest.raises(ValidationError, match="交还日期不能晚于今天"):
        travel_document_return(document=document, returned_on=later, actor=county_a_clerk)
