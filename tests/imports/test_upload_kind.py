"""The upload page recognises a sheet's kind from its headers, and labels a job with errors as such."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadres.resources import AssessmentResource, CadreResource
from orgwork.imports.exporting import template_xlsx
from orgwork.imports.models import ImportJob, JobStatus

pytestmark = pytest.mark.django_db


def upload(client: Any, resource: str, content: bytes) -> Any:
    return client.post(reverse("admin:imports_importjob_add"),
                       {"resource": resource, "file": SimpleUploadedFile("报送.xlsx", content)})


def test_a_sheet_uploaded_without_a_kind_is_recognised_from_its_headers(media: Path, county_a_clerk: Any,
                                                                        client_for: Any) -> None:
    answer = upload(client_for(county_a_clerk), "", template_xlsx(AssessmentResource))
    assert answer.status_code == 302, answer.content.decode()[:3000]
    assert ImportJob.objects.get().resource == "cadre_assessments"


def test_a_kind_the_headers_contradict_is_sent_back_before_anything_is_stored(media: Path, county_a_clerk: Any,
                                                                              client_for: Any) -> None:
    answer = upload(client_for(county_a_clerk), "cadres", template_xlsx(AssessmentResource))
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "相符" in text and "请核对导入类型" in text
    assert not ImportJob.objects.exists()


def test_a_sheet_of_a_kind_the_clerk_may_not_import_is_named_not_taken_for_another(
        media: Path, make_staff: Any, tree: Any, client_for: Any) -> None:
    """A party-building clerk's 年度考核 sheet was recognised as 民主评议党员 (the nearest
    kind the clerk may import) and then refused for missing columns."""
    from orgwork.accounts import roles

    party_clerk = make_staff("party_clerk_kind", tree["county_a"], roles.PARTY_BUILDING)
    answer = upload(client_for(party_clerk), "", template_xlsx(AssessmentResource))
    assert answer.status_code == 200
    assert "文件的表头与「年度考核」相符，您没有导入该类数据的权限" in answer.content.decode()
    assert not ImportJob.objects.exists()


def test_the_kind_that_matches_is_accepted_as_chosen(media: Path, county_a_clerk: Any, client_for: Any) -> None:
    assert upload(client_for(county_a_clerk), "cadres", template_xlsx(CadreResource)).status_code == 302
    assert ImportJob.objects.get().resource == "cadres"


def test_the_upload_page_offers_recognition_first(county_a_clerk: Any, client_for: Any) -> None:
    page = client_for(county_a_clerk).get(reverse("admin:imports_importjob_add"))
    choices = page.context["form"].fields["resource"].choices
    assert choices[0] == ("", "根据表头自动识别") and "根据表头自动识别" in page.content.decode()


def test_a_validated_job_with_errors_reads_as_having_errors(county_a_clerk: Any) -> None:
    job = ImportJob(status=JobStatus.AWAITING, error_count=3)
    assert job.status_label == "有错误"
    assert ImportJob(status=JobStatus.AWAITING, error_count=0).status_label == "待确认"
