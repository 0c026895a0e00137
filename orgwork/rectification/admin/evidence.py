"""佐证材料的下载: an item's evidence file, served to who may open the item.

Uploaded files are personnel secrets and are never served as media. A file is reached
only here, at ``…/rectificationitem/<item>/evidence/<evidence>/``: the item is looked
up through the item admin's own ``get_queryset`` (the user's jurisdiction and the kinds
of record they may see), so a user who cannot open the item's page cannot take its
files, and is answered as for a record that does not exist. The file is sent as an
attachment that the browser may not sniff, and each download is one audit row
(``evidence.evidence_download``).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from orgwork.admin_files import attachment_response

from ..evidence import evidence_download
from ..models import Evidence

NOT_FOUND = "没有找到这份佐证材料，或者它所属的整改事项不在您的管辖范围内。"


class EvidenceDownloadMixin:
    """The item admin's download of its evidence files."""

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view  # type: ignore[attr-defined]
        return [
            path("<int:object_id>/evidence/<int:evidence_id>/", wrap(self.evidence_download_view),
                 name="rectification_rectificationitem_evidence"),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def evidence_download_view(self, request: HttpRequest, object_id: int, evidence_id: int) -> HttpResponse:
        item = self.get_object(request, str(object_id))  # type: ignore[attr-defined]
        if item is None or not self.has_view_or_change_permission(request, item):  # type: ignore[attr-defined]
            raise Http404(NOT_FOUND)
        evidence = Evidence.objects.filter(pk=evidence_id, item=item).select_related("item").first()
        if evidence is None or not evidence.file:
            raise Http404(NOT_FOUND)
        response = attachment_response(evidence.file, not_found=NOT_FOUND, default_name="佐证材料")
        evidence_download(evidence=evidence, user=request.user)
        return response
