"""The kernel's changelist machinery: result rows rendered in one pass per row are
Django's rows, cell for cell, and the filters Django's filters; the unit filter's
choices; estimated counts."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import admin_list_filter, result_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.auth.models import Group
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils.html import escape, format_html

from cadres.admin.cadre import CadreAdmin
from cadres.models import Authority, Cadre, CadreStatus, Gender, Grade, Rank
from unfold.templatetags import unfold_list

from orgwork.admin_base import EstimatedCountPaginator, ScopedModelAdmin, UnitSubtreeFilter
from orgwork.admin_list import ChangeLinks, list_filters_html, page_columns, result_list_context
from orgwork.units.models import Unit
from seeds.reference import load_reference
from tests.samples.cadres import cadre_in
from tests.samples.names import numbered

HOSTILE = """<script>alert("一")</script> & 'O'Brien"""
CHANGELIST = "admin:cadres_cadre_changelist"


class EveryColumnAdmin(ScopedModelAdmin):
    """A cadre list with one column of each kind the admin knows."""

    list_display = [
        "name",               # a text field, linked
        "gender", "rank", "grade", "authority", "status",  # choices, one of them blank
        "birth_month", "work_started_on",  # dates, one of them empty
        "is_naked_official",  # a boolean field
        "unit",               # a foreign key
        "current_post",       # text that can be blank or spaces only
        "id",                 # the implicit key
        "masked_id_number",   # a model property
        "__str__",
        "born_in",            # admin callables with display options
        "has_rank",
        "post_or_none",
        "started",
        "badge",
        "missing",
        lambda obj: obj.name[:1],  # a bare function
    ]
    list_display_links = ["name", "current_post"]
    list_filter = [UnitSubtreeFilter, "rank"]
    search_fields = ["name"]
    ordering = ["name_pinyin", "id"]
    actions = ["mark"]

    @admin.action(description="标记")
    def mark(self, request: Any, queryset: Any) -> None:
        """An action, so that the rows carry checkboxes."""

    @admin.display(description="出生年份", ordering="birth_month")
    def born_in(self, obj: Cadre) -> int:
        return obj.birth_month.year

    @admin.display(description="已定职务层次", boolean=True)
    def has_rank(self, obj: Cadre) -> bool | None:
        return None if obj.status == CadreStatus.RETIRED else bool(obj.rank)

    @admin.display(description="职务", empty_value="（暂无）")
    def post_or_none(self, obj: Cadre) -> str:
        return obj.current_post

    @admin.display(description="参加工作")
    def started(self, obj: Cadre) -> datetime.date | None:
        return obj.work_started_on

    @admin.display(description="标记")
    def badge(self, obj: Cadre) -> str:
        return format_html("<b>{}</b>", obj.name)

    @admin.display(description="上级单位")
    def missing(self, obj: Cadre) -> str:
        raise Unit.DoesNotExist


@pytest.fixture
def reference(db: Any) -> None:
    load_reference()


@pytest.fixture
def cadres(tree: dict[str, Unit], reference: None) -> list[Cadre]:
    made = [
        cadre_in(tree["county_a"], name="张建华", rank=Rank.COUNTY_CHIEF, grade=Grade.RESEARCHER_1,
                 authority=Authority.PROVINCE, is_naked_official=True, work_started_on=datetime.date(1996, 7, 1)),
        cadre_in(tree["county_b"], name="李丽", gender=Gender.FEMALE, current_post="   ", status=CadreStatus.RETIRED),
        cadre_in(tree["township_a"], name="王芳", gender=Gender.FEMALE, current_post="镇长"),
    ]
    # Names as hostile as an import could bring them; rendering must escape them.
    Cadre.objects.filter(pk=made[0].pk).update(name=HOSTILE, current_post=HOSTILE)
    Unit.objects.filter(pk=tree["county_b"].pk).update(name="<i>七里河区</i>", full_name="兰州市<i>七里河区</i>")
    return made


def request_for(user: Any, **params: str) -> Any:
    url = reverse(CHANGELIST)
    request = RequestFactory().get(url, params)
    request.user = user
    request.resolver_match = resolve(url)
    return request


def changelist_for(model_admin: admin.ModelAdmin, user: Any, **params: str) -> Any:
    cl = model_admin.get_changelist_instance(request_for(user, **params))
    cl.formset = None  # as changelist_view leaves it without list_editable
    return cl


def cells(context: dict[str, Any]) -> list[list[str]]:
    return [[str(cell) for cell in row] for row in context["results"]]


def our_cells(cl: Any) -> list[list[str]]:
    columns = page_columns(cl)
    return [[str(column.cell(obj)) for column in columns] for obj in cl.result_list]


# The one class ours adds to Django's: ``wrap`` on a cell of long Chinese text, last.
WRAP = re.compile(r'(<t[dh] class="[^"]*) wrap"')


# ... and, inside such a cell, a span that keeps a date on one line.
WHOLE_DATE = re.compile(r'<span class="nowrap">([^<]*)</span>')


def as_django(html: str) -> str:
    return WHOLE_DATE.sub(r"\1", WRAP.sub(r'\1"', html))


def assert_rendered_as_django_does(cl: Any) -> list[list[str]]:
    ours, django = result_list_context(cl), result_list(cl)
    assert [[as_django(cell) for cell in row] for row in our_cells(cl)] == cells(django)
    # The template writes a row's cells side by side: ours come joined, one per row.
    assert cells(ours) == [["".join(row)] for row in our_cells(cl)]
    assert ours["result_headers"] == django["result_headers"]
    assert ours["num_sorted_fields"] == django["num_sorted_fields"]
    assert ours["result_hidden_fields"] == django["result_hidden_fields"]
    return our_cells(cl)


def test_every_kind_of_column_is_rendered_as_django_renders_it(cadres, province_officer) -> None:
    model_admin = EveryColumnAdmin(Cadre, admin.site)
    rows = assert_rendered_as_django_does(changelist_for(model_admin, province_officer))
    assert len(rows) == 3
    hostile_row = next(row for row in rows if "&lt;script&gt;" in row[1])
    assert HOSTILE not in "".join(hostile_row)  # escaped everywhere, never verbatim
    assert any("兰州市&lt;i&gt;七里河区&lt;/i&gt;" in cell for row in rows for cell in row)
    assert any("<b>" in cell for row in rows for cell in row)  # a callable's safe HTML stays HTML


def test_a_cell_of_long_plain_text_may_wrap_and_nothing_else_does(cadres, province_officer) -> None:
    model_admin = EveryColumnAdmin(Cadre, admin.site)
    cl = changelist_for(model_admin, province_officer)
    columns = [str(column.classes) for column in page_columns(cl)]
    wrapped = {(columns[n], WRAP.match(cell) is not None) for row in our_cells(cl) for n, cell in enumerate(row)}
    # The hostile name (37 characters, linked) and 兰州市<i>七里河区</i> (16, a related
    # record Django keeps on one line) may wrap; 兰州市城关区 (6), the dates, the key, the
    # masked ID number (18 characters, none of them Chinese) and a callable's markup do not.
    assert ("field-name", True) in wrapped and ("field-unit", True) in wrapped
    assert ("field-unit", False) in wrapped
    whole = ("field-birth_month", "field-work_started_on", "field-id", "field-badge", "field-started",
             "field-masked_id_number")
    assert not any(wraps for column, wraps in wrapped if column in whole)
    unit_cells = [row[columns.index("field-unit")] for row in our_cells(cl)]
    assert '<td class="field-unit nowrap wrap">兰州市&lt;i&gt;七里河区&lt;/i&gt;</td>' in unit_cells


def test_links_carry_the_filters_and_the_ordering_whatever_they_contain(cadres, province_officer) -> None:
    model_admin = EveryColumnAdmin(Cadre, admin.site)
    cl = changelist_for(model_admin, province_officer, o="-15.2", unit_tree="62", q="<script> & 'O'Brien")
    rows = assert_rendered_as_django_does(cl)
    assert len(rows) == 1 and "_changelist_filters=" in rows[0][1]


@pytest.mark.parametrize("links", [None, [], ["unit"], ["name", "current_post", "badge"]])
def test_links_follow_list_display_links(cadres, province_officer, links) -> None:
    class Linked(EveryColumnAdmin):
        def get_list_display_links(self, request: Any, list_display: Any) -> Any:
            return links

    assert_rendered_as_django_does(changelist_for(Linked(Cadre, admin.site), province_officer))


def test_a_popup_row_names_the_object_it_picks(cadres, province_officer) -> None:
    cl = changelist_for(EveryColumnAdmin(Cadre, admin.site), province_officer, _popup="1", _to_field="id")
    rows = assert_rendered_as_django_does(cl)
    assert all('data-popup-opener="' in row[0] for row in rows)  # a popup has no action checkboxes


@pytest.mark.parametrize("key", [7, "a/b_c:d", "甘肃 62%&'<>?#", "line\nbreak", ""])
def test_change_links_quote_a_key_as_reverse_does(cadres, province_officer, key) -> None:
    cl = changelist_for(EveryColumnAdmin(Cadre, admin.site), province_officer, status__exact="active")
    obj = Cadre(pk=key, name="样例")  # the key is only read, never saved
    context = {"preserved_filters": cl.preserved_filters, "opts": cl.opts}
    expected = escape(add_preserved_filters(context, cl.url_for_result(obj))) if key != "" else None
    assert ChangeLinks(cl).href(obj) == expected


class EditableAdmin(EveryColumnAdmin):
    list_display_links = ["name"]
    list_editable = ["current_post"]


def editable_changelist(user: Any) -> tuple[Any, Any]:
    """A list_editable changelist with its formset, as changelist_view builds it, and its request."""
    model_admin = EditableAdmin(Cadre, admin.site)
    request = request_for(user)
    cl = model_admin.get_changelist_instance(request)
    cl.formset = model_admin.get_changelist_formset(request)(queryset=cl.result_list)
    return cl, request


def test_a_row_whose_form_is_refused_shows_why_across_every_column(cadres, province_officer) -> None:
    from django.template import Context, Template

    cl, request = editable_changelist(province_officer)
    refused = cl.formset.forms[0]
    refused.errors  # an unbound form's (empty) errors and data, as after a refused save
    refused.cleaned_data = {}
    refused.add_error(None, "该行已被他人修改")
    page = Template("{% load orgwork_admin_list %}{% scoped_result_list cl %}").render(
        Context({"cl": cl, "request": request, "opts": cl.opts}))
    columns = len(list(unfold_list.result_headers(cl)))
    assert re.search(rf'<td class="text-left" colspan="{columns}">.*该行已被他人修改', page, re.S)
    assert page.count("该行已被他人修改") == 1 and page.count('class="data-row') == len(cl.result_list)
    assert 'name="form-0-current_post"' in page


def test_a_list_editable_changelist_keeps_djangos_rendering(cadres, province_officer) -> None:
    cl, _ = editable_changelist(province_officer)
    context = result_list_context(cl)
    assert context["result_hidden_fields"]  # the formset's hidden keys: Django's rendering
    django = result_list(cl)
    assert cells(context) == cells(django)
    assert {key: context[key] for key in ("result_headers", "num_sorted_fields")} == \
        {key: django[key] for key in ("result_headers", "num_sorted_fields")}
    assert [str(field) for field in context["result_hidden_fields"]] == \
        [str(field) for field in django["result_hidden_fields"]]
    assert any('name="form-0-current_post"' in cell for cell in cells(context)[0])


def test_the_cadre_changelist_page_is_the_same_html_either_way(cadres, province_officer, client_for,
                                                              monkeypatch) -> None:
    client = client_for(province_officer)

    def page(**params: str) -> str:
        body = client.get(reverse(CHANGELIST), params).content.decode()
        return body.split('id="result_list"', 1)[1].split("</table>", 1)[0]

    for params in ({}, {"unit_tree": "6201", "o": "-3.1"}, {"q": "ll"}):
        fast = page(**params)
        monkeypatch.setattr(CadreAdmin, "one_pass_result_rows", False)
        assert page(**params) == as_django(fast)
        monkeypatch.setattr(CadreAdmin, "one_pass_result_rows", True)
    assert WRAP.search(page()) is not None  # 兰州市<i>七里河区</i>: the one difference is there


@pytest.mark.parametrize("params", [
    {}, {"unit_tree": "6201", "rank__exact": Rank.COUNTY_CHIEF}, {"_facets": "1", "q": "王"},
    {"status__exact": CadreStatus.RETIRED, "o": "-3.1", "_facets": "1"},
])
def test_the_filters_are_rendered_as_django_renders_them(cadres, province_officer, params) -> None:
    cl = changelist_for(admin.site._registry[Cadre], province_officer, **params)
    django = "".join(admin_list_filter(cl, spec) for spec in cl.filter_specs)
    assert list_filters_html(cl) == django
    assert 'font-semibold text-primary-600"' in django and "&lt;i&gt;七里河区&lt;/i&gt;" in django  # a choice marked chosen


@pytest.mark.parametrize("params", [
    {}, {"unit_tree": "6201", "o": "-3.1"}, {"q": "<b> & 'O'Brien 王", "rank__exact": Rank.COUNTY_CHIEF},
    {"q": "orgworkunitslot"},  # the placeholder itself in the query: Django's way is taken
    {"_facets": "1"},
])
def test_the_unit_filter_links_are_the_ones_django_builds(cadres, province_officer, params) -> None:
    cl = changelist_for(admin.site._registry[Cadre], province_officer, **params)
    spec = next(spec for spec in cl.filter_specs if isinstance(spec, UnitSubtreeFilter))
    spec.lookup_choices = [*spec.lookup_choices, ("a b&c/中+%=", "编码须转义的单位")]
    ours = list(spec.choices(cl))
    assert ours == list(admin.SimpleListFilter.choices(spec, cl))
    assert len(ours) > 3 and sum(choice["selected"] for choice in ours) == 1


def test_a_filter_with_a_template_of_its_own_keeps_it(cadres, province_officer, monkeypatch) -> None:
    cl = changelist_for(admin.site._registry[Cadre], province_officer)
    monkeypatch.setattr(cl.filter_specs[1], "template", "admin/orgwork/filter_test_sentinel.html", raising=False)
    rendered = []
    monkeypatch.setattr("orgwork.admin_list.admin_list_filter",
                        lambda cl, spec: rendered.append(spec) or f"[{spec.title}]")
    assert f"[{cl.filter_specs[1].title}]" in list_filters_html(cl)
    assert rendered == [cl.filter_specs[1]]


def test_the_unit_filter_offers_the_home_unit_and_two_levels_below(tree, province_officer, county_a_clerk) -> None:
    def choices(user: Any) -> list[tuple[str, str]]:
        request = RequestFactory().get("/")
        request.user = user
        return UnitSubtreeFilter(request, {}, Cadre, None).lookup_choices

    assert choices(province_officer) == [("62", "甘肃省"), ("6201", "　兰州市"), ("620102", "　　城关区"),
                                         ("620103", "　　七里河区"), ("6205", "　天水市")]
    assert choices(county_a_clerk) == [("620102", "城关区"), ("620102001", "　城关镇")]


def test_the_unit_filter_reads_the_tree_once_per_jurisdiction_and_sees_a_saved_unit_at_once(
        tree, province_officer, county_a_clerk, django_assert_num_queries) -> None:
    from orgwork.common.contract import SystemActor
    from orgwork.units.services import unit_save

    def choices(user: Any) -> list[tuple[str, str]]:
        request = RequestFactory().get("/")
        request.user = user
        return UnitSubtreeFilter(request, {}, Cadre, None).lookup_choices

    first = choices(county_a_clerk)
    with django_assert_num_queries(0):  # the next page of any list in the same jurisdiction
        assert choices(county_a_clerk) == first
    assert ("620103", "　　七里河区") in choices(province_officer), "another jurisdiction, its own choices"
    assert "620103" not in dict(choices(county_a_clerk))
    renamed = tree["township_a"]
    renamed.name = "城关街道"
    unit_save(unit=renamed, actor=SystemActor("tests"))
    assert choices(county_a_clerk) == [("620102", "城关区"), ("620102001", "　城关街道")]


def test_past_a_thousand_rows_the_count_is_the_planners_estimate(db: Any) -> None:
    Group.objects.all().delete()  # the role groups: the table is to hold these rows only
    Group.objects.bulk_create(Group(name=f"组{i:04d}") for i in range(1500))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Group._meta.db_table}")
    everything = Group.objects.order_by("name")
    assert EstimatedCountPaginator(everything, 50).count == everything.count()  # the estimate, exact after ANALYZE
    assert EstimatedCountPaginator(everything.filter(name__lt="组0500"), 50).count == 500  # counted


def test_an_estimate_is_reused_for_the_same_list_and_a_small_count_never(db: Any, django_assert_num_queries) -> None:
    Group.objects.all().delete()  # the role groups: the table is to hold these rows only
    Group.objects.bulk_create(Group(name=f"组{i:04d}") for i in range(1500))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Group._meta.db_table}")
    everything = Group.objects.order_by("name")
    with django_assert_num_queries(2):  # the capped count, then EXPLAIN
        first = EstimatedCountPaginator(everything, 50).count
    with django_assert_num_queries(0):  # another page of the same list
        assert EstimatedCountPaginator(everything.order_by("-name"), 50).count == first
    with django_assert_num_queries(2):  # another list: its own count
        EstimatedCountPaginator(everything.filter(name__gt="组0100"), 50).count

    few = Group.objects.filter(name__lt="组0010").order_by("name")
    assert EstimatedCountPaginator(few, 50).count == 10
    Group.objects.filter(name="组0000").delete()
    with django_assert_num_queries(1):
        assert EstimatedCountPaginator(few, 50).count == 9  # exact counts are always taken afresh


def test_the_cadre_list_runs_as_many_queries_for_thirty_rows_as_for_three(cadres, tree, province_officer,
                                                                          client_for) -> None:
    """No per-row query: a column reading a field the list does not load, or a
    related object it does not join, would add one query per row."""
    client = client_for(province_officer)
    everyone = reverse(CHANGELIST) + "?status__exact=all"  # 李丽 is retired

    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(everyone)
        assert response.status_code == 200
        return [q["sql"] for q in captured.captured_queries]

    client.get(everyone)  # the session's and the sidebar's first-time work
    few = queries()
    for i in range(27):
        cadre_in(tree["county_a" if i % 2 else "township_a"], name=numbered("测试", i, 2), current_post=f"科员{i}")
    many = queries()
    assert len(many) == len(few), "\n".join(many)
    page = client.get(everyone).content.decode()
    assert page.count('<tr class="') >= 30 and numbered("测试", 26, 2) in page and "科员26" in page


def test_a_date_inside_text_that_wraps_is_kept_on_one_line() -> None:
    from orgwork.admin_list import dates_kept_whole

    shown = dates_kept_whole("整改事项「城关区：超职数配备干部」（兰州市城关区），2026-10-19到期，已逾期48天")
    assert shown == "整改事项「城关区：超职数配备干部」（兰州市城关区），<span class=\"nowrap\">2026-10-19</span>到期，已逾期48天"
    # a link's address is markup, not text: only the words it shows are touched
    linked = dates_kept_whole('<a href="/admin/x/?d=2026-10-19">2026-10-19 14:05 提交</a>')
    assert linked == '<a href="/admin/x/?d=2026-10-19"><span class="nowrap">2026-10-19 14:05</span> 提交</a>'
    assert dates_kept_whole("城关区第1党支部") == "城关区第1党支部"


def test_a_long_run_of_latin_letters_may_wrap_but_an_id_number_or_a_code_does_not() -> None:
    from orgwork.common.display import is_long_text

    assert is_long_text("Trip-to-HongKongMacauSingapore-" * 6)  # a destination typed without spaces
    assert not is_long_text("620102197506010033") and not is_long_text("PB620102-001")
    assert is_long_text("城关区人民政府办公室副主任科员")
