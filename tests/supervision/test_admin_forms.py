"""The add/change forms that go through services: opening a case, recording the four
checks inline, registering a loan, recording a spot-check outcome."""

from __future__ import annotations

import datetime

from django.urls import reverse

from cadres.supervision.models import (
    SpotCheckOutcome,
    TravelDocumentStatus,
    VettingCase,
    VettingCheckKind,
    VettingResult,
)
from tests.samples.supervision import spot_check_sample, travel_document_sample


def test_a_case_opened_in_the_admin_gets_its_four_checks_and_they_are_recorded_inline(
    cadre_a, county_a_clerk, client_for
) -> None:
    client = client_for(county_a_clerk)
    response = client.post(reverse("admin:supervision_vettingcase_add"), {
        "cadre": cadre_a.pk, "proposed_post": "区财政局局长", "proposed_rank": "township_chief", "nominated_by": "区委组织部",
        "nominated_on": "2026-03-02",
    })
    assert response.status_code == 302
    case = VettingCase.objects.get(cadre=cadre_a)
    checks = list(case.checks.order_by("id"))
    assert [c.kind for c in checks] == list(VettingCheckKind.values)
    data = {"cadre": cadre_a.pk, "proposed_post": "区财政局局长", "nominated_by": "区委组织部",
            "nominated_on": "2026-03-02", "checks-TOTAL_FORMS": "4", "checks-INITIAL_FORMS": "4",
            "checks-MIN_NUM_FORMS": "0", "checks-MAX_NUM_FORMS": "4"}
    for i, check in enumerate(checks):
        data.update({f"checks-{i}-id": check.pk, f"checks-{i}-case": case.pk, f"checks-{i}-result": "pending",
                     f"checks-{i}-checked_on": "", f"checks-{i}-handler": "", f"checks-{i}-conclusion": ""})
    data.update({"checks-0-result": "clear", "checks-0-checked_on": "2026-03-05", "checks-0-handler": "赵明",
                 "checks-0-conclusion": "档案经审核无问题"})
    response = client.post(reverse("admin:supervision_vettingcase_change", args=[case.pk]), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    checks[0].refresh_from_db()
    assert (checks[0].result, checks[0].handler) == (VettingResult.CLEAR, "赵明")
    # A result without a date and a handler is refused on the form.
    data.update({"checks-1-result": "clear"})
    response = client.post(reverse("admin:supervision_vettingcase_change", args=[case.pk]), data)
    assert response.status_code == 200 and "须填写核查日期" in response.content.decode()


def test_a_loan_registered_in_the_admin_lends_the_document(tree, county_a_clerk, client_for) -> None:
    document = travel_document_sample(tree["county_a"])
    response = client_for(county_a_clerk).post(reverse("admin:supervision_traveldocumentloan_add"), {
        "document": document.pk, "lent_on": "2026-04-01", "due_on": "2026-04-15", "purpose": "赴香港探亲",
        "approved_by": "张部长",
    })
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == TravelDocumentStatus.LENT and document.loans.get().due_on == datetime.date(2026, 4, 15)


def test_a_spot_check_outcome_is_recorded_through_the_change_form(tree, county_a_clerk, client_for) -> None:
    check = spot_check_sample(tree["county_a"])
    url = reverse("admin:supervision_spotcheck_change", args=[check.pk])
    client = client_for(county_a_clerk)
    refused = client.post(url, {"outcome": "concealed", "checked_on": "2026-04-02", "findings": "", "handling": ""})
    assert refused.status_code == 200 and "须写明核查情况" in refused.content.decode()
    client.post(url, {"outcome": "concealed", "checked_on": "2026-04-02", "findings": "瞒报股票投资", "handling": ""})
    check.refresh_from_db()
    assert (check.outcome, check.resolved_on) == (SpotCheckOutcome.CONCEALED, None)
