"""The admin site's navigation: the app list and the sidebar built from it are reused
between pages, but never across accounts and never past a change of permissions."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import RequestFactory

from orgwork.accounts.models import User

pytestmark = pytest.mark.django_db


def app_list_for(user: User) -> list[dict[str, Any]]:
    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(pk=user.pk)  # a fresh instance, as every request has
    return admin.site.get_app_list(request)


def models_in(app_list: list[dict[str, Any]]) -> set[str]:
    return {m["object_name"] for app in app_list for m in app["models"]}


def test_the_app_list_follows_each_accounts_permissions(personas: dict[str, User]) -> None:
    view_only_auditor, county_a_clerk = personas["view_only_auditor"], personas["county_a_clerk"]
    security_admin = personas["security_admin"]
    first = app_list_for(view_only_auditor)
    assert app_list_for(view_only_auditor) == first
    assert "Cadre" in models_in(first)
    assert models_in(app_list_for(security_admin)) != models_in(first)  # another account, its own list

    # A permission granted shows on the next page, not a minute later.
    before = app_list_for(county_a_clerk)
    view_log = Permission.objects.get(codename="view_auditlog", content_type__app_label="audit")
    assert "AuditLog" not in models_in(before)
    county_a_clerk.user_permissions.add(view_log)
    assert "AuditLog" in models_in(app_list_for(county_a_clerk))
    county_a_clerk.user_permissions.remove(view_log)
    assert models_in(app_list_for(county_a_clerk)) == models_in(before)


def test_callers_get_their_own_copies(view_only_auditor: User) -> None:
    first = app_list_for(view_only_auditor)
    first[0]["models"].clear()
    first[0]["name"] = "changed"
    second = app_list_for(view_only_auditor)
    assert second[0]["models"] and second[0]["name"] != "changed"


def sidebar_for(user: User, path: str) -> list[dict[str, Any]]:
    request = RequestFactory().get(path)
    request.user = User.objects.get(pk=user.pk)
    return admin.site.get_sidebar_list(request)


def entries(groups: list[dict[str, Any]]) -> dict[str, bool]:
    """{link: marked current} of every sidebar entry."""
    return {str(item["link"]): item["active"] for group in groups for item in group["items"]}


def test_the_sidebar_groups_follow_the_account_its_permissions_and_the_page(personas: dict[str, User]) -> None:
    clerk, auditor = personas["county_a_clerk"], personas["view_only_auditor"]
    on_cadres = entries(sidebar_for(clerk, "/admin/cadres/cadre/"))
    assert entries(sidebar_for(clerk, "/admin/cadres/cadre/")) == on_cadres
    assert on_cadres["/admin/cadres/cadre/"] is True
    assert [link for link, current in on_cadres.items() if current] == ["/admin/cadres/cadre/"]
    # Another page of the same account: the mark moves, nothing else.
    on_talent = entries(sidebar_for(clerk, "/admin/talent/person/"))
    assert on_talent.keys() == on_cadres.keys()
    assert [link for link, current in on_talent.items() if current] == ["/admin/talent/person/"]
    # Another account on the same page has its own entries.
    assert entries(sidebar_for(personas["security_admin"], "/admin/cadres/cadre/")).keys() != on_cadres.keys()
    # A permission granted shows on the next page.
    view_log = Permission.objects.get(codename="view_auditlog", content_type__app_label="audit")
    assert "/admin/audit/auditlog/" not in on_cadres
    clerk.user_permissions.add(view_log)
    assert "/admin/audit/auditlog/" in entries(sidebar_for(clerk, "/admin/cadres/cadre/"))
    clerk.user_permissions.remove(view_log)
    assert entries(sidebar_for(clerk, "/admin/cadres/cadre/")) == on_cadres
    assert "/admin/cadres/cadre/" in entries(sidebar_for(auditor, "/admin/cadres/cadre/"))


def test_the_changelist_shows_the_sidebar(view_only_auditor: User, client_for: Any) -> None:
    page = client_for(view_only_auditor).get("/admin/cadres/cadre/").content.decode()
    sidebar = page.split('id="nav-sidebar"', 1)[1].split("</nav>", 1)[0]
    current = re.search(r'<a href="/admin/cadres/cadre/" class="[^"]*\bactive\b[^"]*">', sidebar)
    assert current is not None and "干部管理" in sidebar


def test_a_refusal_on_saving_lands_on_its_fields_or_on_the_form_as_a_whole() -> None:
    from django import forms
    from django.core.exceptions import ValidationError

    from orgwork.admin_base import RefusedForm

    def drawn_again(refusal: ValidationError) -> forms.Form:
        form_class = type("Entry", (RefusedForm, forms.Form), {"refusal": refusal, "name": forms.CharField()})
        form = form_class(data={"name": "王建国"})
        assert not form.is_valid()
        return form

    on_field = drawn_again(ValidationError({"name": "该党员已有未办结的组织关系转接。", "hidden": "版本已变更。"}))
    assert on_field.errors["name"] == ["该党员已有未办结的组织关系转接。"]
    assert on_field.non_field_errors() == ["版本已变更。"]
    whole = drawn_again(ValidationError("该记录已被他人修改，请刷新后重试。"))
    assert whole.non_field_errors() == ["该记录已被他人修改，请刷新后重试。"] and "name" not in whole.errors


def test_a_batch_summary_lists_each_refusal_on_a_line_and_counts_the_unlisted() -> None:
    from django.core.exceptions import ValidationError

    from orgwork.admin_actions import MAX_LISTED_FAILURES, batch_summary, refusal

    refused = refusal("发展对象甲", ValidationError(["发展对象未完成政治审查，不能提交支部大会讨论。",
                                                  "发展对象未经公示，不能提交支部大会讨论。"]))
    assert batch_summary("支部大会接收为预备党员", 1, [refused], unit="人") == (
        '<p class="orgwork-batch-summary">支部大会接收为预备党员：已办理 1 人，未办理 1 人。</p>'
        '<ul class="orgwork-batch-refusals"><li>「发展对象甲」：发展对象未完成政治审查，不能提交支部大会讨论；'
        "发展对象未经公示，不能提交支部大会讨论。</li></ul>")
    assert batch_summary("谈话", 2, []) == "谈话：已办理 2 条。"
    many = batch_summary("销号", 0, [refusal(n, ValidationError("不能销号。")) for n in range(MAX_LISTED_FAILURES + 3)],
                         unit="项")
    assert many.count("<li>") == MAX_LISTED_FAILURES and "<li>「9」：不能销号。</li>" in many
    assert many.endswith('<p class="orgwork-batch-more">另有 3 项未列出。</p>')


def test_a_batch_summary_escapes_the_names_and_reasons_it_lists() -> None:
    from django.core.exceptions import ValidationError

    from orgwork.admin_actions import batch_summary, refusal

    shown = batch_summary("谈话", 0, [refusal("<script>alert(1)</script>", ValidationError("A & B <b>不能</b>。"))])
    assert "<script>" not in shown and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "A &amp; B &lt;b&gt;不能&lt;/b&gt;" in shown


def test_favicon_ico_leads_to_the_sites_icon_for_anyone(client: Any) -> None:
    from django.templatetags.static import static

    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == static("orgwork/favicon.svg")
