"""Changelist result rows in one pass per row (列表页结果行).

Django's ``items_for_result`` decides, for every cell of every row, what its column is (a
model field, an admin method, a model attribute), which CSS classes the cell takes, what
its empty value is and whether it links; for a link it reverses the change URL and parses
it again to add the preserved filters. On a page of fifty rows and ten columns those are
five hundred repetitions of the same decisions, and the larger part of the page's time.

:func:`result_list_context` takes the decisions once per page: each ``list_display``
entry becomes a :class:`Column` that turns an object into its ``<td>`` (or ``<th>``), and
the change links are one reversed URL with each object's key put in. The values, the
escaping and the markup are Django's, cell for cell (``tests/test_admin_list.py`` renders
both ways and compares), so the admin's stylesheet and scripts and any per-model
``change_list_results.html`` keep working. One class is added: ``wrap`` on a cell of
Chinese text longer than twelve characters (:func:`orgwork.common.display.is_long_text`).
A changelist with a ``list_editable`` formset, or one whose admin turns
``one_pass_result_rows`` off, is rendered by Django.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote as url_quote

from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    _coerce_field_name,
    admin_list_filter,
    result_headers,
    result_hidden_fields,
    results,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
    quote,
)
from django.contrib.admin.options import ModelAdmin
from unfold.admin import ModelAdmin as UnfoldModelAdmin
from django.contrib.admin.views.main import ChangeList
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.template import Variable, VariableDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import iri_to_uri
from django.utils.formats import get_format, localize
from django.utils.html import escape, format_html
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from orgwork.common.display import is_long_text

# Stand in for an object's key and name while a URL or a checkbox is built once for the
# page; neither the admin's key quoting, URL quoting nor HTML escaping changes them.
KEY_SLOT = "~orgwork-key~"
LABEL_SLOT = "~orgwork-label~"
URL_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted in a path


def result_list_context(cl: ChangeList, headers: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The context of ``change_list_results.html``: one pass per row where that is
    possible, Django's ``result_list`` otherwise. ``headers``: the column headers where
    the caller draws its own (unfold's), instead of Django's."""
    if headers is None:
        headers = list(result_headers(cl))
    found = {
        "cl": cl,
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h.get("sorted")),
    }
    if getattr(cl, "formset", None) is not None or not getattr(cl.model_admin, "one_pass_result_rows", False):
        # Django's rows (as its result_list tag builds them, without computing the headers again).
        return {**found, "result_hidden_fields": list(result_hidden_fields(cl)), "results": list(results(cl))}
    columns = page_columns(cl)
    return {
        **found,
        "result_hidden_fields": [],  # only a list_editable formset has any
        # A row's cells joined into one string: the template writes them side by side
        # ("<tr>{% for item in result %}{{ item }}{% endfor %}</tr>"), so the page is the
        # same, without five hundred template variables to resolve.
        "results": [ResultList(None, [SafeString("".join([column.cell(obj) for column in columns]))])
                    for obj in cl.result_list],
    }


def page_columns(cl: ChangeList) -> list[Column]:
    """The page's columns, with the link decisions ``items_for_result`` makes per row:
    without ``list_display_links`` the first column links, and the first linking column
    is a ``<th>``."""
    empty = cl.model_admin.get_empty_value_display()
    links = ChangeLinks(cl)
    columns = []
    first = True
    for index, name in enumerate(cl.list_display):
        if cl.list_display_links is None:
            tag = None
        elif first and not cl.list_display_links:
            tag = "th"
        else:
            tag = ("th" if first else "td") if name in cl.list_display_links else None
        if tag is not None:
            first = False
        columns.append(Column(cl, name, index, empty, links if tag else None, tag or "td"))
    return columns


