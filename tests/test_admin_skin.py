"""The admin's look (django-unfold): every admin on unfold, the sidebar grouped by the
department's work and offering each role only what it may open, every page self-contained
(nothing fetched from outside: this runs on an intranet) and in Chinese."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.urls import reverse
from unfold.admin import ModelAdmin as UnfoldModelAdmin
from unfold.admin import StackedInline, TabularInline
from unfold.sites import UnfoldAdminSite

from orgwork.accounts.models import User
from orgwork.navigation import GROUPS

pytestmark = pytest.mark.django_db

SECTIONS = ["干部管理", "干部监督", "基层党建", "人才工作", "整改清单", "台账", "数据导入", "消息提醒", "系统管理"]


def sidebar_of(client: Any, url: str = "/admin/") -> str:
    page = client.get(url).content.decode()
    # The navigation, up to the account's own menu (password, logout) at its foot.
    return page.split('id="nav-sidebar"', 1)[1].split('id="nav-sidebar-apps"', 1)[1].split("openUserLinks", 1)[0]


def sections_in(sidebar: str) -> list[str]:
    return [re.sub(r"\s+", "", h) for h in re.findall(r"<h2[^>]*>(.*?)<(?:span|/h2)", sidebar, re.S)]


def links_in(sidebar: str) -> set[str]:
    return set(re.findall(r'<a href="(/admin/[^"]*)"', sidebar))


def test_every_admin_and_inline_is_unfolds_and_so_is_the_site() -> None:
    assert isinstance(admin.site, UnfoldAdminSite)
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, UnfoldModelAdmin), model
        for inline in model_admin.inlines:
            assert issubclass(inline, (TabularInline, StackedInline)), inline


def test_every_column_and_read_only_field_of_every_admin_is_headed_in_chinese() -> None:
    """A method without a description is headed by its name in English ("Indented name",
    "Status"): every column, and every read-only field of a record's page, has a Chinese one."""
    from django.contrib.admin.utils import label_for_field

    english = []
    for model, model_admin in admin.site._registry.items():
        for name in [*model_admin.list_display, *model_admin.readonly_fields]:
            if name in ("action_checkbox", "__str__"):
                continue
            label = str(label_for_field(name, model, model_admin=model_admin))
            if not re.search(r"[\u4e00-\u9fff]", label):
                english.append((model._meta.label, name, label))
    assert english == []


def test_the_sidebar_names_every_registered_model_in_a_group_of_the_departments_work() -> None:
    named = {label for _, entries in GROUPS for label, _ in entries}
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}
    assert registered <= named, registered - named  # nothing falls through to 其他
    assert [title for title, _ in GROUPS] == [s for s in SECTIONS if s != "台账"]


def test_a_business_officer_sees_the_work_sections_and_no_system_administration(
        province_officer: User, client_for: Any) -> None:
    sidebar = sidebar_of(client_for(province_officer))
    assert sections_in(sidebar) == ["干部管理", "干部监督", "基层党建", "人才工作", "整改清单", "台账", "数据导入",
                                    "消息提醒", "系统管理"]
    links = links_in(sidebar)
    assert {"/admin/cadres/cadre/", "/admin/rectification/rectificationitem/", "/admin/worklists/"} <= links
    # 系统管理 holds only what the business roles may read there (units, colleagues).
    assert "/admin/audit/auditlog/" not in links and "/admin/auth/group/" not in links
    assert not any(link.startswith("/admin/axes/") for link in links)


def test_the_audit_administrator_sees_the_audit_trail_and_no_business_record(
        personas: dict[str, User], client_for: Any) -> None:
    sidebar = sidebar_of(client_for(personas["audit_admin"]))
    assert sections_in(sidebar) == ["系统管理"]
    assert links_in(sidebar) == {"/admin/", "/admin/audit/auditlog/"}


def test_the_security_administrator_sees_accounts_roles_and_login_records(
        personas: dict[str, User], client_for: Any) -> None:
    client = client_for(personas["security_admin"])
    links = links_in(sidebar_of(client))
    assert {"/admin/accounts/user/", "/admin/auth/group/", "/admin/axes/accessattempt/",
            "/admin/axes/accesslog/", "/admin/axes/accessfailurelog/"} <= links
    assert "/admin/cadres/cadre/" not in links
    page = client.get("/admin/axes/accessattempt/").content.decode()
    assert "登录尝试" in page and "access attempts" not in page.lower()


def test_every_sidebar_link_opens_for_the_account_it_is_shown_to(personas: dict[str, User], client_for: Any) -> None:
    for name in ("province_officer", "county_a_clerk", "view_only_auditor", "system_admin", "security_admin",
                 "audit_admin"):
        client = client_for(personas[name])
        for link in links_in(sidebar_of(client)):
            assert client.get(link).status_code == 200, (name, link)


