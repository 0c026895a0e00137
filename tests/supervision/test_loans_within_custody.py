"""A 因私出入境证件 is lent only on a day it was in custody: not before its 交存日期, and
not before the previous loan's 交还日期 (the loans of one document do not overlap)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadres.supervision.models import TravelDocument, TravelDocumentStatus, TravelDocumentType
from cadres.supervision.services import travel_document_lend, travel_document_return

from .helpers import SYSTEM

D = datetime.date


@pytest.fixture
def document(cadre_a) -> TravelDocument:
    """Deposited on 2026-03-01, lent 2026-06-01 and back on 2026-06-20."""
    document = TravelDocument(holder=cadre_a, document_type=TravelDocumentType.HK_MACAO, number="C99887766",
                              deposited_on=D(2026, 3, 1), expires_on=D(2030, 1, 1))
    document.full_clean()
    document.save()
    travel_document_lend(document=document, lent_on=D(2026, 6, 1), due_on=D(2026, 6, 15), purpose="赴香港探亲",
                         approved_by="张部长", actor=SYSTEM)
    travel_document_return(document=document, returned_on=D(2026, 6, 20), actor=SYSTEM)
    return TravelDocument.objects.get(pk=document.pk)


def lend(document: TravelDocument, day: D) -> None:
    travel_document_lend(document=document, lent_on=day, due_on=D(2026, 7, 30), purpose="赴澳门旅游",
                         approved_by="张部长", actor=SYSTEM)


def test_the_service_refuses_a_loan_before_the_document_was_deposited(document) -> None:
    with pytest.raises(ValidationError) as refused:
        lend(document, D(2026, 2, 1))
    assert "早于证件的交存日期 2026-03-01" in refused.value.message_dict["lent_on"][0]
    assert document.loans.count() == 1


def test_the_service_refuses_a_loan_before_the_previous_one_came_back(document) -> None:
    with pytest.raises(ValidationError) as refused:
        lend(document, D(2026, 6, 10))
    assert "早于上次借用（2026-06-01 借出）的交还日期 2026-06-20" in refused.value.message_dict["lent_on"][0]
    lend(document, D(2026, 6, 20))  # lent again the day it came back
    assert document.loans.count() == 2


def test_the_loan_add_page_refuses_a_loan_outside_custody(document, county_a_clerk, client_for) -> None:
    client = client_for(county_a_clerk)
    for day, said in (("2026-02-01", "早于证件的交存日期"), ("2026-06-10", "同一证件的借用不能重叠")):
        response = client.post(reverse("admin:supervision_traveldocumentloan_add"), {
            "document": document.pk, "lent_on": day, "due_on": "2026-07-30", "purpose": "赴澳门旅游",
            "approved_by": "张部长"})
        assert response.status_code == 200 and said in response.content.decode()
    document.refresh_from_db()
    assert (document.status, document.loans.count()) == (TravelDocumentStatus.IN_CUSTODY, 1)


def test_the_documents_lend_step_refuses_a_loan_before_the_previous_one_came_back(
    document, county_a_clerk, client_for
) -> None:
    response = client_for(county_a_clerk).post(
        reverse("admin:supervision_traveldocument_lend_step", args=[document.pk]),
        {"lent_on": "2026-06-10", "due_on": "2026-07-30", "purpose": "赴澳门旅游", "approved_by": "张部长"})
    assert response.status_code == 200 and "同一证件的借用不能重叠" in response.content.decode()
    assert document.loans.count() == 1
