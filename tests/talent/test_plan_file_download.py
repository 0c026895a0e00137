"""培养方案附件 are downloaded from the enrollee's page, by who may open it, audited; the
page links there, never to media; a file that is no document is refused."""

from __future__ import annotations


import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from talent.models import TrainingPlanFile
from tests.samples.downloads import (PDF, assert_downloaded, assert_links_only_the_download,
                                     assert_not_found_and_unwritten)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]



@pytest.fixture
def plan(leading, enroll) -> TrainingPlanFile:
    plan = TrainingPlanFile(enrollment=enroll(leading), file=SimpleUploadedFile("个人培养方案.pdf", PDF),
                            title="个人培养方案")
    plan.full_clean()
    plan.save()
    return plan


def download_url(plan: TrainingPlanFile) -> str:
    return reverse("admin:talent_enrollment_file", args=[plan.enrollment_id, "plan_files", plan.pk, "file"])


def test_the_county_clerk_downloads_the_plan_with_one_audit_row(plan, county_a_clerk, client_for):
    assert plan.file.url == download_url(plan)
    assert_downloaded(client_for(county_a_clerk), download_url(plan), content=PDF, user=county_a_clerk,
                      holder=plan, words="个人培养方案.pdf")


def test_a_clerk_of_another_county_is_told_it_is_not_there_and_nothing_is_written(plan, county_b_clerk, client_for):
    assert_not_found_and_unwritten(client_for(county_b_clerk), download_url(plan))


def test_the_enrollee_page_links_the_plan_to_its_download_never_to_media(plan, county_a_clerk, client_for):
    page = client_for(county_a_clerk).get(reverse("admin:talent_enrollment_change",
                                                  args=[plan.enrollment_id])).content.decode()
    assert_links_only_the_download(page, url=download_url(plan))


def test_a_renamed_program_is_no_training_plan_and_is_told_so_by_its_own_name(leading, enroll):
    plan = TrainingPlanFile(enrollment=enroll(leading), file=SimpleUploadedFile("方案.pdf", b"MZ\x90\x00program"))
    with pytest.raises(ValidationError) as refused:
        plan.full_clean()
    [message] = refused.value.message_dict["file"]
    assert "方案.pdf" in message and "不能作为培养方案附件" in message and "佐证材料" not in message
