"""Changelist tags backed by :mod:`orgwork.admin_list`.

``{% scoped_result_list cl %}``: the changelist table, rows rendered in one pass (Django's
``result_list`` where that does not apply), through the same per-model
``change_list_results.html`` lookup as Django's tag. The rows keep Django's cell markup
either way, which ``orgwork/static/orgwork/admin.css`` gives unfold's look; the headers
are unfold's (its select-all checkbox), and each row carries its object for unfold's
row actions. ``{% list_filters cl %}``: the filter sidebar's
filters as Django's stock template draws them. ``{% list_starting_state cl as start %}``:
the state a register's list starts on (``StateFilter``), for the header to name it."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.admin.templatetags.admin_list import ResultList
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.utils.safestring import SafeString
from unfold.templatetags import unfold_list

from orgwork.admin_base import StateFilter
from orgwork.admin_list import list_filters_html, result_list_context

register = template.Library()


def scoped_result_list(context: Any, cl: Any) -> dict[str, Any]:
    # unfold's headers (its select-all checkbox), computed once: Django's would be thrown away.
    found = result_list_context(cl, headers=list(unfold_list.result_headers(cl)))
    # Each row's cells side by side, as one string, whichever way they were rendered: the
    # page is then the same either way, whatever whitespace the row template puts between items.
    found["results"] = [row if len(row) == 1 else ResultList(row.form, [SafeString("".join(row))])
                        for row in found["results"]]
    for obj, row in zip(cl.result_list, found["results"]):
        row.instance = obj  # unfold's row actions ask each row for its object
        # The row's markup by name: "{{ result.0 }}" on a list first fails a key and an
        # attribute lookup, and the template engine then lists the row's attributes with
        # dir() to tell the two failures apart: a millisecond on a page of fifty rows.
        row.html = row[0]
    found["actions_row"] = context.get("actions_row")
    found["has_add_permission"] = cl.model_admin.has_add_permission(context["request"])
    return found


@register.tag(name="scoped_result_list")
def scoped_result_list_tag(parser: Any, token: Any) -> InclusionAdminNode:
    return InclusionAdminNode(parser, token, func=scoped_result_list, template_name="change_list_results.html",
                              takes_context=True)


@register.simple_tag
def list_filters(cl: Any) -> SafeString:
    """``{% list_filters cl %}``: what ``{% for spec in cl.filter_specs %}{% admin_list_filter
    cl spec %}{% endfor %}`` renders, written by :func:`orgwork.admin_list.list_filters_html`."""
    return list_filters_html(cl)


@register.simple_tag
def list_starting_state(cl: Any) -> dict[str, str] | None:
    """``{"label": 在册, "everyone": "?status__exact=all&…"}`` while the list ``cl`` shows
    the state its ``StateFilter`` starts on without a pick; None otherwise. The link keeps
    the list's other filters and its order."""
    for spec in getattr(cl, "filter_specs", ()):
        if isinstance(spec, StateFilter) and (label := spec.starting_label()) is not None:
            return {"label": label, "everyone": cl.get_query_string({spec.parameter_name: StateFilter.EVERYONE})}
    return None
