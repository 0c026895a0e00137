"""选人用人工作报告的附件 is downloaded from the report, by who may open the report,
audited; the report page links there, never to media."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadres.selection.models import SelectionReport
from cadres.selection.services import selection_report_save
from tests.samples.downloads import (PDF, assert_downloaded, assert_links_only_the_download,
                                     assert_not_found_and_unwritten)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]



@pytest.fixture
def report(tree, county_a_clerk) -> SelectionReport:
    return selection_report_save(report=SelectionReport(
        unit=tree["county_a"], year=2025, reported_on=datetime.date(2026, 1, 10),
        attachment=SimpleUploadedFile("选人用人工作报告.pdf", PDF)), actor=county_a_clerk)


def download_url(report: SelectionReport) -> str:
    return reverse("admin:selection_selectionreport_file", args=[report.pk, "attachment"])


def test_the_county_clerk_downloads_the_report_with_one_audit_row(report, county_a_clerk, client_for):
    assert report.attachment.url == download_url(report)
    assert_downloaded(client_for(county_a_clerk), download_url(report), content=PDF, user=county_a_clerk,
                      holder=report, words="选人用人工作报告.pdf")


def test_a_clerk_of_another_county_is_told_it_is_not_there_and_nothing_is_written(report, county_b_clerk, client_for):
    assert_not_found_and_unwritten(client_for(county_b_clerk), download_url(report))


def test_a_field_that_is_no_file_is_not_served(report, county_a_clerk, client_for):
    url = reverse("admin:selection_selectionreport_file", args=[report.pk, "text"])
    assert_not_found_and_unwritten(client_for(county_a_clerk), url)


def test_the_report_page_links_the_attachment_to_its_download_never_to_media(report, county_a_clerk, client_for):
    page = client_for(county_a_clerk).get(reverse("admin:selection_selectionreport_change",
                                                  args=[report.pk])).content.decode()
    assert_links_only_the_download(page, url=download_url(report))


def test_a_program_is_no_report_attachment_and_is_told_so_by_its_own_name(tree, county_a_clerk):
    with pytest.raises(ValidationError) as refused:
        selection_report_save(report=SelectionReport(
            unit=tree["county_a"], year=2025, reported_on=datetime.date(2026, 1, 10),
            attachment=SimpleUploadedFile("报告.exe", b"MZ\x90\x00program")), actor=county_a_clerk)
    [message] = refused.value.message_dict["attachment"]
    assert "报告.exe" in message and "不能作为报告附件" in message and "佐证材料" not in message
    assert not SelectionReport.objects.exists()
