"""Searching cadres by what people type: an ID number (exact), pinyin or initials
(prefix: "zgf", "zeng"), or the start of a name. Every branch is an indexed lookup;
a contains-search over a million names is not offered."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from orgwork.common import idnumber

_ID_SHAPE = re.compile(r"^(\d{15}|\d{17}[\dX])$")
_LATIN = re.compile(r"^[a-z]+$")


def cadre_search_q(term: str, prefix: str = "") -> Q:
    term = term.strip()
    try:
        as_id = idnumber.normalise(term)
    except ValidationError:
        as_id = ""
    if as_id and _ID_SHAPE.match(as_id):
        return Q(**{f"{prefix}id_number": as_id})
    letters = term.lower().replace(" ", "")
    if _LATIN.match(letters):
        return Q(**{f"{prefix}name_pinyin__startswith": letters}) | Q(**{f"{prefix}name_initials__startswith": letters})
    return Q(**{f"{prefix}name__startswith": term})


class CadreSearchMixin:
    """``get_search_results`` for admins listing cadres or rows that belong to one."""

    cadre_lookup_prefix = ""
    search_help_text = "输入姓名开头、拼音或首字母（如 zgf）、或完整身份证号"

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any], search_term: str) -> tuple[QuerySet[Any], bool]:
        if not search_term.strip():
            return queryset, False
        return queryset.filter(cadre_search_q(search_term, self.cadre_lookup_prefix)), False
