"""佐证材料 by content: PDF, JPG/PNG and Office files pass; a renamed program, a macro, a
file that lies about its type or is too large does not — in the service, the record
page's inline and the model's own validation."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orgwork.audit.models import AuditAction, AuditLog
from orgwork.rectification import services
from orgwork.rectification.models import Evidence, ItemState, RectificationItem

from .test_admin import change_form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"This program cannot be run in DOS mode." * 4
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def ooxml(main_part: str = "word/document.xml", *, macro: bool = False, content_types: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if content_types:
            archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns='
                             '"http://schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(main_part, "<document/>")
        if macro:
            archive.writestr(main_part.split("/")[0] + "/vbaProject.bin", b"\x00VBA")
    return buffer.getvalue()



ACCEPTED = [
    ("整改报告.pdf", PDF),
    ("现场照片.png", PNG),
    ("会议照片.JPG", JPEG),
    ("整改方案.docx", ooxml()),
    ("台账.xlsx", ooxml("xl/workbook.xml")),
    ("旧版通知.doc", OLE),
]
REFUSED = [
    ("报告.pdf", EXE, "file_content", "不是真正的PDF文件"),          # an .exe renamed .pdf
    ("tool.exe", EXE, "file_type", "文件类型不能作为佐证材料"),
    ("报告.docx", PDF, "file_content", "不是真正的Office文件"),       # a PDF that claims to be Word
    ("压缩包.docx", ooxml(content_types=False), "file_content", "不是真正的Office文件"),
    ("带宏.docx", ooxml(macro=True), "file_content", "含有宏代码"),
    ("带宏.xls", OLE + "_VBA_PROJECT".encode("utf-16-le"), "file_content", "含有宏代码"),
    ("照片.png", JPEG, "file_content", "不是真正的PNG 图片文件"),
    ("空白.pdf", b"", "file_empty", "是空文件"),
]


@pytest.mark.parametrize(("name", "content"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_a_pdf_an_image_or_an_office_file_is_accepted_as_evidence_with_one_audit_row(
        item_in, county_a_clerk, name, content):
    item = item_in(ItemState.IN_PROGRESS)
    before = AuditLog.objects.count()
    evidence = services.rectification_add_evidence(item=item, actor=county_a_clerk, description="材料",
                                                   file=SimpleUploadedFile(name, content))
    assert evidence.file.read() == content
    [row] = AuditLog.objects.order_by("id")[before:]
    assert (row.action, row.object_id, row.actor) == (AuditAction.CREATE, str(evidence.pk), county_a_clerk)


@pytest.mark.parametrize(("name", "content", "code", "words"), REFUSED, ids=[r[0] for r in REFUSED])
def test_evidence_is_judged_by_its_content_not_its_name(item_in, county_a_clerk, name, content, code, words):
    item = item_in(ItemState.IN_PROGRESS)
    with pytest.raises(ValidationError) as refused:
        services.rectification_add_evidence(item=item, actor=county_a_clerk, file=SimpleUploadedFile(name, content))
    [error] = refused.value.error_dict["file"]
    assert error.code == code and words in error.messages[0] and name in error.messages[0]
    assert not Evidence.objects.exists()


def test_evidence_larger_than_the_setting_is_refused(item_in, county_a_clerk, settings):
    settings.RECTIFICATION_EVIDENCE_MAX_MB = 1
    item = item_in(ItemState.IN_PROGRESS)
    big = PDF + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError, match="超过佐证材料 1 MB 的上限"):
        services.rectification_add_evidence(item=item, actor=county_a_clerk, file=SimpleUploadedFile("大.pdf", big))
    services.rectification_add_evidence(item=item, actor=county_a_clerk,
                                        file=SimpleUploadedFile("小.pdf", PDF + b"0" * 1000))
    assert [e.file.name.rsplit("/", 1)[-1] for e in item.evidence.all()] == ["小.pdf"]


def test_the_model_refuses_a_renamed_program_on_full_clean(item_in):
    item = item_in(ItemState.IN_PROGRESS)
    evidence = Evidence(item=item, file=SimpleUploadedFile("report.pdf", EXE))
    with pytest.raises(ValidationError) as refused:
        evidence.full_clean()
    assert "file" in refused.value.message_dict


def test_the_record_pages_evidence_row_refuses_an_exe_renamed_pdf(item_in, county_a_clerk, client_for):
    item = item_in(ItemState.IN_PROGRESS)
    url = reverse("admin:rectification_rectificationitem_change", args=[item.pk])
    data = change_form_data(item, **{"evidence-TOTAL_FORMS": "1", "evidence-0-description": "整改报告",
                                     "evidence-0-file": SimpleUploadedFile("整改报告.pdf", EXE)})
    response = client_for(county_a_clerk).post(url, data)
    assert response.status_code == 200
    assert "不是真正的PDF文件" in response.content.decode()
    assert not item.evidence.exists()


def test_evidence_cannot_be_removed_once_closure_is_requested(item_in, county_a_clerk, city_officer):
    item = item_in(ItemState.IN_PROGRESS)
    evidence = services.rectification_add_evidence(item=item, actor=county_a_clerk,
                                                   file=SimpleUploadedFile("报告.pdf", PDF))
    services.rectification_request_closure(item=item, actor=county_a_clerk)
    with pytest.raises(ValidationError, match="不能再添加佐证材料，也不能更换或删除已有材料"):
        services.rectification_remove_evidence(evidence=evidence, actor=city_officer)
    assert item.evidence.count() == 1


def test_replacing_an_attachment_on_the_record_page_is_checked_like_adding_one(item_in, county_a_clerk, client_for):
    item = item_in(ItemState.IN_PROGRESS)
    evidence = services.rectification_add_evidence(item=item, actor=county_a_clerk, description="整改报告",
                                                   file=SimpleUploadedFile("报告.pdf", PDF))
    url = reverse("admin:rectification_rectificationitem_change", args=[item.pk])
    data = change_form_data(item, **{"evidence-TOTAL_FORMS": "1", "evidence-INITIAL_FORMS": "1",
                                     "evidence-0-id": evidence.pk, "evidence-0-item": item.pk,
                                     "evidence-0-description": "整改报告",
                                     "evidence-0-file": SimpleUploadedFile("报告.pdf", EXE)})
    client = client_for(county_a_clerk)
    response = client.post(url, data)
    assert response.status_code == 200 and "不是真正的PDF文件" in response.content.decode()
    evidence.refresh_from_db()
    assert evidence.file.read() == PDF
    data["evidence-0-file"] = SimpleUploadedFile("照片.png", PNG)
    data["seen_version"] = RectificationItem.objects.get(pk=item.pk).version
    assert client.post(url, data).status_code == 302
    evidence.refresh_from_db()
    assert evidence.file.name.endswith(".png") and evidence.file.read() == PNG


def test_no_evidence_is_taken_without_an_actor(item_in):
    item = item_in(ItemState.IN_PROGRESS)
    with pytest.raises(ValidationError) as refused:
        services.rectification_add_evidence(item=item, actor=None, file=SimpleUploadedFile("报告.pdf", PDF))
    assert refused.value.code == "no_actor"
