"""佐证材料 are downloaded from the item, by who may open the item, as an attachment the
browser may not sniff, one audit row each; the item page links there, never to media.
An upload that only begins like a PDF (a web page behind ``%PDF-1.4``) is refused."""

from __future__ import annotations


import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orgwork.audit.models import AuditAction, AuditLog
from orgwork.rectification import services
from orgwork.rectification.models import Evidence, ItemState

from .test_evidence import PDF, PNG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]



@pytest.fixture
def report(item_in, county_a_clerk) -> Evidence:
    """County A's item waiting for the city's sign-off, with its 整改报告 attached."""
    item = item_in(ItemState.IN_PROGRESS)
    evidence = services.rectification_add_evidence(item=item, actor=county_a_clerk, description="整改报告",
                                                   file=SimpleUploadedFile("整改报告.pdf", PDF))
    services.rectification_request_closure(item=item, actor=county_a_clerk)
    return evidence


def download_url(evidence: Evidence) -> str:
    return reverse("admin:rectification_rectificationitem_evidence", args=[evidence.item_id, evidence.pk])


def last_audit_id() -> int:
    last = AuditLog.objects.order_by("-id").first()
    return last.pk if last else 0


def test_the_reviewer_downloads_the_evidence_as_an_unsniffed_attachment_with_one_audit_row(
        report, city_officer, client_for):
    client = client_for(city_officer)
    before = last_audit_id()
    response = client.get(download_url(report))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    [row] = AuditLog.objects.filter(pk__gt=before)
    assert (row.action, row.actor, row.object_id) == (AuditAction.EXPORT, city_officer, str(report.pk))
    assert row.message.startswith("下载整改事项") and "整改报告" in row.message


def test_a_clerk_of_another_county_is_told_the_evidence_is_not_there_and_nothing_is_written(
        report, county_b_clerk, client_for):
    client = client_for(county_b_clerk)
    before = last_audit_id()
    response = client.get(download_url(report))
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and PDF.decode() not in page
    assert not AuditLog.objects.filter(pk__gt=before).exists()


def test_an_evidence_number_under_another_item_is_not_found(report, item_in, city_officer, client_for):
    other = item_in(ItemState.IN_PROGRESS, problem="组织生活不规范")
    url = reverse("admin:rectification_rectificationitem_evidence", args=[other.pk, report.pk])
    client = client_for(city_officer)
    before = last_audit_id()
    assert client.get(url).status_code == 404
    assert not AuditLog.objects.filter(pk__gt=before).exists()


def test_the_item_page_links_the_evidence_to_its_download_never_to_media(report, city_officer, client_for):
    page = client_for(city_officer).get(reverse("admin:rectification_rectificationitem_change",
                                                args=[report.item_id])).content.decode()
    assert download_url(report) in page
    assert "/media/" not in page and report.file.name not in page


def test_the_upload_widget_of_an_open_item_links_to_the_download(item_in, county_a_clerk, client_for):
    item = item_in(ItemState.IN_PROGRESS)
    evidence = services.rectification_add_evidence(item=item, actor=county_a_clerk,
                                                   file=SimpleUploadedFile("现场照片.png", PNG))
    page = client_for(county_a_clerk).get(reverse("admin:rectification_rectificationitem_change",
                                                  args=[item.pk])).content.decode()
    assert download_url(evidence) in page and "/media/" not in page


REFUSED = [
    ("网页.pdf", b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n%%EOF", "网页或脚本代码"),
    ("网页2.pdf", b"%PDF-1.4\n<!DOCTYPE html><title>x</title>", "网页或脚本代码"),
    ("截断.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n" + b"0" * 4096, "缺少 PDF 文件结尾标记"),
    ("照片.png", PNG + b"<script>alert(1)</script>", "网页或脚本代码"),
]


@pytest.mark.parametrize(("name", "content", "words"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_file_that_only_begins_like_a_pdf_or_an_image_is_refused_in_chinese(
        item_in, county_a_clerk, name, content, words):
    item = item_in(ItemState.IN_PROGRESS)
    with pytest.raises(ValidationError) as refused:
        services.rectification_add_evidence(item=item, actor=county_a_clerk, file=SimpleUploadedFile(name, content))
    [error] = refused.value.error_dict["file"]
    assert error.code == "file_content" and words in error.messages[0] and name in error.messages[0]
    assert not Evidence.objects.exists()
