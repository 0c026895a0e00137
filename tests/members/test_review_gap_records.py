"""Files stored before the half-yearly 考察 rule held: a 发展对象 decision recorded after
more than six months without a 考察 and with no reason. The integrity list names them for
the annual 发展党员质量 check, and 补记考察逾期原因 records the reason afterwards, at any
later stage, through its service and the file's page; the decision itself stands."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.members import services, worklists
from branches.members.models import ActivistReview, Applicant, Stage
from orgwork.audit.models import AuditLog

from .conftest import candidate, days_ago, probationary
from .test_record_steps import buttons, page, step_url
from .test_worklists import page as worklist_page

pytestmark = pytest.mark.django_db
REASON = "积极分子外出务工半年，返乡后补行考察"


def stored_with_a_gap(file: Applicant) -> Applicant:
    """The file as stored before the rule held: its first 考察 (210 days after applying)
    never made, so 340 days passed between the designation and the next one."""
    first = file.reviews.order_by("reviewed_on").first()
    ActivistReview.objects.filter(pk=first.pk).delete()
    file.refresh_from_db()
    return file


def test_a_file_with_an_unexplained_gap_is_listed_with_the_stretch_and_scoped(orgs, member, client_for,
                                                                              county_a_clerk, county_b_clerk):
    gapped = stored_with_a_gap(candidate(orgs["community"], member))
    kept = candidate(orgs["village"], member)
    elsewhere = stored_with_a_gap(candidate(orgs["county_b"], member))
    body = worklist_page(client_for(county_a_clerk), worklists.SLUG_REVIEW_GAPS)
    link = lambda a: reverse("admin:members_applicant_change", args=[a.pk])  # noqa: E731
    assert link(gapped) in body and link(kept) not in body and link(elsewhere) not in body
    assert "完整性检查未通过" in body
    assert f"{days_ago(760):%Y-%m-%d}至{days_ago(420):%Y-%m-%d}" in body
    assert link(elsewhere) in worklist_page(client_for(county_b_clerk), worklists.SLUG_REVIEW_GAPS)


def test_the_reason_recorded_afterwards_takes_a_probationers_file_off_the_list_once_and_audited(
        orgs, member, client_for, county_a_clerk):
    file = stored_with_a_gap(probationary(orgs["community"], member, vote_days_ago=100))
    assert file.stage == Stage.PROBATIONARY
    before = AuditLog.objects.count()
    services.applicant_explain_review_gap(applicant=file, reason=f"  {REASON} ", actor=county_a_clerk)
    file.refresh_from_db()
    assert file.review_late_reason == REASON and file.stage == Stage.PROBATIONARY
    assert AuditLog.objects.count() == before + 1
    assert "（完整性检查通过）" in worklist_page(client_for(county_a_clerk), worklists.SLUG_REVIEW_GAPS)
    with pytest.raises(ValidationError, match="不能再次补记"):
        services.applicant_explain_review_gap(applicant=file, reason="另一原因", actor=county_a_clerk)


def test_a_reason_is_refused_where_no_stretch_passed_six_months_or_none_is_given(orgs, member, county_a_clerk):
    kept = candidate(orgs["community"], member)
    with pytest.raises(ValidationError) as error:
        services.applicant_explain_review_gap(applicant=kept, reason=REASON, actor=county_a_clerk)
    assert error.value.message_dict["review_late_reason"] == [services.REVIEW_GAP_NONE]
    gapped = stored_with_a_gap(candidate(orgs["village"], member))
    with pytest.raises(ValidationError, match="请填写考察逾期原因"):
        services.applicant_explain_review_gap(applicant=gapped, reason="   ", actor=county_a_clerk)
    assert Applicant.objects.get(pk=gapped.pk).review_late_reason == ""


def test_the_files_page_offers_the_step_only_to_a_gapped_file_and_takes_the_reason(orgs, member, client_for,
                                                                                  county_a_clerk, county_b_clerk):
    client = client_for(county_a_clerk)
    kept = candidate(orgs["village"], member)
    assert "explain-review-gap" not in buttons(page(client, kept))
    gapped = stored_with_a_gap(candidate(orgs["community"], member))
    assert "explain-review-gap" in buttons(page(client, gapped))
    assert client_for(county_b_clerk).get(step_url(gapped, "explain-review-gap")).status_code == 404
    refused = client.post(step_url(gapped, "explain-review-gap"), {"reason": ""})
    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    done = client.post(step_url(gapped, "explain-review-gap"), {"reason": REASON})
    assert done.status_code == 302
    assert Applicant.objects.get(pk=gapped.pk).review_late_reason == REASON
    assert "explain-review-gap" not in buttons(page(client, gapped))
    assert REASON in page(client, gapped)


def test_the_list_costs_the_same_queries_for_one_file_as_for_three(orgs, member, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    url = reverse("admin:worklist", args=[worklists.SLUG_REVIEW_GAPS])

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    stored_with_a_gap(candidate(orgs["community"], member))
    one = cost()
    for branch in ("village", "community"):
        stored_with_a_gap(candidate(orgs[branch], member))
    assert len(client.get(url).context["table"]) == 3
    assert cost() == one
