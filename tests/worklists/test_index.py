"""The 台账 index: every list the apps register, under its section, for staff who hold its permission."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from orgwork.worklists import registry

DOMAIN_LISTS = {
    "cadres_low_political_score", "cadres_excellent_below_90", "cadres_merit_candidates", "cadres_over_quota",
    "supervision_vetting_during_influence", "supervision_discrepancies_unhandled", "supervision_files_suspected",
    "supervision_travel_overdue", "supervision_handling_not_carried_out",
    "supervision_findings_not_carried_out", "branches_missing_meetings", "branches_weak_overdue",
    "rectification_overdue_or_returned", "talent_unqualified_not_exited", "talent_cards_expiring",
    "talent_green_requests_overdue",
}


def test_every_domain_list_is_registered_with_chinese_headers_and_a_filterset() -> None:
    lists = {w.slug: w for w in registry.all_lists()}
    assert DOMAIN_LISTS <= set(lists)
    for slug in DOMAIN_LISTS:
        worklist = lists[slug]
        assert worklist.filterset_class is not None and worklist.row_link is not None, slug
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in c.header) for c in worklist.columns), slug
        if any(c.sensitive for c in worklist.columns):
            assert worklist.unmask_permission and worklist.unmask_permission.endswith(".view_unmasked_id_number")


def test_a_county_clerk_finds_every_list_on_the_index_and_each_page_opens(county_a_clerk: Any, client_for: Any) -> None:
    client = client_for(county_a_clerk)
    html = client.get(reverse("admin:worklists")).content.decode()
    for slug in DOMAIN_LISTS:
        worklist = registry.get(slug)
        assert worklist is not None and worklist.title in html
        assert client.get(reverse("admin:worklist", args=[slug])).status_code == 200, slug


def test_someone_without_a_business_role_sees_no_domain_list(personas: dict[str, Any], client_for: Any) -> None:
    html = client_for(personas["security_admin"]).get(reverse("admin:worklists")).content.decode()
    assert not any(registry.get(slug).title in html for slug in DOMAIN_LISTS)