def test_the_current_page_is_marked_in_the_sidebar_and_the_marking_is_not_reused_for_another(
        county_a_clerk: User, client_for: Any) -> None:
    client = client_for(county_a_clerk)
    for url in ("/admin/cadres/cadre/", "/admin/talent/person/", "/admin/cadres/cadre/"):
        current = re.findall(r'<a href="([^"]+)" class="[^"]*\bactive\b', sidebar_of(client, url))
        assert current == [url]


def test_the_reused_sidebar_carries_each_pages_own_csrf_token(county_a_clerk: User) -> None:
    from django.test import Client

    tokens = []
    for _ in range(2):
        client = Client(enforce_csrf_checks=True)
        client.force_login(county_a_clerk)
        page = client.get("/admin/cadres/cadre/").content.decode()
        form = page.split('id="logout-form"', 1)[1].split("</form>", 1)[0]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        assert "~orgwork" not in form
        assert client.post(reverse("admin:logout"), {"csrfmiddlewaretoken": token}).status_code == 200
        tokens.append(token)
    assert tokens[0] != tokens[1]


@pytest.mark.parametrize("url", ["/admin/", "/admin/cadres/cadre/", "/admin/cadres/cadre/add/",
                                 "/admin/rectification/rectificationitem/", "/admin/worklists/",
                                 "/admin/imports/importjob/add/", "/admin/login/"])
def test_pages_fetch_nothing_from_outside_and_speak_chinese(url: str, province_officer: User, client: Any,
                                                           client_for: Any) -> None:
    page = (client if url.endswith("/login/") else client_for(province_officer)).get(url).content.decode()
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page)
    assert "fonts.googleapis" not in page and "@import" not in page
    assert "Model name" not in page and "Add link" not in page  # the stock app list's screen-reader headers
    for english in ("Filters", "Search apps", "Log out", "Type to search", "Select record", "Welcome back"):
        assert english not in page, english


def test_the_stylesheets_and_fonts_are_the_projects_own_files() -> None:
    for path in ("orgwork/admin.css", "orgwork/admin.js", "unfold/css/styles.css", "unfold/fonts/inter/styles.css",
                 "unfold/fonts/material-symbols/styles.css", "unfold/fonts/material-symbols/Material-Symbols-Outlined.woff2"):
        found = finders.find(path)
        assert found, path
        with open(found, "rb") as f:
            body = f.read()
        assert not re.search(rb"url\(\s*[\"']?(?:https?:)?//", body), path
        assert b"fonts.googleapis" not in body, path



@pytest.mark.parametrize("url", ["/admin/", "/admin/login/", "/admin/no-such-page/"])
def test_every_page_names_the_projects_own_icon_so_no_browser_asks_for_a_missing_favicon(
        url: str, province_officer: User, client: Any, client_for: Any) -> None:
    """Without an icon named in the page, a browser asks for /favicon.ico, gets the 404 page
    and logs an error on every page a clerk opens."""
    page = (client if url.endswith("/login/") else client_for(province_officer)).get(url).content.decode()
    icons = re.findall(r'<link rel="icon"[^>]*href="([^"]+)"', page)
    assert icons == ["/static/orgwork/favicon.svg"], icons
    assert finders.find("orgwork/favicon.svg")


# The admin's stylesheet draws class-less form controls, tables and buttons (Django's markup)
# only inside #content-main, as Django's own pages put them: a page of the project's own
# whose content block starts anywhere else shows bare text boxes and unruled tables.
OWN_CONTENT = re.compile(r"{%\s*block content\s*%}\s*(.{0,40})", re.S)


def test_every_own_admin_page_puts_its_content_inside_content_main() -> None:
    from .test_headers import project_templates

    pages = [p for p in project_templates() if '{% extends "admin/base_site.html" %}' in p.read_text(encoding="utf-8")]
    assert len(pages) > 10
    outside = []
    for page in pages:
        found = OWN_CONTENT.search(page.read_text(encoding="utf-8"))
        if found and not found.group(1).startswith('<div id="content-main"'):
            outside.append(page.name + ": " + found.group(1).split("\n")[0])
    assert outside == []


def test_every_scoped_list_with_a_search_box_says_what_it_matches() -> None:
    from orgwork.admin_base import ScopedModelAdmin, search_hint

    searched = {model._meta.label: model_admin for model, model_admin in admin.site._registry.items()
                if isinstance(model_admin, ScopedModelAdmin) and model_admin.search_fields}
    assert len(searched) > 30
    unnamed = [label for label, model_admin in searched.items()
               if not (model_admin.search_help_text or "").startswith("输入")]
    assert unnamed == []
    assert searched["members.Transfer"].search_help_text == "输入完整介绍信编号、党员姓名开头或完整身份证号"
    assert searched["branches.PartyOrganisation"].search_help_text == "输入组织代码开头或组织名称"
    assert searched["supervision.HandlingRecord"].search_help_text == "输入干部姓名或文号"
    # A lookup it cannot name leaves the skin's own placeholder rather than a wrong hint.
    from branches.members.models import Member
    assert search_hint(Member, ["name__unaccent"]) is None and search_hint(Member, ["branch"]) is None
