"""The error pages speak Chinese and look like the admin, with DEBUG off as in production.

This module is also the URLconf of its tests: the project's URLs plus views that fail
in each way.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from orgwork.urls import urlpatterns as project_urls

from .conftest import PASSWORD


def fails_with(exception: Exception) -> Any:
    def view(request: HttpRequest) -> HttpResponse:
        raise exception

    return view


urlpatterns = [
    path("boom/", fails_with(RuntimeError("an unexpected fault"))),
    path("suspicious/", fails_with(SuspiciousOperation("tampered"))),
    path("forbidden/", fails_with(PermissionDenied("Private matter"))),
    path("missing/", fails_with(Http404("No Cadre matches the given query."))),
    *project_urls,
]

ENGLISH = ("Server Error", "Bad Request", "Forbidden", "Not Found", "CSRF verification failed", "Private matter",
           "No Cadre matches", "tampered", "an unexpected fault", "Traceback")


@pytest.fixture
def production(settings: Any) -> None:
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__


def page(url: str, client: Client | None = None) -> tuple[int, str]:
    client = client or Client(raise_request_exception=False)
    response = client.get(url)
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("url, status, heading", [
    ("/boom/", 500, "系统出错"),
    ("/suspicious/", 400, "请求无效"),
    ("/forbidden/", 403, "无权访问"),
    ("/missing/", 404, "页面不存在"),
    ("/no-such-page/", 404, "页面不存在"),
])
def test_each_error_page_is_chinese_and_says_what_to_do(production: None, db: Any, url: str, status: int,
                                                        heading: str) -> None:
    code, html = page(url)
    assert code == status
    assert f"<h1>{heading}</h1>" in html
    assert '<html lang="zh-hans">' in html
    assert "返回工作台" in html and f"错误代码 {status}" in html
    assert "/static/admin/css/base.css" in html  # the admin's look
    for english in ENGLISH:
        assert english not in html, english


def test_the_500_page_needs_no_context_processors(production: None, settings: Any) -> None:
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "OPTIONS": {**settings.TEMPLATES[0]["OPTIONS"],
                                                                "context_processors": []}}]
    code, html = page("/boom/")
    assert code == 500 and "系统出错" in html


def test_a_page_the_user_may_not_open_gets_the_chinese_403(production: None, personas: dict[str, Any],
                                                           client_for: Any) -> None:
    client = client_for(personas["audit_admin"])  # the audit administrator reads no cadre
    client.raise_request_exception = False
    code, html = page("/admin/cadres/cadre/", client)
    assert code == 403 and "<h1>无权访问</h1>" in html


def test_a_missing_record_in_a_custom_admin_view_gets_the_chinese_404(production: None, personas: dict[str, Any],
                                                                      client_for: Any) -> None:
    client = client_for(personas["county_a_clerk"])
    client.raise_request_exception = False
    code, html = page("/admin/imports/importjob/template/no-such-sheet/", client)
    assert code == 404 and "<h1>页面不存在</h1>" in html


def test_a_form_posted_without_its_csrf_token_gets_the_chinese_csrf_page(production: None,
                                                                          county_a_clerk: Any) -> None:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = client.post("/admin/login/", {"username": "county_a_clerk", "password": PASSWORD})
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>提交未被接受</h1>" in html and "刷新后重新提交" in html
    for english in ENGLISH:
        assert english not in html, english