class ChangeLinks:
    """The change-page URLs of a page's rows, preserved filters included.

    Django reverses and re-parses the URL for each row; here one URL is reversed for a
    placeholder key, and each row's key, quoted as ``reverse()`` quotes it, takes the
    placeholder's place. A changelist with its own ``url_for_result``, or an admin whose
    change URL does not take the placeholder, is served row by row as Django does.
    """

    def __init__(self, cl: ChangeList) -> None:
        self.cl = cl
        self.context = {"preserved_filters": cl.preserved_filters, "opts": cl.opts}
        self.opener_attname = str(cl.to_field) if cl.to_field else cl.pk_attname
        self.head: str | None = None
        self.tail = ""
        if type(cl).url_for_result is not ChangeList.url_for_result:
            return
        try:
            url = reverse(f"admin:{cl.opts.app_label}_{cl.opts.model_name}_change", args=(KEY_SLOT,),
                          current_app=cl.model_admin.admin_site.name)
        except NoReverseMatch:
            return
        head, found, tail = add_preserved_filters(self.context, url).partition(KEY_SLOT)
        if found:
            self.head, self.tail = html.escape(head), html.escape(tail)

    def href(self, obj: models.Model) -> str | None:
        """The escaped URL of ``obj``'s change page; None where Django shows no link."""
        if self.head is None:
            try:
                url = self.cl.url_for_result(obj)
            except NoReverseMatch:
                return None
            return escape(add_preserved_filters(self.context, url))
        key = url_quote(str(quote(getattr(obj, self.cl.pk_attname))), safe=URL_SAFE)
        if not key:  # <path:object_id> takes at least one character
            return None
        return self.head + html.escape(key) + self.tail

    def around(self, obj: models.Model, shown: Any) -> str:
        """``shown``, escaped, inside the link to ``obj``'s change page."""
        href = self.href(obj)
        if href is None:
            return escaped(shown)
        opener = ""
        if self.cl.is_popup:
            opener = format_html(' data-popup-opener="{}"', obj.serializable_value(self.opener_attname))
        return f'<a href="{href}"{opener}>{escaped(shown)}</a>'


