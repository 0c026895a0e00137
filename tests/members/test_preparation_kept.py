"""发展党员档案只向前走: the 政审、培训、公示 on record are kept. 「登记政审、培训、公示」 fills in
what is not yet recorded; a value on record given again as it stands changes nothing, and
one cleared (a count of 0) or rewritten is refused under its field, in the words the sheet
uses — in the service, on the step's page, through the list's batch action, and alike on
the sheet."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members import services
from branches.members.models import Applicant
from branches.members.resources import ApplicantResource
from orgwork.audit.models import AuditLog

from .conftest import SYSTEM, candidate, days_ago, file_sheet_row, run_sheet
from .test_applicant_sheet import HEAD

pytestmark = pytest.mark.django_db
DAYS_KEPT = "档案中已记录的集中培训天数（3）不能清空或修改。"


def review_kept() -> str:
    return f"档案中已记录的政治审查完成日期（{days_ago(160).isoformat()}）不能清空或修改。"


def publicity_kept() -> str:
    return f"档案中已记录的公示结束日期（{days_ago(150).isoformat()}）不能清空或修改。"


def prepared(orgs: Any, member: Any) -> Applicant:
    """A 发展对象 whose 政审 (160 days ago), 3 days of 培训 and 公示 (150 days ago) are on record."""
    return candidate(orgs["community"], member, applied_days_ago=600)


def assert_kept(file: Applicant) -> None:
    stored = Applicant.objects.get(pk=file.pk)
    assert (stored.political_review_on, stored.training_days, stored.training_hours, stored.publicity_on) == (
        days_ago(160), 3, 0, days_ago(150))


def test_the_preparation_step_cannot_clear_or_rewrite_what_is_on_record(orgs, member):
    file = prepared(orgs, member)
    audits = AuditLog.objects.count()
    with pytest.raises(ValidationError) as error:
        services.applicant_record_preparation(applicant=file, training_days=0, political_review_on=days_ago(155),
                                              publicity_on=days_ago(140), actor=SYSTEM)
    assert error.value.message_dict == {"training_days": [DAYS_KEPT], "political_review_on": [review_kept()],
                                        "publicity_on": [publicity_kept()]}
    assert_kept(file)
    assert AuditLog.objects.count() == audits
    # Given again as they stand, the values on record let the step fill in what is missing.
    done = services.applicant_record_preparation(applicant=file, political_review_on=days_ago(160), training_days=3,
                                                 training_hours=24, publicity_on=days_ago(150), actor=SYSTEM)
    assert Applicant.objects.get(pk=done.pk).training_hours == 24


def test_the_preparation_page_refuses_clearing_the_training_days_under_the_field(orgs, member, client_for,
                                                                                county_a_clerk):
    file = prepared(orgs, member)
    client = client_for(county_a_clerk)
    page = client.post(f"/admin/members/applicant/{file.pk}/record-preparation/", {"training_days": "0"})
    assert page.status_code == 200
    assert page.context["form"].errors == {"training_days": [DAYS_KEPT]}
    assert_kept(file)
    # The page posting the stored values unchanged, with what is new, still records it.
    page = client.post(f"/admin/members/applicant/{file.pk}/record-preparation/", {
        "political_review_on": days_ago(160).isoformat(), "training_days": "3", "training_hours": "24",
        "publicity_on": days_ago(150).isoformat()})
    assert page.status_code == 302
    assert Applicant.objects.get(pk=file.pk).training_hours == 24


def test_the_batch_preparation_passes_over_a_file_whose_publicity_it_would_rewrite(orgs, member, client_for,
                                                                                   county_a_clerk):
    file = prepared(orgs, member)
    page = client_for(county_a_clerk).post(reverse("admin:members_applicant_changelist"), {
        "action": "record_preparation", "_selected_action": [file.pk], "apply": "1",
        "publicity_on": days_ago(140).isoformat()}, follow=True)
    assert page.status_code == 200
    assert_kept(file)
    assert f"「{file.batch_label}」：{publicity_kept()}" in page.content.decode()


def test_the_preparation_page_and_the_sheet_refuse_rewriting_the_political_review_in_the_same_words(
        tmp_path, orgs, member, client_for, county_a_clerk):
    file = prepared(orgs, member)
    result = run_sheet(tmp_path, [HEAD, file_sheet_row(file, HEAD, **{"政治审查完成日期": days_ago(155).isoformat()})],
                       ApplicantResource, county_a_clerk)
    assert not result.committed
    assert [(e.column, e.message) for e in result.errors] == [
        ("政治审查完成日期", review_kept().replace("不能清空", "不能在表中清空"))]
    page = client_for(county_a_clerk).post(f"/admin/members/applicant/{file.pk}/record-preparation/",
                                           {"political_review_on": days_ago(155).isoformat()})
    assert page.status_code == 200 and page.context["form"].errors == {"political_review_on": [review_kept()]}
    assert_kept(file)
