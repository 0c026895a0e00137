"""凡提四必 佐证材料 are downloaded from their case, by who may open the case, audited;
the case page links there, never to media; a file that is no evidence is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cadres.supervision.models import VettingCheck, VettingResult
from cadres.supervision.services import vetting_open, vetting_record_check
from tests.samples.downloads import (PDF, assert_downloaded, assert_links_only_the_download,
                                     assert_not_found_and_unwritten)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]



def record_file_audit(check: VettingCheck, actor: Any, upload: SimpleUploadedFile) -> VettingCheck:
    return vetting_record_check(check=check, result=VettingResult.CLEAR, checked_on=timezone.localdate(),
                                handler="张敏", evidence=upload, actor=actor)


@pytest.fixture
def checked(cadre_a, county_a_clerk) -> VettingCheck:
    """County A's case with its 档案必审 done and the audit record attached."""
    case = vetting_open(cadre=cadre_a, proposed_post="县发展和改革局局长", nominated_by="县委组织部",
                        nominated_on=timezone.localdate(), actor=county_a_clerk)
    check = case.checks.order_by("pk").first()
    return record_file_audit(check, county_a_clerk, SimpleUploadedFile("档案审核记录.pdf", PDF))


def download_url(check: VettingCheck) -> str:
    return reverse("admin:supervision_vettingcase_file", args=[check.case_id, "checks", check.pk, "evidence"])


def test_the_county_clerk_downloads_the_evidence_of_a_check_with_one_audit_row(checked, county_a_clerk, client_for):
    assert checked.evidence.url == download_url(checked)
    assert_downloaded(client_for(county_a_clerk), download_url(checked), content=PDF, user=county_a_clerk,
                      holder=checked, words="档案审核记录.pdf")


def test_a_clerk_of_another_county_is_told_it_is_not_there_and_nothing_is_written(checked, county_b_clerk, client_for):
    assert_not_found_and_unwritten(client_for(county_b_clerk), download_url(checked))


def test_a_check_number_under_another_case_is_not_found(checked, cadre_b, city_officer, client_for):
    other = vetting_open(cadre=cadre_b, proposed_post="县财政局局长", nominated_by="县委组织部",
                         nominated_on=timezone.localdate(), actor=city_officer)
    url = reverse("admin:supervision_vettingcase_file", args=[other.pk, "checks", checked.pk, "evidence"])
    assert_not_found_and_unwritten(client_for(city_officer), url)


def test_only_a_downloadable_file_field_is_served(checked, county_a_clerk, client_for):
    client = client_for(county_a_clerk)
    for args in ([checked.case_id, "checks", checked.pk, "conclusion"], [checked.case_id, "evidence"]):
        assert_not_found_and_unwritten(client, reverse("admin:supervision_vettingcase_file", args=args))


def test_the_case_page_links_the_evidence_to_its_download_never_to_media(checked, county_a_clerk, client_for):
    page = client_for(county_a_clerk).get(reverse("admin:supervision_vettingcase_change",
                                                  args=[checked.case_id])).content.decode()
    assert_links_only_the_download(page, url=download_url(checked))


def test_a_web_page_named_pdf_is_no_evidence_of_a_check(cadre_a, county_a_clerk):
    case = vetting_open(cadre=cadre_a, proposed_post="县发展和改革局局长", nominated_by="县委组织部",
                        nominated_on=timezone.localdate(), actor=county_a_clerk)
    check = case.checks.order_by("pk").first()
    with pytest.raises(ValidationError) as refused:
        record_file_audit(check, county_a_clerk, SimpleUploadedFile("记录.pdf", b"%PDF-1.4\n<html><script>x</script>"))
    assert "网页或脚本代码" in refused.value.message_dict["evidence"][0]
    check.refresh_from_db()
    assert not check.evidence