class Column:
    """One ``list_display`` entry, looked up once: where its value comes from, how the
    value is shown, the cell's tag and classes. :meth:`cell` gives what
    ``items_for_result`` gives for that cell.

    A column is one of three kinds, as in ``lookup_field``: a model field, shown as
    ``display_for_field`` shows it; a value shown as is (an admin method or a function in
    ``list_display``, with its ``boolean`` and ``empty_value`` options, or the implicit
    ``id``); or an attribute of the model, which can be a different thing per object and
    is looked up per object.
    """

    def __init__(self, cl: ChangeList, name: Any, index: int, empty: str, links: ChangeLinks | None,
                 tag: str) -> None:
        self.name = name
        self.links = links
        self.tag = tag
        self.default_empty = self.empty = empty
        self.boolean = False
        self.field: models.Field[Any, Any] | None = None
        self.classes = f"field-{_coerce_field_name(name, index)}"
        self.value_classes = self.classes
        self.by_object = False  # a model attribute: what it is can differ per object
        self.model_admin = model_admin = cl.model_admin
        try:
            field = _get_non_gfk_field(cl.opts, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            if callable(name) or (hasattr(model_admin, name) and name != "__str__"):
                attr = name if callable(name) else getattr(model_admin, name)
                self.read = attr
                self.empty = getattr(attr, "empty_value_display", empty)
                self.boolean = getattr(attr, "boolean", False)
                self.show = self.show_value
                if name == "action_checkbox" and type(model_admin).action_checkbox in STOCK_CHECKBOXES:
                    self.checkbox = checkbox_parts(model_admin)
                    if self.checkbox is not None:
                        self.read = self.read_checkbox
            else:
                self.by_object = True
            if name == "action_checkbox":
                self.value_classes = "action-checkbox"
        else:
            self.read = lambda obj: getattr(obj, name)
            if field.auto_created:  # the implicit id is shown as a plain value
                self.show = self.show_value
            else:
                self.field = field
                self.show = self.field_formatter(field)
                if isinstance(field, (models.DateField, models.TimeField, models.ForeignKey)):
                    self.value_classes += " nowrap"

    def cell(self, obj: models.Model) -> str:
        try:
            if self.by_object:
                _, attr, value = lookup_field(self.name, obj, self.model_admin)
            else:
                value = self.read(obj)
        except ObjectDoesNotExist:
            shown, classes = self.default_empty, self.classes
        else:
            if isinstance(value, str) and value.strip() == "":
                value = ""
            shown = self.show_attribute(value, attr) if self.by_object else self.show(value)
            if isinstance(shown, models.Model):  # a related record, shown by its name
                shown = str(shown)
            classes = self.value_classes
            if self.field is None and isinstance(value, (datetime.date, datetime.time)):
                classes += " nowrap"
            elif is_long_text(shown) and not isinstance(value, (datetime.date, datetime.time)):
                classes += " wrap"
        inner = escaped(shown) if self.links is None else self.links.around(obj, shown)
        if classes.endswith(" wrap"):
            inner = dates_kept_whole(inner)
        return SafeString(f'<{self.tag} class="{classes}">{inner}</{self.tag}>')

    # -- values of a callable or an attribute -------------------------------------------

    def read_checkbox(self, obj: models.Model) -> Any:
        before, between, after = self.checkbox
        if after is None:  # the key alone (unfold's checkbox has no label)
            return SafeString(before + escaped(str(obj.pk)) + between)
        return SafeString(before + escaped(str(obj.pk)) + between + escaped(str(obj)) + after)

    def show_attribute(self, value: Any, attr: Any) -> Any:
        boolean = getattr(attr, "boolean", False)
        if isinstance(attr, property) and hasattr(attr, "fget"):
            boolean = getattr(attr.fget, "boolean", False)
        return display_for_value(value, getattr(attr, "empty_value_display", self.empty), boolean)

    def show_value(self, value: Any) -> Any:
        if type(value) is str and not self.boolean:
            return value or self.empty
        return display_for_value(value, self.empty, self.boolean)

    # -- values of a model field --------------------------------------------------------

    def field_formatter(self, field: models.Field[Any, Any]) -> Callable[[Any], Any]:
        """``display_for_field`` for this field, with what depends only on the field done once."""
        empty, avoid_link = self.empty, self.links is not None
        if isinstance(field.remote_field, models.ManyToOneRel):
            return lambda value: empty if value is None else value
        if field.flatchoices:
            try:
                labels = dict(field.flatchoices)
            except TypeError:  # list-like choices, made hashable per cell by Django
                return lambda value: display_for_field(value, field, empty, avoid_link)

            def choice(value: Any) -> Any:
                try:
                    return labels.get(value, empty)
                except TypeError:
                    return display_for_field(value, field, empty, avoid_link)
            return choice
        if isinstance(field, models.BooleanField):
            icons = {v: display_for_field(v, field, empty) for v in (True, False, None)}
            return lambda value: icons[value] if value is None or type(value) is bool else \
                display_for_field(value, field, empty, avoid_link)
        if type(field) is models.DateField and get_format("DATE_FORMAT") == "Y-m-d":
            # The page's date format, looked up once: ISO is exactly what "Y-m-d" gives,
            # without parsing the format for each cell.
            return lambda value: value.isoformat() if type(value) is datetime.date else \
                display_for_field(value, field, empty, avoid_link)
        if isinstance(field, models.IntegerField) and not settings.USE_THOUSAND_SEPARATOR:
            # number_format of an int without grouping is its digits.
            return lambda value: str(value) if type(value) is int else \
                display_for_field(value, field, empty, avoid_link)
        if isinstance(field, (models.CharField, models.TextField)) and not isinstance(field, models.URLField):
            return lambda value: value if type(value) is str and value else \
                display_for_field(value, field, empty, avoid_link)
        return lambda value: display_for_field(value, field, empty, avoid_link)


def escaped(value: Any) -> str:
    """``conditional_escape`` without its check for lazy arguments, which is a third of
    the cost of a cell; a lazy string is made a string here as there."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


_MARKUP_TAG = re.compile(r"(<[^>]*>)")
_DATE_IN_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2})?")


def dates_kept_whole(markup: str) -> str:
    """A date inside text that wraps (a message, a finding) is kept on one line: broken at
    its hyphen (2026- / 10-19) it reads as two numbers. Only text between tags is touched."""
    if "-" not in markup:
        return markup
    parts = _MARKUP_TAG.split(markup)
    for i in range(0, len(parts), 2):
        parts[i] = _DATE_IN_TEXT.sub(r'<span class="nowrap">\g<0></span>', parts[i])
    return "".join(parts)


# The checkboxes whose markup is known to take the key (and the name) as they are given.
STOCK_CHECKBOXES = (ModelAdmin.action_checkbox, UnfoldModelAdmin.action_checkbox)


def checkbox_parts(model_admin: ModelAdmin[Any]) -> tuple[str, str, str | None] | None:
    """The action checkbox (Django's, or unfold's), rendered once for the page around its
    slots: the widget template, rendered per row, would cost more than the rest of the
    row. Django's shows the key and then the name, unfold's the key alone (the third
    part is then None). None if the rendering shows them otherwise."""
    markup = model_admin.action_checkbox(_Placeholder())
    before, key, rest = markup.partition(KEY_SLOT)
    if not key or KEY_SLOT in rest:
        return None
    between, label, after = rest.partition(LABEL_SLOT)
    if label:
        return None if LABEL_SLOT in after else (before, between, after)
    return None if LABEL_SLOT in before else (before, rest, None)


class _Placeholder:
    """An object whose key and name are the slots."""

    pk = KEY_SLOT

    def __str__(self) -> str:
        return LABEL_SLOT


# --- the filter sidebar --------------------------------------------------------------

DJANGO_FILTER_TEMPLATE = "admin/filter.html"
FILTER_TITLE = '<div><h3 class="font-semibold mb-2 text-font-important-light dark:text-font-important-dark">'
# (list, item, link) classes of orgwork/templates/admin/filter.html: side by side, or one under another.
FILTER_ROW = ("dark:bg-base-900 border border-base-200 flex min-w-20 rounded-default shadow-xs text-font-default-light "
              "dark:border-base-700 dark:text-font-default-dark w-full",
              "basis-1/3 border-r border-base-200 grow truncate last:border-r-0 dark:border-base-700 ",
              "block py-2 text-center hover:text-primary-600")
FILTER_COLUMN = ("border border-base-200 flex flex-col rounded-default shadow-xs dark:border-base-700",
                 "border-b border-base-200 last:border-b-0 dark:border-base-700 ",
                 "block px-3 py-2 hover:text-primary-600")


def list_filters_html(cl: ChangeList) -> SafeString:
    """Every filter of the changelist as Django's ``admin_list_filter`` renders it, one
    after the other. A filter drawn with the project's ``admin/filter.html`` (unfold's
    markup) is written here, without a template (a dozen filters are a dozen template
    renders, each with its block translation and a loop over the choices); any other goes
    through its template."""
    parts = []
    for spec in cl.filter_specs:
        if spec.template != DJANGO_FILTER_TEMPLATE:
            parts.append(admin_list_filter(cl, spec))
            continue
        choices = list(spec.choices(cl))
        parts.append(f'{FILTER_TITLE}{gettext(" By %(filter_title)s ") % {"filter_title": escaped(spec.title)}}</h3>')
        kept = _kept_value(spec)
        if kept:
            hidden = (f'<input type="hidden" name="{escaped(getattr(spec, "lookup_kwarg", ""))}" '
                      f'value="{escaped(localize(template_localtime(kept)))}">')
            parts.extend(hidden for choice in choices if choice["selected"])
        horizontal = type(spec).__name__ == "BooleanFieldListFilter" or getattr(spec, "horizontal", False)
        list_class, item_class, link_class = FILTER_ROW if horizontal else FILTER_COLUMN
        parts.append(f'<ul class="{list_class}">')
        for choice in choices:
            state = "font-semibold text-primary-600" if choice["selected"] else "hover:text-base-700"
            shown = escaped(localize(template_localtime(choice["display"])))
            parts.append(f'<li class="{item_class}{state}"><a href="{escaped(iri_to_uri(choice["query_string"]))}" '
                         f'title="{shown}" class="{link_class}">{shown}</a></li>')
        parts.append("</ul></div>\n")
    return SafeString("".join(parts))


def _kept_value(spec: Any) -> Any:
    """What the template's ``spec.lookup_val.0`` gives: the filter's current value, kept
    as a hidden input for filters submitted as a form."""
    try:
        return Variable("spec.lookup_val.0").resolve({"spec": spec})
    except VariableDoesNotExist:
        return None
