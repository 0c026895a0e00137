"""A 培养联系人 is a 正式党员 on the day of the 确定为入党积极分子, not only today: one made
full (转正) after that day is refused on the step page, the batch action, the applicants'
sheet and the service, in the same words; one full by then is taken."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from branches.members import services
from branches.members.models import Applicant, Member, Stage
from branches.members.resources import ApplicantResource
from orgwork.audit.models import AuditAction, AuditLog

from .conftest import SYSTEM, add_member, days_ago, file_sheet_row, new_applicant, run_sheet
from .test_applicant_sheet import HEAD
from .test_batch_parity import batch, step_page

pytestmark = pytest.mark.django_db


def decided_day() -> datetime.date:
    return days_ago(300)


@pytest.fixture
def lately_full(orgs: Any) -> Member:
    """A member who joined 500 days ago and was made full a year later, some 135 days ago."""
    return add_member(orgs["community"], "新转正", joined_on=days_ago(500))


@pytest.fixture
def talked_to(orgs: Any) -> Applicant:
    file = new_applicant(orgs["community"], applied_on=days_ago(340), name="陈思")
    return services.applicant_talk(applicant=file, talked_on=days_ago(330), actor=SYSTEM)


def refusal(contact: Member) -> str:
    return (f"培养联系人「{contact.name}」于{contact.full_on:%Y-%m-%d}转正，确定为入党积极分子之日"
            f"（{decided_day():%Y-%m-%d}）还不是正式党员：培养联系人须是确定之日的正式党员。")


def written() -> int:
    return AuditLog.objects.filter(action__in=[AuditAction.CREATE, AuditAction.UPDATE,
                                               AuditAction.TRANSITION]).count()


def still_applied(file: Applicant, audits: int) -> None:
    stored = Applicant.objects.get(pk=file.pk)
    assert (stored.stage, stored.activist_on, stored.contact_1_id) == (Stage.APPLIED, None, None)
    assert written() == audits


def test_the_activist_page_refuses_a_contact_made_full_after_the_decision(lately_full, talked_to, client_for,
                                                                          county_a_clerk):
    assert decided_day() < lately_full.full_on
    audits = written()
    page = client_for(county_a_clerk).post(step_page(talked_to, "make-activist"),
                                           {"day": decided_day().isoformat(), "contact_1": lately_full.pk})
    assert page.status_code == 200 and refusal(lately_full) in page.content.decode()
    still_applied(talked_to, audits)


def test_the_batch_action_refuses_a_contact_made_full_after_the_decision(lately_full, talked_to, client_for,
                                                                         county_a_clerk):
    audits = written()
    text = batch(client_for(county_a_clerk), "applicant", "make_activist", [talked_to.pk],
                 day=decided_day().isoformat(), contact_1=lately_full.pk)
    assert refusal(lately_full) in text, text
    still_applied(talked_to, audits)


def test_the_applicants_sheet_refuses_a_contact_made_full_after_the_decision(tmp_path, lately_full, talked_to,
                                                                             county_a_clerk):
    audits = written()
    result = run_sheet(tmp_path, [HEAD, file_sheet_row(talked_to, HEAD, **{
        "确定为入党积极分子日期": decided_day().isoformat(), "培养联系人一身份证号": lately_full.id_number})],
        ApplicantResource, county_a_clerk)
    assert not result.committed
    assert [(e.column, e.message) for e in result.errors] == [("培养联系人一身份证号", refusal(lately_full))]
    still_applied(talked_to, audits)


def test_the_service_refuses_the_contact_then_and_takes_him_for_a_decision_after_his_full_date(
        lately_full, talked_to, county_a_clerk):
    with pytest.raises(ValidationError) as refused:
        services.applicant_make_activist(applicant=talked_to, decided_on=decided_day(), contacts=[lately_full],
                                         actor=county_a_clerk)
    assert refused.value.message_dict == {"contact_1": [refusal(lately_full)]}
    done = services.applicant_make_activist(applicant=talked_to, decided_on=lately_full.full_on,
                                            contacts=[lately_full], actor=county_a_clerk)
    assert (done.stage, done.contact_1_id) == (Stage.ACTIVIST, lately_full.pk)


def test_the_sheet_takes_a_contact_full_on_the_day_of_the_decision(tmp_path, lately_full, talked_to,
                                                                   county_a_clerk):
    result = run_sheet(tmp_path, [HEAD, file_sheet_row(talked_to, HEAD, **{
        "确定为入党积极分子日期": lately_full.full_on.isoformat(), "培养联系人一身份证号": lately_full.id_number})],
        ApplicantResource, county_a_clerk)
    assert result.committed, [(e.column, e.message) for e in result.errors]
    assert Applicant.objects.get(pk=talked_to.pk).contact_1_id == lately_full.pk
