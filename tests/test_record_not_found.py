"""A record's page that cannot be opened says so in one sentence, in Chinese.

Whether the id names no record at all or a record outside the user's jurisdiction, the
user is sent to the workbench with the same words, so the message does not reveal
that the record exists; records here are never deleted, so it does not suggest that.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from orgwork.accounts.models import User

from .members.conftest import add_member, make_org
from .samples.cadres import cadre_in

MISSING_ID = 987654321


@pytest.fixture
def records(tree: dict[str, Any]) -> dict[str, Callable[[], models.Model]]:
    """One record of each kind, in county A, built on demand."""
    return {
        "cadres_cadre": lambda: cadre_in(tree["county_a"]),
        "members_member": lambda: add_member(make_org("A-SQ", "东岗社区党支部", tree["county_a"])),
    }


def said(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def expected(noun: str, key: Any) -> str:
    return f"没有找到编号为 {key} 的{noun}，或者它不在您的管辖范围内。"


@pytest.mark.parametrize("page", ["change", "history"])
@pytest.mark.parametrize("admin_name, noun", [("cadres_cadre", "干部"), ("members_member", "党员")])
def test_a_record_that_does_not_exist_is_not_found_without_talk_of_deletion(
    admin_name: str, noun: str, page: str, county_a_clerk: User, client_for: Any
) -> None:
    response = client_for(county_a_clerk).get(reverse(f"admin:{admin_name}_{page}", args=[MISSING_ID]))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert said(response) == [expected(noun, MISSING_ID)]
    assert "删除" not in said(response)[0]


@pytest.mark.parametrize("page", ["change", "history"])
@pytest.mark.parametrize("admin_name, noun", [("cadres_cadre", "干部"), ("members_member", "党员")])
def test_a_record_outside_the_jurisdiction_reads_exactly_like_one_that_does_not_exist(
    admin_name: str, noun: str, page: str, records: dict[str, Any], county_b_clerk: User, client_for: Any
) -> None:
    record = records[admin_name]()
    # A client each: a message not yet shown would be read again with the next one.
    outside = client_for(county_b_clerk).get(reverse(f"admin:{admin_name}_{page}", args=[record.pk]))
    missing = client_for(county_b_clerk).get(reverse(f"admin:{admin_name}_{page}", args=[MISSING_ID]))
    assert outside.status_code == missing.status_code == 302
    assert outside["Location"] == missing["Location"] == reverse("admin:index")
    assert said(outside) == [expected(noun, record.pk)]
    assert said(missing) == [expected(noun, MISSING_ID)]  # the same words but for the number typed
    assert "删除" not in said(outside)[0]


def test_a_typed_id_too_long_to_be_a_record_is_quoted_shortened() -> None:
    model_admin = admin.site._registry[User]
    message = told(model_admin, "9" * 200)
    assert message == expected(User._meta.verbose_name, "9" * 30 + "…")


def told(model_admin: admin.ModelAdmin, object_id: str) -> str:
    request = RequestFactory().get("/admin/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    response = model_admin._get_obj_does_not_exist_redirect(request, model_admin.opts, object_id)
    assert response.status_code == 302
    return [str(m) for m in request._messages][0]


def test_every_admin_of_the_project_says_the_same_when_a_record_is_not_found() -> None:
    for model, model_admin in admin.site._registry.items():
        assert told(model_admin, "42") == expected(model._meta.verbose_name, 42), model._meta.label


def test_a_record_page_that_is_not_found_gets_the_chinese_404_without_talk_of_deletion(
    settings: Any, records: dict[str, Any], county_b_clerk: User, client_for: Any
) -> None:
    settings.DEBUG = False
    record = records["cadres_cadre"]()
    client = client_for(county_b_clerk)
    client.raise_request_exception = False
    for object_id in (record.pk, MISSING_ID):
        response = client.get(reverse("admin:cadres_cadre_print", args=[object_id]))
        html = response.content.decode()
        assert response.status_code == 404 and "<h1>页面不存在</h1>" in html
        assert "删除" not in html


def test_a_mistyped_page_of_a_record_opens_the_record_and_says_the_page_is_not_there(
        records: dict[str, Any], county_a_clerk: User, client_for: Any) -> None:
    member = records["members_member"]()
    response = client_for(county_a_clerk).get(f"/admin/members/member/{member.pk}/nonexist-step/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:members_member_change", args=[member.pk])
    assert said(response) == ["党员页面上没有「nonexist-step」这一项，已打开该党员。"]


def test_a_mistyped_page_of_a_record_outside_the_jurisdiction_reads_as_not_found(
        records: dict[str, Any], county_b_clerk: User, client_for: Any) -> None:
    member = records["members_member"]()
    outside = client_for(county_b_clerk).get(f"/admin/members/member/{member.pk}/nonexist-step/", follow=True)
    missing = client_for(county_b_clerk).get(f"/admin/members/member/{MISSING_ID}/nonexist-step/", follow=True)
    assert said(outside) == [expected("党员", member.pk)] and said(missing) == [expected("党员", MISSING_ID)]
    assert outside.redirect_chain[-1][0] == missing.redirect_chain[-1][0] == reverse("admin:index")
