"""The cadre page leads to the cadre's supervision timeline."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from cadres.models import Cadre

from ..samples import load_all


def test_the_cadre_page_links_to_the_supervision_timeline(tree: dict[str, Any], county_a_clerk: Any,
                                                           client_for: Any) -> None:
    cadre = load_all()[Cadre](tree["county_a"])
    client = client_for(county_a_clerk)
    page = client.get(reverse("admin:cadres_cadre_change", args=[cadre.pk])).content.decode()
    timeline = reverse("admin:supervision_timeline", args=[cadre.pk])
    assert timeline in page
    assert client.get(timeline).status_code == 200


def test_a_read_only_reviewer_sees_the_link_and_may_follow_it(tree: dict[str, Any], view_only_auditor: Any,
                                                               client_for: Any) -> None:
    cadre = load_all()[Cadre](tree["county_a"])
    client = client_for(view_only_auditor)
    timeline = reverse("admin:supervision_timeline", args=[cadre.pk])
    assert timeline in client.get(reverse("admin:cadres_cadre_change", args=[cadre.pk])).content.decode()
    assert client.get(timeline).status_code == 200
