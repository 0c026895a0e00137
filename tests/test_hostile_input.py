"""Query strings nobody should send, answered calmly (orgwork.admin_changelist).

A changelist and its export honour only the declared filters, search, ordering and
pagination; anything else is ignored with a Chinese message, a value no filter can
use gives the unfiltered list, and nothing a user types into a URL gives a 500 or the
stock 400 page.
"""

from __future__ import annotations

import datetime
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import reverse

from cadres.models import Cadre, Gender
from orgwork.accounts.models import User
from orgwork.admin_changelist import HonouredChangeList
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.units.scope import is_scoped

from .samples import load_all
from .samples.cadres import cadre_in

CADRES = "/admin/cadres/cadre/"
CADRE_EXPORT = "/admin/cadres/cadre/export/"


def said(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def names_on(response: Any) -> set[str]:
    return {obj.name for obj in response.context["cl"].result_list}


@pytest.fixture
def two_counties(tree: dict[str, Any], db: Any) -> dict[str, Cadre]:
    return {
        "a_man": cadre_in(tree["county_a"], name="城关男干部", gender=Gender.MALE),
        "a_woman": cadre_in(tree["county_a"], name="城关女干部", gender=Gender.FEMALE,
                            birth=datetime.date(1980, 3, 1)),
        "b_man": cadre_in(tree["county_b"], name="七里河干部"),
    }


# --- units ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["620103", "999999", "unknown"])
def test_a_unit_outside_the_jurisdiction_or_unknown_gives_an_empty_list_and_says_so(
    code: str, county_a_clerk: User, client_for: Any, two_counties: Any
) -> None:
    client = client_for(county_a_clerk)
    response = client.get(CADRES, {"unit_tree": code})
    assert response.status_code == 200
    assert names_on(response) == set()
    assert any("不存在或不在您的管辖范围内" in m for m in said(response))
    # The export writes no file (not even an empty one): it is refused as for any condition
    # the list cannot honour, and the list it leads back to says why.
    export = client.get(CADRE_EXPORT, {"unit_tree": code, "_export": "csv"})
    assert export.status_code == 302
    assert "七里河干部" not in export.content.decode("utf-8-sig")


def test_the_own_county_in_the_unit_filter_still_filters(county_a_clerk: User, client_for: Any,
                                                          two_counties: Any) -> None:
    response = client_for(county_a_clerk).get(CADRES, {"unit_tree": "620102"})
    assert names_on(response) == {"城关男干部", "城关女干部"}
    assert said(response) == []


# An account without a unit cannot be stored (accounts_user_working_account_has_unit); one that slips
# through in memory is answered with empty lists: tests/test_account_units.py.


# --- lookups ----------------------------------------------------------------------------


def test_a_lookup_on_a_field_without_a_declared_filter_is_ignored_and_named(
    county_a_clerk: User, client_for: Any, two_counties: Any
) -> None:
    response = client_for(county_a_clerk).get(CADRES, {"gender__exact": Gender.FEMALE})
    assert response.status_code == 200
    assert names_on(response) == {"城关男干部", "城关女干部"}  # not narrowed to the women
    assert any("gender__exact" in m and "已忽略" in m for m in said(response))
    assert "gender__exact" not in response.context["cl"].get_query_string()  # links do not carry it on


@pytest.mark.parametrize("lookup", ["unit__name__startswith", "unit__path__regex", "name__regex", "nosuchfield",
                                    "rank__exact__foo", "id_number__startswith"])
def test_no_undeclared_lookup_narrows_the_list_so_nothing_can_be_probed(
    lookup: str, county_a_clerk: User, client_for: Any, two_counties: Any
) -> None:
    response = client_for(county_a_clerk).get(CADRES, {lookup: "城"})
    assert response.status_code == 200
    assert names_on(response) == {"城关男干部", "城关女干部"}
    assert any("已忽略" in m for m in said(response))


def test_the_export_writes_no_file_for_a_condition_the_list_ignores(county_a_clerk: User, client_for: Any,
                                                                    two_counties: Any) -> None:
    """The list ignores the condition and says so; a file would hold both cadres where the
    link asked for one, so none is written."""
    client = client_for(county_a_clerk)
    response = client.get(CADRE_EXPORT, {"gender__exact": Gender.FEMALE, "_export": "csv"}, follow=True)
    assert [url for url, _ in response.redirect_chain] == [f"{CADRES}?gender__exact={Gender.FEMALE}"]
    assert any(m.startswith("未导出：") for m in said(response)) and any("已忽略" in m for m in said(response))
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_declared_filters_keep_working(county_a_clerk: User, client_for: Any, two_counties: Any) -> None:
    client = client_for(county_a_clerk)
    response = client.get(CADRES, {"women": "1"})
    assert names_on(response) == {"城关女干部"} and said(response) == []
    response = client.get(CADRES, {"born": "80", "unit_tree": "620102"})
    assert names_on(response) == {"城关女干部"} and said(response) == []
    response = client.get(CADRES, {"status__exact": two_counties["a_man"].status, "q": "城关"})
    assert names_on(response) == {"城关男干部", "城关女干部"} and said(response) == []


def test_a_filter_value_no_filter_can_use_gives_the_unfiltered_list(
    county_a_clerk: User, client_for: Any, tree: Any
) -> None:
    from tests.samples.cadres import assessment_sample

    assessment_sample(tree["county_a"])
    response = client_for(county_a_clerk).get("/admin/cadres/assessment/", {"year__exact": "二〇二四"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert any("查询条件无效" in m for m in said(response))


def test_a_malformed_date_in_the_date_hierarchy_gives_the_unfiltered_list(
    county_a_clerk: User, client_for: Any, tree: Any
) -> None:
    from cadres.supervision.models import HandlingRecord

    record = load_all()[HandlingRecord](tree["county_a"])
    for params in ({"decided_on__year": "abc"}, {"decided_on__year": "2024", "decided_on__month": "13"},
                   {"decided_on__year": "99999999999999999999"}):
        response = client_for(county_a_clerk).get("/admin/supervision/handlingrecord/", params)
        assert response.status_code == 200, params
        assert [o.pk for o in response.context["cl"].result_list] == [record.pk], params
        assert any("查询条件无效" in m for m in said(response)), params


@pytest.mark.parametrize("value", ["城\x00关", "x" * 5000])
def test_a_value_with_a_nul_or_of_absurd_length_is_ignored(value: str, county_a_clerk: User, client_for: Any,
                                                          two_counties: Any) -> None:
    client = client_for(county_a_clerk)
    for params in ({"unit_tree": value}, {"person": value}, {"q": value}):
        response = client.get(CADRES if "person" not in params else "/admin/rectification/rectificationitem/",
                              params)
        assert response.status_code == 200, params
        assert any("不可见字符" in m or "过长" in m or "超过" in m for m in said(response)), params


# --- pages and ordering -----------------------------------------------------------------


@pytest.mark.parametrize("page, shown, message", [
    ("abc", 1, "页码无效"), ("-1", 1, "页码无效"), ("0", 1, "页码无效"), ("9" * 5000, 1, "页码无效"),
    ("999999", 2, "最后一页"), ("2", 2, None),
])
def test_a_malformed_page_number_gives_a_page_and_says_which(
    page: str, shown: int, message: str | None, county_a_clerk: User, client_for: Any, two_counties: Any,
    monkeypatch: Any
) -> None:
    monkeypatch.setattr(admin.site._registry[Cadre], "list_per_page", 1)
    response = client_for(county_a_clerk).get(CADRES, {"p": page})
    assert response.status_code == 200
    assert response.context["cl"].page_num == shown
    assert len(response.context["cl"].result_list) == 1
    messages = said(response)
    assert any(message in m for m in messages) if message else messages == []


def test_a_page_past_a_single_page_list_shows_it(county_a_clerk: User, client_for: Any, two_counties: Any) -> None:
    response = client_for(county_a_clerk).get(CADRES, {"p": "999999"})
    assert response.status_code == 200 and len(response.context["cl"].result_list) == 2
    assert any("页码超出范围" in m for m in said(response))


@pytest.mark.parametrize("order, kept", [("zz", None), ("99", None), ("0.zz", "0"), ("-0", "-0"), ("1e400", None)])
def test_a_malformed_ordering_gives_the_default_order(order: str, kept: str | None, county_a_clerk: User,
                                                      client_for: Any, two_counties: Any) -> None:
    response = client_for(county_a_clerk).get(CADRES, {"o": order})
    assert response.status_code == 200
    assert response.context["cl"].params.get("o") == kept
    assert (said(response) == []) is (kept == order)


# --- the admin's own parameters ---------------------------------------------------------


def test_the_admins_own_parameters_keep_working(county_a_clerk: User, client_for: Any, two_counties: Any) -> None:
    client = client_for(county_a_clerk)
    for params in ({"_popup": "1", "_to_field": "id"}, {"_facets": "1", "women": "1"}, {"all": ""},
                   {"e": "1"}, {"_changelist_filters": "women=1"}, {"q": "城关", "o": "-1"}):
        response = client.get(CADRES, params)
        assert response.status_code == 200, params
        assert said(response) == [], params
    popup = client.get(CADRES, {"_popup": "1", "_to_field": "id"})
    assert popup.context["cl"].is_popup and "data-popup-opener" in popup.content.decode()


def test_a_forged_to_field_is_refused_with_the_chinese_400_page(county_a_clerk: User, client_for: Any) -> None:
    client = client_for(county_a_clerk)
    client.raise_request_exception = False
    response = client.get(CADRES, {"_popup": "1", "_to_field": "password"})
    assert response.status_code == 400
    assert "请求无效" in response.content.decode()


def test_every_scoped_changelist_honours_only_declared_parameters() -> None:
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    for model, model_admin in admin.site._registry.items():
        if is_scoped(model) and hasattr(model_admin, "get_changelist"):
            changelist = model_admin.get_changelist(request)
            if model._meta.label in {"axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog",
                                     "audit.AuditLog", "auth.Group"}:
                continue
            assert issubclass(changelist, HonouredChangeList), model._meta.label


def test_every_dashboard_link_to_a_list_uses_only_its_declared_filters(
    province_officer: User, client_for: Any, tree: Any
) -> None:
    for build in load_all().values():
        try:
            build(tree["county_a"])
        except Exception:  # noqa: BLE001 — a builder that needs more than a unit is not needed here
            continue
    from orgwork.dashboard import panels_for

    client = client_for(province_officer)
    links = set()
    for panel in panels_for(province_officer):
        data = panel.compute(province_officer)
        links.update(link for series in data.series for link in series.links if link)
        if data.link:
            links.add(data.link)
    changelists = {link for link in links if "/worklists/" not in link and urlsplit(link).query}
    assert changelists, "the dashboard links to filtered lists"
    for link in changelists:
        response = client.get(link)
        assert response.status_code == 200, link
        assert said(response) == [], (link, said(response))


def test_the_unit_filters_own_message_is_plain_text(county_a_clerk: User, client_for: Any) -> None:
    response = client_for(county_a_clerk).get(CADRES, {"unit_tree": "<b>x</b>"})
    assert "&lt;b&gt;x&lt;/b&gt;" in response.content.decode()
    assert re.search(r"<b>x</b>", response.content.decode()) is None


# --- the other pages that read a query string -------------------------------------------


def test_a_nul_character_in_any_query_is_dropped_before_a_view_sees_it(county_a_clerk: User,
                                                                       client_for: Any) -> None:
    response = client_for(county_a_clerk).get(reverse("admin:rectification_progress"), {"unit": "6201\x0002"})
    assert response.status_code == 200
    assert response.context["chosen"] == county_a_clerk.unit  # the page as if no unit was asked for
    assert any("不可见字符" in m for m in said(response))


@pytest.mark.parametrize("year", ["0", "-1", "2147483648", "2025.5", "1e3"])
def test_a_year_no_calendar_holds_or_a_fraction_is_a_form_error_on_a_worklist(year: str, county_a_clerk: User,
                                                                client_for: Any) -> None:
    response = client_for(county_a_clerk).get(reverse("admin:worklist", args=["supervision_vetting_during_influence"]),
                                              {"year": year})
    assert response.status_code == 200
    assert "筛选条件有误" in response.content.decode()


def test_a_number_beyond_its_columns_range_gives_an_empty_list(county_a_clerk: User, client_for: Any,
                                                               tree: Any) -> None:
    from talent.models import Enrollment

    load_all()[Enrollment](tree["county_a"])
    response = client_for(county_a_clerk).get("/admin/talent/enrollment/", {"batch_year": "620102"})
    assert response.status_code == 200 and response.context["cl"].result_count == 0


def test_a_raw_id_popup_keeps_the_lookup_its_foreign_keys_limit_choices_to_sends(
    county_a_clerk: User, client_for: Any, two_counties: Any, monkeypatch: Any
) -> None:
    # As if some foreign key to Cadre declared limit_choices_to={"gender": 女}.
    monkeypatch.setitem(Cadre._meta.__dict__, "related_fkey_lookups", [{"gender": Gender.FEMALE}])
    client = client_for(county_a_clerk)
    response = client.get(CADRES, {"_popup": "1", "_to_field": "id", "gender": Gender.FEMALE})
    assert names_on(response) == {"城关女干部"} and said(response) == []
    response = client.get(CADRES, {"_popup": "1", "_to_field": "id", "gender": Gender.MALE})
    assert names_on(response) == {"城关男干部", "城关女干部"}  # not the pair the foreign key sends
    assert any("gender" in m for m in said(response))


def test_the_audit_trail_list_honours_only_its_declared_filters(personas: dict[str, Any], client_for: Any) -> None:
    client = client_for(personas["audit_admin"])
    response = client.get("/admin/audit/auditlog/", {"changes__icontains": "6201", "action__exact": "login"})
    assert response.status_code == 200
    assert "changes__icontains" not in response.context["cl"].params
    assert "已忽略无法识别的查询条件" in " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.mark.parametrize("url", ["/admin/auth/group/", "/admin/axes/accesslog/", "/admin/axes/accessattempt/",
                                 "/admin/axes/accessfailurelog/"])
def test_the_role_and_login_record_lists_name_an_unknown_parameter_instead_of_sending_it_to_e_1(
        url: str, personas: dict[str, Any], client_for: Any) -> None:
    client = client_for(personas["security_admin"])
    response = client.get(url, {"foo": "1"})
    assert response.status_code == 200 and "foo" not in response.context["cl"].params
    assert "已忽略无法识别的查询条件：foo。" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    # The filters the list offers still filter.
    if "axes" in url:
        assert client.get(url, {"attempt_time__year": "2026"}).status_code == 200
