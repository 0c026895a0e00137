"""A 发展党员 file's page in the 细则's chapters: each chapter shows once the file has
reached it or holds something of it, so a new applicant's page is not thirty empty lines
and nothing recorded is ever hidden."""

from __future__ import annotations

import pytest
from django.urls import reverse

from branches.members import services
from branches.members.models import Applicant

from .conftest import SYSTEM, candidate, days_ago, new_applicant, probationary

pytestmark = pytest.mark.django_db


def chapters_of(client, applicant: Applicant) -> dict[str, list[str]]:
    response = client.get(reverse("admin:members_applicant_change", args=[applicant.pk]))
    assert response.status_code == 200
    return {fieldset.name: [line.field["name"] if isinstance(line.field, dict) else line.field.name
                            for fieldline in fieldset for line in fieldline]
            for fieldset in response.context["adminform"]}


def test_a_new_applicants_page_shows_only_the_application_chapter(orgs, client_for, county_a_clerk):
    applicant = new_applicant(orgs["community"], applied_on=days_ago(5))
    chapters = chapters_of(client_for(county_a_clerk), applicant)
    assert list(chapters) == ["入党申请"]
    assert {"name", "branch", "applied_on", "stage", "talked_on"} <= set(chapters["入党申请"])
    page = client_for(county_a_clerk).get(reverse("admin:members_applicant_change", args=[applicant.pk])).content.decode()
    assert "政治审查完成日期" not in page and "入党宣誓日期" not in page


def test_a_probationary_members_file_shows_every_chapter_up_to_the_probation(orgs, contact, client_for, county_a_clerk):
    applicant = probationary(orgs["community"], contact, vote_days_ago=60)
    chapters = chapters_of(client_for(county_a_clerk), applicant)
    assert list(chapters) == ["入党申请", "入党积极分子的确定和培养教育", "发展对象的确定和考察", "预备党员的接收",
                              "预备党员的教育考察和转正"]
    assert "approved_on" in chapters["预备党员的接收"]
    assert "probation_ends_on" in chapters["预备党员的教育考察和转正"]


def test_a_withdrawn_file_shows_the_chapters_it_reached_and_why_it_ended(orgs, client_for, county_a_clerk):
    applicant = new_applicant(orgs["community"], applied_on=days_ago(40))
    services.applicant_talk(applicant=applicant, talked_on=days_ago(30), actor=SYSTEM)
    applicant = services.applicant_cancel(applicant=Applicant.objects.get(pk=applicant.pk), reason="本人申请撤回",
                                          actor=SYSTEM)
    chapters = chapters_of(client_for(county_a_clerk), applicant)
    assert list(chapters) == ["入党申请", "发展程序终止"]
    assert "closed_reason" in chapters["发展程序终止"]


def test_a_chapter_the_file_has_not_reached_still_shows_anything_recorded_in_it(orgs, client_for, county_a_clerk):
    """Older records may hold a date ahead of their stage (an earlier sheet): the page
    hides no recorded value."""
    applicant = new_applicant(orgs["community"], applied_on=days_ago(40))
    Applicant.objects.filter(pk=applicant.pk).update(political_review_on=days_ago(10))
    chapters = chapters_of(client_for(county_a_clerk), Applicant.objects.get(pk=applicant.pk))
    assert list(chapters) == ["入党申请", "发展对象的确定和考察"]


def test_the_review_table_has_no_title_line_over_each_row_repeating_its_cells(orgs, contact, client_for,
                                                                             county_a_clerk):
    """Each 考察记录 row reads its date and opinion in its cells; no line above it repeats
    「李晓 2025-03-01」. A table whose title line links to the row's own page keeps it."""
    from django.contrib import admin

    from branches.members.admin.pipeline import ReviewInline
    from orgwork.admin_base import ScopedInline

    applicant = candidate(orgs["community"], contact)
    reviews = list(applicant.reviews.order_by("reviewed_on"))
    page = client_for(county_a_clerk).get(reverse("admin:members_applicant_change", args=[applicant.pk])).content.decode()
    assert len(reviews) == 2 and all(f"{r.reviewed_on:%Y-%m-%d}" in page for r in reviews)
    assert "group/title" not in page and not any(str(r) in page for r in reviews)
    assert ReviewInline(Applicant, admin.site).hide_title is True
    linked = type("LinkedInline", (ScopedInline,), {"model": Applicant, "show_change_link": True})
    assert linked(Applicant, admin.site).hide_title is False
