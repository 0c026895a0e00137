"""A read-only cadre page shows no English label for the photo upload."""

from __future__ import annotations

from typing import Any

from tests.samples.cadres import cadre_in


def test_a_read_only_cadre_page_has_no_photo_upload_row(tree: Any, view_only_auditor: Any, county_a_clerk: Any,
                                                        client_for: Any) -> None:
    cadre = cadre_in(tree["county_a"], name="白波立")
    url = f"/admin/cadres/cadre/{cadre.pk}/change/"
    page = client_for(view_only_auditor).get(url)
    assert page.status_code == 200
    assert "Photo upload" not in page.content.decode() and "photo_upload" not in page.content.decode()
    editor = client_for(county_a_clerk).get(url).content.decode()
    assert 'name="photo_upload"' in editor  # the editor still uploads one
