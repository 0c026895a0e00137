"""What a record page reads: the record once, however many parts of the page ask for it
(the form, its steps, its timeline, the full-ID audit); an inline row's parent from the
page, not once per row; a computed read-only field once, though the skin names it three
times."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.members import services
from orgwork.admin_base import once_per_record

from .conftest import SYSTEM, activist, add_member, days_ago

pytestmark = pytest.mark.django_db


def reads(client, url: str, pattern: str) -> tuple[int, str]:
    """How many of the page's queries match ``pattern``, and the page."""
    client.get(url)  # sessions, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return sum(1 for q in queries.captured_queries if re.search(pattern, q["sql"])), response.content.decode()


def test_a_members_page_reads_the_member_once_though_its_steps_timeline_and_form_each_ask(orgs, client_for,
                                                                                         county_a_clerk):
    member = add_member(orgs["community"], "张志强")
    url = reverse("admin:members_member_change", args=[member.pk])
    count, html = reads(client_for(county_a_clerk), url, rf'FROM "members_member" .*"members_member"."id" = {member.pk}\b')
    assert count == 1
    assert "办理组织关系转接" in html and "张志强" in html  # the steps and the form are there


def test_a_refused_step_reads_the_record_afresh_for_its_form(orgs, client_for, county_a_clerk):
    """A POST does not share the record: the refusal's page shows the stored state."""
    contact = add_member(orgs["community"], "张志强")
    a = activist(orgs["community"], contact, applied_days_ago=100)
    response = client_for(county_a_clerk).post(f"/admin/members/applicant/{a.pk}/make-candidate/",
                                               {"day": days_ago(1).isoformat()})
    assert response.status_code == 200 and "一年" in response.content.decode()


def test_an_applicants_page_reads_the_applicant_once_however_many_reviews_it_lists(orgs, client_for, county_a_clerk):
    contact = add_member(orgs["community"], "张志强")
    a = activist(orgs["community"], contact, applied_days_ago=900)
    url = reverse("admin:members_applicant_change", args=[a.pk])
    client = client_for(county_a_clerk)
    pattern = rf'FROM "members_applicant" .*"members_applicant"."id" = {a.pk}\b'
    counts = []
    for n, back in enumerate((600, 400, 200), start=1):
        services.applicant_review(applicant=a, reviewed_on=days_ago(back), summary=f"第{n}次考察", actor=SYSTEM)
        count, html = reads(client, url, pattern)
        assert f"第{n}次考察" in html
        counts.append(count)
    assert counts == [1, 1, 1]


def test_a_branchs_page_counts_its_roster_once(orgs, client_for, county_a_clerk):
    add_member(orgs["community"], "张志强")
    add_member(orgs["community"], "李秀英")
    url = reverse("admin:branches_partyorganisation_change", args=[orgs["community"].pk])
    count, html = reads(client_for(county_a_clerk), url, r'GROUP BY')
    assert count == 1
    assert "2（正式 2，预备 0）" in html  # the roster's count is on the page


def test_a_value_worked_out_once_per_record_is_kept_on_that_record_only(orgs):
    calls = []

    class Admin:
        @once_per_record
        def shown(self, obj):
            calls.append(obj.pk)
            return f"#{obj.pk}"

    admin = Admin()
    first = add_member(orgs["community"], "张志强")
    again = type(first).objects.get(pk=first.pk)
    assert [admin.shown(first) for _ in range(3)] == ["#%d" % first.pk] * 3
    assert admin.shown(again) == "#%d" % first.pk
    assert calls == [first.pk, first.pk]  # once per instance: a new request's record asks again
    unsaved = type(first)(name="未保存")
    admin.shown(unsaved), admin.shown(unsaved)
    assert calls == [first.pk, first.pk, None, None]  # an unsaved record is never kept
