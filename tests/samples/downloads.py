"""What every file download answers: the file as an unsniffed attachment with one audit
row, or a 404 with none; and the record's page links there, never to media."""

from __future__ import annotations

from typing import Any

from orgwork.audit.models import AuditAction, AuditLog

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def last_audit_id() -> int:
    last = AuditLog.objects.order_by("-id").first()
    return last.pk if last else 0


def assert_downloaded(client: Any, url: str, *, content: bytes, user: Any, holder: Any, words: str) -> None:
    before = last_audit_id()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    [row] = AuditLog.objects.filter(pk__gt=before)
    assert (row.action, row.actor, row.object_id) == (AuditAction.EXPORT, user, str(holder.pk))
    assert row.message.startswith("下载") and words in row.message


def assert_not_found_and_unwritten(client: Any, url: str) -> None:
    before = last_audit_id()
    response = client.get(url)
    assert response.status_code == 404
    assert not AuditLog.objects.filter(pk__gt=before).exists()


def assert_links_only_the_download(page: str, *, url: str) -> None:
    assert url in page
    assert "/media/" not in page
