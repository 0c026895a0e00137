"""``{% scoped_result_list cl %}``: the changelist table, rows rendered by
:mod:`orgwork.admin_list` (Django's ``result_list`` where that does not apply), through
the same per-model ``change_list_results.html`` lookup as Django's tag."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode

from orgwork.admin_list import result_list_context

register = template.Library()


@register.tag(name="scoped_result_list")
def scoped_result_list_tag(parser: Any, token: Any) -> InclusionAdminNode:
    return InclusionAdminNode(parser, token, func=result_list_context, template_name="change_list_results.html",
                              takes_context=False)
