"""Changelist tags backed by :mod:`orgwork.admin_list`.

``{% scoped_result_list cl %}``: the changelist table, rows rendered in one pass (Django's
``result_list`` where that does not apply), through the same per-model
``change_list_results.html`` lookup as Django's tag. ``{% list_filters cl %}``: the
filter sidebar's filters."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.utils.safestring import SafeString

from orgwork.admin_list import list_filters_html, result_list_context

register = template.Library()


@register.tag(name="scoped_result_list")
def scoped_result_list_tag(parser: Any, token: Any) -> InclusionAdminNode:
    return InclusionAdminNode(parser, token, func=result_list_context, template_name="change_list_results.html",
                              takes_context=False)


@register.simple_tag
def list_filters(cl: Any) -> SafeString:
    """``{% list_filters cl %}``: what ``{% for spec in cl.filter_specs %}{% admin_list_filter
    cl spec %}{% endfor %}`` renders, written by :func:`orgwork.admin_list.list_filters_html`."""
    return list_filters_html(cl)
