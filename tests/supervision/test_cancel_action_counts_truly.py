"""The list's 注销证件 batch tells a document already 注销 among those not done, with its
state, rather than counting it as done (``orgwork.admin_actions.already``)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import strip_tags

from cadres.supervision.models import TravelDocument, TravelDocumentStatus, TravelDocumentType
from cadres.supervision.services import travel_document_cancel

from .helpers import SYSTEM

pytestmark = pytest.mark.django_db


def deposited(cadre, number: str) -> TravelDocument:  # type: ignore[no-untyped-def]
    document = TravelDocument(holder=cadre, document_type=TravelDocumentType.PASSPORT, number=number,
                              deposited_on=datetime.date(2026, 3, 1), expires_on=datetime.date(2030, 1, 1))
    document.full_clean()
    document.save()
    return document


def test_the_cancel_action_tells_a_document_already_cancelled_apart(cadre_a, county_a_clerk, client_for) -> None:
    gone, kept = deposited(cadre_a, "E11223344"), deposited(cadre_a, "E55667788")
    travel_document_cancel(document=gone, reason="已过期", actor=SYSTEM)
    response = client_for(county_a_clerk).post(reverse("admin:supervision_traveldocument_changelist"), {
        "action": "cancel_documents", "_selected_action": [gone.pk, kept.pk], "apply": "1", "reason": "证件过期"})
    (message,) = [strip_tags(str(m)) for m in get_messages(response.wsgi_request)]
    assert message.startswith("注销：已办理 1 条，未办理 1 条。") and "已注销，无需再办理" in message
    assert TravelDocument.objects.get(pk=kept.pk).status == TravelDocumentStatus.CANCELLED
